"""Dashboard panels of the steering (imported by PilotageConfig.ready): the gestionnaire's
organisations in short, and the way to /pilotage/ for them and for the secretariat."""

from django.utils import timezone

from cqp.dashboard import register_panel
from cqp.models import MembershipRole, PlatformRole
from cqp.selectors import managed_organisation_list

from . import stats

PANEL_WAITING = 5
PANEL_SESSIONS = 3


@register_panel(MembershipRole.GESTIONNAIRE, "pilotage/panels/gestionnaire.html", order=30)
def gestionnaire_panel(request):
    """Their organisations' candidacies waiting longest and the results of the last sessions
    that decided on them (3 queries; the figures per state are the candidacies' panel)."""
    start, end = stats.default_period(timezone.localdate())
    ids = tuple(managed_organisation_list(user=request.user).values_list("pk", flat=True))
    filters = stats.Filters(start=start, end=end, allowed_organisation_ids=ids)
    return {
        "waiting": stats.waiting_longest(filters, limit=PANEL_WAITING),
        "sessions": stats.last_sessions(filters, limit=PANEL_SESSIONS),
    }


@register_panel(PlatformRole.SECRETARIAT, "pilotage/panels/secretariat.html", order=90)
def secretariat_panel(request):
    return {}
