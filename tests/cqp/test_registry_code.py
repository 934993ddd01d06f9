"""The certification's registration at a national register (RNCP or RS): the référentiel's
`registry` block (validated, loaded without overwriting the secretariat's entries), the
secretariat's form on the certification's page, and the line printed on certificates."""

import copy
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cqp import services_registry
from cqp.models import Certification
from cqp.referentiel import DEFAULT_REFERENTIEL, load_referentiel, validate_referentiel
from tests.helpers import flash_messages, page_text

pytestmark = pytest.mark.django_db

SOURCE = json.loads(DEFAULT_REFERENTIEL.read_text(encoding="utf-8"))


def _with_registry(**registry) -> dict:
    data = copy.deepcopy(SOURCE)
    data["registry"] = registry
    return data


def _certification() -> Certification:
    return Certification.objects.get(code="CQP-AF")


def _update(by, **fields) -> Certification:
    values = {"registry": "RNCP", "registry_code": "", "registry_level": None, **fields}
    return services_registry.certification_registry_update(
        certification=_certification(), by=by, **values
    )


def _url(name="certification_registry_edit"):
    return reverse(name, args=["CQP-AF"])


# The référentiel's block -------------------------------------------------------------------


def test_the_referentiel_says_rncp_with_the_code_still_unknown():
    assert {k: SOURCE["registry"][k] for k in ("kind", "code", "level")} == {
        "kind": "RNCP",
        "code": "",
        "level": None,
    }
    certification = _certification()
    assert (certification.registry, certification.registry_code) == ("RNCP", "")
    assert certification.registry_level is None
    assert certification.registry_reference == ""


@pytest.mark.parametrize(
    ("registry", "problem"),
    [
        ({"kind": "RNCP", "code": "RNCP 123"}, "« registry.code » doit être vide ou s'écrire"),
        ({"kind": "RNCP", "code": "RS1234"}, "« registry.code » doit commencer par RNCP"),
        ({"kind": "RS", "code": "RS1234", "level": 4}, "« registry.level » : une certification"),
        ({"kind": "RNCP", "level": 9}, "« registry.level » doit être vide (null) ou un entier"),
        ({"kind": "RNCT"}, "« registry.kind » doit valoir « RNCP » ou « RS »."),
        ({"kind": "RNCP", "niveau": 4}, "« registry.niveau » est inconnu"),
    ],
)
def test_a_bad_registry_block_is_refused(registry, problem):
    problems = validate_referentiel(_with_registry(**registry))
    assert len(problems) == 1
    assert problems[0].startswith(problem)


def test_the_file_fills_a_code_and_a_level_the_database_does_not_have():
    load_referentiel(_with_registry(kind="RNCP", code="RNCP12345", level=4))
    certification = _certification()
    assert certification.registry_reference == "RNCP12345 (niveau 4)"


def test_a_reload_does_not_overwrite_what_the_secretariat_entered(secretariat):
    _update(secretariat, registry_code="RNCP34567", registry_level=5)
    load_referentiel(SOURCE)
    load_referentiel(_with_registry(kind="RNCP", code="RNCP12345", level=4))
    certification = _certification()
    assert (certification.registry_code, certification.registry_level) == ("RNCP34567", 5)


# The service -------------------------------------------------------------------------------


def test_the_secretariat_records_the_code_put_right(secretariat):
    certification = _update(secretariat, registry_code=" rncp 38 912", registry_level=4)
    certification.refresh_from_db()
    assert (certification.registry_code, certification.registry_level) == ("RNCP38912", 4)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        (
            {"registry_code": "RNCP-12"},
            {
                "registry_code": [
                    "Le code doit s'écrire RNCP ou RS suivi de chiffres, sans espace (par "
                    "exemple RNCP12345)."
                ]
            },
        ),
        (
            {"registry": "RS", "registry_code": "RS1234", "registry_level": 4},
            {"registry_level": ["Une certification du répertoire spécifique n'a pas de niveau."]},
        ),
        (
            {"registry": "RS", "registry_code": "RNCP1234"},
            {"registry_code": ["Le code doit commencer par RS, le répertoire choisi."]},
        ),
    ],
    ids=["bad-code", "rs-with-level", "prefix-mismatch"],
)
def test_a_wrong_registration_is_refused_naming_the_field(secretariat, fields, errors):
    with pytest.raises(ValidationError) as excinfo:
        _update(secretariat, **fields)
    assert excinfo.value.message_dict == errors
    assert _certification().registry_code == ""


def test_nobody_but_the_secretariat_records_it(gestionnaire):
    with pytest.raises(PermissionDenied):
        _update(gestionnaire, registry_code="RNCP12345")


# The pages ---------------------------------------------------------------------------------


def test_the_secretariat_edits_it_from_the_certification_page(client, secretariat):
    client.force_login(secretariat)
    detail = page_text(client.get(reverse("certification_detail", args=["CQP-AF"])))
    assert "RNCP : enregistrement à venir" in detail
    assert _url() in detail
    assert client.get(_url()).status_code == 200
    response = client.post(
        _url(), {"registry": "RNCP", "registry_code": "RNCP38912", "registry_level": "4"}
    )
    assert response.status_code == 302
    response = client.get(response.url)
    assert flash_messages(response) == [
        "L'enregistrement de la certification au répertoire national est mis à jour."
    ]
    assert "RNCP38912 (niveau 4)" in page_text(response)


def test_the_models_errors_come_back_beside_the_fields(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        _url(), {"registry": "RS", "registry_code": "RNCP12", "registry_level": "4"}
    )
    assert response.status_code == 200
    text = page_text(response)
    assert 'id="error-summary"' in text
    assert '<a href="#id_registry_code">Code au répertoire : Le code doit commencer par RS' in text
    assert 'value="RNCP12"' in text
    assert _certification().registry_code == ""


@pytest.mark.parametrize(
    "role", ["jury", "gestionnaire", "candidat", "professionnel", "evaluateur", "outsider"]
)
def test_the_form_does_not_exist_for_other_roles(client, actors, role):
    client.force_login(actors[role])
    assert client.get(_url()).status_code == 404
    assert client.post(_url(), {"registry": "RNCP", "registry_code": "RNCP1"}).status_code == 404
    assert _certification().registry_code == ""
    detail = page_text(client.get(reverse("certification_detail", args=["CQP-AF"])))
    assert _url() not in detail
