"""What the secretariat can flag as missing on a VAE request, when it asks for completion.

Each item has a stable code: `field:<name>` (a field of partie 2), `experiences` (a period
not declared), `experience:<pk>` (the details of a declared period), `proof:identite` (the
identity document), `proof:experience:<pk>` (the proofs of a period). A decision stores
its items as `[{"code": ..., "label": ...}]`, so that an item stays readable after the
period it names was changed or deleted.

A decision is taken on the request the decider read: `resubmitted_meanwhile` refuses one
from a page shown before the request was sent back and submitted again.
"""

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cqp.exceptions import ConcurrentChange

from .guards import PARTIE_2_FIELDS

FIELD = "field:"
EXPERIENCES = "experiences"
EXPERIENCE = "experience:"
IDENTITY = "proof:identite"
PROOFS = "proof:experience:"


def period_name(period) -> str:
    """« Assistante de formation — Formapro (du 01/01/2020 au 31/12/2022) »."""
    start = period.start_date.strftime("%d/%m/%Y")
    if period.end_date:
        span = _("du %(start)s au %(end)s") % {
            "start": start,
            "end": period.end_date.strftime("%d/%m/%Y"),
        }
    else:
        span = _("depuis le %(start)s") % {"start": start}
    return f"{period.job_title} — {period.employer} ({span})"


def completion_items(experiences) -> list[tuple[str, str]]:
    """(code, French label) of everything that can be flagged on a request whose declared
    periods are `experiences`: partie 2's fields, the identity document, a missing period,
    then each period's details and proofs."""
    items = [(f"{FIELD}{name}", capfirst(str(label))) for name, label in PARTIE_2_FIELDS.items()]
    items.append((IDENTITY, _("Pièce d'identité")))
    items.append((EXPERIENCES, _("Déclarer une période d'expérience manquante")))
    for period in experiences:
        name = period_name(period)
        items.append(
            (f"{EXPERIENCE}{period.pk}", _("Détails de la période %(period)s") % {"period": name})
        )
        items.append(
            (
                f"{PROOFS}{period.pk}",
                _("Justificatifs de la période %(period)s") % {"period": name},
            )
        )
    return items


def stored(codes, experiences) -> list[dict]:
    """The items to record for the ticked `codes`, in the list's order; ValueError naming a
    code that is not an item of this request."""
    labels = dict(completion_items(experiences))
    unknown = set(codes) - set(labels)
    if unknown:
        raise ValueError(sorted(unknown))
    return [{"code": code, "label": label} for code, label in labels.items() if code in codes]


def labels(items) -> list[str]:
    """The labels of stored items (as they were when the decision was taken)."""
    return [item.get("label") or item.get("code", "") for item in items or ()]


def anchor(code: str) -> str:
    """Where partie 2's page shows the item (a fragment of vae_request.html)."""
    if code.startswith(FIELD):
        return f"id_{code.removeprefix(FIELD)}"
    if code.startswith(PROOFS):
        return f"periode-{code.removeprefix(PROOFS)}"
    if code.startswith(EXPERIENCE):
        return f"periode-{code.removeprefix(EXPERIENCE)}"
    if code == IDENTITY:
        return "justificatifs"
    return "experiences"


def flags(items) -> dict:
    """What partie 2's page marks, from the stored items of a request for completion:
    `items` (label and anchor each), the flagged `fields` (names), the periods whose
    `details` or `proofs` are flagged (pks), and whether `identity` or a new period
    (`experiences`) is asked for."""
    codes = [item.get("code", "") for item in items or ()]

    def pks(prefix):
        return {int(c.removeprefix(prefix)) for c in codes if c.startswith(prefix)}

    return {
        "items": [
            {"code": item.get("code", ""), "label": label, "anchor": anchor(item.get("code", ""))}
            for item, label in zip(items or (), labels(items), strict=True)
        ],
        "fields": {c.removeprefix(FIELD) for c in codes if c.startswith(FIELD)},
        "details": pks(EXPERIENCE),
        "proofs": pks(PROOFS),
        "identity": IDENTITY in codes,
        "experiences": EXPERIENCES in codes,
    }


def resubmitted_meanwhile(candidacy, seen_decisions: int | None) -> None:
    """ConcurrentChange when decisions were taken on the request since the user's page was
    shown (`seen_decisions` of them then): it was sent back for completion and submitted
    again, so the user has not read what they would decide on."""
    if seen_decisions is None:
        return
    if candidacy.recevabilite_decisions.count() != seen_decisions:
        raise ConcurrentChange(
            _(
                "Cette demande a été renvoyée pour compléments puis envoyée de nouveau depuis "
                "que vous l'avez ouverte : relisez-la avant de décider. Rien n'a été "
                "enregistré de votre côté."
            )
        )
