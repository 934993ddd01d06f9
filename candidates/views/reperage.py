"""The professionnel's pages of a parcours candidacy: livret de repérage, parcours, mise en pratique.

Everyone who may see the candidacy reads these pages; only the assigned, habilitated
professionnel changes them. Anyone else posting gets 403 and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import permissions, selectors, services
from ..forms_reperage import (
    ParcoursActionAddForm,
    ParcoursActionForm,
    PracticeConfirmForm,
    ReperageForm,
)
from ..models import Pathway
from .candidacies import candidacy_context, candidacy_form, refused


def _get_parcours_candidacy(request, pk):
    """The candidacy, if the user may see it (else 404); the livret exists only on the parcours pathway."""
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    if candidacy.pathway != Pathway.PARCOURS:
        raise Http404
    return candidacy


def _get_plan_candidacy(request, pk):
    """The candidacy, if it has a parcours plan: the parcours pathway, or a VAE continued
    in a parcours after a partial validation (its later cycles); else 404."""
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    if candidacy.pathway != Pathway.PARCOURS and candidacy.cycle == 1:
        raise Http404
    return candidacy


def _progress(competences) -> tuple[int, int]:
    elements = [element for competence in competences for element in competence.elements.all()]
    done = sum(1 for element in elements if element.entry is not None and element.entry.status)
    return done, len(elements)


def _save_livret(request, candidacy, form):
    """Save the draft, then with « terminer » take complete_reperage; a refused transition keeps the draft."""
    complete = request.POST.get("action") == "complete"
    try:
        services.reperage_save(candidacy=candidacy, by=request.user, entries=form.entries())
        if complete:
            services.candidacy_complete_reperage(
                candidacy=candidacy,
                by=request.user,
                expected_state=form.cleaned_data["expected_state"],
            )
    except PermissionDenied:
        return refused(request, candidacy)
    except services.TransitionError as error:
        messages.error(request, error.message)
        messages.info(request, _("Livret enregistré (brouillon)."))
        return redirect("reperage_edit", pk=candidacy.pk)
    if complete:
        messages.success(
            request,
            _("Repérage terminé : le parcours a été généré pour les compétences à développer."),
        )
        return redirect("plan_detail", pk=candidacy.pk)
    messages.success(request, _("Livret enregistré (brouillon)."))
    return redirect("reperage_edit", pk=candidacy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def reperage_edit(request, pk):
    candidacy = _get_parcours_candidacy(request, pk)
    editable = permissions.can_edit_reperage(candidacy, request.user)
    if request.method == "POST" and not editable:
        return refused(request, candidacy)
    competences = selectors.reperage_competences(candidacy)
    form = None
    if editable:
        form = ReperageForm(request.POST or None, competences=competences, candidacy=candidacy)
        if form.is_bound and form.is_valid():
            return _save_livret(request, candidacy, form)
    done, total = _progress(competences)
    return render(
        request,
        "candidates/reperage.html",
        candidacy_context(
            request, candidacy, form=form, competences=competences, done=done, total=total
        ),
    )


@login_required
def plan_detail(request, pk):
    candidacy = _get_plan_candidacy(request, pk)
    # The current cycle first, then the earlier ones, most recent first.
    plans = [
        {"cycle": cycle, "actions": selectors.plan_actions(candidacy, cycle=cycle)}
        for cycle in range(candidacy.cycle, 0, -1)
    ]
    return render(
        request,
        "candidates/plan.html",
        candidacy_context(
            request,
            candidacy,
            plans=plans,
            can_edit=permissions.can_edit_plan(candidacy, request.user),
            may_confirm_practice=permissions.can_confirm_practice(candidacy, request.user),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_action_edit(request, pk, action_pk):
    candidacy = _get_plan_candidacy(request, pk)
    action = get_object_or_404(selectors.plan_actions(candidacy), pk=action_pk)
    if not permissions.can_edit_plan(candidacy, request.user):
        return refused(request, candidacy)
    return candidacy_form(
        request,
        candidacy,
        ParcoursActionForm(request.POST or None, action=action),
        save=lambda data: services.parcours_action_update(action=action, by=request.user, **data),
        success=_("Action du parcours enregistrée."),
        next_url=reverse("plan_detail", args=[candidacy.pk]),
        template="candidates/plan_action_form.html",
        action=action,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_action_add(request, pk):
    candidacy = _get_plan_candidacy(request, pk)
    if not permissions.can_edit_plan(candidacy, request.user):
        return refused(request, candidacy)
    return candidacy_form(
        request,
        candidacy,
        ParcoursActionAddForm(request.POST or None, plan=selectors.plan_actions(candidacy)),
        save=lambda data: services.parcours_action_add(
            candidacy=candidacy, by=request.user, **data
        ),
        success=_("Action du parcours enregistrée."),
        next_url=reverse("plan_detail", args=[candidacy.pk]),
        template="candidates/plan_action_form.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_confirm(request, pk):
    candidacy = _get_plan_candidacy(request, pk)
    if not permissions.can_confirm_practice(candidacy, request.user):
        return refused(request, candidacy)
    return candidacy_form(
        request,
        candidacy,
        PracticeConfirmForm(request.POST or None, initial={"note": candidacy.practice_note}),
        save=lambda data: services.practice_confirm(candidacy=candidacy, by=request.user, **data),
        success=_("Mise en pratique confirmée."),
        next_url=reverse("candidacy_detail", args=[candidacy.pk]),
        template="candidates/practice_confirm.html",
    )
