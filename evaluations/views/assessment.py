"""The evaluators' pages: per competence opinions, joint result and signatures; observations;
transmission to the jury; return to the parcours.

Only the acting professionnel du secteur and évaluateur externe see these pages (403 for
the others who may see the candidacy, 404 for everyone else). Each evaluator's opinion
stays hidden from the other until both are given: the template only ever receives the
other's opinion through `revealed`, built once both are known.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from candidates.access import refuse
from candidates.presenters import candidacy_context
from cqp import throttle
from cqp.exceptions import TransitionError
from cqp.permissions import ROLE_LABELS
from cqp.utils import apply_service_error

from .. import permissions, selectors, services
from ..enums import Opinion
from ..forms_assessment import (
    FinalForm,
    ObservationForm,
    OpinionForm,
    ResumeParcoursForm,
    SignForm,
)
from .dossier import pdf_links

ROLES = ("professionnel", "evaluateur")


def _anchor(dossier, fragment):
    return redirect(f"{reverse('assessment', args=[dossier.candidacy_id])}#{fragment}")


def _card(competence, *, role, editable, bound):
    """What the page shows of one competence to the evaluator acting as `role`."""
    a = competence.assessment
    card = {"competence": competence, "assessment": a}
    if a is None:
        return card
    other = next(r for r in ROLES if r != role)
    card.update(
        mine={
            "code": getattr(a, f"{role}_opinion"),
            "opinion": getattr(a, f"get_{role}_opinion_display")(),
            "comment": getattr(a, f"{role}_comment"),
            "at": getattr(a, f"{role}_opinion_at"),
        },
        other_label=ROLE_LABELS[other],
        other_given=bool(getattr(a, f"{other}_opinion")),
    )
    # A joint result exists only once both opinions are given; a disagreement also needs its motivation.
    resolved = bool(a.final_result) and not (a.disagreement and not a.final_comment)
    if a.both_opinions_given:
        card["revealed"] = [
            {
                "label": ROLE_LABELS[r],
                "code": getattr(a, f"{r}_opinion"),
                "opinion": getattr(a, f"get_{r}_opinion_display")(),
                "comment": getattr(a, f"{r}_comment"),
                "mine": r == role,
            }
            for r in ROLES
        ]
        card["signatures"] = [
            {
                "label": ROLE_LABELS[r],
                "name": getattr(a, f"{r}_signed_name"),
                "at": getattr(a, f"{r}_signed_at"),
                "mine": r == role,
            }
            for r in ROLES
        ]
    forms = {
        "opinion_form": (OpinionForm, {"role": role}, not a.both_opinions_given),
        "final_form": (FinalForm, {}, a.both_opinions_given),
        "sign_form": (SignForm, {}, resolved and not getattr(a, f"{role}_signed_at")),
    }
    for name, (form_class, kwargs, offered) in forms.items():
        if (name, a.pk) in bound:
            card[name] = bound[(name, a.pk)]
        elif editable and offered:
            card[name] = form_class(assessment=a, **kwargs)
    return card


def _page(request, dossier, *, bound=None):
    """The assessment page; `bound` holds forms posted with errors, keyed by (form, assessment pk)."""
    candidacy = dossier.candidacy
    role = permissions.evaluator_role(candidacy, request.user)
    if role is None:
        refuse(request, candidacy)
    bound = bound or {}
    editable = permissions.can_assess(dossier, request.user)
    cards = [
        _card(competence, role=role, editable=editable, bound=bound)
        for competence in selectors.dossier_competences(dossier)
    ]
    observation_form = bound.get("observation_form")
    if observation_form is None and editable:
        observation_form = ObservationForm(dossier=dossier)
    return render(
        request,
        "evaluations/assessment.html",
        candidacy_context(
            request,
            candidacy,
            title=_("Évaluation des compétences"),
            dossier=dossier,
            role_label=ROLE_LABELS[role],
            editable=editable,
            cards=cards,
            observations=selectors.observation_list(dossier),
            observation_form=observation_form,
            can_transmit=permissions.can_transmit(dossier, request.user),
            # Offered once a joint result says « non acquise »; the page then says what else is needed.
            can_resume_parcours=permissions.can_resume_parcours(dossier, request.user)
            and any(
                card["assessment"] and card["assessment"].final_result == Opinion.NON_ACQUISE
                for card in cards
            ),
            **pdf_links(dossier),
        ),
    )


def _get_assessment(request, pk, assessment_pk):
    """The dossier (404 for outsiders) and one of its assessments (404 for any other)."""
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    assessment = get_object_or_404(dossier.assessments.all(), pk=assessment_pk)
    return dossier, assessment


def _submit(request, dossier, form, *, key, anchor, action, success):
    """Run `action(cleaned_data)` for a valid form, then redirect with a message.

    Field errors (the form's or the service's) re-render the page with the form bound,
    next to its competence; other refusals come back as a message at the competence.
    """
    if not permissions.can_assess(dossier, request.user):
        refuse(request, dossier.candidacy)
    if form.is_valid():
        try:
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
    return _page(request, selectors.dossier_get(user=request.user, candidacy_pk=pk))


@login_required
@require_http_methods(["POST"])
def assessment_opinion(request, pk, assessment_pk):
    dossier, a = _get_assessment(request, pk, assessment_pk)
    return _submit(
        request,
        dossier,
        OpinionForm(request.POST, assessment=a),
        key=("opinion_form", a.pk),
        anchor=f"competence-{a.competence_id}",
        action=lambda data: services.opinion_give(assessment=a, by=request.user, **data),
        success=_("Avis enregistré."),
    )


@login_required
@require_http_methods(["POST"])
def assessment_final(request, pk, assessment_pk):
    dossier, a = _get_assessment(request, pk, assessment_pk)
    return _submit(
        request,
        dossier,
        FinalForm(request.POST, assessment=a),
        key=("final_form", a.pk),
        anchor=f"competence-{a.competence_id}",
        action=lambda data: services.final_set(assessment=a, by=request.user, **data),
        success=_("Résultat commun enregistré."),
    )


@login_required
@require_http_methods(["POST"])
def assessment_sign(request, pk, assessment_pk):
    dossier, a = _get_assessment(request, pk, assessment_pk)

    def sign(data):
        # A signature re-checks the password: wrong guesses count like failed logins.
        if throttle.is_locked(request, request.user.email):
            raise ValidationError(
                {"password": _("Trop de tentatives échouées : réessayez dans quelques minutes.")}
            )
        try:
            return services.assessment_sign(assessment=a, by=request.user, **data)
        except ValidationError as error:
            if "password" in getattr(error, "error_dict", {}):
                throttle.record_failure(request, request.user.email)
            raise

    return _submit(
        request,
        dossier,
        SignForm(request.POST, assessment=a),
        key=("sign_form", a.pk),
        anchor=f"competence-{a.competence_id}",
        action=sign,
        success=_("Signature enregistrée."),
    )


@login_required
@require_http_methods(["POST"])
def observation_add(request, pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
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
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    candidacy = dossier.candidacy
    if not permissions.can_transmit(dossier, request.user):
        refuse(request, candidacy)
    if request.method == "POST":
        try:
            services.dossier_transmit(dossier=dossier, by=request.user)
        except TransitionError as error:
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
            missing=services.dossier_missing(dossier),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_resume_parcours(request, pk):
    dossier = selectors.dossier_get(user=request.user, candidacy_pk=pk)
    candidacy = dossier.candidacy
    if not permissions.can_resume_parcours(dossier, request.user):
        refuse(request, candidacy)
    form = ResumeParcoursForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_resume_parcours(
                dossier=dossier, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Le candidat reprend son parcours pour les compétences non acquises.")
            )
            return redirect("candidacy_detail", pk=candidacy.pk)
        return redirect("dossier_resume_parcours", pk=candidacy.pk)
    competences = [c for c in selectors.dossier_competences(dossier) if c.assessment]
    return render(
        request,
        "evaluations/resume_parcours.html",
        candidacy_context(
            request,
            candidacy,
            title=_("Reprendre le parcours"),
            form=form,
            unsigned=[c for c in competences if not c.assessment.fully_signed],
            not_acquired=[
                c
                for c in competences
                if c.assessment.fully_signed and c.assessment.final_result == Opinion.NON_ACQUISE
            ],
        ),
    )
