from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cqp.decorators import secretariat_required
from cqp.documents import candidacy_documents
from cqp.permissions import is_secretariat
from cqp.selectors import managed_organisation_list
from cqp.utils import apply_service_error, paginate

from .. import guards, permissions, selectors, services
from ..forms import AssignmentForm, CandidacyFilterForm, ParcoursCandidacyForm, TransitionForm
from ..models import PATHWAY_STEPS, State
from ..transitions import TRANSITIONS_UI


def timeline(candidacy) -> list[dict]:
    """The pathway's steps with the current one marked; final states end the line."""
    steps = PATHWAY_STEPS[candidacy.pathway]
    current = candidacy.state
    position = steps.index(current) if current in steps else len(steps)
    rows = [
        {
            "label": State(step).label,
            "status": "done" if i < position else "current" if i == position else "todo",
        }
        for i, step in enumerate(steps)
    ]
    if current not in steps:
        rows.append({"label": State(current).label, "status": "current"})
    return rows


def available_actions(candidacy, user, names=None) -> list[dict]:
    """Transitions of the generic action page (`names`, else all) that this user may take now.

    Buttons only: the server re-checks.
    """
    return [
        {"name": name, "ui": TRANSITIONS_UI[name]}
        for name in (TRANSITIONS_UI if names is None else names)
        if services.may_take(candidacy, name, user)
    ]


def candidacy_context(request, candidacy, **extra) -> dict:
    return {
        "candidacy": candidacy,
        "timeline": timeline(candidacy),
        "can_manage": permissions.can_manage(candidacy, request.user),
        **extra,
    }


def refused(request, candidacy):
    """The 403 page of a candidacy: the action is not open to this user now; nothing changed."""
    return render(
        request,
        "candidates/transition_refused.html",
        candidacy_context(request, candidacy),
        status=403,
    )


def candidacy_form(request, candidacy, form, *, save, success, next_url, template, **extra):
    """Run `save(cleaned_data)` for a valid POSTed form, then message and redirect.

    Service field errors come back next to their fields (typed values kept); a refusal is
    the 403 page. On GET or invalid input the form page is rendered.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except PermissionDenied:
            return refused(request, candidacy)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(next_url)
    return render(request, template, candidacy_context(request, candidacy, form=form, **extra))


@login_required
def candidacy_list(request):
    filters = CandidacyFilterForm(request.GET)
    filters.is_valid()
    candidacies = selectors.candidacy_list(
        user=request.user,
        state=filters.cleaned_data.get("state", ""),
        pathway=filters.cleaned_data.get("pathway", ""),
        q=filters.cleaned_data.get("q", "").strip(),
    )
    can_create = (
        is_secretariat(request.user) or managed_organisation_list(user=request.user).exists()
    )
    return render(
        request,
        "candidates/candidacy_list.html",
        {"filters": filters, "page": paginate(request, candidacies), "can_create": can_create},
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_create(request):
    organisations = managed_organisation_list(user=request.user)
    if not organisations.exists():
        raise Http404
    form = ParcoursCandidacyForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            candidacy = services.candidacy_create_parcours(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Candidature ouverte pour %s : une invitation lui a été envoyée par e-mail.")
                % candidacy.candidate,
            )
            return redirect("candidacy_detail", pk=candidacy.pk)
    return render(request, "candidates/candidacy_create.html", {"form": form})


@login_required
def candidacy_detail(request, pk):
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    return render(
        request,
        "candidates/candidacy_detail.html",
        candidacy_context(
            request,
            candidacy,
            actions=available_actions(candidacy, request.user),
            history=selectors.history(candidacy),
            plan=selectors.plan_actions(candidacy),
            documents=candidacy_documents(candidacy),
            is_candidate=permissions.is_the_candidate(candidacy, request.user),
            is_professionnel=permissions.is_acting_professionnel(candidacy, request.user),
            is_evaluateur=permissions.is_acting_evaluateur(candidacy, request.user),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_assign(request, pk):
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    if not permissions.can_manage(candidacy, request.user):
        raise Http404
    initial = {"professionnel": candidacy.professionnel_id, "evaluateur": candidacy.evaluateur_id}
    form = AssignmentForm(request.POST or None, initial=initial, day=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            services.candidacy_assign(candidacy=candidacy, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Les intervenants de la candidature ont été enregistrés."))
            return redirect("candidacy_detail", pk=candidacy.pk)
    return render(
        request,
        "candidates/candidacy_assign.html",
        candidacy_context(request, candidacy, form=form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_transition(request, pk, name):
    """Confirm then take one transition. Crafted requests get 403 and change nothing."""
    candidacy = selectors.candidacy_get(user=request.user, pk=pk)
    ui = TRANSITIONS_UI.get(name)
    if ui is None:
        raise Http404
    if not services.may_take(candidacy, name, request.user):
        return refused(request, candidacy)
    form = TransitionForm(
        request.POST or None,
        initial={"expected_state": candidacy.state},
        reason_required=bool(ui.reason_label),
        reason_label=ui.reason_label,
    )
    if request.method == "POST" and form.is_valid():
        kwargs = {
            "candidacy": candidacy,
            "by": request.user,
            "expected_state": form.cleaned_data["expected_state"],
        }
        comment = form.cleaned_data["comment"]
        if ui.reason_label:
            kwargs["reason"] = comment
        elif ui.comment_allowed:
            kwargs["comment"] = comment
        try:
            services.TRANSITION_SERVICES[name](**kwargs)
        except PermissionDenied:
            return refused(request, candidacy)
        except services.TransitionError as error:
            messages.error(request, error.message)
            return redirect("candidacy_detail", pk=candidacy.pk)
        messages.success(
            request,
            _("C'est fait : la candidature est maintenant à l'étape « %s ».")
            % State(candidacy.state).label,
        )
        return redirect("candidacy_detail", pk=candidacy.pk)
    missing = guards.missing_before(name, candidacy) if not ui.reason_label else []
    return render(
        request,
        "candidates/transition_confirm.html",
        candidacy_context(request, candidacy, form=form, ui=ui, name=name, missing=missing),
    )


@secretariat_required
def recevabilite_queue(request):
    return render(
        request,
        "candidates/recevabilite_queue.html",
        {"page": paginate(request, selectors.recevabilite_queue())},
    )
