from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cqp.decorators import secretariat_required
from cqp.exceptions import TransitionError
from cqp.permissions import is_secretariat
from cqp.selectors import managed_organisation_list
from cqp.utils import PAGE_SIZE, paginate
from cqp.views.helpers import form_page

from .. import permissions, selectors, services
from ..access import candidacy_for, candidacy_form_page, refusal_on
from ..enums import Pathway, State
from ..forms import (
    AssignmentForm,
    CandidacyFilterForm,
    ParcoursCandidacyForm,
    RecevabiliteQueueFilterForm,
    TransitionForm,
)
from ..next_step import missing_with_links, next_step, other_actions
from ..presenters import candidacy_context, downloads, recevabilite_row
from ..presenters_recevabilite import recevabilite_events, recevabilite_history
from ..transitions import TRANSITIONS


@login_required
def candidacy_list(request):
    filters = CandidacyFilterForm(request.GET)
    filters.is_valid()
    chosen = {
        "state": filters.cleaned_data.get("state", ""),
        "pathway": filters.cleaned_data.get("pathway", ""),
        "q": filters.cleaned_data.get("q", "").strip(),
    }
    candidacies = selectors.candidacy_list(user=request.user, **chosen)

    def keys(bottom, top, total):
        return selectors.candidacy_page_keys(
            user=request.user, bottom=bottom, top=top, total=total, **chosen
        )

    # Counted over the union of the ways of seeing a candidacy, each filtered (a search's
    # candidates read first: candidates.selectors._matching_candidates).
    def counter(limit):
        return selectors.candidacy_count(user=request.user, limit=limit, **chosen)

    can_create = (
        is_secretariat(request.user) or managed_organisation_list(user=request.user).exists()
    )
    return render(
        request,
        "candidates/candidacy_list.html",
        {
            "filters": filters,
            "page": paginate(
                request,
                candidacies,
                PAGE_SIZE,
                by_key=True,
                keys=keys,
                counter=counter,
                rows=selectors.listed_candidacies,
                # A search is counted up to its own bound (« plus de 200 »), one matching
                # many people only a page beyond the one shown (« plus de 40 »).
                bound=selectors.SEARCH_COUNT_BOUND if chosen["q"].split() else None,
                look_ahead=(
                    selectors.BROAD_SEARCH_LOOK_AHEAD
                    if selectors.is_broad_search(chosen["q"])
                    else None
                ),
            ),
            "can_create": can_create,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_create(request):
    organisations = managed_organisation_list(user=request.user)
    if not organisations.exists():
        raise Http404
    return form_page(
        request,
        ParcoursCandidacyForm(request.POST or None, organisations=organisations),
        action=lambda data: services.candidacy_create_parcours(by=request.user, **data),
        success=lambda candidacy: (
            _("Candidature ouverte pour %s : une invitation lui a été envoyée par e-mail.")
            % candidacy.candidate
        ),
        next_url=lambda candidacy: reverse("candidacy_detail", args=[candidacy.pk]),
        template="candidates/candidacy_create.html",
    )


@login_required
def candidacy_detail(request, pk):
    # The candidacy with its latest events, decisions and documents, in one query.
    page = selectors.candidacy_page(user=request.user, pk=pk)
    candidacy, recent, user = page.candidacy, page.history, request.user
    vae = candidacy.pathway == Pathway.VAE
    if vae:
        recevabilite = recevabilite_events(
            recent.submissions, page.decisions, page.letters, selectors.RECENT_RECEVABILITE
        )
        recevabilite_total = recent.submissions_total + page.decisions_total
    else:
        recevabilite, recevabilite_total = [], 0
    step = next_step(candidacy, user)
    context = candidacy_context(
        request,
        candidacy,
        step=step,
        other_actions=other_actions(candidacy, user, step),
        history=recent.events,
        history_total=recent.total,
        plan=selectors.plan_actions(candidacy) if not vae else None,
        documents=page.documents,
        downloads=downloads(candidacy, user),
        recevabilite_history=recevabilite,
        recevabilite_total=recevabilite_total,
        # Information for the secretariat's decision, not a refusal.
        second_request=vae and is_secretariat(user) and selectors.is_second_request(candidacy),
    )
    return render(request, "candidates/candidacy_detail.html", context)


HISTORY_PAGE_SIZE = 50


@login_required
def candidacy_history(request, pk):
    """Every event of the candidacy, by pages, the oldest first (whoever sees the candidacy)."""
    candidacy = candidacy_for(request, pk)
    page = paginate(request, selectors.history(candidacy), per_page=HISTORY_PAGE_SIZE)
    recevabilite = recevabilite_history(candidacy)[0] if candidacy.pathway == Pathway.VAE else []
    return render(
        request,
        "candidates/candidacy_history.html",
        candidacy_context(request, candidacy, page=page, recevabilite_history=recevabilite),
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_assign(request, pk):
    candidacy = candidacy_for(request, pk)
    if not permissions.can_manage(candidacy, request.user):
        raise Http404  # only those who manage the candidacy know this page exists
    initial = {"professionnel": candidacy.professionnel_id, "evaluateur": candidacy.evaluateur_id}
    return candidacy_form_page(
        request,
        candidacy,
        AssignmentForm(request.POST or None, initial=initial, day=timezone.localdate()),
        action=lambda data: services.candidacy_assign(candidacy=candidacy, by=request.user, **data),
        success=_("Les intervenants de la candidature ont été enregistrés."),
        next_url=reverse("candidacy_detail", args=[candidacy.pk]),
        template="candidates/candidacy_assign.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidacy_transition(request, pk, name):
    """Confirm then take one transition. Crafted requests get the refusal page and change nothing."""
    spec = TRANSITIONS.get(name)
    if spec is None or spec.ui is None:
        raise Http404
    candidacy = candidacy_for(request, pk, may=lambda c, user: permissions.may_take(c, name, user))
    form = TransitionForm(
        request.POST or None, initial={"expected_state": candidacy.state}, ui=spec.ui
    )
    if request.method == "POST" and form.is_valid():
        try:
            with refusal_on(request, candidacy):
                services.transition_take(
                    name=name, candidacy=candidacy, by=request.user, **form.service_kwargs()
                )
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("C'est fait : la candidature est maintenant à l'étape « %s ».")
                % State(candidacy.state).label,
            )
        return redirect("candidacy_detail", pk=candidacy.pk)
    missing = [] if spec.ui.reason_label else missing_with_links(candidacy, request.user, name)
    context = candidacy_context(
        request, candidacy, form=form, ui=spec.ui, name=name, missing=missing, spec=spec
    )
    return render(request, "candidates/transition_confirm.html", context)


@secretariat_required
def recevabilite_queue(request):
    filters = RecevabiliteQueueFilterForm(request.GET)
    show, today = filters.selected(), timezone.localdate()
    # Keys first (sorted from the candidacy and its request alone), then the 20 rows with
    # their subqueries: in one query PostgreSQL joined every request in the queue, wide,
    # before it sorted (34 ms at 100,000 candidacies, 1,500 awaiting a decision).
    page = paginate(request, selectors.recevabilite_queue(view=show, today=today), by_key=True)
    return render(
        request,
        "candidates/recevabilite_queue.html",
        {
            "filters": filters,
            "show": show,
            "page": page,
            "rows": [recevabilite_row(candidacy, today) for candidacy in page],
            "due_soon_days": settings.VAE_DECISION_REMINDER_DAYS,
        },
    )
