"""Look-alike ranking on the labelled pairs (tests/data/duplicates/pairs.jsonl), on one database.

    python bench/lookalikes.py --database-url sqlite:///bench/data/lookalikes.db
    python bench/lookalikes.py --database-url postgresql://postgres@127.0.0.1:5432/crowdq_lookalikes

The database is emptied and migrated (use one of its own). Every duplicate and near miss is published as a
question through the app's own path (search index, word counts); each query is then ranked as a member types
it (title) and on the confirmation step (title and explanation), by:
- the similarity service (crowdq.merging.similarity), what the app uses;
- a plain BM25 in Python over the same questions (tests/merging/lookalike_eval.py).
(The look-alikes before issue 10 are in bench/README.md, measured with this script before they were removed.)
MAP (x100, the duplicate's 1/rank within the first 10) and recall@10 for each, and the service's time per query.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crowdq import create_app  # noqa: E402
from crowdq.db import engine as current_engine  # noqa: E402
from tests.merging import lookalike_eval as ev  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    app = create_app(
        "production",
        SECRET_KEY="bench-" + "x" * 20,
        DATABASE_URL=args.database_url,
        RATELIMIT_ENABLED=False,
        BASE_URL="http://127.0.0.1:8000",
    )
    pairs = ev.load_pairs()
    with app.app_context():
        from crowdq.accounts.models import User
        from crowdq.cli import upgrade_database
        from crowdq.db import utcnow
        from crowdq.merging import similarity

        eng = current_engine()
        if eng.dialect.name == "sqlite":
            Path(eng.url.database).unlink(missing_ok=True)
        else:
            with eng.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade_database()
        with Session(eng) as session:
            author = User(
                email="bench@example.org",
                display_name="Bench",
                password_hash="x",
                confirmed_at=utcnow(),
                researcher_verified_at=utcnow(),
            )
            session.add(author)
            session.flush()
            duplicates = ev.populate(session, author, pairs)
            session.commit()
            if eng.dialect.name == "postgresql":
                session.execute(text("ANALYZE questions"))
                session.commit()

            times: list[float] = []

            def service(session, query, language, limit):
                started = time.perf_counter()
                found = [m.question.id for m in similarity.similar(session, query, language, limit=limit)]
                times.append(time.perf_counter() - started)
                return found

            print(f"{eng.dialect.name}: {len(pairs)} queries ({sum(p['lang'] == 'nl' for p in pairs)} Dutch), "
                  f"{2 * len(pairs)} questions")  # fmt: skip
            for mode in ev.MODES:
                for lang in ("all", "en", "nl"):
                    subset = [p for p in pairs if lang == "all" or p["lang"] == lang]
                    rows = [
                        ("similarity service", ev.rank_with_service(session, subset, duplicates, mode, service)),
                        ("plain BM25", ev.plain_bm25(pairs, mode, only=subset)),
                    ]
                    for name, scores in rows:
                        print(f"{mode:<10} {lang:<3} {name:<19} {scores}")
            print(f"service time per query: median {statistics.median(times) * 1000:.1f} ms, "
                  f"p95 {sorted(times)[int(0.95 * len(times))] * 1000:.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
