"""`{% export_links "dataset" %}`: a list page's « Exporter » links, with its current filters,
for whoever may export that dataset (no query: see selectors.may_steer)."""

from django import template

from ..exports import DATASETS

register = template.Library()


@register.inclusion_tag("pilotage/export_links.html", takes_context=True)
def export_links(context, dataset: str) -> dict:
    request = context["request"]
    spec = DATASETS[dataset]
    return {"request": request, "dataset": dataset, "allowed": spec.may_export(request.user)}
