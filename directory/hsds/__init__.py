"""Open Referral HSDS 3.0: export the directory as a tabular data package or service JSON, and import one.

``mapping`` documents how a center maps onto HSDS; ``export`` and ``importing`` are the entry points.
"""
