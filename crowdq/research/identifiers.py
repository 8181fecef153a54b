"""ORCID iDs and DOIs: checked and written one way.

ORCID iD: 16 characters in four groups of four (`0000-0002-1825-0097`); the
last is a check character computed with ISO 7064 MOD 11-2 over the first 15
digits ("X" stands for 10). People paste the URL form too
(`https://orcid.org/0000-...`), which is accepted and stored bare.

DOI: `10.<registrant>/<suffix>` (the suffix may hold almost anything but
white space); people paste `doi:10...` or `https://doi.org/10...` too. Stored
bare, lower-cased (DOIs are case-insensitive), and shown as
https://doi.org/<doi> links.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
_ORCID_PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:")
DOI_MAX = 300


def orcid_check_character(digits15: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in digits15:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str | None) -> str | None:
    """The ORCID iD as 0000-0000-0000-000X, or None if it is not a valid one."""
    raw = (value or "").strip()
    for prefix in _ORCID_PREFIXES:
        if raw.lower().startswith(prefix):
            raw = raw[len(prefix) :]
            break
    match = _ORCID.match(raw.upper())
    if not match:
        return None
    digits = "".join(match.groups())
    if orcid_check_character(digits[:15]) != digits[15]:
        return None
    return "-".join(match.groups())


def normalise_doi(value: str | None) -> str | None:
    """The DOI as 10.xxxx/suffix (lower case), or None if it is not one."""
    raw = (value or "").strip()
    lowered = raw.lower()
    for prefix in _DOI_PREFIXES:
        if lowered.startswith(prefix):
            raw = unquote(raw[len(prefix) :])
            break
    doi = raw.lower()
    if len(doi) > DOI_MAX or not _DOI.match(doi) or any(not ch.isprintable() for ch in doi):
        return None
    return doi


def doi_url(doi: str) -> str:
    return "https://doi.org/" + doi
