"""What the shared form templates ask of a form (templates/includes/form_fields.html and
error_summary.html)."""

from django import template

register = template.Library()


@register.filter
def error_count(form) -> int:
    """Every error of the form: its fields' (hidden ones included) and its own."""
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def has_required(form) -> bool:
    """A visible field of the form is required (its label then carries the asterisk)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def error_anchor(field) -> str:
    """The id a summary's link to `field` points at: the field's own `error_anchor` when its
    form sets one (a list of boxes drawn by its page), else its label's target, else its
    first choice's (a list of radios or boxes has no single label target)."""
    return getattr(field.field, "error_anchor", "") or field.id_for_label or f"{field.auto_id}_0"


@register.filter
def summary_label(field) -> str:
    """How the summary names `field`: its `summary_label` when its label alone is ambiguous on
    the page (« Motivation » repeated per competence), else its label."""
    return getattr(field.field, "summary_label", "") or field.label
