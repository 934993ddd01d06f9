"""Conflicts of interest: a jury member does not deliberate on a candidacy of an organisation
they belong to (any role), nor on one they supported or assessed (its professionnel du
secteur or évaluateur externe, or a signer of one of its assessments).

A recused member does not count in that deliberation's quorum and cannot preside over it;
recusals are shown on the deliberation pages and printed on the fiche and the PV. Computed
for a whole session in a fixed number of queries.
"""

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import OuterRef
from django.utils.translation import gettext as _

from cqp.models import Membership
from cqp.utils import CompiledQuery, JSONRows
from evaluations.models import CompetenceAssessment
from evaluations.selectors import assessment_signers

from .models import Deliberation, JuryMember, Seat


@dataclass
class Recusal:
    """A member recused on one candidacy, and why (French phrases)."""

    member: JuryMember
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return " ; ".join(self.reasons)


def candidacies_recusals(
    candidacies: Iterable,
    members: Iterable[JuryMember],
    *,
    signers: dict | None = None,
    organisations: dict | None = None,
) -> dict[int, list[Recusal]]:
    """Per candidacy id, the members recused on it (in the order of `members`). Two queries,
    however many candidacies and members; none for what the caller read: `signers` (per
    candidacy id, the ids of the users who signed one of its assessments, of any cycle),
    `organisations` (per member's user id, the ids of their organisations)."""
    candidacies, members = list(candidacies), list(members)
    if not candidacies or not members:
        return {}
    by_user = {m.user_id: m for m in members}
    if organisations is None:
        belongs = set(
            Membership.objects.filter(
                user_id__in=by_user,
                organisation_id__in={c.organisation_id for c in candidacies if c.organisation_id},
            ).values_list("user_id", "organisation_id")
        )
    else:
        belongs = {(user, org) for user, orgs in organisations.items() for org in orgs}
    if signers is None:
        signers = defaultdict(set)
        for candidacy_id, professionnel_id, evaluateur_id in CompetenceAssessment.objects.filter(
            dossier__candidacy_id__in=[c.pk for c in candidacies]
        ).values_list("dossier__candidacy_id", "professionnel_signed_by", "evaluateur_signed_by"):
            signers[candidacy_id].update({professionnel_id, evaluateur_id})
    result = {}
    for candidacy in candidacies:
        signed = set(signers.get(candidacy.pk, ())) & by_user.keys()
        recused = []
        for member in members:
            reasons = _reasons(member, candidacy, belongs, signed)
            if reasons:
                recused.append(Recusal(member=member, reasons=reasons))
        result[candidacy.pk] = recused
    return result


def _reasons(member, candidacy, belongs, signers) -> list[str]:
    reasons = []
    if (member.user_id, candidacy.organisation_id) in belongs:
        reasons.append(_("membre de l'organisation de la candidature"))
    if member.user_id == candidacy.professionnel_id:
        reasons.append(_("professionnel du secteur de la candidature"))
    if member.user_id == candidacy.evaluateur_id:
        reasons.append(_("évaluateur externe de la candidature"))
    if member.user_id in signers and not reasons:
        reasons.append(_("a signé l'évaluation de la candidature"))
    return reasons


# Compiled once (cqp.utils.CompiledQuery): every page of a session's deliberations asks.
_seats = CompiledQuery(
    Seat,
    lambda session_pk: (
        Seat.objects.filter(session_id=session_pk)
        .select_related("member__user", "member__mandating_organisation")
        .annotate(
            organisations=JSONRows(
                Membership.objects.filter(user_id=OuterRef("member__user_id"))
                .order_by()
                .values("organisation_id")
            )
        )
    ),
)


def _seated(session) -> tuple[list[JuryMember], dict]:
    """The members seated on `session`, and per member's user id the ids of their
    organisations (read with the seats: a member belongs to a few)."""
    seats = _seats(session.pk)
    members, organisations = [], {}
    for seat in seats:
        members.append(seat.member)
        organisations[seat.member.user_id] = {
            row["organisation_id"] for row in json.loads(seat.organisations)
        }
    return members, organisations


def session_recusals(
    session, deliberations: Iterable[Deliberation] | None = None, *, signers: dict | None = None
) -> dict:
    """Per deliberation id, the seated members recused on its candidacy: for `deliberations`
    of the session (all of them by default). Two queries (the seats with their members'
    organisations, the signers), one with `signers` (as `candidacies_recusals`)."""
    if deliberations is None:
        deliberations = session.deliberations.select_related("candidacy")
    deliberations = list(deliberations)
    members, organisations = _seated(session)
    by_candidacy = candidacies_recusals(
        [d.candidacy for d in deliberations], members, signers=signers, organisations=organisations
    )
    return {d.pk: by_candidacy.get(d.candidacy_id, []) for d in deliberations}


def recusals(deliberation: Deliberation) -> list[Recusal]:
    """The members seated on the deliberation's session recused on its candidacy (its signers
    read with its assessments, which the fiche reads anyway)."""
    signers = {deliberation.candidacy_id: assessment_signers(deliberation.candidacy_id)}
    return session_recusals(deliberation.session, [deliberation], signers=signers)[deliberation.pk]


def recused_ids(deliberation: Deliberation) -> set[int]:
    return {r.member.pk for r in recusals(deliberation)}


def is_recused(member: JuryMember, candidacy) -> bool:
    """Whether `member` may not deliberate on `candidacy`."""
    return bool(candidacies_recusals([candidacy], [member])[candidacy.pk])
