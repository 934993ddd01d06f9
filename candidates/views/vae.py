"""The dossier de VAE: the request (signup), partie 2 (presentation and experience) and
partie 3 (activities per competence). Outsiders get 404 from the selectors; people who
may see a page but not change it get 403 on POST and nothing changes."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cqp.utils import apply_service_error

from .. import guards, permissions, selectors, services
from ..experience import experience_summary
from ..forms_vae import (
    HostOrganisationForm,
    VaeActivityForm,
    VaeExperienceForm,
    VaeRequestForm,
    VaeSignupForm,
)
from ..models import Pathway, State
from .candidacies import available_actions, candidacy_context, candidacy_form, refused

# Partie 3 opens once the secretariat declares the request recevable.
PARTIE_3_NOT_OPEN = {State.DEMANDE, State.RECEVABILITE, State.NON_RECEVABLE}
PARTIE_2_TRANSITIONS = ("submit_recevabilite", "declare_recevable", "declare_non_recevable")
REQUEST_OPENED = gettext_lazy(
    "Votre demande de VAE est ouverte : complétez la partie 2 de votre dossier."
)


def _vae_candidacy(request, pk):
    """The VAE candidacy if the user may see it; 404 otherwise (and for a parcours candidacy)."""
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    if candidacy.pathway != Pathway.VAE or not hasattr(candidacy, "vae_request"):
        raise Http404
    return candidacy


# Opening a request -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def vae_signup(request):
    """Open to anonymous visitors: creates the account and the VAE candidacy together."""
    if request.user.is_authenticated:
        return redirect("vae_request_create")
    form = VaeSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            candidacy = services.vae_signup(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            user = candidacy.candidate.user
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, REQUEST_OPENED)
            return redirect("vae_request_edit", pk=candidacy.pk)
    return render(request, "candidates/vae_signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def vae_request_create(request):
    form = HostOrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = services.candidacy_request_vae(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                certification=None,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, REQUEST_OPENED)
            return redirect("vae_request_edit", pk=candidacy.pk)
    return render(request, "candidates/vae_request_create.html", {"form": form})


# Partie 2 ---------------------------------------------------------------------------------


def _partie_2(candidacy, user, *, editable) -> dict:
    """Partie 2 as shown to anyone: the periods, the relevant experience, the next actions."""
    vae_request = candidacy.vae_request
    return {
        "vae_request": vae_request,
        "editable": editable,
        **experience_summary(candidacy),
        "actions": available_actions(candidacy, user, PARTIE_2_TRANSITIONS),
        "missing": guards.missing("submit_recevabilite", candidacy) if editable else [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def vae_request_edit(request, pk):
    candidacy = _vae_candidacy(request, pk)
    editable = permissions.can_edit_vae_request(candidacy, request.user)
    if request.method == "POST" and not editable:
        return refused(request, candidacy)
    form = None
    if editable:
        initial = model_to_dict(candidacy.vae_request, fields=list(VaeRequestForm.base_fields))
        form = VaeRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.vae_request_update(candidacy=candidacy, by=request.user, **form.cleaned_data)
        messages.success(request, _("Partie 2 enregistrée."))
        return redirect("vae_request_edit", pk=candidacy.pk)
    context = _partie_2(candidacy, request.user, editable=editable)
    return render(
        request,
        "candidates/vae_request.html",
        candidacy_context(request, candidacy, form=form, **context),
    )


def _experience_form(request, candidacy, experience):
    if not permissions.can_edit_vae_request(candidacy, request.user):
        return refused(request, candidacy)
    initial = (
        model_to_dict(experience, fields=list(VaeExperienceForm.base_fields)) if experience else {}
    )
    return candidacy_form(
        request,
        candidacy,
        VaeExperienceForm(request.POST or None, initial=initial),
        save=lambda data: services.vae_experience_save(
            candidacy=candidacy, by=request.user, experience=experience, **data
        ),
        success=_("Expérience enregistrée."),
        next_url=reverse("vae_request_edit", args=[candidacy.pk]),
        template="candidates/vae_experience_form.html",
        experience=experience,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vae_experience_add(request, pk):
    return _experience_form(request, _vae_candidacy(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def vae_experience_edit(request, pk, exp_pk):
    candidacy = _vae_candidacy(request, pk)
    experience = get_object_or_404(candidacy.vae_request.experiences, pk=exp_pk)
    return _experience_form(request, candidacy, experience)


@login_required
@require_http_methods(["GET", "POST"])
def vae_experience_delete(request, pk, exp_pk):
    candidacy = _vae_candidacy(request, pk)
    experience = get_object_or_404(candidacy.vae_request.experiences, pk=exp_pk)
    if not permissions.can_edit_vae_request(candidacy, request.user):
        return refused(request, candidacy)
    if request.method == "POST":
        services.vae_experience_delete(candidacy=candidacy, by=request.user, experience=experience)
        messages.success(request, _("Expérience supprimée."))
        return redirect("vae_request_edit", pk=candidacy.pk)
    context = {
        "title": _("Supprimer cette expérience ?"),
        "item": f"{experience.job_title} — {experience.employer}",
        "cancel_url": "vae_request_edit",
    }
    return render(
        request,
        "candidates/vae_confirm_delete.html",
        candidacy_context(request, candidacy, **context),
    )


# Partie 3 ---------------------------------------------------------------------------------


def _activity_sections(candidacy):
    """One section per competence still to validate, plus any competence already documented."""
    activities = list(candidacy.vae_activities.select_related("competence"))
    to_validate = list(candidacy.competences_to_validate())
    pending = {c.pk for c in to_validate}
    competences = {c.pk: c for c in to_validate}
    competences.update((a.competence_id, a.competence) for a in activities)
    sections = [
        {
            "competence": competence,
            "to_validate": competence.pk in pending,
            "activities": [a for a in activities if a.competence_id == competence.pk],
        }
        for competence in sorted(competences.values(), key=lambda c: c.number)
    ]
    documented = sum(1 for s in sections if s["to_validate"] and s["activities"])
    return sections, documented, len(to_validate)


@login_required
@require_http_methods(["GET"])
def vae_activities(request, pk):
    candidacy = _vae_candidacy(request, pk)
    is_open = candidacy.state not in PARTIE_3_NOT_OPEN
    sections, documented, total = _activity_sections(candidacy) if is_open else ([], 0, 0)
    context = {
        "is_open": is_open,
        "editable": permissions.can_edit_vae_activities(candidacy, request.user),
        "is_candidate": permissions.is_the_candidate(candidacy, request.user),
        "sections": sections,
        "documented": documented,
        "total": total,
        "actions": available_actions(candidacy, request.user, ["submit_activities"]),
    }
    return render(
        request, "candidates/vae_activities.html", candidacy_context(request, candidacy, **context)
    )


def _activity_form(request, candidacy, activity):
    if not permissions.can_edit_vae_activities(candidacy, request.user):
        return refused(request, candidacy)
    if activity is not None:
        initial = model_to_dict(activity, fields=list(VaeActivityForm.base_fields))
    else:
        initial = {"competence": request.GET.get("competence")}
    return candidacy_form(
        request,
        candidacy,
        VaeActivityForm(
            request.POST or None, initial=initial, competences=candidacy.competences_to_validate()
        ),
        save=lambda data: services.vae_activity_save(
            candidacy=candidacy, by=request.user, activity=activity, **data
        ),
        success=_("Activité enregistrée."),
        next_url=reverse("vae_activities", args=[candidacy.pk]),
        template="candidates/vae_activity_form.html",
        activity=activity,
    )


@login_required
@require_http_methods(["GET", "POST"])
def vae_activity_add(request, pk):
    return _activity_form(request, _vae_candidacy(request, pk), None)


@login_required
@require_http_methods(["GET", "POST"])
def vae_activity_edit(request, pk, act_pk):
    candidacy = _vae_candidacy(request, pk)
    activity = get_object_or_404(candidacy.vae_activities, pk=act_pk)
    return _activity_form(request, candidacy, activity)


@login_required
@require_http_methods(["GET", "POST"])
def vae_activity_delete(request, pk, act_pk):
    candidacy = _vae_candidacy(request, pk)
    activity = get_object_or_404(candidacy.vae_activities.select_related("competence"), pk=act_pk)
    if not permissions.can_edit_vae_activities(candidacy, request.user):
        return refused(request, candidacy)
    if request.method == "POST":
        services.vae_activity_delete(candidacy=candidacy, by=request.user, activity=activity)
        messages.success(request, _("Activité supprimée."))
        return redirect("vae_activities", pk=candidacy.pk)
    context = {
        "title": _("Supprimer cette activité ?"),
        "item": f"{activity.competence.code} — {activity.title}",
        "cancel_url": "vae_activities",
    }
    return render(
        request,
        "candidates/vae_confirm_delete.html",
        candidacy_context(request, candidacy, **context),
    )
