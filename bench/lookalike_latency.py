"""Time the look-alike service as a member types, on a generated site (bench/generate.py).

    python bench/lookalike_latency.py --database-url sqlite:///bench/data/bench.db
    python bench/lookalike_latency.py --database-url postgresql://postgres@127.0.0.1:5432/crowdq_bench

Titles drawn like the generated ones (a different seed, so new questions), each with its language, go through
crowdq.merging.similarity.similar(limit 5) in process, after a warm-up; the median and 95th percentile are
reported.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import title_for  # noqa: E402

from crowdq import create_app  # noqa: E402
from crowdq.db import engine as current_engine  # noqa: E402


def timed(call, titles) -> list[float]:
    times = []
    for title, language in titles:
        started = time.perf_counter()
        call(title, language)
        times.append((time.perf_counter() - started) * 1000)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    return f"median {statistics.median(ordered):.1f} ms, p95 {ordered[int(0.95 * len(ordered))]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    app = create_app(
        "production",
        SECRET_KEY="bench-" + "x" * 20,
        DATABASE_URL=args.database_url,
        RATELIMIT_ENABLED=False,
        BASE_URL="http://127.0.0.1:8000",
    )
    rng = random.Random(2026)
    titles = []
    for i in range(args.queries):
        language = "nl" if i % 2 else "en"
        titles.append((title_for(10_000_000 + i, language, rng)[:200], language))
    with app.app_context():
        from crowdq.merging import similarity
        from crowdq.questions.models import Question

        with Session(current_engine()) as session:
            count = session.scalar(select(func.count()).select_from(Question))
            for title, language in titles[:30]:  # warm caches
                similarity.similar(session, title, language)
            new = timed(lambda t, lang: similarity.similar(session, t, lang, limit=5), titles)
            found = sum(bool(similarity.similar(session, t, lang, limit=5)) for t, lang in titles[:100])
        dialect = current_engine().dialect.name
    print(f"{dialect}, {count:,} questions, {len(titles)} titles as typed:")
    print(f"  similarity service  {summary(new)} ({found} of 100 titles found look-alikes)")


if __name__ == "__main__":
    main()
