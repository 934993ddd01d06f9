"""The professionnel's pages of a parcours candidacy: livret de repérage, parcours, mise en pratique.

Everyone who may see the candidacy reads these pages; only the assigned, habilitated
professionnel changes them. Anyone else posting gets the refusal page and nothing changes.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from cqp.exceptions import GuardFailed

from .. import permissions, selectors, services
from ..access import authorize, candidacy_for, candidacy_form_page, refusal_on
from ..forms_reperage import (
    ParcoursActionAddForm,
    ParcoursActionForm,
    PracticeConfirmForm,
    ReperageForm,
)
from ..presenters import candidacy_context


def _progress(competences) -> tuple[int, int]:
    elements = [element for competence in competences for element in competence.elements.all()]
    done = sum(1 for element in elements if element.entry is not None and element.entry.status)
    return done, len(elements)


def _save_livret(request, candidacy, form):
    """Save the draft, then with « terminer » complete the repérage. A refused completion
    keeps the draft and returns None, the form marking what is missing."""
    complete = request.POST.get("action") == "complete"
    try:
        with refusal_on(request, candidacy):
            services.reperage_save(
                candidacy=candidacy,
                by=request.user,
                entries=form.entries(),
                complete=complete,
                expected_state=form.cleaned_data["expected_state"],
            )
    except GuardFailed as error:
        # The draft is saved: the page comes back with each element left unanswered marked.
        unanswered = form.mark_unanswered()
        if not unanswered:
            form.add_error(None, error.message)
        messages.warning(
            request,
            ngettext(
                "Brouillon enregistré, mais le repérage n'est pas terminé : %(n)d élément reste "
                "sans appréciation.",
                "Brouillon enregistré, mais le repérage n'est pas terminé : %(n)d éléments restent "
                "sans appréciation.",
                len(unanswered),
            )
            % {"n": len(unanswered)}
            if unanswered
            else _("Brouillon enregistré, mais le repérage n'est pas terminé."),
        )
        return None
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
    candidacy = candidacy_for(request, pk, has=permissions.has_livret)
    editable = permissions.can_edit_reperage(candidacy, request.user)
    if request.method == "POST":
        authorize(request, candidacy, permissions.can_edit_reperage)
    competences = selectors.reperage_competences(candidacy)
    form, draft_saved = None, False
    if editable:
        form = ReperageForm(request.POST or None, competences=competences, candidacy=candidacy)
        if form.is_bound and form.is_valid():
            response = _save_livret(request, candidacy, form)
            if response is not None:
                return response
            competences = selectors.reperage_competences(candidacy)  # the draft just saved
            draft_saved = True
    done, total = _progress(competences)
    context = candidacy_context(
        request,
        candidacy,
        form=form,
        competences=competences,
        done=done,
        total=total,
        draft_saved=draft_saved,
    )
    return render(request, "candidates/reperage.html", context)


@login_required
def plan_detail(request, pk):
    candidacy = candidacy_for(request, pk, has=permissions.has_plan)
    # The current cycle first, then the earlier ones, most recent first.
    plans = [
        {"cycle": cycle, "actions": selectors.plan_actions(candidacy, cycle=cycle)}
        for cycle in range(candidacy.cycle, 0, -1)
    ]
    context = candidacy_context(
        request,
        candidacy,
        plans=plans,
        can_edit=permissions.can_edit_plan(candidacy, request.user),
        may_confirm_practice=permissions.can_confirm_practice(candidacy, request.user),
    )
    return render(request, "candidates/plan.html", context)


def _plan_action_page(request, candidacy, form, action=None):
    return candidacy_form_page(
        request,
        candidacy,
        form,
        action=lambda data: (
            services.parcours_action_update(action=action, by=request.user, **data)
            if action
            else services.parcours_action_add(candidacy=candidacy, by=request.user, **data)
        ),
        success=_("Action du parcours enregistrée."),
        next_url=reverse("plan_detail", args=[candidacy.pk]),
        template="candidates/plan_action_form.html",
        context={"action": action},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_action_edit(request, pk, action_pk):
    candidacy = candidacy_for(request, pk, has=permissions.has_plan)
    action = get_object_or_404(selectors.plan_actions(candidacy), pk=action_pk)
    authorize(request, candidacy, permissions.can_edit_plan)
    form = ParcoursActionForm(request.POST or None, action=action)
    return _plan_action_page(request, candidacy, form, action)


@login_required
@require_http_methods(["GET", "POST"])
def plan_action_add(request, pk):
    candidacy = candidacy_for(request, pk, has=permissions.has_plan, may=permissions.can_edit_plan)
    plan = selectors.plan_actions(candidacy)
    return _plan_action_page(
        request, candidacy, ParcoursActionAddForm(request.POST or None, plan=plan)
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_confirm(request, pk):
    candidacy = candidacy_for(
        request, pk, has=permissions.has_plan, may=permissions.can_confirm_practice
    )
    return candidacy_form_page(
        request,
        candidacy,
        PracticeConfirmForm(request.POST or None, initial={"note": candidacy.practice_note}),
        action=lambda data: services.practice_confirm(candidacy=candidacy, by=request.user, **data),
        success=_("Mise en pratique confirmée."),
        next_url=reverse("candidacy_detail", args=[candidacy.pk]),
        template="candidates/practice_confirm.html",
    )
