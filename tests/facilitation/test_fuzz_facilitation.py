"""Fuzzing the facilitation forms and the import files: never a 500, never half-written.

Like tests/core/test_fuzz_forms.py: every field of every form gets generated
values (unicode, control characters, NUL, very long strings, numbers, dates
and times that almost parse), and every answer is a redirect (accepted) or
a 400 (refused). The importer gets arbitrary bytes and generated CSV and
JSON Lines; whatever it reads, every row is accounted for (ready, imported
before, or an error with a line number inside the file) and a dry run
writes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.errors import Invalid
from crowdq.facilitation import importer
from crowdq.facilitation.models import CommunitySession
from crowdq.questions.models import Question
from tests.conftest import csrf_from, login
from tests.core.test_fuzz_forms import (
    CHARS,
    NASTY,
    assert_answer,
    checkboxes,
    good_places,
    good_tags,
    good_texts,
    good_titles,
    long_texts,
    numbers,
    payloads,
    texts,
    token_for,
)

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=40, deadline=None)

days = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2026-02-29", "2026-02-30", "2027-06-01", "0001-01-01", "9999-12-31", "2026-6-1", "01-06-2026"]),
    st.sampled_from(["２０２６-06-01", "2026-06-01T19:00", " 2026-06-01 ", "2026/06/01", "", "\x00"]),
    texts,
)
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:60", "7:30", "19:0", "19", "19:30:00", "١٩:٣٠", "-1:00", "02:30", ""]),
    texts,
)
ids = st.one_of(st.just(""), st.just("MINE"), numbers, texts)


def good_day():
    """A date the service accepts: from tomorrow to about ten months ahead."""
    return st.integers(1, 300).map(lambda n: (date.today() + timedelta(days=n)).isoformat())


@pytest.fixture
def facilitator(client, db, make_user):
    from crowdq.db import utcnow
    from crowdq.organisations.models import Organisation, OrganisationMembership

    user = make_user("researcher")
    organisation = Organisation(slug="buurt", name="Buurtnetwerk", verified_at=utcnow())
    db.add(organisation)
    db.flush()
    db.add(OrganisationMembership(organisation_id=organisation.id, user_id=user.id, role="member"))
    starts = utcnow().replace(microsecond=0)
    held = CommunitySession(title="Vragenavond", place="Leiden", starts_at=starts, created_by_id=user.id)
    db.add(held)
    db.commit()
    login(client, user)
    return client, token_for(client, "/account"), user, organisation, held


def _mine(data: dict, replacements: dict) -> dict:
    return {key: replacements.get(value, value) if isinstance(value, str) else value for key, value in data.items()}


# --- sessions ------------------------------------------------------------------------------------
SESSION_FIELDS = payloads(
    {
        "title": good_titles,
        "place": good_places.filter(lambda p: len(p.strip()) >= 2),
        "day": good_day(),
        "starts": st.sampled_from(["09:00", "19:30", "7:05"]),
        "ends": st.sampled_from(["", "21:45", "23:59"]),
        "description": good_texts,
        "topic": st.just(""),
        "organisation": st.sampled_from(["", "MINE"]),
    },
    {
        "title": texts,
        "place": texts,
        "day": days,
        "starts": times,
        "ends": times,
        "description": long_texts,
        "topic": ids,
        "organisation": ids,
    },
)


@FUZZ
@given(data=SESSION_FIELDS, existing=st.booleans())
@example(data={"title": "Vragenavond", "place": "Leiden", "day": "2027-03-28", "starts": "02:30"}, existing=False)
def test_session_forms_survive_any_input(facilitator, db, topic, data, existing):
    client, token, _user, organisation, held = facilitator
    data = _mine(data, {"MINE": str(organisation.id)})
    url = f"/sessions/{held.id}/edit" if existing else "/sessions/new"
    response = client.post(url, data={"csrf_token": token, **data})
    assert_answer(response)
    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code == 200
        assert client.get("/sessions").status_code == 200
    for found in db.scalars(select(CommunitySession)):
        assert found.starts_at.tzinfo is not None and (found.ends_at is None or found.ends_at > found.starts_at)
    db.rollback()


# --- entering a question ------------------------------------------------------------------------
ENTRY_FIELDS = payloads(
    {
        "title": good_titles,
        "body": good_texts,
        "topic": st.just("VALID"),
        "language": st.sampled_from(["en", "nl"]),
        "tags": good_tags,
        "place": good_places,
        "session": st.sampled_from(["", "MINE"]),
        "asker_consents": st.sampled_from(["", "y"]),
        "asker_name": st.sampled_from(["", "Fatima", "Jan de Vries"]),
    },
    {
        "title": texts,
        "body": long_texts,
        "topic": st.one_of(st.just(""), numbers, texts),
        "language": st.one_of(st.sampled_from(["de", "EN", " en"]), texts),
        "tags": texts,
        "place": texts,
        "session": ids,
        "asker_consents": checkboxes,
        "asker_name": st.one_of(texts, st.text(CHARS, min_size=55, max_size=70)),
    },
)


@FUZZ
@given(data=ENTRY_FIELDS)
def test_the_entry_form_survives_any_input(facilitator, db, topic, data):
    client, token, _user, _organisation, held = facilitator
    data = _mine(data, {"MINE": str(held.id), "VALID": str(topic.id)})
    response = client.post("/questions/enter", data={"csrf_token": token, **data})
    assert_answer(response)
    if response.status_code == 302:
        assert client.get(response.headers["Location"]).status_code == 200
    for name in db.scalars(select(Question.asker_name)):
        assert name is None or (0 < len(name) <= 60 and name == name.strip())
    db.rollback()


# --- importing -----------------------------------------------------------------------------------
cells = st.one_of(
    st.sampled_from(
        ["", "en", "nl", "water", "Why is the water in the canal so green in summer?", "=1+1", "@x", "-", "+31"]
    ),
    st.sampled_from(NASTY),
    st.text(CHARS, max_size=60),
)
columns = st.lists(st.sampled_from([*importer.COLUMNS, "Title", " language ", "colour", ""]), min_size=1, max_size=8)


@st.composite
def csv_files(draw) -> bytes:
    header = draw(columns)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=len(header) + 1), max_size=12))
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    return text.encode(encoding, errors="replace")


@st.composite
def jsonl_files(draw) -> bytes:
    objects = draw(
        st.lists(
            st.one_of(
                st.dictionaries(
                    st.sampled_from([*importer.COLUMNS, "colour"]),
                    st.one_of(cells, st.integers(), st.none(), st.booleans(), st.lists(cells, max_size=3)),
                ),
                st.just("[1, 2]"),
                st.just("{broken"),
                st.just(""),
            ),
            max_size=12,
        )
    )
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=draw(st.booleans())) for o in objects]
    return "\n".join(lines).encode()


files = st.one_of(
    csv_files(),
    jsonl_files(),
    st.binary(max_size=400),
    st.text(CHARS, max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.sampled_from(
        [
            b"",
            b"\xef\xbb\xbf",
            b"title,language\n",
            b"title,language\n\x00\n",
            b'title,language\n"unclosed,en\n',
            b"title;language\r\nWhy is the water so green in summer?;nl\r\n",
            b'{"title": "Why is the water so green in summer?", "language": "en"}',
            b"[" * 100_000,
            b'{"title": ' + b"[" * 50_000 + b"}",
        ]
    ),
)


def _lines_in(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") + 1


@FUZZ
@given(data=files, dry_run=st.booleans())
def test_the_importer_accounts_for_every_row_and_refuses_cleanly(db, make_user, topic, data, dry_run):
    actor = make_user("researcher")
    before = db.scalar(select(func.count()).select_from(Question))
    try:
        report = importer.import_file(db, actor, data, dry_run=dry_run)
    except Invalid as error:
        assert set(error.fields) == {"file"} and error.message
        db.rollback()
        assert db.scalar(select(func.count()).select_from(Question)) == before
        return
    lines = _lines_in(data)
    assert all(1 <= e.line <= lines for e in report.errors)
    assert all(not e.quote.startswith(importer.FORMULA_STARTS) for e in report.errors)
    ready_lines = {r.line for r in report.ready}
    assert report.rows == len(ready_lines) + len(report.already_imported) + report.error_lines
    db.commit()
    after = db.scalar(select(func.count()).select_from(Question))
    assert after - before == (0 if dry_run else len(report.ready))


IMPORT_FIELDS = payloads(
    {
        "action": st.sampled_from(["check", "import"]),
        "topic": st.sampled_from(["", "VALID"]),
        "session": st.sampled_from(["", "MINE"]),
    },
    {"action": st.one_of(st.just(""), texts), "topic": ids, "session": ids},
)


@settings(FUZZ, max_examples=30)
@given(data=files, fields=IMPORT_FIELDS)
def test_the_import_page_survives_any_file_and_field(facilitator, db, topic, data, fields):
    client, _token, _user, _organisation, held = facilitator
    token = csrf_from(client.get("/questions/import").get_data(as_text=True))
    fields = _mine(fields, {"MINE": str(held.id), "VALID": str(topic.id)})
    response = client.post(
        "/questions/import",
        data={"csrf_token": token, **fields, "file": (io.BytesIO(data), "questions.csv")},
        content_type="multipart/form-data",
    )
    assert_answer(response, (200, 302, 400))
    db.rollback()


# --- CSRF ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/sessions/new", "/sessions/SESSION/edit", "/questions/enter", "/questions/import"])
@settings(FUZZ, max_examples=10)
@given(token=st.one_of(st.none(), st.sampled_from(NASTY[:20]), st.text(CHARS, max_size=80)))
def test_posts_without_a_valid_csrf_token_are_refused(facilitator, db, topic, path, token):
    client, _token, _user, organisation, held = facilitator
    data = {
        "title": "Vragenavond in De Kooi, with a long title",
        "place": "Leiden",
        "day": "2027-06-01",
        "starts": "19:00",
        "organisation": str(organisation.id),
        "language": "en",
        "action": "import",
        "file": (io.BytesIO(b"title,language\nWhy is the water so green in summer?,en\n"), "q.csv"),
    }
    if token is not None:
        data["csrf_token"] = token
    response = client.post(path.replace("SESSION", str(held.id)), data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Question)) == 0
    assert db.scalar(select(func.count()).select_from(CommunitySession)) == 1


# --- addresses -------------------------------------------------------------------------------------
@FUZZ
@given(
    segment=st.one_of(st.sampled_from(NASTY), numbers, texts), param=st.one_of(st.sampled_from(NASTY), numbers, texts)
)
def test_session_addresses_and_parameters_survive_anything(facilitator, segment, param):
    client = facilitator[0]
    for path in (f"/sessions/{quote(segment, safe='')}", f"/sessions/{quote(segment, safe='')}/edit"):
        assert client.get(path).status_code in (200, 308, 400, 404, 405)  # 400: NUL, refused site-wide
    assert client.get("/questions/enter", query_string={"session": param}).status_code in (200, 400)
    assert client.get("/sessions", query_string={"x": param}).status_code in (200, 400)
