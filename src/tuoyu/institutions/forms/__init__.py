"""Page forms, split by sub-domain: `registry` (an institution with its classes and prices) and
`alliances`. Forms only parse what was typed; the services validate."""

from .alliances import AllianceForm, AllianceMembersForm
from .registry import InstitutionForms, form_data_for, offering_initial, street_choices

__all__ = ["AllianceForm", "AllianceMembersForm", "InstitutionForms", "form_data_for", "offering_initial", "street_choices"]
