"""Downloads of the official PDFs and previews of drafts, for those entitled to them only.

Each download is recorded in the download log, the draft preview too: it prints the same
personal data as the document it previews.
"""

from csp.decorators import csp_exempt
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from .. import documents, services
from ..models import Document, DownloadKind


def _kind_or_404(code: str) -> documents.DocumentKind:
    try:
        return documents.get_kind(code)
    except KeyError as error:
        raise Http404 from error


def _record(request, download_kind: str, what, title: str, kind, subject) -> None:
    """Log that the user downloads `what` (of `subject`, an object of `kind`)."""
    services.downloads_record(
        by=request.user,
        kind=download_kind,
        items=[services.Downloaded(what, title, documents.candidacy_pk_of(kind, subject))],
    )


@login_required
@require_GET
def document_download(request, pk):
    """A stored document, as an attachment; 404 for whoever may not see its subject."""
    document = get_object_or_404(Document, pk=pk)
    kind = _kind_or_404(document.kind)
    subject = documents.visible_object(kind, request.user, document.object_id)
    if subject is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    _record(request, DownloadKind.DOCUMENT, document, document.title, kind, subject)
    name = f"{slugify(document.title)[:120] or document.kind}.pdf"
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Shown inline: Chromium's PDF viewer is a page of its own, with inline styles, which the
# pages' CSP would break. A PDF of the app's own making, never HTML: no CSP here.
@login_required
@csp_exempt()
@require_GET
def document_preview(request, code, object_id):
    """The document as it would be printed now, marked « projet », never stored."""
    kind = _kind_or_404(code)
    obj = documents.visible_object(kind, request.user, object_id)
    if obj is None:
        raise Http404
    pdf, _pages = documents.render_pdf(kind, obj, draft=True)
    _record(request, DownloadKind.PREVIEW, obj, kind.title(obj), kind, obj)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{slugify(kind.title(obj))[:120] or code}-apercu.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
