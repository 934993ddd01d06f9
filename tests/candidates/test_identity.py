"""The candidate's civil identity (candidates.services_identity and its page): declared by
the candidate after transmission, checked by the secretariat, required to place a dossier on
a jury session, and seen by nobody else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from candidates import services_identity
from candidates.models import Candidate
from cqp.models import Notification
from evaluations import services as evaluation_services
from jury import services as jury_services
from jury.models import Deliberation
from tests.candidates.builders import add_years, identity_of, today
from tests.evaluations.builders import dossier_of, parcours_in_evaluation, settle
from tests.factories import CandidacyFactory, MembershipFactory
from tests.helpers import flash_messages, page_text, query_count
from tests.jury.builders import cheap_in_jury, planned_session

pytestmark = pytest.mark.django_db


NO_IDENTITY = {
    **dict.fromkeys(("civility", "birth_name", "used_name", "first_names", "birth_place"), ""),
    **dict.fromkeys(("birth_date", "identity_declared_at", "identity_checked_at"), None),
}


@pytest.fixture
def candidacy(candidat, own_org):
    """A dossier transmitted to the jury, every check passed but its candidate's identity,
    not yet declared."""
    candidacy = cheap_in_jury(own_org, candidate__user=candidat)
    Candidate.objects.filter(pk=candidacy.candidate_id).update(**NO_IDENTITY)
    candidacy.candidate.refresh_from_db()
    return candidacy


@pytest.fixture
def candidate(candidacy):
    return candidacy.candidate


def _url(candidacy, name="candidate_identity"):
    return reverse(name, args=[candidacy.pk])


def _declare(candidate, by=None, **overrides):
    return services_identity.identity_declare(
        candidate=candidate, by=by or candidate.user, **identity_of(candidate.user, **overrides)
    )


def _errors(excinfo) -> dict:
    return {field: messages for field, messages in excinfo.value.message_dict.items()}


# The service ------------------------------------------------------------------------------


def test_declare_stores_the_identity_and_its_date(candidate):
    before = timezone.now()
    candidate = _declare(
        candidate,
        civility="madame",
        birth_name="  Lambert ",
        used_name="Moreau",
        first_names="Inès   Claire",
    )
    candidate.refresh_from_db()
    assert (candidate.civility, candidate.birth_name, candidate.used_name) == (
        "madame",
        "Lambert",
        "Moreau",
    )
    assert candidate.first_names == "Inès Claire"
    assert candidate.birth_date == datetime.date(1990, 5, 17)
    assert candidate.identity_declared_at >= before
    assert candidate.identity_checked_at is None
    assert candidate.identity_missing == []
    assert candidate.legal_name == "Inès Claire MOREAU"


def test_a_used_name_equal_to_the_birth_name_is_not_kept(candidate):
    candidate = _declare(candidate, birth_name="Garnier", used_name="GARNIER")
    assert candidate.used_name == ""


def test_every_field_a_certificate_needs_is_required(candidate):
    with pytest.raises(ValidationError) as excinfo:
        services_identity.identity_declare(
            candidate=candidate, by=candidate.user, birth_name="", first_names=""
        )
    errors = _errors(excinfo)
    assert set(errors) == {"birth_name", "first_names", "birth_date", "birth_place"}
    assert errors["birth_name"] == [
        "Renseignez ce champ : « nom de naissance » figure sur le certificat."
    ]
    candidate.refresh_from_db()
    assert candidate.identity_declared_at is None


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [
        (
            lambda day: day + datetime.timedelta(days=1),
            "La date de naissance ne peut pas être dans le futur.",
        ),
        (
            lambda day: add_years(day, -10),
            "Cette date de naissance n'est pas plausible : vous auriez moins de 14 ans. "
            "Vérifiez l'année.",
        ),
        (
            lambda day: datetime.date(1890, 1, 1),
            "Cette date de naissance n'est pas plausible : vous auriez plus de 100 ans. "
            "Vérifiez l'année.",
        ),
    ],
    ids=["future", "too-young", "too-old"],
)
def test_an_implausible_birth_date_is_refused(candidate, birth_date, message):
    with pytest.raises(ValidationError) as excinfo:
        _declare(candidate, birth_date=birth_date(today()))
    assert _errors(excinfo) == {"birth_date": [message]}


def test_an_implausible_birth_date_typed_by_the_secretariat_names_the_candidate(
    candidate, secretariat
):
    with pytest.raises(ValidationError) as excinfo:
        _declare(candidate, by=secretariat, birth_date=add_years(today(), -10))
    name = candidate.user.get_full_name()
    assert _errors(excinfo) == {
        "birth_date": [
            f"Cette date de naissance n'est pas plausible : {name} aurait moins de 14 ans. "
            "Vérifiez l'année."
        ]
    }


def test_the_candidate_may_not_change_it_once_checked(candidate, secretariat):
    services_identity.identity_check(candidate=_declare(candidate), by=secretariat)
    with pytest.raises(PermissionDenied):
        _declare(candidate, birth_place="Rennes")
    candidate.refresh_from_db()
    assert candidate.birth_place == "Nantes"


def test_a_change_by_the_secretariat_after_the_check_clears_it(candidate, secretariat):
    checked = services_identity.identity_check(candidate=_declare(candidate), by=secretariat)
    assert checked.identity_checked_by == secretariat
    _declare(candidate, by=secretariat, birth_place="Rennes")
    candidate.refresh_from_db()
    assert candidate.birth_place == "Rennes"
    assert candidate.identity_checked_at is None
    assert candidate.identity_checked_by is None


def test_saving_the_same_identity_after_the_check_keeps_it(candidate, secretariat):
    services_identity.identity_check(candidate=_declare(candidate), by=secretariat)
    _declare(candidate, by=secretariat)
    candidate.refresh_from_db()
    assert candidate.identity_checked_by == secretariat


def test_the_check_needs_a_complete_declaration(candidate, secretariat):
    with pytest.raises(ValidationError) as excinfo:
        services_identity.identity_check(candidate=candidate, by=secretariat)
    assert excinfo.value.messages == [
        "L'état civil ne peut pas être vérifié : il manque nom de naissance, prénoms, date de "
        "naissance, commune de naissance."
    ]


def test_the_check_of_a_page_shown_before_a_new_declaration_is_refused(candidate, secretariat):
    seen = _declare(candidate).identity_declared_at.isoformat()
    _declare(candidate, birth_place="Rennes")
    with pytest.raises(ValidationError) as excinfo:
        services_identity.identity_check(candidate=candidate, by=secretariat, seen=seen)
    assert excinfo.value.messages == [
        "L'état civil a été modifié depuis l'affichage de la page : relisez-le avant de le "
        "marquer comme vérifié."
    ]
    candidate.refresh_from_db()
    assert candidate.identity_checked_at is None


def test_only_the_secretariat_checks(candidate, gestionnaire):
    _declare(candidate)
    with pytest.raises(PermissionDenied):
        services_identity.identity_check(candidate=candidate, by=candidate.user)
    with pytest.raises(PermissionDenied):
        services_identity.identity_check(candidate=candidate, by=gestionnaire)


def test_nobody_else_declares_it(candidate, gestionnaire, professionnel):
    for user in (gestionnaire, professionnel):
        with pytest.raises(PermissionDenied):
            _declare(candidate, by=user)


# The page ---------------------------------------------------------------------------------


def test_the_candidate_fills_in_their_identity(client, candidacy, candidat):
    client.force_login(candidat)
    response = client.get(_url(candidacy))
    assert response.status_code == 200
    text = page_text(response)
    assert 'id="id_birth_date"' in text and 'type="date"' in text
    assert '<option value="" selected>Ne pas préciser</option>' in text
    response = client.post(
        _url(candidacy), {**identity_of(candidat, birth_date="1990-05-17")}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("candidacy_detail", args=[candidacy.pk])
    assert flash_messages(response) == [
        "Votre état civil est enregistré. Le secrétariat de la CPEF le vérifiera avant le jury."
    ]
    candidate = Candidate.objects.get(user=candidat)
    assert candidate.identity_declared_at is not None
    assert candidate.birth_date == datetime.date(1990, 5, 17)


def test_errors_are_summed_up_and_what_was_typed_is_kept(client, candidacy, candidat):
    client.force_login(candidat)
    tomorrow = today() + datetime.timedelta(days=1)
    response = client.post(
        _url(candidacy),
        {**identity_of(candidat, birth_place="", birth_name="Dupré"), "birth_date": tomorrow},
    )
    assert response.status_code == 200
    text = page_text(response)
    assert 'id="error-summary"' in text
    assert "Le formulaire contient 2 erreurs :" in text
    assert (
        '<a href="#id_birth_date">Date de naissance : La date de naissance ne peut pas être' in text
    )
    assert '<a href="#id_birth_place">Commune de naissance : ' in text
    assert 'value="Dupré"' in text
    assert Candidate.objects.get(user=candidat).identity_declared_at is None


def test_once_checked_the_candidate_reads_it_and_may_not_post(
    client, candidacy, candidat, secretariat
):
    services_identity.identity_check(candidate=_declare(candidacy.candidate), by=secretariat)
    client.force_login(candidat)
    response = client.get(_url(candidacy))
    assert response.status_code == 200
    assert '<form method="post" novalidate' not in page_text(response)
    assert "Votre état civil a été vérifié par le secrétariat" in page_text(response)
    response = client.post(_url(candidacy), identity_of(candidat, birth_place="Rennes"))
    assert response.status_code == 403
    assert Candidate.objects.get(user=candidat).birth_place == "Nantes"


def test_another_candidates_identity_is_not_found(client, candidacy, own_org):
    other = MembershipFactory(organisation=own_org, role="candidat").user
    client.force_login(other)
    assert client.get(_url(candidacy)).status_code == 404
    assert client.post(_url(candidacy), identity_of(other)).status_code == 404
    assert Candidate.objects.get(pk=candidacy.candidate_id).identity_declared_at is None


@pytest.mark.parametrize("role", ["gestionnaire", "professionnel", "evaluateur", "jury"])
def test_only_the_candidate_and_the_secretariat_see_it(client, candidacy, actors, role):
    client.force_login(actors[role])
    assert client.get(_url(candidacy)).status_code == 404


def test_the_secretariat_checks_it_from_the_page(client, candidacy, secretariat):
    candidate = _declare(candidacy.candidate)
    client.force_login(secretariat)
    text = page_text(client.get(_url(candidacy)))
    assert "Marquer l'état civil comme vérifié" in text
    response = client.post(
        _url(candidacy, "candidate_identity_check"),
        {"seen": candidate.identity_declared_at.isoformat()},
        follow=True,
    )
    assert flash_messages(response) == [f"État civil vérifié pour {candidate}."]
    candidate.refresh_from_db()
    assert candidate.identity_checked_by == secretariat


def test_the_check_is_the_secretariats_only(client, candidacy, candidat):
    _declare(candidacy.candidate)
    client.force_login(candidat)
    assert client.post(_url(candidacy, "candidate_identity_check")).status_code == 404
    assert Candidate.objects.get(user=candidat).identity_checked_at is None


def test_the_identity_page_reads_a_bounded_number_of_queries(client, candidacy, candidat):
    client.force_login(candidat)
    first = query_count(client, _url(candidacy))
    _declare(candidacy.candidate)
    assert query_count(client, _url(candidacy)) == first


# Asked at the transmission, shown on the candidate's dashboard ---------------------------


def test_the_transmission_asks_the_candidate_for_their_identity(
    candidat, own_org, secretariat, professionnel, evaluateur, django_capture_on_commit_callbacks
):
    candidacy = parcours_in_evaluation(
        candidat,
        own_org,
        secretariat=secretariat,
        professionnel=professionnel,
        evaluateur=evaluateur,
    )
    dossier = settle(dossier_of(candidacy), professionnel=professionnel, evaluateur=evaluateur)
    with django_capture_on_commit_callbacks(execute=True):
        evaluation_services.dossier_transmit(dossier=dossier, by=evaluateur)
    asked = Notification.objects.get(user=candidat, event="transmit_to_jury")
    assert asked.subject == "Votre dossier est transmis au jury : renseignez votre état civil"
    assert asked.url == _url(candidacy)
    told = Notification.objects.get(user=secretariat, event="transmit_to_jury")
    assert told.url == reverse("candidacy_detail", args=[candidacy.pk])


def test_the_dashboard_shows_the_request_once_transmitted(client, candidacy, candidat):
    client.force_login(candidat)
    text = page_text(client.get(reverse("dashboard")))
    assert "Étape suivante : renseignez votre état civil." in text
    assert _url(candidacy) in text
    _declare(candidacy.candidate)
    text = page_text(client.get(reverse("dashboard")))
    assert "Étape suivante" not in text
    assert "Votre état civil est enregistré ; le secrétariat de la CPEF le vérifiera" in text


def test_before_the_jury_the_dashboard_only_offers_it(client, candidat, own_org):
    candidacy = CandidacyFactory(organisation=own_org, candidate__user=candidat, state="parcours")
    client.force_login(candidat)
    text = page_text(client.get(reverse("dashboard")))
    assert "Étape suivante : renseignez votre état civil." not in text
    assert "vous pouvez le renseigner dès maintenant" in text
    _declare(candidacy.candidate)
    assert "renseigner dès maintenant" not in page_text(client.get(reverse("dashboard")))


# Placing on a session requires it checked ------------------------------------------------


def test_a_dossier_without_a_checked_identity_is_not_placed(candidacy, secretariat):
    session = planned_session(by=secretariat)
    _declare(candidacy.candidate)
    with pytest.raises(ValidationError) as excinfo:
        jury_services.session_add_candidacy(session=session, by=secretariat, candidacy=candidacy)
    day = timezone.localdate(candidacy.candidate.identity_declared_at).strftime("%d/%m/%Y")
    assert excinfo.value.message_dict == {
        "candidacy": [
            f"Cette candidature ne peut pas être inscrite : état civil déclaré le {day}, pas "
            "encore vérifié par le secrétariat (page « État civil » de la candidature)."
        ]
    }
    assert not Deliberation.objects.filter(candidacy=candidacy).exists()


def test_the_instruction_page_names_the_missing_identity(client, candidacy, secretariat):
    session = planned_session(by=secretariat)
    client.force_login(secretariat)
    text = page_text(client.get(reverse("jury_instruction")))
    assert "État civil du candidat" in text
    assert "État civil non déclaré par le candidat" in text
    response = client.post(
        reverse("jury_instruction_place"),
        {"candidacies": [candidacy.pk], "session": session.pk},
        follow=True,
    )
    assert flash_messages(response) == [
        f"La candidature de {candidacy.candidate} n'est pas inscrite. Cette candidature ne peut "
        "pas être inscrite : état civil non déclaré par le candidat (page « État civil » de la "
        "candidature)."
    ]
    services_identity.identity_check(candidate=_declare(candidacy.candidate), by=secretariat)
    client.post(
        reverse("jury_instruction_place"), {"candidacies": [candidacy.pk], "session": session.pk}
    )
    assert Deliberation.objects.filter(candidacy=candidacy, session=session).exists()
