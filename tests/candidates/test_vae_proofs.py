"""The proofs of partie 2: joined (checked on their content), deleted, required by the
certification's rules, and downloaded only by whoever may read partie 2."""

import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from candidates import guards, services, services_vae
from candidates.models import Candidacy, VaeProof
from cqp.exceptions import ConcurrentChange
from cqp.models import DownloadLog
from cqp.uploads import DOCX, MAX_SIZE
from tests.cqp.builders import docx_bytes, pdf_bytes, png_bytes
from tests.factories import VaeCandidacyFactory, VaeExperienceFactory, VaeProofFactory
from tests.helpers import flash_messages, page_text, query_count, stored_names

from .builders import refused, vae_ready

pytestmark = [pytest.mark.django_db, pytest.mark.media]

PDF = pdf_bytes()
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
TYPE_REFUSED = (
    "Ce type de fichier n'est pas accepté. Formats acceptés : PDF, JPEG, PNG, DOCX, ODT, XLSX, ODS."
)
NOT_JOINED = (
    "Le fichier n'a pas été joint : corrigez ce qui est signalé, puis choisissez-le à nouveau."
)
NOT_ON_A_PERIOD = (
    "Ce justificatif ne se joint pas à une période d'expérience. Natures acceptées ici : "
    "Attestation de l'employeur, Contrat de travail, Bulletin de salaire, Autre justificatif."
)
NOT_ON_THE_REQUEST = (
    "Ce justificatif ne se joint pas à la demande elle-même, mais à une période d'expérience. "
    "Natures acceptées ici : Pièce d'identité."
)


def _file(name="carte.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def vae(candidat, own_org):
    """A VAE request of `candidat`, hosted by `own_org`, in `demande`, with one period."""
    candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
    VaeExperienceFactory(
        request=candidacy.vae_request, employer="Organisme X", job_title="Assistante de formation"
    )
    return candidacy


@pytest.fixture
def period(vae):
    return vae.vae_request.experiences.get()


def _add(vae, by, *, kind="identite", experience=None, upload=None, expected_state="demande"):
    return services_vae.vae_proof_add(
        candidacy=vae,
        by=by,
        kind=kind,
        experience=experience,
        upload=_file() if upload is None else upload,
        expected_state=expected_state,
    )


def _in_state(candidacy, state):
    # The state field is protected: move it in the database as a fixture would.
    Candidacy.objects.filter(pk=candidacy.pk).update(state=state)
    candidacy.refresh_from_db()
    return candidacy


# Joining a proof (service) ----------------------------------------------------------------------


def test_proof_add_stores_the_identity_document_checked_on_its_content(vae, candidat):
    proof = _add(vae, candidat, upload=_file("Carte d'identité.pdf"))
    assert (proof.kind, proof.experience, proof.uploaded_by) == ("identite", None, candidat)
    assert (proof.original_name, proof.content_type, proof.size) == (
        "Carte d'identité.pdf",
        "application/pdf",
        len(PDF),
    )
    assert proof.sha256 == hashlib.sha256(PDF).hexdigest()
    folder, name = proof.file.name.rsplit("/", 1)
    assert folder == f"vae/{vae.pk}"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
    assert stored_names() == [proof.file.name]
    with proof.file.open("rb") as handle:
        assert handle.read() == PDF


def test_proof_add_to_a_period_keeps_the_true_type(vae, candidat, period):
    proof = _add(
        vae,
        candidat,
        kind="bulletin_salaire",
        experience=period,
        upload=_file("bulletin.pdf", png_bytes()),
    )
    assert (proof.experience, proof.kind) == (period, "bulletin_salaire")
    assert (proof.content_type, proof.original_name) == ("image/png", "bulletin.png")
    assert proof.file.name.endswith(".png")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: _file("cv.pdf", EXECUTABLE), TYPE_REFUSED),
        (lambda: _file("page.pdf", b"<html><script></script></html>"), TYPE_REFUSED),
        (lambda: _file("vide.pdf", b""), "Le fichier est vide."),
        (lambda: _file("enorme.pdf", PDF.ljust(MAX_SIZE + 1, b"0")), "Le fichier dépasse"),
    ],
    ids=["executable", "disguised-page", "empty", "oversized"],
)
def test_proof_add_refuses_a_file_by_its_content_and_stores_nothing(vae, candidat, upload, message):
    with pytest.raises(ValidationError) as excinfo:
        _add(vae, candidat, upload=upload())
    [error] = excinfo.value.message_dict["file"]
    assert error.startswith(message)
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


@pytest.mark.parametrize(
    ("kind", "on_period", "message"),
    [
        ("identite", True, NOT_ON_A_PERIOD),
        ("bulletin_salaire", False, NOT_ON_THE_REQUEST),
        ("passeport", False, NOT_ON_THE_REQUEST),
    ],
    ids=["identity-on-a-period", "payslip-on-the-request", "unknown-kind"],
)
def test_proof_add_refuses_a_kind_not_taken_where_it_is_joined(
    vae, candidat, period, kind, on_period, message
):
    with pytest.raises(ValidationError) as excinfo:
        _add(vae, candidat, kind=kind, experience=period if on_period else None)
    assert excinfo.value.message_dict == {"kind": [message], "file": [NOT_JOINED]}
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_add_follows_the_rules_of_the_certification(vae, candidat, period):
    certification = vae.certification
    certification.rules = {
        **certification.rules,
        "vae_proofs": {"request": ["identite", "autre"], "per_experience": ["contrat"]},
    }
    certification.save()
    vae.refresh_from_db()
    assert _add(vae, candidat, kind="autre").kind == "autre"
    with pytest.raises(ValidationError) as excinfo:
        _add(vae, candidat, kind="attestation_employeur", experience=period)
    assert excinfo.value.message_dict["kind"] == [
        "Ce justificatif ne se joint pas à une période d'expérience. Natures acceptées ici : "
        "Contrat de travail."
    ]


def test_proof_add_without_a_file_says_so(vae, candidat):
    with pytest.raises(ValidationError) as excinfo:
        services_vae.vae_proof_add(
            candidacy=vae, by=candidat, kind="identite", experience=None, upload=None
        )
    assert excinfo.value.message_dict == {"file": ["Choisissez un fichier."]}


def test_proof_add_refuses_one_proof_too_many_at_one_place(vae, candidat, period):
    for _n in range(services_vae.MAX_PROOFS_PER_PLACE):
        VaeProofFactory(request=vae.vae_request, experience=period, kind="contrat")
    _add(vae, candidat)  # the request itself is another place
    with pytest.raises(ValidationError) as excinfo:
        _add(vae, candidat, kind="contrat", experience=period)
    assert excinfo.value.message_dict["file"] == [
        "Vous avez déjà joint 10 justificatifs à cet endroit : c'est le maximum."
    ]


@pytest.mark.parametrize("who", ["secretariat", "gestionnaire", "outsider"])
def test_proof_add_by_anyone_but_the_candidate_is_refused(vae, actors, who):
    with pytest.raises(PermissionDenied):
        _add(vae, actors[who])
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_add_once_the_request_is_sent_is_refused(vae, candidat):
    _in_state(vae, "recevabilite")
    with pytest.raises(PermissionDenied):
        _add(vae, candidat, expected_state=None)
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_add_after_the_request_moved_on_says_someone_else_changed_it(vae, candidat):
    _in_state(vae, "abandonne")
    with pytest.raises(ConcurrentChange) as excinfo:
        _add(vae, candidat, expected_state="demande")
    assert "elle est maintenant à l'étape « Abandonnée »" in str(excinfo.value)
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_add_to_a_period_of_another_request_is_refused(vae, candidat):
    foreign = VaeExperienceFactory()
    with pytest.raises(PermissionDenied):
        _add(vae, candidat, kind="contrat", experience=foreign)
    assert not VaeProof.objects.exists()


# Deleting a proof (service) ---------------------------------------------------------------------


def test_proof_delete_removes_the_row_then_the_file(
    vae, candidat, django_capture_on_commit_callbacks
):
    proof = _add(vae, candidat)
    with django_capture_on_commit_callbacks(execute=True):
        services_vae.vae_proof_delete(
            candidacy=vae, by=candidat, proof=proof, expected_state="demande"
        )
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_delete_refused_to_others_and_once_sent(vae, candidat, secretariat):
    proof = _add(vae, candidat)
    with pytest.raises(PermissionDenied):
        services_vae.vae_proof_delete(candidacy=vae, by=secretariat, proof=proof)
    foreign = VaeProofFactory()
    with pytest.raises(PermissionDenied):
        services_vae.vae_proof_delete(candidacy=vae, by=candidat, proof=foreign)
    _in_state(vae, "recevabilite")
    with pytest.raises(PermissionDenied):
        services_vae.vae_proof_delete(candidacy=vae, by=candidat, proof=proof)
    assert VaeProof.objects.count() == 2


def test_deleting_a_period_deletes_its_proofs_and_their_files(
    vae, candidat, period, django_capture_on_commit_callbacks
):
    _add(vae, candidat, kind="contrat", experience=period)
    identity = _add(vae, candidat)
    with django_capture_on_commit_callbacks(execute=True):
        services.vae_experience_delete(candidacy=vae, by=candidat, experience=period)
    assert list(VaeProof.objects.all()) == [identity]
    assert stored_names("vae/") == [identity.file.name]


# What is missing ------------------------------------------------------------------------------


def test_guard_names_each_missing_proof(vae, candidat, period):
    VaeExperienceFactory(request=vae.vae_request, employer="Boulangerie", job_title="Vendeuse")
    assert guards.vae_proofs_missing(vae) == [
        "la pièce d'identité",
        "un justificatif pour la période « Assistante de formation — Organisme X »",
        "un justificatif pour la période « Vendeuse — Boulangerie »",
    ]
    _add(vae, candidat)
    _add(vae, candidat, kind="autre", experience=period)
    assert guards.vae_proofs_missing(vae) == [
        "un justificatif pour la période « Vendeuse — Boulangerie »"
    ]


@pytest.mark.parametrize(
    ("rules", "missing"),
    [
        (
            {"request": [], "per_experience": ["attestation_employeur"]},
            [
                "une attestation de l'employeur pour la période « Assistante de formation — "
                "Organisme X »"
            ],
        ),
        (
            {
                "request": ["identite"],
                "per_experience": ["attestation_employeur", "bulletin_salaire"],
            },
            [
                "un justificatif (attestation de l'employeur ou bulletin de salaire) pour la "
                "période « Assistante de formation — Organisme X »"
            ],
        ),
        ({"request": ["identite"], "per_experience": []}, []),
        ({"per_experience": ["contrat"]}, []),
    ],
    ids=["employer-certificate-only", "two-kinds", "no-proof-per-period", "defaults-for-request"],
)
def test_guard_follows_the_rules_of_the_certification(vae, candidat, period, rules, missing):
    _add(vae, candidat)
    _add(vae, candidat, kind="contrat", experience=period)
    assert guards.vae_proofs_missing(vae) == []
    certification = vae.certification
    certification.rules = {**certification.rules, "vae_proofs": rules}
    certification.save()
    vae = Candidacy.objects.get(pk=vae.pk)
    assert guards.vae_proofs_missing(vae) == missing


def test_submission_without_proofs_is_refused_naming_them(candidat, own_org):
    candidacy = VaeCandidacyFactory(candidate__user=candidat, organisation=own_org)
    vae_ready(candidacy)
    VaeProof.objects.filter(request=candidacy.vae_request).delete()
    error = refused(
        candidacy,
        lambda: services.run_transition(
            name="submit_recevabilite", candidacy=candidacy, by=candidat, sworn=True
        ),
    )
    assert error.missing == [
        "la pièce d'identité",
        "un justificatif pour la période « Assistante de formation — Formapro »",
    ]


def test_partie_2_lists_what_is_missing_without_the_sworn_statement(client, candidat, vae):
    client.force_login(candidat)
    response = client.get(reverse("vae_request_edit", args=[vae.pk]))
    assert "Avant d'envoyer votre demande, il manque :" in page_text(response)
    missing = response.context["missing"]
    assert "la pièce d'identité" in missing
    assert "un justificatif pour la période « Assistante de formation — Organisme X »" in missing
    assert "la déclaration sur l'honneur" not in missing


# Pages ----------------------------------------------------------------------------------------


def _add_url(vae, period=None):
    url = reverse("vae_proof_add", args=[vae.pk])
    return f"{url}?experience={period.pk}" if period else url


def test_partie_2_shows_each_place_with_its_proofs_and_links(client, candidat, vae, period):
    identity = _add(vae, candidat, upload=_file("carte.pdf"))
    contract = _add(vae, candidat, kind="contrat", experience=period, upload=_file("cdi.pdf"))
    client.force_login(candidat)
    content = page_text(client.get(reverse("vae_request_edit", args=[vae.pk])))
    for proof in (identity, contract):
        assert reverse("vae_proof_download", args=[vae.pk, proof.pk]) in content
        assert reverse("vae_proof_delete", args=[vae.pk, proof.pk]) in content
    assert "Pièces demandées : pièce d'identité." in content
    assert f'href="{_add_url(vae)}"' in content and f'href="{_add_url(vae, period)}"' in content
    periods = content.index('id="experiences"')
    assert content.index("carte.pdf") < periods < content.index(f'id="periode-{period.pk}"')
    assert content.index(f'id="periode-{period.pk}"') < content.index("cdi.pdf")
    assert "temps de travail : <strong>temps plein</strong>" in content


def test_partie_2_read_only_shows_proofs_without_edit_links(client, candidat, secretariat, vae):
    proof = _add(vae, candidat)
    _in_state(vae, "recevabilite")
    client.force_login(secretariat)
    content = page_text(client.get(reverse("vae_request_edit", args=[vae.pk])))
    assert reverse("vae_proof_download", args=[vae.pk, proof.pk]) in content
    assert reverse("vae_proof_delete", args=[vae.pk, proof.pk]) not in content
    assert reverse("vae_proof_add", args=[vae.pk]) not in content


def test_proof_form_offers_the_kinds_of_its_place(client, candidat, vae, period):
    client.force_login(candidat)
    request_form = client.get(_add_url(vae)).context["form"]
    assert [k for k, _label in request_form.fields["kind"].choices] == ["identite"]
    page = client.get(_add_url(vae, period))
    assert [k for k, _label in page.context["form"].fields["kind"].choices] == [
        "attestation_employeur",
        "contrat",
        "bulletin_salaire",
        "autre",
    ]
    assert "Pour la période « Assistante de formation — Organisme X »." in page_text(page)


def test_proof_joined_from_the_page_then_deleted_after_confirmation(client, candidat, vae, period):
    client.force_login(candidat)
    response = client.post(
        _add_url(vae, period),
        {"expected_state": "demande", "kind": "contrat", "file": _file("Contrat CDI.pdf")},
    )
    assert response.status_code == 302
    assert response.url == reverse("vae_request_edit", args=[vae.pk]) + f"#periode-{period.pk}"
    proof = VaeProof.objects.get()
    assert (proof.experience, proof.kind, proof.original_name) == (
        period,
        "contrat",
        "Contrat CDI.pdf",
    )
    assert flash_messages(client.get(response.url)) == ["Justificatif « Contrat CDI.pdf » ajouté."]

    delete_url = reverse("vae_proof_delete", args=[vae.pk, proof.pk])
    confirm = page_text(client.get(delete_url))
    assert (
        "Supprimer ce justificatif ?" in confirm
        and "Contrat de travail — Contrat CDI.pdf" in confirm
    )
    assert VaeProof.objects.exists()
    response = client.post(delete_url, {"expected_state": "demande"}, follow=True)
    assert flash_messages(response) == ["Justificatif supprimé."]
    assert not VaeProof.objects.exists()


@pytest.mark.parametrize(
    ("posted", "errors"),
    [
        ({"kind": "contrat"}, {"file": ["Choisissez un fichier."]}),
        (
            {"kind": "contrat", "file": lambda: _file("cv.pdf", EXECUTABLE)},
            {"file": [TYPE_REFUSED]},
        ),
        (
            {"kind": "identite", "file": _file},
            {"kind": [NOT_ON_A_PERIOD], "file": [NOT_JOINED]},
        ),
    ],
    ids=["no-file", "unreadable-file", "identity-on-a-period"],
)
def test_proof_refused_on_the_page_next_to_the_field(client, candidat, vae, period, posted, errors):
    client.force_login(candidat)
    posted = {**posted, "file": posted["file"]()} if "file" in posted else posted
    response = client.post(_add_url(vae, period), {"expected_state": "demande", **posted})
    assert response.status_code == 200
    assert response.context["form"].errors == errors
    content = page_text(response)
    assert "Le justificatif n'a pas été ajouté : corrigez ce qui est signalé." in content
    if posted["kind"] == "contrat":
        assert '<option value="contrat" selected>' in content
    assert not VaeProof.objects.exists()
    assert stored_names("vae/") == []


def test_proof_page_for_a_period_of_another_candidacy_is_not_found(client, candidat, vae):
    foreign = VaeExperienceFactory()
    client.force_login(candidat)
    url = _add_url(vae, foreign)
    assert client.get(url).status_code == 404
    posted = {"expected_state": "demande", "kind": "contrat", "file": _file()}
    assert client.post(url, posted).status_code == 404
    assert client.get(reverse("vae_proof_add", args=[vae.pk]) + "?experience=x").status_code == 404
    assert not VaeProof.objects.exists()


# Downloads --------------------------------------------------------------------------------------


def _download(client, vae, proof):
    return client.get(reverse("vae_proof_download", args=[vae.pk, proof.pk]))


@pytest.mark.parametrize(
    ("name", "content"),
    [("carte.pdf", PDF), ("carte.png", png_bytes())],
    ids=["pdf", "png"],
)
def test_proof_download_shows_a_pdf_or_an_image_in_the_browser(
    client, candidat, vae, name, content
):
    proof = _add(vae, candidat, upload=_file(name, content))
    client.force_login(candidat)
    response = _download(client, vae, proof)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == proof.content_type
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # Chromium's PDF viewer is a page with inline styles: no CSP on the file itself.
    assert "Content-Security-Policy" not in response


def test_proof_download_of_an_office_document_is_an_attachment(client, candidat, vae, period):
    proof = _add(
        vae,
        candidat,
        kind="contrat",
        experience=period,
        upload=_file("contrat.docx", docx_bytes()),
    )
    client.force_login(candidat)
    response = _download(client, vae, proof)
    assert response["Content-Type"] == DOCX.content_type
    assert response["Content-Disposition"] == 'attachment; filename="contrat.docx"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_proof_download_is_logged(client, secretariat, candidat, vae):
    proof = _add(vae, candidat)
    client.force_login(secretariat)
    assert _download(client, vae, proof).status_code == 200
    entry = DownloadLog.objects.get()
    assert (entry.user, entry.kind, entry.object_id, entry.title, entry.candidacy_pk) == (
        secretariat,
        "piece",
        proof.pk,
        "carte.pdf",
        vae.pk,
    )


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("candidat", 200),
        ("secretariat", 200),
        ("gestionnaire", 200),
        ("professionnel", 404),
        ("evaluateur", 404),
        ("jury", 404),
        ("outsider", 404),
    ],
)
def test_proof_download_only_for_those_who_read_partie_2(client, actors, vae, who, status):
    proof = VaeProofFactory(request=vae.vae_request)
    client.force_login(actors[who])
    assert _download(client, vae, proof).status_code == status
    assert DownloadLog.objects.count() == (1 if status == 200 else 0)


def test_proof_download_through_another_candidacy_is_not_found(client, candidat, vae):
    foreign = VaeProofFactory()
    client.force_login(candidat)
    assert _download(client, vae, foreign).status_code == 404
    assert client.get(reverse("vae_proof_download", args=[vae.pk, 10_000])).status_code == 404
    assert not DownloadLog.objects.exists()


def test_proof_download_of_a_lost_file_is_not_found(client, candidat, vae):
    proof = _add(vae, candidat)
    default_storage.delete(proof.file.name)
    client.force_login(candidat)
    assert _download(client, vae, proof).status_code == 404


def test_partie_2_query_count_does_not_grow_with_the_proofs(client, candidat, vae, period):
    client.force_login(candidat)
    url = reverse("vae_request_edit", args=[vae.pk])
    one = query_count(client, url)
    _add(vae, candidat)
    for n in range(5):
        extra = VaeExperienceFactory(request=vae.vae_request, employer=f"E{n}", job_title="J")
        VaeProofFactory(request=vae.vae_request, experience=extra, kind="contrat")
        VaeProofFactory(request=vae.vae_request, experience=period, kind="autre")
    assert query_count(client, url) == one
