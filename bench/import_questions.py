"""Time the question import: a generated CSV of 10,000 rows through `crowdq import-questions`.

    python bench/import_questions.py --database-url sqlite:///bench/data/import.db
    python bench/import_questions.py --database-url postgresql://postgres@127.0.0.1:5432/crowdq_import_bench

The database is emptied and migrated first (use a database of its own). One facilitator (a researcher) imports
the file three times through the command itself, in process: a dry run, the real import (every row through
questions.services.submit, in one transaction), and the same file again (nothing new). Optionally
`--existing N` questions are generated first (bench/generate.py's bulk loader), so the import meets a full site.
"""

from __future__ import annotations

import argparse
import csv
import platform
import random
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import body_for, title_for  # noqa: E402

from crowdq import create_app  # noqa: E402
from crowdq.db import engine as current_engine  # noqa: E402

TAGS = ["water", "lucht", "gezondheid", "buurt", "groen", "verkeer", "energie", "school"]
PLACES = ["Leiden Noord", "De Kooi", "Stevenshof", "Merenwijk", "Leiden Zuidwest", ""]


def write_csv(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "explanation", "language", "topic", "tags", "place", "external_id"])
        for i in range(rows):
            lang = "nl" if i % 2 else "en"
            writer.writerow(
                [
                    title_for(i, lang, rng)[:200],
                    body_for(lang, rng),
                    lang,
                    "buurt" if i % 3 == 0 else "",
                    ", ".join(rng.sample(TAGS, rng.randint(0, 3))),
                    rng.choice(PLACES),
                    f"leiden-2026-{i:05d}",
                ]
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--existing", type=int, default=0, help="questions generated before the import")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    app = create_app(
        "production",
        SECRET_KEY="bench-" + "x" * 20,
        DATABASE_URL=args.database_url,
        RATELIMIT_ENABLED=False,
        BASE_URL="http://127.0.0.1:8000",
    )
    data_dir = Path(__file__).resolve().parent / "data"
    data_dir.mkdir(exist_ok=True)
    csv_path = data_dir / f"import-{args.rows}.csv"
    write_csv(csv_path, args.rows, args.seed)
    print(f"{csv_path}: {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB", file=sys.stderr)

    with app.app_context():
        from crowdq.cli import upgrade_database

        eng = current_engine()
        if eng.dialect.name == "sqlite":
            Path(eng.url.database).unlink(missing_ok=True)
        else:
            with eng.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        if args.existing:
            import generate

            upgrade_database()
            generate.load(
                eng,
                argparse.Namespace(
                    questions=args.existing, votes=args.existing, members=1000, comments=0, seed=args.seed
                ),
            )
        else:
            upgrade_database()
        runner = app.test_cli_runner()

        def cli(*argv: str):
            result = runner.invoke(args=["crowdq", *argv], catch_exceptions=False)
            if result.exit_code != 0:
                raise SystemExit(f"{' '.join(argv)} failed ({result.exit_code}):\n{result.output}")
            return result

        cli("create-user", "facilitator@bench.example", "--name", "Fien Facilitator", "--password",
            "bench passphrase 2026", "--role", "researcher", "--confirmed")  # fmt: skip
        cli("create-topic", "buurt", "--name-nl", "Buurt", "--name-en", "Neighbourhood")
        base = ["import-questions", str(csv_path), "--by", "facilitator@bench.example"]
        figures = []
        for label, extra in (("dry run", ["--dry-run"]), ("import", []), ("again", [])):
            started = time.perf_counter()
            result = cli(*base, *extra)
            seconds = time.perf_counter() - started
            figures.append((label, seconds))
            print(f"{label:<8} {seconds:6.2f} s  {args.rows / seconds:8,.0f} rows/s  {result.output.strip()}")

        with Session(eng) as session:
            from crowdq import search
            from crowdq.questions.models import Question

            imported = session.scalar(select(func.count()).where(Question.source == "import"))
            sample = session.scalar(select(Question).where(Question.source == "import").order_by(Question.id.desc()))
            found = search.search_questions(session, sample.title)
            assert imported == args.rows, imported
            assert sample.id in [q.id for q in found], "the imported question is not found by search"
    print(
        f"{eng.dialect.name}, {args.rows:,} rows ({args.existing:,} questions before), python "
        f"{platform.python_version()}, {platform.machine()}: "
        + ", ".join(f"{label} {s:.1f} s ({args.rows / s:,.0f} rows/s)" for label, s in figures)
    )


if __name__ == "__main__":
    main()
