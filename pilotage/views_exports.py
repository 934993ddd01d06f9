"""The exports (/exports/<dataset>.<fmt>), their log (/exports/), the list of holders
(/titulaires/) and the register file of a jury session (/jury/sessions/<pk>/registre.<fmt>).

An export is offered to whoever sees the list it comes from and steers (the secretariat; a
gestionnaire for their organisations): anybody else, an unknown dataset or format, and a
filter naming an organisation or a session the user may not see answer 404.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cqp.decorators import secretariat_required
from cqp.utils import paginate
from jury.selectors import session_get

from . import register, selectors, services
from .exports import DATASETS
from .filters import ORGANISATIONS_SUGGESTED, HolderFilterForm, organisations_named
from .models import Dataset, ExportFormat
from .writers import file_response


def _format(fmt: str) -> str:
    if fmt not in ExportFormat.values:
        raise Http404
    return fmt


@require_GET
@login_required
def export(request, dataset, fmt):
    spec = DATASETS.get(dataset)
    if spec is None or not spec.may_export(request.user):
        raise Http404
    _format(fmt)
    filters = spec.filter_form(request.GET, request.user)
    if not filters.is_valid():
        context = {"filters": filters, "dataset": Dataset(dataset)}
        return render(request, "pilotage/export_invalid.html", context, status=400)
    record = services.export_start(
        user=request.user, dataset=dataset, fmt=fmt, filters=filters.recorded()
    )
    return file_response(
        fmt,
        spec.columns,
        spec.rows(request.user, filters.cleaned_data),
        filename=f"{dataset}-{timezone.localdate():%Y-%m-%d}",
        sheet=spec.sheet,
        on_end=lambda count: services.export_finish(record=record, row_count=count),
    )


@require_GET
@secretariat_required
def export_list(request):
    dataset = request.GET.get("dataset", "")
    if dataset not in Dataset.values:
        dataset = ""
    return render(
        request,
        "pilotage/export_list.html",
        {
            "page": paginate(request, selectors.export_list(dataset=dataset)),
            "datasets": Dataset.choices,
            "dataset": dataset,
        },
    )


@require_GET
@login_required
def holder_list(request):
    if not selectors.may_steer(request.user):
        raise Http404
    filters = HolderFilterForm(request.GET, user=request.user)
    filters.is_valid()
    cleaned = filters.cleaned_data
    holders = selectors.holder_list(
        user=request.user,
        kind=cleaned.get("kind", ""),
        session=cleaned.get("session"),
        session_date=cleaned.get("session_date"),
        organisation=cleaned.get("organisation"),
        status=cleaned.get("status", ""),
        q=cleaned.get("q", ""),
    )
    return render(
        request,
        "pilotage/holder_list.html",
        {
            "filters": filters,
            "page": paginate(request, holders, by_key=True),
            "filtered": any(cleaned.values()) or bool(filters.errors),
        },
    )


@require_GET
@login_required
def organisation_suggestions(request):
    """The names of the organisations whose holders the user sees that hold `q` (two
    characters at least), for the holders' filter as it is typed: JSON, a list of names."""
    if not selectors.may_steer(request.user):
        raise Http404
    text = request.GET.get("q", "").strip()[:200]
    if len(text) < 2:
        return JsonResponse([], safe=False)
    found = organisations_named(request.user, text).values_list("name", flat=True)
    return JsonResponse(list(found[:ORGANISATIONS_SUGGESTED]), safe=False)


@require_GET
@secretariat_required
def session_register(request, pk, fmt):
    session = session_get(user=request.user, pk=pk)
    _format(fmt)
    holders = selectors.register_holders(session=session)
    missing = register.problems(session, holders)
    if missing:
        context = {"session": session, "problems": missing}
        return render(request, "pilotage/holder_register_refused.html", context, status=403)
    record = services.export_start(
        user=request.user, dataset=Dataset.REGISTRE, fmt=fmt, filters={"session": str(pk)}
    )
    ids = [c.pk for c in holders]
    return file_response(
        fmt,
        register.COLUMNS,
        map(register.row, register.holders_with_validations(session, holders)),
        filename=f"registre-session-{session.date:%Y-%m-%d}",
        sheet=_("Registre"),
        on_end=lambda count: services.register_reported(record=record, certificate_ids=ids),
    )
