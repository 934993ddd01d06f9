"""The evaluators' pages: per competence opinions, joint result and signatures; observations;
transmission to the jury; return to the parcours.

Only the acting professionnel du secteur and évaluateur externe see these pages (403 for
the others who may see the candidacy, 404 for everyone else). What the page shows of each
competence, and how each evaluator's opinion stays hidden from the other until both are
given, is in `evaluations.presenters`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from candidates.access import refusal_on
from candidates.presenters import candidacy_context
from cqp import limits
from cqp.exceptions import GuardFailed
from cqp.utils import apply_service_error

from .. import permissions, presenters, selectors, services
from ..access import assessment_for, dossier_for
from ..forms_assessment import (
    FinalForm,
    ObservationForm,
    OpinionForm,
    ResumeParcoursForm,
    SignForm,
)


def _anchor(dossier, fragment):
    return redirect(f"{reverse('assessment', args=[dossier.candidacy_id])}#{fragment}")


def _page(request, dossier, *, bound=None):
    """The assessment page; `bound` holds forms posted with errors, keyed by (form, assessment pk)."""
    role = permissions.evaluator_role(dossier.candidacy, request.user)
    context = presenters.assessment_page(request, dossier, role=role, bound=bound or {})
    return render(request, "evaluations/assessment.html", context)


def _submit(request, dossier, form, *, key, anchor, action, success):
    """Run `action(cleaned_data)` for a valid form, then redirect with a message.

    Field errors (the form's or the service's) re-render the page with the form bound,
    next to its competence; other refusals come back as a message at the competence.
    Not `form_page`: the whole page is built only when a form comes back, and a refusal
    that names no field is a message at the competence, not an error atop one form.
    """
    if form.is_valid():
        try:
            with refusal_on(request, dossier.candidacy):
                action(form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return _anchor(dossier, anchor)
            apply_service_error(form, error)
        else:
            messages.success(request, success)
            return _anchor(dossier, anchor)
    return _page(request, dossier, bound={key: form})


@login_required
@require_http_methods(["GET", "HEAD"])
def assessment(request, pk):
    return _page(request, dossier_for(request, pk, may=permissions.is_evaluator))


# The three forms of a competence's card ---------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One form of an assessment card and the service it runs."""

    name: str  # the card's name for the form
    form_class: type
    service: Callable  # (assessment=, by=, **cleaned_data) -> the assessment
    success: str
    password_throttled: bool = False  # the service re-checks the user's password


OPINION = Step("opinion_form", OpinionForm, services.opinion_give, gettext_lazy("Avis enregistré."))
FINAL = Step(
    "final_form", FinalForm, services.final_set, gettext_lazy("Résultat commun enregistré.")
)
SIGN = Step(
    "sign_form",
    SignForm,
    services.assessment_sign,
    gettext_lazy("Signature enregistrée."),
    password_throttled=True,
)


def _throttled(request, sign: Callable) -> Callable:
    """A signature re-checks the password: wrong guesses count like failed logins, and a
    locked account signs nothing until the lock ends (cqp.limits)."""

    def attempt(**data):
        with limits.reauthentication(request, field="password"):
            return sign(**data)

    return attempt


@login_required
@require_http_methods(["POST"])
def assessment_step(request, pk, assessment_pk, step: Step):
    """One form of a competence's card (`step`: OPINION, FINAL or SIGN, set by the URL)."""
    dossier, a = assessment_for(request, pk, assessment_pk, may=permissions.can_assess)
    service = _throttled(request, step.service) if step.password_throttled else step.service
    return _submit(
        request,
        dossier,
        step.form_class(request.POST, assessment=a),
        key=(step.name, a.pk),
        anchor=f"competence-{a.competence_id}",
        action=lambda data: service(assessment=a, by=request.user, **data),
        success=step.success,
    )


# The dossier as a whole -------------------------------------------------------------------


@login_required
@require_http_methods(["POST"])
def observation_add(request, pk):
    dossier = dossier_for(request, pk, may=permissions.can_assess)
    return _submit(
        request,
        dossier,
        ObservationForm(request.POST, dossier=dossier),
        key="observation_form",
        anchor="observations",
        action=lambda data: services.observation_add(dossier=dossier, by=request.user, **data),
        success=_("Observation enregistrée."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_transmit(request, pk):
    dossier = dossier_for(request, pk, may=permissions.can_transmit)
    candidacy = dossier.candidacy
    if request.method == "POST":
        try:
            with refusal_on(request, candidacy):
                services.dossier_transmit(dossier=dossier, by=request.user)
        except GuardFailed as error:
            messages.error(request, error.message)
            return redirect("dossier_transmit", pk=candidacy.pk)
        messages.success(request, _("Dossier transmis au jury paritaire."))
        return redirect("candidacy_detail", pk=candidacy.pk)
    return render(
        request,
        "evaluations/transmit.html",
        candidacy_context(
            request,
            candidacy,
            title=_("Transmettre le dossier au jury"),
            missing=selectors.dossier_missing(dossier),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_resume_parcours(request, pk):
    dossier = dossier_for(request, pk, may=permissions.can_resume_parcours)
    candidacy = dossier.candidacy
    form = ResumeParcoursForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            with refusal_on(request, candidacy):
                services.dossier_resume_parcours(
                    dossier=dossier, by=request.user, comment=form.cleaned_data["comment"]
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except GuardFailed as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("%(name)s reprend son parcours pour les compétences non acquises.")
                % {"name": candidacy.candidate},
            )
            return redirect("candidacy_detail", pk=candidacy.pk)
        return redirect("dossier_resume_parcours", pk=candidacy.pk)
    context = {"title": _("Reprendre le parcours"), "form": form}
    return render(
        request,
        "evaluations/resume_parcours.html",
        candidacy_context(request, candidacy, **context, **presenters.resume_summary(dossier)),
    )
