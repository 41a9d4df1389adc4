"""The data model, importable without Flask; every table registers on ``Base.metadata``."""

from directory.models.api_tokens import ApiToken, ApiTokenUse, TokenScope
from directory.models.articles import Article, ArticleCitation, ArticleFAQ
from directory.models.audit import AuditEvent, AuditTrailError
from directory.models.base import Base, utcnow
from directory.models.centers import Center, ListingStatus, center_terms
from directory.models.corrections import (
    Correction,
    CorrectionKind,
    CorrectionResolution,
    CorrectionSource,
    CorrectionStatus,
    FlagReason,
    ListingSubmission,
)
from directory.models.locations import Location, Phone, PhoneType, ServiceArea
from directory.models.presets import SearchPreset, preset_name_key
from directory.models.search_changes import SearchChange
from directory.models.shortlist_counts import ShortlistWeek
from directory.models.staff_notes import StaffNote, StaffNoteDeletionError
from directory.models.taxonomy import Taxonomy, TaxonomyTerm
from directory.models.users import Role, StaffInvitation, User
from directory.models.verification import AdvertiserRuleError, VerificationStatus
from directory.models.verification_records import VerificationDecision, VerificationRecord

__all__ = [
    "AdvertiserRuleError",
    "ApiToken",
    "ApiTokenUse",
    "Article",
    "ArticleCitation",
    "ArticleFAQ",
    "AuditEvent",
    "AuditTrailError",
    "Base",
    "Center",
    "Correction",
    "CorrectionKind",
    "CorrectionResolution",
    "CorrectionSource",
    "CorrectionStatus",
    "FlagReason",
    "ListingStatus",
    "ListingSubmission",
    "Location",
    "Phone",
    "PhoneType",
    "Role",
    "SearchChange",
    "SearchPreset",
    "ServiceArea",
    "ShortlistWeek",
    "StaffInvitation",
    "StaffNote",
    "StaffNoteDeletionError",
    "Taxonomy",
    "TaxonomyTerm",
    "TokenScope",
    "User",
    "VerificationDecision",
    "VerificationRecord",
    "VerificationStatus",
    "center_terms",
    "preset_name_key",
    "utcnow",
]
