"""Demo jury: one member per college, and a parcours taken to the end of the workflow.

The certified candidacy goes through the real services (repérage, parcours, evaluation,
jury session), so that the official PDFs (livret, dossier de suivi et d'évaluation, fiche
de décision, certificate, procès-verbal) are generated along the way, after the commit of
`seed_demo`.
"""

import datetime

from django.utils import timezone

from candidates import services as candidacy_services
from candidates import services_identity
from candidates.enums import Civility, ReperageStatus
from candidates.models import Candidacy
from cqp.demo import register_seeder
from cqp.management.commands.seed_demo import DEMO_PASSWORD
from evaluations import services as evaluation_services
from evaluations.enums import Opinion, SituationKind
from evaluations.models import EvaluationDossier
from evaluations.selectors import latest_results

from . import services
from .conformity import computed_checks
from .enums import College, SessionState
from .models import JuryMember, JurySession, MandatingOrganisation

CERTIFIED_EMAIL = "candidat.certifie@demo.cqp.fr"
CERTIFIED_FIRST_NAME = "Inès"
CERTIFIED_LAST_NAME = "Moreau"
# The competence whose elements the livret marks « à développer » (the parcours plan).
TO_DEVELOP = 4

# The candidate's own account, per competence number (a generic one for any other).
ACCOUNTS = {
    1: "Je tiens à jour les dossiers administratifs des sessions : conventions, feuilles "
    "d'émargement, attestations de fin de formation et demandes de prise en charge.",
    2: "Je planifie les sessions de l'organisme : réservation des salles et du matériel, "
    "convocations des stagiaires, envoi des supports aux formateurs.",
    3: "J'accueille les stagiaires et les clients, je réponds aux demandes d'information "
    "et je relance les financeurs pour le suivi des dossiers.",
    4: "Lors d'une session, une salle était indisponible : j'ai trouvé une solution de repli, "
    "prévenu les participants et le formateur, et tenu le planning à jour.",
    5: "Je rédige les propositions commerciales, les comptes rendus de réunion et les "
    "bilans de formation à partir des évaluations des stagiaires.",
    6: "Je fais le lien entre les formateurs, les stagiaires et les entreprises clientes, "
    "et je centralise les informations de suivi de chaque prestation.",
}
GENERIC_ACCOUNT = "Activités et situations professionnelles décrites lors de l'entretien."

# The civil identity each demo candidate declares once their dossier is transmitted (Inès
# Moreau uses her spouse's name: her certificate also names her birth name).
IDENTITIES = {
    "candidat.certifie@demo.cqp.fr": {
        "civility": Civility.MADAME,
        "birth_name": "Lambert",
        "used_name": "Moreau",
        "first_names": "Inès Claire",
        "birth_date": datetime.date(1991, 3, 14),
        "birth_place": "Lyon 3e arrondissement",
        "birth_country": "France",
    },
    "candidat.jury@demo.cqp.fr": {
        "civility": Civility.MONSIEUR,
        "birth_name": "Garnier",
        "first_names": "Théo Julien",
        "birth_date": datetime.date(1995, 9, 2),
        "birth_place": "Nantes",
        "birth_country": "France",
    },
    "candidate.jury@demo.cqp.fr": {
        "birth_name": "Lefèvre",
        "first_names": "Manon Alice",
        "birth_date": datetime.date(1988, 11, 27),
        "birth_place": "Liège",
        "birth_country": "Belgique",
    },
}


# The organisations that mandate the members of each college (the CPEF's list).
MANDATING = {
    College.EMPLOYEURS: ["Fédération de la formation professionnelle", "Syndicat des organismes"],
    College.SALARIES: ["Confédération des salariés de la formation", "Union des travailleurs"],
}
# A mandate of four years, begun two years ago.
MANDATE_YEARS_BEFORE, MANDATE_YEARS_AFTER = 2, 2


@register_seeder
def seed_jury(users, organisations):
    today = timezone.localdate()
    start = today.replace(year=today.year - MANDATE_YEARS_BEFORE, month=1, day=1)
    end = today.replace(year=today.year + MANDATE_YEARS_AFTER, month=12, day=31)
    mandating = {
        college: [
            MandatingOrganisation.objects.get_or_create(name=name, defaults={"college": college})[0]
            for name in names
        ]
        for college, names in MANDATING.items()
    }
    for email, college in (
        ("jury@demo.cqp.fr", College.EMPLOYEURS),
        ("jury.salaries@demo.cqp.fr", College.SALARIES),
    ):
        JuryMember.objects.update_or_create(
            user=users[email],
            defaults={
                "college": college,
                "mandating_organisation": mandating[college][0],
                "mandate_start": start,
                "mandate_end": end,
            },
        )
    return [
        "Jury : un membre par collège (jury@demo.cqp.fr, jury.salaries@demo.cqp.fr), "
        f"mandatés du {start:%d/%m/%Y} au {end:%d/%m/%Y}"
    ]


def _transmitted_parcours(
    users, organisation, *, email, first_name, last_name, identity_checked=True
) -> Candidacy:
    """A parcours candidacy of a new demo account taken through the real services up to its
    transmission to the jury: livret with one competence to develop, parcours, practice at
    work, evaluation co-signed by the demo professionnel and évaluateur; then the candidate
    declares their civil identity, and the secretariat checks it (`identity_checked`)."""
    secretariat = users["secretariat@demo.cqp.fr"]
    gestionnaire = users["gestionnaire@demo.cqp.fr"]
    professionnel = users["professionnel@demo.cqp.fr"]
    evaluateur = users["evaluateur@demo.cqp.fr"]

    # Repérage: the gestionnaire opens the candidacy (and the account), the secretariat
    # assigns the evaluators, the professionnel fills the livret and completes it.
    candidacy = candidacy_services.candidacy_create_parcours(
        by=gestionnaire,
        organisation=organisation,
        email=email,
        first_name=first_name,
        last_name=last_name,
    )
    candidat = candidacy.candidate.user
    candidat.first_name, candidat.last_name = first_name, last_name
    candidat.is_active = True
    candidat.set_password(DEMO_PASSWORD)
    candidat.save()
    candidacy_services.candidacy_assign(
        candidacy=candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    candidacy.refresh_from_db()
    competences = list(candidacy.certification.competences.order_by("number"))
    to_develop = next((c for c in competences if c.number == TO_DEVELOP), competences[-1])
    entries = {}
    for competence in competences:
        for element in competence.elements.all():
            if competence == to_develop:
                entries[element.pk] = {
                    "status": ReperageStatus.A_DEVELOPPER,
                    "training_need": "Gestion des imprévus et des situations de tension.",
                }
            else:
                entries[element.pk] = {"status": ReperageStatus.ACQUIS}
    candidacy_services.reperage_save(candidacy=candidacy, by=professionnel, entries=entries)
    candidacy_services.run_transition(
        name="complete_reperage", candidacy=candidacy, by=professionnel
    )

    # Parcours: the training action is done, the practice at work confirmed.
    today = timezone.localdate()
    for action in candidacy.parcours_actions.filter(cycle=candidacy.cycle):
        candidacy_services.parcours_action_update(
            action=action,
            by=professionnel,
            provider="Formapro Conseil",
            description="Module « Gérer les aléas d'une session de formation » (2 jours).",
            start_date=today - datetime.timedelta(days=60),
            end_date=today - datetime.timedelta(days=59),
            done=True,
        )
    candidacy_services.practice_confirm(
        candidacy=candidacy,
        by=professionnel,
        note="Gestion complète de trois sessions inter-entreprises, imprévus compris.",
    )
    evaluation_services.evaluation_start(candidacy=candidacy, by=professionnel)

    # Evaluation: the candidate's account, observations, both opinions, both signatures,
    # then the évaluateur transmits the dossier.
    candidacy.refresh_from_db()
    dossier = EvaluationDossier.objects.get(candidacy=candidacy, cycle=candidacy.cycle)
    for competence in dossier.competences.order_by("number"):
        evaluation_services.account_save(
            dossier=dossier,
            by=candidat,
            competence=competence,
            text=ACCOUNTS.get(competence.number, GENERIC_ACCOUNT),
        )
    evaluation_services.observation_add(
        dossier=dossier,
        by=professionnel,
        kind=SituationKind.OBSERVEE,
        date=today - datetime.timedelta(days=14),
        context="Ouverture d'une session inter-entreprises de trois jours",
        observed="Accueil des stagiaires, émargement, remise des supports ; absence du "
        "formateur signalée le matin même, remplacement organisé et participants prévenus.",
        competence=to_develop,
    )
    evaluation_services.observation_add(
        dossier=dossier,
        by=evaluateur,
        kind=SituationKind.ANALYSEE,
        date=today - datetime.timedelta(days=7),
        context="Dossier administratif d'une action financée par un OPCO",
        observed="Convention, programme, feuilles d'émargement et attestations complets et "
        "cohérents ; demande de prise en charge déposée dans les délais.",
    )
    for assessment in dossier.assessments.select_related("competence"):
        for evaluator, comment in (
            (professionnel, "Compétence mise en œuvre en situation de travail."),
            (evaluateur, "Compétence démontrée par le dossier et l'entretien."),
        ):
            assessment = evaluation_services.opinion_give(
                assessment=assessment, by=evaluator, opinion=Opinion.ACQUISE, comment=comment
            )
        if not assessment.final_result:
            assessment = evaluation_services.final_set(
                assessment=assessment, by=evaluateur, result=Opinion.ACQUISE
            )
        for signer in (professionnel, evaluateur):
            assessment = evaluation_services.assessment_sign(
                assessment=assessment, by=signer, password=DEMO_PASSWORD
            )
    evaluation_services.dossier_transmit(dossier=dossier, by=evaluateur)
    candidacy.refresh_from_db()
    candidate = services_identity.identity_declare(
        candidate=candidacy.candidate, by=candidat, **IDENTITIES[email]
    )
    if identity_checked:
        services_identity.identity_check(candidate=candidate, by=secretariat)
    candidacy.refresh_from_db()
    return candidacy


def _demo_organisation(users):
    """The organisation of the demo parcours candidacy in repérage."""
    return (
        Candidacy.objects.filter(candidate__user=users["candidat@demo.cqp.fr"])
        .select_related("organisation")
        .first()
        .organisation
    )


@register_seeder
def seed_certified_candidacy(users, organisations):
    """A parcours candidacy taken through every stage up to `certifie`, in a closed session."""
    if Candidacy.objects.filter(candidate__user__email=CERTIFIED_EMAIL).exists():
        return []

    secretariat = users["secretariat@demo.cqp.fr"]
    president = JuryMember.objects.get(user=users["jury@demo.cqp.fr"])
    assesseur = JuryMember.objects.get(user=users["jury.salaries@demo.cqp.fr"])
    candidacy = _transmitted_parcours(
        users,
        _demo_organisation(users),
        email=CERTIFIED_EMAIL,
        first_name=CERTIFIED_FIRST_NAME,
        last_name=CERTIFIED_LAST_NAME,
    )
    today = timezone.localdate()

    # Jury: a session composed with parity, opened, the decision recorded, then closed.
    session = services.session_create(
        by=secretariat,
        date=today,
        start_time=datetime.time(9, 30),
        place="CPEF, salle du conseil (Paris)",
    )
    session = services.session_compose(
        session=session, by=secretariat, members=[president, assesseur], president=president
    )
    deliberation = services.session_add_candidacy(
        session=session, by=secretariat, candidacy=candidacy
    )
    session = services.session_open(
        session=session, by=secretariat, present_member_ids=[president.pk, assesseur.pk]
    )
    candidacy.refresh_from_db()
    decisions = {
        competence_id: (decision, "")
        for competence_id, decision in services.decisions_from_results(
            results=latest_results(candidacy)
        ).items()
    }
    services.deliberation_record(
        deliberation=deliberation,
        by=president.user,
        conform=True,
        # The conformity checklist as computed, every item confirmed.
        checklist=[
            {"code": check.code, "ok": check.ok, "note": ""}
            for check in computed_checks(deliberation)
        ],
        decisions=decisions,
        motivation="Toutes les compétences du référentiel sont validées.",
    )
    services.session_close(session=session, by=secretariat)
    return [
        f"Parcours complet, certifié : {CERTIFIED_EMAIL} "
        "(session du jury close, documents officiels)"
    ]


# Two dossiers transmitted to the jury and waiting for a session (the secretariat's
# instruction page), and the next session, programmed and composed, to place them on.
# Théo Garnier's civil identity is checked; Manon Lefèvre's is declared, waiting for the
# secretariat's check (« Vérifier l'état civil » on the instruction page).
WAITING = [
    ("candidat.jury@demo.cqp.fr", "Théo", "Garnier", True),
    ("candidate.jury@demo.cqp.fr", "Manon", "Lefèvre", False),
]
NEXT_SESSION_IN_DAYS = 21


@register_seeder
def seed_waiting_for_a_session(users, organisations):
    lines = []
    for email, first_name, last_name, identity_checked in WAITING:
        if not Candidacy.objects.filter(candidate__user__email=email).exists():
            _transmitted_parcours(
                users,
                _demo_organisation(users),
                email=email,
                first_name=first_name,
                last_name=last_name,
                identity_checked=identity_checked,
            )
            lines.append(f"Dossier transmis au jury, en attente de session : {email}")
    if not JurySession.objects.filter(state=SessionState.PLANNED).exists():
        secretariat = users["secretariat@demo.cqp.fr"]
        session = services.session_create(
            by=secretariat,
            date=timezone.localdate() + datetime.timedelta(days=NEXT_SESSION_IN_DAYS),
            start_time=datetime.time(14, 0),
            place="CPEF, salle du conseil (Paris)",
            video_link="https://visio.exemple.fr/cpef-jury",
        )
        services.session_compose(
            session=session,
            by=secretariat,
            members=[
                JuryMember.objects.get(user=users["jury@demo.cqp.fr"]),
                JuryMember.objects.get(user=users["jury.salaries@demo.cqp.fr"]),
            ],
            president=JuryMember.objects.get(user=users["jury@demo.cqp.fr"]),
        )
        lines.append(
            f"Session du jury programmée dans {NEXT_SESSION_IN_DAYS} jours, composée, sans dossier "
            "inscrit (à placer depuis « Instruction »)"
        )
    return lines
