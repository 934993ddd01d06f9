"""The secretariat's review of a VAE request: partie 2 in full, its proofs, the periods on
a time line, the history of submissions and decisions, and the decision (favorable,
défavorable, or a request for completion), confirmed before it is recorded."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cqp.decorators import secretariat_required
from cqp.exceptions import TransitionError
from cqp.utils import apply_service_error
from cqp.views.helpers import back_on_change

from .. import services_recevabilite
from ..access import candidacy_for, refuse
from ..enums import Pathway, RecevabiliteOutcome, State
from ..forms_recevabilite import RecevabiliteDecisionForm
from ..presenters import candidacy_context
from ..presenters_recevabilite import outcome_summary, recevabilite_history, request_in_full


def _is_vae(candidacy) -> bool:
    return candidacy.pathway == Pathway.VAE and hasattr(candidacy, "vae_request")


def _decide(request, candidacy, form) -> bool:
    """Record the confirmed decision; False with the refusal on the form."""
    try:
        services_recevabilite.recevabilite_decide(
            candidacy=candidacy, by=request.user, **form.service_kwargs()
        )
    except ValidationError as error:
        apply_service_error(form, error)
    except TransitionError as error:
        form.add_error(None, error.message)
    else:
        outcome = RecevabiliteOutcome(form.cleaned_data["outcome"]).label.lower()
        messages.success(
            request,
            _(
                "Décision enregistrée pour %(name)s : %(outcome)s. Une notification lui est "
                "envoyée ; le courrier « avis de recevabilité » est joint à sa candidature."
            )
            % {"name": candidacy.candidate, "outcome": outcome},
        )
        return True
    return False


def _seen_decisions(data) -> int | None:
    """The decisions the page showed (None from a page that did not say)."""
    try:
        return int(data.get("seen_decisions", ""))
    except ValueError:
        return None


@secretariat_required
@require_http_methods(["GET", "POST"])
def recevabilite_review(request, pk):
    candidacy = candidacy_for(request, pk, has=_is_vae)
    full = request_in_full(candidacy)
    history, _total = recevabilite_history(candidacy)
    form = RecevabiliteDecisionForm(
        request.POST or None,
        initial={
            "expected_state": candidacy.state,
            "seen_decisions": sum(1 for event in history if event["kind"] == "decision"),
        },
        experiences=full["experiences"],
    )
    confirming = False
    if request.method == "POST":
        with back_on_change(reverse("recevabilite_review", args=[candidacy.pk])):
            services_recevabilite.check_undecided(
                candidacy=candidacy,
                expected_state=request.POST.get("expected_state"),
                seen_decisions=_seen_decisions(request.POST),
            )
            if candidacy.state != State.RECEVABILITE:
                refuse(request, candidacy)
            if form.is_valid() and "edit" not in request.POST:
                if "confirm" not in request.POST:
                    confirming = True
                elif _decide(request, candidacy, form):
                    return redirect("recevabilite_queue")
    context = candidacy_context(
        request,
        candidacy,
        **full,
        vae_request=candidacy.vae_request,
        history=history,
        deciding=candidacy.state == State.RECEVABILITE,
        form=form,
        confirming=confirming,
        summary=outcome_summary(form.cleaned_data["outcome"]) if confirming else "",
        outcome_label=RecevabiliteOutcome(form.cleaned_data["outcome"]).label if confirming else "",
        item_labels=form.item_labels() if confirming else [],
    )
    return render(request, "candidates/recevabilite_review.html", context)
