from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import selectors, services
from ..decorators import secretariat_required
from ..forms import (
    HabilitationFilterForm,
    HabilitationGrantForm,
    HabilitationRenewForm,
    HabilitationRevokeForm,
)
from ..utils import paginate
from .helpers import form_page

LIST = reverse_lazy("habilitation_list")


@secretariat_required
def habilitation_list(request):
    filters = HabilitationFilterForm(request.GET)
    filters.is_valid()
    habilitations = selectors.habilitation_list(
        user=request.user,
        kind=filters.cleaned_data.get("kind", ""),
        status=filters.cleaned_data.get("status", ""),
        q=filters.cleaned_data.get("q", "").strip(),
    )
    return render(
        request,
        "cqp/habilitation_list.html",
        # Its page's keys first, sorted from the habilitations and their holders alone: in
        # one query with the four people and the renewal of each row, PostgreSQL sorted
        # every habilitation so joined (730 at 100,000 candidacies, 20 at 1,000) with a
        # parallel worker, whose start cost more than the sort (6 ms, against 0.8 + 0.3).
        {"filters": filters, "page": paginate(request, habilitations, by_key=True)},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_create(request):
    return form_page(
        request,
        HabilitationGrantForm(
            request.POST or None, initial={"email": request.GET.get("email", "")}
        ),
        action=lambda data: services.habilitation_grant(by=request.user, **data),
        success=lambda habilitation: _("Habilitation accordée à %s.") % habilitation.user,
        next_url=LIST,
        template="cqp/habilitation_form.html",
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_renew(request, pk):
    habilitation = selectors.habilitation_get(user=request.user, pk=pk)
    return form_page(
        request,
        HabilitationRenewForm(request.POST or None),
        action=lambda data: services.habilitation_renew(
            habilitation=habilitation, by=request.user, **data
        ),
        success=lambda renewal: (
            _("Habilitation de %(person)s renouvelée jusqu'au %(end)s.")
            % {"person": renewal.user, "end": renewal.valid_until.strftime("%d/%m/%Y")}
        ),
        next_url=LIST,
        template="cqp/habilitation_renew.html",
        context={"habilitation": habilitation},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_revoke(request, pk):
    habilitation = selectors.habilitation_get(user=request.user, pk=pk)
    return form_page(
        request,
        HabilitationRevokeForm(request.POST or None),
        action=lambda data: services.habilitation_revoke(
            habilitation=habilitation, by=request.user, **data
        ),
        success=_("Habilitation de %s révoquée.") % habilitation.user,
        next_url=LIST,
        template="cqp/habilitation_revoke.html",
        context={"habilitation": habilitation},
    )
