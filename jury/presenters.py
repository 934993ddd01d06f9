"""What the jury pages show: the session page, the fiche de décision, the label of an
outcome, the public verification. Reads only, from objects the selectors let the user see."""

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from candidates.enums import Pathway, State
from cqp.documents import latest_documents
from cqp.permissions import is_secretariat
from cqp.utils import reverse_key
from evaluations import selectors as evaluation_selectors

from . import credentials, selectors
from .enums import NON_CONFORME, CertificateKind, College, SessionState
from .forms_sessions import ComposeForm, OpenForm
from .permissions import can_name_president, can_steer, presides


def outcome_label(outcome: str) -> str:
    if outcome == NON_CONFORME:
        return _("Dossier non conforme")
    return State(outcome).label


# The session page ---------------------------------------------------------------------------


def colleges(session) -> list[dict]:
    """The session's seats, one group per college."""
    seats = list(session.seats.select_related("member__user").order_by("member__user__last_name"))
    return [
        {"label": label, "seats": [s for s in seats if s.member.college == college]}
        for college, label in College.choices
    ]


def session_context(request, session, **bound) -> dict:
    """The session page, with the forms the user may use now; `bound` holds the form just
    posted (`compose_form` or `open_form`), kept with its errors."""
    secretariat = is_secretariat(request.user)
    steer = can_steer(request.user, session)
    planned = session.state == SessionState.PLANNED
    groups = colleges(session)
    context = {
        "session": session,
        "colleges": groups,
        "has_seats": any(c["seats"] for c in groups),
        "agenda": selectors.session_agenda(session=session),
        "is_secretariat": secretariat,
        "can_steer": steer,
        "pv_document": _stored("proces_verbal", session),
    }
    if secretariat and planned:
        context["compose_form"] = bound.get("compose_form") or ComposeForm(session=session)
    if steer and planned and context["has_seats"]:
        context["open_form"] = bound.get("open_form") or OpenForm(session=session)
        context["require_parity"] = settings.JURY_REQUIRE_PARITY
    return context


# The deliberation dashboard -----------------------------------------------------------------


@dataclass
class DashboardRow:
    """One candidacy of the dashboard, in plain values, that jury.templatetags.jury_items
    writes as a row: no include, URL reversed or label translated per cell (2 to 3 ms a
    row when the template did)."""

    pk: int
    name: str
    pathway: str
    organisation: str
    complete: bool
    # The evaluators' signed results and the links to the dossier's pieces as the cells'
    # list items, their HTML (escaped): 160 of them on a page, one string a cell.
    results: str
    documents: str
    recusals: list[tuple[str, str]]
    presided_by: str  # « présidée par … », beside the recusals
    outcome: str  # the outcome's code once decided, else ""
    outcome_label: str
    certificate: str
    fiche_url: str
    # "decide": the button to decide; "recused": the president is recused; "waiting": to
    # decide by someone else; "": decided.
    status: str


def dashboard_rows(user, session, deliberations, *, presides: bool) -> list[DashboardRow]:
    """The rows of the deliberation dashboard for `user`: `deliberations` as given by
    `selectors.with_jury_facts`."""
    # The pieces' links' labels escaped (written in `documents`); the others plain values.
    labels = {
        "reperage": escape(_("Livret de repérage")),
        "vae_request": escape(_("Dossier VAE — partie 2")),
        "vae_activities": escape(_("Partie 3 — activités")),
        "dossier": escape(_("Dossier de suivi et d'évaluation, pièces justificatives")),
        "parcours": _("Parcours"),
        "cpef": _("CPEF"),
    }
    kinds = {value: str(label) for value, label in CertificateKind.choices}
    is_open = session.state == SessionState.OPEN
    rows = []
    for d in deliberations:
        candidacy = d.candidacy
        pk = candidacy.pk
        if candidacy.pathway == Pathway.PARCOURS:
            documents = [("reperage_edit", labels["reperage"])]
        else:
            documents = [
                ("vae_request_edit", labels["vae_request"]),
                ("vae_activities", labels["vae_activities"]),
            ]
        documents.append(("dossier_detail", labels["dossier"]))
        president = d.president
        if d.is_decided:
            status = ""
        elif d.president_recused:
            status = "recused"
        elif is_open and (
            (president and president.user_id == user.pk) or (presides and not president)
        ):
            status = "decide"
        else:
            status = "waiting"
        outcome = d.outcome if d.is_decided else ""
        name = str(candidacy.candidate)
        escaped_name = escape(name)
        rows.append(
            DashboardRow(
                pk=d.pk,
                name=name,
                pathway="VAE" if candidacy.pathway == Pathway.VAE else labels["parcours"],
                organisation=(candidacy.organisation and candidacy.organisation.name)
                or labels["cpef"],
                complete=d.complete,
                results=mark_safe(  # noqa: S308 (each text escaped)
                    "".join(
                        f'<li><span class="element-code">{escape(a.code)}</span> '
                        f'<span class="badge badge--{escape(a.final_result)}">'
                        f"{escape(a.label)}</span></li>"
                        for a in d.results
                    )
                ),
                documents=mark_safe(  # noqa: S308 (each text escaped)
                    "".join(
                        f'<li><a href="{escape(reverse_key(url_name, pk))}">{label}'
                        f'<span class="visually-hidden"> — {escaped_name}</span></a></li>'
                        for url_name, label in documents
                    )
                ),
                recusals=[(str(r.member.user), r.reason) for r in d.recusals],
                presided_by=_("présidée par %(name)s") % {"name": president.user}
                if president and d.recusals and not d.president_recused
                else "",
                outcome=outcome,
                outcome_label=outcome_label(outcome) if outcome else "",
                certificate=f"{kinds.get(d.certificate_kind, d.certificate_kind)} n° "
                f"{d.certificate_number}"
                if d.certificate_number
                else "",
                fiche_url=reverse_key("deliberation_detail", d.pk),
                status=status,
            )
        )
    return rows


# The fiche de décision ----------------------------------------------------------------------


def competences_to_decide(deliberation) -> list:
    """The competences the jury decides on: those without a validation in force on the
    session's date."""
    return selectors.competences_to_decide(deliberation)


def fiche_context(request, deliberation, *, results: dict, form, recused: list) -> dict:
    """The fiche de décision: the dossier's pieces, the evaluators' results, the members
    recused on the candidacy and, once decided, the decisions, the validations granted and
    the certificate. `results`: the evaluators' (`latest_results`); `form`: the president's,
    or None (read-only); `recused`: the `Recusal`s of the candidacy."""
    dossier = _dossier(request, deliberation.candidacy)
    decided = deliberation.is_decided
    certificate = getattr(deliberation, "certificate", None) if decided else None
    return {
        # Stored once decided only (DocumentKind.is_final): no query for a fiche to decide.
        "fiche_document": _stored("fiche_decision", deliberation) if decided else None,
        "certificate_document": _stored(certificate.kind, certificate) if certificate else None,
        "deliberation": deliberation,
        "session": deliberation.session,
        "candidacy": deliberation.candidacy,
        "form": form,
        "rows": _rows(deliberation, results, form),
        "earlier_validations": selectors.earlier_validations(deliberation=deliberation),
        "granted": deliberation.validations.select_related("competence").order_by(
            "competence__number"
        )
        if decided
        else [],
        "dossier": dossier,
        "missing": evaluation_selectors.dossier_missing(dossier) if dossier else None,
        "outcome_label": outcome_label(deliberation.outcome) if decided else "",
        "certificate": certificate,
        "presides": presides(request.user, deliberation.session),
        "recusals": recused,
        "presiding_member": deliberation.presiding_member,
        "president_recused": any(
            r.member.pk == getattr(deliberation.presiding_member, "pk", None) for r in recused
        ),
        "can_name_president": can_name_president(request.user, deliberation),
    }


def _rows(deliberation, results, form) -> list[dict]:
    """One row per competence the jury decides on, with the evaluators' result beside it."""
    if deliberation.is_decided:
        decisions = deliberation.decisions.select_related("competence")
        return [
            {"competence": d.competence, "result": results.get(d.competence_id), "decision": d}
            for d in decisions
        ]
    competences = form.competences if form else competences_to_decide(deliberation)
    return [
        {
            "competence": c,
            "result": results.get(c.pk),
            "decision_field": form[f"decision_{c.pk}"] if form else None,
            "motivation_field": form[f"motivation_{c.pk}"] if form else None,
        }
        for c in competences
    ]


def _dossier(request, candidacy):
    """The candidacy's evaluation dossier, or None: whoever reads the fiche sees its
    candidacy (the jury's rule: the candidacies of the sessions they sit on)."""
    return evaluation_selectors.current_dossier(candidacy)


def _stored(code: str, obj):
    """The latest stored PDF of `obj` (None before its generation: the page offers a preview)."""
    return latest_documents(code, [obj.pk]).get(obj.pk) if obj is not None else None


# The public verification --------------------------------------------------------------------


def verification_context(certificate) -> dict:
    """What the public page tells of a certificate: its holder's name, the certification,
    the document, whether it is valid, revoked or expired (an attestation whose validations
    all lapsed) and, for an attestation, the competences with their validity; nothing else
    about the person (no e-mail, birth date or organisation)."""
    candidacy = certificate.deliberation.candidacy
    today = timezone.localdate()
    validations = []
    if certificate.kind == CertificateKind.ATTESTATION:
        validations = [
            {"validation": v, "lapsed": v.valid_until < today}
            for v in credentials.attestation_validations(certificate)
        ]
    if certificate.revoked_at is not None:
        status = "revoked"
    elif validations and all(v["lapsed"] for v in validations):
        status = "expired"
    else:
        status = "valid"
    return {
        "certificate": certificate,
        "holder": candidacy.candidate.user.get_full_name(),
        "certification": candidacy.certification,
        "status": status,
        "validations": validations,
        "expired_on": max(v["validation"].valid_until for v in validations)
        if status == "expired"
        else None,
    }
