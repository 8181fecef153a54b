"""Measuring look-alike ranking on the labelled pairs in tests/data/duplicates/pairs.jsonl.

Each item has a query, its true duplicate and a near miss (same topic, a
different question). The duplicates and near misses of all items become
the site's questions; each query is then ranked against them, as a member
typing (title only) and on the confirmation step (title and explanation).
With one relevant question per query, average precision is 1/rank when the
duplicate is among the first TOP results, else 0; MAP is its mean over the
queries (x100), recall@TOP the share of queries whose duplicate is there.

The baseline is a plain BM25 (k1 1.2, b 0.75) over the same questions, title
and explanation as one text, stemmed in the question's language with stop
words removed, computed here in Python: what a textbook search engine gives.
Used by tests/merging/test_lookalike_ranking.py and bench/lookalikes.py.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

PAIRS = Path(__file__).resolve().parents[1] / "data" / "duplicates" / "pairs.jsonl"
TOP = 10
MODES = ("typing", "confirming")


def load_pairs(path: Path = PAIRS) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def query_text(item: dict, mode: str) -> str:
    query = item["query"]
    return query["title"] if mode == "typing" else f"{query['title']}\n{query['body']}"


@dataclass
class Scores:
    map: float
    recall: float
    queries: int

    def __str__(self) -> str:
        return f"MAP {self.map:.1f}, recall@{TOP} {self.recall:.1f}% ({self.queries} queries)"


def scores(ranks: list[int | None]) -> Scores:
    """ranks: the duplicate's 1-based rank per query, None when not in the first TOP."""
    ap = [1 / r if r is not None and r <= TOP else 0.0 for r in ranks]
    found = [r is not None and r <= TOP for r in ranks]
    return Scores(100 * sum(ap) / len(ap), 100 * sum(found) / len(found), len(ranks))


def populate(session, author, pairs: list[dict]) -> dict[str, int]:
    """Publish every duplicate and near miss as a question; item id -> the duplicate's question id."""
    from crowdq.questions import services

    duplicates = {}
    built = []
    for item in pairs:
        for role in ("duplicate", "near_miss"):
            text = item[role]
            question = services.build_question(
                session, author, title=text["title"], body=text["body"], language=item["lang"]
            )
            built.append((item["id"], role, question))
    services.publish(session, author, [q for _i, _r, q in built])
    for item_id, role, question in built:
        if role == "duplicate":
            duplicates[item_id] = question.id
    return duplicates


def rank_with_service(session, pairs: list[dict], duplicates: dict[str, int], mode: str, search=None) -> Scores:
    """The app's similarity service (or `search(session, text, language, limit)` returning question ids)."""
    from crowdq.merging import similarity

    if search is None:

        def search(session, text, language, limit):
            return [m.question.id for m in similarity.similar(session, text, language, limit=limit)]

    ranks = []
    for item in pairs:
        ids = search(session, query_text(item, mode), item["lang"], TOP)
        wanted = duplicates[item["id"]]
        ranks.append(ids.index(wanted) + 1 if wanted in ids else None)
    return scores(ranks)


def _tokens(text: str, language: str) -> list[str]:
    from crowdq.search import analysis

    return [analysis.stem(w, language) for w in analysis.words(text) if w not in analysis.ALL_STOPWORDS]


def plain_bm25(
    pairs: list[dict], mode: str, k1: float = 1.2, b: float = 0.75, only: list[dict] | None = None
) -> Scores:
    """Every pair's questions are the collection; the queries are those of `only` (default: all)."""
    docs = []  # (item id of a duplicate or None, tokens)
    for item in pairs:
        for role in ("duplicate", "near_miss"):
            text = item[role]
            docs.append(
                (item["id"] if role == "duplicate" else None, _tokens(f"{text['title']}\n{text['body']}", item["lang"]))
            )
    n = len(docs)
    df = Counter(t for _id, tokens in docs for t in set(tokens))
    avgdl = sum(len(tokens) for _id, tokens in docs) / n
    counted = [(item_id, Counter(tokens), len(tokens)) for item_id, tokens in docs]
    ranks = []
    for item in only if only is not None else pairs:
        terms = set(_tokens(query_text(item, mode), item["lang"]))
        scored = []
        for index, (item_id, tf, dl) in enumerate(counted):
            s = 0.0
            for t in terms:
                if t in tf:
                    idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
                    s += idf * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * dl / avgdl))
            if s > 0:
                scored.append((-s, index, item_id))
        scored.sort()
        top = [item_id for _s, _i, item_id in scored[:TOP]]
        ranks.append(top.index(item["id"]) + 1 if item["id"] in top else None)
    return scores(ranks)
