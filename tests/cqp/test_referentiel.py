import copy
import json

import pytest
from django.core.management import CommandError, call_command

from cqp.models import ActivityBlock, Certification, Competence, CompetenceElement
from cqp.referentiel import (
    DEFAULT_REFERENTIEL,
    ReferentielError,
    load_referentiel,
    read_referentiel,
)

SOURCE = json.loads(DEFAULT_REFERENTIEL.read_text(encoding="utf-8"))


def _counts():
    return (
        Certification.objects.count(),
        ActivityBlock.objects.count(),
        Competence.objects.count(),
        CompetenceElement.objects.count(),
    )


@pytest.mark.django_db
def test_referentiel_migration_loads_the_six_competences_and_45_elements_verbatim():
    certification = Certification.objects.get(code="CQP-AF")
    competences = list(certification.competences.order_by("number"))
    assert [c.title for c in competences] == [c["title"] for c in SOURCE["competences"]]
    assert [c.elements.count() for c in competences] == [8, 7, 11, 5, 6, 8]
    for competence, source in zip(competences, SOURCE["competences"], strict=True):
        assert (
            list(competence.elements.order_by("number").values_list("title", flat=True))
            == source["elements"]
        )
    assert CompetenceElement.objects.filter(competence__certification=certification).count() == 45
    assert certification.activity_blocks.count() == 6
    assert certification.vae_min_experience_years == 3
    assert certification.partial_validation_years == 5


@pytest.mark.django_db
def test_referentiel_loading_twice_duplicates_nothing():
    before = _counts()
    call_command("load_referentiel", str(DEFAULT_REFERENTIEL))
    call_command("load_referentiel")
    assert _counts() == before


@pytest.mark.django_db
def test_referentiel_second_certification_loads_beside_the_first():
    data = copy.deepcopy(SOURCE)
    data["code"] = "CQP-TEST"
    data["title"] = "CQP de test"
    data["competences"] = data["competences"][:2]
    data["competences"][1]["elements"] = data["competences"][1]["elements"][:3]
    load_referentiel(data)
    assert Certification.objects.count() == 2
    other = Certification.objects.get(code="CQP-TEST")
    assert other.competences.count() == 2
    assert CompetenceElement.objects.filter(competence__certification=other).count() == 8 + 3
    assert Competence.objects.filter(certification__code="CQP-AF").count() == 6


@pytest.mark.django_db
def test_referentiel_update_in_place_removes_dropped_elements():
    data = copy.deepcopy(SOURCE)
    data["competences"][3]["elements"] = data["competences"][3]["elements"][:4]
    data["competences"][3]["elements"][0] = "Intitulé corrigé"
    load_referentiel(data)
    competence = Competence.objects.get(certification__code="CQP-AF", number=4)
    assert list(competence.elements.values_list("title", flat=True))[0] == "Intitulé corrigé"
    assert competence.elements.count() == 4


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.pop("code"), "« code » est manquant ou vide."),
        (lambda d: d["competences"].clear(), "« competences » doit être une liste non vide."),
        (
            lambda d: d["competences"][2]["elements"].__setitem__(4, ""),
            "« competences[2].elements[4] » doit être un texte non vide.",
        ),
        (
            lambda d: d["competences"][1].__setitem__("number", 7),
            "« competences[1].number » doit valoir 2",
        ),
        (
            lambda d: d["competences"][5].pop("elements"),
            "« competences[5].elements » doit être une liste non vide",
        ),
        (
            lambda d: d["rules"].__setitem__("vae_min_experience_years", "trois"),
            "« rules.vae_min_experience_years » doit être un entier positif.",
        ),
        (
            lambda d: d["activities"][0].pop("title"),
            "« activities[0].title » est manquant ou vide.",
        ),
    ],
)
@pytest.mark.django_db
def test_referentiel_incomplete_file_is_rejected_naming_the_problem_and_writes_nothing(
    mutate, expected
):
    data = copy.deepcopy(SOURCE)
    data["code"] = "CQP-NEW"
    data["competences"][0]["title"] = "Titre qui ne doit pas être écrit"
    mutate(data)
    before = _counts()
    with pytest.raises(ReferentielError) as excinfo:
        load_referentiel(data)
    assert any(expected in problem for problem in excinfo.value.problems)
    assert _counts() == before
    assert not Competence.objects.filter(title="Titre qui ne doit pas être écrit").exists()


@pytest.mark.django_db
def test_load_referentiel_command_rejects_malformed_json_with_position(tmp_path):
    path = tmp_path / "casse.json"
    path.write_text('{"code": "X", "title": ', encoding="utf-8")
    before = _counts()
    with pytest.raises(CommandError, match=r"JSON mal formé \(ligne 1, colonne"):
        call_command("load_referentiel", str(path))
    assert _counts() == before


@pytest.mark.django_db
def test_load_referentiel_command_reports_missing_file(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("load_referentiel", str(tmp_path / "absent.json"))


def test_referentiel_copy_in_project_matches_source_and_is_valid():
    assert read_referentiel(DEFAULT_REFERENTIEL) == SOURCE
    assert DEFAULT_REFERENTIEL.is_relative_to(DEFAULT_REFERENTIEL.parents[2])
