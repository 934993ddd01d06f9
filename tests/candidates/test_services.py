"""The candidacy services other than the transitions: creation, livret, plan, VAE dossier, mail."""

import copy
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from candidates import services
from candidates.models import (
    Candidacy,
    Candidate,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeActivity,
    VaeExperience,
)
from cqp.models import CompetenceElement, HabilitationKind, Membership, MembershipRole, User
from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel, read_referentiel
from tests.candidates.builders import (
    DAY,
    assign,
    competence,
    decide,
    habilitated,
    parcours_candidacy,
    today,
    vae_candidacy,
    validate,
)
from tests.factories import (
    PASSWORD,
    ParcoursActionFactory,
    UserFactory,
    VaeActivityFactory,
    VaeExperienceFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def create_parcours(by, organisation, email="Lea.Martin@Exemple.fr", **extra):
    return services.candidacy_create_parcours(
        by=by, organisation=organisation, email=email, first_name="Léa", last_name="Martin", **extra
    )


@pytest.fixture
def other_certification(db):
    data = copy.deepcopy(read_referentiel(DEFAULT_REFERENTIEL))
    data["code"] = "CQP-AF-2027"
    data["title"] = "CQP Assistant(e) de formation (version 2027)"
    return load_referentiel(data)


# Opening a parcours candidacy -------------------------------------------------------------


def test_candidacy_create_parcours_by_gestionnaire_creates_person_candidacy_and_log(
    gestionnaire, own_org
):
    candidacy = create_parcours(gestionnaire, own_org, is_newcomer=True)
    user = User.objects.get(email="lea.martin@exemple.fr")
    assert (user.first_name, user.last_name) == ("Léa", "Martin")
    assert not user.has_usable_password()
    assert candidacy.candidate == Candidate.objects.get(user=user)
    assert Membership.objects.filter(
        user=user, organisation=own_org, role=MembershipRole.CANDIDAT
    ).exists()
    assert (candidacy.pathway, candidacy.state, candidacy.organisation) == (
        "parcours",
        "reperage",
        own_org,
    )
    assert candidacy.certification.code == "CQP-AF"
    assert candidacy.is_newcomer and candidacy.cycle == 1
    assert candidacy.created_by == gestionnaire
    log = TransitionLog.objects.get(candidacy=candidacy)
    assert (log.transition, log.source, log.target, log.actor, log.role) == (
        "create",
        "",
        "reperage",
        gestionnaire,
        "gestionnaire",
    )


def test_candidacy_create_parcours_mails_a_password_link_after_commit(
    gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        candidacy = create_parcours(gestionnaire, own_org)
        assert mailoutbox == []
    assert len(callbacks) == 1
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["lea.martin@exemple.fr"]
    assert "/mot-de-passe/reinitialiser/" in message.body
    assert f"/{candidacy.pk}/" in message.body


def test_candidacy_create_parcours_for_an_existing_account_mails_no_password_link(
    gestionnaire, own_org, candidat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        candidacy = create_parcours(gestionnaire, own_org, email=candidat.email.upper())
    assert candidacy.candidate.user == candidat
    assert User.objects.filter(email__iexact=candidat.email).count() == 1
    assert candidat.memberships.filter(role=MembershipRole.CANDIDAT).count() == 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [candidat.email]
    assert "/mot-de-passe/reinitialiser/" not in mailoutbox[0].body


def test_candidacy_create_parcours_by_the_secretariat_for_any_organisation(secretariat, other_org):
    candidacy = create_parcours(secretariat, other_org)
    assert candidacy.organisation == other_org
    assert TransitionLog.objects.get(candidacy=candidacy).role == "secretariat"


@pytest.mark.parametrize("who", ["outsider", "candidat", "professionnel", "jury"])
def test_candidacy_create_parcours_refused_to_others(
    who, request, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    by = request.getfixturevalue(who)
    users = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        create_parcours(by, own_org)
    assert User.objects.count() == users
    assert not Candidacy.objects.exists()
    assert mailoutbox == []


def test_candidacy_create_parcours_refuses_a_second_open_candidacy(gestionnaire, own_org):
    first = create_parcours(gestionnaire, own_org)
    with pytest.raises(ValidationError) as excinfo:
        create_parcours(gestionnaire, own_org, email="LEA.MARTIN@exemple.fr")
    assert excinfo.value.message_dict == {
        "email": ["Cette personne a déjà une candidature en cours pour cette certification."]
    }
    assert list(Candidacy.objects.all()) == [first]


def test_candidacy_create_parcours_after_the_first_one_closed(gestionnaire, own_org):
    first = create_parcours(gestionnaire, own_org)
    services.run_transition(name="withdraw", candidacy=first, by=gestionnaire, comment="Départ")
    second = create_parcours(gestionnaire, own_org)
    assert second.candidate == first.candidate
    assert second.state == "reperage"


def test_candidacy_create_parcours_for_another_certification_is_not_a_duplicate(
    gestionnaire, own_org, other_certification
):
    create_parcours(gestionnaire, own_org)
    second = create_parcours(gestionnaire, own_org, certification=other_certification)
    assert second.certification == other_certification


# VAE requests -----------------------------------------------------------------------------


def test_candidacy_request_vae_opens_a_demande_with_its_partie_2(candidat):
    candidacy = services.candidacy_request_vae(user=candidat, organisation=None)
    assert (candidacy.pathway, candidacy.state, candidacy.organisation) == ("vae", "demande", None)
    assert candidacy.created_by == candidat
    assert candidacy.vae_request.submitted_on is None
    log = TransitionLog.objects.get(candidacy=candidacy)
    assert (log.transition, log.source, log.target, log.actor, log.role) == (
        "create",
        "",
        "demande",
        candidat,
        "candidat",
    )


def test_candidacy_request_vae_refuses_a_second_open_request(candidat, own_org):
    services.candidacy_request_vae(user=candidat, organisation=own_org)
    with pytest.raises(ValidationError) as excinfo:
        services.candidacy_request_vae(user=candidat, organisation=None)
    assert excinfo.value.messages == [
        "Vous avez déjà une candidature en cours pour cette certification."
    ]
    assert Candidacy.objects.count() == 1


def test_candidacy_request_vae_after_a_non_recevable_one(candidat, own_org, secretariat):
    first = vae_candidacy(candidat, own_org, state="recevabilite")
    decide(first, secretariat, "defavorable", reason="Hors champ")
    again = services.candidacy_request_vae(user=candidat, organisation=None)
    assert (again.state, again.candidate) == ("demande", first.candidate)


def test_vae_signup_creates_the_account_and_the_request(own_org):
    candidacy = services.vae_signup(
        email="Nina.Roux@Exemple.fr",
        first_name="Nina",
        last_name="Roux",
        password=PASSWORD,
        organisation=own_org,
    )
    user = User.objects.get(email="nina.roux@exemple.fr")
    assert user.check_password(PASSWORD)
    assert candidacy.candidate.user == user
    assert (candidacy.state, candidacy.organisation) == ("demande", own_org)


def test_vae_signup_refuses_an_existing_address(candidat):
    users = User.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        services.vae_signup(
            email=candidat.email.upper(), first_name="X", last_name="Y", password=PASSWORD
        )
    assert list(excinfo.value.message_dict) == ["email"]
    assert "Un compte existe déjà pour cette adresse" in excinfo.value.message_dict["email"][0]
    assert User.objects.count() == users
    assert not Candidacy.objects.exists()


# Livret de repérage -----------------------------------------------------------------------


@pytest.fixture
def in_reperage(candidat, own_org, secretariat, professionnel):
    candidacy = parcours_candidacy(candidat, own_org)
    return assign(candidacy, by=secretariat, professionnel=professionnel)


def element(code):
    number, element_number = (int(n) for n in code[1:].split("."))
    return CompetenceElement.objects.get(
        competence__certification__code="CQP-AF", competence__number=number, number=element_number
    )


def test_reperage_save_creates_then_updates_entries(in_reperage, professionnel):
    c11, c12 = element("C1.1"), element("C1.2")
    services.reperage_save(
        candidacy=in_reperage,
        by=professionnel,
        entries={c11.pk: {"status": "acquis"}, c12.pk: {"status": "a_developper"}},
    )
    services.reperage_save(
        candidacy=in_reperage,
        by=professionnel,
        entries={c12.pk: {"status": "acquis", "comment": "Vu en situation", "training_need": ""}},
    )
    entries = {e.element_id: e for e in ReperageEntry.objects.filter(candidacy=in_reperage)}
    assert set(entries) == {c11.pk, c12.pk}
    assert (entries[c11.pk].status, entries[c12.pk].status) == ("acquis", "acquis")
    assert entries[c12.pk].comment == "Vu en situation"


def test_reperage_save_refuses_an_element_of_another_certification(
    in_reperage, professionnel, other_certification
):
    foreign = CompetenceElement.objects.get(
        competence__certification=other_certification, competence__number=1, number=1
    )
    with pytest.raises(ValidationError) as excinfo:
        services.reperage_save(
            candidacy=in_reperage,
            by=professionnel,
            entries={element("C1.1").pk: {"status": "acquis"}, foreign.pk: {"status": "acquis"}},
        )
    assert excinfo.value.messages == ["Élément inconnu pour cette certification."]
    assert not ReperageEntry.objects.exists()


def test_reperage_save_refuses_an_unknown_status(in_reperage, professionnel):
    with pytest.raises(ValidationError) as excinfo:
        services.reperage_save(
            candidacy=in_reperage,
            by=professionnel,
            entries={
                element("C1.1").pk: {"status": "acquis"},
                element("C1.2").pk: {"status": "peut-etre"},
            },
        )
    assert excinfo.value.messages == ["Statut de repérage inconnu : « peut-etre »."]
    assert not ReperageEntry.objects.exists()


@pytest.mark.parametrize(
    "who", ["candidat", "evaluateur", "secretariat", "gestionnaire", "outsider", "unassigned"]
)
def test_reperage_save_refused_to_anyone_but_the_assigned_professionnel(
    who, request, in_reperage, evaluateur, secretariat
):
    assign(in_reperage, by=secretariat, evaluateur=evaluateur)
    by = (
        habilitated(HabilitationKind.PROFESSIONNEL, by=secretariat)
        if who == "unassigned"
        else request.getfixturevalue(who)
    )
    with pytest.raises(PermissionDenied):
        services.reperage_save(
            candidacy=in_reperage, by=by, entries={element("C1.1").pk: {"status": "acquis"}}
        )
    assert not ReperageEntry.objects.exists()


def test_reperage_save_refused_once_the_reperage_is_over(
    candidat, own_org, secretariat, professionnel
):
    candidacy = parcours_candidacy(candidat, own_org, state="parcours")
    assign(candidacy, by=secretariat, professionnel=professionnel)
    with pytest.raises(PermissionDenied):
        services.reperage_save(
            candidacy=candidacy,
            by=professionnel,
            entries={element("C1.1").pk: {"status": "acquis"}},
        )


# Parcours plan -----------------------------------------------------------------------------


@pytest.fixture
def action(candidat, own_org, secretariat, professionnel):
    candidacy = parcours_candidacy(candidat, own_org, state="parcours")
    assign(candidacy, by=secretariat, professionnel=professionnel)
    return ParcoursActionFactory(
        candidacy=candidacy,
        competence=competence(2),
        start_date=D(2026, 3, 1),
        end_date=D(2026, 4, 30),
    )


def test_parcours_action_update_saves_the_fields(action, professionnel):
    services.parcours_action_update(
        action=action,
        by=professionnel,
        provider="CNAM",
        start_date=D(2026, 5, 1),
        end_date=D(2026, 5, 1),
    )
    action.refresh_from_db()
    assert (action.provider, action.start_date, action.end_date) == (
        "CNAM",
        D(2026, 5, 1),
        D(2026, 5, 1),
    )


def test_parcours_action_update_refuses_an_end_before_the_start(action, professionnel):
    with pytest.raises(ValidationError) as excinfo:
        services.parcours_action_update(
            action=action,
            by=professionnel,
            provider="CNAM",
            start_date=D(2026, 5, 2),
            end_date=D(2026, 5, 1),
        )
    assert excinfo.value.message_dict == {
        "end_date": ["La date de fin doit être postérieure ou égale à la date de début."]
    }
    action.refresh_from_db()
    assert (action.provider, action.start_date) == ("", D(2026, 3, 1))


def test_parcours_action_update_refuses_an_end_alone_before_the_stored_start(action, professionnel):
    with pytest.raises(ValidationError) as excinfo:
        services.parcours_action_update(action=action, by=professionnel, end_date=D(2026, 2, 1))
    assert excinfo.value.message_dict == {
        "end_date": ["La date de fin doit être postérieure ou égale à la date de début."]
    }
    action.refresh_from_db()
    assert action.end_date == D(2026, 4, 30)


def test_parcours_action_update_of_a_past_cycle_is_refused(action, professionnel):
    ParcoursAction.objects.filter(pk=action.pk).update(cycle=0)
    action.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.parcours_action_update(action=action, by=professionnel, provider="X")


def test_parcours_action_update_refused_to_the_candidate(action, candidat):
    with pytest.raises(PermissionDenied):
        services.parcours_action_update(action=action, by=candidat, provider="X")


def test_parcours_action_add_only_for_a_competence_of_the_plan(action, professionnel):
    candidacy = action.candidacy
    extra = services.parcours_action_add(
        candidacy=candidacy, by=professionnel, competence=competence(2), kind="situation_travail"
    )
    assert extra.cycle == candidacy.cycle
    with pytest.raises(ValidationError) as excinfo:
        services.parcours_action_add(
            candidacy=candidacy, by=professionnel, competence=competence(3)
        )
    assert list(excinfo.value.message_dict) == ["competence"]
    assert ParcoursAction.objects.filter(candidacy=candidacy).count() == 2


def test_practice_confirm_needs_a_description(action, professionnel):
    candidacy = action.candidacy
    with pytest.raises(ValidationError) as excinfo:
        services.practice_confirm(candidacy=candidacy, by=professionnel, note="  ")
    assert list(excinfo.value.message_dict) == ["note"]
    candidacy.refresh_from_db()
    assert candidacy.practice_confirmed_on is None


# VAE experience ----------------------------------------------------------------------------


@pytest.fixture
def demande(candidat, own_org):
    return vae_candidacy(candidat, own_org)


def save_experience(candidacy, by, **dates):
    return services.vae_experience_save(
        candidacy=candidacy, by=by, employer="Formapro", job_title="Assistante", **dates
    )


def test_vae_experience_save_records_a_period(demande, candidat):
    experience = save_experience(
        demande, candidat, start_date=today() - 400 * DAY, end_date=today()
    )
    assert experience.request == demande.vae_request
    ongoing = save_experience(demande, candidat, start_date=today() - 10 * DAY, end_date=None)
    assert ongoing.end_date is None


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (1, None, {"start_date": ["La date de début ne peut pas être dans le futur."]}),
        (-10, 1, {"end_date": ["La date de fin ne peut pas être dans le futur."]}),
        (
            1,
            2,
            {
                "start_date": ["La date de début ne peut pas être dans le futur."],
                "end_date": ["La date de fin ne peut pas être dans le futur."],
            },
        ),
        (
            -10,
            -11,
            {"end_date": ["La date de fin doit être postérieure ou égale à la date de début."]},
        ),
    ],
)
def test_vae_experience_save_refuses_future_or_reversed_dates(
    start, end, errors, demande, candidat
):
    with pytest.raises(ValidationError) as excinfo:
        save_experience(
            demande,
            candidat,
            start_date=today() + start * DAY,
            end_date=None if end is None else today() + end * DAY,
        )
    assert excinfo.value.message_dict == errors
    assert not VaeExperience.objects.exists()


def test_vae_experience_save_refuses_an_end_alone_before_the_stored_start(demande, candidat):
    experience = save_experience(demande, candidat, start_date=today() - 100 * DAY)
    with pytest.raises(ValidationError) as excinfo:
        services.vae_experience_save(
            candidacy=demande, by=candidat, experience=experience, end_date=today() - 200 * DAY
        )
    assert list(excinfo.value.message_dict) == ["end_date"]


def test_vae_experience_save_refused_after_submission(candidat, own_org):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    with pytest.raises(PermissionDenied):
        save_experience(candidacy, candidat, start_date=today() - 400 * DAY)


def test_vae_experience_save_refused_to_someone_else(demande, gestionnaire, secretariat):
    for by in (gestionnaire, secretariat):
        with pytest.raises(PermissionDenied):
            save_experience(demande, by, start_date=today() - 400 * DAY)


def test_vae_experience_of_another_request_cannot_be_edited(demande, candidat, own_org):
    other = vae_candidacy(UserFactory(), own_org)
    foreign = VaeExperienceFactory(
        request=other.vae_request, employer="X", job_title="Y", start_date=today() - 30 * DAY
    )
    with pytest.raises(PermissionDenied):
        services.vae_experience_save(
            candidacy=demande, by=candidat, experience=foreign, employer="Volé"
        )
    foreign.refresh_from_db()
    assert foreign.employer == "X"


def test_vae_experience_of_another_request_cannot_be_deleted(demande, candidat, own_org):
    other = vae_candidacy(UserFactory(), own_org)
    foreign = VaeExperienceFactory(request=other.vae_request)
    with pytest.raises(PermissionDenied):
        services.vae_experience_delete(candidacy=demande, by=candidat, experience=foreign)
    assert VaeExperience.objects.filter(pk=foreign.pk, request=other.vae_request).exists()


def test_vae_experience_delete_removes_the_candidate_s_own_period(demande, candidat):
    own = VaeExperienceFactory(request=demande.vae_request)
    services.vae_experience_delete(candidacy=demande, by=candidat, experience=own)
    assert not VaeExperience.objects.exists()


# VAE activities (partie 3) -----------------------------------------------------------------


@pytest.fixture
def recevable(candidat, own_org):
    return vae_candidacy(candidat, own_org, state="recevable")


NOT_TO_VALIDATE = {
    "competence": ["Choisissez une compétence qui reste à valider pour cette certification."]
}


def test_vae_activity_save_records_an_activity_for_a_competence_to_validate(recevable, candidat):
    activity = services.vae_activity_save(
        candidacy=recevable,
        by=candidat,
        competence=competence(2),
        title="Planifier les sessions",
        description="J'ai tenu le planning de l'organisme.",
    )
    activity.refresh_from_db()
    assert (activity.candidacy, activity.competence, activity.title) == (
        recevable,
        competence(2),
        "Planifier les sessions",
    )


def test_vae_activity_save_refuses_a_competence_validated_and_in_force(recevable, candidat):
    validate(recevable.candidate, 2, validated_on=today() - 365 * DAY)
    with pytest.raises(ValidationError) as excinfo:
        services.vae_activity_save(
            candidacy=recevable,
            by=candidat,
            competence=competence(2),
            title="Planifier les sessions",
            description="J'ai tenu le planning de l'organisme.",
        )
    assert excinfo.value.message_dict == NOT_TO_VALIDATE
    assert not VaeActivity.objects.exists()


def test_vae_activity_save_refuses_to_move_an_activity_to_another_certification(
    recevable, candidat, other_certification
):
    activity = VaeActivityFactory(candidacy=recevable, competence=competence(3))
    foreign = other_certification.competences.get(number=3)
    with pytest.raises(ValidationError) as excinfo:
        services.vae_activity_save(
            candidacy=recevable, by=candidat, activity=activity, competence=foreign
        )
    assert excinfo.value.message_dict == NOT_TO_VALIDATE
    activity.refresh_from_db()
    assert activity.competence == competence(3)


def test_vae_activity_of_another_candidacy_cannot_be_deleted(recevable, candidat, own_org):
    other = vae_candidacy(UserFactory(), own_org, state="recevable")
    foreign = VaeActivityFactory(candidacy=other)
    with pytest.raises(PermissionDenied):
        services.vae_activity_delete(candidacy=recevable, by=candidat, activity=foreign)
    assert VaeActivity.objects.filter(pk=foreign.pk, candidacy=other).exists()


def test_vae_activity_delete_removes_the_candidate_s_own_activity(recevable, candidat):
    own = VaeActivityFactory(candidacy=recevable)
    services.vae_activity_delete(candidacy=recevable, by=candidat, activity=own)
    assert not VaeActivity.objects.exists()


# Notifications -----------------------------------------------------------------------------


def test_transition_mails_the_candidate_once_after_commit(
    candidat, own_org, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.run_transition(
            name="withdraw", candidacy=candidacy, by=secretariat, comment="Départ."
        )
        assert mailoutbox == []
    # The notification task after the commit, then the e-mail task of its one notification.
    assert len(callbacks) == 2
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [candidat.email]


def test_refused_transition_mails_nothing(
    candidat, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    candidacy = vae_candidacy(candidat, own_org, state="recevabilite")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.GuardFailed),
    ):
        services.run_transition(name="withdraw", candidacy=candidacy, by=candidat, comment="")
    assert callbacks == []
    assert mailoutbox == []
