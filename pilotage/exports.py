"""The datasets of /exports/<dataset>.<csv|xlsx>: for each, who may export it, its filters
(those of the list it comes from), its columns (French headers) and its rows.

The rows come from the list's own selector (same scope, same filters), read as tuples of
values (`values_list(...).iterator()`: no model object, a server-side cursor read in chunks),
so that 100,000 rows are never in memory at once; each tuple is shaped into the row's cells
on the way out.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.enums import Pathway, State
from candidates.selectors import candidacy_list
from cqp.models import Habilitation, HabilitationKind, HabilitationStatus
from cqp.permissions import is_secretariat
from cqp.selectors import habilitation_list
from jury.enums import NON_CONFORME, CertificateKind, SessionState
from jury.models import JurySession
from jury.selectors import session_list

from . import selectors
from .filters import (
    CandidacyExportFilterForm,
    HabilitationExportFilterForm,
    HolderFilterForm,
    NoFilterForm,
    ScopedFilterForm,
)
from .models import Dataset
from .writers import DATE, NUMBER, Column

CHUNK_SIZE = 2000


def _name(first, last) -> str:
    return " ".join(part for part in (first, last) if part)


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def _yes_no(value) -> str:
    return {True: str(_("oui")), False: str(_("non"))}.get(value, "")


@dataclass(frozen=True)
class DatasetSpec:
    dataset: str
    sheet: str  # the XLSX sheet's name (lazy text)
    columns: list[Column]
    may_export: Callable  # user -> bool
    form: type[ScopedFilterForm]
    rows: Callable  # (user, cleaned filters) -> iterable of tuples, one per column

    def filter_form(self, data, user) -> ScopedFilterForm:
        return self.form(data, user=user)


def _iterate(qs: QuerySet, fields: list[str]) -> Iterator[tuple]:
    return qs.values_list(*fields).iterator(chunk_size=CHUNK_SIZE)


# Candidacies (/candidatures/) ---------------------------------------------------------------

CANDIDACY_COLUMNS = [
    Column(_("N° de candidature"), NUMBER, 12),
    Column(_("Nom"), width=20),
    Column(_("Prénom"), width=18),
    Column(_("E-mail"), width=30),
    Column(_("Voie"), width=10),
    Column(_("Étape"), width=26),
    Column(_("Organisation"), width=30),
    Column(_("Certification"), width=14),
    Column(_("Professionnel"), width=24),
    Column(_("Évaluateur"), width=24),
    Column(_("Ouverte le"), DATE, 12),
    Column(_("Mise à jour le"), DATE, 12),
]


def _candidacy_rows(user, filters: dict) -> Iterator[tuple]:
    qs = candidacy_list(
        user=user,
        state=filters.get("state", ""),
        pathway=filters.get("pathway", ""),
        q=filters.get("q", "").strip(),
        organisation=filters.get("organisation"),
    )
    states, pathways = _labels(State.choices), _labels(Pathway.choices)
    cpef = str(_("CPEF"))
    fields = [
        "pk",
        "candidate__user__last_name",
        "candidate__user__first_name",
        "candidate__user__email",
        "pathway",
        "state",
        "organisation__name",
        "certification__code",
        "professionnel__first_name",
        "professionnel__last_name",
        "evaluateur__first_name",
        "evaluateur__last_name",
        "created_at",
        "updated_at",
    ]
    for (
        pk,
        last,
        first,
        email,
        pathway,
        state,
        org,
        cert,
        pf,
        pl,
        ef,
        el,
        created,
        updated,
    ) in _iterate(qs, fields):
        yield (
            pk,
            last,
            first,
            email,
            pathways.get(pathway, pathway),
            states.get(state, state),
            org or cpef,
            cert,
            _name(pf, pl),
            _name(ef, el),
            created,
            updated,
        )


# Holders: certificates and attestations (/titulaires/) --------------------------------------

HOLDER_COLUMNS = [
    Column(_("N° de certificat"), width=24),
    Column(_("Document"), width=20),
    Column(_("Nom"), width=20),
    Column(_("Prénoms"), width=22),
    Column(_("E-mail"), width=30),
    Column(_("Organisation"), width=30),
    Column(_("Certification"), width=14),
    Column(_("Code au répertoire"), width=14),
    Column(_("Date de la session"), DATE, 12),
    Column(_("Délivré le"), DATE, 12),
    Column(_("Statut"), width=10),
    Column(_("Révoqué le"), DATE, 12),
    Column(_("Déclaré au répertoire le"), DATE, 14),
]
KINDS = {
    CertificateKind.CERTIFICAT: _("Certificat"),
    CertificateKind.ATTESTATION: _("Attestation partielle"),
}


def _holder_rows(user, filters: dict) -> Iterator[tuple]:
    qs = selectors.holder_list(
        user=user,
        kind=filters.get("kind", ""),
        session=filters.get("session"),
        session_date=filters.get("session_date"),
        organisation=filters.get("organisation"),
        status=filters.get("status", ""),
        q=filters.get("q", ""),
    )
    person = "deliberation__candidacy__candidate__"
    fields = [
        "number",
        "kind",
        f"{person}birth_name",
        f"{person}used_name",
        f"{person}first_names",
        f"{person}user__last_name",
        f"{person}user__first_name",
        f"{person}user__email",
        "deliberation__candidacy__organisation__name",
        "deliberation__candidacy__certification__code",
        "deliberation__candidacy__certification__registry_code",
        "deliberation__session__date",
        "issued_on",
        "revoked_at",
        "last_reported_on",
    ]
    kinds = {k: str(v) for k, v in KINDS.items()}
    valid, revoked, cpef = str(_("valide")), str(_("révoqué")), str(_("CPEF"))
    for (
        number,
        kind,
        birth,
        used,
        firsts,
        last,
        first,
        email,
        org,
        cert,
        code,
        held,
        issued,
        revoked_at,
        reported,
    ) in _iterate(qs, fields):
        yield (
            number,
            kinds.get(kind, kind),
            used or birth or last,
            firsts or first,
            email,
            org or cpef,
            cert,
            code,
            held,
            issued,
            revoked if revoked_at else valid,
            revoked_at,
            reported,
        )


# Jury sessions and their decisions (/jury/sessions/) ----------------------------------------

SESSION_COLUMNS = [
    Column(_("Date de la session"), DATE, 12),
    Column(_("Heure"), width=8),
    Column(_("Lieu"), width=26),
    Column(_("Statut de la session"), width=14),
    Column(_("Présidence"), width=24),
    Column(_("Candidat : nom"), width=20),
    Column(_("Candidat : prénom"), width=18),
    Column(_("Organisation"), width=30),
    Column(_("Voie"), width=10),
    Column(_("Conforme"), width=10),
    Column(_("Décision"), width=22),
    Column(_("Décidée le"), DATE, 12),
    Column(_("N° de certificat"), width=24),
]


def _session_rows(user, filters: dict) -> Iterator[tuple]:
    """One row per deliberation, the session's columns repeated; a session with no candidacy
    yet has one row, its decision's columns empty (the join to the deliberations is outer)."""
    visible = session_list(user=user).values("pk")
    deliberation = "deliberations__"
    qs = JurySession.objects.filter(pk__in=visible).order_by(
        "-date", "-pk", f"{deliberation}candidacy__candidate__user__last_name", f"{deliberation}pk"
    )
    fields = [
        "date",
        "start_time",
        "place",
        "state",
        "president__user__first_name",
        "president__user__last_name",
        f"{deliberation}candidacy__candidate__user__last_name",
        f"{deliberation}candidacy__candidate__user__first_name",
        f"{deliberation}candidacy__organisation__name",
        f"{deliberation}candidacy__pathway",
        f"{deliberation}conform",
        f"{deliberation}outcome",
        f"{deliberation}decided_at",
        f"{deliberation}certificate__number",
    ]
    outcomes = {**_labels(State.choices), NON_CONFORME: str(_("Non conforme (renvoyé)"))}
    states, pathways = _labels(SessionState.choices), _labels(Pathway.choices)
    cpef = str(_("CPEF"))
    for row in _iterate(qs, fields):
        date, start, place, state, pf, pl = row[:6]
        last, first, org, pathway, conform, outcome, decided_at, number = row[6:]
        placed = pathway is not None
        yield (
            date,
            start.strftime("%H:%M") if start else "",
            place,
            states.get(state, state),
            _name(pf, pl),
            last,
            first,
            (org or cpef) if placed else "",
            pathways.get(pathway, pathway) if placed else "",
            _yes_no(conform),
            outcomes.get(outcome, outcome) if outcome else "",
            decided_at,
            number,
        )


# Habilitations (/habilitations/) ------------------------------------------------------------

HABILITATION_COLUMNS = [
    Column(_("Nom"), width=20),
    Column(_("Prénom"), width=18),
    Column(_("E-mail"), width=30),
    Column(_("Type"), width=22),
    Column(_("Valable du"), DATE, 12),
    Column(_("Valable jusqu'au"), DATE, 12),
    Column(_("Statut"), width=12),
    Column(_("Accordée par"), width=24),
    Column(_("Révoquée le"), DATE, 12),
    Column(_("Motif de révocation"), width=40),
]


def _habilitation_rows(user, filters: dict) -> Iterator[tuple]:
    qs = habilitation_list(
        user=user,
        kind=filters.get("kind", ""),
        status=filters.get("status", ""),
        q=filters.get("q", "").strip(),
    )
    fields = [
        "user__last_name",
        "user__first_name",
        "user__email",
        "kind",
        "valid_from",
        "valid_until",
        "revoked_on",
        "granted_by__first_name",
        "granted_by__last_name",
        "revocation_reason",
    ]
    kinds, statuses = _labels(HabilitationKind.choices), _labels(HabilitationStatus.choices)
    today = timezone.localdate()
    for last, first, email, kind, start, end, revoked_on, gf, gl, reason in _iterate(qs, fields):
        # The status follows Habilitation.status_on: an unsaved instance applies that one rule.
        status = Habilitation(valid_from=start, valid_until=end, revoked_on=revoked_on)
        yield (
            last,
            first,
            email,
            kinds.get(kind, kind),
            start,
            end,
            statuses[status.status_on(today)],
            _name(gf, gl),
            revoked_on,
            reason,
        )


DATASETS: dict[str, DatasetSpec] = {
    Dataset.CANDIDATURES: DatasetSpec(
        Dataset.CANDIDATURES,
        _("Candidatures"),
        CANDIDACY_COLUMNS,
        selectors.may_steer,
        CandidacyExportFilterForm,
        _candidacy_rows,
    ),
    Dataset.TITULAIRES: DatasetSpec(
        Dataset.TITULAIRES,
        _("Titulaires"),
        HOLDER_COLUMNS,
        selectors.may_steer,
        HolderFilterForm,
        _holder_rows,
    ),
    Dataset.SESSIONS: DatasetSpec(
        Dataset.SESSIONS,
        _("Sessions"),
        SESSION_COLUMNS,
        is_secretariat,
        NoFilterForm,
        _session_rows,
    ),
    Dataset.HABILITATIONS: DatasetSpec(
        Dataset.HABILITATIONS,
        _("Habilitations"),
        HABILITATION_COLUMNS,
        is_secretariat,
        HabilitationExportFilterForm,
        _habilitation_rows,
    ),
}
