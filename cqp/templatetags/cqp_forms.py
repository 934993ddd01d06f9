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
