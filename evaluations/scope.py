"""What is still to validate at the date of an act, and what of it lacks a signed result.

What the evaluation covers is computed at the date of each act that relies on it (opening
or reopening the dossier, placing the candidacy on a session, recording the decision): a
validation that lapses in between puts its competence back in scope, and a competence in
scope needs a result signed by both evaluators after its last validation (a result that
led to that validation does not count twice).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from candidates.models import Candidacy, CompetenceValidation
from cqp.models import Competence

from .models import CompetenceAssessment


@dataclass(frozen=True)
class Gap:
    """A competence in scope on a date without a result signed since its last validation;
    `lapsed_on` is the last day of that validation, if it had one."""

    competence: Competence
    lapsed_on: datetime.date | None

    def message(self, *, session_date: datetime.date | None = None) -> str:
        code = self.competence.code
        if self.lapsed_on is None:
            return _(
                "la compétence %(code)s n'a pas de résultat signé par les deux évaluateurs"
            ) % {"code": code}
        values = {"code": code, "end": formats.date_format(self.lapsed_on, "d/m/Y")}
        if session_date is None:
            return (
                _(
                    "la validation de la compétence %(code)s a pris fin le %(end)s : "
                    "elle doit être évaluée et signée"
                )
                % values
            )
        values["session"] = formats.date_format(session_date, "d/m/Y")
        return (
            _(
                "la validation de la compétence %(code)s a pris fin le %(end)s, avant la "
                "session du %(session)s : elle doit être évaluée et signée"
            )
            % values
        )


def _signed_on(assessment: CompetenceAssessment) -> datetime.date:
    return max(assessment.professionnel_signed_at, assessment.evaluateur_signed_at).date()


def in_force(validations: Iterable[CompetenceValidation], on: datetime.date) -> set[int]:
    """The competences (ids) whose validation among `validations` runs on `on` (both ends
    included): they are not in scope that day."""
    return {v.competence_id for v in validations if v.validated_on <= on <= v.valid_until}


def gaps(
    candidacy: Candidacy,
    on: datetime.date,
    *,
    competences: Iterable[Competence] | None = None,
    validations: Iterable[CompetenceValidation] | None = None,
    assessments: Iterable[CompetenceAssessment] | None = None,
) -> list[Gap]:
    """The competences of the candidacy's certification still to validate on `on` that have
    no result signed by both evaluators (in any cycle of the candidacy) after the day of
    their last validation. The iterables, when given (prefetched for a list), are the
    certification's competences, the candidate's validations and the candidacy's
    assessments; otherwise they are read."""
    if competences is None:
        competences = candidacy.certification.competences.order_by("number")
    if validations is None:
        validations = CompetenceValidation.objects.filter(candidate_id=candidacy.candidate_id)
    if assessments is None:
        assessments = CompetenceAssessment.objects.filter(dossier__candidacy=candidacy)
    validations = list(validations)
    running, last = in_force(validations, on), {}
    for v in validations:
        if v.validated_on <= on and (
            v.competence_id not in last or last[v.competence_id].validated_on < v.validated_on
        ):
            last[v.competence_id] = v
    signed = {}
    for a in assessments:
        if a.fully_signed:
            signed[a.competence_id] = max(_signed_on(a), signed.get(a.competence_id, _signed_on(a)))
    result = []
    for competence in sorted(competences, key=lambda c: c.number):
        if competence.pk in running:
            continue
        previous = last.get(competence.pk)
        since = previous.validated_on if previous else None
        when = signed.get(competence.pk)
        if when is None or (since is not None and when <= since):
            result.append(Gap(competence, previous.valid_until if previous else None))
    return result
