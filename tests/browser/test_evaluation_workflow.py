"""The evaluation dossier in a real browser: the candidate's part, the two evaluators'
independent opinions, a disagreement settled and signed, the transmission to the jury, and
the return to the parcours for a competence not acquired.

Every candidacy reaches `evaluation` through the real services (tests/evaluations/builders.py).
To keep the module fast, the opinions and signatures of the competences the journey does not
look at are given through the services; everything the brief singles out (independence,
disagreement, wrong password, transmission, return to the parcours) happens in the browser.

The live server implies `transactional_db`, whose flush removes the référentiel loaded by the
data migration: tests/conftest.py loads it again before each test, as
tests/browser/test_candidacy_workflow.py explains.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from candidates.models import ParcoursAction, TransitionLog
from evaluations.models import CandidateAccount, Evidence
from tests.evaluations.builders import (
    ACQUISE,
    NON_ACQUISE,
    assessment,
    dossier_of,
    opinions,
    scope_codes,
    settle,
    sign,
)
from tests.factories import PASSWORD, TINY_PDF

from .conftest import label, login, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF_BYTES = TINY_PDF
ALL = ["C1", "C2", "C3", "C4", "C5", "C6"]
TODAY_TIME = r"\d{2}/\d{2}/\d{4} à \d{2}:\d{2}"


@pytest.fixture
def candidacy(parcours):
    return parcours()


def _current_step(page: Page):
    return page.get_by_role("list", name="Étapes de la candidature").locator("[aria-current=step]")


def _competence(page: Page, code: str):
    """The block of one competence, named by its heading « C1 Title »."""
    return page.get_by_role("region", name=re.compile(rf"^{code} "))


def _give_opinion(page: Page, code: str, opinion: str, comment: str) -> None:
    form = _competence(page, code).get_by_role("form", name=f"Votre avis — {code}")
    form.get_by_role("radio", name=opinion, exact=True).check()
    form.get_by_label(label("Votre commentaire")).fill(comment)
    submit(form.get_by_role("button", name="Enregistrer mon avis"))
    expect(page.get_by_role("status")).to_contain_text("Avis enregistré.")


def _sign(page: Page, code: str, password: str) -> None:
    form = _competence(page, code).get_by_role("form", name=f"Signature — {code}")
    form.get_by_label(label("Votre mot de passe (signature)")).fill(password)
    submit(form.get_by_role("button", name="Signer le résultat commun"))


def _open_assessment(page: Page, live_server, user, candidacy) -> None:
    login(page, live_server, user.email, PASSWORD)
    expect(page).to_have_url(live_server.url + "/")
    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    page.get_by_role("link", name="Évaluer les compétences").click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/evaluer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Évaluation des compétences")


@pytest.mark.media  # the evidence uploaded through the browser is stored and read back
def test_full_evaluation_up_to_the_jury(
    page: Page,
    new_page,
    live_server,
    tmp_path,
    candidacy,
    candidat,
    professionnel,
    evaluateur,
):
    dossier = dossier_of(candidacy)
    assert scope_codes(dossier) == ALL
    # C3 to C6: both opinions « acquise » and both signatures, through the services.
    for number in range(3, 7):
        opinions(dossier, number, professionnel=professionnel, evaluateur=evaluateur)
        sign(dossier, number, professionnel, evaluateur)
    account_text = "J'ai planifié douze sessions de formation pour trois clients en 2025."
    pdf = tmp_path / "attestation.pdf"
    pdf.write_bytes(PDF_BYTES)
    pro_c1 = "Récit précis, pièces probantes."
    pro_c2 = "Le candidat construit seul les plannings des sessions."
    eva_c1 = "Compétence observée en situation."
    eva_c2 = "La gestion des imprévus reste fragile."
    motivation = "Après échange, l'observation du 12 mars emporte la décision : acquise."

    # (a) The candidate writes an account for C1 and joins a PDF file.
    login(page, live_server, candidat.email, PASSWORD)
    card = page.locator(".card").filter(has=page.locator(".badge--state"))
    expect(card.locator(".badge--state")).to_have_text("Évaluation des compétences")
    card.get_by_role("link", name=candidacy.certification.title).click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    page.get_by_role("link", name="Compléter mon dossier d'évaluation").click()
    expect(page).to_have_url(
        f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/mon-dossier/"
    )
    expect(page.get_by_role("heading", level=2)).to_have_text("Compléter mon dossier d'évaluation")
    expect(page.locator("section.dossier-competence")).to_have_count(6)

    c1 = _competence(page, "C1")
    account = c1.get_by_label(
        label("Activités et situations professionnelles qui montrent cette compétence")
    )
    account.fill(account_text)
    c1.get_by_role("button", name="Enregistrer le récit").click()
    expect(page.get_by_role("status")).to_contain_text("Récit enregistré.")
    expect(account).to_have_value(account_text)
    expect(c1.locator(".dossier-saved")).to_have_text(re.compile(rf"^Enregistré le {TODAY_TIME}$"))

    c1.get_by_label(label("Joindre une pièce justificative")).set_input_files(pdf)
    c1.get_by_role("button", name="Joindre ce fichier").click()
    expect(page.get_by_role("status")).to_contain_text("Pièce « attestation.pdf » ajoutée.")
    expect(c1.get_by_role("heading", level=4)).to_have_text(
        "Pièces justificatives (1 sur 10 au maximum)"
    )
    expect(c1.locator(".evidence-item__name")).to_have_text(["attestation.pdf"])
    expect(c1.get_by_role("link", name="attestation.pdf", exact=True)).to_be_visible()
    expect(account).to_have_value(account_text)
    expect(_competence(page, "C2").locator(".evidence-item")).to_have_count(0)

    # (b) The professionnel gives « acquise » for C1 and C2, with a comment.
    pro = new_page()
    _open_assessment(pro, live_server, professionnel, candidacy)
    expect(pro.locator(".assessment-role")).to_contain_text(
        "Vous intervenez en qualité de professionnel du secteur"
    )
    pro_card_c1 = _competence(pro, "C1")
    expect(pro_card_c1.locator(".assessment-account")).to_have_text(account_text)
    expect(pro_card_c1.get_by_role("link", name="attestation.pdf", exact=True)).to_be_visible()
    _give_opinion(pro, "C1", "Acquise", pro_c1)
    _give_opinion(pro, "C2", "Acquise", pro_c2)
    expect(_competence(pro, "C2").locator("dl.details dd").first).to_contain_text("Acquise")
    expect(_competence(pro, "C2").locator("dl.details dd").last).to_have_text("en attente")

    # (c) The évaluateur: the professionnel's opinions stay hidden until theirs are given.
    eva = new_page()
    _open_assessment(eva, live_server, evaluateur, candidacy)
    eva_card_c2 = _competence(eva, "C2")
    expect(eva_card_c2.locator("dl.details dd").first).to_have_text("pas encore donné")
    expect(eva_card_c2.locator("dl.details dd").last).to_have_text("donné")
    expect(eva.get_by_text(pro_c2)).to_have_count(0)
    expect(eva.get_by_text(pro_c1)).to_have_count(0)
    assert pro_c2 not in eva.content()  # not even hidden in the page
    expect(eva_card_c2.get_by_role("radio", name="Acquise", exact=True)).not_to_be_checked()

    _give_opinion(eva, "C1", "Acquise", eva_c1)
    eva_card_c1 = _competence(eva, "C1")
    expect(eva_card_c1).to_contain_text(pro_c1)  # both given: both shown
    expect(eva_card_c1.locator(".assessment-disagreement")).to_have_count(0)
    expect(eva.get_by_text(pro_c2)).to_have_count(0)  # C2 still hidden
    assert pro_c2 not in eva.content()

    _give_opinion(eva, "C2", "Non acquise", eva_c2)
    expect(eva_card_c2).to_contain_text(pro_c2)
    expect(eva_card_c2).to_contain_text(eva_c2)
    expect(eva_card_c2.locator(".badge")).to_have_text(["Acquise", "Non acquise"])
    disagreement = eva_card_c2.locator(".assessment-disagreement")
    expect(disagreement).to_contain_text("Désaccord")
    expect(disagreement).to_contain_text("les deux avis divergent")
    expect(eva_card_c2.get_by_role("form", name="Signature — C2")).to_have_count(0)
    expect(eva_card_c2).to_contain_text("Pas encore arrêté.")

    # The évaluateur sets the joint result for C2, with its motivation.
    final = eva_card_c2.get_by_role("form", name="Résultat commun — C2")
    final.get_by_role("radio", name="Acquise", exact=True).check()
    final.get_by_label(label("Motivation du résultat commun")).fill(motivation)
    final.get_by_role("button", name="Enregistrer le résultat commun").click()
    expect(eva.get_by_role("status")).to_contain_text("Résultat commun enregistré.")
    expect(disagreement).to_contain_text("le résultat commun a été arrêté et motivé")
    expect(eva_card_c2).to_contain_text(f"Motivation : {motivation}")

    # A wrong password: a French error next to the field, nothing signed.
    _sign(eva, "C2", PASSWORD + "-faux")
    sign_form = _competence(eva, "C2").get_by_role("form", name="Signature — C2")
    field = sign_form.locator(".field").filter(
        has=eva.get_by_label(label("Votre mot de passe (signature)"))
    )
    expect(field).to_have_class(re.compile(r"\bfield--error\b"))
    expect(field).to_contain_text("Mot de passe incorrect : la signature n'a pas été enregistrée.")
    expect(_competence(eva, "C2").locator(".assessment-signatures li")).to_have_text(
        [
            "Professionnel du secteur : pas encore signé",
            "Évaluateur externe (vous) : pas encore signé",
        ]
    )
    a2 = assessment(dossier, 2)
    assert a2.evaluateur_signed_at is None

    _sign(eva, "C2", PASSWORD)
    expect(eva.get_by_role("status")).to_contain_text("Signature enregistrée.")
    expect(_competence(eva, "C2").locator(".assessment-signatures li").last).to_have_text(
        re.compile(
            rf"^Évaluateur externe \(vous\) : signé par {re.escape(evaluateur.get_full_name())}"
            rf" le {TODAY_TIME}$"
        )
    )
    expect(_competence(eva, "C2").get_by_role("form", name="Signature — C2")).to_have_count(0)

    # The professionnel sees the disagreement settled and signs too.
    pro.reload()
    pro_card_c2 = _competence(pro, "C2")
    expect(pro_card_c2.locator(".assessment-disagreement")).to_contain_text("Désaccord")
    expect(pro_card_c2).to_contain_text(eva_c2)
    expect(pro_card_c2).to_contain_text(f"Motivation : {motivation}")
    _sign(pro, "C2", PASSWORD)
    expect(pro.get_by_role("status")).to_contain_text("Signature enregistrée.")
    expect(_competence(pro, "C2").locator(".assessment-signatures li").first).to_have_text(
        re.compile(
            rf"^Professionnel du secteur \(vous\) : signé par "
            rf"{re.escape(professionnel.get_full_name())} le {TODAY_TIME}$"
        )
    )
    # Only the évaluateur externe transmits.
    expect(pro.get_by_role("link", name="Transmettre le dossier au jury")).to_have_count(0)

    # C1's joint result (both « acquise ») is signed through the services.
    sign(dossier, 1, professionnel, evaluateur)

    # (d) The évaluateur transmits the complete dossier.
    eva.reload()
    expect(
        eva.get_by_role("link", name="Reprendre le parcours pour les compétences non acquises")
    ).to_have_count(0)
    eva.get_by_role("link", name="Transmettre le dossier au jury").click()
    expect(eva).to_have_url(
        f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/transmettre/"
    )
    expect(eva.locator(".confirm-box")).to_contain_text("Le dossier est complet")
    expect(eva.locator(".missing-list")).to_have_count(0)
    eva.get_by_role("button", name="Transmettre le dossier au jury").click()

    expect(eva).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(eva.get_by_role("status")).to_contain_text("Dossier transmis au jury paritaire.")
    expect(_current_step(eva)).to_have_text(re.compile(r"Jury paritaire$"))
    expect(eva.locator(".page-header .badge--state")).to_have_text("Jury paritaire")

    # The candidate now only reads the dossier: no more account or file forms.
    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(_current_step(page)).to_have_text(re.compile(r"Jury paritaire$"))
    expect(page.get_by_role("link", name="Compléter mon dossier d'évaluation")).to_have_count(0)
    page.get_by_role("navigation", name="Dossier de la candidature").get_by_role(
        "link", name="Évaluation", exact=True
    ).click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/")
    expect(page.locator(".dossier-status")).to_have_text(
        re.compile(rf"^\s*Transmis au jury le {TODAY_TIME}\s*$")
    )
    expect(page.get_by_role("link", name="Compléter mon dossier")).to_have_count(0)
    expect(page.locator("input[type=file]")).to_have_count(0)
    expect(page.get_by_role("button", name="Joindre ce fichier")).to_have_count(0)
    expect(page.get_by_role("textbox")).to_have_count(0)
    read_only_c1 = _competence(page, "C1")
    expect(read_only_c1.locator(".dossier-account")).to_have_text(account_text)
    expect(read_only_c1.get_by_role("link", name="attestation.pdf", exact=True)).to_be_visible()
    expect(read_only_c1.get_by_role("link", name=re.compile("^Supprimer"))).to_have_count(0)
    # Its old address sends back to the read-only page.
    page.goto(f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/mon-dossier/")
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/")
    expect(page.locator("input[type=file]")).to_have_count(0)

    candidacy.refresh_from_db()
    assert candidacy.state == "jury"
    dossier.refresh_from_db()
    assert dossier.transmitted_by == evaluateur and dossier.transmitted_at is not None
    a1, a2 = assessment(dossier, 1), assessment(dossier, 2)
    assert (a1.professionnel_comment, a1.evaluateur_comment, a1.final_result) == (
        pro_c1,
        eva_c1,
        ACQUISE,
    )
    assert (a2.professionnel_opinion, a2.evaluateur_opinion) == (ACQUISE, NON_ACQUISE)
    assert (a2.professionnel_comment, a2.evaluateur_comment) == (pro_c2, eva_c2)
    assert a2.disagreement and (a2.final_result, a2.final_comment) == (ACQUISE, motivation)
    assert a2.professionnel_signed_by == professionnel and a2.evaluateur_signed_by == evaluateur
    assert all(a.fully_signed for a in dossier.assessments.all())
    assert CandidateAccount.objects.get(dossier=dossier).text == account_text
    evidence = Evidence.objects.get(dossier=dossier)
    assert (evidence.competence.code, evidence.original_name, evidence.content_type) == (
        "C1",
        "attestation.pdf",
        "application/pdf",
    )
    assert evidence.size == len(PDF_BYTES) and evidence.uploaded_by == candidat
    with evidence.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES
    assert TransitionLog.objects.filter(
        candidacy=candidacy, transition="transmit_to_jury", actor=evaluateur
    ).exists()


def test_professionnel_sends_the_candidate_back_to_the_parcours_for_c3(
    page: Page, live_server, candidacy, professionnel, evaluateur
):
    dossier = settle(
        dossier_of(candidacy), professionnel=professionnel, evaluateur=evaluateur, non_acquises={3}
    )
    assert candidacy.cycle == 1

    _open_assessment(page, live_server, professionnel, candidacy)
    expect(_competence(page, "C3").locator(".badge--non_acquise")).to_have_count(3)
    page.get_by_role("link", name="Reprendre le parcours pour les compétences non acquises").click()

    expect(page).to_have_url(
        f"{live_server.url}/candidatures/{candidacy.pk}/evaluation/retour-parcours/"
    )
    expect(page.get_by_role("heading", level=2)).to_have_text(
        "Reprendre le parcours pour les compétences non acquises"
    )
    expect(page.locator("main .plain-list li .element-code")).to_have_text(["C3"])
    expect(page.locator(".confirm-box")).to_contain_text("Cette action est définitive.")
    comment = "C3 à retravailler avec le tuteur."
    page.get_by_label(label("Commentaire (facultatif)")).fill(comment)
    page.get_by_role("button", name="Reprendre le parcours", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/")
    expect(page.get_by_role("status")).to_contain_text(
        f"{candidacy.candidate} reprend son parcours pour les compétences non acquises."
    )
    expect(_current_step(page)).to_have_text(re.compile(r"Parcours de formation$"))
    expect(page.locator(".page-header .badge--state")).to_have_text("Parcours de formation")

    page.get_by_role("navigation", name="Dossier de la candidature").get_by_role(
        "link", name="Parcours", exact=True
    ).click()
    expect(page).to_have_url(f"{live_server.url}/candidatures/{candidacy.pk}/parcours/")
    expect(
        page.get_by_role("heading", level=2, name="Parcours de formation — cycle 2")
    ).to_be_visible()
    current_plan = page.get_by_role("region", name="Parcours de formation — cycle 2")
    expect(current_plan.locator("table.plan-table tbody th .element-code")).to_have_text(["C3"])

    candidacy.refresh_from_db()
    assert (candidacy.state, candidacy.cycle) == ("parcours", 2)
    assert list(
        ParcoursAction.objects.filter(candidacy=candidacy, cycle=2).values_list(
            "competence__number", flat=True
        )
    ) == [3]
    dossier.refresh_from_db()
    assert dossier.closed_at is not None and dossier.transmitted_at is None
    log = TransitionLog.objects.get(candidacy=candidacy, transition="resume_parcours")
    assert (log.actor, log.comment) == (professionnel, comment)
