"""The candidacy workflow in a real browser: livret de repérage, VAE request, recevabilité.

The live server implies `transactional_db`, whose flush after each test removes the
référentiel loaded by the data migration. `serialized_rollback` cannot be relied on to put
it back here: once Playwright's event loop runs in the test thread, asgiref's thread-critical
`Local` hands Django a fresh connection object, without the serialized contents. The
référentiel is therefore loaded again before each test, as the migration does
(tests/conftest.py).
"""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import Page, expect

from candidates import services, services_vae
from candidates.models import (
    Candidacy,
    ParcoursAction,
    ReperageEntry,
    TransitionLog,
    VaeExperience,
)
from cqp.models import CompetenceElement, User
from tests.cqp.builders import pdf_bytes, png_bytes
from tests.factories import PASSWORD, CandidacyFactory, UserFactory

from .conftest import label, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TO_DEVELOP = {2, 5}  # competences C2 and C5 have elements « à développer »
SWORN = (
    "Je déclare sur l'honneur l'exactitude des informations et des justificatifs fournis dans "
    "ma demande."
)


def _current_step(page: Page):
    return page.get_by_role("list", name="Étapes de la candidature").locator("[aria-current=step]")


def _logout(page: Page, live_server) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(re.escape(live_server.url + "/connexion/")))


def _experience_figure(start: datetime.date, end: datetime.date) -> str:
    """The figure a person expects for a period from `start` to `end`, both included, written
    independently of the app: the calendar years and months from `start` to the day after
    `end` (a month is complete on the same day of a later month)."""
    after = end + datetime.timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    years, months, days = months // 12, months % 12, (end - start).days + 1
    years_text = f"{years} an" if years < 2 else f"{years} ans"
    return f"{years_text} et {months} mois ({days} jours)"


# Livret de repérage -------------------------------------------------------------------------


@pytest.fixture
def parcours_candidacy(own_org, candidat, secretariat, professionnel, evaluateur):
    candidacy = CandidacyFactory(organisation=own_org, candidate__user=candidat)
    services.candidacy_assign(
        candidacy=candidacy, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
    )
    return candidacy


def test_professionnel_completes_the_livret_and_the_plan_appears(
    page: Page, live_server, parcours_candidacy, candidat, professionnel
):
    candidacy = parcours_candidacy
    elements = list(
        CompetenceElement.objects.filter(competence__certification=candidacy.certification)
        .select_related("competence")
        .order_by("competence__number", "number")
    )
    per_competence: dict[int, int] = {}
    for element in elements:
        per_competence[element.competence.number] = (
            per_competence.get(element.competence.number, 0) + 1
        )
    assert len(elements) == 45 and len(per_competence) == 6

    login(page, live_server, professionnel.email, PASSWORD)
    panel = page.get_by_role("region", name="Professionnel du secteur")
    expect(
        panel.get_by_role("heading", name="Candidatures qui attendent votre intervention")
    ).to_be_visible()
    panel.get_by_role("row").filter(has_text="Repérage des acquis").get_by_role(
        "link", name=str(candidat), exact=True
    ).click()

    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(str(candidat))
    page.get_by_role("navigation", name="Dossier de la candidature").get_by_role(
        "link", name="Livret de repérage", exact=True
    ).click()

    expect(page.get_by_role("heading", level=2, name="Livret de repérage")).to_be_visible()
    # French makes 0 singular; the app, without a French catalogue, says « 0 éléments ».
    expect(page.locator("#reperage-progress")).to_have_text(
        re.compile(r"^0 éléments? sur 45 renseignés?$")
    )
    competence_blocks = page.locator("fieldset.competence-block")
    expect(competence_blocks).to_have_count(6)
    expect(page.locator("fieldset.element-block")).to_have_count(45)

    def block(number: int):
        return competence_blocks.filter(
            has=page.locator("> legend", has_text=re.compile(rf"^C{number} —"))
        )

    def mark(number: int, choice: str) -> None:
        items = block(number).locator("fieldset.element-block")
        expect(items).to_have_count(per_competence[number])
        for index in range(per_competence[number]):
            # check() clicks then waits for the box to be ticked: a click that lands while
            # the page scrolls a focused field clear of the save bar is tried again.
            items.nth(index).get_by_role("radio", name=choice, exact=True).check()

    # A first attempt with only C1 assessed: refused, with what is missing, and C1 kept.
    mark(1, "Acquis")
    page.get_by_role("button", name="Enregistrer et terminer le repérage").click()

    # The draft is kept; the page says the livret is not finished, the error summary takes
    # the focus, and each element left unanswered is marked and linked from it.
    gaps = sum(count for number, count in per_competence.items() if number != 1)
    expect(page.get_by_role("status")).to_contain_text(
        f"Brouillon enregistré, mais le repérage n'est pas terminé : {gaps} éléments restent "
        "sans appréciation."
    )
    expect(page).to_have_title(re.compile(r"^Erreur : Livret de repérage"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Le brouillon est enregistré, mais le livret n'est pas terminé")
    expect(summary.get_by_role("link")).to_have_count(gaps)
    expect(page.locator("fieldset.element-block--error")).to_have_count(gaps)
    first_gap = block(2).locator("fieldset.element-block").first
    expect(first_gap.get_by_role("radio", name="Acquis")).to_have_attribute("aria-invalid", "true")
    summary.get_by_role("link").first.click()
    expect(first_gap.get_by_role("radio", name="Acquis")).to_be_focused()
    expect(page).to_have_url(
        f"{live_server.url}/candidatures/{candidacy.pk}/reperage/#id_status_"
        f"{first_gap.get_attribute('id').removeprefix('element-')}_0"
    )
    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/reperage/")
    expect(page.locator("#reperage-progress")).to_have_text("8 éléments sur 45 renseignés")
    for index in range(per_competence[1]):
        item = block(1).locator("fieldset.element-block").nth(index)
        expect(item.get_by_role("radio", name="Acquis")).to_be_checked()
        expect(item.get_by_role("radio", name="À développer")).not_to_be_checked()
    first_of_c2 = block(2).locator("fieldset.element-block").first
    expect(first_of_c2.get_by_role("radio", name="Acquis")).not_to_be_checked()
    expect(first_of_c2.get_by_role("radio", name="À développer")).not_to_be_checked()
    candidacy.refresh_from_db()
    assert candidacy.state == "reperage"
    assert not ParcoursAction.objects.filter(candidacy=candidacy).exists()

    # The whole livret: C2 and C5 to develop, everything else acquired.
    for number in sorted(per_competence):
        if number != 1:
            mark(number, "À développer" if number in TO_DEVELOP else "Acquis")
    need = "Formation à la gestion logistique des sessions."
    page.get_by_label("Besoin en formation — C2.1", exact=True).fill(need)
    page.get_by_role("button", name="Enregistrer et terminer le repérage").click()

    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/parcours/")
    expect(page.get_by_role("status")).to_contain_text(
        "Repérage terminé : le parcours a été généré pour les compétences à développer."
    )
    expect(page.get_by_role("heading", level=2, name="Parcours de formation")).to_be_visible()
    rows = page.locator("table.plan-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.locator("th .element-code")).to_have_text(["C2", "C5"])
    expect(_current_step(page)).to_have_text(re.compile(r"Parcours de formation$"))
    expect(page.locator(".page-header .badge--state")).to_have_text("Parcours de formation")

    candidacy.refresh_from_db()
    assert candidacy.state == "parcours"
    assert sorted(
        ParcoursAction.objects.filter(candidacy=candidacy).values_list(
            "competence__number", flat=True
        )
    ) == [2, 5]
    entries = ReperageEntry.objects.filter(candidacy=candidacy)
    assert entries.count() == 45
    assert (
        set(
            entries.filter(status="a_developper").values_list(
                "element__competence__number", flat=True
            )
        )
        == TO_DEVELOP
    )
    assert entries.filter(status="a_developper").count() == sum(
        per_competence[number] for number in TO_DEVELOP
    )
    assert entries.get(element__competence__number=2, element__number=1).training_need == need
    assert TransitionLog.objects.filter(
        candidacy=candidacy, transition="complete_reperage", actor=professionnel
    ).exists()


# VAE ---------------------------------------------------------------------------------------


def test_visitor_signs_up_for_a_vae_and_too_little_experience_is_refused(page: Page, live_server):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=2 * 365 + 20)
    end = today - datetime.timedelta(days=1)
    figure = _experience_figure(start, end)
    assert figure.startswith("2 ans et ")
    email = "nadia.vae@exemple.fr"

    page.goto(live_server.url + "/connexion/")
    page.get_by_role("link", name="Demander une VAE").click()
    expect(page).to_have_url(live_server.url + "/vae/demande/")
    page.get_by_label(label("Adresse e-mail")).fill(email)
    page.get_by_label(label("Prénom")).fill("Nadia")
    page.get_by_label(label("Nom")).fill("Benali")
    page.get_by_label(label("Mot de passe")).fill(PASSWORD)
    page.get_by_label(label("Confirmation du mot de passe")).fill(PASSWORD)
    page.get_by_label(label("Structure d'accueil de l'évaluation")).select_option(
        label="Aucune — rattachement direct à la CPEF"
    )
    page.get_by_role("button", name="Créer mon compte et ouvrir ma demande").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Votre demande de VAE est ouverte : complétez la partie 2 de votre dossier."
    )
    expect(page.get_by_role("heading", level=2)).to_have_text("Partie 2 — demande de recevabilité")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Benali")
    expect(_current_step(page)).to_have_text(re.compile(r"Demande de VAE$"))
    candidacy = Candidacy.objects.get(candidate__user__email=email)
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/vae/partie-2/")

    page.get_by_label(label("Situation actuelle")).fill("Salariée en CDI")
    page.get_by_label(label("Emploi actuel")).fill("Assistante administrative")
    page.get_by_label(label("Formation et diplômes")).fill("BTS assistant de gestion (2015)")
    page.get_by_label(label("Motivation de la demande")).fill(
        "Faire reconnaître mon expérience d'assistante de formation."
    )
    page.get_by_role("button", name="Enregistrer la partie 2").click()
    expect(page.get_by_role("status")).to_contain_text("Partie 2 enregistrée.")

    page.get_by_role("link", name="Ajouter une expérience").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Ajouter une expérience")
    page.get_by_label(label("Employeur")).fill("Institut Rhône Formation")
    page.get_by_label(label("Emploi occupé")).fill("Assistante de formation")
    page.get_by_label(label("Date de début")).fill(start.isoformat())
    page.get_by_label(label("Date de fin")).fill(end.isoformat())
    expect(
        page.get_by_label(label("Temps de travail, en pourcentage d'un temps plein"))
    ).to_have_value("100")
    page.get_by_label(label("Temps de travail, en pourcentage d'un temps plein")).fill("80")
    page.get_by_role("radio", name="Oui", exact=True).check()
    page.get_by_role("button", name="Enregistrer l'expérience").click()

    expect(page.get_by_role("status")).to_contain_text("Expérience enregistrée.")
    period = page.locator(".vae-item").filter(has_text="Institut Rhône Formation")
    expect(period).to_contain_text("temps de travail : temps partiel (80 %)")
    missing = page.locator(".missing-list")
    expect(missing).to_contain_text("la pièce d'identité")
    expect(missing).to_contain_text(
        "un justificatif pour la période « Assistante de formation — Institut Rhône Formation »"
    )

    # The proofs: an unreadable file is refused beside its field, then a real one is joined.
    page.get_by_role("link", name="Ajouter une pièce à la demande").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Ajouter un justificatif")
    page.get_by_label(label("Fichier")).set_input_files(
        {"name": "carte.pdf", "mimeType": "application/pdf", "buffer": b"MZ not a PDF"}
    )
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator(".field--error")).to_contain_text("Ce type de fichier n'est pas accepté.")
    page.get_by_label(label("Fichier")).set_input_files(
        {"name": "carte.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    )
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Justificatif « carte.pdf » ajouté.")
    expect(page.get_by_role("region", name="Pièces de la demande")).to_contain_text("carte.pdf")
    period.get_by_role("link", name=re.compile("^Ajouter un justificatif")).click()
    expect(page.locator("main")).to_contain_text(
        "Pour la période « Assistante de formation — Institut Rhône Formation »."
    )
    page.get_by_label(label("Nature du justificatif")).select_option(
        label="Attestation de l'employeur"
    )
    page.get_by_label(label("Fichier")).set_input_files(
        {"name": "attestation.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Justificatif « attestation.png » ajouté.")
    expect(period).to_contain_text("attestation.png")
    expect(missing).not_to_contain_text("la pièce d'identité")
    summary = page.locator(".vae-summary")
    expect(summary).to_contain_text(
        f"Expérience en rapport avec le CQP : {figure} — minimum requis : 3 ans"
    )
    expect(summary).to_contain_text("La durée minimale n'est pas atteinte.")
    expect(page.get_by_role("heading", level=4)).to_have_text(
        "Assistante de formation — Institut Rhône Formation"
    )

    refusal = (
        "une expérience en rapport avec le CQP d'au moins 3 ans à la date de la demande, "
        f"au lieu de {figure} déclarés"
    )
    page.get_by_role("link", name="Envoyer ma demande de recevabilité").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Envoyer ma demande de recevabilité")
    # The guard refuses: the page says what is missing, links to it, and offers no confirmation.
    expect(page.locator(".confirm-refused")).to_contain_text(
        "Impossible d'envoyer la demande de recevabilité pour le moment. Il manque :"
    )
    expect(page.locator(".missing-list")).to_contain_text(refusal)
    expect(page.get_by_role("button", name=re.compile("^Confirmer"))).to_have_count(0)
    page.get_by_role("link", name="Retour à la candidature").click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(page.locator(".next-step")).to_contain_text(refusal)
    expect(page.locator(".page-header .badge--state")).to_have_text("Demande de VAE")
    expect(_current_step(page)).to_have_text(re.compile(r"Demande de VAE$"))

    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.pathway, candidacy.organisation) == ("demande", "vae", None)
    assert candidacy.vae_request.submitted_on is None
    assert candidacy.vae_request.motivation.startswith("Faire reconnaître")
    experience = VaeExperience.objects.get(request=candidacy.vae_request)
    assert (
        experience.start_date,
        experience.end_date,
        experience.is_relevant,
        experience.working_time,
    ) == (start, end, True, 80)
    assert sorted(
        candidacy.vae_request.proofs.values_list("kind", "experience", "content_type")
    ) == [
        ("attestation_employeur", experience.pk, "image/png"),
        ("identite", None, "application/pdf"),
    ]
    assert candidacy.vae_request.sworn_at is None
    user = User.objects.get(email=email)
    assert (user.first_name, user.last_name) == ("Nadia", "Benali")
    assert not TransitionLog.objects.filter(
        candidacy=candidacy, transition="submit_recevabilite"
    ).exists()


def _vae_candidacy(user, organisation, *, employer, motivation):
    """A VAE request with its partie 2 filled and four years of relevant experience."""
    candidacy = services.candidacy_request_vae(user=user, organisation=organisation)
    services.vae_request_update(
        candidacy=candidacy,
        by=user,
        current_situation="Salarié en CDI",
        current_job_title="Assistant de formation",
        education="Licence professionnelle (2012)",
        motivation=motivation,
    )
    today = timezone.localdate()
    period = services.vae_experience_save(
        candidacy=candidacy,
        by=user,
        employer=employer,
        job_title="Assistant de formation",
        start_date=today - datetime.timedelta(days=4 * 365 + 30),
        end_date=None,
        is_relevant=True,
        activities="Planification des sessions, accueil des stagiaires.",
    )
    for kind, experience, name in (
        ("identite", None, "piece-identite.pdf"),
        ("contrat", period, "contrat.pdf"),
    ):
        services_vae.vae_proof_add(
            candidacy=candidacy,
            by=user,
            kind=kind,
            experience=experience,
            upload=SimpleUploadedFile(name, pdf_bytes(), "application/pdf"),
        )
    return candidacy


def test_vae_request_is_submitted_then_declared_recevable(
    page: Page, live_server, own_org, secretariat
):
    user = UserFactory(email="lucas.vae@exemple.fr", first_name="Lucas", last_name="Moreau")
    employer = "Groupe Alpha Compétences"
    motivation = "Obtenir une certification reconnue par la branche."
    candidacy = _vae_candidacy(user, own_org, employer=employer, motivation=motivation)

    # The candidate sends the request.
    login(page, live_server, user.email, PASSWORD)
    card = page.locator(".card").filter(has_text="Demande de VAE")
    expect(card.locator(".badge--state")).to_have_text("Demande de VAE")
    card.get_by_role("link", name=candidacy.certification.title).click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    # Partie 2 is complete: the next step is to send it, and it can be read again first.
    expect(page.locator(".next-step").get_by_role("link")).to_have_text(
        ["Envoyer ma demande de recevabilité", "Relire ou modifier ma partie 2"]
    )
    page.get_by_role("link", name="Relire ou modifier ma partie 2").click()
    expect(page.locator(".vae-summary")).to_contain_text("La durée minimale est atteinte.")
    expect(page.locator(".missing-list")).to_have_count(0)
    page.get_by_role("link", name="Envoyer ma demande de recevabilité").click()
    expect(page.locator(".missing-list")).to_have_count(0)
    page.get_by_label(SWORN).check()
    page.get_by_role("button", name="Confirmer : envoyer ma demande de recevabilité").click()

    expect(page.get_by_role("status")).to_contain_text(
        "C'est fait : la candidature est maintenant à l'étape « Recevabilité à l'examen »."
    )
    expect(_current_step(page)).to_have_text(re.compile(r"Recevabilité à l'examen$"))
    _logout(page, live_server)

    # The secretariat reads partie 2 and declares the request recevable.
    login(page, live_server, secretariat.email, PASSWORD)
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Recevabilité"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recevabilité des demandes de VAE")
    row = page.get_by_role("row").filter(has_text=user.email)
    expect(row).to_contain_text(own_org.name)
    expect(row).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    row.get_by_role("link", name="Fiche de la candidature").click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    # Partie 2 is read only for the secretariat.
    page.get_by_role("link", name="Dossier VAE — partie 2").click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/vae/partie-2/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lucas Moreau")
    expect(page.locator("dl.details")).to_contain_text(motivation)
    expect(page.get_by_role("heading", level=4)).to_have_text(
        f"Assistant de formation — {employer}"
    )
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Supprimer"))).to_have_count(0)
    page.get_by_role("link", name="Examiner la demande").click()
    expect(page).to_have_url(f"{live_server.url}/recevabilite/{candidacy.pk}/")
    # The proofs open in the browser (a PDF: inline).
    expect(page.get_by_role("main")).to_contain_text("piece-identite.pdf")
    contract = page.get_by_role("link", name=re.compile("^contrat.pdf"))
    proof = page.request.get(live_server.url + contract.get_attribute("href"))
    assert proof.status == 200
    assert proof.headers["content-disposition"] == 'inline; filename="contrat.pdf"'
    expect(
        page.get_by_role("img", name="Frise des périodes d'expérience déclarées")
    ).to_be_visible()
    # The checklist of items to complete shows for a request for completion only.
    checklist = page.get_by_role(
        "group", name=label("Éléments à compléter (demande de compléments)")
    )
    expect(checklist).to_be_hidden()
    page.get_by_label("Demande de compléments").check()
    expect(checklist).to_be_visible()
    page.get_by_label("Avis favorable : recevable").check()
    expect(checklist).to_be_hidden()
    page.get_by_label(label("Motif")).fill("Dossier complet, expérience suffisante.")
    page.get_by_role("button", name="Vérifier avant d'enregistrer").click()
    expect(page.locator(".confirm-box")).to_contain_text(
        "Vous allez rendre un avis favorable : la demande sera déclarée recevable"
    )
    page.get_by_role("button", name="Confirmer la décision").click()

    expect(page).to_have_url(f"{live_server.url}/recevabilite/")
    expect(page.get_by_role("status")).to_contain_text(
        "Décision enregistrée pour Lucas Moreau : avis favorable : recevable."
    )
    _logout(page, live_server)

    # The candidate sees the decision.
    login(page, live_server, user.email, PASSWORD)
    card = page.locator(".card").filter(has=page.locator(".badge--state"))
    expect(card.locator(".badge--state")).to_have_text("Recevable")
    card.get_by_role("link", name=candidacy.certification.title).click()
    expect(_current_step(page)).to_have_text(re.compile(r"Recevable$"))
    expect(page.get_by_role("link", name="Renseigner ma partie 3")).to_be_visible()

    candidacy.refresh_from_db()
    assert candidacy.state == "recevable"
    assert candidacy.recevabilite_reason == "Dossier complet, expérience suffisante."
    assert candidacy.vae_request.submitted_on == timezone.localdate()
    assert candidacy.vae_request.sworn_at is not None
    assert list(
        TransitionLog.objects.filter(candidacy=candidacy)
        .exclude(transition="create")
        .values_list("transition", "role")
    ) == [("submit_recevabilite", "candidat"), ("declare_recevable", "secretariat")]


def test_candidate_cannot_declare_their_own_request_recevable(page: Page, live_server, secretariat):
    user = UserFactory(email="claire.vae@exemple.fr", first_name="Claire", last_name="Petit")
    candidacy = _vae_candidacy(
        user, None, employer="Organisme Delta", motivation="Évoluer dans mon poste."
    )
    services.run_transition(name="submit_recevabilite", candidacy=candidacy, by=user, sworn=True)
    logs = TransitionLog.objects.filter(candidacy=candidacy).count()
    url = f"{live_server.url}/recevabilite/{candidacy.pk}/"

    login(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    # The review page, and the action page the decisions no longer have, do not exist for her.
    for address in (
        url,
        f"{live_server.url}/candidatures/{candidacy.pk}/action/declare_recevable/",
    ):
        response = page.goto(address)
        assert response is not None and response.status == 404

    # Posting a decision anyway, with a valid CSRF token, changes nothing either.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    posted = page.request.post(
        url,
        form={
            "csrfmiddlewaretoken": token,
            "expected_state": "recevabilite",
            "outcome": "favorable",
            "reason": "Je me déclare recevable.",
            "confirm": "1",
        },
        headers={"Referer": url},
    )
    assert posted.status == 404

    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(page.locator(".page-header .badge--state")).to_have_text("Recevabilité à l'examen")
    expect(page.get_by_role("link", name="Examiner la demande")).to_have_count(0)

    candidacy.refresh_from_db()
    assert candidacy.state == "recevabilite"
    assert candidacy.recevabilite_reason == ""
    assert TransitionLog.objects.filter(candidacy=candidacy).count() == logs
