"""The whole VAE recevabilité loop in a real browser, as its two users live it: a visitor
signs up and sends a request with its proofs, the secretariat asks for a complement, the
candidate completes and sends again, the secretariat declares the request recevable, and the
candidate downloads the « avis de recevabilité ». Only the secretariat's account and the
organisation are set up beforehand; everything else goes through the pages, on a wide screen
and 320 px wide where the pages are dense: the queue, the review page, partie 2 with its
flags and the candidacy page with its history.
"""

import calendar
import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from candidates.models import Candidacy, RecevabiliteDecision
from tests.cqp.builders import pdf_bytes, png_bytes
from tests.factories import PASSWORD

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "ines.vae@exemple.fr"
SWORN = (
    "Je déclare sur l'honneur l'exactitude des informations et des justificatifs fournis dans "
    "ma demande."
)
SWORN_MISSING = (
    "Cochez la déclaration sur l'honneur : votre demande ne peut pas être envoyée sans elle."
)
SEND = "Confirmer : envoyer ma demande de recevabilité"
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 320, "height": 800}
COMMENT = "L'attestation jointe ne couvre que 2022 : joignez un justificatif pour 2021 à 2023."


def _in_two_months(day: datetime.date) -> datetime.date:
    """The same day two calendar months later, or the last day of that month."""
    month = day.month + 2
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def _fits_320(page: Page) -> None:
    """The page, at 320 px, scrolls only vertically."""
    page.set_viewport_size(NARROW)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, page.url
    finally:
        page.set_viewport_size(WIDE)


def _send_request(page: Page) -> None:
    """From partie 2: the confirmation page, refused without the sworn statement, then sent."""
    page.get_by_role("link", name="Envoyer ma demande de recevabilité").click()
    expect(page.get_by_role("heading", level=2)).to_have_text("Envoyer ma demande de recevabilité")
    expect(page.get_by_label(SWORN)).not_to_be_checked()
    submit(page.get_by_role("button", name=SEND))
    expect(page.locator(".field--error")).to_contain_text(SWORN_MISSING)
    expect(page.locator(".form-errors")).to_contain_text(SWORN_MISSING)
    page.get_by_label(SWORN).check()
    submit(page.get_by_role("button", name=SEND))
    expect(page.get_by_role("status")).to_contain_text(
        "C'est fait : la candidature est maintenant à l'étape « Recevabilité à l'examen »."
    )


def _decide(page: Page, outcome: str, reason: str, *, item: str | None = None) -> None:
    """On the review page: the decision chosen, checked, then confirmed."""
    page.get_by_label(outcome).check()
    if item is not None:
        page.get_by_label(item, exact=True).check()
    page.get_by_label(label("Motif")).fill(reason)
    submit(page.get_by_role("button", name="Vérifier avant d'enregistrer"))
    expect(page.locator(".confirm-box")).to_contain_text("Cette décision est définitive")
    submit(page.get_by_role("button", name="Confirmer la décision"))


def test_vae_request_goes_round_the_recevabilite_loop(
    new_page, live_server, tmp_path, own_org, secretariat
):
    today = timezone.localdate()
    start = today.replace(year=today.year - 3, day=1) - datetime.timedelta(days=40)
    end = today - datetime.timedelta(days=1)
    today_text, due_text = today.strftime("%d/%m/%Y"), _in_two_months(today).strftime("%d/%m/%Y")
    period_name = (
        f"Assistante de formation — Institut Rhône Formation "
        f"(du {start.strftime('%d/%m/%Y')} au {end.strftime('%d/%m/%Y')})"
    )
    flagged = f"Justificatifs de la période {period_name}"
    identity, attestation, payslip = (
        tmp_path / "piece-identite.pdf",
        tmp_path / "attestation.png",
        tmp_path / "bulletin-2021.pdf",
    )
    identity.write_bytes(pdf_bytes())
    attestation.write_bytes(png_bytes())
    payslip.write_bytes(pdf_bytes(pages=2))

    candidate = new_page()
    candidate.set_viewport_size(WIDE)
    secretary = new_page()
    secretary.set_viewport_size(WIDE)

    # A visitor asks for a VAE from the login page.
    candidate.goto(live_server.url + "/connexion/")
    candidate.get_by_role("link", name="Demander une VAE").click()
    candidate.get_by_label(label("Adresse e-mail")).fill(EMAIL)
    candidate.get_by_label(label("Prénom")).fill("Inès")
    candidate.get_by_label(label("Nom")).fill("Garnier")
    candidate.get_by_label(label("Mot de passe")).fill(PASSWORD)
    candidate.get_by_label(label("Confirmation du mot de passe")).fill(PASSWORD)
    candidate.get_by_label(label("Structure d'accueil de l'évaluation")).select_option(
        label=f"{own_org.name} ({own_org.city})"
    )
    submit(candidate.get_by_role("button", name="Créer mon compte et ouvrir ma demande"))
    expect(candidate.get_by_role("heading", level=2)).to_have_text(
        "Partie 2 — demande de recevabilité"
    )
    candidacy = Candidacy.objects.get(candidate__user__email=EMAIL)
    partie_2 = f"{live_server.url}/candidatures/{candidacy.pk}/vae/partie-2/"
    expect(candidate).to_have_url(partie_2)

    # Partie 2, one period of more than three calendar years, part time.
    presentation = {
        "Situation actuelle": "Salariée en CDI",
        "Emploi actuel": "Assistante de formation",
        "Formation et diplômes": "BTS support à l'action managériale (2016)",
        "Motivation de la demande": "Faire reconnaître huit années passées auprès des stagiaires.",
    }
    for field, value in presentation.items():
        candidate.get_by_label(label(field)).fill(value)
    submit(candidate.get_by_role("button", name="Enregistrer la partie 2"))
    expect(candidate.get_by_role("status")).to_contain_text("Partie 2 enregistrée.")
    candidate.get_by_role("link", name="Ajouter une expérience").click()
    candidate.get_by_label(label("Employeur")).fill("Institut Rhône Formation")
    candidate.get_by_label(label("Emploi occupé")).fill("Assistante de formation")
    candidate.get_by_label(label("Date de début")).fill(start.isoformat())
    candidate.get_by_label(label("Date de fin")).fill(end.isoformat())
    candidate.get_by_label(label("Temps de travail, en pourcentage d'un temps plein")).fill("80")
    candidate.get_by_role("radio", name="Oui", exact=True).check()
    submit(candidate.get_by_role("button", name="Enregistrer l'expérience"))
    expect(candidate.get_by_role("status")).to_contain_text("Expérience enregistrée.")
    period = candidate.locator(".vae-item").filter(has_text="Institut Rhône Formation")
    expect(period).to_contain_text("temps de travail : temps partiel (80 %)")

    # The proofs: the identity document, then the employer's certificate for the period.
    candidate.get_by_role("link", name="Ajouter une pièce à la demande").click()
    candidate.get_by_label(label("Fichier")).set_input_files(identity)
    submit(candidate.get_by_role("button", name="Ajouter", exact=True))
    expect(candidate.get_by_role("status")).to_contain_text(
        "Justificatif « piece-identite.pdf » ajouté."
    )
    period.get_by_role("link", name=re.compile("^Ajouter un justificatif")).click()
    candidate.get_by_label(label("Nature du justificatif")).select_option(
        label="Attestation de l'employeur"
    )
    candidate.get_by_label(label("Fichier")).set_input_files(attestation)
    submit(candidate.get_by_role("button", name="Ajouter", exact=True))
    expect(period).to_contain_text("attestation.png")
    expect(candidate.locator(".vae-summary")).to_contain_text("La durée minimale est atteinte.")
    expect(candidate.locator(".missing-list")).to_have_count(0)

    # Sent: refused without the sworn statement, then sent; the decision's date is announced.
    _send_request(candidate)
    expect(candidate.locator(".next-step")).to_contain_text(
        f"Décision attendue au plus tard le {due_text}."
    )
    candidate.get_by_role("button", name="Se déconnecter").click()
    expect(candidate).to_have_url(re.compile(re.escape(live_server.url + "/connexion/")))

    # The secretariat finds the request in its queue and reads it in full.
    login(secretary, live_server, secretariat.email, PASSWORD)
    secretary.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Recevabilité"
    ).click()
    row = secretary.locator("tbody tr").filter(has_text=EMAIL)
    expect(row).to_contain_text(own_org.name)
    expect(row.locator("td[data-label='Décision attendue le']")).to_contain_text(due_text)
    expect(row.locator("td[data-label='Dossier']")).to_have_text(
        "1 période, 1 avec justificatif ; pièce d'identité : oui"
    )
    expect(row).not_to_contain_text("nouvelle soumission")
    _fits_320(secretary)
    row.get_by_role("link", name=re.compile("^Inès Garnier")).click()
    review = f"{live_server.url}/recevabilite/{candidacy.pk}/"
    expect(secretary).to_have_url(review)
    expect(
        secretary.locator(".vae-item").filter(has_text="Institut Rhône Formation")
    ).to_contain_text("temps partiel (80 %)")

    # The certificate opens in a tab of its own, shown by the browser, not downloaded.
    proof_link = secretary.get_by_role("link", name=re.compile("^attestation.png"))
    proof = secretary.request.get(live_server.url + proof_link.get_attribute("href"))
    assert (proof.status, proof.headers["content-type"]) == (200, "image/png")
    assert proof.headers["content-disposition"] == 'inline; filename="attestation.png"'
    with secretary.expect_popup() as opened:
        proof_link.click()
    tab = opened.value
    expect(tab.locator("img")).to_be_visible()
    assert tab.url == live_server.url + proof_link.get_attribute("href")
    tab.close()
    _fits_320(secretary)

    # A request for completion: the period's proofs, with a comment.
    secretary.get_by_label("Demande de compléments").check()
    _fits_320(secretary)
    _decide(secretary, "Demande de compléments", COMMENT, item=flagged)
    expect(secretary).to_have_url(f"{live_server.url}/recevabilite/")
    expect(secretary.get_by_role("status")).to_contain_text(
        "Décision enregistrée pour Inès Garnier : demande de compléments."
    )
    expect(secretary.locator("tbody tr").filter(has_text=EMAIL)).to_have_count(0)

    # The candidate finds exactly what is asked, where it is, and all she had entered.
    login(candidate, live_server, EMAIL, PASSWORD)
    candidate.locator(".card").filter(has=candidate.locator(".badge--state")).get_by_role(
        "link", name=candidacy.certification.title
    ).click()
    candidate.get_by_role("link", name="Compléter ma partie 2").click()
    expect(candidate).to_have_url(partie_2)
    flags = candidate.get_by_role(
        "region", name="Compléments demandés par le secrétariat de la CPEF"
    )
    expect(flags).to_contain_text(COMMENT)
    expect(flags.locator(".missing-list li")).to_have_text([flagged])
    badges = candidate.locator(".badge--a-completer")
    expect(badges).to_have_count(1)
    expect(period.locator(".vae-item__subheading")).to_contain_text("À compléter")
    flags.get_by_role("link", name=flagged).click()
    expect(candidate).to_have_url(re.compile(r"#periode-\d+$"))
    for field, value in presentation.items():
        expect(candidate.get_by_label(label(field))).to_have_value(value)
    expect(period).to_contain_text("temps partiel (80 %)")
    expect(period).to_contain_text("attestation.png")
    expect(candidate.get_by_role("region", name="Pièces de la demande")).to_contain_text(
        "piece-identite.pdf"
    )
    _fits_320(candidate)

    # She adds a payslip to the period and sends the request again.
    period.get_by_role("link", name=re.compile("^Ajouter un justificatif")).click()
    candidate.get_by_label(label("Nature du justificatif")).select_option(
        label="Bulletin de salaire"
    )
    candidate.get_by_label(label("Fichier")).set_input_files(payslip)
    submit(candidate.get_by_role("button", name="Ajouter", exact=True))
    expect(period.locator(".evidence-item")).to_have_count(2)
    _send_request(candidate)
    candidate.get_by_role("link", name="Dossier VAE — partie 2").click()
    expect(candidate.get_by_role("heading", level=2)).to_have_text(
        "Partie 2 — demande de recevabilité"
    )
    expect(candidate.locator(".completion-flags")).to_have_count(0)
    expect(candidate.locator(".badge--a-completer")).to_have_count(0)

    # The secretariat sees the request back, flagged as such, and declares it recevable.
    secretary.reload()
    row = secretary.locator("tbody tr").filter(has_text=EMAIL)
    expect(row.locator("td[data-label='À savoir']")).to_have_text("nouvelle soumission")
    expect(row.locator("td[data-label='Dossier']")).to_have_text(
        "1 période, 1 avec justificatif ; pièce d'identité : oui"
    )
    row.get_by_role("link", name=re.compile("^Inès Garnier")).click()
    expect(secretary).to_have_url(review)
    history = secretary.locator(".recevabilite-history > li")
    expect(history).to_have_count(3)
    expect(history.nth(1)).to_contain_text("Demande de compléments")
    expect(history.nth(1)).to_contain_text(COMMENT)
    expect(history.nth(1)).to_contain_text(flagged)
    expect(secretary.get_by_role("link", name=re.compile("^bulletin-2021.pdf"))).to_be_visible()
    _decide(secretary, "Avis favorable : recevable", "Dossier complet, expérience suffisante.")
    expect(secretary.get_by_role("status")).to_contain_text(
        "Décision enregistrée pour Inès Garnier : avis favorable : recevable."
    )

    # The candidate reads the decision and its history, and downloads the letter.
    candidate.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(candidate.locator(".page-header .badge--state")).to_have_text("Recevable")
    events = candidate.locator(".recevabilite-history > li")
    expect(events).to_have_count(4)
    expect(events.nth(0)).to_contain_text("demande envoyée par Inès Garnier")
    expect(events.nth(1)).to_contain_text("Demande de compléments")
    expect(events.nth(2)).to_contain_text("demande envoyée par Inès Garnier")
    expect(events.nth(3)).to_contain_text("Avis favorable : recevable")
    expect(events.nth(3)).to_contain_text("Dossier complet, expérience suffisante.")
    _fits_320(candidate)
    with candidate.expect_download() as downloaded:
        events.nth(3).get_by_role(
            "link", name=re.compile("^Télécharger le courrier « avis de recevabilité »")
        ).click()
    letter = PdfReader(io.BytesIO(downloaded.value.path().read_bytes()))
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in letter.pages)
    assert "Inès Garnier" in text
    assert "Avis favorable : la demande est recevable." in text
    assert f"Date de la demande {today_text}" in text

    assert list(
        RecevabiliteDecision.objects.filter(candidacy=candidacy)
        .order_by("decided_at")
        .values_list("outcome", "decided_by", "submitted_on")
    ) == [("incomplet", secretariat.pk, today), ("favorable", secretariat.pk, today)]
    assert candidacy.vae_request.proofs.count() == 3
