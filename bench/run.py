"""Measure crowdq pages against a bare Flask endpoint on the same server.

    python bench/run.py --database-url sqlite:///bench/data/bench.db [--generate --questions N --votes M]

Starts gunicorn (sync workers) on 127.0.0.1, then for each endpoint runs
a sequential pass (median and p95 latency) and a concurrent pass
(throughput), and prints each as a ratio to `/bare` measured in the same
run. Only loopback traffic; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, port: int, cookie: str = ""):
        self.port, self.cookie = port, cookie

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        hdrs = {"Cookie": self.cookie} if self.cookie else {}
        if body is not None:
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        hdrs.update(headers or {})
        conn.request(method, path, body=body, headers=hdrs)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, data, response


def sequential(make_request, n: int) -> list[float]:
    times = []
    for i in range(n):
        start = time.perf_counter()
        status = make_request(i)
        times.append(time.perf_counter() - start)
        if status >= 400:
            raise RuntimeError(f"request {i} answered {status}")
    return times


def concurrent(make_request, threads: int, seconds: float) -> float:
    done = [0] * threads
    deadline = time.perf_counter() + seconds

    def worker(k):
        i = k * 1_000_000
        while time.perf_counter() < deadline:
            make_request(i)
            done[k] += 1
            i += 1

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return sum(done) / (time.perf_counter() - started)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--generate", action="store_true", help="generate the dataset first")
    parser.add_argument("--questions", type=int, default=1_000_000)
    parser.add_argument("--votes", type=int, default=10_000_000)
    parser.add_argument("--requests", type=int, default=200, help="sequential requests per endpoint")
    parser.add_argument("--seconds", type=float, default=5.0, help="concurrent pass length per endpoint")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--page-cache", type=int, default=30, help="PAGE_CACHE_SECONDS for the server (0 = off)")
    parser.add_argument("--json", help="write results to this file")
    args = parser.parse_args()
    if args.database_url.startswith("sqlite:///") and not args.database_url.startswith("sqlite:////"):
        # gunicorn runs from bench/: make the file path absolute first.
        args.database_url = "sqlite:///" + str(Path(args.database_url[len("sqlite:///") :]).resolve())

    if args.generate:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/generate.py"),
                "--database-url",
                args.database_url,
                "--questions",
                str(args.questions),
                "--votes",
                str(args.votes),
            ],
            check=True,
        )

    from sqlalchemy import create_engine, text

    from crowdq.db import make_engine

    eng = make_engine(args.database_url)
    with eng.connect() as conn:
        n_questions = conn.execute(text("SELECT count(*) FROM questions")).scalar_one()
        n_votes = conn.execute(text("SELECT count(*) FROM votes")).scalar_one()
        max_id = conn.execute(text("SELECT max(id) FROM questions")).scalar_one()
        deep = conn.execute(
            text(
                "SELECT vote_count, id FROM questions WHERE listed ORDER BY vote_count DESC, id DESC LIMIT 1 OFFSET :o"
            ),
            {"o": n_questions // 2},
        ).first()
    eng.dispose()
    del create_engine

    port = free_port()
    env = dict(
        os.environ,
        DATABASE_URL=args.database_url,
        CROWDQ_ENV="production",
        SECRET_KEY="bench-secret-" + "x" * 20,
        PAGE_CACHE_SECONDS=str(args.page_cache),
    )
    env.pop("REDIS_URL", None)  # one process-local cache per worker, as without Redis
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--chdir",
            str(ROOT / "bench"),
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "serve:app",
        ],
        env=env,
    )
    try:
        for _ in range(100):
            try:
                Client(port).request("GET", "/bare/")
                break
            except OSError:
                time.sleep(0.2)
        results = measure(port, args, n_questions, max_id, deep)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    backend = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    print(
        f"\n{backend}: {n_questions:,} questions, {n_votes:,} votes; gunicorn {args.workers} sync workers; "
        f"{args.requests} sequential requests, {args.threads} threads x {args.seconds:.0f}s concurrent"
    )
    print(f"{'endpoint':<28}{'median ms':>10}{'p95 ms':>9}{'req/s':>9}{'x bare (latency)':>18}{'x bare (req/s)':>16}")
    bare = results["bare"]
    for name, r in results.items():
        print(
            f"{name:<28}{r['median_ms']:>10.2f}{r['p95_ms']:>9.2f}{r['rps']:>9.0f}"
            f"{bare['median_ms'] / r['median_ms']:>18.2f}{r['rps'] / bare['rps']:>16.2f}"
        )
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(
            json.dumps(
                {
                    "backend": backend,
                    "questions": n_questions,
                    "votes": n_votes,
                    "page_cache": args.page_cache,
                    "results": results,
                },
                indent=2,
            )
        )


def measure(port: int, args, n_questions: int, max_id: int, deep) -> dict:
    anon = Client(port)
    # A logged-in member for voting: log in once, keep the session cookie and CSRF token.
    status, page, response = anon.request("GET", "/login")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()
    body = urlencode({"csrf_token": token, "email": "member7@bench.example", "password": "bench passphrase 2026"})
    status, _, response = Client(port, cookie).request("POST", "/login", body)
    if status != 302:
        raise RuntimeError(f"bench login failed ({status})")
    cookie = response.getheader("Set-Cookie").split(";")[0]
    member = Client(port, cookie)
    _, page, _ = member.request("GET", "/questions/1")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()

    def get(client, path_for):
        return lambda i: client.request("GET", path_for(i))[0]

    def vote(i):
        qid = (i * 7_919) % max_id + 1
        for value in ("1", "0"):  # vote and withdraw: the data stays as it was
            status = member.request("POST", f"/questions/{qid}/vote", urlencode({"csrf_token": token, "vote": value}))[
                0
            ]
        return status

    words = ["water", "tree", "school", "plastic", "sleep", "gracht", "bodem", "fiets"]
    deep_cursor = f"{deep[0]}~{deep[1]}" if deep else ""
    endpoints = {
        "bare": get(anon, lambda i: "/bare/"),
        "list trending": get(anon, lambda i: "/questions?sort=trending"),
        "list votes": get(anon, lambda i: "/questions?sort=votes"),
        "list newest": get(anon, lambda i: "/questions?sort=newest"),
        "list discussed": get(anon, lambda i: "/questions?sort=discussed"),
        "list needs_votes": get(anon, lambda i: "/questions?sort=needs_votes"),
        "list votes, deep page": get(anon, lambda i: f"/questions?sort=votes&after={deep_cursor}"),
        "list filtered (nl+topic)": get(anon, lambda i: "/questions?sort=votes&language=nl&topic=topic-2"),
        "search": get(anon, lambda i: f"/search?q={words[i % len(words)]}+{words[(i + 3) % len(words)]}"),
        "similar (typing)": get(anon, lambda i: f"/questions/similar?title=does+the+{words[i % len(words)]}+help"),
        "question page": get(anon, lambda i: f"/questions/{(i * 7_919) % max_id + 1}"),
        "vote + withdraw (2 POSTs)": vote,
    }
    results = {}
    for name, make_request in endpoints.items():
        make_request(0)  # warm up
        times = sequential(make_request, args.requests)
        rps = concurrent(make_request, args.threads, args.seconds)
        results[name] = {"median_ms": statistics.median(times) * 1000, "p95_ms": p95(times) * 1000, "rps": rps}
        print(f"  measured {name}", file=sys.stderr)
    return results


if __name__ == "__main__":
    main()
