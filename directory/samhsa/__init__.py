"""SAMHSA's National Directory of Mental Health Treatment Facilities: reading and mapping it."""
