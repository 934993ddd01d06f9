from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image

from . import services_issuer
from .forms_upload import UploadForm
from .models import Issuer
from .uploads import JPEG, PNG, UploadRefused, accept_attribute, check_upload

LOGO_KINDS = (PNG, JPEG)
# A logo is printed 16 mm high: a few hundred kilobytes are plenty.
MAX_LOGO_SIZE = 2 * 1024 * 1024
# Past this, an image only weighs down every document it is printed on.
MAX_LOGO_PIXELS = 4_000_000


class IssuerForm(UploadForm, forms.ModelForm):
    """The issuer's identity and signatories; the logo is judged by its content (PNG or JPEG:
    an SVG could carry scripts and external references, and is refused)."""

    logo_upload = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy(
            "Image PNG ou JPEG de 2 Mo au plus, imprimée en tête de chaque document officiel."
        ),
    )
    remove_logo = forms.BooleanField(
        label=gettext_lazy("Retirer le logo (les documents portent alors le sigle)"),
        required=False,
    )

    class Meta:
        model = Issuer
        fields = list(services_issuer.FIELDS)  # what the service records
        # The model's verbose names end with « : nom », which the label's colon would double.
        labels = {
            "president_name": gettext_lazy("Nom du président ou de la présidente"),
            "president_title": gettext_lazy("Qualité du président ou de la présidente"),
            "vice_president_name": gettext_lazy("Nom du vice-président ou de la vice-présidente"),
            "vice_president_title": gettext_lazy(
                "Qualité du vice-président ou de la vice-présidente"
            ),
        }
        help_texts = {
            "president_title": gettext_lazy(
                "Imprimée sous le nom, par exemple « Président de la CPEF »."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logo_upload"].widget.attrs["accept"] = accept_attribute(LOGO_KINDS)
        for name in ("president_name", "vice_president_name"):
            self.fields[name].required = True
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        if upload.size > MAX_LOGO_SIZE:
            raise forms.ValidationError(
                _("Le logo dépasse %(max)d Mo : réduisez l'image.")
                % {"max": MAX_LOGO_SIZE // (1024 * 1024)}
            )
        try:
            checked = check_upload(upload, accepted=LOGO_KINDS)
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal
        with Image.open(upload) as image:
            too_large = image.width * image.height > MAX_LOGO_PIXELS
        upload.seek(0)
        if too_large:
            raise forms.ValidationError(
                _("Le logo compte plus de %(max)d millions de pixels : réduisez l'image.")
                % {"max": MAX_LOGO_PIXELS // 1_000_000}
            )
        upload.checked_extension = checked.extension
        return upload

    def _post_clean(self):
        # The model is validated by the service, on the row it locks.
        pass
