"""The trending score: an exponentially decayed vote count, kept in log space.

A vote cast at moment t has the term w = (t - EPOCH) / HALF_LIFE (in
half-lives since 2025-01-01 UTC), and a question's score is

    L = log2(sum of 2 ** w over its votes)

Dividing the sum by 2 ** (now / HALF_LIFE) gives the familiar decayed count,
where a vote counts half as much after HALF_LIFE, a quarter after twice
that, and so on (`decayed`). That divisor is the same for every question, so
ordering by L is ordering by the decayed count: the list sorts through the
(listed, trending_score, id) indexes, and the score changes in the vote's
own transaction, with no background job.

Why log space: the sum itself grows by a factor 2 every three days and
leaves the float range (2 ** 1024) in May 2033. L grows by one every three
days instead: about 9,000 in 2100 and a million in 9999, far inside the
range. A float holds L to about 1e-16 of its size, so the decayed count
keeps a relative precision of about 1e-12 in 2100 and 1e-10 in 9999: far
finer than any ordering needs.
A vote adds its term with `logaddexp2` (in SQL, `with_vote`, so racing
votes on PostgreSQL add up like the old increments did); the identity
log2(2 ** a + 2 ** b) = max + log2(1 + 2 ** -|a - b|) never overflows.

Why EMPTY: a question without votes has the sum 0, whose log is minus
infinity. Lists page with a "score~id" cursor written with repr() that
refuses inf and nan, and PostgreSQL raises on float overflow and underflow
in arithmetic, so "no votes" is the finite sentinel -1e300 instead: below
any real score (a vote in the year 1 scores about -246,000), and
logaddexp2(EMPTY, w) is exactly w. The difference to a real score is
clamped to NEGLIGIBLE (64) half-lives before taking a power of two, so no
power under- or overflows on either database.

Why withdrawals mostly recompute: removing a vote is
L' = L + log2(1 - 2 ** (w - L)), and when the vote is a share r = 2 ** (w - L)
of the sum, that subtraction magnifies the rounding error already in L by
1 / (1 - r). Withdrawals multiply these factors, so a threshold only for
"nearly all of the sum" is not enough: votes cast 2.9 days apart and withdrawn
newest-first are each about r = 0.49 of what is left, and under a "recompute
above one half" rule forty of them double the error forty times (2100: the
decayed count ends up 4% off; tests/questions/test_trending.py checks this
case). So the subtraction is only used for a vote worth at most 1/64 of the
sum (WITHDRAW_INCREMENTALLY_UP_TO): each step then magnifies the error by at
most 64/63, and magnifying it 1,000 times takes at least 439 such
withdrawals that together remove 99.9% of the sum, against a tolerance of
millions of units in the last place. Any larger share, and the last vote
(EMPTY), is recomputed from the remaining vote rows
(`crowdq.questions.counts.exact_trending_score`, reading only the votes
within NEGLIGIBLE half-lives of the newest) under a lock on the question
row. A question with fewer than 64 votes of similar age thus recomputes on
every withdrawal, reading a few dozen index entries; only large ones
subtract. `crowdq check-counts` compares every stored score with the one
recomputed from the votes (relative tolerance SCORE_TOLERANCE in L) and
`--fix` rewrites it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HALF_LIFE = timedelta(days=3)
HALF_LIFE_SECONDS = int(HALF_LIFE.total_seconds())
# The score of a question without votes (log2 of 0): finite, below every real score.
EMPTY = -1e300
# Terms this many half-lives below the largest are beyond a float's 53 bits:
# powers of two are clamped here so none underflows (PostgreSQL raises).
NEGLIGIBLE = 64
# A withdrawal subtracts in log space only when the vote is at most this share of the sum.
WITHDRAW_INCREMENTALLY_UP_TO = 2.0**-6
# Stored and recomputed scores agree within this relative difference of L:
# rounding adds about one unit in the last place of L per vote or withdrawal.
SCORE_TOLERANCE = 1e-9

_INV_LN2 = 1 / math.log(2)
_LOG2_WITHDRAW_LIMIT = math.log2(WITHDRAW_INCREMENTALLY_UP_TO)


def vote_term(moment: datetime) -> float:
    """A vote's term: half-lives from EPOCH to `moment` (finite up to the year 9999)."""
    return (moment - EPOCH) / HALF_LIFE


def is_empty(score: float) -> bool:
    return score <= EMPTY / 2


def logaddexp2(a: float, b: float) -> float:
    """log2(2 ** a + 2 ** b) without overflow; EMPTY adds nothing."""
    high, low = (a, b) if a >= b else (b, a)
    return high + math.log1p(2.0 ** -min(high - low, NEGLIGIBLE)) * _INV_LN2


def score_of(terms: Iterable[float]) -> float:
    """The exact score of these vote terms: max + log2 of the sum of 2 ** (w - max)."""
    terms = list(terms)
    if not terms:
        return EMPTY
    top = max(terms)
    # 2.0 ** x is 0.0 for very negative x in Python (no error), and fsum is exact.
    return top + math.log2(math.fsum(2.0 ** (w - top) for w in terms))


def after_withdrawal(score: float, term: float) -> float | None:
    """The score without a vote of this term, or None when it must be
    recomputed from the vote rows (the vote is more than
    WITHDRAW_INCREMENTALLY_UP_TO of the sum; see the module docstring)."""
    share = term - score  # log2 of the vote's share of the sum
    if not share <= _LOG2_WITHDRAW_LIMIT:  # also catches nan and an EMPTY score
        return None
    return score + math.log1p(-(2.0**share)) * _INV_LN2


def decayed(score: float, now: datetime) -> float:
    """The score in 'votes as of now' units (for display and tests); 0 without votes."""
    if is_empty(score):
        return 0.0
    exponent = score - vote_term(now)
    return 2.0**exponent if exponent < 1024 else math.inf


def same_score(stored: float, true: float, tolerance: float = SCORE_TOLERANCE) -> bool:
    """Whether a stored score matches the one recomputed from the votes."""
    if is_empty(stored) or is_empty(true):
        return is_empty(stored) and is_empty(true)
    return math.isclose(stored, true, rel_tol=tolerance, abs_tol=tolerance)


# --- SQL ----------------------------------------------------------------------------
SQLITE_LOGADDEXP2 = "crowdq_logaddexp2"


class with_vote(FunctionElement):  # noqa: N801 - reads like the SQL function it is
    """SQL for `logaddexp2(score, term)`: the score with one more vote.

    Used in an UPDATE so the database adds the vote to the current row value
    (two racing votes both count, as with `vote_count + 1`). PostgreSQL
    computes it with its own math functions; SQLite calls the Python
    function registered on each connection (`register_sqlite_functions`),
    since SQLite's math functions are a compile-time option.
    """

    type = Float()
    name = "with_vote"
    inherit_cache = True


@compiles(with_vote)
def _with_vote_sql(element, compiler, **kw) -> str:
    score, term = (compiler.process(arg, **kw) for arg in element.clauses)
    two = "CAST(2 AS DOUBLE PRECISION)"
    return (
        f"(GREATEST({score}, {term}) + LN(1 + POWER({two}, -LEAST(ABS({score} - {term}), {NEGLIGIBLE}))) / LN({two}))"
    )


@compiles(with_vote, "sqlite")
def _with_vote_sqlite(element, compiler, **kw) -> str:
    return f"{SQLITE_LOGADDEXP2}({compiler.process(element.clauses, **kw)})"


def register_sqlite_functions(dbapi_connection) -> None:
    """Make `with_vote` work on a new SQLite connection."""
    dbapi_connection.create_function(SQLITE_LOGADDEXP2, 2, logaddexp2, deterministic=True)
