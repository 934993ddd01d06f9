"""Writes on the candidate's civil identity, the one printed on a certificate and reported
to the national register: declared by the candidate (asked when their dossier is
transmitted to the jury), checked by the secretariat at instruction. A dossier is placed on
a jury session only once its candidate's identity is checked (jury.services).

The candidate corrects it until it is checked; after that, only the secretariat changes it,
and a change clears the check (the secretariat checks it again).
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cqp.models import User
from cqp.utils import add_months

from . import permissions
from .models import Candidate

# The fields of the identity form, in the order of the form.
FIELDS = (
    "civility",
    "birth_name",
    "used_name",
    "first_names",
    "birth_date",
    "birth_place",
    "birth_country",
)
# A candidate to a CQP works or trains in the branch: an age outside these bounds on the day
# of the declaration is a typing error (a year typed wrong), not a person.
MIN_AGE_YEARS = 14
MAX_AGE_YEARS = 100


def _tidy(value):
    """Names as typed, without the spaces around and between words doubled."""
    return " ".join(value.split()) if isinstance(value, str) else value


def birth_date_error(
    birth_date: datetime.date | None, *, today: datetime.date, of: str | None = None
) -> str:
    """Why a date of birth is not plausible (French), or "". Written for the reader: to the
    candidate (« vous auriez ») unless `of` names the candidate someone else is typing for."""
    if birth_date is None:
        return ""
    if birth_date > today:
        return _("La date de naissance ne peut pas être dans le futur.")
    if birth_date > add_months(today, -12 * MIN_AGE_YEARS):
        if of:
            return _(
                "Cette date de naissance n'est pas plausible : %(name)s aurait moins de %(n)d "
                "ans. Vérifiez l'année."
            ) % {"name": of, "n": MIN_AGE_YEARS}
        return _(
            "Cette date de naissance n'est pas plausible : vous auriez moins de %(n)d ans. "
            "Vérifiez l'année."
        ) % {"n": MIN_AGE_YEARS}
    if birth_date < add_months(today, -12 * MAX_AGE_YEARS):
        if of:
            return _(
                "Cette date de naissance n'est pas plausible : %(name)s aurait plus de %(n)d "
                "ans. Vérifiez l'année."
            ) % {"name": of, "n": MAX_AGE_YEARS}
        return _(
            "Cette date de naissance n'est pas plausible : vous auriez plus de %(n)d ans. "
            "Vérifiez l'année."
        ) % {"n": MAX_AGE_YEARS}
    return ""


def identity_errors(fields: dict, *, today: datetime.date, of: str | None = None) -> dict[str, str]:
    """The problems of an identity, by field (French); empty when it can be stored. `of`:
    as for birth_date_error."""
    errors = {}
    labels = {name: Candidate._meta.get_field(name).verbose_name for name in FIELDS}
    for name in Candidate.IDENTITY_FIELDS:
        if not fields.get(name):
            errors[name] = _("Renseignez ce champ : « %(field)s » figure sur le certificat.") % {
                "field": labels[name]
            }
    problem = birth_date_error(fields.get("birth_date"), today=today, of=of)
    if problem:
        errors["birth_date"] = problem
    return errors


def identity_problem(candidate: Candidate) -> str:
    """Why the candidate's identity keeps their dossier from the jury (a French noun phrase),
    or "" once it is checked."""
    missing = candidate.identity_missing
    if candidate.identity_checked_at is not None and not missing:
        return ""
    if candidate.identity_declared_at is None:
        return _("état civil non déclaré par le candidat")
    if missing:
        return _("état civil incomplet : %(fields)s à renseigner") % {"fields": ", ".join(missing)}
    return _("état civil déclaré le %(day)s, pas encore vérifié par le secrétariat") % {
        "day": formats.date_format(timezone.localtime(candidate.identity_declared_at), "d/m/Y")
    }


def identity_declare(*, candidate: Candidate, by: User, **fields) -> Candidate:
    """The candidate (until the check) or the secretariat records the civil identity.

    The used name is kept only when it differs from the birth name. Side effects: sets
    `identity_declared_at` when something changed; a change made after the secretariat's
    check clears the check.
    """
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown identity fields: {sorted(unknown)}")
    if not permissions.can_edit_identity(candidate, by):
        raise PermissionDenied
    values = {name: _tidy(fields.get(name, getattr(candidate, name))) for name in FIELDS}
    values["civility"] = values["civility"] or ""
    if (values["used_name"] or "").casefold() == (values["birth_name"] or "").casefold():
        values["used_name"] = ""
    of = None if by.pk == candidate.user_id else str(candidate)
    errors = identity_errors(values, today=timezone.localdate(), of=of)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        # Checked meanwhile by the secretariat: the candidate may no longer change it.
        if not permissions.can_edit_identity(candidate, by):
            raise PermissionDenied
        changed = [name for name in FIELDS if getattr(candidate, name) != values[name]]
        for name in changed:
            setattr(candidate, name, values[name])
        candidate.full_clean(exclude=["user"])
        update = list(changed)
        if changed or candidate.identity_declared_at is None:
            candidate.identity_declared_at = timezone.now()
            update.append("identity_declared_at")
        if changed and candidate.identity_checked_at is not None:
            candidate.identity_checked_at = None
            candidate.identity_checked_by = None
            update += ["identity_checked_at", "identity_checked_by"]
        candidate.save(update_fields=update)
    return candidate


def identity_check(*, candidate: Candidate, by: User, seen: str = "") -> Candidate:
    """The secretariat has checked the declared identity against a proof (at instruction).

    Refused while a field the certificate needs is empty, naming them, and when the identity
    was declared again after the page was shown (`seen`: its `identity_declared_at` then, in
    ISO format): what is checked is what was read. Side effects: sets
    `identity_checked_at` and `identity_checked_by`.
    """
    if not permissions.can_check_identity(by):
        raise PermissionDenied
    with transaction.atomic():
        candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
        missing = candidate.identity_missing
        if candidate.identity_declared_at is None or missing:
            raise ValidationError(
                _("L'état civil ne peut pas être vérifié : il manque %(fields)s.")
                % {"fields": ", ".join(missing) or _("la déclaration")}
            )
        if seen and seen != candidate.identity_declared_at.isoformat():
            raise ValidationError(
                _(
                    "L'état civil a été modifié depuis l'affichage de la page : relisez-le "
                    "avant de le marquer comme vérifié."
                )
            )
        candidate.identity_checked_at = timezone.now()
        candidate.identity_checked_by = by
        candidate.save(update_fields=["identity_checked_at", "identity_checked_by"])
    return candidate
