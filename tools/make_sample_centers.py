#!/usr/bin/env python3
"""Generate the fictional sample listings in ``data/centers.json``.

Every center written here is invented. Names are coined words joined to a kind
of service, websites and e-mail addresses use the reserved ``.example``
top-level domain and phone numbers use the 555-0100 to 555-0199 range that is
reserved for fiction. Cities and ZIP codes are real, and each location's
coordinates are the ZIP centroid from the ``zipcodes`` package, so that
distance search behaves as it would on real data.

The output is deterministic: one seeded ``random.Random`` drives every choice,
and no part of it depends on the clock.

Usage::

    python tools/make_sample_centers.py
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import zipcodes


def words(text: str) -> tuple[str, ...]:
    """Split a block of whitespace-separated words (for long word lists)."""
    return tuple(text.split())


ROOT = Path(__file__).resolve().parent.parent
TAXONOMY_PATH = ROOT / "data" / "taxonomy.json"
OUTPUT_PATH = ROOT / "data" / "centers.json"
SEED = 2026

# Verification windows: a "verified" center is due again after this date,
# an "expired" one was due before it.
REVERIFY_CUTOFF = date(2026, 11, 1)
ADVERTISER_COUNT = 20
# A center's second office is in another city of the same metro area.
SECOND_SITE_MAX_KM = 60.0

RECORD_KEYS = (
    "slug",
    "name",
    "description",
    "website",
    "email",
    "phones",
    "locations",
    "service_area_states",
    "status",
    "accepting_new_clients",
    "cash_price_min",
    "cash_price_max",
    "sliding_scale",
    "payment_assistance",
    "price_notes",
    "spravato_rems_certified",
    "offers_in_clinic",
    "offers_at_home",
    "session_monitoring",
    "private_treatment_room",
    "support_person_allowed",
    "integration_therapy",
    "year_opened",
    "terms",
    "verification_status",
    "verified_at",
    "verified_by",
    "reverify_due_on",
    "license_number",
    "license_state",
    "verification_notes",
    "is_advertiser",
    "advertiser_starts_on",
    "advertiser_ends_on",
)

# ---------------------------------------------------------------------------
# Places: (city, state, ZIP, number of centers). Real cities and ZIP codes,
# weighted roughly by population, with clusters in Salt Lake City, Portland,
# Denver and Austin so that distance search has something to sort.
# ---------------------------------------------------------------------------
PLACES: tuple[tuple[str, str, str, int], ...] = (
    ("Los Angeles", "CA", "90017", 5),
    ("Los Angeles", "CA", "90036", 4),
    ("San Diego", "CA", "92103", 5),
    ("San Francisco", "CA", "94110", 3),
    ("San Francisco", "CA", "94115", 3),
    ("San Jose", "CA", "95126", 3),
    ("Oakland", "CA", "94612", 3),
    ("Sacramento", "CA", "95816", 3),
    ("Fresno", "CA", "93721", 2),
    ("Long Beach", "CA", "90802", 2),
    ("Irvine", "CA", "92618", 2),
    ("Santa Monica", "CA", "90401", 3),
    ("Pasadena", "CA", "91101", 2),
    ("Berkeley", "CA", "94704", 2),
    ("Riverside", "CA", "92501", 2),
    ("Santa Barbara", "CA", "93101", 1),
    ("Walnut Creek", "CA", "94596", 2),
    ("Bakersfield", "CA", "93301", 1),
    ("Austin", "TX", "78701", 3),
    ("Austin", "TX", "78704", 3),
    ("Austin", "TX", "78731", 2),
    ("Austin", "TX", "78745", 1),
    ("Round Rock", "TX", "78664", 1),
    ("San Marcos", "TX", "78666", 1),
    ("Houston", "TX", "77002", 4),
    ("Houston", "TX", "77030", 4),
    ("Dallas", "TX", "75201", 4),
    ("Dallas", "TX", "75219", 2),
    ("San Antonio", "TX", "78205", 3),
    ("San Antonio", "TX", "78229", 2),
    ("Fort Worth", "TX", "76102", 2),
    ("El Paso", "TX", "79902", 2),
    ("Plano", "TX", "75093", 1),
    ("Lubbock", "TX", "79401", 1),
    ("Corpus Christi", "TX", "78401", 1),
    ("Arlington", "TX", "76010", 1),
    ("Miami", "FL", "33130", 4),
    ("Miami Beach", "FL", "33139", 2),
    ("Fort Lauderdale", "FL", "33301", 3),
    ("Orlando", "FL", "32801", 4),
    ("Tampa", "FL", "33602", 4),
    ("Jacksonville", "FL", "32207", 3),
    ("St. Petersburg", "FL", "33701", 2),
    ("Tallahassee", "FL", "32301", 2),
    ("Gainesville", "FL", "32601", 2),
    ("Boca Raton", "FL", "33432", 2),
    ("Sarasota", "FL", "34236", 2),
    ("West Palm Beach", "FL", "33401", 2),
    ("New York", "NY", "10016", 4),
    ("New York", "NY", "10011", 3),
    ("New York", "NY", "10023", 3),
    ("Brooklyn", "NY", "11201", 4),
    ("Flushing", "NY", "11354", 1),
    ("Buffalo", "NY", "14202", 2),
    ("Rochester", "NY", "14604", 2),
    ("Albany", "NY", "12207", 2),
    ("Syracuse", "NY", "13202", 2),
    ("White Plains", "NY", "10601", 2),
    ("Ithaca", "NY", "14850", 1),
    ("Garden City", "NY", "11530", 2),
    ("Philadelphia", "PA", "19103", 4),
    ("Philadelphia", "PA", "19107", 2),
    ("Pittsburgh", "PA", "15213", 4),
    ("Harrisburg", "PA", "17101", 2),
    ("Allentown", "PA", "18101", 1),
    ("State College", "PA", "16801", 1),
    ("Lancaster", "PA", "17602", 1),
    ("Erie", "PA", "16501", 1),
    ("Scranton", "PA", "18503", 1),
    ("Chicago", "IL", "60611", 4),
    ("Chicago", "IL", "60614", 3),
    ("Chicago", "IL", "60657", 2),
    ("Evanston", "IL", "60201", 2),
    ("Naperville", "IL", "60540", 2),
    ("Oak Park", "IL", "60302", 1),
    ("Springfield", "IL", "62701", 1),
    ("Champaign", "IL", "61820", 1),
    ("Peoria", "IL", "61602", 1),
    ("Columbus", "OH", "43215", 4),
    ("Cleveland", "OH", "44113", 2),
    ("Cleveland", "OH", "44106", 1),
    ("Cincinnati", "OH", "45202", 3),
    ("Dayton", "OH", "45402", 1),
    ("Toledo", "OH", "43604", 1),
    ("Akron", "OH", "44308", 1),
    ("Dublin", "OH", "43017", 2),
    ("Atlanta", "GA", "30308", 3),
    ("Atlanta", "GA", "30305", 3),
    ("Decatur", "GA", "30030", 2),
    ("Savannah", "GA", "31401", 2),
    ("Athens", "GA", "30601", 2),
    ("Augusta", "GA", "30901", 1),
    ("Macon", "GA", "31201", 1),
    ("Charlotte", "NC", "28202", 4),
    ("Raleigh", "NC", "27601", 3),
    ("Durham", "NC", "27701", 2),
    ("Chapel Hill", "NC", "27514", 1),
    ("Asheville", "NC", "28801", 2),
    ("Greensboro", "NC", "27401", 1),
    ("Wilmington", "NC", "28401", 1),
    ("Detroit", "MI", "48226", 3),
    ("Ann Arbor", "MI", "48104", 3),
    ("Grand Rapids", "MI", "49503", 2),
    ("Lansing", "MI", "48933", 1),
    ("Dearborn", "MI", "48126", 2),
    ("Troy", "MI", "48084", 1),
    ("Kalamazoo", "MI", "49007", 1),
    ("Newark", "NJ", "07102", 2),
    ("Jersey City", "NJ", "07302", 2),
    ("Princeton", "NJ", "08540", 2),
    ("Hackensack", "NJ", "07601", 2),
    ("Morristown", "NJ", "07960", 1),
    ("Cherry Hill", "NJ", "08002", 2),
    ("New Brunswick", "NJ", "08901", 1),
    ("Richmond", "VA", "23219", 3),
    ("Arlington", "VA", "22201", 2),
    ("Alexandria", "VA", "22314", 2),
    ("Virginia Beach", "VA", "23451", 2),
    ("Charlottesville", "VA", "22903", 2),
    ("Seattle", "WA", "98101", 3),
    ("Seattle", "WA", "98122", 2),
    ("Bellevue", "WA", "98004", 2),
    ("Tacoma", "WA", "98402", 2),
    ("Spokane", "WA", "99201", 2),
    ("Olympia", "WA", "98501", 1),
    ("Vancouver", "WA", "98660", 1),
    ("Phoenix", "AZ", "85004", 2),
    ("Phoenix", "AZ", "85016", 2),
    ("Scottsdale", "AZ", "85251", 3),
    ("Tempe", "AZ", "85281", 2),
    ("Tucson", "AZ", "85719", 3),
    ("Flagstaff", "AZ", "86001", 1),
    ("Boston", "MA", "02116", 3),
    ("Boston", "MA", "02115", 2),
    ("Cambridge", "MA", "02139", 2),
    ("Worcester", "MA", "01608", 1),
    ("Newton", "MA", "02458", 1),
    ("Northampton", "MA", "01060", 1),
    ("Nashville", "TN", "37203", 4),
    ("Memphis", "TN", "38103", 2),
    ("Knoxville", "TN", "37902", 2),
    ("Chattanooga", "TN", "37402", 2),
    ("Indianapolis", "IN", "46204", 4),
    ("Bloomington", "IN", "47401", 1),
    ("Fort Wayne", "IN", "46802", 1),
    ("Carmel", "IN", "46032", 1),
    ("South Bend", "IN", "46601", 1),
    ("Baltimore", "MD", "21201", 3),
    ("Bethesda", "MD", "20814", 2),
    ("Rockville", "MD", "20850", 1),
    ("Annapolis", "MD", "21401", 1),
    ("Columbia", "MD", "21044", 1),
    ("St. Louis", "MO", "63108", 3),
    ("Kansas City", "MO", "64111", 3),
    ("Springfield", "MO", "65806", 1),
    ("Columbia", "MO", "65201", 1),
    ("Milwaukee", "WI", "53202", 3),
    ("Madison", "WI", "53703", 3),
    ("Green Bay", "WI", "54301", 1),
    ("Denver", "CO", "80203", 3),
    ("Denver", "CO", "80206", 2),
    ("Denver", "CO", "80218", 2),
    ("Denver", "CO", "80211", 2),
    ("Denver", "CO", "80209", 1),
    ("Boulder", "CO", "80302", 3),
    ("Colorado Springs", "CO", "80903", 2),
    ("Fort Collins", "CO", "80524", 1),
    ("Lakewood", "CO", "80226", 1),
    ("Minneapolis", "MN", "55403", 3),
    ("St. Paul", "MN", "55102", 2),
    ("Rochester", "MN", "55902", 1),
    ("Duluth", "MN", "55802", 1),
    ("Charleston", "SC", "29401", 2),
    ("Columbia", "SC", "29201", 2),
    ("Greenville", "SC", "29601", 2),
    ("Myrtle Beach", "SC", "29577", 1),
    ("Birmingham", "AL", "35203", 3),
    ("Huntsville", "AL", "35801", 2),
    ("Mobile", "AL", "36602", 1),
    ("New Orleans", "LA", "70112", 3),
    ("Baton Rouge", "LA", "70802", 2),
    ("Lafayette", "LA", "70501", 1),
    ("Louisville", "KY", "40202", 3),
    ("Lexington", "KY", "40507", 2),
    ("Bowling Green", "KY", "42101", 1),
    ("Portland", "OR", "97205", 3),
    ("Portland", "OR", "97209", 2),
    ("Portland", "OR", "97214", 2),
    ("Portland", "OR", "97212", 1),
    ("Portland", "OR", "97201", 1),
    ("Eugene", "OR", "97401", 2),
    ("Bend", "OR", "97701", 2),
    ("Ashland", "OR", "97520", 1),
    ("Oklahoma City", "OK", "73102", 2),
    ("Tulsa", "OK", "74103", 2),
    ("Norman", "OK", "73069", 1),
    ("Hartford", "CT", "06103", 2),
    ("New Haven", "CT", "06510", 2),
    ("Stamford", "CT", "06901", 1),
    ("Salt Lake City", "UT", "84101", 2),
    ("Salt Lake City", "UT", "84102", 2),
    ("Salt Lake City", "UT", "84105", 1),
    ("Salt Lake City", "UT", "84106", 2),
    ("Provo", "UT", "84601", 1),
    ("Ogden", "UT", "84401", 1),
    ("Park City", "UT", "84060", 1),
    ("Des Moines", "IA", "50309", 2),
    ("Iowa City", "IA", "52240", 1),
    ("Cedar Rapids", "IA", "52401", 1),
    ("Las Vegas", "NV", "89101", 2),
    ("Las Vegas", "NV", "89117", 1),
    ("Henderson", "NV", "89052", 1),
    ("Reno", "NV", "89501", 2),
    ("Little Rock", "AR", "72201", 2),
    ("Fayetteville", "AR", "72701", 2),
    ("Jackson", "MS", "39201", 2),
    ("Oxford", "MS", "38655", 1),
    ("Wichita", "KS", "67202", 2),
    ("Overland Park", "KS", "66210", 1),
    ("Lawrence", "KS", "66044", 1),
    ("Albuquerque", "NM", "87102", 2),
    ("Albuquerque", "NM", "87106", 1),
    ("Santa Fe", "NM", "87501", 1),
    ("Omaha", "NE", "68102", 2),
    ("Lincoln", "NE", "68508", 1),
    ("Boise", "ID", "83702", 3),
    ("Honolulu", "HI", "96813", 2),
    ("Kailua", "HI", "96734", 1),
    ("Manchester", "NH", "03101", 1),
    ("Portsmouth", "NH", "03801", 1),
    ("Concord", "NH", "03301", 1),
    ("Portland", "ME", "04101", 2),
    ("Bangor", "ME", "04401", 1),
    ("Providence", "RI", "02903", 3),
    ("Wilmington", "DE", "19801", 2),
    ("Newark", "DE", "19711", 1),
    ("Washington", "DC", "20005", 2),
    ("Washington", "DC", "20009", 1),
    ("Missoula", "MT", "59801", 2),
    ("Bozeman", "MT", "59715", 1),
    ("Burlington", "VT", "05401", 2),
    ("Montpelier", "VT", "05602", 1),
)

STATE_NAMES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "D.C.",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
}

# Bordering states, used for telehealth service areas.
NEIGHBORS = {
    "AL": ("FL", "GA", "MS", "TN"),
    "AR": ("LA", "MO", "MS", "OK", "TN", "TX"),
    "AZ": ("CA", "CO", "NM", "NV", "UT"),
    "CA": ("AZ", "NV", "OR"),
    "CO": ("AZ", "KS", "NE", "NM", "OK", "UT", "WY"),
    "CT": ("MA", "NY", "RI"),
    "DC": ("MD", "VA"),
    "DE": ("MD", "NJ", "PA"),
    "FL": ("AL", "GA"),
    "GA": ("AL", "FL", "NC", "SC", "TN"),
    "HI": (),
    "IA": ("IL", "MN", "MO", "NE", "SD", "WI"),
    "ID": ("MT", "NV", "OR", "UT", "WA", "WY"),
    "IL": ("IA", "IN", "KY", "MO", "WI"),
    "IN": ("IL", "KY", "MI", "OH"),
    "KS": ("CO", "MO", "NE", "OK"),
    "KY": ("IL", "IN", "MO", "OH", "TN", "VA", "WV"),
    "LA": ("AR", "MS", "TX"),
    "MA": ("CT", "NH", "NY", "RI", "VT"),
    "MD": ("DC", "DE", "PA", "VA", "WV"),
    "ME": ("NH",),
    "MI": ("IN", "OH", "WI"),
    "MN": ("IA", "ND", "SD", "WI"),
    "MO": ("AR", "IA", "IL", "KS", "KY", "NE", "OK", "TN"),
    "MS": ("AL", "AR", "LA", "TN"),
    "MT": ("ID", "ND", "SD", "WY"),
    "NC": ("GA", "SC", "TN", "VA"),
    "NE": ("CO", "IA", "KS", "MO", "SD", "WY"),
    "NH": ("MA", "ME", "VT"),
    "NJ": ("DE", "NY", "PA"),
    "NM": ("AZ", "CO", "OK", "TX", "UT"),
    "NV": ("AZ", "CA", "ID", "OR", "UT"),
    "NY": ("CT", "MA", "NJ", "PA", "VT"),
    "OH": ("IN", "KY", "MI", "PA", "WV"),
    "OK": ("AR", "CO", "KS", "MO", "NM", "TX"),
    "OR": ("CA", "ID", "NV", "WA"),
    "PA": ("DE", "MD", "NJ", "NY", "OH", "WV"),
    "RI": ("CT", "MA"),
    "SC": ("GA", "NC"),
    "TN": ("AL", "AR", "GA", "KY", "MO", "MS", "NC", "VA"),
    "TX": ("AR", "LA", "NM", "OK"),
    "UT": ("AZ", "CO", "ID", "NM", "NV", "WY"),
    "VA": ("DC", "KY", "MD", "NC", "TN", "WV"),
    "VT": ("MA", "NH", "NY"),
    "WA": ("ID", "OR"),
    "WI": ("IA", "IL", "MI", "MN"),
}

SPANISH_COMMON = {"AZ", "CA", "CO", "DC", "FL", "IL", "NJ", "NM", "NV", "NY", "TX"}
LOCAL_LANGUAGES = {
    "CA": ("chinese", "vietnamese", "tagalog", "korean"),
    "FL": ("haitian-creole", "portuguese"),
    "GA": ("korean", "vietnamese"),
    "HI": ("tagalog", "korean", "chinese"),
    "IL": ("arabic", "korean", "russian"),
    "LA": ("vietnamese",),
    "MA": ("portuguese", "haitian-creole", "chinese"),
    "MD": ("korean", "chinese"),
    "MI": ("arabic",),
    "NJ": ("korean", "portuguese", "russian"),
    "NV": ("tagalog",),
    "NY": ("chinese", "russian", "korean", "haitian-creole"),
    "OH": ("arabic",),
    "OR": ("vietnamese", "russian"),
    "PA": ("russian", "chinese"),
    "RI": ("portuguese",),
    "TX": ("vietnamese",),
    "VA": ("korean", "arabic", "vietnamese"),
    "WA": ("chinese", "vietnamese", "russian", "korean"),
}
ANTHEM_STATES = frozenset(
    words(
        """
    CA CO CT GA IN KY ME MO NH NV NY OH VA WI
        """
    )
)
KAISER_STATES = {"CA", "CO", "DC", "GA", "HI", "MD", "OR", "VA", "WA"}
MOLINA_STATES = frozenset(
    words(
        """
    AZ CA FL IA ID IL KY MI MS NE NM NV NY OH SC TX UT VA WA WI
        """
    )
)
NATIONAL_CARRIERS = (
    "aetna",
    "blue-cross-blue-shield",
    "cigna",
    "humana",
    "magellan",
    "optum",
    "unitedhealthcare",
)

# ---------------------------------------------------------------------------
# Kinds of center ("archetypes") and their shares of the listings. The
# psilocybin service centers are placed separately, in OR and CO only.
# ---------------------------------------------------------------------------
PSILOCYBIN_SERVICE_COUNTS = {"OR": 6, "CO": 6}
ARCHETYPE_SHARES = {
    "ketamine_clinic": 60,
    "ketamine_telehealth": 8,
    "interventional_psychiatry": 31,
    "tms_center": 36,
    "psychiatric_hospital": 8,
    "research_site": 6,
    "residential": 78,
    "php_iop": 98,
    "outpatient_rehab": 62,
    "inpatient_unit": 14,
    "therapy_practice": 62,
}
# One ketamine clinic in each cluster city, so nearby-search demos find one.
PINNED_ARCHETYPES = {
    "84102": "ketamine_clinic",
    "84106": "tms_center",
    "97214": "ketamine_clinic",
    "80218": "ketamine_clinic",
    "78704": "ketamine_clinic",
}
# Research sites alternate between the two study drugs.
RESEARCH_DRUGS = ("psilocybin-assisted-therapy", "mdma-assisted-therapy")
REHAB_ARCHETYPES = {"residential", "php_iop", "outpatient_rehab", "inpatient_unit"}
HOSPITAL_ARCHETYPES = {"psychiatric_hospital", "inpatient_unit"}
MULTI_SITE_ARCHETYPES = {
    "ketamine_clinic",
    "interventional_psychiatry",
    "tms_center",
    "php_iop",
    "outpatient_rehab",
    "therapy_practice",
}

STATUS_SHARES = {
    "published": 85,
    "pending": 5,
    "draft": 3,
    "suspended": 3,
    "closed": 4,
}
VERIFICATION_SHARES = {
    "verified": 40,
    "unverified": 35,
    "pending": 10,
    "expired": 8,
    "revoked": 7,
}

RESEARCHERS = (
    "Marisol Quennell",
    "Tobias Ardwin",
    "Priya Halvorsen",
    "Desmond Okafor-Reyes",
    "Linnea Vashti Cole",
    "Corwin Teague",
    "Amara Lindqvist",
)

# ---------------------------------------------------------------------------
# Name parts. Coined words keep the names clear of real organizations.
# ---------------------------------------------------------------------------
COINED_WORDS = words(
    """
    Quillfeather Wrenharrow Thistlemere Fernwhistle Copperlark Sorrelmead
    Kestrelwick Lumenhale Tallowbrook Ambrelle Brisenwold Olvenbrook Marrowlight
    Elderquill Halvenrest Pellwick Quenmoor Velloran Wistmoor Yarrowden Zephyrine
    Ondrelle Brackenhaze Caddowmere Dovecrest Emberlin Foxglint Hearthwell
    Lanternfell Mistralene Nettlebrook Orchardine Rookspire Silvertarn Tidewhistle
    Umberglen Vesperwell Aldermoss Candlemere Driftlark Fallowmere Glimmerbrook
    Ivybell Kettlewhistle Lindenmarrow Moonquill Northwren Oakenshade Thornquill
    Underbough Velvetmoss Whitlowe Amberquay Bramblewick Duskmeadow Elmstitch
    Fenlark Gossamere Hollowquill Inkwillow Juncoridge Kiteberry Larchwhistle
    Mossglen Nimbrel Owlcrest Pinecradle Riverquill Solvane Tamsinbrook Umbrelle
    Yewhallow Zinniford Alderquay Briarlume Cobbleward Daybrightly Eskerlane
    Feathermoor Glenwhistle Harrowlark Isleworthy Juniperquill Kindlemere Loamstead
    Meadowlume Nightjarrow Orrisfield Plovermoor Quietbrae Rushwhistle Saltmarrow
    Tarnwick Upperfold Vireomoor Willowquay Wildbrae Cairnlight Dapplemere Emberquay
    Flintmoss Greywhistle Heronquill Ivorlane Lichenmoor Mirewold
    """
)
PLACE_WORDS = words(
    """
    Hollow Bend Ridge Crossing Meadow Landing Harbor Grove Reach Fold Rise Vale
    Commons Glen Point Hill
    """
)
KINDS = {
    "ketamine_clinic": (
        "Ketamine Clinic",
        "Infusion Center",
        "Ketamine & Wellness",
        "Ketamine Institute",
        "Infusion Therapy",
        "Ketamine Care",
    ),
    "ketamine_telehealth": (
        "Ketamine Telehealth",
        "Virtual Ketamine Care",
        "Home Ketamine Program",
    ),
    "interventional_psychiatry": (
        "Psychiatric Associates",
        "Mood Disorders Center",
        "Interventional Psychiatry",
        "Psychiatry Group",
        "Mood Clinic",
    ),
    "tms_center": (
        "TMS & Wellness",
        "TMS Center",
        "Brain Stimulation Clinic",
        "Neuromodulation Center",
        "TMS Therapy",
    ),
    "psychiatric_hospital": (
        "Behavioral Hospital",
        "Psychiatric Hospital",
        "Behavioral Health Hospital",
    ),
    "inpatient_unit": ("Psychiatric Center", "Behavioral Health Pavilion"),
    "research_site": (
        "Clinical Research Institute",
        "Psychedelic Research Center",
        "Research Clinic",
        "Mood Research Center",
    ),
    "residential": (
        "Recovery Residence",
        "Treatment Center",
        "Wellness Retreat",
        "Residential Treatment",
        "Recovery Lodge",
    ),
    "php_iop": (
        "Behavioral Health",
        "Day Treatment Program",
        "Mental Health Center",
        "Recovery Center",
        "Outpatient Programs",
    ),
    "outpatient_rehab": (
        "Behavioral Health",
        "Outpatient Recovery",
        "Mental Health Services",
        "Depression Treatment Program",
    ),
    "therapy_practice": (
        "Counseling Collective",
        "Therapy Group",
        "Counseling Center",
        "Psychotherapy Associates",
        "Mood & Anxiety Therapy",
    ),
    "adolescent": (
        "Teen Treatment Center",
        "Adolescent Recovery",
        "Youth Behavioral Health",
    ),
    "psilocybin_OR": ("Psilocybin Service Center", "Psilocybin Services"),
    "psilocybin_CO": ("Healing Center", "Natural Medicine Healing Center"),
}

STREET_WORDS = words(
    """
    Alder Bellhaven Cobblestone Driftwood Elmcrest Fairlight Granary Hawthorn
    Ironwood Juniper Kingfisher Linden Millrace Northgate Orchard Pinnacle Quarry
    Sandpiper Tanager Upland Vintner Yarrow Marigold Copperleaf Foxhollow Larkwood
    Stonemill Wrenfield Ashbury Brookline
    """
)
STREET_SUFFIXES = words(
    """
    Street Avenue Road Boulevard Drive Lane Parkway Way Place Court
    """
)

# ---------------------------------------------------------------------------
# Phrases used in descriptions.
# ---------------------------------------------------------------------------
ROUTE_PHRASES = {
    "iv-infusion": "IV ketamine infusions",
    "intramuscular": "intramuscular ketamine injections",
    "oral-sublingual": "sublingual ketamine lozenges",
}
LEVEL_PHRASES = {
    "inpatient": "inpatient care",
    "residential": "residential treatment",
    "partial-hospitalization": "a partial hospitalization program (PHP)",
    "intensive-outpatient": "an intensive outpatient program (IOP)",
    "outpatient": "outpatient therapy",
}
MODALITY_PHRASES = {
    "cbt": "cognitive behavioral therapy (CBT)",
    "dbt": "dialectical behavior therapy (DBT)",
    "emdr": "EMDR",
    "medication-management": "psychiatric medication management",
}
TALK_THERAPIES = ("cbt", "dbt", "emdr")
CONDITION_PHRASES = {
    "anxiety": "anxiety",
    "ptsd": "PTSD",
    "bipolar": "bipolar disorder",
    "ocd": "OCD",
    "postpartum-depression": "postpartum depression",
    "substance-use": "substance use",
}
PROGRAM_PHRASES = {
    "veterans": "military veterans",
    "lgbtq": "LGBTQ+ clients",
    "trauma": "trauma survivors",
    "first-responders": "first responders",
    "perinatal": "new and expecting parents",
    "college-students": "college students",
}
LANGUAGE_NAMES = {
    "english": "English",
    "spanish": "Spanish",
    "chinese": "Mandarin",
    "vietnamese": "Vietnamese",
    "tagalog": "Tagalog",
    "korean": "Korean",
    "arabic": "Arabic",
    "russian": "Russian",
    "haitian-creole": "Haitian Creole",
    "portuguese": "Portuguese",
    "asl": "American Sign Language",
}
CLINICIAN_PHRASES = {
    "board-certified-anesthesiologist": "a board-certified anesthesiologist",
    "board-certified-psychiatrist": "a board-certified psychiatrist",
    "emergency-physician": "a board-certified emergency physician",
    "crna": "a certified registered nurse anesthetist",
    "nurse-practitioner": "a psychiatric nurse practitioner",
    "physician-assistant": "a physician assistant",
    "licensed-therapist": "a licensed therapist",
}
ACCREDITATION_PHRASES = {
    "joint-commission": "the Joint Commission",
    "carf": "CARF",
    "legitscript": "LegitScript",
}

OPENERS = {
    "ketamine_clinic": (
        "{name} is an outpatient ketamine clinic in {city}, {state}, offering "
        "{routes} for adults with depression.",
        "Located in {city}, {name} provides medically supervised ketamine treatment, including {routes}.",
        "{name} opened in {city} in {year} and offers {routes} in a quiet clinical setting.",
        "At {name} in {city}, adults whose depression has not improved with "
        "other treatments can receive {routes}.",
    ),
    "ketamine_telehealth": (
        "{name} is a telehealth ketamine program based in {city}, {state}, "
        "offering at-home sublingual ketamine for adults with depression.",
        "Run from {city}, {name} provides at-home ketamine treatment by video "
        "visit for adults living in {service_states}.",
    ),
    "interventional_psychiatry": (
        "{name} is a psychiatric practice in {city}, {state}, focused on "
        "depression and other mood disorders.",
        "{name} provides psychiatric evaluation and treatment in {city} for "
        "depression that has not responded to first treatments.",
        "Since {year}, {name} has offered outpatient psychiatry for adults "
        "with mood disorders in {city}, {state}.",
    ),
    "tms_center": (
        "{name} is an outpatient TMS clinic in {city}, {state}, offering "
        "transcranial magnetic stimulation for adults with depression.",
        "{name} provides transcranial magnetic stimulation (TMS) in {city} for "
        "people whose depression has not improved with antidepressant "
        "medication.",
        "Opened in {year}, {name} offers TMS therapy for depression at its office in {city}.",
    ),
    "psychiatric_hospital": (
        "{name} is a psychiatric hospital in {city}, {state}, with inpatient "
        "units for people in an acute mental health crisis.",
        "{name} in {city} provides hospital-level psychiatric care for people "
        "with severe depression and other serious mental health conditions.",
    ),
    "inpatient_unit": (
        "{name} is an inpatient psychiatric program in {city}, {state}, for "
        "adults who need round-the-clock care for severe depression.",
        "{name} provides short-term inpatient treatment in {city} for people "
        "with severe depression and related conditions.",
    ),
    "residential": (
        "{name} is a residential treatment program in {city}, {state}, for "
        "adults whose depression calls for more support than weekly therapy.",
        "Set in {city}, {name} offers residential treatment for depression and related conditions.",
        "{name} has provided residential mental health treatment in the {city} area since {year}.",
    ),
    "php_iop": (
        "{name} offers {levels} for depression in {city}, {state}.",
        "{name} is a day-treatment provider in {city} running {levels} for people with depression.",
        "Based in {city}, {name} runs {levels} for people who need structured care while living at home.",
    ),
    "outpatient_rehab": (
        "{name} is an outpatient depression treatment program in {city}, {state}.",
        "{name} provides structured outpatient treatment for depression in "
        "{city}, combining individual and group therapy.",
        "Since {year}, {name} has offered outpatient mental health treatment in {city}.",
    ),
    "therapy_practice": (
        "{name} is a group practice of licensed therapists in {city}, "
        "{state}, offering outpatient talk therapy for depression.",
        "{name} brings together licensed therapists in {city} who provide {modalities} for depression.",
        "Founded in {year}, {name} offers individual therapy for depression "
        "and related concerns in {city}, {state}.",
    ),
    "research_site": (
        "{name} is a clinical research site in {city}, {state}, that conducts "
        "studies of {substance}-assisted therapy.",
        "{name} runs clinical trials in {city} that study {substance}-assisted "
        "therapy for {research_condition}.",
    ),
    "psilocybin_OR": (
        "{name} is a licensed psilocybin service center in {city}, operating "
        "under Oregon's state psilocybin services program.",
        "Licensed under Oregon's psilocybin services program, {name} offers "
        "facilitated psilocybin sessions in {city} for adults 21 and older.",
    ),
    "psilocybin_CO": (
        "{name} is a licensed healing center in {city}, operating under "
        "Colorado's regulated natural medicine program.",
        "Licensed under Colorado's natural medicine program, {name} offers "
        "facilitated psilocybin sessions in {city} for adults 21 and older.",
    ),
    "adolescent": (
        "{name} provides {levels} for teens ages 13 to 17 with depression in {city}, {state}.",
        "Based in {city}, {name} serves adolescents ages 13 to 17 through "
        "{levels}, with family therapy and school coordination.",
    ),
}

MONITORING = {
    "iv-infusion": (
        "Pulse oximetry, blood pressure and heart rate monitored throughout; "
        "observed by a nurse for at least 60 minutes after the session.",
        "Continuous pulse oximetry and blood pressure readings every 5 to 10 "
        "minutes during the infusion; a registered nurse stays with the "
        "patient until discharge criteria are met.",
        "A CRNA or physician is on site for every infusion; heart rate, blood "
        "pressure and oxygen saturation are recorded throughout and for 30 "
        "minutes afterward.",
        "Cardiac monitoring, pulse oximetry and blood pressure checks during "
        "the infusion; patients recover for 30 to 45 minutes and leave with "
        "a driver.",
    ),
    "intramuscular": (
        "Blood pressure and oxygen saturation checked before the injection "
        "and every 15 minutes afterward; a clinician remains on site until the "
        "patient is cleared to leave with a driver.",
    ),
    "oral-sublingual": (
        "Blood pressure checked before dosing and at the end of the session; "
        "a staff member checks in every 15 minutes and patients leave with a "
        "driver.",
    ),
    "at-home": (
        "The first at-home dose is taken during a video visit with a "
        "clinician; a trusted adult must be present for every session, and "
        "patients report blood pressure and symptoms before and after dosing.",
        "Patients check in by video before each at-home session, a support "
        "person stays with them throughout, and a clinician reviews the "
        "session report within one business day.",
    ),
    "esketamine": (
        "Blood pressure checked before dosing and about 40 minutes and 2 hours "
        "after; patients stay under observation for at least 2 hours and do "
        "not drive until the next day.",
        "Observed for at least 2 hours after each dose under the Spravato REMS "
        "program, with blood pressure checks before and after; patients "
        "arrange a ride home.",
    ),
    "tms": (
        "A trained TMS technician stays with the patient for the whole "
        "session; the supervising clinician reviews progress and side effects "
        "every week.",
        "Motor threshold measured by a clinician before the course starts; a "
        "technician is present for every session and side effects are "
        "reviewed weekly.",
    ),
    "ect": (
        "ECT is given under general anesthesia with an anesthesiologist "
        "present; heart rhythm, oxygen and blood pressure are monitored, and "
        "patients recover in a staffed recovery area.",
    ),
    "research": (
        "Two study clinicians remain with the participant for the whole dosing "
        "session; vital signs are checked at set times under the study "
        "protocol, and participants go home with a support person.",
    ),
    "psilocybin_OR": (
        "A licensed facilitator is present for the whole administration "
        "session, usually four to six hours; clients leave only when the "
        "facilitator confirms they are ready and have a ride.",
    ),
    "psilocybin_CO": (
        "A state-licensed facilitator stays with the client for the whole "
        "session; blood pressure is checked before dosing and clients leave "
        "with a ride once the facilitator confirms they are ready.",
    ),
}

KETAMINE_ROUTE_MIXES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("iv-infusion",), 45),
    (("iv-infusion", "intramuscular"), 15),
    (("iv-infusion", "oral-sublingual"), 15),
    (("intramuscular",), 8),
    (("iv-infusion", "intramuscular", "oral-sublingual"), 10),
    (("intramuscular", "oral-sublingual"), 7),
)

CONDITION_PROBS: dict[str, dict[str, float]] = {
    "ketamine_clinic": {
        "anxiety": 0.6,
        "ptsd": 0.5,
        "bipolar": 0.2,
        "ocd": 0.15,
        "postpartum-depression": 0.08,
    },
    "ketamine_telehealth": {"anxiety": 0.7, "ptsd": 0.3},
    "interventional_psychiatry": {
        "anxiety": 0.7,
        "ptsd": 0.3,
        "bipolar": 0.5,
        "ocd": 0.3,
        "postpartum-depression": 0.1,
    },
    "tms_center": {"anxiety": 0.35, "ocd": 0.35, "ptsd": 0.15},
    "psychiatric_hospital": {
        "anxiety": 0.8,
        "bipolar": 0.9,
        "ptsd": 0.5,
        "co-occurring": 0.6,
        "ocd": 0.3,
    },
    "inpatient_unit": {
        "anxiety": 0.8,
        "bipolar": 0.8,
        "ptsd": 0.4,
        "co-occurring": 0.55,
    },
    "research_site": {"anxiety": 0.2},
    "psilocybin_service": {"anxiety": 0.6, "ptsd": 0.25},
    "residential": {
        "anxiety": 0.85,
        "ptsd": 0.5,
        "bipolar": 0.4,
        "co-occurring": 0.5,
        "ocd": 0.15,
    },
    "php_iop": {
        "anxiety": 0.9,
        "ptsd": 0.45,
        "bipolar": 0.35,
        "co-occurring": 0.4,
        "ocd": 0.2,
        "postpartum-depression": 0.06,
    },
    "outpatient_rehab": {
        "anxiety": 0.9,
        "ptsd": 0.4,
        "bipolar": 0.3,
        "co-occurring": 0.35,
        "ocd": 0.15,
        "postpartum-depression": 0.08,
    },
    "therapy_practice": {
        "anxiety": 0.95,
        "ptsd": 0.45,
        "ocd": 0.25,
        "bipolar": 0.15,
        "postpartum-depression": 0.15,
        "substance-use": 0.1,
    },
}
PROGRAM_PROBS: dict[str, dict[str, float]] = {
    "ketamine_clinic": {
        "veterans": 0.25,
        "first-responders": 0.15,
        "lgbtq": 0.15,
        "trauma": 0.2,
    },
    "ketamine_telehealth": {"lgbtq": 0.2, "veterans": 0.1},
    "interventional_psychiatry": {
        "veterans": 0.15,
        "perinatal": 0.08,
        "lgbtq": 0.1,
    },
    "tms_center": {
        "veterans": 0.2,
        "first-responders": 0.08,
        "college-students": 0.05,
    },
    "psychiatric_hospital": {
        "veterans": 0.25,
        "trauma": 0.3,
        "first-responders": 0.1,
        "lgbtq": 0.15,
    },
    "inpatient_unit": {"veterans": 0.15, "trauma": 0.25},
    "research_site": {"veterans": 0.3},
    "psilocybin_service": {"lgbtq": 0.25, "trauma": 0.2, "veterans": 0.15},
    "residential": {
        "veterans": 0.15,
        "lgbtq": 0.25,
        "trauma": 0.4,
        "first-responders": 0.12,
        "college-students": 0.08,
    },
    "php_iop": {
        "veterans": 0.12,
        "lgbtq": 0.25,
        "trauma": 0.3,
        "first-responders": 0.08,
        "college-students": 0.12,
        "perinatal": 0.08,
    },
    "outpatient_rehab": {
        "veterans": 0.1,
        "lgbtq": 0.25,
        "trauma": 0.3,
        "first-responders": 0.06,
        "college-students": 0.1,
        "perinatal": 0.12,
    },
    "therapy_practice": {
        "lgbtq": 0.35,
        "trauma": 0.35,
        "perinatal": 0.18,
        "college-students": 0.18,
        "veterans": 0.06,
        "first-responders": 0.05,
    },
}
# Treatments that need a prescriber, and the credentials that can prescribe.
PRESCRIBED_THERAPIES = {
    "ketamine-assisted-therapy",
    "esketamine",
    "tms",
    "ect",
    "medication-management",
}
PRESCRIBERS = {
    "board-certified-psychiatrist",
    "board-certified-anesthesiologist",
    "emergency-physician",
    "nurse-practitioner",
    "physician-assistant",
}
ADULT_ONLY_PROGRAMS = {"veterans", "first-responders", "perinatal", "college-students"}


@dataclass(frozen=True)
class Place:
    """A real city and ZIP code with the ZIP's centroid and area codes."""

    city: str
    state: str
    postal_code: str
    latitude: float
    longitude: float
    area_codes: tuple[str, ...]


@dataclass
class Draft:
    """A center while it is being put together, before it becomes a record."""

    archetype: str
    place: Place
    terms: dict[str, list[str]] = field(default_factory=dict)
    adolescent_only: bool = False
    at_home: bool = False
    integration: bool | None = None
    study_drug: str | None = None
    verification: str = "unverified"
    record: dict[str, Any] = field(default_factory=dict)

    def has(self, scheme: str, code: str) -> bool:
        """Tell whether the draft carries a term."""
        return code in self.terms.get(scheme, [])


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def choose(rng: random.Random, probabilities: dict[str, float]) -> list[str]:
    """Return each code whose independent coin flip comes up."""
    return [code for code, p in probabilities.items() if rng.random() < p]


def join_words(words: Sequence[str]) -> str:
    """Join words as prose: "a", "a and b", "a, b and c"."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def slugify(text: str) -> str:
    """Lowercase, hyphenated slug of a name."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def apportion(total: int, shares: dict[str, float]) -> dict[str, int]:
    """Split ``total`` into whole counts by share (largest remainder)."""
    weight = sum(shares.values())
    exact = {key: total * share / weight for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    leftover = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)
    for key in by_remainder[:leftover]:
        counts[key] += 1
    return counts


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A random date between ``start`` and ``end`` inclusive."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


def random_datetime(rng: random.Random, start: date, end: date) -> datetime:
    """A random UTC working-hours date-time between two dates."""
    day = random_date(rng, start, end)
    moment = time(hour=rng.randint(14, 23), minute=rng.randint(0, 59))
    return datetime.combine(day, moment, tzinfo=UTC)


def add_year(day: date) -> date:
    """The same calendar day one year later (28 February for 29 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def maybe(rng: random.Random, p_true: float, p_false: float) -> bool | None:
    """True, False or None (unknown) with the given probabilities."""
    roll = rng.random()
    if roll < p_true:
        return True
    if roll < p_true + p_false:
        return False
    return None


# ---------------------------------------------------------------------------
# Taxonomy and places
# ---------------------------------------------------------------------------
def load_taxonomy() -> dict[str, list[str]]:
    """Term codes per scheme, in taxonomy order."""
    data = json.loads(TAXONOMY_PATH.read_text(encoding="utf-8"))
    return {scheme["code"]: [term["code"] for term in scheme["terms"]] for scheme in data["schemes"]}


def city_matches(wanted: str, entry: dict[str, Any]) -> bool:
    """Whether a hand-written city name matches a zipcodes entry."""

    def norm(name: str) -> str:
        return re.sub(r"^st\.? ", "saint ", name.lower())

    names = [entry["city"], *entry.get("acceptable_cities", [])]
    return norm(wanted) in {norm(name) for name in names}


def resolve_place(city: str, state: str, postal_code: str) -> Place:
    """Look a ZIP code up in zipcodes and check that it fits the city."""
    matches = zipcodes.matching(postal_code)
    assert matches, f"unknown ZIP {postal_code}"
    entry = matches[0]
    assert entry["active"], f"inactive ZIP {postal_code}"
    assert entry["zip_code_type"] == "STANDARD", f"non-standard ZIP {postal_code}"
    assert entry["state"] == state, f"ZIP {postal_code} is not in {state}"
    assert city_matches(city, entry), f"ZIP {postal_code} is not in {city}"
    assert entry["area_codes"], f"ZIP {postal_code} has no area code"
    return Place(
        city=city,
        state=state,
        postal_code=postal_code,
        latitude=round(float(entry["lat"]), 4),
        longitude=round(float(entry["long"]), 4),
        area_codes=tuple(entry["area_codes"]),
    )


def build_slots() -> list[Place]:
    """One place per center, following the counts in PLACES."""
    slots: list[Place] = []
    for city, state, postal_code, count in PLACES:
        place = resolve_place(city, state, postal_code)
        slots.extend([place] * count)
    return slots


def assign_archetypes(slots: list[Place], rng: random.Random) -> list[str]:
    """Give each slot a kind of center, respecting state rules and pins."""
    assigned: list[str | None] = [None] * len(slots)
    order = list(range(len(slots)))
    rng.shuffle(order)
    for state, count in PSILOCYBIN_SERVICE_COUNTS.items():
        picks = [i for i in order if slots[i].state == state][:count]
        for i in picks:
            assigned[i] = "psilocybin_service"
    remaining = len(slots) - sum(PSILOCYBIN_SERVICE_COUNTS.values())
    pool = apportion(remaining, ARCHETYPE_SHARES)
    for postal_code, archetype in PINNED_ARCHETYPES.items():
        index = next(i for i in order if slots[i].postal_code == postal_code and assigned[i] is None)
        assigned[index] = archetype
        pool[archetype] -= 1
    research = [i for i in order if assigned[i] is None and slots[i].state not in PSILOCYBIN_SERVICE_COUNTS][
        : pool["research_site"]
    ]
    for i in research:
        assigned[i] = "research_site"
    pool["research_site"] = 0
    bag = [kind for kind, count in sorted(pool.items()) for _ in range(count)]
    rng.shuffle(bag)
    free = [i for i in range(len(slots)) if assigned[i] is None]
    assert len(free) == len(bag)
    for i, kind in zip(free, bag, strict=True):
        assigned[i] = kind
    return [kind for kind in assigned if kind is not None]


# ---------------------------------------------------------------------------
# Terms
# ---------------------------------------------------------------------------
def rehab_modalities(rng: random.Random, probabilities: dict[str, float]) -> list[str]:
    """Talk-therapy and medication codes, at least one."""
    return choose(rng, probabilities) or ["cbt"]


def therapy_terms(draft: Draft, rng: random.Random) -> tuple[list[str], list[str]]:
    """Therapies and routes of administration for a draft."""
    kind = draft.archetype
    routes: list[str] = []
    if kind == "ketamine_clinic":
        therapies = [
            "ketamine-assisted-therapy",
            *choose(rng, {"esketamine": 0.15, "tms": 0.05, "medication-management": 0.3}),
        ]
        mixes, weights = zip(*KETAMINE_ROUTE_MIXES, strict=True)
        routes = list(rng.choices(mixes, weights=weights)[0])
        draft.at_home = "oral-sublingual" in routes and rng.random() < 0.5
    elif kind == "ketamine_telehealth":
        therapies, routes = ["ketamine-assisted-therapy"], ["oral-sublingual"]
        draft.at_home = True
    elif kind == "interventional_psychiatry":
        therapies = [
            "esketamine",
            "medication-management",
            *choose(rng, {"tms": 0.25, "ketamine-assisted-therapy": 0.15, "cbt": 0.2}),
        ]
        if "ketamine-assisted-therapy" in therapies:
            routes = list(
                rng.choice(
                    (
                        ["intramuscular"],
                        ["oral-sublingual"],
                        ["iv-infusion"],
                        ["intramuscular", "oral-sublingual"],
                    )
                )
            )
    elif kind == "tms_center":
        therapies = ["tms", *choose(rng, {"esketamine": 0.2, "medication-management": 0.4})]
    elif kind == "psychiatric_hospital":
        therapies = [
            "depression-rehab",
            "ect",
            "medication-management",
            *choose(rng, {"tms": 0.5, "esketamine": 0.4, "cbt": 0.7, "dbt": 0.5}),
        ]
    elif kind == "research_site":
        therapies = [draft.study_drug or "psilocybin-assisted-therapy"]
    elif kind == "psilocybin_service":
        therapies = ["psilocybin-assisted-therapy"]
    elif kind in REHAB_ARCHETYPES:
        therapies = [
            "depression-rehab",
            *rehab_modalities(rng, {"cbt": 0.85, "dbt": 0.55, "emdr": 0.35, "medication-management": 0.8}),
        ]
        if kind == "php_iop":
            therapies += choose(rng, {"esketamine": 0.03, "tms": 0.02})
    else:
        therapies = rehab_modalities(
            rng, {"cbt": 0.8, "dbt": 0.4, "emdr": 0.4, "medication-management": 0.25}
        )
    if "esketamine" in therapies:
        routes.append("nasal-spray")
    return therapies, routes


def level_terms(draft: Draft, rng: random.Random) -> list[str]:
    """Levels of care consistent with the kind of center."""
    kind = draft.archetype
    if kind == "ketamine_clinic":
        telehealth = draft.at_home or rng.random() < 0.35
        return ["outpatient"] + (["telehealth"] if telehealth else [])
    if kind == "ketamine_telehealth":
        return ["telehealth"]
    if kind in ("interventional_psychiatry", "tms_center", "therapy_practice"):
        p_tele = {"interventional_psychiatry": 0.7, "tms_center": 0.15}.get(kind, 0.75)
        return ["outpatient"] + (["telehealth"] if rng.random() < p_tele else [])
    if kind in ("research_site", "psilocybin_service"):
        return ["outpatient"]
    if kind == "psychiatric_hospital":
        return [
            "inpatient",
            *choose(rng, {"partial-hospitalization": 0.7, "intensive-outpatient": 0.5, "outpatient": 0.4}),
        ]
    if kind == "inpatient_unit":
        return [
            "inpatient",
            *choose(rng, {"residential": 0.2, "partial-hospitalization": 0.5, "intensive-outpatient": 0.3}),
        ]
    if kind == "residential":
        return [
            "residential",
            *choose(
                rng,
                {
                    "partial-hospitalization": 0.35,
                    "intensive-outpatient": 0.35,
                    "outpatient": 0.2,
                    "telehealth": 0.15,
                },
            ),
        ]
    if kind == "php_iop":
        core = rng.choices(
            (
                ["partial-hospitalization"],
                ["intensive-outpatient"],
                ["partial-hospitalization", "intensive-outpatient"],
            ),
            weights=(25, 35, 40),
        )[0]
        return core + choose(rng, {"outpatient": 0.5, "telehealth": 0.35})
    return ["outpatient", *choose(rng, {"intensive-outpatient": 0.3, "telehealth": 0.5})]


def program_terms(draft: Draft, therapies: list[str], rng: random.Random) -> list[str]:
    """Special programs; adolescent-only centers skip adult-only tracks."""
    probabilities = dict(PROGRAM_PROBS.get(draft.archetype, {}))
    if "mdma-assisted-therapy" in therapies:
        probabilities["veterans"] = 0.6
    programs = choose(rng, probabilities)
    if draft.adolescent_only:
        programs = [code for code in programs if code not in ADULT_ONLY_PROGRAMS]
    return programs


def condition_terms(draft: Draft, therapies: list[str], programs: list[str], rng: random.Random) -> list[str]:
    """Conditions: always depression or TRD, plus a plausible mix."""
    biological = {"ketamine-assisted-therapy", "esketamine", "tms", "ect"}
    if set(therapies) & biological or draft.archetype == "research_site":
        conditions = ["treatment-resistant-depression"]
        if rng.random() < 0.85:
            conditions.append("depression")
    else:
        conditions = ["depression"]
        if draft.archetype in REHAB_ARCHETYPES and rng.random() < 0.2:
            conditions.append("treatment-resistant-depression")
    conditions += choose(rng, CONDITION_PROBS.get(draft.archetype, {}))
    if "co-occurring" in conditions:
        conditions.append("substance-use")
    if "perinatal" in programs:
        conditions.append("postpartum-depression")
    if set(programs) & {"veterans", "first-responders", "trauma"}:
        conditions.append("ptsd")
    if "mdma-assisted-therapy" in therapies:
        conditions.append("ptsd")
    if draft.adolescent_only:
        conditions = [c for c in conditions if c != "postpartum-depression"]
    return conditions


def age_terms(draft: Draft, rng: random.Random) -> list[str]:
    """Age groups served; mostly adults, some adolescent programs."""
    kind = draft.archetype
    if draft.adolescent_only:
        return ["adolescents"]
    table: dict[str, dict[str, float]] = {
        "ketamine_clinic": {"young-adults": 0.4, "seniors": 0.4},
        "ketamine_telehealth": {"young-adults": 0.5},
        "interventional_psychiatry": {"young-adults": 0.2, "seniors": 0.6},
        "tms_center": {"young-adults": 0.3, "seniors": 0.7, "adolescents": 0.1},
        "psychiatric_hospital": {
            "young-adults": 0.6,
            "seniors": 0.7,
            "adolescents": 0.3,
        },
        "inpatient_unit": {"young-adults": 0.5, "seniors": 0.4},
        "research_site": {"seniors": 0.3},
        "psilocybin_service": {"seniors": 0.4},
        "therapy_practice": {
            "young-adults": 0.6,
            "adolescents": 0.35,
            "children": 0.15,
            "seniors": 0.3,
        },
    }
    default = {"young-adults": 0.6, "seniors": 0.25, "adolescents": 0.15}
    extra = choose(rng, table.get(kind, default))
    if "adolescents" not in extra:
        extra = [code for code in extra if code != "children"]
    return ["adults", *extra]


def language_terms(draft: Draft, rng: random.Random) -> list[str]:
    """English always, Spanish often, local languages now and then."""
    state = draft.place.state
    languages = ["english"]
    if rng.random() < (0.55 if state in SPANISH_COMMON else 0.22):
        languages.append("spanish")
    for code in LOCAL_LANGUAGES.get(state, ()):
        if rng.random() < 0.12:
            languages.append(code)
    if rng.random() < 0.04:
        languages.append("asl")
    return languages


def credential_terms(draft: Draft, therapies: list[str], routes: list[str], rng: random.Random) -> list[str]:
    """Clinician credentials that fit the kind of care."""
    found = base_credentials(draft, routes, rng)
    if set(therapies) & PRESCRIBED_THERAPIES and not set(found) & PRESCRIBERS:
        found.append(rng.choice(("board-certified-psychiatrist", "nurse-practitioner")))
    return found


def base_credentials(draft: Draft, routes: list[str], rng: random.Random) -> list[str]:
    """Credentials typical of the kind of center, before consistency fixes."""
    kind = draft.archetype
    if kind == "ketamine_clinic" and "iv-infusion" in routes:
        leads = (
            "board-certified-anesthesiologist",
            "crna",
            "emergency-physician",
            "board-certified-psychiatrist",
        )
        found = rng.sample(leads, rng.choice((1, 1, 2)))
        found += choose(rng, {"nurse-practitioner": 0.5, "physician-assistant": 0.2})
    elif kind in ("ketamine_clinic", "ketamine_telehealth"):
        found = choose(
            rng,
            {
                "board-certified-psychiatrist": 0.6,
                "nurse-practitioner": 0.7,
                "physician-assistant": 0.2,
            },
        ) or ["board-certified-psychiatrist"]
    elif kind == "interventional_psychiatry":
        found = [
            "board-certified-psychiatrist",
            *choose(rng, {"nurse-practitioner": 0.6, "physician-assistant": 0.25, "licensed-therapist": 0.3}),
        ]
    elif kind == "tms_center":
        found = choose(
            rng,
            {
                "board-certified-psychiatrist": 0.85,
                "nurse-practitioner": 0.5,
                "physician-assistant": 0.2,
            },
        ) or ["nurse-practitioner"]
    elif kind == "psychiatric_hospital":
        found = [
            "board-certified-psychiatrist",
            "board-certified-anesthesiologist",
            "nurse-practitioner",
            "licensed-therapist",
        ]
    elif kind == "research_site":
        found = ["board-certified-psychiatrist", "licensed-therapist"]
    elif kind == "psilocybin_service":
        found = ["licensed-therapist"] if rng.random() < 0.5 else []
    elif kind == "therapy_practice":
        found = [
            "licensed-therapist",
            *choose(rng, {"nurse-practitioner": 0.25, "board-certified-psychiatrist": 0.15}),
        ]
    else:
        found = [
            "licensed-therapist",
            *choose(
                rng,
                {"board-certified-psychiatrist": 0.7, "nurse-practitioner": 0.6, "physician-assistant": 0.1},
            ),
        ]
    if draft.integration and kind.startswith("ketamine") and rng.random() < 0.6:
        found.append("licensed-therapist")
    return found


def accreditation_terms(draft: Draft, rng: random.Random) -> list[str]:
    """Accreditations: rehabs and hospitals often, clinics rarely.

    The scheme lists only what the research team has checked, so centers
    that were never verified carry none.
    """
    if draft.verification in ("unverified", "pending"):
        return []
    kind = draft.archetype
    tables: dict[str, tuple[float, float, float]] = {
        # (Joint Commission, CARF when not JC, LegitScript)
        "psychiatric_hospital": (0.95, 0.0, 0.1),
        "inpatient_unit": (0.8, 0.15, 0.15),
        "residential": (0.65, 0.6, 0.3),
        "php_iop": (0.5, 0.4, 0.2),
        "outpatient_rehab": (0.25, 0.35, 0.1),
        "ketamine_clinic": (0.03, 0.0, 0.12),
        "ketamine_telehealth": (0.0, 0.0, 0.4),
        "tms_center": (0.08, 0.0, 0.03),
        "interventional_psychiatry": (0.05, 0.0, 0.02),
        "therapy_practice": (0.0, 0.05, 0.0),
    }
    p_jc, p_carf, p_legit = tables.get(kind, (0.0, 0.0, 0.0))
    found = []
    if rng.random() < p_jc:
        found.append("joint-commission")
    elif rng.random() < p_carf:
        found.append("carf")
    if rng.random() < p_legit:
        found.append("legitscript")
    return found


def payment_terms(draft: Draft, programs: list[str], sliding: bool | None, rng: random.Random) -> list[str]:
    """Ways of paying, consistent with the kind of center and its programs."""
    tables: dict[str, dict[str, float]] = {
        "ketamine_clinic": {
            "self-pay": 1.0,
            "private-insurance": 0.15,
            "va-community-care": 0.12,
            "tricare": 0.05,
        },
        "ketamine_telehealth": {"self-pay": 1.0},
        "interventional_psychiatry": {
            "private-insurance": 1.0,
            "medicare": 0.8,
            "medicaid": 0.35,
            "tricare": 0.2,
            "va-community-care": 0.2,
            "self-pay": 0.6,
        },
        "tms_center": {
            "private-insurance": 1.0,
            "medicare": 0.85,
            "medicaid": 0.3,
            "tricare": 0.3,
            "va-community-care": 0.2,
            "self-pay": 0.85,
        },
        "psychiatric_hospital": {
            "private-insurance": 1.0,
            "medicare": 1.0,
            "medicaid": 0.8,
            "tricare": 0.4,
            "self-pay": 0.7,
        },
        "inpatient_unit": {
            "private-insurance": 1.0,
            "medicare": 0.8,
            "medicaid": 0.6,
            "tricare": 0.3,
            "self-pay": 0.7,
        },
        "research_site": {},
        "psilocybin_service": {"self-pay": 1.0},
        "residential": {
            "private-insurance": 0.85,
            "self-pay": 1.0,
            "medicaid": 0.15,
            "tricare": 0.2,
        },
        "php_iop": {
            "private-insurance": 0.95,
            "medicare": 0.4,
            "medicaid": 0.35,
            "self-pay": 0.8,
            "tricare": 0.2,
        },
        "outpatient_rehab": {
            "private-insurance": 0.9,
            "medicaid": 0.45,
            "medicare": 0.4,
            "self-pay": 0.85,
        },
        "therapy_practice": {
            "private-insurance": 0.7,
            "self-pay": 1.0,
            "medicaid": 0.2,
            "medicare": 0.25,
        },
    }
    probabilities = dict(tables[draft.archetype])
    if "veterans" in programs and probabilities:
        probabilities["va-community-care"] = 0.7
        probabilities["tricare"] = 0.7
    found = choose(rng, probabilities)
    if sliding:
        found.append("sliding-scale")
    return found


def insurance_terms(draft: Draft, payments: list[str], rng: random.Random) -> list[str]:
    """Named carriers for centers that take private insurance."""
    if "private-insurance" not in payments:
        return []
    state = draft.place.state
    pool = list(NATIONAL_CARRIERS)
    if state in ANTHEM_STATES:
        pool.append("anthem")
    if state in KAISER_STATES:
        pool.append("kaiser-permanente")
    if state in MOLINA_STATES and "medicaid" in payments:
        pool.append("molina")
    return rng.sample(pool, rng.randint(2, min(6, len(pool))))


def ordered_terms(raw: dict[str, list[str]], taxonomy: dict[str, list[str]]) -> dict[str, list[str]]:
    """Drop empty schemes, deduplicate and sort codes in taxonomy order."""
    terms: dict[str, list[str]] = {}
    for scheme, codes in taxonomy.items():
        chosen = set(raw.get(scheme, []))
        unknown = chosen - set(codes)
        assert not unknown, f"unknown {scheme} codes {unknown}"
        if chosen:
            terms[scheme] = [code for code in codes if code in chosen]
    return terms


def build_terms(
    draft: Draft, taxonomy: dict[str, list[str]], rng: random.Random
) -> tuple[bool | None, bool | None]:
    """Fill ``draft.terms``; return the sliding-scale and assistance flags."""
    therapies, routes = therapy_terms(draft, rng)
    draft.adolescent_only = draft.archetype in ("residential", "php_iop") and rng.random() < 0.1
    levels = level_terms(draft, rng)
    programs = program_terms(draft, therapies, rng)
    conditions = condition_terms(draft, therapies, programs, rng)
    draft.integration = integration_flag(draft, therapies, rng)
    sliding, assistance = payment_flags(draft, rng)
    payments = payment_terms(draft, programs, sliding, rng)
    raw = {
        "therapy": therapies,
        "route": routes,
        "condition": conditions,
        "level_of_care": levels,
        "payment": payments,
        "insurance": insurance_terms(draft, payments, rng),
        "age_group": age_terms(draft, rng),
        "language": language_terms(draft, rng),
        "program": programs,
        "credential": credential_terms(draft, therapies, routes, rng),
        "accreditation": accreditation_terms(draft, rng),
    }
    draft.terms = ordered_terms(raw, taxonomy)
    return sliding, assistance


# ---------------------------------------------------------------------------
# Care specifics and prices
# ---------------------------------------------------------------------------
def integration_flag(draft: Draft, therapies: list[str], rng: random.Random) -> bool | None:
    """Whether integration therapy is offered (psychedelic-type care only)."""
    kind = draft.archetype
    if kind in ("psilocybin_service", "research_site"):
        return True
    if kind == "ketamine_clinic":
        return maybe(rng, 0.65, 0.25)
    if kind == "ketamine_telehealth":
        return maybe(rng, 0.7, 0.3)
    if "ketamine-assisted-therapy" in therapies:
        return maybe(rng, 0.5, 0.3)
    return None


def payment_flags(draft: Draft, rng: random.Random) -> tuple[bool | None, bool | None]:
    """Sliding-scale and payment-assistance flags (sometimes unknown)."""
    p_sliding = {
        "therapy_practice": 0.4,
        "outpatient_rehab": 0.25,
        "php_iop": 0.1,
        "psilocybin_service": 0.4,
        "ketamine_clinic": 0.1,
    }.get(draft.archetype, 0.05)
    p_assist = {
        "ketamine_clinic": 0.25,
        "psilocybin_service": 0.3,
        "research_site": 0.0,
    }.get(draft.archetype, 0.3 if draft.archetype in REHAB_ARCHETYPES else 0.15)
    if draft.archetype == "research_site":
        return False, False
    if rng.random() < 0.08:
        return None, None
    return rng.random() < p_sliding, rng.random() < p_assist


def service_area(draft: Draft, rng: random.Random) -> list[str]:
    """Telehealth states: the center's own state, sometimes its neighbors."""
    if not draft.has("level_of_care", "telehealth"):
        return []
    state = draft.place.state
    neighbors = NEIGHBORS[state]
    if draft.archetype == "ketamine_telehealth":
        count = rng.randint(1, 4)
    else:
        count = rng.choices((0, 1, 2, 3), weights=(55, 25, 12, 8))[0]
    extra = sorted(rng.sample(neighbors, min(count, len(neighbors))))
    return [state, *extra]


def monitoring_text(draft: Draft, rng: random.Random) -> str | None:
    """How sessions are monitored, for the kinds of care that need it."""
    kind = draft.archetype
    routes = draft.terms.get("route", [])
    esketamine = draft.has("therapy", "esketamine")
    if kind == "ketamine_telehealth":
        return rng.choice(MONITORING["at-home"])
    if kind == "psilocybin_service":
        return rng.choice(MONITORING["psilocybin_" + draft.place.state])
    if kind == "research_site":
        return MONITORING["research"][0]
    if draft.has("therapy", "ketamine-assisted-therapy"):
        route = next(r for r in ("iv-infusion", "intramuscular", "oral-sublingual") if r in routes)
        text = rng.choice(MONITORING[route])
        if esketamine:
            text += " Spravato patients are observed for at least 2 hours after each dose."
        return text
    if esketamine:
        return rng.choice(MONITORING["esketamine"])
    if draft.has("therapy", "ect"):
        return MONITORING["ect"][0]
    if draft.has("therapy", "tms"):
        return rng.choice(MONITORING["tms"])
    return None


def year_opened(draft: Draft, rng: random.Random) -> int | None:
    """A plausible opening year for the kind of center (sometimes unknown)."""
    kind = draft.archetype
    if kind == "psilocybin_service":
        return 2025 if draft.place.state == "CO" else rng.randint(2023, 2025)
    if rng.random() < 0.1:
        return None
    ranges = {
        "ketamine_clinic": (2014, 2025),
        "ketamine_telehealth": (2019, 2025),
        "interventional_psychiatry": (1990, 2024),
        "tms_center": (2009, 2025),
        "psychiatric_hospital": (1985, 2012),
        "inpatient_unit": (1985, 2018),
        "research_site": (2005, 2024),
    }
    low, high = ranges.get(kind, (1985, 2025))
    return rng.randint(low, high)


def care_fields(draft: Draft, rng: random.Random) -> dict[str, Any]:
    """Care-setting fields: where sessions happen, monitoring, rooms."""
    kind = draft.archetype
    psychedelic_like = kind in (
        "ketamine_clinic",
        "ketamine_telehealth",
        "interventional_psychiatry",
        "psilocybin_service",
        "research_site",
    )
    esketamine = draft.has("therapy", "esketamine")
    # Only talk-therapy sessions can move home by video; TMS, ECT and
    # Spravato always happen on site.
    talk_only = not set(draft.terms.get("therapy", [])) & {"tms", "ect", "esketamine"} and (
        kind in REHAB_ARCHETYPES or kind == "therapy_practice"
    )
    medical = kind in (
        "ketamine_clinic",
        "interventional_psychiatry",
        "tms_center",
        "psychiatric_hospital",
    )
    fields: dict[str, Any] = {
        "service_area_states": service_area(draft, rng),
        "spravato_rems_certified": True if esketamine else (False if medical else None),
        "offers_in_clinic": kind != "ketamine_telehealth",
        "offers_at_home": draft.at_home or (talk_only and draft.has("level_of_care", "telehealth")),
        "session_monitoring": monitoring_text(draft, rng),
        "private_treatment_room": None,
        "support_person_allowed": None,
        "integration_therapy": draft.integration,
        "year_opened": year_opened(draft, rng),
    }
    if kind == "ketamine_telehealth":
        fields["support_person_allowed"] = True
    elif psychedelic_like:
        fields["private_treatment_room"] = True if kind == "research_site" else maybe(rng, 0.8, 0.12)
        fields["support_person_allowed"] = False if kind == "research_site" else maybe(rng, 0.6, 0.2)
    elif kind == "tms_center":
        fields["private_treatment_room"] = maybe(rng, 0.6, 0.2)
        fields["support_person_allowed"] = maybe(rng, 0.4, 0.2)
    return fields


def price_range(
    rng: random.Random,
    low: tuple[int, int],
    spread: tuple[int, int],
    step: int,
    cap: int | None = None,
) -> tuple[int, int]:
    """A rounded (min, max) self-pay range."""
    minimum = rng.randrange(low[0], low[1] + 1, step)
    maximum = minimum + rng.randrange(spread[0], spread[1] + 1, step)
    if cap is not None:
        maximum = min(maximum, cap)
    return minimum, max(minimum, maximum)


def ketamine_prices(draft: Draft, rng: random.Random) -> tuple[int, int, str | None]:
    """Per-session prices and a note for ketamine care."""
    routes = draft.terms.get("route", [])
    if draft.archetype == "ketamine_telehealth":
        low, high = price_range(rng, (100, 200), (0, 75), 25)
        note = f"A six-session at-home program, including clinician visits, costs about ${low * 6 + 250:,}."
        return low, high, note
    if "iv-infusion" in routes:
        low, high = price_range(rng, (400, 575), (0, 250), 25, cap=800)
    elif "intramuscular" in routes:
        low, high = price_range(rng, (250, 450), (0, 150), 25)
    else:
        low, high = price_range(rng, (150, 300), (0, 100), 25)
    notes = (
        f"A series of six sessions is priced at ${low * 6 - 200:,} when paid up front.",
        f"The initial consultation costs ${rng.randrange(150, 301, 25)} and "
        "is credited toward the first session.",
        f"Booster sessions after the initial series are ${low}.",
        None,
        None,
    )
    return low, high, rng.choice(notes)


def price_fields(draft: Draft, rng: random.Random) -> tuple[int | None, int | None, str | None]:
    """Usual self-pay price range for one session or day, and a note."""
    kind = draft.archetype
    levels = draft.terms.get("level_of_care", [])
    if draft.has("therapy", "ketamine-assisted-therapy") and kind.startswith("ketamine"):
        return ketamine_prices(draft, rng)
    if kind == "research_site":
        return (
            None,
            None,
            ("Study participation is free for eligible participants; some studies reimburse travel."),
        )
    if kind == "psilocybin_service":
        low, high = price_range(rng, (900, 2000), (300, 1500), 50, cap=3500)
        return (
            low,
            high,
            rng.choice(
                (
                    "Price covers the preparation session, the administration session "
                    "and one integration session.",
                    "Group sessions cost less than individual sessions; ask about reduced rates.",
                    None,
                )
            ),
        )
    if kind == "interventional_psychiatry":
        note = (
            "Spravato is usually covered by insurance after prior "
            "authorization; staff check benefits before the first session."
        )
        if rng.random() < 0.7:
            return None, None, note if rng.random() < 0.7 else None
        low, high = price_range(rng, (600, 800), (0, 150), 25)
        return low, high, note
    if kind == "tms_center":
        low, high = price_range(rng, (200, 300), (50, 150), 25)
        return (
            low,
            high,
            rng.choice(
                (
                    "A standard course is 36 sessions over about nine weeks; most "
                    "commercial plans and Medicare cover TMS after prior authorization.",
                    "Self-pay packages for a full course are available.",
                    None,
                )
            ),
        )
    if kind in HOSPITAL_ARCHETYPES or "residential" in levels:
        note = rng.choice(
            (
                "Costs depend on insurance coverage and length of stay.",
                f"The self-pay residential rate is about ${rng.randrange(900, 2201, 100):,} per day."
                if "residential" in levels
                else None,
                None,
            )
        )
        return None, None, note
    if "partial-hospitalization" in levels or "intensive-outpatient" in levels:
        low = rng.randrange(200, 451, 25) if "intensive-outpatient" in levels else None
        high = rng.randrange(500, 1101, 50) if "partial-hospitalization" in levels else None
        low = low or high
        high = high or (low + rng.randrange(0, 151, 25) if low else None)
        return low, high, "Rates are per program day." if rng.random() < 0.6 else None
    low, high = price_range(rng, (110, 220), (20, 80), 10)
    if draft.terms.get("payment") and "sliding-scale" in draft.terms["payment"]:
        low = rng.randrange(50, 91, 10)
    return low, high, None


def money_fields(
    draft: Draft, sliding: bool | None, assistance: bool | None, rng: random.Random
) -> dict[str, Any]:
    """Price fields of the record; about one in ten prices stays unknown."""
    low, high, note = price_fields(draft, rng)
    if low is not None and rng.random() < 0.08:
        low, high = None, None
    if assistance and note is None and rng.random() < 0.5:
        note = rng.choice(
            (
                "Payment plans are available.",
                "Financing through a third-party medical lender is available.",
            )
        )
    return {
        "cash_price_min": low,
        "cash_price_max": high,
        "sliding_scale": sliding,
        "payment_assistance": assistance,
        "price_notes": note,
    }


# ---------------------------------------------------------------------------
# Names, slugs and contact details
# ---------------------------------------------------------------------------
def make_name(
    draft: Draft, rng: random.Random, used_prefixes: set[str], used_slugs: set[str]
) -> tuple[str, str]:
    """A unique invented name and its slug."""
    if draft.archetype == "psilocybin_service":
        kinds = KINDS["psilocybin_" + draft.place.state]
    elif draft.adolescent_only:
        kinds = KINDS["adolescent"]
    else:
        kinds = KINDS[draft.archetype]
    while True:
        prefix = rng.choice(COINED_WORDS)
        if rng.random() < 0.45:
            prefix += " " + rng.choice(PLACE_WORDS)
        if prefix in used_prefixes:
            continue
        name = f"{prefix} {rng.choice(kinds)}"
        slug = slugify(name)
        if slug in used_slugs:
            slug = f"{slug}-{slugify(draft.place.city)}"
        # The slug is also a host name label, so keep it within 63 characters.
        if slug in used_slugs or len(slug) > 63:
            continue
        used_prefixes.add(prefix)
        used_slugs.add(slug)
        return name, slug


def make_phone(area_codes: Sequence[str], rng: random.Random, used: set[str]) -> str:
    """A fictional (AAA) 555-01NN number, unique while numbers last."""
    candidates = [f"({area}) 555-01{line:02d}" for area in area_codes for line in range(100)]
    free = [number for number in candidates if number not in used]
    number = rng.choice(free or candidates)
    used.add(number)
    return number


def phone_entry(number: str, kind: str, description: str | None) -> dict[str, Any]:
    """A phone record in the README's shape."""
    return {"number": number, "type": kind, "extension": None, "description": description}


def make_phones(draft: Draft, rng: random.Random, used: set[str]) -> list[dict[str, Any]]:
    """One voice line, sometimes a second voice line or a fax."""
    codes = draft.place.area_codes
    main_label = rng.choice((None, None, "Main line", "New patient intake"))
    if draft.archetype in HOSPITAL_ARCHETYPES:
        main_label = "24-hour admissions"
    phones = [phone_entry(make_phone(codes, rng, used), "voice", main_label)]
    roll = rng.random()
    if roll < 0.22:
        label = rng.choice(("Referrals and records", None))
        phones.append(phone_entry(make_phone(codes, rng, used), "fax", label))
    elif roll < 0.34:
        label = (
            "Study coordinator"
            if draft.archetype == "research_site"
            else rng.choice(("Admissions", "Billing"))
        )
        phones.append(phone_entry(make_phone(codes, rng, used), "voice", label))
    return phones


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def street_address(rng: random.Random) -> str:
    """An invented street address."""
    number = rng.randint(100, 9899)
    return f"{number} {rng.choice(STREET_WORDS)} {rng.choice(STREET_SUFFIXES)}"


def location_entry(place: Place, name: str | None, rng: random.Random, suite: bool) -> dict[str, Any]:
    """A location record for a place."""
    address_2 = None
    if suite and rng.random() < 0.5:
        address_2 = rng.choice(
            (
                f"Suite {rng.choice((100, 110, 120, 150, 200, 210, 220, 250, 300, 310, 400))}",
                "Building B",
                f"Floor {rng.randint(2, 6)}",
            )
        )
    return {
        "name": name,
        "address_1": street_address(rng),
        "address_2": address_2,
        "city": place.city,
        "state": place.state,
        "postal_code": place.postal_code,
        "country": "US",
        "latitude": place.latitude,
        "longitude": place.longitude,
    }


def make_locations(draft: Draft, places: list[Place], rng: random.Random) -> list[dict[str, Any]]:
    """The primary location, and for some centers a second one in-state."""
    suite = draft.archetype not in HOSPITAL_ARCHETYPES | {"residential"}
    others = [
        p
        for p in places
        if p.state == draft.place.state
        and p.city != draft.place.city
        and distance_km(p, draft.place) < SECOND_SITE_MAX_KM
    ]
    if draft.archetype in MULTI_SITE_ARCHETYPES and others and rng.random() < 0.08:
        second = rng.choice(others)
        return [
            location_entry(draft.place, f"{draft.place.city} office", rng, suite),
            location_entry(second, f"{second.city} office", rng, suite),
        ]
    return [location_entry(draft.place, None, rng, suite)]


# ---------------------------------------------------------------------------
# Descriptions
# ---------------------------------------------------------------------------
def lead_clinician(draft: Draft) -> str:
    """The most senior clinician type, as a phrase."""
    credentials = draft.terms.get("credential", [])
    for code in CLINICIAN_PHRASES:
        if code in credentials:
            return CLINICIAN_PHRASES[code]
    return "a licensed clinician"


def description_facts(draft: Draft, name: str, year: int | None, states: list[str]) -> dict[str, Any]:
    """Values that description templates may use."""
    terms = draft.terms
    therapies = terms.get("therapy", [])
    routes = [r for r in terms.get("route", []) if r in ROUTE_PHRASES]
    levels = [c for c in terms.get("level_of_care", []) if c in LEVEL_PHRASES]
    if draft.archetype == "php_iop":
        levels = [c for c in levels if c in ("partial-hospitalization", "intensive-outpatient")]
    substance = "MDMA" if "mdma-assisted-therapy" in therapies else "psilocybin"
    return {
        "name": name,
        "city": draft.place.city,
        "state": STATE_NAMES[draft.place.state],
        "year": year,
        "routes": join_words([ROUTE_PHRASES[r] for r in routes]),
        "levels": join_words([LEVEL_PHRASES[c] for c in levels[:2]]),
        "modalities": join_words([MODALITY_PHRASES[c] for c in therapies if c in TALK_THERAPIES]),
        "lead": lead_clinician(draft),
        "substance": substance,
        "research_condition": (
            "PTSD and depression" if substance == "MDMA" else "treatment-resistant depression"
        ),
        "service_states": join_words([STATE_NAMES[s] for s in states]),
    }


def opener(draft: Draft, facts: dict[str, Any], rng: random.Random) -> str:
    """The first sentence: what the center is and where."""
    if draft.archetype == "psilocybin_service":
        key = "psilocybin_" + draft.place.state
    elif draft.adolescent_only:
        key = "adolescent"
    else:
        key = draft.archetype
    options = [t for t in OPENERS[key] if facts["year"] is not None or "{year}" not in t]
    if not facts["modalities"]:
        options = [t for t in options if "{modalities}" not in t]
    return rng.choice(options).format(**facts)


def therapy_sentences(draft: Draft, facts: dict[str, Any], rng: random.Random) -> list[str]:
    """Sentences about the center's main treatments, most important first."""
    has = draft.terms.get("therapy", [])
    kind = draft.archetype
    out: list[str] = []
    if kind == "ketamine_telehealth":
        out.append(
            f"Each patient has a video evaluation with {facts['lead']} before "
            "anything is prescribed, and a trusted adult must be present during "
            "at-home sessions."
        )
    elif draft.at_home:
        out.append(
            "Established patients can continue with at-home sublingual ketamine "
            "through the clinic's telehealth program, with video check-ins "
            "before and after each dose."
        )
    if kind == "research_site":
        out += [
            "Participation is limited to adults who qualify for an open study, "
            "and the study drug is given only under the approved research "
            "protocol.",
            "Study visits, preparation and follow-up sessions are provided at no "
            "cost to enrolled participants.",
        ]
    if kind == "psilocybin_service":
        out += psilocybin_sentences(draft.place.state)
    if "ect" in has:
        out.append(
            "Electroconvulsive therapy (ECT) is given under general anesthesia "
            "for patients referred by a psychiatrist, on an inpatient or "
            "outpatient basis."
        )
    if "esketamine" in has:
        out.append(
            rng.choice(
                (
                    "The clinic is a certified Spravato (esketamine) treatment center; "
                    "patients stay for at least two hours after each dose and need a "
                    "ride home.",
                    "Esketamine (Spravato) nasal spray is offered under the Spravato "
                    "REMS program, with blood pressure checks and at least two hours of "
                    "observation after each dose.",
                )
            )
        )
    if "ketamine-assisted-therapy" in has and kind == "interventional_psychiatry":
        out.append(
            f"For selected patients, the practice also offers {facts['routes']} "
            "with monitoring by its clinical staff."
        )
    if kind == "tms_center":
        out.append(
            rng.choice(
                (
                    "A typical course involves weekday sessions over six to nine weeks, "
                    "and patients can drive themselves home afterward.",
                    f"Each course starts with a mapping session with {facts['lead']}, "
                    "and treatment sessions usually last 20 to 40 minutes.",
                )
            )
        )
    elif "tms" in has:
        out.append(
            "Transcranial magnetic stimulation (TMS) is also available, given in "
            "outpatient sessions on weekdays."
        )
    if kind == "ketamine_clinic":
        out.append(
            f"Every patient has a medical evaluation with {facts['lead']} before "
            "the first session, and treatment plans are shared with the "
            "patient's own clinicians when permitted."
        )
    out += level_sentences(draft)
    if facts["modalities"] and (kind in REHAB_ARCHETYPES or kind == "psychiatric_hospital"):
        medication = ", alongside psychiatric medication management" if "medication-management" in has else ""
        out.append(f"Therapy approaches include {facts['modalities']}{medication}.")
    return out


def psilocybin_sentences(state: str) -> list[str]:
    """Core sentences for state-regulated psilocybin services."""
    if state == "OR":
        return [
            "Clients complete a preparation session with a licensed facilitator "
            "before any administration session, and integration sessions are "
            "offered afterward.",
            "Psilocybin services in Oregon do not require a diagnosis or a "
            "referral, and they are not a medical treatment.",
        ]
    return [
        "Sessions are led by state-licensed facilitators, and every client "
        "completes a preparation session and a safety screening first.",
        "Natural medicine services in Colorado do not require a diagnosis or a "
        "referral, and they are not a medical treatment.",
    ]


def level_sentences(draft: Draft) -> list[str]:
    """What each level of care looks like in a structured program."""
    if draft.archetype not in REHAB_ARCHETYPES:
        return []
    levels = draft.terms.get("level_of_care", [])
    out = []
    if "inpatient" in levels:
        out.append(
            "The inpatient unit provides round-the-clock psychiatric care in a secure, structured setting."
        )
    if "residential" in levels:
        out.append(
            "Residents live on site for several weeks and follow a daily "
            "schedule of individual therapy, group sessions and skills "
            "practice."
        )
    if "partial-hospitalization" in levels:
        out.append(
            "The partial hospitalization program meets five days a week "
            "for most of the day, and participants return home each "
            "evening."
        )
    if "intensive-outpatient" in levels:
        out.append(
            "The intensive outpatient program meets three to five days a "
            "week for about three hours at a time, with daytime and "
            "evening groups."
        )
    if levels == ["outpatient"] or levels == ["outpatient", "telehealth"]:
        follow_up = " and psychiatric follow-up" if draft.has("therapy", "medication-management") else ""
        out.append(
            f"Weekly individual therapy{follow_up} can be combined with "
            "skills groups for people starting treatment or stepping "
            "down from a higher level of care."
        )
    return out


def extra_sentences(draft: Draft, facts: dict[str, Any], fields: dict[str, Any]) -> list[str]:
    """Optional sentences about conditions, programs, people and payment."""
    terms = draft.terms
    out = []
    conditions = terms.get("condition", [])
    if "co-occurring" in conditions:
        out.append(
            "Clinicians treat depression alongside co-occurring substance "
            "use, with one coordinated care plan."
        )
    skip = {"substance-use"} if "co-occurring" in conditions else set()
    others = [CONDITION_PHRASES[c] for c in conditions if c in CONDITION_PHRASES and c not in skip]
    if others and draft.archetype not in ("research_site", "psilocybin_service"):
        out.append(f"The team also works with people living with {join_words(others)}.")
    programs = [PROGRAM_PHRASES[c] for c in terms.get("program", [])]
    if programs:
        out.append(f"Dedicated groups or tracks are offered for {join_words(programs)}.")
    if "adolescents" in terms.get("age_group", []) and not draft.adolescent_only:
        out.append("A separate adolescent track serves teens ages 13 to 17 and includes family sessions.")
    languages = [LANGUAGE_NAMES[c] for c in terms.get("language", [])]
    if len(languages) > 1:
        out.append(f"Care is available in {join_words(languages)}.")
    out += payment_sentences(draft, fields)
    if fields["service_area_states"] and draft.archetype != "ketamine_telehealth":
        out.append(f"Telehealth appointments are available to residents of {facts['service_states']}.")
    if draft.integration and draft.archetype.startswith("ketamine"):
        out.append(
            "Preparation and integration sessions with a licensed therapist are available between treatments."
        )
    if fields["support_person_allowed"] and draft.archetype != "ketamine_telehealth":
        out.append("A support person is welcome to stay during sessions.")
    accreditations = [ACCREDITATION_PHRASES[c] for c in terms.get("accreditation", []) if c != "legitscript"]
    if accreditations:
        out.append(f"The center is accredited by {join_words(accreditations)}.")
    return out


def payment_sentences(draft: Draft, fields: dict[str, Any]) -> list[str]:
    """How people pay, in plain words."""
    payments = draft.terms.get("payment", [])
    out = []
    if "private-insurance" in payments and "medicare" in payments:
        out.append("It accepts Medicare and many commercial insurance plans.")
    elif "private-insurance" in payments:
        out.append("It is in network with several commercial insurance plans.")
    elif payments == ["self-pay"] or payments == ["self-pay", "sliding-scale"]:
        if draft.archetype.startswith("ketamine"):
            out.append(
                "Treatment is self-pay; the clinic can provide a superbill for out-of-network reimbursement."
            )
        else:
            out.append("Services are self-pay.")
    if "medicaid" in payments:
        out.append("Medicaid is accepted.")
    if "va-community-care" in payments:
        out.append("Veterans can be seen through VA Community Care referrals.")
    if fields["sliding_scale"]:
        out.append("Sliding-scale fees are available based on household income.")
    return out


def describe(draft: Draft, name: str, fields: dict[str, Any], rng: random.Random) -> str:
    """Compose a 2-4 sentence plain-text description that fits the center."""
    facts = description_facts(draft, name, fields["year_opened"], fields["service_area_states"])
    sentences = [opener(draft, facts, rng)]
    features = therapy_sentences(draft, facts, rng)
    sentences += features[:2]
    rest = features[2:] + extra_sentences(draft, facts, fields)
    rng.shuffle(rest)
    target = rng.randint(2, 4)
    while len(sentences) < target and rest:
        sentences.append(rest.pop())
    assert len(sentences) >= 2, name
    # "Washington, D.C." at the end of a sentence must not end in "..".
    return " ".join(sentences[:4]).replace("..", ".")


# ---------------------------------------------------------------------------
# Putting a center together
# ---------------------------------------------------------------------------
def build_center(
    draft: Draft,
    taxonomy: dict[str, list[str]],
    places: list[Place],
    rng: random.Random,
    used: dict[str, set[str]],
) -> dict[str, Any]:
    """Turn a draft into a full record (status and verification come later)."""
    sliding, assistance = build_terms(draft, taxonomy, rng)
    fields = care_fields(draft, rng)
    fields.update(money_fields(draft, sliding, assistance, rng))
    name, slug = make_name(draft, rng, used["prefixes"], used["slugs"])
    record: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    record.update(fields)
    record.update(
        {
            "slug": slug,
            "name": name,
            "description": describe(draft, name, fields, rng),
            "website": f"https://{slug}.example",
            "email": f"intake@{slug}.example" if rng.random() < 0.85 else None,
            "phones": make_phones(draft, rng, used["phones"]),
            "locations": make_locations(draft, places, rng),
            "accepting_new_clients": True,
            "terms": draft.terms,
            "verification_status": "unverified",
            "is_advertiser": False,
        }
    )
    return record


def license_number(draft: Draft, rng: random.Random, used: set[str]) -> str:
    """A unique invented state license number."""
    prefix = {
        "psychiatric_hospital": "HSP",
        "inpatient_unit": "HSP",
        "residential": "RTF",
        "php_iop": "BH",
        "outpatient_rehab": "BH",
        "psilocybin_service": "PSC" if draft.place.state == "OR" else "HC",
    }.get(draft.archetype, "MH")
    while True:
        number = f"{prefix}-{rng.randint(100000, 999999)}"
        if number not in used:
            used.add(number)
            return number


def checked_items(draft: Draft, rng: random.Random) -> list[str]:
    """What the research team checked, as note fragments."""
    kind = draft.archetype
    if kind == "psilocybin_service" and draft.place.state == "OR":
        items = ["Service center license confirmed with Oregon Psilocybin Services"]
    elif kind == "psilocybin_service":
        items = ["Healing center license confirmed with the state natural medicine regulator"]
    elif kind == "research_site":
        items = [
            "State license confirmed with the licensing board",
            "study registration and IRB approval letter reviewed",
        ]
    elif kind in REHAB_ARCHETYPES or kind == "psychiatric_hospital":
        items = ["State facility license confirmed with the licensing board"]
    else:
        items = ["State license confirmed with the licensing board"]
    for code in draft.terms.get("accreditation", []):
        items.append(
            {
                "joint-commission": "Joint Commission accreditation confirmed",
                "carf": "CARF accreditation confirmed",
                "legitscript": "LegitScript certification confirmed",
            }[code]
        )
    if draft.has("therapy", "esketamine"):
        items.append("Spravato REMS certification confirmed")
    credentials = draft.terms.get("credential", [])
    if any(c.startswith("board-certified") for c in credentials) and rng.random() < 0.5:
        items.append("medical director's board certification confirmed")
    items.append(
        rng.choice(
            (
                "services confirmed by phone",
                "services and prices confirmed by phone",
                "services confirmed by phone and on the center's website",
                "site visit by a research-team member",
            )
        )
    )
    return items


def sentence_from(items: list[str]) -> str:
    """Join note fragments into one sentence."""
    text = "; ".join(items)
    return text[0].upper() + text[1:] + "."


def revocation_reason(draft: Draft, rng: random.Random) -> str:
    """Why a verification was revoked."""
    reasons = [
        "the state license could not be confirmed as active at reverification",
        "the listed medical director no longer practices at the center",
        "the center could not document services shown on its listing",
        "the center's phone number and address could not be confirmed",
    ]
    if draft.has("therapy", "esketamine"):
        reasons.append("the Spravato REMS certification could not be confirmed")
    return rng.choice(reasons)


def apply_verification(draft: Draft, status: str, rng: random.Random, licenses: set[str]) -> None:
    """Fill the verification fields of a record for a verification status."""
    record = draft.record
    record["verification_status"] = status
    state = draft.place.state
    if status == "unverified":
        if rng.random() < 0.1:
            record["license_number"] = license_number(draft, rng, licenses)
            record["license_state"] = state
            record["verification_notes"] = "License number reported by the center; not yet checked."
        return
    if status == "pending":
        started = random_date(rng, date(2026, 9, 1), date(2026, 11, 20))
        if rng.random() < 0.5:
            record["license_number"] = license_number(draft, rng, licenses)
            record["license_state"] = state
        record["verification_notes"] = rng.choice(
            (
                f"Verification started on {started.isoformat()}; waiting for a copy of the state license.",
                f"Verification started on {started.isoformat()}; license confirmed, services not yet "
                "confirmed by phone.",
                f"Verification started on {started.isoformat()}; accreditation documents requested.",
            )
        )
        return
    record["license_number"] = license_number(draft, rng, licenses)
    record["license_state"] = state
    record["verified_by"] = rng.choice(RESEARCHERS)
    if status == "verified":
        moment = random_datetime(rng, date(2025, 12, 1), date(2026, 11, 20))
        record["reverify_due_on"] = add_year(moment.date()).isoformat()
        record["verification_notes"] = sentence_from(checked_items(draft, rng))
    elif status == "expired":
        moment = random_datetime(rng, date(2023, 9, 1), date(2025, 10, 20))
        due = add_year(moment.date())
        assert due < REVERIFY_CUTOFF
        record["reverify_due_on"] = due.isoformat()
        record["verification_notes"] = (
            f"Verified on {moment.date().isoformat()}; reverification was due "
            f"{due.isoformat()} and the center has not answered the renewal "
            "request."
        )
    else:
        moment = random_datetime(rng, date(2024, 6, 1), date(2026, 8, 31))
        revoked = random_date(rng, moment.date() + timedelta(days=60), date(2026, 11, 20))
        record["verification_notes"] = (
            f"Verified on {moment.date().isoformat()}; verification revoked on "
            f"{revoked.isoformat()} because {revocation_reason(draft, rng)}."
        )
    record["verified_at"] = moment.isoformat()


def plan_verification(drafts: list[Draft], rng: random.Random) -> None:
    """Give every center a verification status in the planned mix.

    This runs before the records are built, because accreditation terms are
    only listed where the research team has checked them.
    """
    counts = apportion(len(drafts), VERIFICATION_SHARES)
    bag = [status for status, count in counts.items() for _ in range(count)]
    rng.shuffle(bag)
    for draft, status in zip(drafts, bag, strict=True):
        draft.verification = status


def assign_verification(drafts: list[Draft], rng: random.Random) -> None:
    """Fill in the verification fields for each planned status."""
    licenses: set[str] = set()
    for draft in drafts:
        apply_verification(draft, draft.verification, rng, licenses)


def assign_statuses(drafts: list[Draft], rng: random.Random) -> None:
    """Listing statuses; drafts are unverified, suspensions follow revocations."""
    counts = apportion(len(drafts), STATUS_SHARES)
    order = list(range(len(drafts)))
    rng.shuffle(order)
    chosen: dict[int, str] = {}

    def take(status: str, allowed: set[str], count: int) -> int:
        picks = [i for i in order if i not in chosen and drafts[i].record["verification_status"] in allowed][
            :count
        ]
        for i in picks:
            chosen[i] = status
        return count - len(picks)

    missing = take("suspended", {"revoked"}, counts["suspended"])
    take("suspended", {"expired", "unverified"}, missing)
    take("draft", {"unverified"}, counts["draft"])
    take("pending", {"unverified", "pending"}, counts["pending"])
    take("closed", {"unverified", "expired", "revoked", "verified"}, counts["closed"])
    for i, draft in enumerate(drafts):
        status = chosen.get(i, "published")
        draft.record["status"] = status
        draft.record["accepting_new_clients"] = accepting(draft, status, rng)


def accepting(draft: Draft, status: str, rng: random.Random) -> bool | None:
    """Whether the center takes new clients (research: whether it enrolls)."""
    if status == "closed":
        return False
    if status == "suspended":
        return None
    if draft.archetype == "research_site":
        return rng.random() < 0.6
    return maybe(rng, 0.86, 0.07)


def assign_advertisers(drafts: list[Draft], rng: random.Random) -> None:
    """Pick the advertisers among verified, published, open centers."""
    eligible = [
        d
        for d in drafts
        if d.record["verification_status"] == "verified"
        and d.record["status"] == "published"
        and d.record["accepting_new_clients"] is True
    ]
    for draft in rng.sample(eligible, ADVERTISER_COUNT):
        record = draft.record
        starts = random_date(rng, date(2026, 1, 5), date(2026, 11, 16))
        ends = None
        if rng.random() < 0.6:
            ends = random_date(rng, date(2026, 12, 15), date(2027, 12, 31))
        record["is_advertiser"] = True
        record["advertiser_starts_on"] = starts.isoformat()
        record["advertiser_ends_on"] = ends.isoformat() if ends else None


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def print_counter(title: str, counter: Counter[str]) -> None:
    """Print one block of the summary."""
    print(f"\n{title}:")
    for key, count in counter.most_common():
        print(f"  {key:32} {count:4}")


def print_summary(records: Iterable[dict[str, Any]]) -> None:
    """Counts by state, status, verification, advertisers and therapy."""
    records = list(records)
    states = Counter(r["locations"][0]["state"] for r in records)
    print(f"Wrote {len(records)} centers in {len(states)} states to {OUTPUT_PATH}")
    print_counter("By state", states)
    print_counter("By status", Counter(r["status"] for r in records))
    print_counter("By verification", Counter(r["verification_status"] for r in records))
    advertisers = [r for r in records if r["is_advertiser"]]
    print(f"\nAdvertisers: {len(advertisers)}")
    print_counter(
        "By therapy",
        Counter(code for r in records for code in r["terms"].get("therapy", [])),
    )
    print_counter(
        "By level of care",
        Counter(code for r in records for code in r["terms"].get("level_of_care", [])),
    )


def main() -> None:
    """Build every center and write data/centers.json."""
    rng = random.Random(SEED)
    taxonomy = load_taxonomy()
    slots = build_slots()
    places = list(dict.fromkeys(slots))
    archetypes = assign_archetypes(slots, rng)
    drafts = [Draft(kind, place) for kind, place in zip(archetypes, slots, strict=True)]
    research = [d for d in drafts if d.archetype == "research_site"]
    for i, draft in enumerate(research):
        draft.study_drug = RESEARCH_DRUGS[i % len(RESEARCH_DRUGS)]
    plan_verification(drafts, rng)
    used: dict[str, set[str]] = {"prefixes": set(), "slugs": set(), "phones": set()}
    for draft in drafts:
        draft.record = build_center(draft, taxonomy, places, rng, used)
    assign_verification(drafts, rng)
    assign_statuses(drafts, rng)
    assign_advertisers(drafts, rng)
    records = [{key: d.record[key] for key in RECORD_KEYS} for d in drafts]
    text = json.dumps(records, indent=1, ensure_ascii=False) + "\n"
    OUTPUT_PATH.write_text(text, encoding="utf-8")
    print_summary(records)


if __name__ == "__main__":
    main()
