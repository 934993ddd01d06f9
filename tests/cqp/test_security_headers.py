"""The headers every response carries (settings.CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY,
cqp.middleware.PrivatePagesMiddleware), and pages that keep to the CSP: every page reachable
by a link, for every role, holds no inline script, style or event handler."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django.views.defaults import server_error

from cqp.models import MembershipRole
from tests.candidates.builders import candidacy_in
from tests.evaluations.builders import parcours_in_evaluation
from tests.factories import MembershipFactory
from tests.jury import builders as jury

pytestmark = pytest.mark.django_db

CSP = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}
DENIED = ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid"]


def policy(response) -> set[str]:
    """The Content-Security-Policy header's directives."""
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


def assert_hardened(response):
    assert policy(response) == CSP
    features = response["Permissions-Policy"].split(", ")
    for feature in DENIED:
        assert f"{feature}=()" in features


def assert_not_stored(response):
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


@pytest.mark.parametrize("name", ["login", "verify", "vae_signup", "password_reset"])
def test_public_pages_send_the_csp_and_the_permissions_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_hardened(response)


def test_a_page_not_found_is_hardened_too(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert_hardened(response)


def test_every_page_of_a_signed_in_user_is_kept_out_of_caches(client, actors):
    for user in actors.values():
        client.force_login(user)
        for url in (reverse("dashboard"), reverse("notification_list"), "/nulle-part/"):
            response = client.get(url)
            assert_hardened(response)
            assert_not_stored(response)


def test_a_public_page_may_be_cached_once_signed_out(client):
    response = client.get(reverse("vae_signup"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_inline_pdf_preview_escapes_the_pages_csp(client, candidat, own_org):
    """Chromium shows an inline PDF in a viewer page of its own, which the pages' CSP breaks."""
    candidacy = candidacy_in("reperage", candidat, own_org)
    client.force_login(candidat)
    response = client.get(reverse("document_preview", args=["livret", candidacy.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "Content-Security-Policy" not in response
    assert_not_stored(response)


# Every page keeps to the CSP -------------------------------------------------------------


class PageReader(HTMLParser):
    """The page's links, and whatever the CSP would block: inline scripts, <style>, style
    attributes, event handler attributes, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.links, self.inline = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "style" or (tag == "script" and not attrs.get("src")):
            self.inline.append(f"<{tag}>")
        for name, value in attrs.items():
            script_url = (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.inline.append(f'<{tag} {name}="{value}">')


# Downloads and PDFs are not pages (and previews are slow to render); the back-office is Django's.
NOT_PAGES = ("/documents/", "/pieces/", ".zip", "/admin/", "/deconnexion/", "/langue/")


def crawl(client, start: list[str], limit: int = 150) -> dict[str, list[str]]:
    """GET every page of this site reachable by links from `start`: {url: what the CSP would
    block}, for the HTML pages seen."""
    seen, queue, found = set(), list(start), {}
    while queue and len(seen) < limit:
        url = urldefrag(queue.pop(0))[0]
        if url in seen or urlsplit(url).netloc or any(part in url for part in NOT_PAGES):
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code != 500, url
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        reader = PageReader()
        reader.feed(response.content.decode())
        found[url] = reader.inline
        queue.extend(link for link in reader.links if link.startswith("/"))
    return found


@pytest.fixture
def the_whole_workflow(secretariat, candidat, own_org, professionnel, evaluateur):
    """Candidacies at every kind of page: repérage, VAE recevabilité, evaluation, on a jury
    session (pending and decided, with its certificate). Returns who else to crawl as (the
    jury president, the candidate in evaluation) and a page refused to most (403)."""
    people = {"secretariat": secretariat, "professionnel": professionnel, "evaluateur": evaluateur}
    president, assesseur = jury.member(jury.EMPLOYEURS), jury.member(jury.SALARIES)
    session = jury.open_session(by=secretariat, members=[president, assesseur], president=president)
    decided = jury.place(
        session, jury.candidacy_in_jury(candidat, own_org, **people), by=secretariat
    )
    jury.record(decided, decisions=jury.fiche(validated=jury.ALL))
    jury.cheap_on_agenda(session, secretariat=secretariat)

    def candidate():
        return MembershipFactory(organisation=own_org, role=MembershipRole.CANDIDAT).user

    in_evaluation = parcours_in_evaluation(candidate(), own_org, **people)
    in_reperage = candidacy_in("reperage", candidate(), own_org, professionnel=professionnel)
    candidacy_in("recevabilite", candidate(), own_org, pathway="vae")
    refused = reverse("candidacy_transition", args=[in_reperage.pk, "complete_reperage"])
    return [president.user, in_evaluation.candidate.user], refused


EVERY_KIND_OF_PAGE = {
    "dashboard", "candidacy_list", "candidacy_detail", "candidacy_transition", "reperage_edit",
    "plan_detail", "vae_request_edit", "vae_activities", "candidate_dossier", "dossier_detail",
    "assessment", "dossier_transmit", "session_detail", "session_dashboard", "session_close",
    "deliberation_detail", "certificate_revoke", "verify", "verify_number", "login",
    "vae_signup", "habilitation_list", "organisation_detail", "certification_detail",
}  # fmt: skip


def test_no_page_holds_inline_script_or_style(the_whole_workflow, actors):
    others, refused = the_whole_workflow
    start = [reverse("dashboard"), reverse("candidacy_list"), reverse("session_list"), refused]
    pages = {}
    for user in [*actors.values(), *others]:
        client = Client()
        client.force_login(user)
        pages |= crawl(client, start)
    anonymous = [reverse(name) for name in ("login", "verify", "vae_signup", "password_reset_done")]
    pages |= crawl(Client(), anonymous)
    assert {url: inline for url, inline in pages.items() if inline} == {}
    # The crawl reached the pages of every step, not only the dashboards.
    reached = {resolve(urlsplit(url).path).url_name for url in pages}
    assert EVERY_KIND_OF_PAGE - reached == set()


def test_the_error_page_keeps_to_the_csp_too(rf):
    """templates/500.html stands alone (no base.html, no context): its look is in app.css."""
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    reader = PageReader()
    reader.feed(response.content.decode())
    assert reader.inline == []
    assert '<link rel="stylesheet" href="/static/css/app.css">' in response.content.decode()
