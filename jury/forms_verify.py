"""The public check of an uploaded PDF: is it the sealed original of one of our documents?"""

from django import forms
from django.utils.translation import gettext_lazy as _

from cqp import uploads
from cqp.forms_upload import UploadForm


class VerifyUploadForm(UploadForm):
    """A PDF, read in memory and judged whole (cqp.uploads); never stored."""

    document = forms.FileField(
        label=_("Document PDF à vérifier"),
        # The upload checks refuse an empty file with their own message.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": uploads.accept_attribute([uploads.PDF])}),
        error_messages={"required": _("Choisissez le fichier PDF à vérifier.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "Le certificat, l'attestation, la fiche de décision ou le procès-verbal tel que vous "
            "l'avez reçu (PDF, %(size)d Mo au maximum). Le fichier est vérifié puis oublié : "
            "il n'est pas conservé."
        ) % {"size": uploads.MAX_SIZE // (1024 * 1024)}

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if upload is None:  # refused by the upload handler: the reason is added by clean()
            return None
        try:
            uploads.check_upload(upload, accepted=[uploads.PDF])
        except uploads.UploadRefused as error:
            raise forms.ValidationError(str(error), code="refused") from error
        return upload
