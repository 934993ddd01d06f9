"""The secretariat's instruction of the dossiers waiting for a session: the checks of each
dossier at the intended session date, computed for a page of candidacies in a constant
number of queries.

Each check says, in French, why it fails: the dossier's pieces (livret, or VAE parties 2 and
3), the mise en pratique (parcours), every competence in scope on that date assessed and
signed by both evaluators, each signer habilité on the day they signed, no validation
lapsing before the session (evaluations.scope: the rule session_add_candidacy applies), and
the candidate's civil identity declared and checked (session_add_candidacy requires it).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from candidates.enums import Pathway
from candidates.guards import PARTIE_2_FIELDS
from candidates.models import (
    Candidacy,
    CompetenceValidation,
    ReperageEntry,
    VaeActivity,
    VaeExperience,
)
from candidates.services_identity import identity_problem
from cqp.models import Competence, Habilitation, HabilitationKind
from evaluations import scope
from evaluations.models import CompetenceAssessment


@dataclass
class Check:
    """One check of a dossier: passed when it lists no problem."""

    label: str
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class Row:
    candidacy: Candidacy
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def problems(self) -> list[str]:
        return [problem for check in self.checks for problem in check.problems]


PIECES = gettext_lazy("Pièces du dossier")
PRACTICE = gettext_lazy("Mise en pratique")
SIGNED = gettext_lazy("Compétences évaluées et signées")
HABILITATIONS = gettext_lazy("Habilitation des signataires")
LAPSES = gettext_lazy("Validations en vigueur à la date de la session")
IDENTITY = gettext_lazy("État civil du candidat")


def _count(queryset, by: str) -> Coalesce:
    """How many rows of `queryset` (those of the outer candidacy), as a subquery grouped by
    `by`, of which there is one."""
    return Coalesce(Subquery(queryset.order_by().values(by).annotate(n=Count("pk")).values("n")), 0)


def annotate(queryset):
    """What the checks read of each candidacy, annotated: the livret entries assessed, the
    periods of partie 2, whether partie 3 has an activity. Counted by subqueries on their
    indexes, not by joining every entry and period to the page's rows then grouping them."""
    return queryset.select_related("vae_request").annotate(
        reperage_assessed=_count(
            ReperageEntry.objects.filter(candidacy=OuterRef("pk")).exclude(status=""),
            "candidacy",
        ),
        vae_periods=_count(
            VaeExperience.objects.filter(request__candidacy=OuterRef("pk")), "request"
        ),
        has_activities=Exists(VaeActivity.objects.filter(candidacy=OuterRef("pk"))),
    )


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "d/m/Y")


def _pieces(candidacy: Candidacy, elements: int) -> list[str]:
    if candidacy.pathway == Pathway.PARCOURS:
        missing = elements - candidacy.reperage_assessed
        if missing > 0:
            return [
                ngettext(
                    "livret de repérage incomplet : %(n)d élément sans appréciation",
                    "livret de repérage incomplet : %(n)d éléments sans appréciation",
                    missing,
                )
                % {"n": missing}
            ]
        return []
    request = getattr(candidacy, "vae_request", None)
    problems = []
    if request is None:
        problems.append(_("partie 2 du dossier de VAE absente"))
    else:
        for name, label in PARTIE_2_FIELDS.items():
            if not getattr(request, name).strip():
                problems.append(_("partie 2 : « %(field)s » non renseigné") % {"field": label})
        if not candidacy.vae_periods:
            problems.append(_("partie 2 : aucune expérience professionnelle déclarée"))
    if not candidacy.has_activities:
        problems.append(_("partie 3 du dossier de VAE absente"))
    return problems


def _practice(candidacy: Candidacy) -> list[str]:
    if candidacy.practice_confirmed_on is None:
        return [_("la mise en pratique en entreprise n'est pas confirmée")]
    return []


SIGNERS = (
    ("professionnel", HabilitationKind.PROFESSIONNEL),
    ("evaluateur", HabilitationKind.EVALUATEUR),
)


def _habilitations(results, habilitations, in_scope: set[int]) -> list[str]:
    """Each signature of the results that count (competences in scope) made by someone
    habilitated, of the right kind, on the day they signed; one line per signer and day,
    naming the competences."""
    unhabilitated = defaultdict(list)
    for assessment in sorted(results, key=lambda a: a.competence.number):
        if assessment.competence_id not in in_scope:
            continue
        for role, kind in SIGNERS:
            signer = getattr(assessment, f"{role}_signed_by_id")
            day = timezone.localdate(getattr(assessment, f"{role}_signed_at"))
            valid = any(
                h.kind == kind and h.is_valid_on(day) for h in habilitations.get(signer, ())
            )
            if not valid:
                name = getattr(assessment, f"{role}_signed_name") or _("le signataire")
                unhabilitated[(name, kind, day)].append(assessment.competence.code)
    return [
        _(
            "%(codes)s : %(name)s n'avait pas d'habilitation valable (%(kind)s) le %(day)s, "
            "jour de sa signature"
        )
        % {"codes": ", ".join(codes), "name": name, "kind": kind.label, "day": _date(day)}
        for (name, kind, day), codes in unhabilitated.items()
    ]


def rows(candidacies: list[Candidacy], *, on: datetime.date) -> list[Row]:
    """The checks of each candidacy (from `annotate`, with their certification) at the
    session date `on`, in five queries whatever their number."""
    ids = [c.pk for c in candidacies]
    certifications = {c.certification_id for c in candidacies}
    competences = defaultdict(list)
    elements = defaultdict(int)
    for competence in (
        Competence.objects.filter(certification_id__in=certifications)
        .annotate(element_count=Count("elements"))
        .order_by("number")
    ):
        competences[competence.certification_id].append(competence)
        elements[competence.certification_id] += competence.element_count
    validations = defaultdict(list)
    for v in CompetenceValidation.objects.filter(
        candidate_id__in={c.candidate_id for c in candidacies}
    ):
        validations[v.candidate_id].append(v)
    assessments = defaultdict(list)
    for a in (
        CompetenceAssessment.objects.filter(dossier__candidacy_id__in=ids)
        .exclude(final_result="")
        .select_related("competence", "dossier")
        .order_by("dossier__cycle")
    ):
        assessments[a.dossier.candidacy_id].append(a)
    signers = {
        getattr(a, f"{role}_signed_by_id")
        for batch in assessments.values()
        for a in batch
        for role, _kind in SIGNERS
    }
    habilitations = defaultdict(list)
    for h in Habilitation.objects.filter(user_id__in=signers - {None}):
        habilitations[h.user_id].append(h)
    return [
        _row(
            c,
            on=on,
            competences=competences[c.certification_id],
            elements=elements[c.certification_id],
            validations=validations[c.candidate_id],
            assessments=assessments[c.pk],
            habilitations=habilitations,
        )
        for c in candidacies
    ]


def _row(candidacy, *, on, competences, elements, validations, assessments, habilitations) -> Row:
    gaps = scope.gaps(
        candidacy, on, competences=competences, validations=validations, assessments=assessments
    )
    in_scope = {c.pk for c in competences} - scope.in_force(validations, on)
    latest = {}
    for a in assessments:  # by cycle: the latest signed result of each competence counts
        if a.fully_signed:
            latest[a.competence_id] = a
    checks = [Check(str(PIECES), _pieces(candidacy, elements))]
    if candidacy.pathway == Pathway.PARCOURS:
        checks.append(Check(str(PRACTICE), _practice(candidacy)))
    checks += [
        Check(str(SIGNED), [g.message() for g in gaps if g.lapsed_on is None]),
        Check(str(HABILITATIONS), _habilitations(latest.values(), habilitations, in_scope)),
        Check(
            str(LAPSES),
            [g.message(session_date=on) for g in gaps if g.lapsed_on is not None],
        ),
        Check(str(IDENTITY), [p for p in [identity_problem(candidacy.candidate)] if p]),
    ]
    return Row(candidacy, checks)
