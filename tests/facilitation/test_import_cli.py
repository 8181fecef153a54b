"""`flask --app wsgi crowdq import-questions FILE --by EMAIL [--topic SLUG] [--session ID] [--dry-run]`."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import func, select

from crowdq.db import utcnow
from crowdq.questions.models import Question
from tests.facilitation.test_import import GOOD, HEADER


def run(app, *args):
    return app.test_cli_runner().invoke(args=["crowdq", "import-questions", *args])


def count(db) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Question))


@pytest.fixture
def csv_file(tmp_path):
    def write(content: str | bytes, name: str = "questions.csv"):
        path = tmp_path / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return str(path)

    return write


def test_a_dry_run_lists_errors_by_line_and_writes_nothing(app, db, researcher, csv_file):
    path = csv_file(GOOD + "Short,,en,,,,r3\n=1+1,,xx,,,,r4\n")
    result = run(app, path, "--by", researcher.email, "--dry-run")
    assert result.exit_code == 1, result.output
    assert "line 5: title: Write a title of at least 10 characters. (Short)" in result.output
    assert "line 6: title: Write a title of at least 10 characters. ('=1+1)" in result.output
    assert "line 6: language: Choose Dutch or English. (xx)" in result.output
    assert "4 rows: 2 to import, 0 already imported, 2 with errors; dry run, nothing written" in result.output
    assert count(db) == 0


def test_a_clean_dry_run_exits_0(app, db, researcher, csv_file):
    result = run(app, csv_file(GOOD), "--by", researcher.email, "--dry-run")
    assert result.exit_code == 0 and "2 rows: 2 to import" in result.output and count(db) == 0


def test_a_real_run_imports_and_a_second_run_creates_nothing(app, db, researcher, csv_file):
    path = csv_file(GOOD)
    first = run(app, path, "--by", researcher.email.upper())
    assert first.exit_code == 0, first.output
    assert "imported 2 questions" in first.output and count(db) == 2
    second = run(app, path, "--by", researcher.email)
    assert second.exit_code == 0
    assert "2 rows: 0 to import, 2 already imported, 0 with errors; imported 0 questions" in second.output
    assert count(db) == 2


def test_a_real_run_with_bad_rows_imports_the_rest_and_exits_1(app, db, researcher, csv_file):
    result = run(app, csv_file(GOOD + "Short,,en,,,,r3\n"), "--by", researcher.email)
    assert result.exit_code == 1 and "line 5: title:" in result.output and "imported 2 questions" in result.output
    assert count(db) == 2


def test_json_lines_with_topic_and_session(app, db, researcher, topic, make_session, csv_file):
    held = make_session(researcher)
    path = csv_file('{"title": "Why do the swifts leave Leiden so early?", "language": "en"}\n', "q.jsonl")
    result = run(app, path, "--by", researcher.email, "--topic", "WATER", "--session", str(held.id))
    assert result.exit_code == 0, result.output
    question = db.scalar(select(Question))
    assert (question.topic_id, question.session_id, question.source) == (topic.id, held.id, "import")


def test_a_refused_file_exits_1_with_the_reason(app, db, researcher, csv_file):
    result = run(app, csv_file("title,colour\nx,y\n"), "--by", researcher.email)
    assert result.exit_code == 1 and "Unknown columns in the header row: colour." in result.output
    result = run(
        app,
        csv_file(("title,language\nWhy is the café closed today?,en\n").encode("latin-1")),
        "--by",
        researcher.email,
    )
    assert result.exit_code == 1 and "Line 2 is not valid UTF-8" in result.output
    big = csv_file(HEADER.encode() + b"x" * (10 * 1024 * 1024))
    result = run(app, big, "--by", researcher.email)
    assert result.exit_code == 1 and "larger than 10 MB" in result.output
    assert count(db) == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", "nobody@example.org"], "no member with the email address nobody@example.org"),
        (["--by", "CITIZEN"], "may not enter questions for others"),
        (["--by", "RESEARCHER", "--topic", "nope"], "no topic with the address nope"),
        (["--by", "RESEARCHER", "--topic", "ARCHIVED"], "archived"),
        (["--by", "RESEARCHER", "--session", "999"], "no session number 999"),
        (["--by", "RESEARCHER", "--session", "OTHERS"], "cannot enter questions for this session"),
        (["--by", "RESEARCHER", "--session", "0"], "0 is not in the range"),
        (["--by", "RESEARCHER", "--session", "x"], "is not a valid integer"),
        ([], "Missing option '--by'"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    app, db, researcher, make_user, make_session, topic, csv_file, args, message
):
    citizen = make_user()
    topic.archived_at = utcnow()
    others = make_session(make_user("researcher"))
    db.commit()
    replace = {
        "CITIZEN": citizen.email,
        "RESEARCHER": researcher.email,
        "ARCHIVED": topic.slug,
        "OTHERS": str(others.id),
    }
    result = run(app, csv_file(GOOD), *[replace.get(a, a) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert count(db) == 0


def test_an_unreadable_file_exits_2(app, db, researcher, tmp_path):
    missing = run(app, str(tmp_path / "nope.csv"), "--by", researcher.email)
    assert missing.exit_code == 2 and "cannot read" in missing.output and "nope.csv" in missing.output
    assert run(app, str(tmp_path), "--by", researcher.email).exit_code == 2  # a directory
    if os.geteuid() != 0:
        locked = tmp_path / "locked.csv"
        locked.write_text(GOOD)
        locked.chmod(0)
        assert run(app, str(locked), "--by", researcher.email).exit_code == 2
