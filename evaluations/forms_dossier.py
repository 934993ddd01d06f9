"""Forms of the candidate's part of the evaluation dossier. They only shape input: the
services decide what is allowed and check the files by their content."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cqp import uploads
from cqp.forms_upload import UploadForm
from cqp.models import Competence

from .evidence import KINDS, MAX_FILES_PER_COMPETENCE
from .models import ACCOUNT_MAX_LENGTH


class MultilineField(forms.CharField):
    """Browsers send line breaks as CRLF but count them as one character against
    `maxlength`: store LF so that a text the browser accepted is never refused as too long."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


class AccountForm(forms.Form):
    text = MultilineField(
        label=_("Activités et situations professionnelles qui montrent cette compétence"),
        max_length=ACCOUNT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Décrivez ce que vous avez fait, dans quel contexte, avec quels outils et pour qui "
            "(5 000 caractères au maximum)."
        ),
    )


class EvidenceForm(UploadForm, AccountForm):
    """A file and the account typed beside it (one <form> per competence holds both). The
    service checks them together, so that a refused text and a refused file are told at once
    and nothing is stored unless both are accepted."""

    # A missing file must not block the browser from saving the account (the same <form>'s
    # other button), so the server alone says what is required.
    use_required_attribute = False

    competence = forms.ModelChoiceField(
        queryset=Competence.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Cette compétence n'est pas évaluée dans ce dossier."),
            "invalid_choice": _("Cette compétence n'est pas évaluée dans ce dossier."),
        },
    )
    file = forms.FileField(
        label=_("Joindre une pièce justificative"),
        # The service refuses empty files with its own message, like every other refusal.
        allow_empty_file=True,
        widget=forms.FileInput(attrs={"accept": uploads.accept_attribute(KINDS)}),
        error_messages={"required": _("Choisissez un fichier.")},
    )

    def __init__(self, *args, competences, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].validators = []  # checked by the service, with the file
        self.fields["competence"].queryset = competences
        self.fields["file"].help_text = gettext(
            "Formats acceptés : %(formats)s. %(size)d Mo au maximum par fichier, "
            "%(count)d fichiers au maximum par compétence."
        ) % {
            "formats": uploads.labels(KINDS),
            "size": uploads.MAX_SIZE // (1024 * 1024),
            "count": MAX_FILES_PER_COMPETENCE,
        }
