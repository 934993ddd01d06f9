"""The jury's dashboard panels (imported by JuryConfig.ready): for a member, the sessions
they sit on, with their progress (one query, annotated with the counts); for the
secretariat, the jury pipeline (a constant number of queries); for a candidate, their
certificates and attestations with their signed credentials."""

from cqp.dashboard import register_panel
from cqp.documents import latest_documents
from cqp.models import MembershipRole, PlatformRole

from . import selectors

PANEL_SIZE = 10


# Before the core's placeholder panel for the jury (order 10).
@register_panel(PlatformRole.JURY, "jury/panels/sessions.html", order=5)
def sessions_panel(request):
    return {"sessions": list(selectors.session_list(user=request.user)[:PANEL_SIZE])}


@register_panel(PlatformRole.SECRETARIAT, "jury/panels/pipeline.html", order=30)
def pipeline_panel(request):
    return selectors.jury_pipeline()


# Before the candidate's own panel (order 20): what the jury delivered comes first.
@register_panel(MembershipRole.CANDIDAT, "jury/panels/certificates.html", order=15)
def certificates_panel(request):
    certificates = list(selectors.certificates_held(user=request.user))
    for kind in {c.kind for c in certificates}:
        # The sealed PDF of each (stored after the decision's commit: absent for a moment).
        pdfs = latest_documents(kind, [c.pk for c in certificates if c.kind == kind])
        for certificate in certificates:
            if certificate.kind == kind:
                certificate.pdf = pdfs.get(certificate.pk)
    return {"certificates": certificates}
