"""Absolute URLs come from BASE_URL, never from the request's Host; hosts and proxies are trusted only when told."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import url_for

import config
from crowdq import create_app
from crowdq.mail import outbox as mail_outbox
from crowdq.urls import external_url
from tests.conftest import PASSWORD, csrf_from, outbox, post_form

BASE = "https://crowdq.example.org/site"
EVIL = "evil.example"
ROOT = Path(__file__).resolve().parents[2]
URL_RE = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def make_app(database_url):
    """Another app on the test database (its engine is closed afterwards)."""
    made = []

    def make(**settings):
        app = create_app("testing", DATABASE_URL=database_url, **settings)
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["crowdq.engine"].dispose()


def post_as(client, url: str, data: dict, host: str):
    """GET the form and POST it, both with the given Host header (as a browser on that host would)."""
    html = client.get(url, headers={"Host": host}).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **data}, headers={"Host": host})


@pytest.fixture
def public(app):
    """The site lives under a path prefix on its own host; requests arrive with a forged Host."""
    app.config["BASE_URL"] = BASE
    return app


def urls_in(text: str) -> list[str]:
    return URL_RE.findall(text)


# --- mails -------------------------------------------------------------------------------
def test_password_reset_mail_ignores_a_forged_host(public, db, make_user):
    make_user(email="ada@example.org")
    response = post_as(public.test_client(), "/password/forgot", {"email": "ada@example.org"}, EVIL)
    assert response.status_code == 200
    [mail] = outbox(db, "ada@example.org")
    links = urls_in(mail.body_text)
    assert links and all(link.startswith(BASE + "/password/reset/") for link in links), mail.body_text
    assert EVIL not in mail.body_text


def test_registration_and_email_change_mails_ignore_a_forged_host(public, db, make_user):
    data = {
        "email": "new@example.org",
        "display_name": "New",
        "password": "a long enough passphrase",
        "accept_terms": "y",
    }
    assert post_as(public.test_client(), "/register", data, EVIL).status_code == 302
    [mail] = outbox(db, "new@example.org")
    assert urls_in(mail.body_text)[0].startswith(BASE + "/confirm/")
    assert EVIL not in mail.body_text

    member = make_user(email="ada@example.org")
    client = public.test_client()
    with client.session_transaction(base_url=f"http://{EVIL}") as sess:
        sess["_user_id"] = member.get_id()
        sess["_fresh"] = True
    html = client.get("/account", headers={"Host": EVIL}).get_data(as_text=True)
    change = {"csrf_token": csrf_from(html), "email-new_email": "ada2@example.org", "email-password": PASSWORD}
    assert client.post("/account/email", data=change, headers={"Host": EVIL}).status_code == 302
    [mail] = outbox(db, "ada2@example.org")
    assert urls_in(mail.body_text)[0].startswith(BASE + "/account/email/confirm/")
    assert EVIL not in mail.body_text


def _mail_context() -> dict:
    user = SimpleNamespace(public_name="Ada", email="ada@example.org")
    return {
        "user": user,
        "token": "tok.en-123",
        "new_email": "new@example.org",
        "granted": True,
        "role_name": "moderator",
        "role_label": "Moderator",
        "reason": "helpful",
        # organisation_decision, organisation_invitation
        "organisation": SimpleNamespace(name="Groen Leiden", slug="groen-leiden"),
        "inviter": user,
        "name": "Ada",
        "email": "ada@example.org",
        "days": 7,
        "approved": False,
        "was_verified": False,
        # researcher_decision
        "application": SimpleNamespace(institution="Universiteit Leiden"),
        # moderation_notice (its links are made by crowdq.moderation.notices with external_url)
        "entry": SimpleNamespace(action="hide", ends_at=None, reason_code="abusive", reason_text="Be kind."),
        "appeal_url": external_url("moderation.appeal_by_link", token="tok.en-123"),
        "notices_url": external_url("moderation.my_notices"),
    }


MAIL_KINDS = sorted(p.stem for p in (ROOT / "templates" / "mail").glob("*.txt"))


@pytest.mark.parametrize("kind", MAIL_KINDS)
def test_every_mail_link_uses_base_url_inside_a_forged_request(public, db, kind):
    with public.test_request_context("/", base_url=f"http://{EVIL}/other"):
        message = mail_outbox.queue(db, "ada@example.org", kind, "en", **_mail_context())
    assert EVIL not in message.body_text
    assert all(link.startswith(BASE + "/") for link in urls_in(message.body_text)), message.body_text


@pytest.mark.parametrize("kind", MAIL_KINDS)
def test_every_mail_link_uses_base_url_in_the_worker(public, db, kind):
    message = mail_outbox.queue(db, "ada@example.org", kind, "nl", **_mail_context())
    assert all(link.startswith(BASE + "/") for link in urls_in(message.body_text)), message.body_text


# --- the API -----------------------------------------------------------------------------------
def test_api_links_ignore_a_forged_host(public, client, make_question):
    for _ in range(3):
        make_question()
    listing = client.get("/api/v1/questions?per_page=2&sort=newest", headers={"Host": EVIL}).get_json()
    assert [item["url"] for item in listing["items"]] == [f"{BASE}/questions/{item['id']}" for item in listing["items"]]
    assert listing["next"].startswith(BASE + "/api/v1/questions?") and "after=" in listing["next"]
    index = client.get("/api/v1/", headers={"Host": EVIL, "X-Forwarded-Host": EVIL}).get_json()
    assert index["endpoints"]["questions"] == BASE + "/api/v1/questions"
    single = client.get(f"/api/v1/questions/{listing['items'][0]['id']}", headers={"Host": EVIL}).get_json()
    assert single["url"].startswith(BASE + "/questions/")


def test_redirects_and_next_links_stay_relative_under_a_forged_host(client):
    response = client.get("/questions/new", headers={"Host": EVIL})
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=%2Fquestions%2Fnew"


# --- the one mechanism -----------------------------------------------------------------------------
def test_external_url_joins_base_url_and_path_prefix(public):
    from crowdq.urls import external_url

    with public.test_request_context("/", base_url=f"http://{EVIL}"):
        assert external_url("main.home") == BASE + "/"
        assert external_url("questions.show", question_id=7, _anchor="c 1") == BASE + "/questions/7#c%201"
        assert external_url("api.questions", sort="votes", after=None) == BASE + "/api/v1/questions?sort=votes"
        # url_for(_external=True) anywhere is routed to the same place.
        assert url_for("questions.show", question_id=7, _external=True) == BASE + "/questions/7"
        assert url_for("questions.show", question_id=7) == "/questions/7"  # pages stay relative
    public.config["BASE_URL"] = "http://127.0.0.1:5000/"
    assert external_url("main.home") == "http://127.0.0.1:5000/"
    assert url_for("main.privacy") == "http://127.0.0.1:5000/privacy"  # outside a request: absolute, from BASE_URL


def test_no_code_or_template_builds_absolute_urls_from_the_request():
    """Absolute URLs only through crowdq/urls.py: `_external`, `url_root`, `host_url` would read the Host."""
    checks = [
        # url_for's _external and Werkzeug's absolute URLs: only the helper (and the app's url_for hook).
        (re.compile(r"_external\s*=|\burl_root\b|\bhost_url\b|\bbase_url\b"), {"urls.py", "__init__.py"}),
        # The Host itself: only the page cache, which keys entries by it.
        (re.compile(r"request\.(host|url|scheme)\b"), {"page_cache.py"}),
    ]
    offenders = []
    for folder, suffixes in ((ROOT / "crowdq", {".py"}), (ROOT / "templates", {".html", ".txt", ".xml", ".json"})):
        for path in folder.rglob("*"):
            if path.suffix not in suffixes or "translations" in path.parts:
                continue
            allowed_here = path.parent == ROOT / "crowdq"
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                for pattern, allowed in checks:
                    if pattern.search(line) and not (allowed_here and path.name in allowed):
                        offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "build absolute URLs with external_url():\n" + "\n".join(offenders)


# --- configuration ---------------------------------------------------------------------------
PRODUCTION = {"SECRET_KEY": "x" * 32, "DATABASE_URL": "sqlite://"}


def test_production_refuses_to_start_without_base_url():
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", BASE_URL=None, **PRODUCTION)
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", BASE_URL="", **PRODUCTION)


@pytest.mark.parametrize(
    "value",
    [
        "crowdq.example.org",
        "/crowdq",
        "ftp://crowdq.example.org",
        "https://",
        "https://crowdq.example.org/?x=1",
        "https://crowdq.example.org/#top",
        "https://user@crowdq.example.org",
        "https://crowdq.example.org:99999",
        "https://crowdq.example.org/a b",
        "javascript:alert(1)",
    ],
)
def test_base_url_must_be_an_absolute_http_url(value):
    with pytest.raises(RuntimeError, match="BASE_URL"):
        create_app("production", BASE_URL=value, **PRODUCTION)


def test_production_starts_with_base_url_and_strips_the_trailing_slash():
    app = create_app("production", BASE_URL="https://crowdq.example.org/", **PRODUCTION)
    assert app.config["BASE_URL"] == "https://crowdq.example.org"
    assert app.config["TRUSTED_HOSTS"] is None and app.config["TRUSTED_PROXIES"] == 0


def test_trusted_hosts_come_from_a_comma_separated_variable(monkeypatch, make_app):
    monkeypatch.setenv("TRUSTED_HOSTS", " crowdq.example.org, .example.net ,,")
    assert config.env_list("TRUSTED_HOSTS") == ["crowdq.example.org", ".example.net"]
    monkeypatch.setenv("TRUSTED_HOSTS", "")
    assert config.env_list("TRUSTED_HOSTS") == []
    app = make_app(TRUSTED_HOSTS="a.example, b.example")
    assert app.config["TRUSTED_HOSTS"] == ["a.example", "b.example"]


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_trusted_proxies_must_be_a_count(value):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        create_app("testing", DATABASE_URL="sqlite://", TRUSTED_PROXIES=value)


# --- hosts ---------------------------------------------------------------------------------------
def test_any_host_is_served_by_default(client):
    for host in ("localhost", "127.0.0.1:5000", "192.168.1.20:5000"):
        assert client.get("/privacy", headers={"Host": host}).status_code == 200


def test_untrusted_host_is_refused_with_400_not_500(app, client):
    app.config["TRUSTED_HOSTS"] = ["crowdq.example.org", ".example.net"]
    assert client.get("/privacy", headers={"Host": "crowdq.example.org"}).status_code == 200
    assert client.get("/privacy", headers={"Host": "www.example.net:8443"}).status_code == 200
    for path in ("/privacy", "/api/v1/questions", "/password/forgot", "/no-such-page"):
        response = client.get(path, headers={"Host": EVIL})
        assert response.status_code == 400, path
    assert client.post("/password/forgot", data={"email": "a@b.org"}, headers={"Host": EVIL}).status_code == 400


def test_untrusted_host_is_400_with_error_pages_as_in_production(make_app):
    app = make_app(TRUSTED_HOSTS=["crowdq.example.org"], TESTING=False)
    response = app.test_client().get("/", headers={"Host": EVIL})
    assert response.status_code == 400
    assert "Content-Security-Policy" in response.headers


# --- proxies ------------------------------------------------------------------------------------------
def _remote_addr_app(make_app, **settings):
    app = make_app(**settings)

    @app.route("/_test/remote")
    def _remote():
        from flask import request

        return f"{request.remote_addr} {request.scheme} {request.host}"

    return app


def test_forwarded_headers_are_ignored_without_trusted_proxies(make_app):
    app = _remote_addr_app(make_app)
    text = app.test_client().get(
        "/_test/remote",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https", "X-Forwarded-Host": EVIL},
    )
    assert text.get_data(as_text=True) == "127.0.0.1 http localhost"


def test_one_trusted_proxy_gives_the_clients_address(make_app):
    app = _remote_addr_app(make_app, TRUSTED_PROXIES="1")
    text = app.test_client().get(
        "/_test/remote",
        headers={"X-Forwarded-For": "198.51.100.1, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    # Only the last hop (added by our proxy) is believed; the client could have written the first one.
    assert text.get_data(as_text=True) == "203.0.113.9 https localhost"


def test_forwarded_host_from_a_trusted_proxy_still_meets_trusted_hosts(make_app):
    app = _remote_addr_app(make_app, TRUSTED_PROXIES=1, TRUSTED_HOSTS=["crowdq.example.org"])
    client = app.test_client()
    ok = client.get("/_test/remote", headers={"X-Forwarded-Host": "crowdq.example.org", "Host": "backend:8000"})
    assert ok.status_code == 200
    assert client.get("/_test/remote", headers={"X-Forwarded-Host": EVIL}).status_code == 400


def test_rate_limits_behind_a_proxy_are_per_client(make_app, make_user):
    """Behind a proxy every request comes from its address: without ProxyFix one client locks out all."""
    make_user(email="bob@example.org")
    app = make_app(TRUSTED_PROXIES=1, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")

    def attempts(client_ip: str, n: int) -> list[int]:
        client = app.test_client()
        proxy = {"environ_base": {"REMOTE_ADDR": "10.0.0.2"}, "headers": {"X-Forwarded-For": client_ip}}
        return [
            post_form(
                client, "/login", {"email": "bob@example.org", "password": "wrong password!"}, page="/login", **proxy
            ).status_code
            for _ in range(n)
        ]

    attacker = attempts("203.0.113.66", 4)
    assert attacker[-1] == 429
    assert attempts("198.51.100.7", 1) == [400]  # another reader behind the same proxy is not locked out
