import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cqp.models import Habilitation, HabilitationKind, Invitation, Membership, Organisation
from cqp.validators import siret_is_valid
from tests.factories import (
    HabilitationFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
    valid_siret,
)
from tests.helpers import flash_messages, page_text, query_count

pytestmark = pytest.mark.django_db


# Organisations ---------------------------------------------------------------------------


def test_organisation_create_keeps_input_and_shows_siret_error_next_to_field(client, secretariat):
    client.force_login(secretariat)
    data = {
        "name": "Centre Alpha",
        "kind": "entreprise",
        "siret": "73282932000075",
        "city": "Lille",
        "is_active": "on",
    }
    response = client.post(reverse("organisation_create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["siret"] == [
        "Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas."
    ]
    content = response.content.decode()
    assert 'value="Centre Alpha"' in content and 'aria-invalid="true"' in content
    assert not Organisation.objects.filter(name="Centre Alpha").exists()
    data["siret"] = "732 829 320 00074"
    response = client.post(reverse("organisation_create"), data, follow=True)
    organisation = Organisation.objects.get(name="Centre Alpha")
    assert organisation.siret == "73282932000074"
    assert response.redirect_chain[-1][0] == reverse(
        "organisation_detail", args=[organisation.slug]
    )
    assert flash_messages(response) == ["L'organisation « Centre Alpha » a été créée."]


def test_organisation_create_refuses_duplicate_siret(client, secretariat, own_org):
    client.force_login(secretariat)
    response = client.post(
        reverse("organisation_create"),
        {"name": "Doublon", "kind": "entreprise", "siret": own_org.siret},
    )
    assert response.context["form"].errors["siret"] == [
        "Une organisation avec ce SIRET existe déjà."
    ]


def test_organisation_update(client, secretariat, own_org):
    client.force_login(secretariat)
    response = client.post(
        reverse("organisation_update", args=[own_org.slug]),
        {"name": "Nouveau nom", "kind": "entreprise", "siret": own_org.siret, "city": "Brest"},
        follow=True,
    )
    own_org.refresh_from_db()
    assert (own_org.name, own_org.kind, own_org.city, own_org.is_active) == (
        "Nouveau nom",
        "entreprise",
        "Brest",
        False,
    )
    assert flash_messages(response) == ["L'organisation « Nouveau nom » a été mise à jour."]


def test_organisation_list_filters_paginates_and_has_an_empty_state(client, secretariat):
    for n in range(25):
        OrganisationFactory(
            name=f"Org {n:02d}",
            kind="entreprise" if n % 2 else "organisme_formation",
            city="Lyon" if n < 5 else "Paris",
        )
    client.force_login(secretariat)
    page = client.get(reverse("organisation_list")).context["page"]
    assert page.paginator.count == 25 and len(page.object_list) == 20
    page = client.get(reverse("organisation_list"), {"page": 2}).context["page"]
    assert len(page.object_list) == 5
    response = client.get(reverse("organisation_list"), {"kind": "entreprise", "q": "lyon"})
    assert [o.name for o in response.context["page"]] == ["Org 01", "Org 03"]
    assert (
        "kind=entreprise"
        in client.get(
            reverse("organisation_list"), {"kind": "entreprise", "q": "Org"}
        ).content.decode()
    )
    response = client.get(reverse("organisation_list"), {"q": "introuvable"})
    assert "Aucune organisation ne correspond à ces critères." in response.content.decode()
    response = client.get(reverse("organisation_list"), {"page": "abc"})
    assert response.status_code == 200


def test_a_row_of_the_organisation_list_shows_each_column_escaped(client, secretariat):
    """Each row (cqp.templatetags.organisation_items.organisation_rows): the name linking to
    the organisation's page, its type, SIRET, city (« — » when none), members and status;
    every text escaped."""
    inactive = OrganisationFactory(
        name="Durand & <Fils>", kind="entreprise", city="", is_active=False
    )
    MembershipFactory(organisation=inactive)
    client.force_login(secretariat)
    html = client.get(reverse("organisation_list")).content.decode()
    row = next(r for r in html.split("<tr>") if f"/organisations/{inactive.slug}/" in r)
    assert f'<a href="/organisations/{inactive.slug}/">Durand &amp; &lt;Fils&gt;</a>' in row
    assert '<td data-label="Type">Entreprise</td>' in row
    assert f'<td data-label="SIRET">{inactive.siret}</td>' in row
    assert '<td data-label="Ville">—</td><td data-label="Membres">1</td>' in row
    assert '<span class="badge badge--expiree">Inactive</span>' in row


def test_organisation_list_query_count_is_constant(client, secretariat):
    client.force_login(secretariat)
    for _ in range(2):
        MembershipFactory(organisation=OrganisationFactory())
    baseline = query_count(client, reverse("organisation_list"))
    for _ in range(15):
        org = OrganisationFactory()
        MembershipFactory.create_batch(3, organisation=org)
    assert query_count(client, reverse("organisation_list")) == baseline


def test_member_list_shows_roles_and_query_count_is_constant(
    client, gestionnaire, candidat, professionnel, own_org
):
    client.force_login(gestionnaire)
    url = reverse("organisation_detail", args=[own_org.slug])
    baseline = query_count(client, url)
    for _ in range(10):
        MembershipFactory(organisation=own_org)
    MembershipFactory(organisation=own_org, user=candidat, role="gestionnaire")
    assert query_count(client, url) == baseline
    rows = {row["user"].email: row["roles"] for row in client.get(url).context["page"]}
    assert rows[candidat.email] == ["Candidat", "Gestionnaire d'organisation"]
    assert len(rows) == 13


# Invitations ---------------------------------------------------------------------------


def test_invitation_journey_from_gestionnaire_to_new_member(
    client, gestionnaire, own_org, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(gestionnaire)
    url = reverse("invitation_create", args=[own_org.slug])
    response = client.post(url, {"email": "pas-une-adresse", "role": "candidat"})
    assert response.context["form"].errors["email"] == ["Saisissez une adresse e-mail valide."]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "lea@exemple.fr", "role": "candidat"}, follow=True)
    assert flash_messages(response) == ["Invitation envoyée à lea@exemple.fr."]
    assert "lea@exemple.fr" in response.content.decode()
    response = client.post(url, {"email": "lea@exemple.fr", "role": "candidat"})
    assert response.context["form"].errors["email"] == [
        "Une invitation est déjà en attente pour cette adresse et ce rôle."
    ]
    assert len(mailoutbox) == 1
    client.logout()
    invitation = Invitation.objects.get(email="lea@exemple.fr")
    accept = reverse("invitation_accept", args=[invitation.token])
    response = client.post(
        accept,
        {
            "first_name": "Léa",
            "last_name": "Faure",
            "password1": "Un-mot-2026!",
            "password2": "Autre-mot-2026!",
        },
    )
    assert response.context["form"].errors["password2"] == [
        "Les deux mots de passe ne correspondent pas."
    ]
    assert 'value="Léa"' in response.content.decode()
    response = client.post(
        accept,
        {
            "first_name": "Léa",
            "last_name": "Faure",
            "password1": "Un-mot-2026!",
            "password2": "Un-mot-2026!",
        },
        follow=True,
    )
    assert flash_messages(response) == [f"Bienvenue : vous avez rejoint « {own_org.name} »."]
    assert response.context["user"].email == "lea@exemple.fr"
    assert Membership.objects.filter(
        user__email="lea@exemple.fr", organisation=own_org, role="candidat"
    ).exists()
    assert client.get(accept).status_code == 404


def test_invitation_accept_with_unknown_token_is_404(client):
    assert client.get(reverse("invitation_accept", args=["inconnu"])).status_code == 404


def test_invitation_accept_while_logged_in_as_someone_else_changes_nothing(
    client, gestionnaire, own_org, outsider
):
    invitation = InvitationFactory(
        organisation=own_org,
        email="e@exemple.fr",
        role="candidat",
        invited_by=gestionnaire,
        expires_at=timezone.now() + datetime.timedelta(days=3),
    )
    client.force_login(outsider)
    response = client.post(reverse("invitation_accept", args=[invitation.token]))
    assert "avec un autre compte" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Habilitations -------------------------------------------------------------------------


def test_habilitation_grant_form_errors_keep_input(client, secretariat):
    client.force_login(secretariat)
    data = {
        "email": "nouveau@exemple.fr",
        "first_name": "",
        "last_name": "",
        "kind": "evaluateur",
        "valid_from": "2026-03-01",
        "valid_until": "2026-02-01",
    }
    response = client.post(reverse("habilitation_create"), data)
    assert response.context["form"].errors["valid_until"] == [
        "La fin de validité doit être postérieure ou égale au début."
    ]
    data["valid_until"] = "2027-02-01"
    response = client.post(reverse("habilitation_create"), data)
    errors = response.context["form"].errors
    assert (
        "indiquez son prénom" in errors["first_name"][0]
        and "indiquez son nom" in errors["last_name"][0]
    )
    assert 'value="nouveau@exemple.fr"' in response.content.decode()
    data.update(first_name="Nina", last_name="Simon")
    response = client.post(reverse("habilitation_create"), data, follow=True)
    assert flash_messages(response) == ["Habilitation accordée à Nina Simon."]
    assert Habilitation.objects.filter(user__email="nouveau@exemple.fr", kind="evaluateur").exists()


def test_habilitation_list_shows_statuses_and_filters(client, secretariat):
    today = timezone.localdate()
    valid = HabilitationFactory(user__last_name="Valide", granted_by=secretariat)
    HabilitationFactory(
        user__last_name="Expiree",
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
        granted_by=secretariat,
    )
    HabilitationFactory(
        user__last_name="Revoquee",
        revoked_on=today,
        revocation_reason="Faute",
        revoked_by=secretariat,
        granted_by=secretariat,
        kind=HabilitationKind.EVALUATEUR,
    )
    client.force_login(secretariat)
    content = client.get(reverse("habilitation_list")).content.decode()
    assert (
        "badge--valide" in content and "badge--expiree" in content and "badge--revoquee" in content
    )
    assert "Faute" in content
    for status, name in [("valide", "Valide"), ("expiree", "Expiree"), ("revoquee", "Revoquee")]:
        page = client.get(reverse("habilitation_list"), {"status": status}).context["page"]
        assert [h.user.last_name for h in page] == [name]
    page = client.get(reverse("habilitation_list"), {"kind": "evaluateur"}).context["page"]
    assert [h.user.last_name for h in page] == ["Revoquee"]
    page = client.get(reverse("habilitation_list"), {"q": valid.user.email}).context["page"]
    assert list(page) == [valid]


def test_habilitation_list_query_count_is_constant(client, secretariat):
    client.force_login(secretariat)
    HabilitationFactory(granted_by=secretariat)
    baseline = query_count(client, reverse("habilitation_list"))
    for _ in range(12):
        h = HabilitationFactory(granted_by=secretariat)
        HabilitationFactory(
            user=h.user,
            kind=h.kind,
            valid_from=h.valid_until + datetime.timedelta(days=1),
            valid_until=h.valid_until + datetime.timedelta(days=30),
            granted_by=secretariat,
            renewal_of=h,
        )
    HabilitationFactory(
        revoked_on=timezone.localdate(), revoked_by=UserFactory(), granted_by=secretariat
    )
    assert query_count(client, reverse("habilitation_list")) == baseline


def test_habilitation_list_reads_its_page_keys_then_its_rows(client, secretariat):
    """Each page's keys sorted from the habilitations and their holders alone, then their
    rows with the people shown (4 queries with the user's): the list's order kept."""
    client.force_login(secretariat)
    for n in range(25):  # alike but for their key: the list's order ends on it
        HabilitationFactory(
            granted_by=secretariat, user__last_name=f"Nom {n % 7}", user__first_name="Léa"
        )
    url = reverse("habilitation_list")
    assert query_count(client, url) == query_count(client, url + "?page=2") <= 4
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"page": 2})
    sorting = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"]]
    assert len(sorting) == 1 and "granted_by_id" not in sorting[0]
    shown = [h.pk for h in client.get(url).context["page"]]
    shown += [h.pk for h in client.get(url, {"page": 2}).context["page"]]
    expected = Habilitation.objects.order_by(
        "user__last_name", "user__first_name", "kind", "-valid_until", "pk"
    ).values_list("pk", flat=True)
    assert shown == list(expected)


def test_habilitation_revoke_asks_for_confirmation_then_revokes(client, secretariat, professionnel):
    habilitation = professionnel.habilitations.get()
    client.force_login(secretariat)
    url = reverse("habilitation_revoke", args=[habilitation.pk])
    response = client.get(url)
    assert "Cette action est définitive" in response.content.decode()
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Ce champ est obligatoire."]
    habilitation.refresh_from_db()
    assert habilitation.revoked_on is None
    response = client.post(url, {"reason": "Fin de mission"}, follow=True)
    assert flash_messages(response) == [f"Habilitation de {professionnel} révoquée."]
    habilitation.refresh_from_db()
    assert habilitation.revocation_reason == "Fin de mission"


def test_habilitation_renew_page(client, secretariat, professionnel):
    habilitation = professionnel.habilitations.get()
    client.force_login(secretariat)
    url = reverse("habilitation_renew", args=[habilitation.pk])
    response = client.post(url, {"valid_until": habilitation.valid_until.isoformat()})
    assert "valid_until" in response.context["form"].errors
    end = habilitation.valid_until + datetime.timedelta(days=730)
    response = client.post(url, {"valid_until": end.isoformat()}, follow=True)
    assert flash_messages(response) == [
        f"Habilitation de {professionnel} renouvelée jusqu'au {end:%d/%m/%Y}."
    ]
    assert habilitation.renewed_by.valid_until == end


# Dashboards ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "secretariat",
            [
                "Secrétariat CPEF",
                "organisations actives",
                "Habilitations expirant dans les 60 jours",
            ],
        ),
        ("jury", ["Membre du jury", "Aucune session de jury ne vous est attribuée"]),
        ("gestionnaire", ["Gestionnaire d'organisation", "Formapro Test", "Inviter un membre"]),
        (
            "candidat",
            ["Candidat", "Vous n'avez pas encore de candidature", "CQP Assistant(e) de formation"],
        ),
        (
            "professionnel",
            ["Professionnel du secteur — Valide", "Aucune candidature n'attend votre intervention"],
        ),
        ("evaluateur", ["Évaluateur externe — Valide"]),
    ],
)
def test_dashboard_per_role(client, actors, role, expected):
    client.force_login(actors[role])
    content = page_text(client.get(reverse("dashboard")))
    for text in expected:
        assert text in content, text


def test_dashboard_header_shows_role_and_organisation(client, gestionnaire):
    client.force_login(gestionnaire)
    content = page_text(client.get(reverse("dashboard")))
    assert "Gestionnaire d'organisation" in content
    assert '<p class="account__orgs">Formapro Test</p>' in content


def test_dashboard_secretariat_lists_habilitations_expiring_soon(client, secretariat):
    today = timezone.localdate()
    HabilitationFactory(
        user__last_name="Bientot",
        valid_until=today + datetime.timedelta(days=20),
        granted_by=secretariat,
    )
    HabilitationFactory(
        user__last_name="Tranquille",
        valid_until=today + datetime.timedelta(days=200),
        granted_by=secretariat,
    )
    client.force_login(secretariat)
    expiring = [
        h.user.last_name
        for h in client.get(reverse("dashboard")).context["sections"][0]["panels"][0]["expiring"]
    ]
    assert expiring == ["Bientot"]


def test_dashboard_warns_a_professionnel_whose_habilitation_lapsed(client, professionnel):
    professionnel.habilitations.update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(professionnel)
    content = page_text(client.get(reverse("dashboard")))
    assert "Vous n'avez pas d'habilitation en cours de validité" in content


def test_dashboard_user_without_role_gets_a_helpful_empty_state(client):
    client.force_login(UserFactory())
    assert (
        "Aucun rôle ne vous est encore attribué"
        in client.get(reverse("dashboard")).content.decode()
    )


def test_referentiel_pages_show_every_element(client, candidat, django_assert_max_num_queries):
    client.force_login(candidat)
    with django_assert_max_num_queries(12):
        content = client.get(reverse("certification_detail", args=["CQP-AF"])).content.decode()
    assert content.count("<li>") >= 45
    assert "Identifier les acteurs clés internes et externes" in content


def test_valid_siret_helper_generates_valid_numbers():
    assert all(siret_is_valid(valid_siret(n)) for n in range(50))


def test_member_counts_are_the_same_for_the_gestionnaire_and_the_secretariat(
    client, gestionnaire, candidat, professionnel, secretariat, own_org
):
    """Scoping to the user's organisations must not narrow the count to the user's rows."""
    members = own_org.memberships.values("user").distinct().count()
    assert members == 3
    for user in (gestionnaire, secretariat):
        client.force_login(user)
        listed = client.get(reverse("organisation_list")).context["page"].object_list
        assert {o.pk: o.member_count for o in listed}[own_org.pk] == members
    client.force_login(gestionnaire)
    [panel_org] = [
        org
        for section in client.get(reverse("dashboard")).context["sections"]
        for panel in section["panels"]
        for org in panel.get("organisations", [])
    ]
    assert panel_org.member_count == members


def test_the_invitation_page_states_the_configured_validity(
    client, gestionnaire, own_org, settings
):
    settings.INVITATION_VALIDITY_DAYS = 7
    client.force_login(gestionnaire)
    content = page_text(client.get(reverse("invitation_create", args=[own_org.slug])))
    assert "Le lien est valable 7 jours." in content
