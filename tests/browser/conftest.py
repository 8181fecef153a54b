"""Browser tests: Playwright (sync API) on Debian's Chromium, plus axe.

Each test gets a fresh database (the top-level `database_url` and `app`
fixtures), a live werkzeug server on a free port, and a fresh browser
context; the browser itself is started once per session.

The folder is skipped when Chromium or the Python packages are missing.
Run it with `.venv/bin/pytest tests/browser` (after `make test` has set
up `.venv`, which installs crowdq editable, and compiled the catalogues);
leave it out with `-m "not browser"`. Add `-s` to see axe's moderate and
minor findings, which are printed but do not fail.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# axe impacts that fail a test; "moderate" and "minor" are only reported.
FAILING_IMPACTS = ("serious", "critical")

if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(
        f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True
    )
try:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright
except ImportError as error:  # pragma: no cover - depends on the environment
    pytest.skip(f"browser tests need playwright and axe-playwright-python: {error}", allow_module_level=True)

from werkzeug.serving import make_server  # noqa: E402

from tests.conftest import PASSWORD, link_in, outbox  # noqa: E402


# --- the live server ---------------------------------------------------------------
@dataclass
class LiveServer:
    url: str

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@pytest.fixture
def live_server(app):
    """The test's app served over HTTP by werkzeug, one thread per request.

    Request threads start with empty context variables, so each request gets
    its own app context, `g` and database session, as in production; the
    test's own app context (pushed by the `app` fixture) stays in the test
    thread.
    """
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="crowdq-live-server", daemon=True
    )
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- seed data ---------------------------------------------------------------------
@dataclass
class Seed:
    topic: object
    author: object
    member: object
    questions: list
    question: object  # the one with tags and a place, shown on "a question page"


@pytest.fixture
def seed(db, topic, make_user, make_question) -> Seed:
    """A topic, an author with three questions, and a confirmed member to log in as.

    The factories commit, so the live server sees everything.
    """
    author = make_user(display_name="Fenna de Vries")
    member = make_user(email="member@example.org", display_name="Sam Jansen")
    questions = [
        make_question(
            author=author,
            title="Why is the water in the Singelgracht so green in summer?",
            body="I walk along the canal every day. In July it turns **bright green** and smells.\n\n"
            "- Is it algae?\n- Is it dangerous for dogs?",
            tags="algen, zomer",
            place="Amsterdam",
        ),
        make_question(
            author=author,
            title="Hoe schoon is het zwemwater in de Maas bij Maastricht?",
            body="Ik zwem er graag, maar ik weet niet of het veilig is.",
            language="nl",
        ),
        make_question(author=author, title="Does rainwater from a green roof need filtering before use in the garden?"),
    ]
    db.commit()
    return Seed(topic=topic, author=author, member=member, questions=questions, question=questions[0])


# --- the browser -------------------------------------------------------------------
@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    except Exception as error:  # noqa: BLE001 - Chromium is there but broken: say so, do not skip
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context_options() -> dict:
    """Override in a test module to change the viewport, locale..."""
    return {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(browser, live_server, context_options):
    """A fresh context (no cookies) and page, in English, on the live server.

    Uncaught script errors, console errors (a CSP violation) and failing
    requests for assets or fetches fail the test.
    """
    options = {"locale": "en-GB", "base_url": live_server.url, **context_options}
    context = browser.new_context(**options)
    context.set_default_timeout(5_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(f"script error on {page.url}: {exc}"))

    def on_console(msg):
        # "Failed to load resource" also fires for a page answering 400 (a form with errors);
        # failing sub-resources are caught by on_response instead.
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            problems.append(f"console error on {page.url}: {msg.text}")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.request.resource_type} {response.url} answered {response.status}")

    page.on("console", on_console)
    page.on("response", on_response)
    yield page
    context.close()
    if problems:
        pytest.fail("the browser reported problems:\n" + "\n".join(problems), pytrace=False)


# --- helpers -----------------------------------------------------------------------
_axe = None


def axe_report(page, *, context=None) -> str | None:
    """Run axe on the page; describe its serious or critical violations, or None.

    Moderate and minor violations are printed (see them with -s), not failed on.
    """
    global _axe
    if _axe is None:
        _axe = Axe()
    violations = _axe.run(page, context=context).response["violations"]
    failing = [v for v in violations if v.get("impact") in FAILING_IMPACTS]
    others = [v for v in violations if v.get("impact") not in FAILING_IMPACTS]
    if others:
        print(f"\naxe (not failing) on {page.url}:\n{format_violations(others)}")
    if failing:
        return f"axe found accessibility violations on {page.url}:\n{format_violations(failing)}"
    return None


def check_axe(page, *, context=None) -> None:
    """Fail the test on any serious or critical axe violation on the page."""
    report = axe_report(page, context=context)
    if report:
        pytest.fail(report, pytrace=False)


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            lines.append(f"    at {target}: {node['html'][:300]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend("      " + line for line in summary.splitlines())
    return "\n".join(lines)


def mails_to(db, address: str, kind: str | None = None) -> list:
    """Outbox rows for an address, read fresh (the server commits in its own threads)."""
    db.rollback()  # end any open read transaction: a SQLite snapshot would hide new rows
    messages = outbox(db, address)
    return [m for m in messages if kind is None or m.kind == kind]


def link_in_mail(db, address: str, kind: str, path_prefix: str) -> str:
    messages = mails_to(db, address, kind)
    assert messages, f"no {kind!r} mail in the outbox for {address}"
    return link_in(messages[-1].body_text, path_prefix)


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Log in through the /login form, like a person would."""
    page.goto("/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert page.locator("header form[action='/logout']").count() == 1, (
        f"not logged in after the /login form; now on {page.url}:\n{page.locator('main').inner_text()}"
    )


def no_horizontal_scroll(page) -> tuple[bool, int, int]:
    scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return scroll_width <= inner_width, scroll_width, inner_width


def wider_than_viewport(page) -> list[str]:
    """Elements sticking out on the right: for a readable failure message."""
    return page.evaluate(
        """() => {
          const w = document.documentElement.clientWidth, out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > w + 0.5 && r.width > 0) {
              const cls = el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
              out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} right=${Math.round(r.right)}`);
            }
          }
          return out.slice(0, 15);
        }"""
    )
