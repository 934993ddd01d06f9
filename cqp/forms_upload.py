"""The base of every form that takes a file."""

from collections.abc import Mapping

from django import forms


class UploadForm(forms.Form):
    """A form with file fields. `refused` maps the file fields that the upload handler stopped
    reading to why (`cqp.uploads.refusals(request)`): each is refused beside its field, not
    reported missing, and the fields sent before it are validated as usual."""

    def __init__(self, *args, refused: Mapping[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused = {name: why for name, why in (refused or {}).items() if name in self.fields}
        for name in self.refused:
            self.fields[name].required = False

    def clean(self):
        cleaned_data = super().clean()
        for name, why in self.refused.items():
            self.add_error(name, why)
        return cleaned_data
