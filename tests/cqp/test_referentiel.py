import copy
import json

import pytest
from django.core.management import CommandError, call_command

from candidates.enums import ProofKind
from cqp.models import ActivityBlock, Certification, Competence, CompetenceElement
from cqp.referentiel import (
    DEFAULT_JURY_CHECKLIST,
    DEFAULT_REFERENTIEL,
    DEFAULT_VAE_PROOFS,
    PROOF_KINDS,
    ReferentielError,
    jury_checklist,
    load_referentiel,
    read_referentiel,
    validate_referentiel,
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
        (
            lambda d: d["rules"]["vae_proofs"]["per_experience"].append("fiche_de_paie"),
            "« rules.vae_proofs.per_experience » : nature de justificatif inconnue "
            "« fiche_de_paie » (connues : identite, attestation_employeur, contrat, "
            "bulletin_salaire, autre).",
        ),
        (
            lambda d: d["rules"]["vae_proofs"].__setitem__("request", "identite"),
            "« rules.vae_proofs.request » doit être une liste de natures de justificatif.",
        ),
        (
            lambda d: d["rules"]["vae_proofs"].__setitem__("per_period", ["contrat"]),
            "« rules.vae_proofs.per_period » est inconnu (attendus : « request », "
            "« per_experience »).",
        ),
        (
            lambda d: d["rules"]["vae_proofs"]["per_experience"].append("identite"),
            "« rules.vae_proofs.per_experience » : la pièce d'identité se joint à la demande, "
            "non à une période.",
        ),
        (
            lambda d: d["rules"]["vae_proofs"]["request"].append("identite"),
            "« rules.vae_proofs.request » cite deux fois la même nature de justificatif.",
        ),
        (
            lambda d: d["rules"].__setitem__("vae_proofs", ["identite"]),
            "« rules.vae_proofs » doit être un objet.",
        ),
        (
            lambda d: d["rules"].__setitem__("jury_checklist", []),
            "« rules.jury_checklist » doit être une liste non vide.",
        ),
        (
            lambda d: d["rules"]["jury_checklist"].append({"code": "pieces", "label": "Encore"}),
            "« rules.jury_checklist » cite deux fois le même code.",
        ),
        (
            lambda d: d["rules"]["jury_checklist"].append({"code": "Pièces", "label": "Pièces"}),
            "« rules.jury_checklist[4].code » ne doit contenir que des lettres minuscules sans "
            "accent, des chiffres et des tirets bas.",
        ),
        (
            lambda d: d["rules"]["jury_checklist"].append({"code": "autre"}),
            "« rules.jury_checklist[4] » doit être un objet avec « code » et « label ».",
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
def test_referentiel_vae_proofs_reach_the_certification():
    certification = Certification.objects.get(code="CQP-AF")
    assert certification.rules["vae_proofs"] == SOURCE["rules"]["vae_proofs"]
    assert certification.vae_proof_rules == {
        "request": ["identite"],
        "per_experience": ["attestation_employeur", "contrat", "bulletin_salaire", "autre"],
    }


@pytest.mark.django_db
def test_referentiel_without_vae_proofs_takes_the_defaults_and_a_partial_key_completes_them():
    data = copy.deepcopy(SOURCE)
    data["code"] = "CQP-SANS"
    del data["rules"]["vae_proofs"]
    assert validate_referentiel(data) == []
    assert load_referentiel(data).vae_proof_rules == DEFAULT_VAE_PROOFS
    data["code"] = "CQP-PARTIEL"
    data["rules"]["vae_proofs"] = {"per_experience": ["attestation_employeur"]}
    assert load_referentiel(data).vae_proof_rules == {
        "request": ["identite"],
        "per_experience": ["attestation_employeur"],
    }


def test_referentiel_proof_kinds_are_those_of_the_candidacies():
    assert set(PROOF_KINDS) == set(ProofKind.values)


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


# Annex I of the branch agreement (seeds/accord-cqp-assistant-formation.txt), copied by hand:
# each competence's title, number of elements, first and last element.
ANNEX_I = [
    (
        "Traiter les informations permettant le suivi administratif des prestations de formation",
        8,
        "Identifier les acteurs clés internes et externes en lien avec les prestations de "
        "formation et leur rôle",
        "Classer et archiver les dossiers liés aux formations et aux apprenants selon les "
        "règles et procédures en vigueur dans l'entreprise",
    ),
    (
        "Organiser son activité et la logistique des prestations de formation",
        7,
        "S'organiser afin de réaliser l'ensemble de ses activités en fonction des besoins et "
        "des priorités de ses interlocuteurs (clients, organisme financeurs, prescripteurs, "
        "entreprises et apprenants)",
        "Identifier les points d'amélioration de la réalisation de la prestation à son niveau "
        "d'activité",
    ),
    (
        "Accueillir, informer et réaliser le suivi de différents interlocuteurs (clients, "
        "apprenants, organismes financeurs, prescripteurs, entreprises)",
        11,
        "Etablir un contact efficace et adapté à différents interlocuteurs",
        "Evaluer et améliorer les conditions d'accueil, d'information et de suivi à son "
        "niveau d'activité",
    ),
    (
        "Traiter les aléas et les situations difficiles",
        5,
        "Identifier tout aléa lié aux prestations de formation et mettre en œuvre les mesures "
        "adaptées (par exemple : alerte, vérification de la résolution de l'incident, "
        "traitement de l'aléa)",
        "Conclure efficacement une situation difficile",
    ),
    (
        "Rédiger des documents professionnels",
        6,
        "Rechercher et collecter des informations (par exemple : données financières, "
        "réglementaires, administratives, pédagogiques) auprès des interlocuteurs pertinents",
        "Rédiger tout ou partie de documents administratifs (par exemple : compte rendu, bilan, "
        "note de synthèse, rapport d'activités, support de communication, procédure) "
        "conformes aux exigences liées aux prestations de formation",
    ),
    (
        "Coordonner des informations liées aux prestations de formation",
        8,
        "Traiter le courrier en veillant à la confidentialité et au degré d'importance et "
        "d'urgence des informations",
        "Communiquer avec les membres de l'équipe et de l'entreprise en prenant en compte "
        "leurs demandes, leurs contraintes et les informations qu'ils apportent.",
    ),
]


def test_referentiel_copy_in_project_matches_annex_i_and_is_valid():
    assert validate_referentiel(SOURCE) == []
    assert read_referentiel(DEFAULT_REFERENTIEL) == SOURCE
    assert (SOURCE["code"], SOURCE["title"]) == ("CQP-AF", "CQP Assistant(e) de formation")
    assert [
        (c["title"], len(c["elements"]), c["elements"][0], c["elements"][-1])
        for c in SOURCE["competences"]
    ] == ANNEX_I
    assert sum(len(c["elements"]) for c in SOURCE["competences"]) == 45
    assert [a["number"] for a in SOURCE["activities"]] == [1, 2, 3, 4, 5, 6]
    # Three years of experience for a VAE (DESIGN.md); a partial validation kept 5 years (3.1).
    assert SOURCE["rules"]["vae_min_experience_years"] == 3
    assert SOURCE["rules"]["partial_validation_benefit_years"] == 5


def test_the_jury_checklist_comes_from_the_rules_with_a_default():
    assert [i["code"] for i in jury_checklist(SOURCE["rules"])] == [
        "demarche",
        "habilitations",
        "signatures",
        "pieces",
    ]
    assert jury_checklist({}) == DEFAULT_JURY_CHECKLIST
    custom = [{"code": "entretien", "label": "Entretien mené"}]
    assert jury_checklist({"jury_checklist": custom}) == custom
