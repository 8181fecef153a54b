"""Password hashing (Argon2id) and the strength rules.

The common-password list is the 20,000-entry list Django ships
(BSD licence; originally compiled by Royce Williams), cut to the entries
long enough to pass our minimum length.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
MAX_LENGTH = 256  # Argon2 takes any length; the cap stops hashing megabytes.

_hasher = PasswordHasher()
# Verified against when no account matches, so a login for an unknown
# email costs as much time as one for a known email.
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


@lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    path = Path(__file__).with_name("common-passwords.txt.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_common(password: str) -> bool:
    return password.strip().lower() in _common()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    if not stored_hash:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
