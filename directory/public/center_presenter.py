"""What a center's page shows: its facts in reading order, related articles, nearby centers, JSON-LD.

Only published and closed listings have a public page; everything else is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from directory.contact import address_of, directions_url, phone_text, tel_uri
from directory.models import Article, Center, ListingStatus, TaxonomyTerm, VerificationStatus
from directory.models.articles import article_topics
from directory.public.maps import MapView, center_map
from directory.public.related import json_for_script
from directory.schemas.geography import US_STATES
from directory.search import (
    CenterQuery,
    SearchError,
    SearchUnavailable,
    Viewer,
    search_centers,
    summarize_center,
)
from search_index import Vocabulary

#: Statuses with a public page (a closed center keeps its page, marked closed).
PUBLIC_PAGE_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.CLOSED)
RELATED_ARTICLES = 3
NEARBY_CENTERS = 4
NEARBY_RADIUS_MILES = 50.0
#: How each verification status reads on a center's page (pending, needs_info and rejected read as
#: not yet verified, like the trust mark: the team's working states are not public).
_NOT_YET = "Not yet verified: our research team has not finished checking this listing"
VERIFICATION_TEXT: dict[VerificationStatus, str] = {
    VerificationStatus.VERIFIED: "Verified by our research team",
    VerificationStatus.PENDING: _NOT_YET,
    VerificationStatus.NEEDS_INFO: _NOT_YET,
    VerificationStatus.UNVERIFIED: _NOT_YET,
    VerificationStatus.EXPIRED: "Verification expired: this listing is due to be checked again",
    VerificationStatus.REVOKED: "Verification withdrawn: our research team could not confirm this listing",
    VerificationStatus.REJECTED: _NOT_YET,
}


@dataclass(frozen=True)
class Fact:
    """One labelled fact of the listing ('Spravato REMS-certified': 'Yes')."""

    label: str
    value: str


@dataclass(frozen=True)
class TermGroup:
    """A scheme's terms on the center: 'Therapy type': ['Esketamine (Spravato) nasal spray', ...]."""

    scheme: str
    label: str
    terms: list[str]


@dataclass(frozen=True)
class PhoneLink:
    """A phone number with its tel: URL and what it is for."""

    number: str
    href: str
    label: str


@dataclass
class CenterPage:
    """Everything the center template needs."""

    center: Center
    #: The listing as a search hit: what the badge macros read.
    summary: dict[str, Any]
    term_groups: list[TermGroup]
    care: list[Fact]
    prices: list[Fact]
    phones: list[PhoneLink]
    verification: str
    checked: list[Fact]
    related_articles: list[Article] = field(default_factory=list)
    nearby: list[dict[str, Any]] = field(default_factory=list)
    nearby_search: dict[str, Any] | None = None
    structured_data: Markup = field(default_factory=Markup)
    #: The small map of where the center is (directory.public.maps), when it has coordinates.
    map: MapView | None = None

    @property
    def closed(self) -> bool:
        """Whether the center has closed."""
        return self.center.status is ListingStatus.CLOSED

    @property
    def website(self) -> str | None:
        """Return the center's website if it is an http(s) URL (nothing else becomes a link)."""
        return safe_website(self.center.website)

    @property
    def website_label(self) -> str:
        """Return the website as it reads on the page: its host and path, without the scheme."""
        return re.sub(r"^https?://", "", self.website or "", flags=re.IGNORECASE).rstrip("/")

    @property
    def directions(self) -> str | None:
        """Return the OpenStreetMap link to the primary address (the center's address only), or None."""
        return directions_url(address_of(self.center.primary_location))

    @property
    def paragraphs(self) -> list[str]:
        """Return the description's paragraphs."""
        return [part.strip() for part in re.split(r"\n\s*\n", self.center.description or "") if part.strip()]


def safe_website(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) URL with a host, else None (no javascript: or data: links)."""
    url = (url or "").strip()
    return url if re.match(r"https?://[^\s/?#]", url, re.IGNORECASE) else None


def find_public_center(session: Session, slug: str) -> Center | None:
    """Return the published or closed center with this slug, with what its page shows, or None."""
    return find_center(session, slug, PUBLIC_PAGE_STATUSES)


def find_center(
    session: Session, slug: str, statuses: Iterable[ListingStatus] | None = None
) -> Center | None:
    """Return the center with this slug (in one of ``statuses``, if given) and what its page shows."""
    query = select(Center).where(Center.slug == slug)
    if statuses is not None:
        query = query.where(Center.status.in_(tuple(statuses)))
    query = query.options(
        selectinload(Center.locations),
        selectinload(Center.phones),
        selectinload(Center.service_areas),
        selectinload(Center.terms),
    )
    return session.scalar(query)


def present_center(session: Session, center: Center, vocabulary: Vocabulary, url: str) -> CenterPage:
    """Return the page of a center; ``url`` is the page's own absolute URL (for JSON-LD)."""
    groups = term_groups(center, vocabulary)
    nearby, nearby_search = nearby_centers(center)
    summary = summarize_center(center)
    return CenterPage(
        center=center,
        summary=summary,
        term_groups=groups,
        care=care_facts(center),
        prices=price_facts(center),
        phones=phone_links(center),
        verification=verification_text(center),
        checked=checked_facts(center, groups),
        related_articles=related_articles(session, center),
        nearby=nearby,
        nearby_search=nearby_search,
        structured_data=json_for_script(structured_data(center, url, groups)),
        map=center_map(summary),
    )


def verification_text(center: Center) -> str:
    """Return how the listing's verification reads publicly; a withdrawal carries its date."""
    status = VerificationStatus(center.verification_status)
    withdrawn = center.verification_revoked_on
    if status is VerificationStatus.REVOKED and withdrawn:
        return (
            f"Verification withdrawn ({withdrawn:%B} {withdrawn.day}, {withdrawn.year}): "
            "our research team could not confirm this listing"
        )
    return VERIFICATION_TEXT[status]


def term_groups(center: Center, vocabulary: Vocabulary) -> list[TermGroup]:
    """Return the center's terms grouped by scheme, in vocabulary order."""
    by_scheme: dict[str, list[TaxonomyTerm]] = {}
    for term in center.terms:
        by_scheme.setdefault(term.scheme, []).append(term)
    ordered = [scheme for scheme in vocabulary.schemes if scheme in by_scheme]
    ordered += [scheme for scheme in by_scheme if scheme not in ordered]
    return [
        TermGroup(scheme, vocabulary.scheme_labels.get(scheme, scheme), [t.label for t in by_scheme[scheme]])
        for scheme in ordered
    ]


def yes_no(value: bool | None) -> str | None:
    """Return 'Yes' or 'No', or None when the listing does not say."""
    return None if value is None else ("Yes" if value else "No")


def care_facts(center: Center) -> list[Fact]:
    """Return how care is given, as the listing says (unknowns left out; accepting is under Contact)."""
    facts = [
        ("Spravato REMS-certified", yes_no(center.spravato_rems_certified)),
        ("Treatment in the clinic", yes_no(center.offers_in_clinic)),
        ("Treatment at home", yes_no(center.offers_at_home)),
        (
            "Telehealth in",
            ", ".join(US_STATES.get(area.state, area.state) for area in center.service_areas) or None,
        ),
        ("Monitoring during and after sessions", center.session_monitoring or None),
        ("Private treatment room", yes_no(center.private_treatment_room)),
        ("A support person may come", yes_no(center.support_person_allowed)),
        ("Integration therapy", yes_no(center.integration_therapy)),
        ("Year opened", str(center.year_opened) if center.year_opened else None),
    ]
    return [Fact(label, value) for label, value in facts if value]


def price_facts(center: Center) -> list[Fact]:
    """Return the listing's prices and payment help (unknowns left out)."""
    low, high = center.cash_price_min, center.cash_price_max
    price = None
    if low is not None and high is not None and low != high:
        price = f"${low:,} to ${high:,}"
    elif low is not None or high is not None:
        price = f"${(low if low is not None else high):,}"
    facts = [
        ("Self-pay price", price),
        ("Sliding scale", yes_no(center.sliding_scale)),
        ("Payment assistance", yes_no(center.payment_assistance)),
        ("About prices", center.price_notes or None),
    ]
    return [Fact(label, value) for label, value in facts if value]


def phone_links(center: Center) -> list[PhoneLink]:
    """Return the center's phones with tel: links (see directory.contact.tel_uri)."""
    links = []
    for phone in center.phones:
        href = tel_uri(phone.number, phone.extension)
        if href is None:
            continue
        number = phone_text(phone)
        kind = {"voice": "Phone", "fax": "Fax", "text": "Text", "hotline": "Hotline", "tty": "TTY"}.get(
            phone.type.value, "Phone"
        )
        label = f"{kind} ({phone.description})" if phone.description else kind
        links.append(PhoneLink(number, href, label))
    return links


def checked_facts(center: Center, groups: list[TermGroup]) -> list[Fact]:
    """Return what the research team records about its checks: license, accreditation, notes."""
    facts = []
    if center.license_number:
        where = (
            f" ({US_STATES.get(center.license_state, center.license_state)})" if center.license_state else ""
        )
        facts.append(Fact("License", f"{center.license_number}{where}"))
    accreditation = next((group for group in groups if group.scheme == "accreditation"), None)
    if accreditation:
        facts.append(Fact(accreditation.label, ", ".join(accreditation.terms)))
    if center.reverify_due_on and center.verification_status is VerificationStatus.VERIFIED:
        due = center.reverify_due_on
        facts.append(Fact("Next check due", f"{due:%B} {due.day}, {due.year}"))
    if center.verification_notes:
        facts.append(Fact("What was checked", center.verification_notes))
    return facts


def related_articles(session: Session, center: Center, limit: int = RELATED_ARTICLES) -> list[Article]:
    """Return published articles sharing a topic with the center's terms, newest first."""
    term_ids = [term.id for term in center.terms]
    if not term_ids:
        return []
    shared = select(article_topics.c.article_id).where(article_topics.c.term_id.in_(term_ids))
    query = (
        select(Article)
        .where(Article.published_on.is_not(None), Article.id.in_(shared))
        .order_by(func.coalesce(Article.updated_on, Article.published_on).desc(), Article.title)
        .limit(limit)
    )
    return list(session.scalars(query))


def nearby_centers(
    center: Center, limit: int = NEARBY_CENTERS
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Return public centers within 50 miles offering the same therapies, and that search's URL args."""
    location = center.primary_location
    if location is None or location.latitude is None or location.longitude is None:
        return [], None
    therapies = tuple(term.code for term in center.terms if term.scheme == "therapy")
    filters = {"therapy": therapies} if therapies else {}
    query = CenterQuery(
        near=f"{location.latitude},{location.longitude}",
        radius_miles=NEARBY_RADIUS_MILES,
        filters=filters,
        sort="distance",
        per_page=limit + 1,
    )
    try:
        response = search_centers(query, Viewer.PUBLIC)
    except (SearchError, SearchUnavailable):  # the center's own page does not need the index
        return [], None
    hits = [hit for hit in response.hits if hit["id"] != str(center.id)][:limit]
    search_args: dict[str, Any] = {"near": location.postal_code, "radius": f"{NEARBY_RADIUS_MILES:g}"}
    if therapies:
        search_args["therapy"] = list(therapies)
    return hits, search_args


def structured_data(center: Center, url: str, groups: list[TermGroup]) -> dict[str, Any]:
    """Return the center as a schema.org MedicalClinic."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "@id": f"{url}#center",
        "name": center.name,
        "url": url,
        "medicalSpecialty": "Psychiatric",
    }
    if center.description:
        data["description"] = center.description
    if website := safe_website(center.website):
        data["sameAs"] = [website]
    voice = next((phone for phone in center.phones if phone.type.value == "voice"), None)
    if voice or center.phones:
        data["telephone"] = (voice or center.phones[0]).number
    location = center.primary_location
    if location is not None:
        street = ", ".join(part for part in (location.address_1, location.address_2) if part)
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": street,
            "addressLocality": location.city,
            "addressRegion": location.state,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        }
        if location.latitude is not None and location.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": location.latitude,
                "longitude": location.longitude,
            }
    therapies = next((group for group in groups if group.scheme == "therapy"), None)
    if therapies:
        data["availableService"] = [{"@type": "MedicalTherapy", "name": name} for name in therapies.terms]
    return data
