"""The core's dashboard panels (imported by CqpConfig.ready)."""

from django.conf import settings
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import selectors
from .dashboard import register_panel
from .models import HabilitationKind, Invitation, MembershipRole, Organisation, PlatformRole

EXPIRY_WARNING_DAYS = settings.REMINDER_HABILITATION_DAYS


@register_panel(PlatformRole.SECRETARIAT, "cqp/panels/secretariat.html", order=10)
def secretariat_panel(request):
    today = timezone.localdate()
    return {
        "organisation_count": Organisation.objects.filter(is_active=True).count(),
        "valid_habilitations": selectors.habilitation_list(
            user=request.user, status="valide", day=today
        ).count(),
        "expiring": list(
            selectors.habilitations_expiring(within_days=EXPIRY_WARNING_DAYS, day=today)[:10]
        ),
        "expiry_days": EXPIRY_WARNING_DAYS,
    }


@register_panel(MembershipRole.GESTIONNAIRE, "cqp/panels/gestionnaire.html", order=10)
def gestionnaire_panel(request):
    # Each count a subquery of its own: joined, the memberships and the invitations were
    # multiplied by each other, then made distinct again (4 ms for 7,500 members).
    pending = (
        Invitation.objects.filter(
            organisation=OuterRef("pk"), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .order_by()
        .values("organisation")
        .annotate(n=Count("*"))
        .values("n")
    )
    organisations = selectors.managed_organisation_list(user=request.user).annotate(
        pending_invitations=Coalesce(Subquery(pending), 0),
    )
    return {"organisations": organisations}


def _own_habilitations(request, kind):
    habilitations = list(selectors.habilitation_list(user=request.user, kind=kind))
    today = timezone.localdate()
    return {
        "habilitations": habilitations,
        "currently_valid": any(h.is_valid_on(today) for h in habilitations),
    }


@register_panel(HabilitationKind.PROFESSIONNEL, "cqp/panels/habilitation.html", order=10)
def professionnel_panel(request):
    return _own_habilitations(request, HabilitationKind.PROFESSIONNEL)


@register_panel(HabilitationKind.EVALUATEUR, "cqp/panels/habilitation.html", order=10)
def evaluateur_panel(request):
    return _own_habilitations(request, HabilitationKind.EVALUATEUR)
