"""Printed names of the model's coded values (activity status, gender marker, result level).

English source strings of the gettext catalogs, marked with ``N_``; the templates translate
them through the ``activity_status``, ``gender_marker`` and ``result_level`` filters.
"""

from __future__ import annotations

from .model import ActivityStatus, GenderMarker, ResultLevel
from .sdg import N_

ACTIVITY_STATUS = {
    ActivityStatus.PIPELINE: N_("Pipeline / identification"),
    ActivityStatus.IMPLEMENTATION: N_("Implementation"),
    ActivityStatus.FINALISATION: N_("Finalisation"),
    ActivityStatus.CLOSED: N_("Closed"),
    ActivityStatus.CANCELLED: N_("Cancelled"),
    ActivityStatus.SUSPENDED: N_("Suspended"),
}

GENDER_MARKER = {
    GenderMarker.NOT_TARGETED: N_("Not targeted"),
    GenderMarker.SIGNIFICANT: N_("Significant objective"),
    GenderMarker.PRINCIPAL: N_("Principal objective"),
}

RESULT_LEVEL = {
    ResultLevel.OUTPUT: N_("Output"),
    ResultLevel.OUTCOME: N_("Outcome"),
    ResultLevel.IMPACT: N_("Impact"),
    ResultLevel.OTHER: N_("Other result"),
}
