"""The jury's deliberation pages: a session's dashboard and the fiche de décision of each
candidacy.

Members of the session and the secretariat see them; anyone else gets 404 (jury.access).
Only the session's president records a decision, while the session is open: a member who
sees the fiche but posts to it gets the refusal page and nothing changes.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cqp.utils import paginate
from evaluations import selectors as evaluation_selectors

from .. import conformity, presenters, selectors, services
from ..access import back_to_fiche, deliberation_for, session_for, session_form_page
from ..forms_deliberation import DeliberationForm, NamePresidentForm, SessionFilterForm
from ..permissions import can_name_president, can_record, presides
from ..recusals import recusals, recused_ids

FICHE_TEMPLATE = "jury/deliberation_detail.html"
DASHBOARD_PAGE_SIZE = 20


@login_required
def session_dashboard(request, pk):
    session = session_for(request, pk)
    filters = SessionFilterForm(request.GET, session=session)
    filters.is_valid()
    agenda = selectors.session_agenda_keys(
        session=session,
        pathway=filters.cleaned_data.get("pathway", ""),
        organisation_id=filters.cleaned_data.get("organisation"),
        decided=filters.cleaned_data.get("decided", ""),
    )
    # A page of the agenda at a time (the jury reads them in turn; « À décider » keeps those
    # left), its rows and their facts read for that page only.
    page = paginate(request, agenda, per_page=DASHBOARD_PAGE_SIZE)
    deliberations = selectors.with_jury_facts(session, selectors.agenda_rows(list(page)))
    president = presides(request.user, session)
    return render(
        request,
        "jury/session_dashboard.html",
        {
            "session": session,
            "filters": filters,
            "filtered": any(filters.cleaned_data.values()),
            "page": page,
            "deliberations": deliberations,
            "rows": presenters.dashboard_rows(
                request.user, session, deliberations, presides=president
            ),
            "presides": president,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_detail(request, pk):
    # Whoever sees the fiche reads it; posting to it is for whoever may record it now (its
    # president, not recused on the candidacy).
    def may_record(user, deliberation):
        return can_record(user, deliberation, recused=recused_ids(deliberation))

    deliberation = deliberation_for(
        request, pk, may=may_record if request.method == "POST" else None
    )
    recused = recusals(deliberation)
    results = evaluation_selectors.latest_results(deliberation.candidacy)
    form = None
    if can_record(request.user, deliberation, recused=[r.member.pk for r in recused]):
        form = DeliberationForm(
            request.POST or None,
            competences=presenters.competences_to_decide(deliberation),
            prefilled=services.decisions_from_results(results=results),
            checks=conformity.computed_checks(deliberation, results=results),
        )
    context = presenters.fiche_context(
        request, deliberation, results=results, form=form, recused=recused
    )
    if form is None:
        return render(request, FICHE_TEMPLATE, context)
    with back_to_fiche(deliberation):
        return session_form_page(
            request,
            deliberation.session,
            form,
            action=lambda data: services.deliberation_record(
                deliberation=deliberation, by=request.user, **form.service_kwargs()
            ),
            success=lambda recorded: (
                _("Décision enregistrée : %(outcome)s.")
                % {"outcome": presenters.outcome_label(recorded.outcome)}
            ),
            next_url=lambda recorded: reverse("session_dashboard", args=[recorded.session_id]),
            template=FICHE_TEMPLATE,
            context=context,
        )


@login_required
@require_http_methods(["GET", "POST"])
def deliberation_president(request, pk):
    """The secretariat names the president of one deliberation (the session's president
    being recused on its candidacy), among the members present and not recused."""
    deliberation = deliberation_for(request, pk, may=can_name_president)
    recused = recusals(deliberation)
    form = NamePresidentForm(request.POST or None, deliberation=deliberation, recused=recused)
    return session_form_page(
        request,
        deliberation.session,
        form,
        action=lambda data: services.deliberation_name_president(
            deliberation=deliberation, by=request.user, president=data["president"]
        ),
        success=lambda named: (
            _("Président désigné pour cette candidature : %(name)s.")
            % {"name": named.presiding_member.user}
        ),
        next_url=reverse("deliberation_detail", args=[deliberation.pk]),
        template="jury/deliberation_president.html",
        context={
            "deliberation": deliberation,
            "session": deliberation.session,
            "candidacy": deliberation.candidacy,
            "recusals": recused,
        },
    )
