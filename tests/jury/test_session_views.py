"""Jury session pages: programming, composition, agenda, opening with attendance and quorum,
closing, read-only once closed, scoping (404), the list's queries, and revocation.

Set-up goes through jury.services; the action under test goes through the pages.
"""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates.models import TransitionLog
from jury import services
from jury.models import (
    Certificate,
    Deliberation,
    JurySession,
    Seat,
)
from tests.factories import (
    CandidacyFactory,
    CertificateFactory,
    DeliberationFactory,
    JuryFactory,
    JuryMemberFactory,
)
from tests.helpers import flash_messages, page_text

from .builders import (
    EMPLOYEURS,
    SALARIES,
    SESSION_DAY,
    cheap_in_jury,
    fresh_session,
    member,
    planned_session,
    programmed,
)

pytestmark = pytest.mark.django_db


def _checked(response, name, value) -> bool:
    return bool(
        re.search(
            rf'<input type="checkbox" name="{name}" value="{value}"[^>]*\bchecked\b',
            response.content.decode(),
        )
    )


def _url(name, session, *args):
    return reverse(name, args=[session.pk, *args])


@pytest.fixture
def session(secretariat):
    return programmed(by=secretariat, date=SESSION_DAY, place="CPEF, salle du conseil")


def _open(session, by, present):
    return services.session_open(session=session, by=by, present_member_ids=[m.pk for m in present])


# Programming ------------------------------------------------------------------------------


def test_session_create_needs_a_place_or_a_link_and_keeps_input(client, secretariat):
    day = timezone.localdate() + datetime.timedelta(days=30)
    client.force_login(secretariat)
    response = client.post(
        reverse("session_create"), {"date": day.isoformat(), "start_time": "14:00"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["place"] == [
        "Indiquez un lieu ou un lien de visioconférence."
    ]
    assert f'value="{day.isoformat()}"' in response.content.decode()
    assert 'value="14:00"' in response.content.decode()
    assert not JurySession.objects.exists()

    response = client.post(
        reverse("session_create"),
        {
            "date": day.isoformat(),
            "start_time": "14:00",
            "video_link": "https://visio.exemple.fr/jury",
        },
        follow=True,
    )
    session = JurySession.objects.get()
    assert response.redirect_chain == [(reverse("session_detail", args=[session.pk]), 302)]
    assert flash_messages(response) == [
        f"Session du {day:%d/%m/%Y} programmée : composez-la maintenant."
    ]
    assert (
        session.date,
        session.start_time,
        session.place,
        session.video_link,
        session.state,
    ) == (day, datetime.time(14, 0), "", "https://visio.exemple.fr/jury", "planned")
    assert session.created_by == secretariat


def test_session_create_refuses_an_invalid_date(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("session_create"), {"date": "31/02/2026", "start_time": "14:00", "place": "Lyon"}
    )
    assert response.context["form"].errors["date"] == ["Saisissez une date valide."]
    assert 'value="Lyon"' in response.content.decode()
    assert not JurySession.objects.exists()


# Composition ------------------------------------------------------------------------------


def test_session_detail_offers_active_members_grouped_by_college(
    client, secretariat, session, two_per_college
):
    def mandate(m):
        return f"{m.user.get_full_name()} — mandat du 01/01/2000 au 31/12/2099"

    JuryMemberFactory(user=JuryFactory(last_name="Retraite"), college="salaries", is_active=False)
    client.force_login(secretariat)
    response = client.get(_url("session_detail", session))
    assert response.status_code == 200
    form = response.context["compose_form"]
    assert [
        (group, [label for _, label in options])
        for group, options in form.fields["members"].choices
    ] == [
        # By name: « Deux » before « Un »; each with their mandate.
        ("Collège employeurs", [mandate(two_per_college["e2"]), mandate(two_per_college["e1"])]),
        ("Collège salariés", [mandate(two_per_college["s2"]), mandate(two_per_college["s1"])]),
    ]
    assert "Retraite" not in page_text(response)
    assert "Collège employeurs" in page_text(response)


def test_session_compose_seats_the_members_and_the_president(
    client, secretariat, session, two_per_college
):
    client.force_login(secretariat)
    e1, e2, s1, s2 = (
        two_per_college["e1"],
        two_per_college["e2"],
        two_per_college["s1"],
        two_per_college["s2"],
    )
    response = client.post(
        _url("session_compose", session),
        {"members": [e1.pk, e2.pk, s1.pk], "president": s1.pk},
        follow=True,
    )
    assert flash_messages(response) == ["Composition de la session enregistrée."]
    session = fresh_session(session)
    assert session.president == s1
    assert set(session.seats.values_list("member_id", flat=True)) == {e1.pk, e2.pk, s1.pk}

    client.post(_url("session_compose", session), {"members": [e1.pk, s2.pk], "president": e1.pk})
    session = fresh_session(session)
    assert session.president == e1
    assert set(session.seats.values_list("member_id", flat=True)) == {e1.pk, s2.pk}


def test_session_compose_errors_are_shown_next_to_fields_and_input_kept(
    client, secretariat, session, two_per_college
):
    client.force_login(secretariat)
    e1, e2, s1 = two_per_college["e1"], two_per_college["e2"], two_per_college["s1"]
    response = client.post(
        _url("session_compose", session), {"members": [e1.pk, e2.pk], "president": e1.pk}
    )
    assert response.status_code == 200
    assert response.context["compose_form"].errors == {
        "members": ["La session doit réunir des membres des deux collèges."]
    }
    assert _checked(response, "members", e1.pk) and _checked(response, "members", e2.pk)
    assert not _checked(response, "members", s1.pk)

    response = client.post(
        _url("session_compose", session), {"members": [e1.pk, s1.pk], "president": e2.pk}
    )
    assert response.context["compose_form"].errors == {
        "president": ["Choisissez la présidence parmi les membres de la session."]
    }
    assert not Seat.objects.exists()
    assert fresh_session(session).president is None


def test_session_compose_refuses_an_inactive_member(client, secretariat, session, two_per_college):
    gone = JuryMemberFactory(user=JuryFactory(), college="salaries", is_active=False)
    client.force_login(secretariat)
    response = client.post(
        _url("session_compose", session),
        {"members": [two_per_college["e1"].pk, gone.pk], "president": two_per_college["e1"].pk},
    )
    assert "members" in response.context["compose_form"].errors
    assert not Seat.objects.exists()


# Agenda -------------------------------------------------------------------------------------


def test_session_page_links_to_the_instruction_for_the_session_instead_of_a_drop_down(
    client, secretariat, composed, own_org
):
    cheap_in_jury(own_org)
    client.force_login(secretariat)
    response = client.get(_url("session_detail", composed))
    assert "agenda_form" not in response.context
    content = response.content.decode()
    assert f'href="{reverse("jury_instruction")}?session={composed.pk}"' in content
    assert 'name="candidacy"' not in content


def test_session_remove_candidacy_asks_confirmation_then_removes(
    client, secretariat, composed, own_org
):
    candidacy = cheap_in_jury(own_org)
    deliberation = services.session_add_candidacy(
        session=composed, by=secretariat, candidacy=candidacy
    )
    client.force_login(secretariat)
    url = _url("session_remove_candidacy", composed, deliberation.pk)
    assert url in client.get(_url("session_detail", composed)).content.decode()
    response = client.get(url)
    assert response.status_code == 200
    assert "sera retirée de l'ordre du jour" in page_text(response)
    assert Deliberation.objects.filter(pk=deliberation.pk).exists()

    response = client.post(url, follow=True)
    assert flash_messages(response) == [
        f"La candidature de {candidacy.candidate} est retirée de la session."
    ]
    assert not Deliberation.objects.filter(pk=deliberation.pk).exists()


def test_session_remove_candidacy_of_another_session_is_404(client, secretariat, composed, own_org):
    other = programmed(by=secretariat, date=SESSION_DAY, place="Paris")
    deliberation = services.session_add_candidacy(
        session=other,
        by=secretariat,
        candidacy=cheap_in_jury(own_org),
    )
    client.force_login(secretariat)
    response = client.post(_url("session_remove_candidacy", composed, deliberation.pk))
    assert response.status_code == 404
    assert Deliberation.objects.filter(pk=deliberation.pk).exists()


def test_session_detail_for_a_member_shows_the_jury_and_links_each_fiche(
    client, secretariat, composed, two_per_college, own_org
):
    deliberation = services.session_add_candidacy(
        session=composed,
        by=secretariat,
        candidacy=cheap_in_jury(own_org),
    )
    client.force_login(two_per_college["s1"].user)
    response = client.get(_url("session_detail", composed))
    assert [
        (c["label"], [seat.member for seat in c["seats"]]) for c in response.context["colleges"]
    ] == [
        ("Collège employeurs", [two_per_college["e2"], two_per_college["e1"]]),
        ("Collège salariés", [two_per_college["s1"]]),
    ]
    content = response.content.decode()
    assert f'href="{reverse("deliberation_detail", args=[deliberation.pk])}"' in content
    assert f'href="{reverse("session_dashboard", args=[composed.pk])}"' in content
    assert _url("session_remove_candidacy", composed, deliberation.pk) not in content
    assert f"{two_per_college['e1'].user} — <strong>préside la séance</strong>" in page_text(
        response
    )
    assert ">présence<" not in page_text(response)


# Opening: attendance and quorum -------------------------------------------------------------


def test_session_open_refused_when_one_college_is_absent(
    client, secretariat, composed, two_per_college
):
    client.force_login(secretariat)
    response = client.post(
        _url("session_open", composed),
        {"present": [two_per_college["e1"].pk, two_per_college["e2"].pk]},
    )
    assert response.status_code == 200
    assert response.context["open_form"].errors == {
        "present": ["Quorum non atteint : aucun représentant du collège salariés n'est présent."]
    }
    assert _checked(response, "present", two_per_college["e2"].pk)
    assert not _checked(response, "present", two_per_college["s1"].pk)
    assert fresh_session(composed).state == "planned"
    assert list(composed.seats.values_list("present", flat=True)) == [None, None, None]


def test_session_open_refused_without_parity(client, secretariat, composed, two_per_college):
    client.force_login(secretariat)
    response = client.post(
        _url("session_open", composed),
        {"present": [two_per_college["e1"].pk, two_per_college["e2"].pk, two_per_college["s1"].pk]},
    )
    assert response.context["open_form"].errors == {
        "present": [
            "Quorum non atteint : la parité n'est pas respectée (2 représentants des employeurs, 1 représentant des salariés)."
        ]
    }
    assert fresh_session(composed).state == "planned"


def test_session_open_without_parity_requirement_records_attendance(
    client, secretariat, two_per_college, settings
):
    settings.JURY_REQUIRE_PARITY = False
    session = planned_session(
        by=secretariat,
        members=list(two_per_college.values()),
        president=two_per_college["e1"],
        date=SESSION_DAY,
    )
    client.force_login(secretariat)
    present = [two_per_college["e1"].pk, two_per_college["e2"].pk, two_per_college["s1"].pk]
    response = client.post(_url("session_open", session), {"present": present}, follow=True)
    assert flash_messages(response) == ["La session est ouverte : les présences sont enregistrées."]
    session = fresh_session(session)
    assert session.state == "open" and session.opened_at is not None
    assert dict(session.seats.values_list("member_id", "present")) == {
        two_per_college["e1"].pk: True,
        two_per_college["e2"].pk: True,
        two_per_college["s1"].pk: True,
        two_per_college["s2"].pk: False,
    }
    content = page_text(response)
    assert content.count(">présence<") == 3 and content.count(">absence<") == 1
    assert "open_form" not in response.context and "compose_form" not in response.context


def test_session_open_by_the_president_with_parity(client, composed, two_per_college):
    client.force_login(two_per_college["e1"].user)
    response = client.post(
        _url("session_open", composed),
        {"present": [two_per_college["e1"].pk, two_per_college["s1"].pk]},
    )
    assert response.status_code == 302
    assert fresh_session(composed).state == "open"
    assert dict(composed.seats.values_list("member_id", "present")) == {
        two_per_college["e1"].pk: True,
        two_per_college["e2"].pk: False,
        two_per_college["s1"].pk: True,
    }


def test_session_open_refused_to_a_seated_member_who_does_not_preside(
    client, composed, two_per_college
):
    client.force_login(two_per_college["s1"].user)
    response = client.get(_url("session_detail", composed))
    assert response.status_code == 200
    assert "open_form" not in response.context and "compose_form" not in response.context
    response = client.post(
        _url("session_open", composed),
        {"present": [two_per_college["e1"].pk, two_per_college["s1"].pk]},
    )
    assert response.status_code == 403
    assert fresh_session(composed).state == "planned"


# Closing ------------------------------------------------------------------------------------


def test_session_close_refused_while_a_decision_is_pending(
    client, secretariat, composed, two_per_college, own_org
):
    candidacy = cheap_in_jury(own_org)
    deliberation = services.session_add_candidacy(
        session=composed, by=secretariat, candidacy=candidacy
    )
    session = _open(composed, secretariat, [two_per_college["e1"], two_per_college["s1"]])
    client.force_login(secretariat)

    response = client.get(_url("session_close", session))
    assert response.status_code == 200
    text = page_text(response)
    assert "Cette action est irréversible" in text
    assert "1 candidature attend encore une décision" in text

    response = client.post(_url("session_close", session), follow=True)
    assert flash_messages(response) == [
        "Une candidature attend encore une décision : décidez-en ou retirez-la de la session."
    ]
    assert fresh_session(session).state == "open"

    response = client.post(_url("session_remove_candidacy", session, deliberation.pk), follow=True)
    assert flash_messages(response) == [
        f"La candidature de {candidacy.candidate} est retirée de la session."
    ]
    response = client.post(_url("session_close", session), follow=True)
    assert flash_messages(response) == ["La session est close : elle ne peut plus être modifiée."]
    # Exactly one message on the page: the closure is shown in the session's Informations.
    assert response.content.decode().count('class="message ') == 1
    assert "consultable en lecture seule" in page_text(response)
    session = fresh_session(session)
    assert session.state == "closed" and session.closed_at is not None


def test_session_close_by_the_president_but_not_another_member(client, composed, two_per_college):
    session = _open(
        composed, two_per_college["e1"].user, [two_per_college["e1"], two_per_college["s1"]]
    )
    client.force_login(two_per_college["s1"].user)
    assert client.get(_url("session_close", session)).status_code == 403
    assert client.post(_url("session_close", session)).status_code == 403
    assert fresh_session(session).state == "open"

    client.force_login(two_per_college["e1"].user)
    assert client.post(_url("session_close", session)).status_code == 302
    assert fresh_session(session).state == "closed"


@pytest.fixture
def closed(composed, secretariat, two_per_college, own_org):
    """A closed session whose agenda holds one decided candidacy (certified)."""
    session = _open(composed, secretariat, [two_per_college["e1"], two_per_college["s1"]])
    services.session_close(session=session, by=secretariat)
    candidacy = CandidacyFactory(state="certifie", organisation=own_org)
    DeliberationFactory(
        session=session,
        candidacy=candidacy,
        conform=True,
        outcome="certifie",
        decided_at=timezone.now(),
        decided_by=two_per_college["e1"].user,
    )
    return fresh_session(session)


def test_closed_session_is_read_only(client, secretariat, closed, two_per_college, own_org):
    client.force_login(secretariat)
    response = client.get(_url("session_detail", closed))
    assert response.status_code == 200
    assert f"{reverse('jury_instruction')}?session={closed.pk}" not in response.content.decode()
    for form in ("compose_form", "open_form"):
        assert form not in response.context
    content = response.content.decode()
    assert _url("session_close", closed) not in content
    assert "retirer" not in content
    assert "lecture seule" in page_text(response)
    assert "Certification obtenue" in page_text(response)

    seats = set(closed.seats.values_list("member_id", "present"))
    refusals = [
        (
            _url("session_compose", closed),
            {
                "members": [two_per_college["e2"].pk, two_per_college["s1"].pk],
                "president": two_per_college["e2"].pk,
            },
            "La session n'est plus programmée : sa composition ne peut plus changer.",
        ),
        (
            _url("session_open", closed),
            {"present": [two_per_college["e1"].pk, two_per_college["s1"].pk]},
            "Seule une session programmée peut être ouverte.",
        ),
        (_url("session_close", closed), {}, "Seule une session ouverte peut être close."),
        (
            _url("session_remove_candidacy", closed, closed.deliberations.get().pk),
            {},
            "Cette candidature a déjà fait l'objet d'une décision.",
        ),
    ]
    for url, data, message in refusals:
        response = client.post(url, data, follow=True)
        assert response.redirect_chain == [(_url("session_detail", closed), 302)], url
        assert flash_messages(response) == [message]
    session = fresh_session(closed)
    assert (session.state, session.president_id) == ("closed", two_per_college["e1"].pk)
    assert set(session.seats.values_list("member_id", "present")) == seats
    assert session.deliberations.count() == 1


# Scoping ------------------------------------------------------------------------------------


def test_session_pages_are_404_for_a_member_of_another_session(
    client, secretariat, composed, own_org
):
    deliberation = services.session_add_candidacy(
        session=composed,
        by=secretariat,
        candidacy=cheap_in_jury(own_org),
    )
    e, s = member(EMPLOYEURS, last_name="Ailleurs"), member(SALARIES, last_name="Ailleurs")
    planned_session(by=secretariat, members=[e, s], president=e, date=SESSION_DAY, place="Paris")
    for user in (e.user, s.user):
        client.force_login(user)
        assert client.get(reverse("session_list")).status_code == 200
        for name, args in _session_pages(composed, deliberation):
            if name not in POST_ONLY:
                assert client.get(reverse(name, args=args)).status_code == 404, name
            assert client.post(reverse(name, args=args)).status_code == 404, name


# GET on these answers 405 to everybody, whatever the session: it tells nothing.
POST_ONLY = {"session_compose", "session_open"}


def _session_pages(session, deliberation):
    return [
        ("session_detail", [session.pk]),
        ("session_compose", [session.pk]),
        ("session_remove_candidacy", [session.pk, deliberation.pk]),
        ("session_open", [session.pk]),
        ("session_close", [session.pk]),
    ]


@pytest.mark.parametrize("actor", ["jury", "candidat", "gestionnaire", "outsider", "professionnel"])
def test_jury_pages_are_404_for_people_off_the_sessions(
    client, actors, actor, secretariat, composed, own_org
):
    deliberation = services.session_add_candidacy(
        session=composed,
        by=secretariat,
        candidacy=cheap_in_jury(own_org),
    )
    certificate = CertificateFactory(
        deliberation=DeliberationFactory(
            session=composed,
            candidacy=CandidacyFactory(state="certifie", organisation=own_org),
            decided_at=timezone.now(),
            outcome="certifie",
        ),
        kind="certificat",
        issued_on=SESSION_DAY,
    )
    client.force_login(actors[actor])
    pages = _session_pages(composed, deliberation) + [
        ("session_create", []),
        ("certificate_revoke", [certificate.pk]),
    ]
    if actor != "jury":
        pages.append(("session_list", []))
    for name, args in pages:
        url = reverse(name, args=args)
        if name not in POST_ONLY:
            assert client.get(url).status_code == 404, name
        assert (
            client.post(url, {"reason": "x", "date": "2026-06-15", "place": "x"}).status_code == 404
        ), name
    assert JurySession.objects.count() == 1
    assert composed.deliberations.count() == 2
    assert Certificate.objects.get().revoked_at is None


def test_session_pages_redirect_anonymous_visitors_to_login(client, composed):
    response = client.get(_url("session_detail", composed))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Revocation ---------------------------------------------------------------------------------


@pytest.fixture
def certificate(closed):
    return CertificateFactory(
        deliberation=closed.deliberations.get(), kind="certificat", issued_on=SESSION_DAY
    )


def test_certificate_revoke_requires_a_reason(client, secretariat, certificate):
    client.force_login(secretariat)
    url = reverse("certificate_revoke", args=[certificate.pk])
    response = client.get(url)
    assert certificate.number in page_text(response)
    for reason in ("", "   "):
        response = client.post(url, {"reason": reason})
        assert response.status_code == 200
        assert response.context["form"].errors == {"reason": ["Ce champ est obligatoire."]}
    certificate.refresh_from_db()
    assert certificate.revoked_at is None
    assert not TransitionLog.objects.filter(transition="revoke_certificate").exists()


def test_certificate_revoke_with_a_reason_is_logged(client, secretariat, certificate, closed):
    client.force_login(secretariat)
    url = reverse("certificate_revoke", args=[certificate.pk])
    response = client.post(url, {"reason": "Fraude avérée au dossier."}, follow=True)
    assert response.redirect_chain == [(_url("session_detail", closed), 302)]
    assert flash_messages(response) == ["Certificat révoqué."]
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_by == secretariat
    assert certificate.revocation_reason == "Fraude avérée au dossier."
    log = TransitionLog.objects.get(transition="revoke_certificate")
    candidacy = certificate.deliberation.candidacy
    assert (log.candidacy, log.actor, log.source, log.target) == (
        candidacy,
        secretariat,
        "certifie",
        "certifie",
    )
    assert log.comment == f"Révocation du n° {certificate.number} : Fraude avérée au dossier."
    assert "révoqué" in page_text(response)

    response = client.get(url)
    text = page_text(response)
    assert "Ce certificat a été révoqué" in text and "Confirmer la révocation" not in text
    response = client.post(url, {"reason": "Encore."})
    assert response.context["form"].non_field_errors() == ["Ce certificat est déjà révoqué."]
    assert TransitionLog.objects.filter(transition="revoke_certificate").count() == 1
