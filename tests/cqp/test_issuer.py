"""The issuer's page: the secretariat edits the certifying body's identity, signatories and
logo (PNG or JPEG, judged by its content); nobody else sees it; the documents print it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cqp.demo_issuer import DEMO_SIGNATORIES, seed_issuer
from cqp.forms_issuer import MAX_LOGO_SIZE
from cqp.models import Issuer
from tests.helpers import flash_messages

pytestmark = [pytest.mark.django_db, pytest.mark.media]

URL = "/emetteur/modifier/"

IDENTITY = {
    "name": "Commission paritaire de l'emploi et de la formation des organismes de formation",
    "short_name": "CPEF-OF",
    "street": "12 rue des Archives",
    "postal_code": "69002",
    "city": "Lyon",
    "email": "contact@cpef.example",
    "phone": "04 72 00 00 00",
    "president_name": "Marc Aubry",
    "president_title": "Président de la CPEF",
    "vice_president_name": "Nadia Benali",
    "vice_president_title": "Vice-présidente de la CPEF",
}


def _image(kind="PNG", size=(120, 120)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (29, 58, 110)).save(buffer, kind)
    return buffer.getvalue()


def _post(client, user, **overrides):
    client.force_login(user)
    return client.post(reverse("issuer_edit"), {**IDENTITY, **overrides})


def test_the_url_is_the_issuer_s_edit_page():
    assert reverse("issuer_edit") == URL


def test_the_secretariat_records_the_identity_and_the_signatories(client, secretariat):
    response = _post(client, secretariat)

    assert response.status_code == 302
    assert response["Location"] == reverse("certification_list")
    issuer = Issuer.current()
    for field, value in IDENTITY.items():
        assert getattr(issuer, field) == value
    assert issuer.address_lines == ["12 rue des Archives", "69002 Lyon"]
    page = client.get(response["Location"])
    assert flash_messages(page) == ["L'identité de l'organisme certificateur est mise à jour."]
    assert "Marc Aubry (Président de la CPEF)" in page.content.decode()


def test_the_form_shows_labelled_fields_and_no_row_is_created_by_reading_it(client, secretariat):
    client.force_login(secretariat)
    page = client.get(reverse("issuer_edit")).content.decode()
    assert Issuer.objects.count() == 0
    for field, label in (
        ("name", "Nom"),
        ("short_name", "Sigle"),
        ("city", "Ville"),
        ("president_name", "Nom du président ou de la présidente"),
        ("vice_president_title", "Qualité du vice-président ou de la vice-présidente"),
        ("logo_upload", "Logo"),
    ):
        assert f'<label for="id_{field}">{label}\xa0:</label>' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'accept=".png,.jpg,.jpeg"' in page


def test_missing_signatories_are_refused_beside_their_field_and_nothing_changes(
    client, secretariat
):
    response = _post(client, secretariat, president_name="", city="")
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"president_name", "city"}
    assert "Le formulaire contient 2 erreurs" in response.content.decode()
    assert Issuer.objects.count() == 0


def test_a_png_logo_is_stored_and_printed_on_the_documents(client, secretariat):
    logo = SimpleUploadedFile("logo cpef.PNG", _image(), content_type="image/png")
    assert _post(client, secretariat, logo_upload=logo).status_code == 302

    issuer = Issuer.current()
    assert issuer.logo.name.startswith("emetteur/logo-") and issuer.logo.name.endswith(".png")
    with issuer.logo.open("rb") as handle:
        assert handle.read() == _image()


def test_a_jpeg_replaces_the_logo_and_the_old_file_is_deleted(
    client, secretariat, django_capture_on_commit_callbacks
):
    _post(client, secretariat, logo_upload=SimpleUploadedFile("a.png", _image()))
    old = Issuer.current().logo
    storage, old_name = old.storage, old.name
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, secretariat, logo_upload=SimpleUploadedFile("b.jpg", _image("JPEG")))

    issuer = Issuer.current()
    assert issuer.logo.name.endswith(".jpg")
    assert not storage.exists(old_name)


def test_the_logo_can_be_removed(client, secretariat, django_capture_on_commit_callbacks):
    _post(client, secretariat, logo_upload=SimpleUploadedFile("a.png", _image()))
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, secretariat, remove_logo="on")
    assert not Issuer.current().logo


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "logo.svg",
            SVG,
            "Ce type de fichier n'est pas accepté. Formats acceptés : PNG, JPEG.",
        ),
        (
            "logo.png",
            b"%PDF-1.4 not an image",
            "Ce type de fichier n'est pas accepté. Formats acceptés : PNG, JPEG.",
        ),
        (
            "logo.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,
            "Cette image (PNG) ne peut pas être lue : elle est endommagée ou incomplète.",
        ),
    ],
)
def test_a_logo_that_is_not_a_png_or_a_jpeg_is_refused(client, secretariat, name, content, message):
    response = _post(client, secretariat, logo_upload=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    assert response.context["form"].errors == {"logo_upload": [message]}
    assert Issuer.objects.count() == 0


def test_a_logo_over_the_size_limit_is_refused(client, secretariat):
    big = SimpleUploadedFile("logo.png", _image() + b"\x00" * MAX_LOGO_SIZE)
    response = _post(client, secretariat, logo_upload=big)
    assert response.context["form"].errors == {
        "logo_upload": ["Le logo dépasse 2 Mo : réduisez l'image."]
    }


def test_a_logo_of_too_many_pixels_is_refused(client, secretariat):
    response = _post(
        client, secretariat, logo_upload=SimpleUploadedFile("l.png", _image(size=(2100, 2000)))
    )
    assert response.context["form"].errors == {
        "logo_upload": ["Le logo compte plus de 4 millions de pixels : réduisez l'image."]
    }


@pytest.mark.parametrize("role", ["jury", "gestionnaire", "candidat", "professionnel", "outsider"])
def test_other_roles_get_404_and_change_nothing(client, actors, role):
    client.force_login(actors[role])
    assert client.get(reverse("issuer_edit")).status_code == 404
    assert client.post(reverse("issuer_edit"), IDENTITY).status_code == 404
    assert Issuer.objects.count() == 0


def test_only_the_secretariat_sees_the_issuer_on_the_referentiels(client, secretariat, candidat):
    client.force_login(secretariat)
    assert reverse("issuer_edit") in client.get(reverse("certification_list")).content.decode()
    client.force_login(candidat)
    assert reverse("issuer_edit") not in client.get(reverse("certification_list")).content.decode()


def test_the_demo_seeds_fictitious_signatories_and_its_own_logo_once(client, secretariat):
    assert seed_issuer({}, {})
    issuer = Issuer.current()
    assert issuer.president_name == DEMO_SIGNATORIES["president_name"]
    assert issuer.vice_president_name == DEMO_SIGNATORIES["vice_president_name"]
    with issuer.logo.open("rb") as handle:
        assert handle.read().startswith(b"\x89PNG")
    # What the secretariat entered stays; nothing more to seed.
    _post(client, secretariat, president_name="Autre Président")
    assert seed_issuer({}, {}) == []
    assert Issuer.current().president_name == "Autre Président"
