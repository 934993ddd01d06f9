"""The demo's history, so that every chart of /pilotage/ shows something: some thirty past
candidacies over the last fourteen months in both demo organisations and at the CPEF
(certified, partial then completed, not certified, non recevable, withdrawn with their
reasons, some still waiting), past jury sessions held with their decisions and members
present, and habilitations of which some end soon.

The services stamp the present, and a history is in the past: rows are created directly,
with their audit entries backdated (the same rows the services write). The people of this
history have no account one can sign in with (addresses @historique.cqp.fr). Idempotent:
nothing is done once the history is there. The demo accounts and their stories are not
touched.
"""

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from candidates import recevabilite
from candidates.enums import Pathway, RecevabiliteOutcome, State
from candidates.models import (
    Candidacy,
    Candidate,
    CompetenceValidation,
    RecevabiliteDecision,
    TransitionLog,
    VaeRequest,
)
from cqp.demo import register_seeder
from cqp.models import Certification, Habilitation, HabilitationKind, User
from jury.enums import College, SessionState
from jury.models import Deliberation, JuryMember, JurySession, Seat

DOMAIN = "historique.cqp.fr"
PLACE = "CPEF, salle paritaire"
# The past sessions, in days before today, and one long ago whose partial validations
# lapse within six months.
SESSIONS = (395, 330, 250, 170, 95, 35)
OLD_SESSION = 1690

FIRST_NAMES = [
    "Amandine", "Bastien", "Chloé", "Damien", "Élodie", "Fabien", "Gaëlle", "Hugo", "Inès",
    "Julien", "Karima", "Loïc", "Manon", "Nicolas", "Océane", "Pierre", "Quentin", "Rachida",
    "Sébastien", "Tiphaine", "Ugo", "Valérie", "William", "Yasmine", "Zoé", "Arnaud", "Bérénice",
    "Cédric", "Delphine", "Étienne", "Fanny", "Grégoire",
]  # fmt: skip
LAST_NAMES = [
    "Aubert", "Barbier", "Carpentier", "Delmas", "Étienne", "Fournier", "Garnier", "Hamel",
    "Imbert", "Jacquet", "Klein", "Lemaire", "Marchand", "Noël", "Olivier", "Perrin", "Quéré",
    "Renaud", "Schmitt", "Tessier", "Vidal", "Weber", "Yilmaz", "Zimmer", "Arnoux", "Besson",
    "Collet", "Dupuis", "Ferrand", "Gilles", "Hubert", "Joly",
]  # fmt: skip

# (pathway, organisation: 0 Formapro Conseil, 1 Atelier Compétences, None the CPEF, created
# days ago, what happened: a session index and its outcome, or where it stopped).
STORIES = [
    ("parcours", 0, 470, ("decided", 0, State.CERTIFIE)),
    ("parcours", 1, 460, ("completed", 0, 3)),
    ("parcours", 0, 450, ("decided", 1, State.NON_CERTIFIE)),
    ("parcours", 0, 420, ("decided", 1, State.CERTIFIE)),
    ("parcours", 1, 410, ("decided", 1, State.PARTIEL)),
    ("vae", None, 400, ("decided", 2, State.CERTIFIE)),
    ("vae", 0, 330, ("non_recevable",)),
    ("vae", None, 380, ("decided", 3, State.PARTIEL, "completion")),
    ("parcours", 0, 340, ("decided", 2, State.CERTIFIE)),
    ("parcours", 1, 300, ("withdrawn", State.PARCOURS, "Changement d'emploi")),
    ("parcours", 0, 290, ("decided", 3, State.CERTIFIE)),
    ("parcours", 1, 280, ("decided", 3, State.NON_CERTIFIE)),
    ("parcours", 0, 260, ("withdrawn", State.EVALUATION, "Raisons personnelles")),
    ("vae", 1, 270, ("decided", 4, State.CERTIFIE)),
    ("parcours", 0, 230, ("decided", 4, State.CERTIFIE)),
    ("parcours", 1, 220, ("decided", 4, State.PARTIEL)),
    ("parcours", 0, 170, ("withdrawn", State.REPERAGE, "Changement d'emploi")),
    ("vae", None, 160, ("non_recevable",)),
    ("parcours", 1, 150, ("decided", 5, State.CERTIFIE)),
    ("parcours", 0, 140, ("decided", 5, State.NON_CERTIFIE)),
    ("parcours", 0, 135, ("decided", 5, State.CERTIFIE)),
    ("vae", None, 120, ("withdrawn", State.RECEVABLE, "Manque de temps")),
    ("parcours", 1, 110, ("waiting", State.EVALUATION)),
    ("parcours", 0, 100, ("withdrawn", State.PARCOURS, "Départ de l'entreprise")),
    ("parcours", 0, 90, ("waiting", State.PARCOURS)),
    ("vae", None, 80, ("waiting", State.RECEVABILITE)),
    ("parcours", 1, 70, ("waiting", State.EVALUATION)),
    ("parcours", 1, 55, ("withdrawn", State.REPERAGE, "changement d'emploi ")),
    ("parcours", 0, 50, ("waiting", State.REPERAGE)),
    ("parcours", 1, 30, ("waiting", State.REPERAGE)),
    ("vae", 0, 20, ("waiting", State.DEMANDE)),
    ("parcours", 0, OLD_SESSION + 120, ("decided", "old", State.PARTIEL)),
]


class _History:
    def __init__(self, users, organisations):
        self.rng = random.Random(14)
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.secretariat = users["secretariat@demo.cqp.fr"]
        self.organisations = sorted(organisations.values(), key=lambda o: o.name, reverse=True)
        self.certification = Certification.objects.order_by("pk").first()
        self.competences = list(self.certification.competences.order_by("number"))
        self.members = list(
            JuryMember.objects.filter(
                user__email__in=["jury@demo.cqp.fr", "jury.salaries@demo.cqp.fr"]
            ).select_related("user")
        )
        self.president = next(m for m in self.members if m.college == College.EMPLOYEURS)
        self.professionnels = [
            self._habilitated("pro", "Maud", "Lefort", HabilitationKind.PROFESSIONNEL, 500, 40),
            self._habilitated(
                "tuteur", "Yann", "Caradec", HabilitationKind.PROFESSIONNEL, 200, 400
            ),
        ]
        self.evaluateurs = [
            self._habilitated("eval", "Sonia", "Brunet", HabilitationKind.EVALUATEUR, 600, 25),
            self._habilitated("expert", "Marc", "Aubry", HabilitationKind.EVALUATEUR, 300, 700),
        ]
        self.sessions = {i: self._session(days) for i, days in enumerate(SESSIONS)}
        self.sessions["old"] = self._session(OLD_SESSION, seated=False)

    def _user(self, local, first_name, last_name) -> User:
        return User.objects.create(
            email=f"{local}@{DOMAIN}",
            first_name=first_name,
            last_name=last_name,
            password=make_password(None),  # nobody signs in as them
        )

    def _habilitated(self, local, first, last, kind, since_days, until_days) -> User:
        user = self._user(local, first, last)
        Habilitation.objects.create(
            user=user,
            kind=kind,
            granted_by=self.secretariat,
            valid_from=self.today - datetime.timedelta(days=since_days),
            valid_until=self.today + datetime.timedelta(days=until_days),
        )
        return user

    def _at(self, days_ago: float) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days_ago)

    def _session(self, days_ago, seated=True) -> JurySession:
        day = self.today - datetime.timedelta(days=days_ago)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 30)))
        session = JurySession.objects.create(
            date=day,
            start_time=datetime.time(9, 30),
            place=PLACE,
            state=SessionState.CLOSED,
            president=self.president if seated else None,
            created_by=self.secretariat,
            opened_at=start,
            closed_at=start + datetime.timedelta(hours=3),
        )
        if seated:
            for member in self.members:
                Seat.objects.create(session=session, member=member, present=True)
        return session

    def story(self, index, pathway, organisation, created_days, what):
        rng = self.rng
        candidate = Candidate.objects.create(
            user=self._user(f"candidat.{index:02d}", FIRST_NAMES[index], LAST_NAMES[index])
        )
        organisation = None if organisation is None else self.organisations[organisation]
        professionnel = self.professionnels[index % 2]
        evaluateur = self.evaluateurs[index % 2]
        logs = []  # (transition, source, target, days ago, actor, role, comment)

        def step(transition, source, target, days, actor, role, comment=""):
            logs.append((transition, source, target, days, actor, role, comment))

        kind = what[0]
        first = State.DEMANDE if pathway == Pathway.VAE else State.REPERAGE
        step("create", "", first, created_days, self.secretariat, "secretariat")
        # Where the candidacy's steps end: its session, or where it stopped (then a few weeks
        # before today, or before its withdrawal).
        if kind in ("decided", "completed"):
            session = self.sessions[what[1]]
            end = (self.today - session.date).days
        else:
            end = max(5, created_days * rng.uniform(0.2, 0.45))
        span = created_days - end
        stop = what[1] if kind in ("withdrawn", "waiting") else None
        state = first

        if pathway == Pathway.VAE:
            submitted = created_days - span * rng.uniform(0.08, 0.2)
            if kind == "waiting" and stop == State.DEMANDE:
                pass
            else:
                step(
                    "submit_recevabilite",
                    State.DEMANDE,
                    State.RECEVABILITE,
                    submitted,
                    candidate.user,
                    "candidat",
                )
                state = State.RECEVABILITE
                decided = submitted - rng.uniform(4, 35)
                if len(what) > 3 and what[3] == "completion":
                    step(
                        "request_completion",
                        State.RECEVABILITE,
                        State.DEMANDE,
                        decided,
                        self.secretariat,
                        "secretariat",
                        "Attestation employeur manquante",
                    )
                    submitted = decided - rng.uniform(5, 15)
                    step(
                        "submit_recevabilite",
                        State.DEMANDE,
                        State.RECEVABILITE,
                        submitted,
                        candidate.user,
                        "candidat",
                    )
                    decided = submitted - rng.uniform(3, 20)
                if kind == "non_recevable":
                    step(
                        "declare_non_recevable",
                        State.RECEVABILITE,
                        State.NON_RECEVABLE,
                        decided,
                        self.secretariat,
                        "secretariat",
                        "Expérience en rapport inférieure à trois ans",
                    )
                    state = State.NON_RECEVABLE
                elif stop != State.RECEVABILITE:
                    step(
                        "declare_recevable",
                        State.RECEVABILITE,
                        State.RECEVABLE,
                        decided,
                        self.secretariat,
                        "secretariat",
                    )
                    state = State.RECEVABLE
                    if stop != State.RECEVABLE:
                        step(
                            "submit_activities",
                            State.RECEVABLE,
                            State.EVALUATION,
                            decided - (decided - end) * rng.uniform(0.3, 0.6),
                            candidate.user,
                            "candidat",
                        )
                        state = State.EVALUATION
        else:
            if stop != State.REPERAGE:
                step(
                    "complete_reperage",
                    State.REPERAGE,
                    State.PARCOURS,
                    created_days - span * rng.uniform(0.1, 0.25),
                    professionnel,
                    "professionnel",
                )
                state = State.PARCOURS
                if stop != State.PARCOURS:
                    step(
                        "start_evaluation",
                        State.PARCOURS,
                        State.EVALUATION,
                        created_days - span * rng.uniform(0.45, 0.7),
                        professionnel,
                        "professionnel",
                    )
                    state = State.EVALUATION
        if state == State.EVALUATION and stop != State.EVALUATION:
            step(
                "transmit_to_jury",
                State.EVALUATION,
                State.JURY,
                end + (rng.uniform(6, 25) if kind in ("decided", "completed") else 0),
                evaluateur,
                "evaluateur",
            )
            state = State.JURY
        decisions = []
        if kind == "decided":
            outcome = what[2]
            step("record_decision", State.JURY, outcome, end, self.president.user, "jury")
            decisions.append((session, outcome))
            state = outcome
        elif kind == "completed":
            step("record_decision", State.JURY, State.PARTIEL, end, self.president.user, "jury")
            decisions.append((session, State.PARTIEL))
            later = self.sessions[what[2]]
            later_end = (self.today - later.date).days
            gap = end - later_end
            step(
                "continue_after_partial",
                State.PARTIEL,
                State.PARCOURS,
                end - gap * 0.1,
                candidate.user,
                "candidat",
            )
            step(
                "start_evaluation",
                State.PARCOURS,
                State.EVALUATION,
                end - gap * 0.5,
                professionnel,
                "professionnel",
            )
            step(
                "transmit_to_jury",
                State.EVALUATION,
                State.JURY,
                later_end + 10,
                evaluateur,
                "evaluateur",
            )
            step(
                "record_decision",
                State.JURY,
                State.CERTIFIE,
                later_end,
                self.president.user,
                "jury",
            )
            decisions.append((later, State.CERTIFIE))
            state = State.CERTIFIE
        elif kind == "withdrawn":
            step(
                "withdraw",
                state,
                State.ABANDONNE,
                end - rng.uniform(1, 10),
                self.secretariat,
                "secretariat",
                what[2],
            )
            state = State.ABANDONNE

        candidacy = Candidacy.objects.create(
            candidate=candidate,
            certification=self.certification,
            organisation=organisation,
            pathway=pathway,
            state=state,
            professionnel=professionnel if pathway == Pathway.PARCOURS or state != first else None,
            evaluateur=evaluateur,
            created_by=self.secretariat,
            closing_reason=what[2] if kind == "withdrawn" else "",
        )
        Candidacy.objects.filter(pk=candidacy.pk).update(
            created_at=self._at(created_days),
            updated_at=self._at(min(log[3] for log in logs)),
            state_changed_at=self._at(
                min((log[3] for log in logs if log[1] != log[2]), default=created_days)
            ),
        )
        TransitionLog.objects.bulk_create(
            TransitionLog(
                candidacy=candidacy,
                actor=actor,
                role=role,
                transition=transition,
                source=source,
                target=target,
                comment=comment,
                created_at=self._at(days),
            )
            for transition, source, target, days, actor, role, comment in logs
        )
        if pathway == Pathway.VAE:
            self._vae(candidacy, logs, state)
        self._deliberations(candidacy, decisions)

    def _vae(self, candidacy, logs, state):
        submissions = [log for log in logs if log[0] == "submit_recevabilite"]
        last_submission = submissions[-1][3] if submissions else None
        VaeRequest.objects.create(
            candidacy=candidacy,
            current_job_title="Assistant(e) de formation",
            submitted_on=(self._at(last_submission).date() if last_submission else None),
            sworn_at=(self._at(last_submission) if last_submission else None),
            # One request waits past its due date: the overdue figure.
            decision_due_on=(
                self._at(last_submission - 30).date() if state == State.RECEVABILITE else None
            ),
        )
        outcomes = {
            "declare_recevable": RecevabiliteOutcome.FAVORABLE,
            "declare_non_recevable": RecevabiliteOutcome.DEFAVORABLE,
            "request_completion": RecevabiliteOutcome.INCOMPLET,
        }
        submitted = None
        for transition, _source, _target, days, _actor, _role, comment in logs:
            if transition == "submit_recevabilite":
                submitted = days
            elif transition in outcomes:
                RecevabiliteDecision.objects.create(
                    candidacy=candidacy,
                    outcome=outcomes[transition],
                    reason=comment,
                    items=(
                        recevabilite.stored([recevabilite.IDENTITY], [])
                        if transition == "request_completion"
                        else []
                    ),
                    submitted_on=self._at(submitted).date(),
                    experience_days=800 if transition == "declare_non_recevable" else 1400,
                    decided_by=self.secretariat,
                    decided_at=self._at(days),
                )

    def _deliberations(self, candidacy, decisions):
        validated = set()
        for session, outcome in decisions:
            decided_at = timezone.make_aware(
                datetime.datetime.combine(session.date, datetime.time(11, 0))
            )
            deliberation = Deliberation.objects.create(
                session=session,
                candidacy=candidacy,
                conform=True,
                outcome=outcome,
                motivation="Décision du jury paritaire.",
                decided_at=decided_at,
                decided_by=self.president.user,
            )
            if outcome == State.NON_CERTIFIE:
                continue
            count = len(self.competences) if outcome == State.CERTIFIE else 4
            for competence in self.competences[:count]:
                if competence.pk in validated:
                    continue
                validated.add(competence.pk)
                validation = CompetenceValidation.objects.create(
                    candidate=candidacy.candidate,
                    competence=competence,
                    validated_on=session.date,
                    valid_until=session.date.replace(year=session.date.year + 5)
                    if not (session.date.month == 2 and session.date.day == 29)
                    else session.date.replace(year=session.date.year + 5, day=28),
                )
                deliberation.validations.add(validation)


@register_seeder
def seed_history(users, organisations):
    """The past of the certification, for the statistics (pilotage)."""
    if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        return []
    history = _History(users, organisations)
    for index, (pathway, organisation, created_days, what) in enumerate(STORIES):
        history.story(index, pathway, organisation, created_days, what)
    return [
        f"Pilotage : {len(STORIES)} candidatures passées (adresses @{DOMAIN}, sans compte "
        f"utilisable) et {len(SESSIONS) + 1} sessions tenues, pour les statistiques"
    ]
