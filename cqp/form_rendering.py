"""The project's form renderer (settings.FORM_RENDERER): Django's, whose bound fields write
their `<label>` in Python.

`field.label_tag` renders django/forms/label.html, which includes attrs.html: two templates
for each label, about 0.1 ms a field, on every page with a form (three filters above each
list, ten fields on an edit page). `BoundField.label_tag` writes the same markup as those
templates (tests/cqp/test_form_rendering.py compares them for every form of the project);
a form naming another label template keeps Django's way."""

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

DJANGO_LABEL = "django/forms/label.html"
# The punctuation that ends a label without its suffix: Django's message, which Django's
# catalogues translate (named here so that makemessages leaves it to them).
LABEL_ENDS = ":?.!"


class BoundField(forms.BoundField):
    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        if self.form.template_name_label != DJANGO_LABEL:
            return super().label_tag(contents, attrs, label_suffix, tag)
        # Django's BoundField.label_tag, to the context it gives the template.
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in gettext(LABEL_ENDS):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = attrs or {}
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        # The template's markup: `<{{ tag }}{% include attrs.html %}>{{ label }}</{{ tag }}>`.
        tag = escape(tag or "label")
        return mark_safe(  # noqa: S308 (each part escaped as the templates escape it)
            f"<{tag}{_attributes(attrs)}>{conditional_escape(contents)}</{tag}>"
        )


def _attributes(attrs) -> str:
    """django/forms/attrs.html: ` name="value"` each, ` name` for True, nothing for False;
    the value as `|stringformat:'s'` gives it (escaped unless safe)."""
    parts = []
    for name, value in (attrs or {}).items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {escape(name)}")
        else:
            text = f"{value}"
            shown = text if isinstance(value, SafeData) else escape(text)
            parts.append(f' {escape(name)}="{shown}"')
    return "".join(parts)


class Renderer(DjangoTemplates):
    bound_field_class = BoundField
