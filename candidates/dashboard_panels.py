"""Dashboard panels of the candidacy workflow (imported by CandidatesConfig.ready)."""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.formats import number_format

from cqp.dashboard import register_panel
from cqp.models import HabilitationKind, MembershipRole, PlatformRole
from cqp.selectors import certification_list, managed_organisation_list
from cqp.user_facts import register_role_holders
from cqp.utils import PANEL_COUNT_BOUND, count_up_to, rows_by_key

from . import selectors
from .enums import RecevabiliteOutcome, State
from .models import Candidacy, Candidate, CompetenceValidation, RecevabiliteDecision

PANEL_ROWS = 10


# Whoever has a Candidate row is a candidate (cqp.user_facts reads it with the user).
register_role_holders(MembershipRole.CANDIDAT, Candidate.objects.all)


@register_panel(MembershipRole.CANDIDAT, "candidates/panels/candidat.html", order=20)
def candidat_panel(request):
    # A VAE request back in `demande` after a decision was sent back for completion.
    sent_back = RecevabiliteDecision.objects.filter(
        candidacy=OuterRef("pk"), outcome=RecevabiliteOutcome.INCOMPLET
    )
    certifications = list(certification_list())
    default_pk = min((c.pk for c in certifications), default=None)
    candidacies = list(
        selectors.candidacy_list(user=request.user)
        .filter(candidate__user=request.user)
        .select_related("vae_request")
        .annotate(completion_asked=Exists(sent_back))
    )
    return {
        "candidacies": candidacies,
        "identity": _identity_request(candidacies),
        "has_active": any(not c.is_final for c in candidacies),
        # A VAE request is for the default certification (services.candidacy_request_vae):
        # never offered to someone who already holds it.
        "holds_certification": any(
            c.state == State.CERTIFIE and c.certification_id == default_pk for c in candidacies
        ),
        "validations": list(
            CompetenceValidation.objects.filter(candidate__user=request.user).select_related(
                "competence"
            )
        ),
        "today": timezone.localdate(),
        "certifications": certifications,
    }


def _identity_request(candidacies) -> dict | None:
    """The civil identity asked of the candidate: the next step once a dossier is transmitted
    to the jury (`due`), offered before then while it is incomplete; None once checked, or
    with no candidacy on its way."""
    active = [c for c in candidacies if not c.is_final]
    if not active:
        return None
    candidate = active[0].candidate
    if candidate.identity_checked_at is not None:
        return None
    at_jury = [c for c in active if c.state == State.JURY]
    complete = candidate.identity_declared_at is not None and not candidate.identity_missing
    if complete and not at_jury:
        return None
    return {
        "candidacy": (at_jury or active)[0],
        "due": bool(at_jury),
        "complete": complete,
    }


def _assigned(request, field, waiting_states):
    candidacies = selectors.assigned_candidacies(user=request.user, role=field)
    return {
        "waiting": list(candidacies.filter(state__in=waiting_states)[:PANEL_ROWS]),
        "total": candidacies.count(),
    }


@register_panel(HabilitationKind.PROFESSIONNEL, "candidates/panels/assigned.html", order=20)
def professionnel_panel(request):
    return _assigned(request, "professionnel", [State.REPERAGE, State.PARCOURS, State.EVALUATION])


@register_panel(HabilitationKind.EVALUATEUR, "candidates/panels/assigned.html", order=20)
def evaluateur_panel(request):
    return _assigned(request, "evaluateur", [State.EVALUATION])


@register_panel(MembershipRole.GESTIONNAIRE, "candidates/panels/gestionnaire.html", order=20)
def gestionnaire_panel(request):
    organisations = managed_organisation_list(user=request.user)
    # The organisations' candidacies, all visible to their gestionnaire (a branch of the
    # visibility rule): counted without the union of the other ways of seeing one.
    by_state = (
        Candidacy.objects.filter(organisation__in=organisations)
        .order_by()
        .values("state")
        .annotate(n=Count("*"))  # COUNT(*): the (organisation, state, …) index suffices
    )
    labels = dict(State.choices)
    return {
        "by_state": [
            {"state": row["state"], "label": labels[row["state"]], "n": row["n"]}
            for row in by_state
        ]
    }


@register_panel(PlatformRole.SECRETARIAT, "candidates/panels/secretariat.html", order=20)
def secretariat_panel(request):
    """The VAE requests awaiting a decision and the candidacies waiting too long, counted up
    to PANEL_COUNT_BOUND (« plus de 1 000 ») in one query; the longest waiting read by their
    keys (the partial index on the waiting steps), then their rows with the candidate and
    the organisation the table shows only: joined to the seven tables of the reminders'
    queryset, the query took longer to plan than to run."""
    days = settings.REMINDER_WAITING_DAYS
    waiting = selectors.candidacies_waiting(days=days)
    counts = count_up_to(PANEL_COUNT_BOUND, waiting=waiting, **selectors.recevabilite_querysets())
    keys = list(waiting.values_list("pk", flat=True)[:PANEL_ROWS])
    rows = rows_by_key(
        waiting.select_related(None).select_related("candidate__user", "organisation"), keys
    )
    found = {row.pk: row for row in rows}
    return {
        "recevabilite_count": counts["total"],
        "recevabilite_overdue": counts["overdue"],
        "recevabilite_due_soon": counts["due_soon"],
        "due_soon_days": settings.VAE_DECISION_REMINDER_DAYS,
        "waiting": [found[key] for key in keys if key in found],
        "waiting_count": counts["waiting"],
        "waiting_days": days,
        "bound": PANEL_COUNT_BOUND,
        "bound_label": number_format(PANEL_COUNT_BOUND, force_grouping=True),
    }
