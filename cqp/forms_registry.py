from django import forms

from .models import Certification


class CertificationRegistryForm(forms.ModelForm):
    """The register, code and level. Parsed only: the code is validated by the service (the
    model's validators and clean), after it is put in capitals without spaces (« rncp 12345 »
    is accepted)."""

    class Meta:
        model = Certification
        fields = ["registry", "registry_code", "registry_level"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registry_code"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false"}
        )

    def _post_clean(self):
        # The model is validated by the service, on the row it locks.
        pass
