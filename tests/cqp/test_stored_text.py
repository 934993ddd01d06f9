"""Stored texts read in the reader's language: notifications and the history comments the
platform writes record what happened and are rendered when shown; old rows keep their
French text; the référentiel's French text is marked lang="fr" on an English page."""

import datetime

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from candidates import services as candidacy_services
from candidates.models import TransitionLog
from cqp import emails, notifications
from cqp.models import Notification
from tests.candidates.builders import parcours_candidacy
from tests.factories import CandidacyFactory, NotificationFactory

pytestmark = pytest.mark.django_db

FRENCH = "Votre candidature : Repérage des acquis → Abandonnée"
ENGLISH = "Your application: Identification of prior skills → Withdrawn"


@pytest.fixture
def withdrawn(own_org, candidat, django_capture_on_commit_callbacks):
    candidacy = CandidacyFactory(organisation=own_org, candidate__user=candidat)
    with django_capture_on_commit_callbacks(execute=True):
        candidacy_services.run_transition(
            name="withdraw", candidacy=candidacy, by=candidat, comment="Départ"
        )
    return candidacy


def _in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_notification_records_what_happened_and_keeps_its_french_text(withdrawn, candidat):
    notification = Notification.objects.get(user=candidat)
    assert (notification.message_key, notification.role, notification.comment) == (
        "transition",
        "candidat",
        "Départ",
    )
    assert notification.values["label"] == {
        "join": [{"t": "Repérage des acquis"}, " → ", {"t": "Abandonnée"}]
    }
    assert notification.values["state"] == {"t": "Abandonnée"}
    assert notification.subject == FRENCH
    assert notification.body.endswith("\n\nCommentaire : Départ")


def test_an_english_reader_sees_the_notification_in_english(client, withdrawn, candidat):
    client.force_login(candidat)
    page = _in_english(client).get(reverse("notification_list")).content.decode()
    assert ENGLISH in page
    assert FRENCH not in page
    assert "Départ" in page  # what the candidate typed stays as typed


def test_a_french_reader_sees_the_notification_in_french(client, withdrawn, candidat):
    client.force_login(candidat)
    page = client.get(reverse("notification_list")).content.decode()
    assert FRENCH in page
    assert ENGLISH not in page


def test_an_old_notification_shows_its_stored_text_in_any_language(client, candidat):
    NotificationFactory(user=candidat, subject="Ancien avis en français", body="Texte stocké.")
    client.force_login(candidat)
    page = _in_english(client).get(reverse("notification_list")).content.decode()
    assert "Ancien avis en français" in page
    assert "Texte stocké." in page


def test_a_notification_whose_message_is_gone_shows_its_stored_text(candidat):
    notification = NotificationFactory(
        user=candidat, subject="Texte", body="Corps", message_key="disparu", values={"a": 1}
    )
    with translation.override("en"):
        assert notifications.shown(notification) == ("Texte", "Corps")


def test_the_email_copy_is_in_the_sites_language(withdrawn, candidat, mailoutbox):
    # Users state no language: the e-mail is written in the site's language (French),
    # whatever the language active where it is sent.
    notification = Notification.objects.get(user=candidat)
    Notification.objects.filter(pk=notification.pk).update(email_sent_at=None)
    mailoutbox.clear()
    with translation.override("en"):
        assert emails.notification_email_send(notification_id=notification.pk)
    (email,) = mailoutbox
    assert email.subject == FRENCH
    assert "Commentaire : Départ" in email.body


def test_dates_are_stored_as_iso_and_shown_in_the_readers_format():
    message = notifications.MESSAGES["session_convened"]
    values = {"date": datetime.date(2026, 3, 5), "time": "14:00", "where": "Paris"}
    stored = {name: notifications._stored(value) for name, value in values.items()}
    assert stored["date"] == {"d": "2026-03-05"}
    with translation.override("fr"):
        assert notifications._rendered(message, "membres_session", stored, "", "session_convened")[
            0
        ] == ("Convocation : jury paritaire du 05/03/2026")
    with translation.override("en"):
        assert notifications._rendered(message, "membres_session", stored, "", "session_convened")[
            0
        ] == ("Notice to attend: joint jury of 03/05/2026")


def test_every_notification_message_has_its_own_key():
    assert {key for key, message in notifications.MESSAGES.items() if message.key == key} == set(
        notifications.MESSAGES
    )
    with pytest.raises(ValueError):
        notifications.Message(key="transition", title="x", body="y")


def test_an_assignment_is_logged_as_what_happened_and_shown_in_the_readers_language(
    client, candidat, own_org, secretariat, professionnel
):
    candidacy = parcours_candidacy(candidat, own_org)
    candidacy_services.candidacy_assign(
        candidacy=candidacy, by=secretariat, professionnel=professionnel
    )
    entry = TransitionLog.objects.get(candidacy=candidacy, transition="assign_professionnel")
    assert (entry.comment_key, entry.comment_values) == (
        "assigned",
        {"kind": "professionnel", "person": str(professionnel), "previous": ""},
    )
    assert entry.comment == f"Professionnel du secteur : {professionnel}"
    client.force_login(secretariat)
    url = reverse("candidacy_history", args=[candidacy.pk])
    french = client.get(url).content.decode()
    assert f"Professionnel du secteur : {professionnel}" in french
    english = _in_english(client).get(url).content.decode()
    assert f"Industry professional: {professionnel}" in english
    assert f"Professionnel du secteur : {professionnel}" not in english


def test_a_replacement_names_the_person_replaced_in_the_readers_language(
    candidat, own_org, secretariat, professionnel, evaluateur
):
    candidacy = parcours_candidacy(candidat, own_org)
    entry = candidacy_services.candidacy_log(
        candidacy=candidacy,
        by=secretariat,
        action="assign_evaluateur",
        comment_key="assigned",
        comment_values={"kind": "evaluateur", "person": "Ana B", "previous": "Léo C"},
    )
    assert entry.comment == "Évaluateur externe : Ana B (remplace Léo C)"
    with translation.override("en"):
        assert entry.comment_shown == "External assessor: Ana B (replaces Léo C)"


def test_an_old_history_entry_shows_its_stored_comment(client, candidat, own_org, secretariat):
    candidacy = parcours_candidacy(candidat, own_org)
    candidacy_services.candidacy_log(
        candidacy=candidacy,
        by=secretariat,
        action="assign_professionnel",
        comment="Professionnel du secteur : Ancien Nom",
    )
    client.force_login(secretariat)
    url = reverse("candidacy_history", args=[candidacy.pk])
    assert "Professionnel du secteur : Ancien Nom" in _in_english(client).get(url).content.decode()


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        ("fr", "Organiser une formation"),
        ("en", '<span lang="fr">Organiser une formation</span>'),
    ],
)
def test_referentiel_text_is_marked_french_on_a_page_in_another_language(language, shown):
    template = Template("{% load stored_text %}{{ title|fr }}")
    with translation.override(language):
        assert template.render(Context({"title": "Organiser une formation"})) == shown


def test_the_french_mark_escapes_the_text():
    template = Template("{% load stored_text %}{{ title|fr }}")
    with translation.override("en"):
        assert template.render(Context({"title": "<b>"})) == '<span lang="fr">&lt;b&gt;</span>'


ELEMENT = (
    "Identifier les acteurs clés internes et externes en lien avec les prestations de "
    "formation et leur rôle"
)


def test_the_referentiel_page_marks_its_french_text_on_an_english_page(client, candidat):
    client.force_login(candidat)
    url = reverse("certification_detail", args=["CQP-AF"])
    english = _in_english(client).get(url).content.decode()
    assert '<html lang="en">' in english
    assert f'<li><span lang="fr">{ELEMENT}</span></li>' in english
    assert english.count('<span lang="fr">') >= 45 + 4  # elements, competences, title...


def test_the_referentiel_page_in_french_carries_no_lang_mark(client, candidat):
    client.force_login(candidat)
    french = client.get(reverse("certification_detail", args=["CQP-AF"])).content.decode()
    assert f"<li>{ELEMENT}</li>" in french
    assert 'lang="fr">' not in french.split("<html", 1)[1].split(">", 1)[1]


def test_the_candidacy_header_marks_the_certification_title_in_english(
    client, candidat, own_org, secretariat
):
    candidacy = parcours_candidacy(candidat, own_org)
    client.force_login(secretariat)
    page = _in_english(client).get(reverse("candidacy_detail", args=[candidacy.pk]))
    title = candidacy.certification.title
    assert f'<p class="candidacy-meta"><span lang="fr">{title}</span>' in page.content.decode()
