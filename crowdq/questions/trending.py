"""The trending score.

Each vote adds 2 ** ((t - EPOCH) / HALF_LIFE) to its question's score,
where t is the moment of the vote. Dividing every score by
2 ** ((now - EPOCH) / HALF_LIFE) gives the familiar decayed sum, where a vote
counts half as much after HALF_LIFE, a quarter after twice that, and so on;
since that divisor is the same for every question, ordering by the stored
score is ordering by the decayed sum. So the score is updated in the vote's
own transaction (+ on vote, - on withdrawal), needs no background job, and
the list can be sorted through an index. Floats reach 2**1023, so the
epoch must move (a one-off rescale) before about 2100.
"""

from __future__ import annotations

from datetime import UTC, datetime

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
HALF_LIFE_SECONDS = 3 * 24 * 3600  # three days


def weight(moment: datetime) -> float:
    return 2.0 ** ((moment - EPOCH).total_seconds() / HALF_LIFE_SECONDS)


def decayed(score: float, now: datetime) -> float:
    """The score in 'votes as of now' units (for display and tests)."""
    return score / weight(now)
