"""The walk: every page every role of the demo can reach, checked the way no single journey
test does (issue 17).

For each demo account (and an anonymous visitor), one browser context logs in once and walks
the site from its first page, following the links it is shown (and the filters of the lists'
GET forms), like a person would. The walk visits every page name a role can reach, once per
kind of page (a candidacy page once per pathway and state, a list once without and once with a
filter), and on each page:

- runs axe-core (WCAG 2.1 A and AA rules: wcag2a, wcag2aa, wcag21a, wcag21aa) at 1366 px wide:
  no violation (WCAG's automated part; what axe cannot judge is in the accessibility statement);
- at 320 CSS px wide (WCAG 1.4.10 reflow): the page does not scroll sideways;
- on a page with a form, tabs through it at 320 × 640 and at 1366 × 768: no focused element
  is hidden under a sticky or fixed element (WCAG 2.4.11, focus not obscured).

axe-core is fetched for the tests only by scripts/vendor-axe.sh (pinned, integrity checked)
into var/test-vendor/, never served; it is injected into the page, so this test's contexts
bypass the pages' CSP (the other browser tests keep checking the CSP).

The failures are gathered, page by page, and reported together at the end.
"""

import datetime
import subprocess
import time
from collections import deque
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django.utils import timezone

from candidates.models import Candidacy
from cqp.management.commands.seed_demo import DEMO_PASSWORD
from cqp.models import User
from jury import services
from jury.models import Certificate, Deliberation, JuryMember, JurySession

from .conftest import TIMEOUT_MS, login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "test-vendor" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

WIDE = {"width": 1366, "height": 768}
NARROW = {"width": 320, "height": 640}

# Links the walk does not follow: files (PDF, CSV, XLSX, ZIP, JSON), the back-office, the
# language switch and the log-out (forms anyway).
NOT_PAGES = {
    "document_download",
    "document_preview",
    "evidence_download",
    "vae_proof_download",
    "export",
    "session_register",
    "session_dossiers_zip",
    "issuer_jwks",
    "issuer_profile",
    "issuer_status_list",
    "credential_download",
    "verify_credential",
    "set_language",
    "logout",
}
NOT_PATH_PREFIXES = ("/admin/", "/static/", "/media/", "/langue/", "/deconnexion/")

# One account per role, and per state of a candidate's journey (gestionnaire.atelier and
# jury.salaries see the same pages as gestionnaire and jury: not walked twice).
# The pages each role must have reached: if a link disappears, the walk says so rather than
# checking fewer pages.
EXPECTED = {
    "secretariat@demo.cqp.fr": {
        "dashboard",
        "candidacy_list",
        "candidacy_detail",
        "candidacy_create",
        "reperage_edit",
        "plan_detail",
        "dossier_detail",
        "recevabilite_queue",
        "recevabilite_review",
        "jury_instruction",
        "session_list",
        "session_detail",
        "session_create",
        "session_dashboard",
        "deliberation_detail",
        "pilotage",
        "export_list",
        "holder_list",
        "habilitation_list",
        "habilitation_create",
        "organisation_list",
        "organisation_detail",
        "notification_list",
        "issuer_edit",
        "password_change",
    },
    "jury@demo.cqp.fr": {
        "dashboard",
        "session_list",
        "session_detail",
        "session_dashboard",
        "deliberation_detail",
    },
    "gestionnaire@demo.cqp.fr": {
        "dashboard",
        "candidacy_list",
        "candidacy_detail",
        "candidacy_create",
        "candidacy_assign",
        "reperage_edit",
        "organisation_detail",
        "pilotage",
        "holder_list",
    },
    "candidat@demo.cqp.fr": {"dashboard", "candidacy_detail", "reperage_edit"},
    "professionnel@demo.cqp.fr": {"dashboard", "candidacy_detail", "reperage_edit"},
    "evaluateur@demo.cqp.fr": {"dashboard", "candidacy_detail"},
    "candidat.vae@demo.cqp.fr": {"dashboard", "candidacy_detail", "vae_request_edit"},
    "candidat.vae.complements@demo.cqp.fr": {"dashboard", "candidacy_detail"},
    "candidat.vae.recevable@demo.cqp.fr": {"dashboard", "candidacy_detail", "vae_activities"},
    "candidat.certifie@demo.cqp.fr": {"dashboard", "candidacy_detail", "dossier_detail"},
    "candidat.jury@demo.cqp.fr": {"dashboard", "candidacy_detail"},
    None: {"login", "password_reset", "vae_signup", "verify"},
}

RUN_AXE = """async (tags) => {
    const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
    return results.violations.map((v) => ({
        rule: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + n.failureSummary),
    }));
}"""

# Page state after a Tab: the focused element, and the sticky/fixed elements covering it.
FOCUS_OBSCURED = """async () => {
    // After the browser's scroll to the focused element and the page's own (next frame).
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) return {hidden: [], past: false};
    const hidden = [];
    for (const other of document.querySelectorAll('body *')) {
        const position = getComputedStyle(other).position;
        if (position !== 'sticky' && position !== 'fixed') continue;
        if (other.contains(el)) continue;
        const o = other.getBoundingClientRect();
        const overlap = Math.min(r.bottom, o.bottom) - Math.max(r.top, o.top);
        const across = Math.min(r.right, o.right) - Math.max(r.left, o.left);
        if (overlap > 1 && across > 1) {
            hidden.push(other.tagName.toLowerCase() + (other.className ? '.' + other.className : ''));
        }
    }
    // Past the page's last form that posts: the rest of the page is not the form's.
    const forms = document.querySelectorAll('main form[method=post], main form[method=POST]');
    const last = forms[forms.length - 1];
    const past = !!last && !last.contains(el)
        && !!(last.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : el.name ? '[name=' + el.name + ']' : '');
    return {element: name, hidden: hidden, past: past};
}"""

# Content wider than its box, scrolled sideways inside it: allowed (WCAG 1.4.10) only for a
# data table that needs both dimensions (the statistics), in a scroll region a keyboard can
# reach and that says what it holds (role region, tabindex 0, named); lists reflow instead
# (`.stack-table`: one card per row below 40rem).
SCROLLING_REGIONS = """() => {
    const found = [];
    for (const el of document.querySelectorAll('body *')) {
        const overflow = getComputedStyle(el).overflowX;
        if (overflow !== 'auto' && overflow !== 'scroll') continue;
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const name = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
        const region = el.getAttribute('role') === 'region' && el.tabIndex === 0
            && (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby'));
        if (!region || !el.querySelector('table:not(.stack-table)')) {
            found.push(name + ' scrolls sideways (' + el.scrollWidth + ' px in ' + el.clientWidth
                + ' px): reflow it (a list), or make it a named, focusable region (a data table)');
        }
    }
    return found;
}"""

# A form that posts, with fields (a list's GET filters are not what this check is about).
HAS_FORM = """() => Array.from(document.querySelectorAll('main form')).some((form) =>
    (form.getAttribute('method') || '').toLowerCase() === 'post'
    && form.querySelector('input:not([type=hidden]), select, textarea'))"""

# Links to follow, and the lists' GET filters filled with their first choice.
LINKS = """() => {
    const found = Array.from(document.querySelectorAll('a[href]'), (a) => a.href);
    for (const form of document.querySelectorAll('main form')) {
        if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
        for (const select of form.querySelectorAll('select[name]')) {
            const option = Array.from(select.options).find((o) => o.value);
            if (!option) continue;
            const url = new URL(form.action || location.href);
            url.searchParams.set(select.name, option.value);
            found.push(url.href);
        }
    }
    return found;
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        subprocess.run(["bash", str(ROOT / "scripts" / "vendor-axe.sh")], check=True)
    return AXE.read_text()


def _kind(path: str, query: str) -> tuple | None:
    """What makes two pages the same kind for the walk; None: not a page to visit.

    A page name, whether a list is filtered or paged; a candidacy's pages by pathway and
    state, a session's pages and a fiche by the session's state."""
    if path.startswith(NOT_PATH_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in NOT_PAGES:
        return None
    keys = {k for k, _ in parse_qsl(query)}
    kind = (match.url_name, bool(keys - {"page"}), "page" in keys)
    pk = match.kwargs.get("pk")
    if pk is None:
        return kind
    if path.startswith("/candidatures/"):
        candidacy = Candidacy.objects.filter(pk=pk).first()
        if candidacy is not None:
            kind += (candidacy.pathway, candidacy.state)
    elif path.startswith("/jury/sessions/"):
        kind += tuple(JurySession.objects.filter(pk=pk).values_list("state", flat=True))
    elif path.startswith("/jury/deliberations/"):
        kind += tuple(Deliberation.objects.filter(pk=pk).values_list("session__state", flat=True))
    return kind


def _journeys() -> None:
    """The states the demo leaves to the journeys: a session open today, Théo Garnier's
    dossier on its agenda (its deliberation dashboard and an undecided fiche)."""
    secretariat = User.objects.get(email="secretariat@demo.cqp.fr")
    members = [
        JuryMember.objects.get(user__email="jury@demo.cqp.fr"),
        JuryMember.objects.get(user__email="jury.salaries@demo.cqp.fr"),
    ]
    session = services.session_create(
        by=secretariat,
        date=timezone.localdate(),
        start_time=datetime.time(16, 30),
        place="CPEF, salle 2 (Paris)",
    )
    session = services.session_compose(
        session=session, by=secretariat, members=members, president=members[0]
    )
    services.session_add_candidacy(
        session=session,
        by=secretariat,
        candidacy=Candidacy.objects.get(candidate__user__email="candidat.jury@demo.cqp.fr"),
    )
    services.session_open(
        session=session, by=secretariat, present_member_ids=[m.pk for m in members]
    )


class Walk:
    def __init__(self, browser, base_url: str, axe_source: str):
        self.browser = browser
        self.base = base_url
        self.axe_source = axe_source
        self.failures: list[str] = []
        self.pages = 0

    def context(self):
        context = browser_context = self.browser.new_context(
            locale="fr-FR", bypass_csp=True, viewport=NARROW
        )
        browser_context.set_default_timeout(TIMEOUT_MS)
        browser_context.set_default_navigation_timeout(TIMEOUT_MS)
        return context

    def role(self, email: str | None) -> set[str]:
        context = self.context()
        try:
            page = context.new_page()
            if email:
                login(page, _Server(self.base), email, DEMO_PASSWORD)
                return self._walk(page, email, [page.url])
            # Anonymous: the login page, the public verification (a certificate's number).
            number = Certificate.objects.values_list("number", flat=True).first()
            starts = ["/connexion/", "/verifier/", f"/verifier/{number}/"]
            return self._walk(page, "anonyme", [self.base + path for path in starts])
        finally:
            context.close()

    def _walk(self, page, who: str, starts: list[str]) -> set[str]:
        queue, seen_urls, seen_kinds, names = deque(starts), set(starts), set(), set()
        while queue:
            url = queue.popleft()
            parts = urlsplit(url)
            kind = _kind(parts.path, parts.query)
            if kind is None or kind in seen_kinds:
                continue
            response = page.goto(url, wait_until="load")
            if response is None or response.status != 200:
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            seen_kinds.add(kind)
            names.add(kind[0])
            self.pages += 1
            where = f"{who} {parts.path}{'?' + parts.query if parts.query else ''}"
            self._check(page, where)
            for link in page.evaluate(LINKS):
                link_parts = urlsplit(link)
                if link_parts.netloc != parts.netloc:
                    continue
                link = urlunsplit(link_parts._replace(fragment=""))
                if link not in seen_urls:
                    seen_urls.add(link)
                    queue.append(link)
        return names

    def _check(self, page, where: str) -> None:
        # The page was loaded at 320 px, as on a phone.
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            self.failures.append(
                f"{where}: at 320 px the page is {widths[0]} px wide (scrolls sideways)"
            )
        for region in page.evaluate(SCROLLING_REGIONS):
            self.failures.append(f"{where}: at 320 px {region}")
        form = page.evaluate(HAS_FORM)
        if form:
            self._tab_through(page, f"{where} at 320 px")
        page.set_viewport_size(WIDE)
        if form:
            self._tab_through(page, f"{where} at 1366 px")
        page.add_script_tag(content=self.axe_source)
        for violation in page.evaluate(RUN_AXE, AXE_TAGS):
            nodes = "\n      ".join(violation["nodes"])
            self.failures.append(
                f"{where}: axe {violation['rule']} ({violation['impact']}) {violation['help']}"
                f"\n      {nodes}"
            )
        page.set_viewport_size(NARROW)

    def _tab_through(self, page, where: str) -> None:
        page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
        page.evaluate("() => window.scrollTo(0, 0)")
        first = None
        for _ in range(400):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_OBSCURED)
            if state is None or state["past"]:
                break
            name = state.get("element")
            if name and name == first:
                break
            first = first or name
            if state["hidden"]:
                self.failures.append(
                    f"{where}: the focused {name} is under {', '.join(state['hidden'])}"
                )


class _Server:
    def __init__(self, url: str):
        self.url = url


def test_every_page_of_every_role_passes_axe_reflows_and_keeps_focus_visible(
    browser, live_server, axe_source
):
    call_command("seed_demo")
    _journeys()
    started = time.monotonic()
    walk = Walk(browser, live_server.url, axe_source)
    missing = {}
    for email, expected in EXPECTED.items():
        before = time.monotonic()
        names = walk.role(email)
        print(f"walk: {email or 'anonyme'}: {time.monotonic() - before:.0f} s")
        if not expected <= names:
            missing[email or "anonyme"] = sorted(expected - names)
    elapsed = time.monotonic() - started
    print(f"walk: {walk.pages} pages in {elapsed:.0f} s")
    assert walk.failures == [], f"{len(walk.failures)} problems on {walk.pages} pages:\n" + (
        "\n".join(walk.failures)
    )
    assert missing == {}, f"pages the walk no longer reaches: {missing}"
