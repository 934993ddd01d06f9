from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
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
from ..utils import apply_service_error, paginate


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
        {"filters": filters, "page": paginate(request, habilitations)},
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_create(request):
    form = HabilitationGrantForm(
        request.POST or None, initial={"email": request.GET.get("email", "")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            habilitation = services.habilitation_grant(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Habilitation accordée à %s.") % habilitation.user)
            return redirect("habilitation_list")
    return render(request, "cqp/habilitation_form.html", {"form": form})


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_renew(request, pk):
    habilitation = selectors.habilitation_get(user=request.user, pk=pk)
    form = HabilitationRenewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = services.habilitation_renew(
                habilitation=habilitation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("Habilitation de %(person)s renouvelée jusqu'au %(end)s.")
                % {"person": renewal.user, "end": renewal.valid_until.strftime("%d/%m/%Y")},
            )
            return redirect("habilitation_list")
    return render(
        request, "cqp/habilitation_renew.html", {"form": form, "habilitation": habilitation}
    )


@secretariat_required
@require_http_methods(["GET", "POST"])
def habilitation_revoke(request, pk):
    habilitation = selectors.habilitation_get(user=request.user, pk=pk)
    form = HabilitationRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.habilitation_revoke(
                habilitation=habilitation, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Habilitation de %s révoquée.") % habilitation.user)
            return redirect("habilitation_list")
    return render(
        request, "cqp/habilitation_revoke.html", {"form": form, "habilitation": habilitation}
    )
