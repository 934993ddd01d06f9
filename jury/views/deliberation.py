"""The jury's deliberation pages: a session's dashboard and the fiche de décision of each
candidacy.

Members of the session and the secretariat see them; anyone else gets 404 from the
selectors. Only the session's president records a decision, while the session is open:
a member who sees the fiche but posts to it gets 403 and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from candidates.enums import State
from cqp.documents import latest_documents
from cqp.utils import apply_service_error
from evaluations import selectors as evaluation_selectors
from evaluations import services as evaluation_services

from .. import selectors, services
from ..enums import NON_CONFORME, SessionState
from ..forms_deliberation import DeliberationForm, SessionFilterForm
from ..permissions import presides


def outcome_label(outcome: str) -> str:
    if outcome == NON_CONFORME:
        return _("Dossier non conforme")
    return State(outcome).label


def _may_record(deliberation, user) -> bool:
    """What the page offers; services.deliberation_record checks it again (and the quorum)."""
    return (
        presides(user, deliberation.session)
        and deliberation.session.state == SessionState.OPEN
        and not deliberation.is_decided
        and deliberation.candidacy.state == State.JURY
    )


@login_required
def session_dashboard(request, pk):
    session = selectors.session_get(user=request.user, pk=pk)
    filters = SessionFilterForm(request.GET, session=session)
    filters.is_valid()
    organisation = filters.cleaned_data.get("organisation")
    deliberations = selectors.session_deliberations(
        session=session,
        pathway=filters.cleaned_data.get("pathway", ""),
        organisation_id=organisation.pk if organisation else None,
        decided=filters.cleaned_data.get("decided", ""),
    )
    return render(
        request,
        "jury/session_dashboard.html",
        {
            "session": session,
            "filters": filters,
            "filtered": any(filters.cleaned_data.values()),
            "deliberations": deliberations,
            "presides": presides(request.user, session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_detail(request, pk):
    deliberation = selectors.deliberation_get(user=request.user, pk=pk)
    may_record = _may_record(deliberation, request.user)
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    results = evaluation_selectors.latest_results(deliberation.candidacy)
    form = None
    if may_record:
        form = DeliberationForm(
            request.POST or None,
            competences=_competences_to_decide(deliberation),
            prefilled=services.decisions_from_results(results),
        )
        if form.is_bound and form.is_valid():
            try:
                deliberation = services.deliberation_record(
                    deliberation=deliberation, by=request.user, **form.service_kwargs()
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Décision enregistrée : %(outcome)s.")
                    % {"outcome": outcome_label(deliberation.outcome)},
                )
                return redirect("session_dashboard", pk=deliberation.session_id)
    return render(
        request, "jury/deliberation_detail.html", _fiche(request, deliberation, results, form)
    )


# The fiche's reads, all from a deliberation the selectors already let the user see.


def _competences_to_decide(deliberation):
    """The competences the jury decides on: those without a validation in force."""
    return deliberation.candidacy.competences_to_validate(on=deliberation.session.date)


def _rows(deliberation, results, form) -> list[dict]:
    """One row per competence the jury decides on, with the evaluators' result beside it."""
    if deliberation.is_decided:
        decisions = deliberation.decisions.select_related("competence")
        return [
            {"competence": d.competence, "result": results.get(d.competence_id), "decision": d}
            for d in decisions
        ]
    competences = form.competences if form else _competences_to_decide(deliberation)
    return [
        {
            "competence": c,
            "result": results.get(c.pk),
            "decision_field": form[f"decision_{c.pk}"] if form else None,
            "motivation_field": form[f"motivation_{c.pk}"] if form else None,
        }
        for c in competences
    ]


def _dossier(request, candidacy):
    try:
        return evaluation_selectors.dossier_get(user=request.user, candidacy_pk=candidacy.pk)
    except Http404:
        return None


def _stored(code, obj):
    """The latest stored PDF of `obj` (None before its generation: the page offers a preview)."""
    return latest_documents(code, [obj.pk]).get(obj.pk) if obj is not None else None


def _fiche(request, deliberation, results, form) -> dict:
    dossier = _dossier(request, deliberation.candidacy)
    certificate = getattr(deliberation, "certificate", None) if deliberation.is_decided else None
    return {
        "fiche_document": _stored("fiche_decision", deliberation),
        "certificate_document": _stored(certificate.kind, certificate) if certificate else None,
        "deliberation": deliberation,
        "session": deliberation.session,
        "candidacy": deliberation.candidacy,
        "form": form,
        "rows": _rows(deliberation, results, form),
        "earlier_validations": selectors.earlier_validations(deliberation=deliberation),
        "granted": deliberation.validations.select_related("competence").order_by(
            "competence__number"
        )
        if deliberation.is_decided
        else [],
        "dossier": dossier,
        "missing": evaluation_services.dossier_missing(dossier) if dossier else None,
        "outcome_label": outcome_label(deliberation.outcome) if deliberation.is_decided else "",
        "certificate": certificate,
        "presides": presides(request.user, deliberation.session),
    }
