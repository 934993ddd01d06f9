"""What the evaluation pages show: the dossier's competences with their files, the
candidate's sections (account and evidence forms per competence), the evaluators' cards
(opinions, joint result, signatures) and the links to the dossier's PDF.

Each evaluator's opinion stays hidden from the other until both are given: a card only
ever carries the other's opinion in `revealed`, built once both are known.
"""

from django import forms
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from candidates.presenters import candidacy_context
from cqp.models import User
from cqp.permissions import ROLE_LABELS

from . import documents, permissions, selectors
from .enums import EVALUATORS, Opinion
from .evidence import MAX_FILES_PER_COMPETENCE
from .forms_assessment import FinalForm, ObservationForm, OpinionForm, SignForm
from .forms_dossier import AccountForm, EvidenceForm
from .models import EvaluationDossier

# The dossier and its files ----------------------------------------------------------------


def size_label(size: int) -> str:
    """A file's size as people read it: kilo-octets under a mega-octet, else mega-octets."""
    if size < 1024 * 1024:
        return _("%(size)s Ko") % {"size": formats.number_format(max(1, round(size / 1024)))}
    return _("%(size)s Mo") % {"size": formats.number_format(size / 1024 / 1024, 1)}


def dossier_competences(dossier: EvaluationDossier) -> list:
    """The dossier's competences (see the selector), each evidence file with its `size_label`."""
    competences = selectors.dossier_competences(dossier)
    for competence in competences:
        for file in competence.evidence_files:
            file.size_label = size_label(file.size)
    return competences


def pdf_links(dossier: EvaluationDossier) -> dict:
    """A draft preview while the dossier is not transmitted; its latest stored edition, if any."""
    return {
        "pdf_preview": dossier.transmitted_at is None,
        "pdf_document": documents.latest_edition(dossier),
    }


def assessment_url(candidacy, user: User) -> str | None:
    """The evaluators' page, for the candidacy's evaluators only."""
    if permissions.evaluator_role(candidacy, user) is None:
        return None
    return reverse("assessment", args=[candidacy.pk])


# The candidate's part ---------------------------------------------------------------------


def auto_id(competence_pk) -> str:
    """Ids unique to one competence's forms, set before validation (error ids derive from them)."""
    value = str(competence_pk)
    return f"id_c{value}_%s" if value.isascii() and value.isdigit() else "id_%s"


def _section(dossier, competence, *, kept: dict) -> dict:
    """The forms of one competence; `kept` holds the bound forms of the one just posted. The
    file's form holds the account typed beside the file: refused, it shows that account."""
    account = (
        kept.get("account")
        or kept.get("evidence")
        or AccountForm(
            initial={"text": competence.account.text if competence.account else ""},
            auto_id=auto_id(competence.pk),
        )
    )
    evidence = kept.get("evidence") or EvidenceForm(
        initial={"competence": competence.pk},
        competences=dossier.competences.all(),
        auto_id=auto_id(competence.pk),
    )
    return {
        "competence": competence,
        "account_form": account,
        "evidence_form": evidence,
        "can_upload": len(competence.evidence_files) < MAX_FILES_PER_COMPETENCE
        or evidence.is_bound,
    }


def candidate_sections(
    dossier: EvaluationDossier, *, posted=None, bound: dict | None = None
) -> dict:
    """The candidate's page: one section per competence. `posted` names the competence whose
    `bound` forms come back with errors."""
    bound = bound or {}
    sections = [
        _section(dossier, c, kept=bound if str(c.pk) == str(posted) else {})
        for c in dossier_competences(dossier)
    ]
    # A competence outside the scope has no section: its errors go at the top of the page.
    section = next((s for s in sections if str(s["competence"].pk) == str(posted)), None)
    stray = (
        []
        if posted is None or section is not None
        else [
            error for form in bound.values() for errors in form.errors.values() for error in errors
        ]
    )
    return {
        "sections": sections,
        "stray_errors": stray,
        "max_files": MAX_FILES_PER_COMPETENCE,
        **_error_summary(section, bound, stray),
    }


def _error_summary(section, bound: dict, stray: list) -> dict:
    """What the page's error summary (includes/error_summary.html) shows: the refused form of
    the posted competence, whose fields are on the page, or a form carrying the errors of a
    competence that has no section (nothing on the page to link them to)."""
    if stray:
        form = forms.Form(data={})
        form.full_clean()
        for error in stray:
            form.add_error(None, error)
        return {"error_form": form, "page_has_errors": True}
    refused = next((f for f in bound.values() if f.errors), None)
    if section is None or refused is None:
        return {}
    intro = _("Rien n'a été enregistré pour la compétence %(code)s : corrigez ce qui est signalé.")
    return {
        "error_form": refused,
        "error_intro": intro % {"code": section["competence"].code},
        "page_has_errors": True,
    }


# The evaluators' part ---------------------------------------------------------------------


def _opinion_of(assessment, role) -> dict:
    """One evaluator's opinion: its code (for the badge), its label and their comment."""
    return {
        "code": getattr(assessment, f"{role}_opinion"),
        "opinion": getattr(assessment, f"get_{role}_opinion_display")(),
        "comment": getattr(assessment, f"{role}_comment"),
    }


def assessment_card(competence, *, role, editable: bool, bound: dict) -> dict:
    """What the page shows of one competence to the evaluator acting as `role`; `bound`
    holds forms posted with errors, keyed by (form name, assessment pk)."""
    a = competence.assessment
    card = {"competence": competence, "assessment": a}
    if a is None:
        return card
    other = next(r for r in EVALUATORS if r != role)
    card.update(
        mine={**_opinion_of(a, role), "at": getattr(a, f"{role}_opinion_at")},
        other_label=ROLE_LABELS[other],
        other_given=bool(getattr(a, f"{other}_opinion")),
    )
    # A joint result exists only once both opinions are given; a disagreement also needs its motivation.
    resolved = bool(a.final_result) and not (a.disagreement and not a.final_comment)
    if a.both_opinions_given:
        card["revealed"] = [
            {"label": ROLE_LABELS[r], **_opinion_of(a, r), "mine": r == role} for r in EVALUATORS
        ]
        card["signatures"] = [
            {
                "label": ROLE_LABELS[r],
                "name": getattr(a, f"{r}_signed_name"),
                "at": getattr(a, f"{r}_signed_at"),
                "mine": r == role,
            }
            for r in EVALUATORS
        ]
    forms = {
        "opinion_form": (OpinionForm, {"role": role}, not a.both_opinions_given),
        "final_form": (FinalForm, {}, a.both_opinions_given),
        "sign_form": (SignForm, {}, resolved and not getattr(a, f"{role}_signed_at")),
    }
    for name, (form_class, kwargs, offered) in forms.items():
        if (name, a.pk) in bound:
            card[name] = bound[(name, a.pk)]
        elif editable and offered:
            card[name] = form_class(assessment=a, **kwargs)
    return card


def assessment_page(request, dossier: EvaluationDossier, *, role, bound: dict) -> dict:
    """The context of the evaluators' page for the evaluator acting as `role`; `bound` holds
    the forms posted with errors, keyed by (form name, assessment pk) or the form's name."""
    candidacy = dossier.candidacy
    editable = permissions.can_assess(dossier, request.user)
    cards = [
        assessment_card(competence, role=role, editable=editable, bound=bound)
        for competence in selectors.dossier_competences(dossier)
    ]
    observation_form = bound.get("observation_form")
    if observation_form is None and editable:
        observation_form = ObservationForm(dossier=dossier)
    return candidacy_context(
        request,
        candidacy,
        title=_("Évaluation des compétences"),
        dossier=dossier,
        role_label=ROLE_LABELS[role],
        editable=editable,
        cards=cards,
        observations=selectors.observation_list(dossier),
        observation_form=observation_form,
        can_transmit=permissions.can_transmit(dossier, request.user),
        # Offered once a joint result says « non acquise »; the page then says what else is needed.
        can_resume_parcours=permissions.can_resume_parcours(dossier, request.user)
        and any(
            card["assessment"] and card["assessment"].final_result == Opinion.NON_ACQUISE
            for card in cards
        ),
        **pdf_links(dossier),
    )


def resume_summary(dossier: EvaluationDossier) -> dict:
    """What the return to the parcours needs: the results still unsigned, and the competences
    whose signed result is « non acquise » (the new plan)."""
    competences = [c for c in selectors.dossier_competences(dossier) if c.assessment]
    return {
        "unsigned": [c for c in competences if not c.assessment.fully_signed],
        "not_acquired": [
            c
            for c in competences
            if c.assessment.fully_signed and c.assessment.final_result == Opinion.NON_ACQUISE
        ],
    }
