"""The authorization matrix: every page × every role, own organisation or another.

Each row: (name, method, url builder, roles answered 200/302). Every other role gets a
404 — never a 403 that would reveal the object exists — and a POST changes nothing.
Later issues extend PAGES with their own rows.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from candidates.models import Candidacy, ParcoursAction, ReperageEntry, TransitionLog, VaeExperience
from candidates.services import candidacy_assign
from cqp.models import Habilitation, Invitation, Organisation
from evaluations.services import dossier_open, evidence_add
from tests.factories import (
    TINY_PDF,
    CandidacyFactory,
    CandidateFactory,
    CertificateFactory,
    DeliberationFactory,
    DocumentFactory,
    JuryFactory,
    JuryMemberFactory,
    JurySessionFactory,
    SeatFactory,
    VaeCandidacyFactory,
)

ROLES = [
    "secretariat",
    "jury",
    "gestionnaire",
    "candidat",
    "professionnel",
    "evaluateur",
    "outsider",
]
EVERYONE = set(ROLES)
OWN_MEMBERS = {"gestionnaire", "candidat", "professionnel"}
CANDIDACY_VIEWERS = {"secretariat", "gestionnaire", "candidat", "professionnel", "evaluateur"}

PAGES = [
    ("dashboard", lambda o: reverse("dashboard"), EVERYONE),
    ("organisation list", lambda o: reverse("organisation_list"), EVERYONE),
    (
        "own organisation",
        lambda o: reverse("organisation_detail", args=[o["own_org"].slug]),
        {"secretariat"} | OWN_MEMBERS,
    ),
    (
        "other organisation",
        lambda o: reverse("organisation_detail", args=[o["other_org"].slug]),
        {"secretariat", "outsider"},
    ),
    ("organisation create", lambda o: reverse("organisation_create"), {"secretariat"}),
    (
        "organisation update (own)",
        lambda o: reverse("organisation_update", args=[o["own_org"].slug]),
        {"secretariat"},
    ),
    (
        "invite to own organisation",
        lambda o: reverse("invitation_create", args=[o["own_org"].slug]),
        {"secretariat", "gestionnaire"},
    ),
    (
        "invite to other organisation",
        lambda o: reverse("invitation_create", args=[o["other_org"].slug]),
        {"secretariat", "outsider"},
    ),
    ("habilitation list", lambda o: reverse("habilitation_list"), {"secretariat"}),
    ("habilitation grant", lambda o: reverse("habilitation_create"), {"secretariat"}),
    (
        "habilitation renew",
        lambda o: reverse("habilitation_renew", args=[o["habilitation"].pk]),
        {"secretariat"},
    ),
    (
        "habilitation revoke",
        lambda o: reverse("habilitation_revoke", args=[o["habilitation"].pk]),
        {"secretariat"},
    ),
    ("référentiel list", lambda o: reverse("certification_list"), EVERYONE),
    ("référentiel detail", lambda o: reverse("certification_detail", args=["CQP-AF"]), EVERYONE),
    ("password change", lambda o: reverse("password_change"), EVERYONE),
    ("my notifications", lambda o: reverse("notification_list"), EVERYONE),
    # Candidacies (issue « Candidacy workflow »)
    ("candidacy list", lambda o: reverse("candidacy_list"), EVERYONE),
    (
        "candidacy create",
        lambda o: reverse("candidacy_create"),
        {"secretariat", "gestionnaire", "outsider"},
    ),
    (
        "own candidacy",
        lambda o: reverse("candidacy_detail", args=[o["candidacy"].pk]),
        {"secretariat", "gestionnaire", "candidat", "professionnel", "evaluateur"},
    ),
    (
        "other organisation's candidacy",
        lambda o: reverse("candidacy_detail", args=[o["other_candidacy"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "assign evaluators (own)",
        lambda o: reverse("candidacy_assign", args=[o["candidacy"].pk]),
        {"secretariat", "gestionnaire"},
    ),
    (
        "assign evaluators (other)",
        lambda o: reverse("candidacy_assign", args=[o["other_candidacy"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "withdraw own candidacy",
        lambda o: reverse("candidacy_transition", args=[o["candidacy"].pk, "withdraw"]),
        {
            "secretariat": 200,
            "gestionnaire": 200,
            "candidat": 200,
            "professionnel": 403,
            "evaluateur": 403,
        },
    ),
    (
        "complete reperage (own)",
        lambda o: reverse("candidacy_transition", args=[o["candidacy"].pk, "complete_reperage"]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 200,
            "evaluateur": 403,
        },
    ),
    ("recevabilité queue", lambda o: reverse("recevabilite_queue"), {"secretariat"}),
    (
        "livret de repérage (own)",
        lambda o: reverse("reperage_edit", args=[o["candidacy"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "livret de repérage (other)",
        lambda o: reverse("reperage_edit", args=[o["other_candidacy"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "parcours plan (own)",
        lambda o: reverse("plan_detail", args=[o["candidacy"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "parcours plan (other)",
        lambda o: reverse("plan_detail", args=[o["other_candidacy"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "add a parcours action (own)",
        lambda o: reverse("plan_action_add", args=[o["candidacy"].pk]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 200,
            "evaluateur": 403,
        },
    ),
    (
        "confirm practice during repérage (own)",
        lambda o: reverse("practice_confirm", args=[o["candidacy"].pk]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 403,
            "evaluateur": 403,
        },
    ),
    (
        "VAE partie 2 (own)",
        lambda o: reverse("vae_request_edit", args=[o["vae_candidacy"].pk]),
        {"secretariat", "gestionnaire", "candidat"},
    ),
    (
        "VAE partie 2 (other)",
        lambda o: reverse("vae_request_edit", args=[o["other_vae_candidacy"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "VAE partie 3 (own)",
        lambda o: reverse("vae_activities", args=[o["vae_candidacy"].pk]),
        {"secretariat", "gestionnaire", "candidat"},
    ),
    (
        "add a VAE experience (own)",
        lambda o: reverse("vae_experience_add", args=[o["vae_candidacy"].pk]),
        {"secretariat": 403, "gestionnaire": 403, "candidat": 200},
    ),
    (
        "add a VAE activity before recevabilité (own)",
        lambda o: reverse("vae_activity_add", args=[o["vae_candidacy"].pk]),
        {"secretariat": 403, "gestionnaire": 403, "candidat": 403},
    ),
    (
        "livret on a VAE candidacy",
        lambda o: reverse("reperage_edit", args=[o["vae_candidacy"].pk]),
        set(),
    ),
    ("request a VAE", lambda o: reverse("vae_request_create"), EVERYONE),
    # Jury paritaire (issue « Jury paritaire »)
    ("jury sessions", lambda o: reverse("session_list"), {"secretariat", "jury"}),
    ("program a jury session", lambda o: reverse("session_create"), {"secretariat"}),
    (
        "my jury session",
        lambda o: reverse("session_detail", args=[o["session"].pk]),
        {"secretariat", "jury"},
    ),
    (
        "another jury session",
        lambda o: reverse("session_detail", args=[o["other_session"].pk]),
        {"secretariat"},
    ),
    (
        "deliberation dashboard",
        lambda o: reverse("session_dashboard", args=[o["session"].pk]),
        {"secretariat", "jury"},
    ),
    (
        "fiche de décision (my session)",
        lambda o: reverse("deliberation_detail", args=[o["deliberation"].pk]),
        {"secretariat", "jury"},
    ),
    (
        "fiche de décision (other session)",
        lambda o: reverse("deliberation_detail", args=[o["other_deliberation"].pk]),
        {"secretariat"},
    ),
    (
        "candidacy on my session",
        lambda o: reverse("candidacy_detail", args=[o["deliberation"].candidacy.pk]),
        {"secretariat", "jury", "gestionnaire"},
    ),
    (
        "revoke a certificate",
        lambda o: reverse("certificate_revoke", args=[o["certificate"].pk]),
        {"secretariat"},
    ),
    ("public verification", lambda o: reverse("verify"), EVERYONE),
    # Official documents (issue « Documents, notifications and reminders »)
    (
        "livret PDF (own)",
        lambda o: reverse("document_download", args=[o["livret_pdf"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "livret PDF (other)",
        lambda o: reverse("document_download", args=[o["other_livret_pdf"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "livret draft preview (own)",
        lambda o: reverse("document_preview", args=["livret", o["candidacy"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "dossier VAE PDF (own)",
        lambda o: reverse("document_download", args=[o["vae_pdf"].pk]),
        {"secretariat", "gestionnaire", "candidat"},
    ),
    (
        "dossier de suivi PDF (own)",
        lambda o: reverse("document_download", args=[o["dossier_pdf"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "dossier de suivi PDF (other)",
        lambda o: reverse("document_download", args=[o["other_dossier_pdf"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "fiche de décision PDF (my session)",
        lambda o: reverse("document_download", args=[o["fiche_pdf"].pk]),
        {"secretariat", "jury", "gestionnaire"},
    ),
    (
        "fiche de décision PDF (other session)",
        lambda o: reverse("document_download", args=[o["other_fiche_pdf"].pk]),
        {"secretariat", "outsider"},
    ),
    (
        "certificate PDF (my session)",
        lambda o: reverse("document_download", args=[o["certificate_pdf"].pk]),
        {"secretariat", "jury", "gestionnaire"},
    ),
    (
        "procès-verbal PDF (my session)",
        lambda o: reverse("document_download", args=[o["pv_pdf"].pk]),
        {"secretariat", "jury"},
    ),
    (
        "procès-verbal PDF (other session)",
        lambda o: reverse("document_download", args=[o["other_pv_pdf"].pk]),
        {"secretariat"},
    ),
    (
        "dossiers ZIP (my session)",
        lambda o: reverse("session_dossiers_zip", args=[o["session"].pk]),
        {"secretariat", "jury"},
    ),
    (
        "dossiers ZIP (other session)",
        lambda o: reverse("session_dossiers_zip", args=[o["other_session"].pk]),
        {"secretariat"},
    ),
    # Evaluation (issue « Evaluation »)
    (
        "evaluation dossier (own)",
        lambda o: reverse("dossier_detail", args=[o["in_evaluation"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "candidate's dossier part (own)",
        lambda o: reverse("candidate_dossier", args=[o["in_evaluation"].pk]),
        {
            "secretariat": 302,
            "gestionnaire": 302,
            "candidat": 200,
            "professionnel": 302,
            "evaluateur": 302,
        },
    ),
    (
        "assessment (own)",
        lambda o: reverse("assessment", args=[o["in_evaluation"].pk]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 200,
            "evaluateur": 200,
        },
    ),
    (
        "transmit to the jury (own)",
        lambda o: reverse("dossier_transmit", args=[o["in_evaluation"].pk]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 403,
            "evaluateur": 200,
        },
    ),
    (
        "back to the parcours (own)",
        lambda o: reverse("dossier_resume_parcours", args=[o["in_evaluation"].pk]),
        {
            "secretariat": 403,
            "gestionnaire": 403,
            "candidat": 403,
            "professionnel": 200,
            "evaluateur": 200,
        },
    ),
    (
        "evidence download (own)",
        lambda o: reverse("evidence_download", args=[o["evidence"].pk]),
        CANDIDACY_VIEWERS,
    ),
    (
        "evidence download (other)",
        lambda o: reverse("evidence_download", args=[o["other_evidence"].pk]),
        {"secretariat", "outsider"},
    ),
]


def _expected(allowed, role):
    if isinstance(allowed, dict):
        return allowed.get(role, 404)
    return 200 if role in allowed else 404


MATRIX = [(name, role, _expected(allowed, role)) for name, _url, allowed in PAGES for role in ROLES]
URLS = {name: url for name, url, _allowed in PAGES}


class LazyObjects(dict):
    """The objects a row needs, built on first use: each test builds only what its URL uses."""

    def __init__(self, builders):
        super().__init__()
        self.builders = builders

    def __missing__(self, key):
        self[key] = value = self.builders[key](self)
        return value


def _in_evaluation(organisation, candidate, by, professionnel=None, evaluateur=None):
    """A candidacy in evaluation with its dossier open and one evidence file; returns the file."""
    candidacy = CandidacyFactory(organisation=organisation, candidate=candidate, state="evaluation")
    if professionnel:
        candidacy_assign(
            candidacy=candidacy, by=by, professionnel=professionnel, evaluateur=evaluateur
        )
    dossier = dossier_open(candidacy=candidacy)
    return evidence_add(
        dossier=dossier,
        by=candidate.user,
        competence=dossier.competences.first(),
        upload=SimpleUploadedFile("preuve.pdf", TINY_PDF),
    )


def _stored(kind, subject):
    """A stored document of `subject` (tiny bytes: the matrix checks rights, not rendering)."""
    return DocumentFactory(kind=kind, subject=subject)


def _session(secretariat, member):
    session = JurySessionFactory(
        date=timezone.localdate(), place="Paris", created_by=secretariat, president=member
    )
    SeatFactory(session=session, member=member)
    return session


@pytest.fixture
def objects(actors, own_org, other_org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    secretariat, professionnel, evaluateur = (
        actors["secretariat"],
        actors["professionnel"],
        actors["evaluateur"],
    )

    def candidacy(o):
        c = CandidacyFactory(organisation=own_org, candidate__user=actors["candidat"])
        candidacy_assign(
            candidacy=c, by=secretariat, professionnel=professionnel, evaluateur=evaluateur
        )
        return c

    return LazyObjects(
        {
            "own_org": lambda o: own_org,
            "other_org": lambda o: other_org,
            "habilitation": lambda o: Habilitation.objects.get(user=professionnel),
            "candidacy": candidacy,
            "other_candidacy": lambda o: CandidacyFactory(organisation=other_org),
            "vae_candidacy": lambda o: VaeCandidacyFactory(
                organisation=own_org, candidate=o["candidacy"].candidate
            ),
            "other_vae_candidacy": lambda o: VaeCandidacyFactory(organisation=other_org),
            "evidence": lambda o: _in_evaluation(
                own_org, o["candidacy"].candidate, secretariat, professionnel, evaluateur
            ),
            "in_evaluation": lambda o: o["evidence"].dossier.candidacy,
            "other_evidence": lambda o: _in_evaluation(other_org, CandidateFactory(), secretariat),
            "session": lambda o: _session(
                secretariat, JuryMemberFactory(user=actors["jury"], college="employeurs")
            ),
            "other_session": lambda o: _session(
                secretariat, JuryMemberFactory(user=JuryFactory(), college="salaries")
            ),
            "deliberation": lambda o: DeliberationFactory(
                session=o["session"], candidacy=CandidacyFactory(organisation=own_org, state="jury")
            ),
            "other_deliberation": lambda o: DeliberationFactory(
                session=o["other_session"],
                candidacy=CandidacyFactory(organisation=other_org, state="jury"),
            ),
            "certificate": lambda o: CertificateFactory(
                deliberation=o["deliberation"], kind="certificat", issued_on=timezone.localdate()
            ),
            "livret_pdf": lambda o: _stored("livret", o["candidacy"]),
            "other_livret_pdf": lambda o: _stored("livret", o["other_candidacy"]),
            "vae_pdf": lambda o: _stored("dossier_vae", o["vae_candidacy"]),
            "dossier_pdf": lambda o: _stored("dossier_evaluation", o["evidence"].dossier),
            "other_dossier_pdf": lambda o: _stored(
                "dossier_evaluation", o["other_evidence"].dossier
            ),
            "fiche_pdf": lambda o: _stored("fiche_decision", o["deliberation"]),
            "other_fiche_pdf": lambda o: _stored("fiche_decision", o["other_deliberation"]),
            "certificate_pdf": lambda o: _stored("certificat", o["certificate"]),
            "pv_pdf": lambda o: _stored("proces_verbal", o["session"]),
            "other_pv_pdf": lambda o: _stored("proces_verbal", o["other_session"]),
        }
    )


@pytest.mark.parametrize(
    ("page", "role", "expected"), MATRIX, ids=[f"{p}-{r}" for p, r, _ in MATRIX]
)
def test_matrix_get(client, actors, objects, page, role, expected):
    client.force_login(actors[role])
    response = client.get(URLS[page](objects))
    assert response.status_code == expected


@pytest.mark.parametrize(
    "page",
    [name for name, _url, allowed in PAGES if allowed is not EVERYONE or name == "dashboard"],
)
def test_matrix_anonymous_is_sent_to_login(client, objects, page):
    url = URLS[page](objects)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


# A crafted POST by a role that may not act changes nothing and answers 404.
POSTS = [
    (
        "organisation create",
        {"name": "Intrus", "kind": "entreprise", "siret": "73282932000074", "city": ""},
        {"secretariat"},
    ),
    (
        "organisation update (own)",
        {"name": "Renommée", "kind": "entreprise", "siret": "73282932000074", "city": ""},
        {"secretariat"},
    ),
    (
        "invite to own organisation",
        {"email": "nouveau@exemple.fr", "role": "candidat"},
        {"secretariat", "gestionnaire"},
    ),
    (
        "habilitation grant",
        {
            "email": "x@exemple.fr",
            "first_name": "X",
            "last_name": "Y",
            "kind": "evaluateur",
            "valid_from": "2026-01-01",
            "valid_until": "2027-01-01",
        },
        {"secretariat"},
    ),
    ("habilitation renew", {"valid_until": "2099-01-01"}, {"secretariat"}),
    ("habilitation revoke", {"reason": "Intrusion"}, {"secretariat"}),
    (
        "candidacy create",
        {"organisation": "", "email": "n@exemple.fr", "first_name": "N", "last_name": "M"},
        {"secretariat", "gestionnaire", "outsider"},
    ),
    (
        "assign evaluators (own)",
        {"professionnel": "", "evaluateur": ""},
        {"secretariat", "gestionnaire"},
    ),
    (
        "withdraw own candidacy",
        {"expected_state": "reperage", "comment": "Intrusion"},
        {"secretariat", "gestionnaire", "candidat"},
    ),
    ("complete reperage (own)", {"expected_state": "reperage"}, {"professionnel"}),
]
POSTS += [
    ("livret de repérage (own)", {"action": "draft"}, {"professionnel"}),
    (
        "add a VAE experience (own)",
        {"employer": "X", "job_title": "Y", "start_date": "2020-01-01", "is_relevant": "on"},
        {"candidat"},
    ),
    ("add a parcours action (own)", {"kind": "formation"}, {"professionnel"}),
]
FORBIDDEN_STATUS = {
    "livret de repérage (own)": {
        r: 403 for r in ["secretariat", "gestionnaire", "candidat", "evaluateur"]
    },
    "add a VAE experience (own)": {"secretariat": 403, "gestionnaire": 403},
    "add a parcours action (own)": {
        r: 403 for r in ["secretariat", "gestionnaire", "candidat", "evaluateur"]
    },
    "withdraw own candidacy": {"professionnel": 403, "evaluateur": 403},
    "complete reperage (own)": {
        "secretariat": 403,
        "gestionnaire": 403,
        "candidat": 403,
        "evaluateur": 403,
    },
}
POST_MATRIX = [
    (name, data, role) for name, data, allowed in POSTS for role in ROLES if role not in allowed
]


def _snapshot():
    return (
        list(Organisation.objects.order_by("pk").values_list("name", "siret")),
        list(Invitation.objects.values_list("email", flat=True)),
        list(Habilitation.objects.order_by("pk").values_list("pk", "valid_until", "revoked_on")),
        list(
            Candidacy.objects.order_by("pk").values_list(
                "pk", "state", "professionnel", "evaluateur"
            )
        ),
        TransitionLog.objects.count(),
        ReperageEntry.objects.count(),
        VaeExperience.objects.count(),
        ParcoursAction.objects.count(),
    )


@pytest.mark.parametrize(
    ("page", "data", "role"), POST_MATRIX, ids=[f"{p}-{r}" for p, _d, r in POST_MATRIX]
)
def test_matrix_forbidden_post_changes_nothing(
    client, actors, objects, mailoutbox, page, data, role
):
    client.force_login(actors[role])
    url = URLS[page](objects)  # builds the objects the row needs before the snapshot
    before = _snapshot()
    response = client.post(url, data)
    assert response.status_code == FORBIDDEN_STATUS.get(page, {}).get(role, 404)
    assert _snapshot() == before
    assert mailoutbox == []


def test_matrix_organisation_list_shows_only_own_organisations(client, actors, own_org, other_org):
    client.force_login(actors["outsider"])
    names = [o.name for o in client.get(reverse("organisation_list")).context["page"]]
    assert names == [other_org.name]
    client.force_login(actors["candidat"])
    names = [o.name for o in client.get(reverse("organisation_list")).context["page"]]
    assert names == [own_org.name]
    client.force_login(actors["secretariat"])
    names = {o.name for o in client.get(reverse("organisation_list")).context["page"]}
    assert names == {own_org.name, other_org.name}


def test_matrix_members_are_shown_only_to_those_who_manage(client, actors, own_org):
    for role, sees_members in [
        ("gestionnaire", True),
        ("secretariat", True),
        ("candidat", False),
        ("professionnel", False),
    ]:
        client.force_login(actors[role])
        response = client.get(reverse("organisation_detail", args=[own_org.slug]))
        assert (actors["candidat"].email in response.content.decode()) is sees_members, role
