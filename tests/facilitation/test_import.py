"""Importing questions from CSV and JSON Lines: every rule, on both databases."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from crowdq import search
from crowdq.db import utcnow
from crowdq.errors import Invalid, NotAllowed
from crowdq.events import Event
from crowdq.facilitation import importer
from crowdq.questions import settings
from crowdq.questions.models import Question, QuestionFollow, Tag
from tests.conftest import csrf_from, login

HEADER = "title,explanation,language,topic,tags,place,external_id\n"
GOOD = (
    HEADER
    + "Why do the swifts leave Leiden so early in August?,They are gone before the schools open.,en,,birds,Leiden Noord,r1\n"
    + 'Waarom stinkt de gracht in de zomer zo erg?,"Vooral bij de Haven.\nNa een hete dag.",nl,,"water, zomer",,r2\n'
)


def count(db) -> int:
    return db.scalar(select(func.count()).select_from(Question))


def run(db, actor, data: bytes | str, **kwargs) -> importer.Report:
    if isinstance(data, str):
        data = data.encode()
    report = importer.import_file(db, actor, data, **kwargs)
    db.commit()
    return report


def refused(db, actor, data, **kwargs) -> str:
    with pytest.raises(Invalid) as error:
        run(db, actor, data, dry_run=False, **kwargs)
    db.rollback()
    assert count(db) == 0
    return error.value.fields["file"]


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e.line, e.column, e.message) for e in report.errors]


# --- a good file -------------------------------------------------------------------------
def test_a_dry_run_checks_every_row_and_writes_nothing(db, researcher):
    report = run(db, researcher, GOOD, dry_run=True)
    assert (report.rows, len(report.ready), report.errors, report.dry_run) == (2, 2, [], True)
    assert count(db) == 0 and db.scalar(select(func.count()).select_from(Tag)) == 0
    assert db.scalar(select(Event)) is None


def test_a_real_run_imports_every_row_through_the_question_rules(db, researcher):
    report = run(db, researcher, GOOD, dry_run=False)
    assert report.created == 2 and not report.dry_run
    swifts, gracht = db.scalars(select(Question).order_by(Question.id)).all()
    assert (swifts.source, swifts.entered_by_id, swifts.author_id, swifts.external_id) == (
        "import",
        researcher.id,
        researcher.id,
        "r1",
    )
    assert swifts.place == "Leiden Noord" and [t.name for t in swifts.tags] == ["birds"]
    assert gracht.language == "nl" and gracht.body == "Vooral bij de Haven.\nNa een hete dag."
    assert gracht.body_html.startswith("<p>Vooral") and [t.name for t in gracht.tags] == ["water", "zomer"]
    assert gracht.asker_name is None and gracht.session_id is None and gracht.listed
    assert swifts.follower_count == 1 and db.get(QuestionFollow, (researcher.id, swifts.id)).active
    kinds = db.scalars(select(Event.kind).order_by(Event.id)).all()
    assert kinds == ["question.submitted", "question.submitted", "questions.imported"]


def test_imported_questions_are_found_by_search_at_once(db, researcher):
    run(db, researcher, GOOD, dry_run=False)
    assert [q.external_id for q in search.search_questions(db, "swifts")] == ["r1"]
    assert [q.external_id for q in search.search_questions(db, "gracht zomer")] == ["r2"]


def test_importing_the_same_file_twice_creates_nothing_new(db, researcher):
    run(db, researcher, GOOD, dry_run=False)
    again = run(db, researcher, GOOD, dry_run=False)
    assert again.created == 0 and again.already_imported == [2, 3] and again.errors == []
    assert count(db) == 2
    dry = run(db, researcher, GOOD, dry_run=True)
    assert len(dry.ready) == 0 and dry.already_imported == [2, 3]


def test_external_ids_are_unique_per_facilitator_not_site_wide(db, researcher, make_user):
    run(db, researcher, GOOD, dry_run=False)
    colleague = make_user("researcher")
    assert run(db, colleague, GOOD, dry_run=False).created == 2
    assert count(db) == 4


def test_rows_without_external_id_are_imported_again(db, researcher):
    data = "title,language\nWhy is the water in the Vliet so brown after rain?,en\n"
    run(db, researcher, data, dry_run=False)
    run(db, researcher, data, dry_run=False)
    assert count(db) == 2


def test_a_fixed_row_is_imported_the_second_time_and_the_rest_is_skipped(db, researcher):
    broken = GOOD + "Short?,,en,,,,r3\n"
    first = run(db, researcher, broken, dry_run=False)
    assert first.created == 2 and errors_of(first) == [(5, "title", "Write a title of at least 10 characters.")]
    fixed = GOOD + "Why is the third question now long enough?,,en,,,,r3\n"
    second = run(db, researcher, fixed, dry_run=False)
    assert second.created == 1 and second.already_imported == [2, 3]
    assert count(db) == 3


def test_a_duplicate_external_id_within_the_file_is_an_error_on_the_later_line(db, researcher):
    data = GOOD + "Why do herons stand still for hours in the canal?,,en,,,,r1\n"
    report = run(db, researcher, data, dry_run=True)
    assert errors_of(report) == [(5, "external_id", "This external_id is also used on line 2.")]
    assert report.errors[0].quote == "r1"


def test_a_dry_run_lists_every_rows_errors_by_line_number(db, researcher, topic):
    data = (
        HEADER
        + "Short,,en,,,,a\n"  # line 2
        + "Why is this question in German of all languages?,,de,,,,b\n"  # line 3
        + "Why is there a topic that nobody has ever made?,,en,no-such-topic,,,c\n"  # line 4
        + "Why are there so many tags on this question here?,,en,,a;b,{},d\n".format("x" * 101)  # line 5
        + f"Why is this one perfectly fine to import now?,,en,{topic.slug},,,e\n"  # line 6
        + ",,,,,,\n"  # line 7: blank, skipped
        + "Why is the explanation of this question so long?,"
        + "y" * 10_001
        + ",en,,,,f\n"  # line 8
    )
    report = run(db, researcher, data, dry_run=True)
    assert errors_of(report) == [
        (2, "title", "Write a title of at least 10 characters."),
        (3, "language", "Choose Dutch or English."),
        (4, "topic", "There is no topic with the address no-such-topic."),
        (5, "tags", "Tags use letters, digits and hyphens, at most 40 characters each."),
        (5, "place", "Keep the place to at most 100 characters."),
        (8, "explanation", "Keep the explanation to at most 10000 characters."),
    ]
    assert [r.line for r in report.ready] == [6] and report.error_lines == 5 and count(db) == 0


def test_a_real_run_with_bad_rows_imports_the_good_ones_in_one_transaction(db, researcher):
    data = GOOD + "Short,,en,,,,r3\n"
    report = run(db, researcher, data, dry_run=False)
    assert report.created == 2 and report.error_lines == 1 and count(db) == 2


def test_a_clash_while_writing_leaves_nothing_half_written(db, researcher, monkeypatch):
    from crowdq.questions import services as questions

    real_publish = questions.publish
    calls = []

    def publish_then_fail(session, actor, built):
        real_publish(session, actor, built)
        calls.append(len(built))
        if len(calls) == 2:
            # As if a simultaneous import of the same file had committed this row first.
            session.add(Question(title="x" * 10, language="en", author_id=actor.id, entered_by_id=actor.id,
                                 external_id="row-0", source="import"))  # fmt: skip
            session.flush()

    monkeypatch.setattr(questions, "publish", publish_then_fail)
    monkeypatch.setattr(importer, "BATCH", 3)
    rows = "".join(f"Why is question number {i} about the canal here?,,en,,,,row-{i}\n" for i in range(7))
    with pytest.raises(Exception) as error:
        run(db, researcher, "title,explanation,language,topic,tags,place,external_id\n" + rows, dry_run=False)
    assert "same moment" in str(error.value.message)
    db.rollback()
    assert count(db) == 0 and db.scalar(select(Event)) is None


def test_the_session_and_default_topic_apply_to_rows_without_a_topic(db, researcher, topic, make_session):
    from crowdq.questions.models import Topic

    other = Topic(slug="lucht", name_en="Air", name_nl="Lucht")
    db.add(other)
    db.commit()
    held = make_session(researcher, topic_id=topic.id)
    data = (
        HEADER + "Why is the air near the A4 so dusty in spring?,,en,lucht,,,a\nWhy is the water so green?,,en,,,,b\n"
    )
    run(db, researcher, data, community_session=held, dry_run=False)
    by_id = {q.external_id: q for q in db.scalars(select(Question))}
    assert by_id["a"].topic_id == other.id and by_id["b"].topic_id == topic.id
    assert {q.session_id for q in by_id.values()} == {held.id}
    assert db.scalar(select(Event).where(Event.kind == "questions.imported")).subject_id == held.id
    again = HEADER + "Why is the light at night so bright in Leiden?,,en,,,,c\n"
    run(db, researcher, again, topic=other, dry_run=False)
    assert db.scalar(select(Question.topic_id).where(Question.external_id == "c")) == other.id


def test_a_default_topic_that_takes_no_questions_refuses_the_file(db, researcher, topic):
    topic.archived_at = utcnow()
    db.commit()
    with pytest.raises(Invalid) as error:
        run(db, researcher, GOOD, topic=topic, dry_run=True)
    assert "archived" in error.value.fields["topic"]
    report = run(db, researcher, HEADER + f"Why is the water in this topic so very green?,,en,{topic.slug},,,a\n")
    assert errors_of(report)[0][1] == "topic" and "archived" in errors_of(report)[0][2]


def test_the_held_for_review_rule_applies_to_imports(db, org_member, researcher):
    settings.set_hold_first_questions(db, True)
    db.commit()
    run(db, org_member, GOOD, dry_run=False)
    assert set(db.scalars(select(Question.held))) == {True}
    run(db, researcher, GOOD, dry_run=False)
    assert db.scalar(select(func.count()).where(Question.held.is_(False))) == 2


@pytest.mark.parametrize("who", ["citizen", "unverified member"])
def test_only_facilitators_may_import(db, make_user, make_organisation, who):
    actor = make_user()
    if who == "unverified member":
        make_organisation(verified=False, members=[actor])
    with pytest.raises(NotAllowed):
        run(db, actor, GOOD, dry_run=True)


def test_a_session_must_be_one_the_facilitator_manages(db, researcher, make_user, make_session):
    other = make_session(make_user("researcher"))
    with pytest.raises(NotAllowed):
        run(db, researcher, GOOD, community_session=other, dry_run=True)


# --- formats ----------------------------------------------------------------------------------
def test_json_lines_are_read_like_csv_rows(db, researcher):
    lines = [
        {"title": "Why do the swifts leave Leiden so early in August?", "language": "en", "external_id": 17},
        {"title": "Waarom stinkt de gracht in de zomer zo erg?", "language": "nl", "tags": ["water", "zomer"]},
        "",
        {"title": "Why is this one wrong?", "language": "en", "colour": "red"},
        [1, 2],
        {"title": "Why is this one a number instead?", "language": "en", "place": 12},
        "{not json",
    ]
    data = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    report = run(db, researcher, data, dry_run=False)
    assert report.created == 2
    assert errors_of(report) == [
        (4, "", "Unknown keys: colour. Use only title, explanation, language, topic, tags, place, external_id."),
        (5, "", 'Each line must be one JSON object, like {"title": "..."}.'),
        (6, "place", "Write this value as text in quotes."),
        (7, "", "This line is not valid JSON."),
    ]
    assert db.scalar(select(Question.external_id).where(Question.language == "en")) == "17"


def test_a_utf8_byte_order_mark_and_crlf_line_ends_are_fine(db, researcher):
    data = "\ufeff" + GOOD.replace("\n", "\r\n").replace("Haven.\r\nNa", "Haven.\nNa")
    report = run(db, researcher, data.encode("utf-8"), dry_run=False)
    assert report.created == 2 and report.errors == []


def test_semicolon_separated_csv_from_dutch_excel_works(db, researcher):
    data = "title;language;external_id\nWaarom stinkt de gracht in de zomer zo erg?;nl;1\n"
    assert run(db, researcher, data, dry_run=False).created == 1


def test_header_names_ignore_case_and_spaces(db, researcher):
    data = " Title , LANGUAGE\nWhy do the swifts leave Leiden so early?,en\n"
    assert run(db, researcher, data, dry_run=False).created == 1


def test_line_numbers_count_lines_in_the_file_even_with_multi_line_cells(db, researcher):
    data = HEADER + '"Why is this\none two lines?",,en,,,,a\n\n"Short",,en,,,,b\n'
    report = run(db, researcher, data, dry_run=True)
    assert errors_of(report) == [(5, "title", "Write a title of at least 10 characters.")]


def test_empty_columns_at_the_end_are_ignored(db, researcher):
    data = "title,language,,\nWhy do the swifts leave so early?,en,,\nWhy do the herons stand so still?,en\n"
    assert run(db, researcher, data, dry_run=False).created == 2


def test_a_row_with_more_cells_than_the_header_is_an_error(db, researcher):
    data = "title,language\nWhy do the swifts leave so early?,en,extra\n"
    assert errors_of(run(db, researcher, data, dry_run=True)) == [
        (2, "", "This line has more cells than the header row has columns.")
    ]


# --- files refused as a whole -------------------------------------------------------------------
def test_other_encodings_are_refused_naming_the_line(db, researcher):
    data = (HEADER + "Why is the café on the corner always closed?,,en,,,,a\n").encode("cp1252")
    assert "Line 2 is not valid UTF-8" in refused(db, researcher, data)
    assert "UTF-16" in refused(db, researcher, GOOD.encode("utf-16"))


def test_a_missing_header_is_refused(db, researcher):
    data = "Why do the swifts leave Leiden so early?,en\n"
    message = refused(db, researcher, data)
    assert message.startswith("The first line must be a header row naming the columns (title, explanation,")
    assert "it reads: Why do the swifts leave Leiden so early?,en" in message


def test_unknown_columns_are_refused(db, researcher):
    message = refused(db, researcher, "title,language,explenation\nWhy do the swifts leave so early?,en,x\n")
    assert message == (
        "Unknown columns in the header row: explenation. "
        "Use only title, explanation, language, topic, tags, place, external_id."
    )


def test_repeated_and_missing_required_columns_are_refused(db, researcher):
    assert "appears more than once" in refused(db, researcher, "title,language,title\na,b,c\n")
    assert (
        refused(db, researcher, "title,place\nWhy do swifts leave?,Leiden\n")
        == "The header row has no column language."
    )


@pytest.mark.parametrize("data", [b"", b"\n\n  \r\n", b"\xef\xbb\xbf", b",,,\n"])
def test_an_empty_file_is_refused(db, researcher, data):
    assert refused(db, researcher, data) in (
        "The file is empty.",
        "The first line must be a header row naming the columns (title, explanation, language, topic, tags, place, external_id); it reads: ,,,",
    )


def test_a_header_without_rows_is_refused(db, researcher):
    assert refused(db, researcher, HEADER) == "The file has a header row but no questions."


def test_files_over_10_mb_are_refused(db, researcher):
    row = "Why is this question repeated so very many times?,,en,,,,\n"
    data = (HEADER + row * (10 * 1024 * 1024 // len(row) + 1)).encode()
    assert len(data) > 10 * 1024 * 1024
    assert refused(db, researcher, data) == "The file is larger than 10 MB. Split it into smaller files."


def test_nul_bytes_are_refused_naming_the_line(db, researcher):
    data = GOOD.encode() + b"Why is there a NUL\x00 in here?,,en,,,,x\n"
    assert refused(db, researcher, data).startswith("Line 5 contains a NUL character")


def test_more_than_10000_rows_are_refused(db, researcher):
    data = "title,language\n" + "Why is this row here?,en\n" * 10_001
    assert refused(db, researcher, data) == "The file has more than 10,000 rows. Split it into smaller files."


def test_broken_csv_quoting_is_refused_naming_the_line(db, researcher):
    assert refused(db, researcher, GOOD + '"Why is this quote never closed?,,en\n').startswith(
        "Line 5 cannot be read as CSV"
    )
    assert refused(db, researcher, HEADER + "x" * 200_000 + ",,en\n").startswith("Line 2 cannot be read as CSV")


# --- formula injection ---------------------------------------------------------------------------
FORMULAS = [
    '=HYPERLINK("http://evil.example","Click me for the answer")',
    "+31 71 527 2727 is my number?",
    "-1+1 is zero, so why is it?",
    "@SUM(A1:A9) why does it add up?",
]


def test_formula_looking_cells_are_stored_as_typed(db, researcher):
    rows = "".join(f'"{f.replace(chr(34), chr(34) * 2)}",en,f{i}\n' for i, f in enumerate(FORMULAS))
    report = run(db, researcher, "title,language,external_id\n" + rows, dry_run=False)
    assert report.created == len(FORMULAS)
    assert set(db.scalars(select(Question.title))) == set(FORMULAS)


def test_formula_looking_cells_are_echoed_as_text(db, researcher):
    rows = '"=1+1",en,a\n@SUM(A1),en,b\nWhy is the language cell a formula?,=de(),c\n'
    report = run(db, researcher, "title,language,external_id\n" + rows, dry_run=True)
    quotes = {(e.line, e.column): e.quote for e in report.errors}
    assert quotes == {(2, "title"): "'=1+1", (3, "title"): "'@SUM(A1)", (4, "language"): "'=de()"}
    message = refused(db, researcher, "=1+1,-2\n")
    assert "it reads: '=1+1,-2" in message


def test_spreadsheet_safe():
    assert importer.spreadsheet_safe("=1+1") == "'=1+1"
    assert importer.spreadsheet_safe("\t=1") == "'\t=1"
    assert importer.spreadsheet_safe("Why?") == "Why?"
    assert importer.excerpt("x" * 100) == "x" * 59 + "…"


# --- the web page --------------------------------------------------------------------------------
def upload(client, data: bytes, action: str = "check", filename: str = "questions.csv", **fields):
    token = csrf_from(client.get("/questions/import").get_data(as_text=True))
    form = {"csrf_token": token, "action": action, "topic": "", "session": "", **fields}
    form["file"] = (io.BytesIO(data), filename)
    return client.post("/questions/import", data=form, content_type="multipart/form-data")


def test_the_page_checks_then_imports(client, db, researcher):
    login(client, researcher)
    checked = upload(client, (GOOD + "Short,,en,,,,r3\n").encode())
    assert checked.status_code == 200
    html = checked.get_data(as_text=True)
    assert "Result of the check" in html and "<td>5</td><td><code>title</code></td>" in html
    assert count(db) == 0
    imported = upload(client, GOOD.encode(), action="import")
    assert imported.status_code == 302 and imported.headers["Location"] == "/questions/import"
    assert count(db) == 2
    follow = client.get("/questions/import").get_data(as_text=True)
    assert "Imported 2 questions. 0 were imported before." in follow


def test_an_import_with_bad_rows_shows_them_after_importing_the_rest(client, db, researcher):
    login(client, researcher)
    response = upload(client, (GOOD + "Short,,en,,,,r3\n").encode(), action="import")
    assert response.status_code == 200 and "Result of the import" in response.get_data(as_text=True)
    assert count(db) == 2


def test_the_page_refuses_a_bad_file_with_400(client, db, researcher):
    login(client, researcher)
    response = upload(client, b"colour\nred\n")
    assert response.status_code == 400 and "must be a header row" in response.get_data(as_text=True)
    response = upload(client, b"\xff\xfe\x00\x00", action="import")
    assert response.status_code == 400 and "UTF-16" in response.get_data(as_text=True)
    assert count(db) == 0


def test_the_page_takes_files_over_2_mb_but_not_over_10_mb(client, db, researcher, app):
    login(client, researcher)
    row = "Why is this question repeated so very many times?,en," + "Long explanation. " * 280 + "\n"
    big = ("title,language,explanation\n" + row * (3 * 1024 * 1024 // len(row) + 1)).encode()
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    response = upload(client, big)
    assert response.status_code == 200, response.get_data(as_text=True).split("<main")[1][:3000]
    too_big = b"title,language\n" + b"x" * (10 * 1024 * 1024 + 100 * 1024)
    response = upload(client, too_big)
    assert response.status_code == 413
    assert "The file is larger than 10 MB" in response.get_data(as_text=True)
    just_over = b"title,language\n" + b"x" * (10 * 1024 * 1024)
    response = upload(client, just_over)
    assert response.status_code == 400 and "larger than 10 MB" in response.get_data(as_text=True)
    # Every other page keeps the app-wide limit.
    token = csrf_from(client.get("/questions/enter").get_data(as_text=True))
    response = client.post("/questions/enter", data={"csrf_token": token, "body": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


def test_the_page_needs_a_file_and_a_valid_token(client, db, researcher):
    login(client, researcher)
    token = csrf_from(client.get("/questions/import").get_data(as_text=True))
    response = client.post("/questions/import", data={"csrf_token": token, "action": "check"})
    assert response.status_code == 400 and "Choose a file to import." in response.get_data(as_text=True)
    forged = client.post(
        "/questions/import",
        data={"csrf_token": "forged", "action": "import", "file": (io.BytesIO(GOOD.encode()), "q.csv")},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400 and count(db) == 0


def test_the_page_is_for_facilitators_only(client, make_user):
    assert client.get("/questions/import").status_code == 302
    login(client, make_user())
    assert client.get("/questions/import").status_code == 403
    token = csrf_from(client.get("/sessions").get_data(as_text=True))
    assert client.post("/questions/import", data={"csrf_token": token}).status_code == 403


def test_the_error_table_escapes_what_the_file_says(client, researcher):
    login(client, researcher)
    response = upload(client, b"title,language\n<i>x</i>,en\n")
    html = response.get_data(as_text=True)
    assert "&lt;i&gt;x&lt;/i&gt;" in html and "<i>x</i>" not in html


def test_the_page_shows_the_first_200_errors_and_stays_light(client, researcher):
    login(client, researcher)
    response = upload(
        client, ("title,language\n" + "Short,en\n" * 9_999 + "Why is this one long enough?,en\n").encode()
    )
    html = response.get_data(as_text=True)
    assert html.count("<td>Write a title of at least 10 characters.</td>") == 200
    assert "9,799 more errors are not shown." in html or "9799 more errors are not shown." in html
    assets = sum(len(client.get(path).data) for path in ("/static/crowdq.css", "/static/crowdq.js"))
    assert len(response.data) + assets < 60 * 1024


def test_an_import_for_a_session_goes_back_to_its_page(client, db, researcher, make_session):
    held = make_session(researcher)
    login(client, researcher)
    response = upload(client, GOOD.encode(), action="import", session=str(held.id))
    assert response.status_code == 302 and response.headers["Location"] == f"/sessions/{held.id}"
    assert "2 questions collected" in client.get(f"/sessions/{held.id}").get_data(as_text=True)
