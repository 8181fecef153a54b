"""Time the moderators' review queue with 100,000 open flags (issue 11).

    python bench/moderation_queue.py --generate                      # SQLite, bench/data/moderation.db
    python bench/moderation_queue.py --generate --database-url postgresql://postgres@127.0.0.1:5432/crowdq_moderation_bench
    python bench/moderation_queue.py --generate --scale 0.05 --database-url sqlite:///bench/data/moderation-small.db

With --generate (or when the database has no moderation tables yet) the database is emptied and filled, by
plain bulk inserts (Core insert() in chunks), with 20,000 members, 50,000 questions, 150,000 comments,
100,000 open flags on 60,000 open review items (kind 'flags', weights and ranks as crowdq computes them,
~1% with personal data), 5,000 'held' and 500 'appeal' items, 200,000 decided items with their (resolved)
flags and 300,000 audit-log rows; --scale multiplies every count. Without it the database is reused.

Then, in process with the production config and a fresh session per run (as each request has), it times the
queue service (crowdq.moderation.queue): the first page, a deep page (keyset cursor in the middle of the open
items), pages filtered to 'held' and to 'appeal' items, the open count, and one more flag (flags.flag, rolled
back). If GET /moderation answers, it times that page through the Flask test client as a logged-in moderator
beside a bare Flask endpoint that renders a 20-item Jinja list, in the same run (the ratio is reported).
It prints the database's plan for the queue queries (EXPLAIN QUERY PLAN / EXPLAIN ANALYZE) and writes
bench/results/moderation_queue-<sqlite|postgresql>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, event, func, insert, inspect, make_url, select, text
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = f"sqlite:///{ROOT / 'bench/data/moderation.db'}"
NOW = datetime.now(UTC).replace(microsecond=0)
CHUNK = 20_000
MODERATORS = 5  # users 1..5 are moderators; user 1 is the one who looks at the queue
PASSWORD = "bench passphrase 2026"
# As crowdq.moderation.trust.BASE_WEIGHT: a flag's weight in points by the flagger's trust level.
WEIGHT = {0: 5, 1: 10, 2: 10, 3: 15}
THRESHOLD_POINTS = 30  # crowdq.moderation.settings defaults: 3 flags x 10 points hide an item
OTHER_REASONS = ("spam", "abusive", "off_topic", "other")
LOG_ACTIONS = ("flags.hide", "hold", "keep", "release", "hide", "remove", "restore", "edit", "warn", "close")
APPEALABLE = ("hide", "remove", "edit", "close", "warn", "flags.hide")


# --- building -----------------------------------------------------------------------------------
class Progress:
    def __init__(self, label: str, total: int):
        self.label, self.total, self.done, self.start, self.last = label, max(total, 1), 0, time.time(), 0.0

    def add(self, n: int) -> None:
        self.done += n
        now = time.time()
        if now - self.last > 0.5 or self.done >= self.total:
            self.last = now
            rate = self.done / max(now - self.start, 1e-9)
            sys.stderr.write(f"\r  {self.label:<14} {self.done:>9,}/{self.total:,} {rate:>9,.0f} rows/s")
            if self.done >= self.total:
                sys.stderr.write(f"  {now - self.start:5.1f}s\n")
            sys.stderr.flush()


def prepare_database(url: str) -> None:
    """Create the PostgreSQL database when it is missing (a connection to `postgres`, autocommit)."""
    if not url.startswith("postgres"):
        Path(make_url(url).database).parent.mkdir(parents=True, exist_ok=True)
        return
    target = make_url(url.replace("postgresql://", "postgresql+psycopg://", 1))
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{target.database}"'))
                print(f"created database {target.database}", file=sys.stderr)
    finally:
        admin.dispose()


def has_data(eng) -> bool:
    if not inspect(eng).has_table("review_items"):
        return False
    with eng.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM review_items")).scalar())


def reset_schema(eng) -> None:
    import crowdq.models  # noqa: F401 - every table known
    from crowdq import search
    from crowdq.db import Base

    if eng.dialect.name == "postgresql":
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        eng.dispose()
        path = Path(eng.url.database)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    Base.metadata.create_all(eng)
    with eng.begin() as conn:
        search.install(conn)


def build(eng, scale: float, seed: int) -> dict:
    """Fill an empty schema; returns the counts written."""
    from crowdq.accounts.models import User
    from crowdq.accounts.passwords import hash_password
    from crowdq.moderation.models import Appeal, Flag, ModerationAction, ReviewItem
    from crowdq.questions.models import Comment, Question, Topic

    rng = random.Random(seed)
    n = {
        "members": max(50, int(20_000 * scale)),
        "questions": max(50, int(50_000 * scale)),
        "comments": max(100, int(150_000 * scale)),
        "open_flags": max(100, int(100_000 * scale)),
        "open_flag_items": max(60, int(60_000 * scale)),
        "held_items": max(5, int(5_000 * scale)),
        "appeal_items": max(5, int(500 * scale)),
        "decided_items": max(100, int(200_000 * scale)),
        "log_rows": max(100, int(300_000 * scale)),
    }
    members, questions, comments = n["members"], n["questions"], n["comments"]

    def q_author(q: int) -> int:
        return (q * 31) % members + 1

    def c_author(c: int) -> int:
        return (c * 13) % members + 1

    comment_question = [0] + [rng.randrange(questions) + 1 for _ in range(comments)]
    trust_level = [0] + [rng.choice((0, 1, 1, 2, 2, 2, 3, 3)) for _ in range(members)]

    def author_of(kind: str, target: int) -> int:
        return {"question": q_author, "comment": c_author, "profile": lambda u: u}[kind](target)

    # Open flag items: targets drawn without repeats, a heavy-tailed number of flags each.
    n_items = n["open_flag_items"]
    kinds = ["comment"] * int(n_items * 0.55) + ["question"] * int(n_items * 0.40)
    kinds += ["profile"] * (n_items - len(kinds))
    rng.shuffle(kinds)
    n_held = n["held_items"]
    q_pool = rng.sample(range(1, questions + 1), min(questions, kinds.count("question") + n_held // 2))
    c_pool = rng.sample(range(1, comments + 1), min(comments, kinds.count("comment") + n_held - n_held // 2))
    p_pool = rng.sample(range(MODERATORS + 1, members + 1), min(members - MODERATORS, kinds.count("profile")))
    pools = {"question": q_pool, "comment": c_pool, "profile": p_pool}
    targets = [(kind, pools[kind].pop()) for kind in kinds]

    counts = [1] * n_items
    extra = max(0, n["open_flags"] - n_items)
    tail = list(accumulate_weights(rng, n_items))
    for i in rng.choices(range(n_items), cum_weights=tail, k=extra):
        counts[i] += 1
    counts = [min(c, members - MODERATORS - 1) for c in counts]

    hidden = {"question": set(), "comment": set(), "profile": set()}
    held = {"question": set(), "comment": set()}
    items, flags, used = [], [], set()
    item_id = flag_id = 0
    span_open = timedelta(days=90).total_seconds()
    for (kind, target), k in zip(targets, counts, strict=True):
        item_id += 1
        author = author_of(kind, target)
        reporters = [r for r in rng.sample(range(MODERATORS + 1, members + 1), k + 1) if r != author][:k]
        personal = rng.random() < 0.01
        opened = NOW - timedelta(seconds=rng.random() * span_open)
        weight_sum = 0
        hide_now = False
        for j, reporter in enumerate(reporters):
            flag_id += 1
            reason = "personal_data" if personal and j == 0 else rng.choice(OTHER_REASONS)
            weight = WEIGHT[trust_level[reporter]]
            weight_sum += weight
            hide_now |= reason == "personal_data" and trust_level[reporter] >= 3
            created = opened + timedelta(seconds=(NOW - opened).total_seconds() * (j / (k + 1)))
            used.add((kind, target, reporter))
            flags.append(
                {
                    "id": flag_id,
                    "target_type": kind,
                    "target_id": target,
                    "target_sub": 0,
                    "reporter_id": reporter,
                    "reason": reason,
                    "note": "Bench note." if reason == "other" else "",
                    "weight": weight,
                    "review_id": item_id,
                    "created_at": created,
                    "resolved_at": None,
                    "outcome": None,
                }
            )
        if hide_now or weight_sum >= THRESHOLD_POINTS:
            hidden[kind].add(target)
        items.append(
            {
                "id": item_id,
                "kind": "flags",
                "target_type": kind,
                "target_id": target,
                "target_sub": 0,
                "author_id": author,
                "status": "open",
                "personal_data": personal,
                "flag_weight": weight_sum,
                "flag_count": len(reporters),
                # As ReviewItem.refresh_rank.
                "rank": (0 if personal else 1_000_000) - min(weight_sum, 999_999),
                "detail": "",
                "appeal_id": None,
                "opened_at": opened,
                "decided_at": None,
                "decided_by_id": None,
                "decision": None,
            }
        )
    # Held items (first posts, watched words): rank 1,000,000 as queue.open_item gives them.
    for j in range(n_held):
        kind = "question" if j < n_held // 2 else "comment"
        target = pools[kind].pop()
        held[kind].add(target)
        item_id += 1
        items.append(
            {
                "id": item_id,
                "kind": "held",
                "target_type": kind,
                "target_id": target,
                "target_sub": 0,
                "author_id": author_of(kind, target),
                "status": "open",
                "personal_data": False,
                "flag_weight": 0,
                "flag_count": 0,
                "rank": 1_000_000,
                "detail": "First posts of a new member are held for review.",
                "appeal_id": None,
                "opened_at": NOW - timedelta(seconds=rng.random() * span_open),
                "decided_at": None,
                "decided_by_id": None,
                "decision": None,
            }
        )

    # The audit log, oldest first; the appeals are against some of its appealable actions.
    log_rows = []
    span_log = timedelta(days=730).total_seconds()
    log_times = sorted(NOW - timedelta(seconds=rng.random() * span_log) for _ in range(n["log_rows"]))
    for i, created in enumerate(log_times, start=1):
        action = rng.choice(LOG_ACTIONS)
        kind = rng.choice(("question", "comment", "comment", "profile"))
        target = rng.randrange(1, {"question": questions, "comment": comments, "profile": members}[kind] + 1)
        log_rows.append(
            {
                "id": i,
                "actor_id": None if action in ("flags.hide", "hold") else rng.randrange(1, MODERATORS + 1),
                "action": action,
                "target_type": kind,
                "target_id": target,
                "target_sub": 0,
                "member_id": author_of(kind, target),
                "reason_code": rng.choice(("spam", "abusive", "off_topic", "")),
                "reason_text": "",
                "before": {"state": None},
                "after": {"state": "hidden"} if action in ("hide", "flags.hide") else None,
                "ends_at": None,
                "created_at": created,
            }
        )
    appealable = [r for r in log_rows[-len(log_rows) // 3 :] if r["action"] in APPEALABLE]
    appeal_rows = []
    for i, entry in enumerate(rng.sample(appealable, min(len(appealable), n["appeal_items"])), start=1):
        created = entry["created_at"] + timedelta(hours=rng.randrange(1, 72))
        appeal_rows.append(
            {
                "id": i,
                "action_id": entry["id"],
                "appellant_id": entry["member_id"],
                "text": "Please look at this again.",
                "status": "open",
                "created_at": min(created, NOW),
                "decided_at": None,
                "decided_by_id": None,
                "decision_text": "",
            }
        )
        item_id += 1
        items.append(
            {
                "id": item_id,
                "kind": "appeal",
                "target_type": "appeal",
                "target_id": i,
                "target_sub": 0,
                "author_id": entry["member_id"],
                "status": "open",
                "personal_data": False,
                "flag_weight": 0,
                "flag_count": 0,
                "rank": 500_000,  # as appeals.submit
                "detail": "",
                "appeal_id": i,
                "opened_at": min(created, NOW),
                "decided_at": None,
                "decided_by_id": None,
                "decision": None,
            }
        )
    n_open = len(items)

    # Decided items (with their resolved flags), spread over two years.
    resolved = []
    for _ in range(n["decided_items"]):
        item_id += 1
        kind = rng.choice(("question", "comment", "comment", "profile"))
        target = rng.randrange(1, {"question": questions, "comment": comments, "profile": members}[kind] + 1)
        opened = NOW - timedelta(seconds=rng.random() * span_log)
        review_kind = rng.choices(("flags", "held", "watched", "spam"), weights=(80, 12, 4, 4))[0]
        weight_sum = count = 0
        if review_kind == "flags":
            reporter = rng.randrange(MODERATORS + 1, members + 1)
            if (kind, target, reporter) not in used and reporter != author_of(kind, target):
                used.add((kind, target, reporter))
                flag_id += 1
                count, weight_sum = 1, WEIGHT[trust_level[reporter]]
                resolved.append(
                    {
                        "id": flag_id,
                        "target_type": kind,
                        "target_id": target,
                        "target_sub": 0,
                        "reporter_id": reporter,
                        "reason": rng.choice(OTHER_REASONS),
                        "note": "Bench note.",
                        "weight": weight_sum,
                        "review_id": item_id,
                        "created_at": opened,
                        "resolved_at": opened + timedelta(hours=5),
                        "outcome": rng.choice(("helpful", "unhelpful")),
                    }
                )
        items.append(
            {
                "id": item_id,
                "kind": review_kind,
                "target_type": kind,
                "target_id": target,
                "target_sub": 0,
                "author_id": author_of(kind, target),
                "status": "decided",
                "personal_data": False,
                "flag_weight": weight_sum,
                "flag_count": count,
                "rank": 1_000_000 - weight_sum,
                "detail": "",
                "appeal_id": None,
                "opened_at": opened,
                "decided_at": opened + timedelta(hours=5),
                "decided_by_id": rng.randrange(1, MODERATORS + 1),
                "decision": rng.choice(("keep", "release", "hide", "remove", "edit")),
            }
        )
    flags.extend(resolved)
    del used

    # Content, consistent with the queue: hidden and held items are unlisted and uncounted.
    visible_comments = [0] * (questions + 1)
    for c in range(1, comments + 1):
        if c not in hidden["comment"] and c not in held["comment"]:
            visible_comments[comment_question[c]] += 1
    password = hash_password(PASSWORD)

    def user_rows():
        for u in range(1, members + 1):
            yield {
                "id": u,
                "email": f"member{u}@bench.example",
                "display_name": f"Member {u}",
                "password_hash": password,
                "bio": "",
                "created_at": NOW - timedelta(days=400),
                "confirmed_at": NOW - timedelta(days=400),
                "session_version": 1,
                "is_admin": False,
                "is_moderator": u <= MODERATORS,
                "status": "active",
                "trust_level": trust_level[u],
                "profile_state": "flagged" if u in hidden["profile"] else None,
            }

    def question_rows():
        for q in range(1, questions + 1):
            state = "flagged" if q in hidden["question"] else "held" if q in held["question"] else None
            created = NOW - timedelta(days=730 * (questions - q) / questions)
            yield {
                "id": q,
                "title": f"Bench question {q}: why is the water in canal {q % 97} so green?",
                "body": "A generated question.",
                "body_html": "<p>A generated question.</p>",
                "language": "nl" if q % 2 else "en",
                "topic_id": q % 8 + 1,
                "author_id": q_author(q),
                "source": "online",
                "status": "hidden" if state == "flagged" else "open",
                "status_before_hidden": "open" if state == "flagged" else None,
                "held": state == "held",
                "listed": state is None,
                "moderation_state": state,
                "vote_count": 0,
                "comment_count": visible_comments[q],
                "follower_count": 1,
                "created_at": created,
                "updated_at": created,
            }

    def comment_rows():
        for c in range(1, comments + 1):
            state = "flagged" if c in hidden["comment"] else "held" if c in held["comment"] else None
            yield {
                "id": c,
                "question_id": comment_question[c],
                "author_id": c_author(c),
                "body": f"Generated comment {c}.",
                "body_html": f"<p>Generated comment {c}.</p>",
                "created_at": NOW - timedelta(seconds=rng.random() * span_log),
                "moderation_state": state,
            }

    topics = [
        {"id": i, "slug": f"topic-{i}", "name_en": f"Topic {i}", "name_nl": f"Onderwerp {i}", "created_at": NOW}
        for i in range(1, 9)
    ]
    plan = [
        (User.__table__, user_rows(), members),
        (Topic.__table__, iter(topics), len(topics)),
        (Question.__table__, question_rows(), questions),
        (Comment.__table__, comment_rows(), comments),
        (ModerationAction.__table__, iter(log_rows), len(log_rows)),
        (Appeal.__table__, iter(appeal_rows), len(appeal_rows)),
        (ReviewItem.__table__, iter(items), len(items)),
        (Flag.__table__, iter(flags), len(flags)),
    ]
    for table, rows, total in plan:
        progress = Progress(table.name, total)
        chunk = []
        for row in rows:
            chunk.append(row)
            if len(chunk) >= CHUNK:
                with eng.begin() as conn:
                    conn.execute(insert(table), chunk)
                progress.add(len(chunk))
                chunk = []
        if chunk:
            with eng.begin() as conn:
                conn.execute(insert(table), chunk)
            progress.add(len(chunk))
    with eng.begin() as conn:
        if eng.dialect.name == "postgresql":
            for table, _, _ in plan:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                    )
                )
    if eng.dialect.name == "postgresql":
        with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with eng.begin() as conn:
            conn.execute(text("ANALYZE"))
    return {
        **n,
        "open_items": n_open,
        "open_flags_written": sum(1 for f in flags if f["resolved_at"] is None),
        "hidden_targets": sum(len(s) for s in hidden.values()),
    }


def accumulate_weights(rng: random.Random, k: int):
    """Cumulative heavy-tailed weights: most items get one flag, a few get dozens."""
    total = 0.0
    for _ in range(k):
        total += rng.paretovariate(1.3)
        yield total


# --- measuring ----------------------------------------------------------------------------------
def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def timed(call, runs: int, warmup: int = 10) -> dict:
    """Wall-clock latency, and this process's CPU time per call (steadier while other work shares the cores;
    on PostgreSQL it leaves out the server's share)."""
    for i in range(warmup):
        call(i)
    times, cpu = [], []
    for i in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "median_ms": statistics.median(times),
        "p95_ms": p95(times),
        "cpu_median_ms": statistics.median(cpu),
        "runs": runs,
    }


@contextmanager
def statements(eng):
    """Collect the SQL statements (and their parameters) the block runs."""
    seen: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith("BEGIN"):  # SQLite's, sent by crowdq.db
            seen.append((statement, parameters))

    event.listen(eng, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(eng, "before_cursor_execute", record)


def explain(eng, statement: str, parameters) -> list[str]:
    with eng.connect() as conn:
        if eng.dialect.name == "postgresql":
            rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement, parameters).all()
            return [r[0] for r in rows]
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        return [f"{'  ' * (r[1] != 0)}{r[3]}" for r in rows]


def bare_app():
    """A minimal Flask app whose one page renders a 20-item list with Jinja: what any page costs."""
    from flask import Flask, render_template_string

    app = Flask("bare")
    template = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>{{ title }}</title></head><body>"
        "<h1>{{ title }}</h1><ol>{% for item in items %}<li><a href='/items/{{ item.id }}'>{{ item.title }}</a>"
        " <span>{{ item.count }} flags</span> <time>{{ item.when }}</time><p>{{ item.text }}</p></li>"
        "{% endfor %}</ol></body></html>"
    )
    items = [
        {"id": i, "title": f"Item {i}", "count": i % 5 + 1, "when": "2026-12-01", "text": "Flagged text " * 5}
        for i in range(20)
    ]

    @app.route("/")
    def page():
        return render_template_string(template, title="Review queue", items=items)

    return app


def measure(app, eng, runs: int, http: bool) -> tuple[dict, dict, dict]:
    from crowdq.accounts.models import User
    from crowdq.moderation import flags, queue
    from crowdq.moderation.models import Flag, ReviewItem
    from crowdq.moderation.targets import Key

    results, plans, info = {}, {}, {}
    with Session(eng) as s:
        info["open_items"] = s.scalar(select(func.count()).select_from(ReviewItem).where(ReviewItem.status == "open"))
        info["open_flags"] = s.scalar(select(func.count()).select_from(Flag).where(Flag.resolved_at.is_(None)))
        info["review_items"] = s.scalar(select(func.count()).select_from(ReviewItem))
        info["flags"] = s.scalar(select(func.count()).select_from(Flag))
        info["moderation_log"] = s.scalar(text("SELECT count(*) FROM moderation_log"))
        info["comments"] = s.scalar(text("SELECT count(*) FROM comments"))
        info["questions"] = s.scalar(text("SELECT count(*) FROM questions"))
        info["members"] = s.scalar(text("SELECT count(*) FROM users"))
        for kind in ("flags", "held", "appeal"):
            info[f"open_{kind}_items"] = s.scalar(
                select(func.count()).select_from(ReviewItem).where(ReviewItem.status == "open", ReviewItem.kind == kind)
            )
        order = (ReviewItem.rank, ReviewItem.opened_at, ReviewItem.id)
        middle = s.execute(
            select(*order).where(ReviewItem.status == "open").order_by(*order).offset(info["open_items"] // 2).limit(1)
        ).one()
        deep = queue.parse_after(f"{middle[0]}.{int(middle[1].timestamp() * 1_000_000)}.{middle[2]}")
        # Flaggers for the flag timing: members who never flagged the targets below (ids above the generated ones'
        # range do not exist, so pick members and targets and let the unique check answer).
        members = s.scalar(select(func.max(User.id)))
        comments = s.scalar(text("SELECT max(id) FROM comments"))
        open_comment_targets = s.scalars(
            select(ReviewItem.target_id)
            .where(ReviewItem.status == "open", ReviewItem.kind == "flags", ReviewItem.target_type == "comment")
            .order_by(ReviewItem.id)
            .limit(500)
        ).all()

    def fresh(call):
        def run(i):
            with Session(eng) as s:
                return call(s, i)

        return run

    cases = {
        "first page": lambda s, i: queue.page(s),
        "deep page (middle)": lambda s, i: queue.page(s, after=deep),
        "held items page": lambda s, i: queue.page(s, kind="held"),
        "appeal items page": lambda s, i: queue.page(s, kind="appeal"),
        "open count (up to 1,000)": lambda s, i: queue.open_count(s),
    }
    for name, call in cases.items():
        with statements(eng) as seen:
            first = fresh(call)(0)
        results[name] = timed(fresh(call), runs)
        results[name]["statements"] = len(seen)
        if "page" in name:
            results[name]["entries"] = len(first.entries)
            results[name]["flags_loaded"] = sum(len(e.flags) for e in first.entries)
        plans[name] = explain(eng, *next(x for x in seen if x[0].lstrip().upper().startswith("SELECT")))
        print(f"  measured {name}", file=sys.stderr)

    rng = random.Random(7)

    def flag_one(s: Session, i: int):
        # Alternate: a comment nobody flagged yet (a new queue item) and one already in the queue (adds weight).
        target = open_comment_targets[i % len(open_comment_targets)] if i % 2 else rng.randrange(1, comments + 1)
        actor = s.get(User, rng.randrange(MODERATORS + 1, members + 1))
        try:
            flags.flag(s, actor, Key("comment", target), "spam")
            s.flush()
        except Exception as error:  # own comment or removed: count, do not stop
            errors.append(type(error).__name__)
        finally:
            s.rollback()

    errors: list[str] = []
    with statements(eng) as seen:
        fresh(flag_one)(1)
    results["flag one more (rolled back)"] = timed(fresh(flag_one), runs)
    results["flag one more (rolled back)"]["statements"] = len(seen)
    results["flag one more (rolled back)"]["refused"] = len(errors)
    print("  measured flag", file=sys.stderr)

    if http:
        http_results = measure_http(app, runs)
        if http_results:
            results.update(http_results)
    return results, plans, info


def measure_http(app, runs: int) -> dict:
    """GET /moderation as moderator 1 through the test client, beside the bare 20-item Jinja page."""
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = "1:1"
        sess["_fresh"] = True
    response = client.get("/moderation")
    if response.status_code != 200:
        print(f"  GET /moderation answered {response.status_code}: not measured", file=sys.stderr)
        return {}
    from crowdq.moderation import views

    uses_queue = "queue.page" in Path(views.__file__).read_text()
    bare = bare_app().test_client()
    out = {}
    # Interleaved in blocks so load changes on the machine touch both alike.
    bare_times, page_times, bare_cpu, page_cpu = [], [], [], []
    for _ in range(10):
        bare.get("/")
        client.get("/moderation")
    for _ in range(runs // 20 or 1):
        for target, times, cpu in ((bare, bare_times, bare_cpu), (client, page_times, page_cpu)):
            for _ in range(20):
                started, cpu_started = time.perf_counter(), time.process_time()
                r = target.get("/moderation" if target is client else "/")
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - cpu_started) * 1000)
                if r.status_code != 200:
                    raise RuntimeError(f"answered {r.status_code}")
    out["bare Flask, 20-item Jinja list"] = {
        "median_ms": statistics.median(bare_times),
        "p95_ms": p95(bare_times),
        "cpu_median_ms": statistics.median(bare_cpu),
        "runs": len(bare_times),
    }
    out["GET /moderation (test client)"] = {
        "median_ms": statistics.median(page_times),
        "p95_ms": p95(page_times),
        "cpu_median_ms": statistics.median(page_cpu),
        "runs": len(page_times),
        "bytes": len(response.data),
        "view_uses_queue_page": uses_queue,
    }
    print(
        f"  measured GET /moderation ({len(response.data):,} bytes; view uses queue.page: {uses_queue})",
        file=sys.stderr,
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--generate", action="store_true", help="empty the database and build the dataset")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every row count (0.05 for a quick check)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--runs", type=int, default=200, help="timed runs per measurement")
    parser.add_argument("--no-http", action="store_true", help="skip GET /moderation")
    parser.add_argument("--json", help="default: bench/results/moderation_queue-<db>.json")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:///") and not args.database_url.startswith("sqlite:////"):
        args.database_url = "sqlite:///" + str(Path(args.database_url[len("sqlite:///") :]).resolve())

    from crowdq import create_app
    from crowdq.db import engine as current_engine

    prepare_database(args.database_url)
    app = create_app(
        "production",
        SECRET_KEY="bench-" + "x" * 20,
        DATABASE_URL=args.database_url,
        RATELIMIT_ENABLED=False,
        BASE_URL="http://127.0.0.1:8000",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
        PREFERRED_URL_SCHEME="http",
    )
    built = None
    with app.app_context():
        eng = current_engine()
        dialect = eng.dialect.name
        if args.generate or not has_data(eng):
            started = time.time()
            print(f"building on {dialect} (scale {args.scale})", file=sys.stderr)
            reset_schema(eng)
            counts = build(eng, args.scale, args.seed)
            built = {"seconds": round(time.time() - started, 1), "counts": counts}
            print(f"built in {built['seconds']:.0f}s", file=sys.stderr)
        load_before = os.getloadavg()
        results, plans, info = measure(app, eng, args.runs, not args.no_http)
        info["load_average"] = {"before": load_before, "after": os.getloadavg(), "cpus": os.cpu_count()}

    name = "PostgreSQL" if dialect == "postgresql" else "SQLite"
    print(
        f"\n{name}: {info['open_items']:,} open review items ({info['open_flags_items']:,} flags, "
        f"{info['open_held_items']:,} held, {info['open_appeal_items']:,} appeal) with {info['open_flags']:,} open "
        f"flags; {info['review_items']:,} review items, {info['flags']:,} flags, {info['moderation_log']:,} log "
        f"rows, {info['questions']:,} questions, {info['comments']:,} comments, {info['members']:,} members; "
        f"{args.runs} runs each, fresh session per run; load average {load_before[0]:.1f} before, "
        f"{info['load_average']['after'][0]:.1f} after on {os.cpu_count()} cores"
    )
    print(f"{'measurement':<34}{'median ms':>10}{'p95 ms':>9}{'CPU ms':>8}{'SQL':>6}")
    for label, r in results.items():
        print(
            f"{label:<34}{r['median_ms']:>10.2f}{r['p95_ms']:>9.2f}{r['cpu_median_ms']:>8.2f}"
            f"{r.get('statements', ''):>6}"
        )
    bare = results.get("bare Flask, 20-item Jinja list")
    page = results.get("GET /moderation (test client)")
    if bare and page:
        ratio = bare["median_ms"] / page["median_ms"]
        print(f"GET /moderation latency vs bare 20-item page: {ratio:.3f} (1/{1 / ratio:.0f})")
    for label, plan in plans.items():
        print(f"\nplan, {label}:")
        for line in plan:
            print(f"  {line}")

    out = Path(args.json) if args.json else ROOT / f"bench/results/moderation_queue-{dialect}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    if built is None and out.exists():  # a reused database: keep how it was built
        built = json.loads(out.read_text()).get("built")
    out.write_text(
        json.dumps(
            {
                "backend": name,
                "date": NOW.date().isoformat(),
                "scale": args.scale,
                "built": built,
                "data": info,
                "results": results,
                "plans": plans,
            },
            indent=2,
        )
    )
    print(f"\nwrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}", file=sys.stderr)


if __name__ == "__main__":
    main()
