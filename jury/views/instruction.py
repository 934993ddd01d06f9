"""The secretariat's instruction of the dossiers waiting for a session: the list with each
dossier's checks at the intended session date, the placement of the ticked ones on a
session, and the return of one to the evaluation.

Secretariat only (404 for anybody else, like every secretariat page).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from candidates.access import candidacy_for, candidacy_form_page
from candidates.enums import State
from cqp.decorators import secretariat_required
from cqp.utils import paginate

from .. import instruction, selectors, services
from ..forms_instruction import InstructionFilterForm, PlaceForm, ReturnForm

PAGE_SIZE = 20


def _instruction_page(request, *, place_form=None):
    today = timezone.localdate()
    sessions = list(selectors.upcoming_sessions(today=today))
    filters = InstructionFilterForm(request.GET, sessions=sessions)
    target, on = filters.target(today)
    queue = selectors.awaiting_session(q=filters.search())
    # The checks' counts for the page's 20 dossiers only, not for the whole queue.
    page = paginate(request, queue, per_page=PAGE_SIZE, annotate_rows=instruction.annotate)
    return render(
        request,
        "jury/instruction.html",
        {
            "filters": filters,
            "target": target,
            "on": on,
            "page": page,
            "rows": instruction.rows(list(page), on=on),
            "place_form": place_form
            or PlaceForm(sessions=sessions, initial={"session": target and target.pk}),
            "ticked": {str(pk) for pk in request.POST.getlist("candidacies")},
            # « Erreur : » in the title (base.html reads `form`, this page's form is another).
            "page_has_errors": bool(place_form and place_form.errors),
        },
    )


@secretariat_required
@require_GET
def jury_instruction(request):
    return _instruction_page(request)


@secretariat_required
@require_POST
def jury_instruction_place(request):
    sessions = selectors.upcoming_sessions(today=timezone.localdate())
    form = PlaceForm(request.POST, sessions=sessions)
    if not form.is_valid():
        return _instruction_page(request, place_form=form)
    session = form.cleaned_data["session"]
    placed, refused = services.session_place_candidacies(
        session=session, by=request.user, candidacies=form.cleaned_data["candidacies"]
    )
    if placed:
        messages.success(
            request,
            ngettext(
                "%(n)d candidature inscrite à la session du %(date)s.",
                "%(n)d candidatures inscrites à la session du %(date)s.",
                len(placed),
            )
            % {"n": len(placed), "date": session.date.strftime("%d/%m/%Y")},
        )
    for candidacy, reasons in refused:
        messages.error(
            request,
            _("La candidature de %(candidate)s n'est pas inscrite. %(reasons)s")
            % {"candidate": candidacy.candidate, "reasons": " ".join(reasons)},
        )
    return redirect(f"{reverse('jury_instruction')}?{urlencode({'session': session.pk})}")


@secretariat_required
@require_http_methods(["GET", "POST"])
def jury_instruction_return(request, pk):
    candidacy = candidacy_for(request, pk)
    session = services.pending_session_of(candidacy)
    if candidacy.state != State.JURY:
        blocker = _(
            "Cette candidature n'attend pas le jury : elle est à l'étape « %(state)s »."
        ) % {"state": candidacy.get_state_display()}
    else:
        blocker = services.on_session_message(session) if session else ""
    return candidacy_form_page(
        request,
        candidacy,
        ReturnForm(request.POST or None, initial={"expected_state": candidacy.state}),
        template="jury/instruction_return.html",
        action=lambda data: services.candidacy_return_to_evaluation(
            candidacy=candidacy, by=request.user, **data
        ),
        success=_("Le dossier de %(candidate)s est renvoyé aux évaluateurs.")
        % {"candidate": candidacy.candidate},
        next_url=reverse("jury_instruction"),
        context={"blocker": blocker},
    )
