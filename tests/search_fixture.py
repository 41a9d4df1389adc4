"""Hand-built listing documents for the search index tests (the shape of ``search_index.schema``).

Every listing is fictional; the coordinates are those of the real cities, so distances between
them are real: Salt Lake City / Sandy / Park City / Ogden / Provo in Utah, Denver / Aurora /
Boulder / Fort Collins / Colorado Springs in Colorado, Portland / Beaverton / Lake Oswego /
Vancouver (WA) / Salem around Portland.

Some documents exist to test one thing; their descriptions are worded with care:

* ``c05`` says "rehabilitation" (never "rehab") and has no depression-rehab term;
* ``c07`` says "esketamine" (never "spravato") and has no esketamine term;
* ``c12`` says "psilocybin" (never "mushrooms"/"shrooms") and has no psilocybin term;
* ``c15`` says "ketamine assisted therapy" (never "KAP") and has no ketamine term;
* ``c20`` says "post-traumatic stress" (never "PTSD") and has no PTSD term;
* ``c21`` says "PTSD" (never "post-traumatic") and has no PTSD term; it also has the words
  "salt" and "lake", but never next to each other;
* ``c04`` has "salt lake" in its description (it is in Provo);
* ``c26``/``c27``/``c28`` share one description (word "lakeside", found nowhere else), so a
  search for it scores them equally;
* ``c29`` has no location at all.
"""

from __future__ import annotations

import copy
from typing import Any

STATE_NAMES = {"UT": "Utah", "CO": "Colorado", "OR": "Oregon", "WA": "Washington", "TX": "Texas"}
DAY = 86_400.0
BASE_TIME = 1_700_000_000.0


def _doc(
    id: str,
    name: str,
    place: tuple[str, str, str, float, float] | None,
    *,
    description: str,
    terms: dict[str, list[str]],
    status: str = "published",
    verification: str = "unverified",
    verified_days: float | None = None,
    advertiser: bool = False,
    accepting: bool | None = True,
) -> dict[str, Any]:
    city, state, zip_code, latitude, longitude = place or (None, None, None, None, None)
    return {
        "id": id,
        "name": name,
        "description": description,
        "city": city,
        "state": state,
        "state_name": STATE_NAMES.get(state) if state else None,
        "zip": zip_code,
        "latitude": latitude,
        "longitude": longitude,
        "status": status,
        "verification_status": verification,
        "verified_at": None if verified_days is None else BASE_TIME + verified_days * DAY,
        "advertiser": advertiser,
        "accepting_new_clients": accepting,
        "terms": {scheme: sorted(codes) for scheme, codes in sorted(terms.items()) if codes},
    }


SLC = ("Salt Lake City", "UT", "84101", 40.7608, -111.8910)
PROVO = ("Provo", "UT", "84601", 40.2338, -111.6585)
DENVER = ("Denver", "CO", "80202", 39.7392, -104.9903)
BOULDER = ("Boulder", "CO", "80302", 40.0150, -105.2705)
PORTLAND = ("Portland", "OR", "97205", 45.5152, -122.6784)

_DOCS: list[dict[str, Any]] = [
    # --- Utah -----------------------------------------------------------------------------------
    _doc(
        "c01",
        "Wasatch Ketamine Clinic",
        SLC,
        description="IV ketamine infusions for treatment-resistant depression downtown.",
        terms={
            "therapy": ["ketamine-assisted-therapy"],
            "route": ["iv-infusion", "intramuscular"],
            "condition": ["treatment-resistant-depression", "anxiety"],
            "level_of_care": ["outpatient"],
            "payment": ["self-pay"],
            "age_group": ["adults"],
            "language": ["english", "spanish"],
            "credential": ["board-certified-anesthesiologist"],
        },
        verification="verified",
        verified_days=210,
        advertiser=True,
    ),
    _doc(
        "c02",
        "Great Basin Psychiatry",
        ("Salt Lake City", "UT", "84102", 40.7500, -111.8700),
        description="Psychiatrists offering Spravato and careful medication follow-up.",
        terms={
            "therapy": ["esketamine", "medication-management"],
            "route": ["nasal-spray"],
            "condition": ["depression", "bipolar"],
            "level_of_care": ["outpatient", "telehealth"],
            "payment": ["medicare", "private-insurance"],
            "insurance": ["aetna", "blue-cross-blue-shield"],
            "credential": ["board-certified-psychiatrist"],
            "accreditation": ["joint-commission"],
            "facility_type": ["outpatient-mental-health-facility"],
        },
        verification="verified",
        verified_days=190,
        accepting=False,
    ),
    _doc(
        "c03",
        "Sugar House Counseling",
        ("Salt Lake City", "UT", "84106", 40.7230, -111.8580),
        description="Talk therapy for anxiety and OCD with skills groups.",
        terms={
            "therapy": ["cbt", "dbt", "emdr"],
            "condition": ["anxiety", "ocd"],
            "program": ["lgbtq"],
            "credential": ["licensed-therapist"],
        },
    ),
    _doc(
        "c04",
        "Provo Mood Center",
        PROVO,
        description="Daily TMS sessions for students, about an hour south of salt lake.",
        terms={
            "therapy": ["tms", "medication-management"],
            "condition": ["depression"],
            "level_of_care": ["outpatient"],
            "age_group": ["young-adults", "adults"],
            "program": ["college-students"],
        },
        verification="verified",
        verified_days=100,
    ),
    _doc(
        "c05",
        "Ogden Valley Retreat",
        ("Ogden", "UT", "84401", 41.2230, -111.9738),
        description="Residential rehabilitation for mood disorders and co-occurring addiction.",
        terms={
            "therapy": ["cbt"],
            "condition": ["depression", "substance-use", "co-occurring"],
            "level_of_care": ["residential"],
            "payment": ["medicaid"],
            "insurance": ["molina"],
            "accreditation": ["carf"],
        },
        verification="pending",
    ),
    _doc(
        "c06",
        "Park City Psilocybin Research",
        ("Park City", "UT", "84060", 40.6461, -111.4980),
        description="Clinical research studies of psilocybin sessions with integration.",
        terms={
            "therapy": ["psilocybin-assisted-therapy"],
            "condition": ["treatment-resistant-depression"],
            "program": ["trauma"],
            "credential": ["board-certified-psychiatrist"],
        },
        verification="verified",
        verified_days=50,
        accepting=False,
    ),
    _doc(
        "c07",
        "Sandy Mental Health Associates",
        ("Sandy", "UT", "84070", 40.5649, -111.8389),
        description="We now offer esketamine in our certified clinic, plus perinatal care.",
        terms={
            "therapy": ["medication-management"],
            "condition": ["depression", "postpartum-depression"],
            "program": ["perinatal"],
        },
    ),
    _doc(
        "c08",
        "St. George Desert Ketamine",
        ("St. George", "UT", "84770", 37.0965, -113.5684),
        description="This location has closed. Ketamine infusions were offered here.",
        terms={"therapy": ["ketamine-assisted-therapy"], "condition": ["depression"]},
        status="closed",
        verification="expired",
        verified_days=-300,
        accepting=False,
    ),
    _doc(
        "c09",
        "Bountiful Ketamine Wellness",
        ("Bountiful", "UT", "84010", 40.8894, -111.8808),
        description="Ketamine clinic opening soon.",
        terms={"therapy": ["ketamine-assisted-therapy"], "condition": ["depression"]},
        status="draft",
    ),
    _doc(
        "c30",
        "Provo Canyon Adolescent Residential",
        ("Provo", "UT", "84604", 40.2969, -111.6946),
        description="Residential depression treatment program for teens.",
        terms={
            "therapy": ["depression-rehab", "dbt"],
            "condition": ["depression", "anxiety"],
            "level_of_care": ["residential", "intensive-outpatient"],
            "age_group": ["adolescents"],
            "insurance": ["blue-cross-blue-shield", "cigna"],
            "accreditation": ["carf", "legitscript"],
        },
        verification="verified",
        verified_days=70,
        advertiser=True,
        accepting=False,
    ),
    # --- Colorado -------------------------------------------------------------------------------
    _doc(
        "c10",
        "Mile High Ketamine",
        DENVER,
        description="KAP and IV ketamine for veterans living with PTSD.",
        terms={
            "therapy": ["ketamine-assisted-therapy", "psychedelic-assisted-therapy"],
            "route": ["iv-infusion"],
            "condition": ["depression", "ptsd"],
            "payment": ["tricare", "va-community-care"],
            "program": ["veterans", "first-responders"],
            "credential": ["emergency-physician", "crna"],
        },
        verification="verified",
        verified_days=220,
        advertiser=True,
    ),
    _doc(
        "c11",
        "Boulder Psychedelic Integration",
        BOULDER,
        description="Magic mushrooms and MDMA research, with integration circles.",
        terms={
            "therapy": ["psilocybin-assisted-therapy", "mdma-assisted-therapy"],
            "condition": ["ptsd", "depression"],
            "level_of_care": ["outpatient"],
            "program": ["trauma", "lgbtq"],
        },
        verification="verified",
        verified_days=140,
    ),
    _doc(
        "c12",
        "Flatirons Wellness Collective",
        ("Boulder", "CO", "80304", 40.0176, -105.2797),
        description="Guidance and preparation for licensed psilocybin journeys.",
        terms={"therapy": ["cbt"], "condition": ["anxiety"]},
        accepting=None,
    ),
    _doc(
        "c13",
        "Aurora Behavioral Hospital",
        ("Aurora", "CO", "80012", 39.7294, -104.8319),
        description="Inpatient depression rehab with ECT and TMS.",
        terms={
            "therapy": ["ect", "tms", "depression-rehab"],
            "condition": ["depression", "bipolar", "treatment-resistant-depression"],
            "level_of_care": ["inpatient", "partial-hospitalization"],
            "payment": ["medicare", "medicaid"],
            "insurance": ["anthem", "cigna", "humana"],
            "age_group": ["adults", "seniors"],
            "accreditation": ["joint-commission"],
        },
        verification="verified",
        verified_days=160,
        advertiser=True,
    ),
    _doc(
        "c14",
        "Front Range Trauma Therapy",
        ("Colorado Springs", "CO", "80903", 38.8339, -104.8214),
        description="Ketamine-assisted therapy with lozenges for trauma survivors.",
        terms={
            "therapy": ["emdr", "ketamine-assisted-therapy"],
            "route": ["intramuscular", "oral-sublingual"],
            "condition": ["ptsd"],
            "program": ["veterans", "first-responders"],
        },
        verification="verified",
        verified_days=5,
    ),
    _doc(
        "c15",
        "Poudre River Counseling",
        ("Fort Collins", "CO", "80521", 40.5853, -105.0844),
        description="We partner with physicians to offer ketamine assisted therapy for low mood.",
        terms={"therapy": ["cbt"], "condition": ["depression"], "language": ["spanish"]},
    ),
    _doc(
        "c16",
        "Cherry Creek Mind Spa",
        ("Denver", "CO", "80206", 39.7170, -104.9530),
        description="Ketamine infusions in Cherry Creek.",
        terms={"therapy": ["ketamine-assisted-therapy"]},
        status="pending",
        verification="pending",
    ),
    _doc(
        "c17",
        "Lakewood Infusion Lounge",
        ("Lakewood", "CO", "80226", 39.7047, -105.0814),
        description="Ketamine infusions, suspended pending review.",
        terms={"therapy": ["ketamine-assisted-therapy"], "route": ["iv-infusion"]},
        status="suspended",
        verification="revoked",
        accepting=False,
    ),
    # --- Oregon and Washington ----------------------------------------------------------------------
    _doc(
        "c18",
        "Rose City Ketamine",
        PORTLAND,
        description="Ketamine and esketamine with compassionate monitoring.",
        terms={
            "therapy": ["ketamine-assisted-therapy", "esketamine"],
            "route": ["iv-infusion", "nasal-spray"],
            "condition": ["treatment-resistant-depression"],
            "insurance": ["kaiser-permanente", "optum"],
            "language": ["english", "chinese", "vietnamese"],
        },
        verification="verified",
        verified_days=200,
        advertiser=True,
    ),
    _doc(
        "c19",
        "Portland Psilocybin Service Center",
        ("Portland", "OR", "97214", 45.5230, -122.6500),
        description="Oregon-licensed psilocybin service center with trained facilitators.",
        terms={
            "therapy": ["psilocybin-assisted-therapy"],
            "condition": ["depression", "anxiety"],
            "program": ["lgbtq"],
            "language": ["english", "russian"],
            "credential": ["licensed-therapist"],
        },
        verification="verified",
        verified_days=180,
    ),
    _doc(
        "c20",
        "Beaverton Veterans Wellness",
        ("Beaverton", "OR", "97005", 45.4871, -122.8037),
        description="Care for veterans living with post-traumatic stress and low mood.",
        terms={
            "therapy": ["dbt", "medication-management"],
            "condition": ["depression"],
            "program": ["veterans"],
        },
    ),
    _doc(
        "c21",
        "lake oswego family therapy",
        ("Lake Oswego", "OR", "97034", 45.4207, -122.6706),
        description="EMDR for PTSD, family sessions for kids. Low salt meals and a calm lake view.",
        terms={
            "therapy": ["cbt", "emdr"],
            "condition": ["anxiety"],
            "age_group": ["children", "adolescents"],
            "language": ["arabic", "korean"],
        },
        verification="verified",
        verified_days=120,
    ),
    _doc(
        "c22",
        "Salem Telehealth Depression Care",
        ("Salem", "OR", "97301", 44.9429, -123.0351),
        description="Virtual visits statewide, evenings included.",
        terms={
            "therapy": ["medication-management"],
            "condition": ["depression", "postpartum-depression"],
            "level_of_care": ["telehealth"],
            "payment": ["sliding-scale"],
            "language": ["haitian-creole", "portuguese", "tagalog", "asl"],
        },
        verification="verified",
        verified_days=130,
    ),
    _doc(
        "c23",
        "Eugene Psychedelic Draft",
        ("Eugene", "OR", "97401", 44.0521, -123.0868),
        description="Psilocybin sessions, listing not finished.",
        terms={"therapy": ["psilocybin-assisted-therapy"]},
        status="draft",
    ),
    _doc(
        "c24",
        "Vancouver Mood Clinic",
        ("Vancouver", "WA", "98660", 45.6387, -122.6615),
        description="TMS across the river from the city.",
        terms={
            "therapy": ["tms"],
            "condition": ["depression"],
            "insurance": ["unitedhealthcare", "magellan"],
        },
        verification="verified",
        verified_days=90,
    ),
    _doc(
        "c25",
        "Seattle Sound Psychiatry",
        ("Seattle", "WA", "98101", 47.6062, -122.3321),
        description="Esketamine clinic, closed last year.",
        terms={"therapy": ["esketamine"], "condition": ["depression"]},
        status="closed",
        verification="verified",
        verified_days=20,
        accepting=False,
    ),
    # --- Texas, and nowhere ---------------------------------------------------------------------
    _doc(
        "c26",
        "Austin Hill Country Wellness",
        ("Austin", "TX", "78701", 30.2672, -97.7431),
        description="Lakeside calm for mood care.",
        terms={"condition": ["anxiety"]},
        verification="verified",
        verified_days=60,
    ),
    _doc(
        "c27",
        "Barton Creek Clinic",
        ("Austin", "TX", "78704", 30.2640, -97.7720),
        description="Lakeside calm for mood care.",
        terms={"condition": ["anxiety"]},
    ),
    _doc(
        "c28",
        "alamo Heights Center",
        ("San Antonio", "TX", "78209", 29.4241, -98.4936),
        description="Lakeside calm for mood care.",
        terms={"condition": ["anxiety"]},
        verification="verified",
        verified_days=60,
    ),
    _doc(
        "c29",
        "Nationwide At-Home Ketamine",
        None,
        description="At-home ketamine lozenges by telemedicine.",
        terms={
            "therapy": ["ketamine-assisted-therapy"],
            "route": ["oral-sublingual"],
            "level_of_care": ["telehealth"],
        },
        verification="verified",
        verified_days=30,
    ),
]


def listing_documents() -> list[dict[str, Any]]:
    """Return fresh copies of every fixture document."""
    return copy.deepcopy(_DOCS)
