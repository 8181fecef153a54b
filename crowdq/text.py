"""User text in, safe HTML out. The only module that calls bleach.

Sources are stored as typed; `render` parses Markdown (raw HTML disabled)
and then sanitises with one allow-list, so even a parser bug cannot let
markup through. Links get rel="nofollow ugc noopener".
"""

from __future__ import annotations

import re
import unicodedata
from functools import partial

import bleach
from bleach.linkifier import LinkifyFilter
from bleach.sanitizer import Cleaner
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset({"p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr", "del"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Headings would break the page's heading order; images and raw HTML are
# not allowed in user text at all.
_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["heading", "lheading", "image", "html_inline", "html_block"]
)
_md.enable("strikethrough")


def _link_attrs(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    href = attrs.get((None, "href"), "")
    if not href.startswith(("http://", "https://", "mailto:")):
        return None  # drop the link, keep its text
    return attrs


# One pass that sanitises and links: a separate linkify pass over bleach's
# output escaped the text inside <code> a second time ("a &amp;lt; b").
_cleaner = Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_link_attrs], skip_tags={"pre", "code"}, parse_email=False)],
)


def render(source: str | None) -> str:
    """Markdown source -> sanitised HTML (safe to mark |safe in templates)."""
    if not source:
        return ""
    return _cleaner.clean(_md.render(source))


def plain(source: str | None) -> str:
    """Markdown source -> plain text (for excerpts, mails and search)."""
    if not source:
        return ""
    text = bleach.clean(_md.render(source), tags=set(), strip=True)
    text = text.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text).strip()


def excerpt(source: str | None, length: int = 180) -> str:
    text = plain(source)
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return cut.rstrip(".,;:") + "…"


def slugify(value: str, max_length: int = 80) -> str:
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^a-zA-Z0-9]+", "-", value).strip("-").lower()
    return value[:max_length].strip("-")


def normalise_line(value: str | None) -> str:
    """One-line user input: strip, fold white space, drop control characters."""
    if not value:
        return ""
    value = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in " \t")
    return re.sub(r"\s+", " ", value).strip()


def normalise_text(value: str | None) -> str:
    """Multi-line user input: keep newlines, drop other control characters."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()
