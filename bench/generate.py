"""Generate a large crowdq dataset for benchmarks, fast.

    python bench/generate.py --database-url sqlite:///bench/data/bench.db --questions 1000000 --votes 10000000

Rows are written in bulk (executemany on SQLite, COPY on PostgreSQL) with
secondary indexes dropped during the load and rebuilt after. Votes are
distinct (member, question) pairs by construction, counts and trending
scores are computed from the generated votes, so `crowdq check-counts`
passes on the result.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path

from sqlalchemy import text

from crowdq import create_app
from crowdq.accounts.passwords import hash_password
from crowdq.db import engine as current_engine
from crowdq.questions import trending
from crowdq.search import analysis

NOW = datetime.now(UTC).replace(microsecond=0)
WORDS = {
    "en": "water canal river tree bird bee city street school child sleep screen noise air dust heat summer winter "
    "flood garden tile soil peat farm food plastic microplastic health doctor hospital elderly loneliness dog cat "
    "bicycle traffic energy solar roof insulation history museum language dialect music sport park light night "
    "star climate rain drought storm wind sea dune beach fish frog butterfly mosquito allergy pollen asthma".split(),
    "nl": "water gracht rivier boom vogel bij stad straat school kind slaap scherm geluid lucht stof hitte zomer "
    "winter overstroming tuin tegel bodem veen boerderij voedsel plastic microplastic gezondheid dokter ziekenhuis "
    "ouderen eenzaamheid hond kat fiets verkeer energie zonnepaneel dak isolatie geschiedenis museum taal dialect "
    "muziek sport park licht nacht ster klimaat regen droogte storm wind zee duin strand vis kikker vlinder mug".split(),
}
STARTS = {
    "en": ["Why does", "How much", "Does the", "What happens to", "Can we measure", "Is there more", "How do"],
    "nl": ["Waarom heeft", "Hoeveel", "Helpt de", "Wat gebeurt er met", "Kunnen we meten", "Is er meer", "Hoe werkt"],
}
SECONDARY_INDEXES = {
    "votes": [
        ("ix_votes_question_id", "votes (question_id)"),
        ("ix_votes_question_created", "votes (question_id, created_at)"),
    ],
    "questions": [
        ("ix_questions_listed_votes", "questions (listed, vote_count, id)"),
        ("ix_questions_listed_created", "questions (listed, created_at, id)"),
        ("ix_questions_listed_comments", "questions (listed, comment_count, id)"),
        ("ix_questions_listed_trending", "questions (listed, trending_score, id)"),
        ("ix_questions_needs_votes", "questions (listed, vote_count, id DESC)"),
        ("ix_questions_topic_votes", "questions (topic_id, listed, vote_count, id)"),
        ("ix_questions_topic_created", "questions (topic_id, listed, created_at, id)"),
        ("ix_questions_topic_comments", "questions (topic_id, listed, comment_count, id)"),
        ("ix_questions_topic_trending", "questions (topic_id, listed, trending_score, id)"),
        ("ix_questions_author_id", "questions (author_id)"),
        ("ix_questions_status", "questions (status)"),
        ("ix_questions_place", "questions (place)"),
        ("ix_questions_merged_into_id", "questions (merged_into_id)"),
        ("ix_questions_organisation_id", "questions (organisation_id)"),
    ],
}


class Progress:
    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.start, self.last = label, max(total, 1), 0, time.time(), 0.0

    def add(self, n: int) -> None:
        self.done += n
        now = time.time()
        if now - self.last > 0.5 or self.done >= self.total:
            self.last = now
            width = 30
            filled = int(width * self.done / self.total)
            rate = self.done / max(now - self.start, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0
            sys.stderr.write(
                f"\r{self.label:<12} [{'#' * filled}{'.' * (width - filled)}] {self.done:>11,}/{self.total:,} "
                f"{rate:>9,.0f}/s eta {eta:5.0f}s"
            )
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def vote_counts(n_questions: int, n_votes: int, rng: random.Random, max_per_question: int) -> list[int]:
    """Heavy-tailed votes per question (a few popular ones, many with few), summing to n_votes."""
    raw = [rng.paretovariate(1.2) for _ in range(n_questions)]
    scale = n_votes / sum(raw)
    counts = [min(max_per_question, int(r * scale)) for r in raw]
    short = n_votes - sum(counts)
    i = 0
    while short > 0:
        if counts[i % n_questions] < max_per_question:
            counts[i % n_questions] += 1
            short -= 1
        i += 1
    return counts


def _pseudo_word(rank: int) -> str:
    """A pronounceable made-up word, distinct per rank."""
    consonants, vowels = "bdfghklmnprstvwz", "aeiou"
    word, n = "", rank + 1
    while n:
        n, c = divmod(n, len(consonants))
        n, v = divmod(n, len(vowels))
        word += consonants[c] + vowels[v]
    return word + "n"


# Real text has a long tail: a few words are everywhere, most are rare. A
# Zipf-distributed vocabulary of 30,000 made-up words next to the real ones
# gives search the selectivity it meets in practice.
TAIL = [_pseudo_word(i) for i in range(30_000)]
TAIL_WEIGHTS = [1 / (i + 1) for i in range(len(TAIL))]


def _tail(rng: random.Random, k: int) -> list[str]:
    return rng.choices(TAIL, cum_weights=_TAIL_CUM, k=k)


_TAIL_CUM = list(accumulate(TAIL_WEIGHTS))


def title_for(i: int, lang: str, rng: random.Random) -> str:
    real = rng.sample(WORDS[lang], 2)
    tail = _tail(rng, 3)
    joiner = "and" if lang == "en" else "en"
    return f"{rng.choice(STARTS[lang])} {real[0]} {tail[0]} {joiner} {real[1]} {tail[1]} {tail[2]}?"


def body_for(lang: str, rng: random.Random) -> str:
    words = [rng.choice(WORDS[lang]) if rng.random() < 0.3 else w for w in _tail(rng, rng.randint(15, 40))]
    return " ".join(words).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=10_000_000)
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    if args.votes > args.questions * args.members:
        parser.error("more votes than (member, question) pairs")

    app = create_app(
        "production",
        SECRET_KEY="bench-" + "x" * 20,
        DATABASE_URL=args.database_url,
        RATELIMIT_ENABLED=False,
        BASE_URL="http://127.0.0.1:8000",
    )
    started = time.time()
    with app.app_context():
        from crowdq.cli import upgrade_database

        eng = current_engine()
        if eng.dialect.name == "sqlite":
            Path(eng.url.database).unlink(missing_ok=True)
        else:
            with eng.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade_database()
        load(eng, args)
        # The look-alike ranking's word counts (crowdq refresh-search-terms), which the bulk load bypassed.
        from sqlalchemy.orm import Session

        from crowdq.search import terms

        counting = time.time()
        with Session(eng) as session, session.begin():
            terms.refresh(session)
        print(f"word counts in {time.time() - counting:.0f}s", file=sys.stderr)
    print(f"generated in {time.time() - started:.0f}s", file=sys.stderr)


def load(eng, args) -> None:
    rng = random.Random(args.seed)
    pg = eng.dialect.name == "postgresql"
    raw = eng.raw_connection()
    cur = raw.cursor()
    if not pg:
        cur.execute("PRAGMA journal_mode=OFF")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-1000000")
    for indexes in SECONDARY_INDEXES.values():
        for name, _ in indexes:
            cur.execute(f"DROP INDEX IF EXISTS {name}")
    if pg:
        cur.execute("DROP INDEX IF EXISTS question_search_gin")
    raw.commit()

    def bulk(table: str, columns: list[str], rows, total: int) -> None:
        progress = Progress(table, total)
        if pg:
            pending = 0
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    pending += 1
                    if pending == 50_000:
                        progress.add(pending)
                        pending = 0
            progress.add(pending)
        else:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch = []
            for row in rows:
                batch.append(row)
                if len(batch) >= 50_000:
                    cur.executemany(sql, batch)
                    progress.add(len(batch))
                    batch = []
            if batch:
                cur.executemany(sql, batch)
                progress.add(len(batch))
        raw.commit()

    def ts(moment: datetime):
        return moment if pg else moment.replace(tzinfo=None).isoformat(sep=" ")

    password = hash_password("bench passphrase 2026")
    topics = [(i + 1, f"topic-{i + 1}", f"Topic {i + 1}", f"Onderwerp {i + 1}", "", "", ts(NOW)) for i in range(8)]
    bulk(
        "topics",
        ["id", "slug", "name_en", "name_nl", "description_en", "description_nl", "created_at"],
        topics,
        len(topics),
    )
    members = (
        (i, f"member{i}@bench.example", f"Member {i}", password, "", 1, ts(NOW), ts(NOW), False, False, "active")
        for i in range(1, args.members + 1)
    )
    bulk(
        "users",
        [
            "id",
            "email",
            "display_name",
            "password_hash",
            "bio",
            "session_version",
            "created_at",
            "confirmed_at",
            "is_admin",
            "is_moderator",
            "status",
        ],
        members,
        args.members,
    )

    counts = vote_counts(args.questions, args.votes, rng, min(args.members, 5_000))
    comment_counts = [0] * args.questions
    for _ in range(args.comments):
        comment_counts[rng.randrange(args.questions)] += 1
    span = timedelta(days=730).total_seconds()
    created = [NOW - timedelta(seconds=rng.random() * span) for _ in range(args.questions)]

    def vote_rows():
        step = 104_729  # prime, so (base + j * step) % members never repeats for j < members
        for q in range(args.questions):
            base = (q * 7_919) % args.members
            age = (NOW - created[q]).total_seconds()
            for j in range(counts[q]):
                user = (base + j * step) % args.members + 1
                yield user, q + 1, ts(created[q] + timedelta(seconds=age * rng.random()))

    scores = [trending.EMPTY] * args.questions  # log2 of the decayed vote sums
    last_vote = [None] * args.questions

    def scored_votes():
        for user, qid, when in vote_rows():
            moment = when if pg else datetime.fromisoformat(when).replace(tzinfo=UTC)
            scores[qid - 1] = trending.logaddexp2(scores[qid - 1], trending.vote_term(moment))
            if last_vote[qid - 1] is None or moment > last_vote[qid - 1]:
                last_vote[qid - 1] = moment
            yield user, qid, when

    # Questions first (votes reference them); scores are filled in afterwards.
    def question_rows():
        for q in range(args.questions):
            lang = "nl" if q % 2 else "en"
            yield (
                q + 1,
                title_for(q + 1, lang, rng),
                body_for(lang, rng),
                "",
                lang,
                q % 8 + 1,
                "Leiden" if q % 11 == 0 else None,
                (q * 31) % args.members + 1,
                "online",
                "open",
                False,
                True,
                False,
                counts[q],
                comment_counts[q],
                0,
                trending.EMPTY,
                ts(created[q]),
                ts(created[q]),
            )

    bulk(
        "questions",
        [
            "id",
            "title",
            "body",
            "body_html",
            "language",
            "topic_id",
            "place",
            "author_id",
            "source",
            "status",
            "held",
            "listed",
            "comments_closed",
            "vote_count",
            "comment_count",
            "follower_count",
            "trending_score",
            "created_at",
            "updated_at",
        ],
        question_rows(),
        args.questions,
    )
    bulk("votes", ["user_id", "question_id", "created_at"], scored_votes(), args.votes)

    def comment_rows():
        cid = 0
        for q, n in enumerate(comment_counts):
            for _ in range(n):
                cid += 1
                yield cid, q + 1, (q * 13 + cid) % args.members + 1, "A comment.", "<p>A comment.</p>\n", ts(created[q])

    bulk(
        "comments", ["id", "question_id", "author_id", "body", "body_html", "created_at"], comment_rows(), args.comments
    )

    progress = Progress("scores", args.questions)
    rows = [(scores[q], ts(last_vote[q]) if last_vote[q] else None, q + 1) for q in range(args.questions)]
    if pg:
        cur.execute("CREATE TEMP TABLE score_tmp (s double precision, l timestamp, id integer)")
        with cur.copy("COPY score_tmp (s, l, id) FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r[0], r[1].replace(tzinfo=None) if r[1] else None, r[2]))
        cur.execute(
            "UPDATE questions q SET trending_score = t.s, last_vote_at = t.l FROM score_tmp t WHERE q.id = t.id"
        )
    else:
        for start in range(0, len(rows), 50_000):
            cur.executemany(
                "UPDATE questions SET trending_score = ?, last_vote_at = ? WHERE id = ?", rows[start : start + 50_000]
            )
            progress.add(min(50_000, len(rows) - start))
    raw.commit()

    if not pg:
        progress = Progress("search", args.questions)
        cur.execute("SELECT id, title, body, language FROM questions ORDER BY id")
        docs = cur.fetchall()
        batch = []
        for qid, title, body, lang in docs:
            batch.append((qid, analysis.document(title, lang), analysis.document(body, lang)))
            if len(batch) >= 50_000:
                cur.executemany("INSERT INTO question_search (rowid, title, body) VALUES (?, ?, ?)", batch)
                progress.add(len(batch))
                batch = []
        if batch:
            cur.executemany("INSERT INTO question_search (rowid, title, body) VALUES (?, ?, ?)", batch)
            progress.add(len(batch))
        raw.commit()

    started = time.time()
    sys.stderr.write("rebuilding indexes...")
    sys.stderr.flush()
    for indexes in SECONDARY_INDEXES.values():
        for name, definition in indexes:
            cur.execute(f"CREATE INDEX {name} ON {definition}")
    if pg:
        cur.execute("CREATE INDEX question_search_gin ON questions USING gin (question_search_vector)")
        for table in ("users", "topics", "comments"):
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        cur.execute("SELECT setval(pg_get_serial_sequence('questions', 'id'), (SELECT max(id) FROM questions))")
        raw.commit()
        cur.execute("ANALYZE")
    else:
        cur.execute("ANALYZE")
    raw.commit()
    sys.stderr.write(f" {time.time() - started:.0f}s\n")
    raw.close()


if __name__ == "__main__":
    main()
