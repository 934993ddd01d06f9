"""Loading a référentiel (certification, activity blocks, competences, elements).

The file is validated in full before anything is written, then written in one
transaction: a malformed file changes nothing. Loading the same file twice updates
the rows in place, so it never duplicates anything.
"""

import json
import re
from pathlib import Path

from django.apps import apps as global_apps
from django.db import transaction

DEFAULT_REFERENTIEL = (
    Path(__file__).resolve().parent / "referentiel" / "cqp-assistant-formation.json"
)


# The kinds of proof a VAE request may take (candidates.enums.ProofKind, whose values these
# are: the core does not import the apps built on it).
PROOF_KINDS = ("identite", "attestation_employeur", "contrat", "bulletin_salaire", "autre")
# rules.vae_proofs: the request needs one proof of each kind of "request"; each declared
# period of experience, at least one proof among the kinds of "per_experience". These are
# the sensible defaults, used for a référentiel (or a key) that says nothing.
DEFAULT_VAE_PROOFS = {
    "request": ["identite"],
    "per_experience": ["attestation_employeur", "contrat", "bulletin_salaire", "autre"],
}


def vae_proof_rules(rules) -> dict[str, list[str]]:
    """The proofs a VAE request needs, from a certification's rules (defaults for what they
    do not say)."""
    given = (rules or {}).get("vae_proofs") or {}
    return {key: list(given.get(key, default)) for key, default in DEFAULT_VAE_PROOFS.items()}


# rules.jury_checklist: the jury's conformity checklist (Guide du jury paritaire: « le jury
# vérifie la conformité de la démarche et des dossiers remis au regard du dispositif CQP »),
# one item per code; the fiche de décision pre-ticks the items the jury app can compute
# (jury.conformity). The default, for a référentiel that says nothing.
DEFAULT_JURY_CHECKLIST = [
    {"code": "demarche", "label": "Démarche conforme au dispositif CQP"},
    {
        "code": "habilitations",
        "label": "Professionnel et évaluateur habilités à la date de leurs actes",
    },
    {
        "code": "signatures",
        "label": "Résultats signés par les deux évaluateurs pour chaque compétence à valider",
    },
    {
        "code": "pieces",
        "label": "Pièces du dossier présentes (livret de repérage ou dossier de VAE, dossier "
        "de suivi et d'évaluation)",
    },
]
CHECKLIST_CODE_LENGTH = 30


def jury_checklist(rules) -> list[dict]:
    """The jury's conformity checklist of a certification's rules: [{code, label}, …]."""
    given = (rules or {}).get("jury_checklist") or DEFAULT_JURY_CHECKLIST
    return [{"code": item["code"], "label": item["label"]} for item in given]


class ReferentielError(Exception):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("Référentiel invalide :\n- " + "\n- ".join(self.problems))


def _text(value):
    return isinstance(value, str) and value.strip() != ""


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _check_numbered(items, where, problems, child_key, child_label):
    """Numbers must be 1..n in order; every item needs a title and non-empty children."""
    if not isinstance(items, list) or not items:
        problems.append(f"« {where} » doit être une liste non vide.")
        return
    for index, item in enumerate(items):
        path = f"{where}[{index}]"
        if not isinstance(item, dict):
            problems.append(f"« {path} » doit être un objet.")
            continue
        if item.get("number") != index + 1:
            problems.append(f"« {path}.number » doit valoir {index + 1} (numérotation continue).")
        if not _text(item.get("title")):
            problems.append(f"« {path}.title » est manquant ou vide.")
        children = item.get(child_key)
        if not isinstance(children, list) or not children:
            problems.append(
                f"« {path}.{child_key} » doit être une liste non vide de {child_label}."
            )
            continue
        for child_index, child in enumerate(children):
            if not _text(child):
                problems.append(
                    f"« {path}.{child_key}[{child_index}] » doit être un texte non vide."
                )


def _check_vae_proofs(value, problems):
    if not isinstance(value, dict):
        problems.append("« rules.vae_proofs » doit être un objet.")
        return
    for key in sorted(set(value) - set(DEFAULT_VAE_PROOFS)):
        problems.append(
            f"« rules.vae_proofs.{key} » est inconnu (attendus : « request », « per_experience »)."
        )
    for key in DEFAULT_VAE_PROOFS:
        kinds = value.get(key, [])
        where = f"rules.vae_proofs.{key}"
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            problems.append(f"« {where} » doit être une liste de natures de justificatif.")
            continue
        for kind in kinds:
            if kind not in PROOF_KINDS:
                problems.append(
                    f"« {where} » : nature de justificatif inconnue « {kind} » "
                    f"(connues : {', '.join(PROOF_KINDS)})."
                )
        if key == "per_experience" and "identite" in kinds:
            problems.append(
                f"« {where} » : la pièce d'identité se joint à la demande, non à une période."
            )
        if len(set(kinds)) < len(kinds):
            problems.append(f"« {where} » cite deux fois la même nature de justificatif.")


def _check_jury_checklist(value, problems):
    where = "rules.jury_checklist"
    if not isinstance(value, list) or not value:
        problems.append(f"« {where} » doit être une liste non vide.")
        return
    codes = []
    for index, item in enumerate(value):
        path = f"{where}[{index}]"
        if not isinstance(item, dict) or not (_text(item.get("code")) and _text(item.get("label"))):
            problems.append(f"« {path} » doit être un objet avec « code » et « label ».")
            continue
        code = item["code"]
        if not (code.isascii() and code.replace("_", "").isalnum() and code.islower()):
            problems.append(
                f"« {path}.code » ne doit contenir que des lettres minuscules sans accent, "
                "des chiffres et des tirets bas."
            )
        elif len(code) > CHECKLIST_CODE_LENGTH:
            problems.append(
                f"« {path}.code » ne doit pas dépasser {CHECKLIST_CODE_LENGTH} caractères."
            )
        codes.append(code)
    if len(set(codes)) < len(codes):
        problems.append(f"« {where} » cite deux fois le même code.")


REGISTRIES = ("RNCP", "RS")
REGISTRY_LEVELS = range(1, 9)


def _check_registry(value, problems):
    """The optional `registry` block: {kind: RNCP|RS, code: "" or RNCP12345/RS1234 of that
    kind, level: null or 1..8 (none at the RS), note: free text}."""
    where = "registry"
    if not isinstance(value, dict):
        problems.append(f"« {where} » doit être un objet.")
        return
    for key in sorted(set(value) - {"kind", "code", "level", "note"}):
        problems.append(
            f"« {where}.{key} » est inconnu (attendus : « kind », « code », « level », « note »)."
        )
    kind = value.get("kind", "RNCP")
    if kind not in REGISTRIES:
        problems.append(f"« {where}.kind » doit valoir « RNCP » ou « RS ».")
    code = value.get("code") or ""
    if not isinstance(code, str) or (code and not re.fullmatch(r"(RNCP|RS)\d{1,6}", code)):
        problems.append(
            f"« {where}.code » doit être vide ou s'écrire RNCP ou RS suivi de chiffres "
            "(par exemple RNCP12345)."
        )
    elif code and kind in REGISTRIES and not code.startswith(kind):
        problems.append(f"« {where}.code » doit commencer par {kind}, le répertoire indiqué.")
    level = value.get("level")
    if level is not None and (
        not isinstance(level, int) or isinstance(level, bool) or level not in REGISTRY_LEVELS
    ):
        problems.append(f"« {where}.level » doit être vide (null) ou un entier de 1 à 8.")
    elif level is not None and kind == "RS":
        problems.append(
            f"« {where}.level » : une certification du répertoire spécifique n'a pas de niveau."
        )
    if "note" in value and not isinstance(value["note"], str):
        problems.append(f"« {where}.note » doit être un texte.")


def validate_referentiel(data):
    """Return the list of problems of a parsed référentiel (empty when it is sound)."""
    if not isinstance(data, dict):
        return ["le fichier doit contenir un objet JSON."]
    problems = []
    for key in ("code", "title"):
        if not _text(data.get(key)):
            problems.append(f"« {key} » est manquant ou vide.")
    if _text(data.get("code")) and len(data["code"]) > 30:
        problems.append("« code » ne doit pas dépasser 30 caractères.")
    rules = data.get("rules")
    if not isinstance(rules, dict):
        problems.append("« rules » est manquant ou n'est pas un objet.")
    else:
        for key in ("vae_min_experience_years", "partial_validation_benefit_years"):
            if not _positive_int(rules.get(key)):
                problems.append(f"« rules.{key} » doit être un entier positif.")
        for key in ("jury_requires_parcours", "jury_requires_vae"):
            value = rules.get(key, [])
            if not isinstance(value, list) or not all(_text(v) for v in value):
                problems.append(f"« rules.{key} » doit être une liste de textes.")
        if "vae_proofs" in rules:
            _check_vae_proofs(rules["vae_proofs"], problems)
        if "jury_checklist" in rules:
            _check_jury_checklist(rules["jury_checklist"], problems)
    if "registry" in data:
        _check_registry(data["registry"], problems)
    _check_numbered(data.get("activities"), "activities", problems, "tasks", "tâches")
    _check_numbered(data.get("competences"), "competences", problems, "elements", "éléments")
    return problems


def read_referentiel(path):
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ReferentielError([f"fichier introuvable : {path}"]) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferentielError([f"lecture impossible de {path} : {exc}"]) from exc
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReferentielError(
            [f"JSON mal formé (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}"]
        ) from exc


def _sync_children(model, parent_field, parent, rows):
    """Update or create rows numbered 1..n under parent; delete numbers beyond n."""
    kept = []
    for number, defaults in rows:
        obj, _created = model.objects.update_or_create(
            **{parent_field: parent, "number": number}, defaults=defaults
        )
        kept.append(obj)
    model.objects.filter(**{parent_field: parent}).exclude(number__in=[n for n, _ in rows]).delete()
    return kept


def _load_registry(certification, registry) -> None:
    """The registry's kind, code and level of the file, where the database has none: the
    secretariat enters the code and level once France compétences publishes them (page of
    the certification), and reloading the file must not erase them. The kind follows the
    file while no code is stored. (The data migration's historical model, older than these
    fields, has none of them.)"""
    names = {f.name for f in certification._meta.get_fields()}
    if not registry or "registry_code" not in names:
        return
    update = []
    if not certification.registry_code:
        if registry.get("kind") and certification.registry != registry["kind"]:
            certification.registry = registry["kind"]
            update.append("registry")
        if registry.get("code"):
            certification.registry_code = registry["code"]
            update.append("registry_code")
    if (
        certification.registry_level is None
        and registry.get("level")
        and certification.registry != "RS"
    ):
        certification.registry_level = registry["level"]
        update.append("registry_level")
    if update:
        certification.save(update_fields=update)


def load_referentiel(data, *, apps=global_apps):
    """Validate and write a parsed référentiel; return the Certification.

    `apps` is the app registry, so the data migration can pass its historical models.
    """
    problems = validate_referentiel(data)
    if problems:
        raise ReferentielError(problems)
    Certification = apps.get_model("cqp", "Certification")
    ActivityBlock = apps.get_model("cqp", "ActivityBlock")
    Competence = apps.get_model("cqp", "Competence")
    CompetenceElement = apps.get_model("cqp", "CompetenceElement")
    rules = data["rules"]
    with transaction.atomic():
        certification, _created = Certification.objects.update_or_create(
            code=data["code"].strip(),
            defaults={
                "title": data["title"].strip(),
                "branch": data.get("branch", ""),
                "certifying_body": data.get("certifying_body", ""),
                "classification_level": data.get("classification_level", ""),
                "source": data.get("source", ""),
                "vae_min_experience_years": rules["vae_min_experience_years"],
                "partial_validation_years": rules["partial_validation_benefit_years"],
                "jury_requires_parcours": rules.get("jury_requires_parcours", []),
                "jury_requires_vae": rules.get("jury_requires_vae", []),
                "rules": rules,
            },
        )
        _load_registry(certification, data.get("registry"))
        _sync_children(
            ActivityBlock,
            "certification",
            certification,
            [(a["number"], {"title": a["title"], "tasks": a["tasks"]}) for a in data["activities"]],
        )
        competences = _sync_children(
            Competence,
            "certification",
            certification,
            [(c["number"], {"title": c["title"]}) for c in data["competences"]],
        )
        for competence, source in zip(competences, data["competences"], strict=True):
            _sync_children(
                CompetenceElement,
                "competence",
                competence,
                [(i, {"title": title}) for i, title in enumerate(source["elements"], start=1)],
            )
    return certification


def load_referentiel_file(path, *, apps=global_apps):
    return load_referentiel(read_referentiel(path), apps=apps)
