"""The dossier de VAE: the request (signup), partie 2 (presentation and experience) and
partie 3 (activities per competence). Outsiders get 404; people who may see a page but not
change it get the refusal page on POST and nothing changes."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.forms import model_to_dict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cqp.views.helpers import form_page

from .. import permissions, services
from ..access import authorize, candidacy_for, candidacy_form_page, refusal_on
from ..enums import Pathway, State
from ..experience import experience_summary
from ..forms_vae import (
    HostOrganisationForm,
    VaeActivityForm,
    VaeExperienceForm,
    VaeRequestForm,
    VaeSignupForm,
)
from ..presenters import available_actions, candidacy_context, proof_kind_labels, vae_proofs
from ..presenters_recevabilite import completion_flags, flag_fields, recevabilite_history
from ..transitions import TRANSITIONS

# Partie 3 opens once the secretariat declares the request recevable.
PARTIE_3_NOT_OPEN = {State.DEMANDE, State.RECEVABILITE, State.NON_RECEVABLE}
PARTIE_2_TRANSITIONS = ("submit_recevabilite",)
REQUEST_OPENED = gettext_lazy(
    "Votre demande de VAE est ouverte : complétez la partie 2 de votre dossier."
)


def _is_vae(candidacy) -> bool:
    return candidacy.pathway == Pathway.VAE and hasattr(candidacy, "vae_request")


# Opening a request -------------------------------------------------------------------------


def _sign_up(request, data):
    """Create the account and the request, then log the new candidate in."""
    candidacy = services.vae_signup(
        email=data["email"],
        first_name=data["first_name"],
        last_name=data["last_name"],
        password=data["password1"],
        organisation=data["organisation"],
    )
    login(request, candidacy.candidate.user, backend="cqp.backends.FactsModelBackend")
    return candidacy


@require_http_methods(["GET", "POST"])
def vae_signup(request):
    """Open to anonymous visitors: creates the account and the VAE candidacy together."""
    if request.user.is_authenticated:
        return redirect("vae_request_create")
    return form_page(
        request,
        VaeSignupForm(request.POST or None),
        action=lambda data: _sign_up(request, data),
        success=REQUEST_OPENED,
        next_url=lambda candidacy: reverse("vae_request_edit", args=[candidacy.pk]),
        template="candidates/vae_signup.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def vae_request_create(request):
    return form_page(
        request,
        HostOrganisationForm(request.POST or None),
        action=lambda data: services.candidacy_request_vae(
            user=request.user, organisation=data["organisation"]
        ),
        success=REQUEST_OPENED,
        next_url=lambda candidacy: reverse("vae_request_edit", args=[candidacy.pk]),
        template="candidates/vae_request_create.html",
    )


# Partie 2 ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vae_request_edit(request, pk):
    candidacy = candidacy_for(request, pk, has=_is_vae)
    editable = permissions.can_edit_vae_request(candidacy, request.user)
    summary = experience_summary(candidacy)
    flags = completion_flags(candidacy)
    context = {
        "flags": flags,
        "recevabilite_history": recevabilite_history(candidacy)[0],
        "form": None,
        "vae_request": candidacy.vae_request,
        "editable": editable,
        **summary,
        "request_proofs": vae_proofs(candidacy.vae_request, summary["experiences"]),
        "proof_kinds": proof_kind_labels(candidacy.certification),
        "actions": available_actions(candidacy, request.user, PARTIE_2_TRANSITIONS),
        # The sworn statement is not listed: it is ticked on the confirmation page.
        "missing": (
            TRANSITIONS["submit_recevabilite"].missing_before(candidacy) if editable else []
        ),
    }
    if not editable:
        if request.method == "POST":
            authorize(request, candidacy, permissions.can_edit_vae_request)
        return render(
            request, "candidates/vae_request.html", candidacy_context(request, candidacy, **context)
        )
    initial = model_to_dict(candidacy.vae_request, fields=list(VaeRequestForm.base_fields))
    return candidacy_form_page(
        request,
        candidacy,
        flag_fields(VaeRequestForm(request.POST or None, initial=initial), flags),
        action=lambda data: services.vae_request_update(
            candidacy=candidacy, by=request.user, **data
        ),
        success=_("Partie 2 enregistrée."),
        next_url=reverse("vae_request_edit", args=[candidacy.pk]),
        template="candidates/vae_request.html",
        context=context,
    )


# The items of partie 2 (experience periods) and partie 3 (activities) ----------------------


@dataclass(frozen=True)
class Item:
    """An item the candidate adds, edits and deletes in their VAE dossier."""

    name: str  # the template's name for it
    may: Callable  # who may change it, now
    items: Callable  # the candidacy's items of this kind
    form_class: type
    form_kwargs: Callable  # candidacy -> the form's other arguments
    save: Callable  # the service that saves one
    delete: Callable  # the service that deletes one
    page: str  # the URL name of the page listing them
    template: str
    saved: str
    deleted: str
    delete_title: str
    label: Callable  # what the deletion confirmation names
    initial_from_query: tuple[str, ...] = ()  # a new item's fields preset by the link


EXPERIENCE = Item(
    name="experience",
    may=permissions.can_edit_vae_request,
    items=lambda candidacy: candidacy.vae_request.experiences.all(),
    form_class=VaeExperienceForm,
    form_kwargs=lambda candidacy: {},
    save=services.vae_experience_save,
    delete=services.vae_experience_delete,
    page="vae_request_edit",
    template="candidates/vae_experience_form.html",
    saved=gettext_lazy("Expérience enregistrée."),
    deleted=gettext_lazy("Expérience supprimée."),
    delete_title=gettext_lazy("Supprimer cette expérience ?"),
    label=lambda experience: f"{experience.job_title} — {experience.employer}",
)
ACTIVITY = Item(
    name="activity",
    may=permissions.can_edit_vae_activities,
    items=lambda candidacy: candidacy.vae_activities.select_related("competence"),
    form_class=VaeActivityForm,
    form_kwargs=lambda candidacy: {"competences": candidacy.competences_to_validate()},
    save=services.vae_activity_save,
    delete=services.vae_activity_delete,
    page="vae_activities",
    template="candidates/vae_activity_form.html",
    saved=gettext_lazy("Activité enregistrée."),
    deleted=gettext_lazy("Activité supprimée."),
    delete_title=gettext_lazy("Supprimer cette activité ?"),
    label=lambda activity: f"{activity.competence.code} — {activity.title}",
    initial_from_query=("competence",),
)


ITEMS = {item.name: item for item in (EXPERIENCE, ACTIVITY)}


@login_required
@require_http_methods(["GET", "POST"])
def vae_item_form(request, pk, kind: str, item_pk=None):
    """Add (no `item_pk`) or edit one item of `kind`; 404 for another candidacy's item."""
    spec = ITEMS[kind]  # the URL names the kind: "experience" or "activity"
    candidacy = candidacy_for(request, pk, has=_is_vae)
    item = get_object_or_404(spec.items(candidacy), pk=item_pk) if item_pk else None
    authorize(request, candidacy, spec.may)
    if item is not None:
        initial = model_to_dict(item, fields=list(spec.form_class.base_fields))
    else:
        initial = {field: request.GET.get(field) for field in spec.initial_from_query}
    form = spec.form_class(request.POST or None, initial=initial, **spec.form_kwargs(candidacy))
    return candidacy_form_page(
        request,
        candidacy,
        form,
        action=lambda data: spec.save(
            candidacy=candidacy, by=request.user, **{spec.name: item}, **data
        ),
        success=spec.saved,
        next_url=reverse(spec.page, args=[candidacy.pk]),
        template=spec.template,
        context={spec.name: item},
    )


@login_required
@require_http_methods(["GET", "POST"])
def vae_item_delete(request, pk, kind: str, item_pk):
    """Confirm, then delete one item of `kind`; 404 for another candidacy's item."""
    spec = ITEMS[kind]  # the URL names the kind: "experience" or "activity"
    candidacy = candidacy_for(request, pk, has=_is_vae)
    item = get_object_or_404(spec.items(candidacy), pk=item_pk)
    authorize(request, candidacy, spec.may)
    if request.method == "POST":
        with refusal_on(request, candidacy):
            spec.delete(candidacy=candidacy, by=request.user, **{spec.name: item})
        messages.success(request, spec.deleted)
        return redirect(spec.page, pk=candidacy.pk)
    context = {"title": spec.delete_title, "item": spec.label(item), "cancel_url": spec.page}
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
    candidacy = candidacy_for(request, pk, has=_is_vae)
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
