"""Watched words and blocked link domains: the admins' list and the matching.

Words and phrases are stored folded (lower case, accents and invisible
characters dropped, white space collapsed) and matched against folded text,
whole words only: "ass" never matches "class", "CAFÉ" matches "cafe". A
word applies to texts in its language, or to all texts with language 'any'.
A match is reported as a span of the ORIGINAL text, so "replace" can put
asterisks over exactly the characters typed and leave the rest alone.

Domains match the host of a link and every subdomain of it ("spam.example"
also catches "www.spam.example", not "notspam.example").

The list is small and read with one query per transaction (`for_language`).
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crowdq import policy, text
from crowdq.db import MAX_ID
from crowdq.errors import Invalid, NotFound
from crowdq.moderation import audit
from crowdq.moderation.models import WATCH_ACTIONS, WatchedWord

PHRASE_MAX = 100  # the column's length, after folding
KINDS = ("word", "domain")
LANGUAGES = ("any", "en", "nl")
KIND_LABELS = {"word": _l("Word or phrase"), "domain": _l("Link domain")}
LANGUAGE_LABELS = {"any": _l("All languages"), "en": _l("English"), "nl": _l("Dutch")}
ACTION_LABELS = {
    "block": _l("Block (refused, saying why)"),
    "hold": _l("Hold for review"),
    "replace": _l("Replace with asterisks"),
}
# Asterisks over a link would break it into something that still points somewhere: domains are blocked or held.
DOMAIN_ACTIONS = ("block", "hold")

_HOST_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
# Host names written in a text without a link ("visit spam.example", "me@spam.example").
_HOST_IN_TEXT = re.compile(
    r"(?<![\w.-])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9])(?![\w-])"
)
# Links exactly as the page shows them: text.render's output, a bleach-cleaned <a href="...">.
_HREF_RE = re.compile(r'<a href="([^"]*)"')
_ANCHOR_RE = re.compile(r"<a\s[^>]*>.*?</a>", re.S)
_BARE_URL_RE = re.compile(r"(?i)\b(?:https?|ftp)://[^\s<>\"']+")


# --- folding -------------------------------------------------------------------------------
def _fold_char(ch: str) -> str:
    if ch.isspace():
        return " "
    # casefold first ("ß" -> "ss"), then NFKD splits "é" into "e" and an accent, dropped here
    # with invisible format characters (soft hyphen, zero-width joiner) that could hide a word.
    return "".join(
        c.lower()
        for c in unicodedata.normalize("NFKD", ch.casefold())
        if not unicodedata.combining(c) and unicodedata.category(c) not in ("Cf", "Cc", "Mn", "Me")
    )


@lru_cache(maxsize=16)  # one text is searched for blocked, held and replaced words in turn
def _fold_mapped(value: str) -> tuple[str, tuple[int, ...]]:
    """The folded text and, for each of its characters, the index of the original character it came from."""
    out: list[str] = []
    origins: list[int] = []
    for index, ch in enumerate(value):
        for c in _fold_char(ch):
            if c == " " and (not out or out[-1] == " "):
                continue  # collapse runs of white space (and skip leading space)
            out.append(c)
            origins.append(index)
    return "".join(out), tuple(origins)


def fold(value: str | None) -> str:
    """Lower case, no accents, single spaces, trimmed: how words are stored and compared."""
    return _fold_mapped(value or "")[0].strip()


# --- the admins' list -----------------------------------------------------------------------
def clean_phrase(value: str | None) -> str:
    phrase = fold(value)
    if not phrase:
        raise Invalid({"phrase": _("Enter a word or phrase.")})
    if len(phrase) > PHRASE_MAX:
        raise Invalid({"phrase": _("Use at most %(n)d characters.", n=PHRASE_MAX)})
    return phrase


def clean_domain(value: str | None) -> str:
    """A host name in lower-case ASCII; a pasted address, "*." or a leading dot are taken off."""
    raw = text.normalise_line(value).lower()
    if "://" in raw:
        try:
            raw = urlsplit(raw).hostname or ""
        except ValueError:
            raw = ""
    raw = raw.split("/", 1)[0].removeprefix("*.").strip(".")
    try:
        host = raw.encode("idna").decode("ascii") if raw and not raw.isascii() else raw
    except UnicodeError:
        host = ""
    if not _HOST_RE.match(host) or len(host) > PHRASE_MAX:
        raise Invalid({"phrase": _("Enter a domain name such as example.com.")})
    return host


def add(session: Session, actor, *, kind: str, phrase: str, language: str, action: str) -> WatchedWord:
    """An admin watches a word or phrase (per language) or a link domain (all languages)."""
    policy.require(actor, "watched_words.manage")
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = _("Choose one of the options in the list.")
    if language not in LANGUAGES:
        errors["language"] = _("Choose one of the options in the list.")
    if action not in WATCH_ACTIONS:
        errors["action"] = _("Choose one of the options in the list.")
    elif kind == "domain" and action not in DOMAIN_ACTIONS:
        errors["action"] = _("A link domain can be blocked or held for review, not replaced.")
    try:
        folded = clean_domain(phrase) if kind == "domain" else clean_phrase(phrase)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    if kind == "domain":
        language = "any"  # a link goes to the same place whatever the language around it
    duplicate = Invalid({"phrase": _("“%(phrase)s” is on the list already.", phrase=folded)})
    if session.scalar(
        select(WatchedWord.id).where(
            WatchedWord.kind == kind, WatchedWord.language == language, WatchedWord.phrase == folded
        )
    ):
        raise duplicate
    word = WatchedWord(kind=kind, language=language, phrase=folded, action=action, created_by_id=actor.id)
    try:
        with session.begin_nested():  # an admin adding the same word at the same moment
            session.add(word)
            session.flush()
    except IntegrityError:
        raise duplicate from None
    _forget(session)
    audit.log(
        session, actor, "watched.add", after={"kind": kind, "language": language, "phrase": folded, "action": action}
    )
    return word


def remove(session: Session, actor, word_id: int) -> WatchedWord:
    policy.require(actor, "watched_words.manage")
    word = session.get(WatchedWord, word_id) if 0 < word_id <= MAX_ID else None
    if word is None:
        raise NotFound("watched word")
    before = {"kind": word.kind, "language": word.language, "phrase": word.phrase, "action": word.action}
    session.delete(word)
    session.flush()
    _forget(session)
    audit.log(session, actor, "watched.remove", before=before)
    return word


def all_words(session: Session) -> list[WatchedWord]:
    """The whole list for the admin page: by kind, language, then alphabetically."""
    return list(
        session.scalars(select(WatchedWord).order_by(WatchedWord.kind.desc(), WatchedWord.language, WatchedWord.phrase))
    )


@dataclass(frozen=True)
class Watched:
    kind: str
    language: str
    phrase: str
    action: str


_CACHE = "crowdq.watched_words"


def _forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def for_language(session: Session, language: str | None) -> list[Watched]:
    """The words and domains that apply to a text in `language` (None: unknown, every list applies).

    Read once per transaction (an import screens every row; a request is one
    transaction), so a change by an admin counts from the next request on,
    in every worker, with no cache to clear."""
    cached = session.info.get(_CACHE)
    if cached is None or cached[0] is not session.get_transaction():
        rows = [
            Watched(w.kind, w.language, w.phrase, w.action)
            for w in session.execute(
                select(WatchedWord.kind, WatchedWord.language, WatchedWord.phrase, WatchedWord.action)
            )
        ]
        cached = (session.get_transaction(), rows)
        session.info[_CACHE] = cached
    return [w for w in cached[1] if language is None or w.kind == "domain" or w.language in ("any", language)]


# --- matching --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Match:
    phrase: str  # the watched (folded) phrase
    start: int  # span in the original text
    end: int


@lru_cache(maxsize=64)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    # Longest first, so "bad word" wins over "bad" where both are watched.
    alternatives = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def find(value: str, phrases: list[str] | tuple[str, ...]) -> list[Match]:
    """Whole-word occurrences of the (folded) phrases in `value`, as spans of `value` itself."""
    if not value or not phrases:
        return []
    folded, origins = _fold_mapped(value)
    found = []
    for m in _pattern(tuple(sorted(set(phrases)))).finditer(folded):
        start, end = origins[m.start()], origins[m.end() - 1] + 1
        # Take along accents that follow the last letter ("cafe" + a combining acute).
        while end < len(value) and not value[end].isspace() and not _fold_char(value[end]):
            end += 1
        found.append(Match(m.group(0), start, end))
    return found


def asterisk(value: str, matches: list[Match]) -> str:
    """`value` with every matched character but white space replaced by "*" (same length)."""
    chars = list(value)
    for m in matches:
        for i in range(m.start, m.end):
            if not chars[i].isspace():
                chars[i] = "*"
    return "".join(chars)


def links(value: str) -> list[str]:
    """The links a reader sees in the rendered text: Markdown links and linked addresses, then web
    addresses shown as text (the linker knows only some top-level domains; a reader copies the rest)."""
    lower = value.lower()
    # Rendering is the slow part; text without "://", "mailto:" or a host name has no links.
    if "://" not in lower and "mailto:" not in lower and not _HOST_IN_TEXT.search(lower):
        return []
    rendered = text.render(value)
    found = [html.unescape(href) for href in _HREF_RE.findall(rendered)]
    found += _BARE_URL_RE.findall(html.unescape(_ANCHOR_RE.sub(" ", rendered)))
    return found


def _host(link: str) -> str | None:
    try:
        host = urlsplit(link).hostname
    except ValueError:
        return None
    if not host:
        return None
    try:
        return host.encode("idna").decode("ascii") if not host.isascii() else host.lower()
    except UnicodeError:
        return host.lower()


def hosts(value: str, found_links: list[str] | None = None) -> set[str]:
    """Host names linked or written in the text; mailto: links give the mail domain."""
    result = set()
    for link in links(value) if found_links is None else found_links:
        if link.lower().startswith("mailto:"):
            result.add(link.rsplit("@", 1)[-1].lower())
        elif (host := _host(link)) is not None:
            result.add(host)
    result.update(m.group(1) for m in _HOST_IN_TEXT.finditer(value.lower()))
    return result


def domain_matches(host: str, domain: str) -> bool:
    return host == domain or host.endswith("." + domain)
