import html

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth import forms as auth_forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from . import limits
from .models import (
    HabilitationKind,
    HabilitationStatus,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _escaped(value) -> str:
    """As Django's conditional_escape, without its lazy-string wrapper (called per option)."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value), quote=True)


class FastSelect(forms.Select):
    """A select whose options are written in Python rather than through one template per
    option: the same HTML as Django's widget (tests/cqp/test_fast_select.py), several times
    faster for a long list (every organisation in the statistics' filter at 100,000
    candidacies: Django's templates took 20 ms a list)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Read once, and through iter(): a ModelChoiceField's choices are a query at each
        # reading, and list() would count them first.
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return self._render_groups(name, value, attrs)
        # A flat list: the options straight from the choices, selected as Django's
        # optgroups selects them (the first equal to the value), without the dictionary
        # Django builds for each option (2 ms for a list of 450).
        values = self.format_value(value)
        parts = [f'<select name="{_escaped(name)}"']
        parts.append(
            flatatt(
                {k: v for k, v in self.build_attrs(self.attrs, attrs).items() if v is not False}
            )
        )
        parts.append(">")
        has_selected = False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not has_selected and option_value in values
            has_selected |= selected
            parts.append(
                f'<option value="{_escaped(option_value)}"{" selected" if selected else ""}>'
                f"{_escaped(label)}</option>"
            )
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)

    def _render_groups(self, name, value, attrs):
        context = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_escaped(context["name"])}"']
        parts.append(flatatt({k: v for k, v in context["attrs"].items() if v is not False}))
        parts.append(">")
        for group_name, group, _index in context["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{_escaped(group_name)}">')
            for option in group:
                extra = {k: v for k, v in option["attrs"].items() if k != "selected"}
                parts.append(
                    f'<option value="{_escaped(option["value"])}"'
                    f"{' selected' if option['selected'] else ''}"
                    f"{flatatt(extra) if extra else ''}>{_escaped(option['label'])}</option>"
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)


class EmailField(forms.EmailField):
    default_error_messages = {"invalid": _("Saisissez une adresse e-mail valide.")}


class LockToldMixin:
    """For a login form: a refusal by cqp.limits (too many failures) says so, in French."""

    @property
    def locked_out(self) -> bool:
        return getattr(self.request, "axes_locked_out", False)

    def get_invalid_login_error(self):
        if self.locked_out:
            return forms.ValidationError(limits.lock_message(self.request), code="locked")
        return super().get_invalid_login_error()


class LoginForm(LockToldMixin, auth_forms.AuthenticationForm):
    username = EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("Adresse e-mail ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé. Contactez le secrétariat de la CPEF."),
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        self.user_cache = authenticate(self.request, username=email, password=password)
        if self.user_cache is None:
            # The default backend refuses inactive accounts outright; tell the owner why,
            # but only once they have proved they know the password (and are not locked out).
            user = User.objects.filter(email__iexact=email, is_active=False).first()
            if user is not None and not self.locked_out and user.check_password(password):
                raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
            raise self.get_invalid_login_error()
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(LockToldMixin, AdminAuthenticationForm):
    """The back-office's login form (admin.site.login_form), under the same limits."""


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Typing the current password re-authenticates: limited like a login (cqp.limits)."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        with limits.reauthentication(self.request):
            return super().clean_old_password()


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "city", "is_active"]
        help_texts = {"siret": _("14 chiffres, espaces acceptés.")}


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Recherche"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom, SIRET ou ville")}),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types"))] + OrganisationKind.choices,
    )


class HabilitationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Personne"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Nom ou e-mail")}),
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=[("", _("Tous les types"))] + HabilitationKind.choices,
    )
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts"))] + HabilitationStatus.choices,
    )


class HabilitationGrantForm(forms.Form):
    email = EmailField(label=_("Adresse e-mail de la personne"))
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire si la personne n'a pas encore de compte."),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire si la personne n'a pas encore de compte."),
    )
    kind = forms.ChoiceField(label=_("Type d'habilitation"), choices=HabilitationKind.choices)
    valid_from = forms.DateField(label=_("Valable du"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valable jusqu'au"), widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error(
                "valid_until", _("La fin de validité doit être postérieure ou égale au début.")
            )
        return cleaned


class HabilitationRenewForm(forms.Form):
    valid_until = forms.DateField(label=_("Nouvelle date de fin de validité"), widget=DateInput())


class HabilitationRevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de la révocation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class InvitationForm(forms.Form):
    email = EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(
        label=_("Rôle dans l'organisation"),
        choices=MembershipRole.choices,
        initial=MembershipRole.CANDIDAT,
    )


class NewAccountForm(forms.Form):
    """Name and a new password (typed twice, checked by the password validators)."""

    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirmation du mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def account_email(self, cleaned) -> str:
        return cleaned.get("email", "")

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif p1:
            user = User(
                email=self.account_email(cleaned),
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class InvitationAcceptForm(NewAccountForm):
    def __init__(self, *args, email, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def account_email(self, cleaned) -> str:
        return self.email
