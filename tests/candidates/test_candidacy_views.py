import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.models import Candidacy, TransitionLog
from cqp.models import HabilitationKind, Membership, MembershipRole, User
from tests.candidates.builders import fill_livret
from tests.factories import (
    CandidacyFactory,
    HabilitationFactory,
    MembershipFactory,
    UserFactory,
    VaeCandidacyFactory,
)
from tests.helpers import changed_to, flash_messages, page_text, query_count

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidacy(own_org, candidat, secretariat, professionnel, evaluateur):
    c = CandidacyFactory(organisation=own_org, candidate__user=candidat)
    services.candidacy_assign(
        candidacy=c, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    return c


def test_candidacy_list_filters_search_and_pagination(client, gestionnaire, own_org, other_org):
    CandidacyFactory.create_batch(22, organisation=own_org)
    zephyrin = CandidacyFactory(organisation=own_org, candidate__user__last_name="Zéphyrin")
    VaeCandidacyFactory(organisation=own_org)
    CandidacyFactory(organisation=other_org, candidate__user__last_name="Ailleurs")
    client.force_login(gestionnaire)
    page = client.get(reverse("candidacy_list")).context["page"]
    assert page.paginator.count == 24 and len(page.object_list) == 20
    assert [
        c.pk for c in client.get(reverse("candidacy_list"), {"q": "zéphyrin"}).context["page"]
    ] == [zephyrin.pk]
    assert (
        client.get(reverse("candidacy_list"), {"q": "Ailleurs"}).context["page"].paginator.count
        == 0
    )
    assert (
        client.get(reverse("candidacy_list"), {"pathway": "vae"}).context["page"].paginator.count
        == 1
    )
    assert (
        client.get(reverse("candidacy_list"), {"state": "demande"}).context["page"].paginator.count
        == 1
    )
    assert "Aucune candidature ne correspond" in page_text(
        client.get(reverse("candidacy_list"), {"q": "introuvable"})
    )


def test_a_row_of_the_candidacy_list_shows_each_column_escaped(
    client, secretariat, candidacy, professionnel
):
    """Each row (candidates.templatetags.candidacy_items.candidacy_rows): the candidate's
    name linking to the candidacy and the e-mail, the pathway, the step, the organisation
    (the CPEF for a VAE request without one), the professionnel and the évaluateur (« — »
    when none) and the day of the latest change in French time; every text escaped."""
    vae = VaeCandidacyFactory(
        organisation=None,
        candidate__user__first_name="<b>Inès</b>",
        candidate__user__last_name="Roux & fils",
    )
    late = timezone.make_aware(datetime.datetime(2026, 3, 4, 23, 30), datetime.UTC)
    Candidacy.objects.filter(pk=vae.pk).update(updated_at=late)  # 5 March in Paris
    client.force_login(secretariat)
    html = client.get(reverse("candidacy_list")).content.decode()
    vae_row = next(row for row in html.split("<tr>") if f"/candidatures/{vae.pk}/" in row)
    assert "&lt;b&gt;Inès&lt;/b&gt; Roux &amp; fils</a>" in vae_row
    assert f"<small>{vae.candidate.user.email}</small>" in vae_row
    assert '<td data-label="Voie">VAE</td>' in vae_row
    assert '<span class="badge badge--state badge--demande">' in vae_row
    assert '<td data-label="Organisation">CPEF</td>' in vae_row
    assert '<td data-label="Professionnel">—</td><td data-label="Évaluateur">—</td>' in vae_row
    assert '<td data-label="Mise à jour">05/03/2026</td>' in vae_row
    row = next(row for row in html.split("<tr>") if f"/candidatures/{candidacy.pk}/" in row)
    assert '<td data-label="Voie">Parcours</td>' in row
    assert f'<td data-label="Organisation">{candidacy.organisation.name}</td>' in row
    assert f'<td data-label="Professionnel">{professionnel.get_full_name()}</td>' in row


@pytest.mark.parametrize("role", ["gestionnaire", "secretariat"])
def test_candidacy_list_query_count_is_the_same_at_5_and_50_rows(
    client, actors, own_org, role, django_assert_num_queries
):
    client.force_login(actors[role])
    professionnel, evaluateur = actors["professionnel"], actors["evaluateur"]
    for _ in range(5):
        c = CandidacyFactory(organisation=own_org)
        services.candidacy_assign(
            candidacy=c,
            by=actors["secretariat"],
            professionnel=professionnel,
            evaluateur=evaluateur,
        )
    baseline = query_count(client, reverse("candidacy_list") + "?page=1")
    for _ in range(45):
        CandidacyFactory(organisation=own_org, professionnel=professionnel, evaluateur=evaluateur)
    with django_assert_num_queries(baseline):
        client.get(reverse("candidacy_list") + "?page=1")
    with django_assert_num_queries(baseline):
        client.get(reverse("candidacy_list") + "?page=3")


def test_candidacy_create_by_gestionnaire_invites_the_employee(
    client, gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gestionnaire)
    data = {
        "organisation": own_org.pk,
        "email": "pas-une-adresse",
        "first_name": "Inès",
        "last_name": "Garnier",
    }
    response = client.post(reverse("candidacy_create"), data)
    assert response.context["form"].errors["email"] == ["Saisissez une adresse e-mail valide."]
    assert 'value="Inès"' in response.content.decode()
    data["email"] = "ines@exemple.fr"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("candidacy_create"), data, follow=True)
    candidacy = Candidacy.objects.get(candidate__user__email="ines@exemple.fr")
    assert (candidacy.state, candidacy.pathway, candidacy.organisation) == (
        "reperage",
        "parcours",
        own_org,
    )
    assert flash_messages(response) == [
        "Candidature ouverte pour Inès Garnier : une invitation lui a été envoyée par e-mail."
    ]
    assert Membership.objects.filter(
        user__email="ines@exemple.fr", organisation=own_org, role="candidat"
    ).exists()
    assert len(mailoutbox) == 1 and "/mot-de-passe/reinitialiser/" in mailoutbox[0].body
    response = client.post(reverse("candidacy_create"), data)
    assert response.context["form"].errors["email"] == [
        "Cette personne a déjà une candidature en cours pour cette certification."
    ]


def test_candidacy_create_cannot_target_an_organisation_one_does_not_manage(
    client, gestionnaire, other_org
):
    client.force_login(gestionnaire)
    response = client.post(
        reverse("candidacy_create"),
        {
            "organisation": other_org.pk,
            "email": "x@exemple.fr",
            "first_name": "X",
            "last_name": "Y",
        },
    )
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="x@exemple.fr").exists()


def test_assign_page_offers_only_habilitated_people_and_reassigns(
    client, gestionnaire, candidacy, professionnel, secretariat
):
    expired = UserFactory(last_name="Expiré")
    HabilitationFactory(
        user=expired,
        kind=HabilitationKind.PROFESSIONNEL,
        valid_from=datetime.date(2020, 1, 1),
        valid_until=timezone.localdate() - datetime.timedelta(days=1),
        granted_by=secretariat,
    )
    other = UserFactory(last_name="Remplaçant")
    HabilitationFactory(user=other, kind=HabilitationKind.PROFESSIONNEL, granted_by=secretariat)
    client.force_login(gestionnaire)
    url = reverse("candidacy_assign", args=[candidacy.pk])
    choices = list(client.get(url).context["form"].fields["professionnel"].queryset)
    assert other in choices and professionnel in choices and expired not in choices
    response = client.post(
        url, {"professionnel": expired.pk, "evaluateur": candidacy.evaluateur_id}
    )
    assert "professionnel" in response.context["form"].errors
    response = client.post(
        url, {"professionnel": other.pk, "evaluateur": candidacy.evaluateur_id}, follow=True
    )
    assert flash_messages(response) == ["Les intervenants de la candidature ont été enregistrés."]
    candidacy.refresh_from_db()
    assert candidacy.professionnel == other
    assert "remplace" in page_text(client.get(reverse("candidacy_detail", args=[candidacy.pk])))


def test_detail_shows_timeline_current_step_and_history(client, candidat, candidacy):
    client.force_login(candidat)
    response = client.get(reverse("candidacy_detail", args=[candidacy.pk]))
    content = page_text(response)
    assert (
        'aria-current="step"><span class="visually-hidden">étape en cours : </span>Repérage des acquis'
        in content
    )
    steps = re.findall(r'class="timeline__step timeline__step--(\w+)"', response.content.decode())
    assert steps == ["current", "todo", "todo", "todo"]
    assert "professionnel du secteur affecté" in content and "évaluateur externe affecté" in content
    assert [a["name"] for a in response.context["other_actions"]] == ["withdraw"]


def test_a_complete_livret_is_announced_without_a_false_warning(client, professionnel, candidacy):
    """The plan is generated by the completion itself: the page does not ask for it."""
    fill_livret(candidacy, to_develop=(2,))
    client.force_login(professionnel)
    url = reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"])
    assert "Impossible de terminer le repérage" not in page_text(client.get(url))
    client.post(url, {"expected_state": "reperage"})
    candidacy.refresh_from_db()
    assert candidacy.state == "parcours"


def test_transition_confirm_lists_what_is_missing_before_submitting(
    client, professionnel, candidacy
):
    client.force_login(professionnel)
    response = client.get(reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"]))
    content = page_text(response)
    assert "Impossible de terminer le repérage pour le moment.</strong> Il manque :" in content
    assert "8 éléments de la compétence C1 sans appréciation dans le livret de repérage" in content
    # No confirmation is offered: the service would refuse it.
    assert "Confirmer : terminer le repérage" not in content
    assert 'href="{}"'.format(reverse("reperage_edit", args=[candidacy.pk])) in content
    # A crafted post is refused by the service, in one sentence.
    response = client.post(
        reverse("candidacy_transition", args=[candidacy.pk, "complete_reperage"]),
        {"expected_state": "reperage"},
        follow=True,
    )
    assert flash_messages(response)[0].startswith(
        "Impossible de terminer le repérage : il manque 8 éléments de la compétence C1 sans "
        "appréciation dans le livret de repérage, 7 éléments"
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"


def test_withdraw_needs_a_reason_then_closes_the_candidacy(
    client, candidat, candidacy, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(candidat)
    url = reverse("candidacy_transition", args=[candidacy.pk, "withdraw"])
    assert "Cette action est définitive." in page_text(client.get(url))
    response = client.post(url, {"expected_state": "reperage", "comment": ""})
    assert response.context["form"].errors["comment"] == [
        "Indiquez le motif : il est obligatoire pour cette action."
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"expected_state": "reperage", "comment": "Changement de poste"}, follow=True
        )
    assert flash_messages(response) == [
        "C'est fait : la candidature est maintenant à l'étape « Abandonnée »."
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.closing_reason) == ("abandonne", "Changement de poste")
    assert (
        TransitionLog.objects.filter(
            candidacy=candidacy,
            transition="withdraw",
            role="candidat",
            comment="Changement de poste",
        ).count()
        == 1
    )
    # The candidate, and the professionnel and évaluateur who will not have to act any more.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [candidat.email, candidacy.professionnel.email, candidacy.evaluateur.email]
    )


def test_crafted_transition_from_a_wrong_state_or_by_a_wrong_user_changes_nothing(
    client, candidat, professionnel, candidacy
):
    client.force_login(candidat)
    for name in ["continue_after_partial", "submit_activities", "complete_reperage"]:
        response = client.post(
            reverse("candidacy_transition", args=[candidacy.pk, name]),
            {"expected_state": "reperage"},
        )
        assert response.status_code == 403
    assert (
        client.post(
            reverse("candidacy_transition", args=[candidacy.pk, "inconnue"]), {}
        ).status_code
        == 404
    )
    client.force_login(professionnel)
    assert (
        client.post(
            reverse("candidacy_transition", args=[candidacy.pk, "withdraw"]),
            {"expected_state": "reperage", "comment": "x"},
        ).status_code
        == 403
    )
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"
    assert (
        not TransitionLog.objects.filter(candidacy=candidacy)
        .exclude(transition__in=["create", "assign_professionnel", "assign_evaluateur"])
        .exists()
    )


def test_transition_on_a_candidacy_changed_meanwhile_gives_a_clear_message(
    client, candidat, professionnel, candidacy
):
    """The candidate's page showed the repérage; the professionnel completed it since: the
    candidate may still withdraw, but is told the candidacy moved and nothing is recorded."""
    fill_livret(candidacy, to_develop=(2,))
    services.run_transition(name="complete_reperage", candidacy=candidacy, by=professionnel)
    client.force_login(candidat)
    response = client.post(
        reverse("candidacy_transition", args=[candidacy.pk, "withdraw"]),
        {"expected_state": "reperage", "comment": "Moi aussi"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("candidacy_detail", args=[candidacy.pk]), 302)]
    assert flash_messages(response) == [
        "La candidature vient d'être modifiée par quelqu'un d'autre : elle est maintenant "
        "à l'étape « Parcours de formation ». Rien n'a été enregistré ; vérifiez la page "
        "avant de recommencer."
    ]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.closing_reason) == ("parcours", "")
    assert not TransitionLog.objects.filter(candidacy=candidacy, transition="withdraw").exists()


def test_transition_on_a_candidacy_closed_meanwhile_says_it_changed(
    client, candidat, gestionnaire, candidacy
):
    """The gestionnaire withdrew the candidacy first: the candidate's page, shown before,
    is told so (issue 11, defect 8), not refused."""
    services.run_transition(name="withdraw", candidacy=candidacy, by=gestionnaire, comment="Départ")
    client.force_login(candidat)
    response = client.post(
        reverse("candidacy_transition", args=[candidacy.pk, "withdraw"]),
        {"expected_state": "reperage", "comment": "Moi aussi"},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("candidacy_detail", args=[candidacy.pk]), 302)]
    assert flash_messages(response) == [changed_to("Abandonnée")]
    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.closing_reason) == ("abandonne", "Départ")
    entry = TransitionLog.objects.get(candidacy=candidacy, transition="withdraw")
    assert (entry.actor, entry.comment) == (gestionnaire, "Départ")


def test_concurrent_change_is_reported_when_the_state_moved_since_display(
    client, secretariat, candidat
):
    candidacy = VaeCandidacyFactory(candidate__user=candidat, state="recevabilite")
    client.force_login(secretariat)
    response = client.post(
        reverse("candidacy_transition", args=[candidacy.pk, "withdraw"]),
        {"expected_state": "demande", "comment": "Départ"},
        follow=True,
    )
    assert "vient d'être modifiée par quelqu'un d'autre" in flash_messages(response)[0]
    candidacy.refresh_from_db()
    assert candidacy.state == "recevabilite"


def test_recevabilite_queue_spans_organisations_oldest_first(
    client, secretariat, own_org, other_org
):
    first = VaeCandidacyFactory(organisation=other_org, state="recevabilite")
    second = VaeCandidacyFactory(organisation=None, state="recevabilite")
    VaeCandidacyFactory(organisation=own_org, state="demande")
    first.vae_request.submitted_on = datetime.date(2026, 1, 5)
    first.vae_request.save()
    second.vae_request.submitted_on = datetime.date(2026, 2, 1)
    second.vae_request.save()
    client.force_login(secretariat)
    response = client.get(reverse("recevabilite_queue"))
    assert list(response.context["page"]) == [first, second]
    assert "CPEF" in page_text(response)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("candidat", ["Mes candidatures", "Repérage des acquis"]),
        ("professionnel", ["Candidatures qui attendent votre intervention", "Repérage des acquis"]),
        ("evaluateur", ["Aucune candidature n'attend votre intervention."]),
        (
            "gestionnaire",
            ["Candidatures de vos organisations", "Ouvrir une candidature (parcours)"],
        ),
        ("secretariat", ["Recevabilité des demandes de VAE"]),
    ],
)
def test_dashboard_panels_show_candidacies(client, actors, candidacy, role, expected):
    client.force_login(actors[role])
    content = page_text(client.get(reverse("dashboard")))
    for text in expected:
        assert text in content, text


def test_vae_candidate_without_membership_gets_the_candidate_role(client):
    candidacy = VaeCandidacyFactory(organisation=None)
    client.force_login(candidacy.candidate.user)
    content = page_text(client.get(reverse("dashboard")))
    assert '<span class="badge badge--role">Candidat</span>' in content
    assert "Demande de VAE" in content


def test_assign_page_refuses_a_member_of_the_organisation_as_evaluateur_next_to_the_field(
    client, gestionnaire, candidacy, own_org, secretariat
):
    member = UserFactory(first_name="Iris", last_name="Interne")
    HabilitationFactory(user=member, kind=HabilitationKind.EVALUATEUR, granted_by=secretariat)
    MembershipFactory(user=member, organisation=own_org, role=MembershipRole.GESTIONNAIRE)
    client.force_login(gestionnaire)
    url = reverse("candidacy_assign", args=[candidacy.pk])
    response = client.post(
        url, {"professionnel": candidacy.professionnel_id or "", "evaluateur": member.pk}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["evaluateur"] == [
        "L'évaluateur externe est extérieur à l'organisation du candidat : "
        f"Iris Interne est membre de « {own_org} »."
    ]
    assert response.context["form"]["evaluateur"].value() == str(member.pk)
    candidacy.refresh_from_db()
    assert candidacy.evaluateur != member
