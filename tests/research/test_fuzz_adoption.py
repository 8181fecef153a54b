"""Fuzzing the claim, adopt, release and answer forms and the dashboard's query
parameters: no value makes the app answer 500, and what is accepted is clean.

Same approach as tests/core/test_fuzz_forms.py: generated values (unicode,
control characters, NUL bytes, long strings, numbers, markup) for every
field, with a valid CSRF token; the answer is a redirect (accepted) or a 400
(refused). All examples of a test share one database, so each example works
on a fresh question.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import select

from crowdq.research import adoption
from crowdq.research.identifiers import normalise_doi
from crowdq.research.models import Adoption, Answer, QuestionClaim
from tests.conftest import login
from tests.core.test_fuzz_forms import FUZZ, MARKDOWN_NASTY, assert_answer, blank, good_texts, long_texts, payloads
from tests.core.test_fuzz_urls import NASTY, numbers, texts
from tests.research.test_adoption_helpers import new_project

VALID_DOIS = [
    "10.1038/nature12373",
    "https://doi.org/10.1371/journal.pone.0111913",
    "doi:10.1126/SCIENCE.1260352",
    "http://dx.doi.org/10.1016/j.watres.2019.02.054",
    "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
]
BAD_DOIS = [
    "10.1038",
    "11.1038/x",
    "10.12/x",
    "https://example.org/10.1038/x",
    "doi:",
    "10.1038/\x00",
    "10.1038/" + "x" * 400,
]
VALID_LINKS = [
    "https://zenodo.org/records/1234567",
    "http://data.overheid.nl/dataset/x",
    "https://bücher.example/d?q=1#x",
]
BAD_LINKS = [
    "javascript:alert(1)",
    "ftp://example.org/x",
    "https://localhost/",
    "https://user@example.org/",
    "//example.org",
]

project_ids = st.one_of(st.sampled_from(["VALID", "", "0", "-1", "²", "1.0", "9" * 30]), numbers, texts)
good_dois = st.lists(st.sampled_from(VALID_DOIS), max_size=4).map("\n".join)
good_links = st.lists(st.sampled_from(VALID_LINKS), max_size=3).map("\n".join)
any_dois = st.one_of(
    st.lists(st.sampled_from(VALID_DOIS + BAD_DOIS + NASTY[:20]), max_size=5).map(lambda xs: "\n".join(xs)), texts
)
any_links = st.one_of(st.lists(st.sampled_from(VALID_LINKS + BAD_LINKS), max_size=5).map(" ".join), texts)


@pytest.fixture
def team(db, make_user):
    member = make_user("researcher")
    return member, new_project(db, member, title="Canal water study")


def _token(client, question) -> str:
    from tests.conftest import csrf_from

    return csrf_from(client.get(f"/questions/{question.id}").text)


def _with_project(data: dict, project) -> dict:
    if data.get("project") == "VALID":
        data["project"] = str(project.id)
    return data


# --- claiming ------------------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {"project": st.sampled_from(["", "VALID"]), "note": st.text(max_size=200)},
        {"project": project_ids, "note": st.one_of(long_texts, st.text(max_size=10).map(lambda s: "n" * 501 + s))},
    )
)
@example(data={"project": "VALID", "note": "\x00" * 10})
def test_claim_form_survives_any_input(client, db, team, make_question, data):
    member, project = team
    question = make_question()
    login(client, member)
    data = _with_project(data, project)
    response = client.post(f"/questions/{question.id}/claim", data={"csrf_token": _token(client, question), **data})
    assert_answer(response)
    claim = db.scalar(select(QuestionClaim).where(QuestionClaim.question_id == question.id))
    if response.status_code == 302:
        assert claim is not None and "\x00" not in claim.note and len(claim.note) <= 500
        assert claim.project_id in (None, project.id)
        assert client.get(f"/questions/{question.id}").status_code == 200
    else:
        assert claim is None


# --- adopting and releasing ------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {"project": st.just("VALID"), "note": good_texts.filter(lambda s: s.strip("\x00 \t\n\r"))},
        {"project": project_ids, "note": st.one_of(long_texts, st.sampled_from(MARKDOWN_NASTY))},
    )
)
def test_adopt_form_survives_any_input(client, db, team, make_question, data):
    member, project = team
    question = make_question()
    login(client, member)
    data = _with_project(data, project)
    url = f"/questions/{question.id}/adopt"
    response = client.post(url, data={"csrf_token": _token(client, question), **data})
    assert_answer(response)
    if blank(data, "note") or data.get("project") != str(project.id):
        assert response.status_code == 400
    row = db.scalar(select(Adoption).where(Adoption.question_id == question.id))
    if response.status_code == 302:
        assert row is not None and row.note and "\x00" not in row.note and "<script" not in row.note_html
        assert client.get(f"/questions/{question.id}").status_code == 200
    else:
        assert row is None


@FUZZ
@given(reason=st.one_of(good_texts, long_texts, st.sampled_from(MARKDOWN_NASTY), st.just(MARKDOWN_NASTY[0] * 2)))
def test_release_form_survives_any_reason(client, db, team, make_question, reason):
    member, project = team
    question = make_question()
    adoption.adopt(db, member, question, project, "We sample.")
    db.commit()
    login(client, member)
    response = client.post(
        f"/questions/{question.id}/adoptions/{project.id}/release",
        data={"csrf_token": _token(client, question), f"release-{project.id}-reason": reason},
    )
    assert_answer(response)
    db.expire_all()
    row = db.get(Adoption, (project.id, question.id))
    if response.status_code == 302:
        assert row.released_at is not None and row.release_reason and "\x00" not in row.release_reason
        assert client.get(f"/questions/{question.id}").status_code == 200
    else:
        assert row.released_at is None and client.get(f"/questions/{question.id}/adopt").status_code == 200


# --- answering ---------------------------------------------------------------------------------------
@FUZZ
@given(
    data=payloads(
        {"summary_en": good_texts, "summary_nl": good_texts, "dois": good_dois, "data_links": good_links},
        {
            "summary_en": st.one_of(long_texts, st.sampled_from(MARKDOWN_NASTY)),
            "summary_nl": st.one_of(long_texts, st.text(max_size=10).map(lambda s: "y" * 5_001 + s)),
            "dois": any_dois,
            "data_links": any_links,
        },
    )
)
@example(data={"summary_en": "Algae.", "summary_nl": "", "dois": "\n".join(VALID_DOIS), "data_links": ""})
@example(data={"summary_en": "Algae.", "summary_nl": "", "dois": "doi: 10.1038/x,", "data_links": VALID_LINKS[2]})
def test_answer_form_survives_any_input(client, db, team, make_question, data):
    member, project = team
    question = make_question()
    adoption.adopt(db, member, question, project, "We sample.")
    db.commit()
    login(client, member)
    url = f"/questions/{question.id}/answer/{project.id}"
    response = client.post(url, data={"csrf_token": _token(client, question), **data})
    assert_answer(response)
    if blank(data, "summary_en") and blank(data, "summary_nl"):
        assert response.status_code == 400
    answer = db.scalar(select(Answer).where(Answer.question_id == question.id))
    if response.status_code == 302:
        assert answer is not None and (answer.summary_en or answer.summary_nl)
        assert all(normalise_doi(d) == d for d in answer.dois)
        assert all(link.lower().startswith(("http://", "https://")) for link in answer.data_links)
        page = client.get(f"/questions/{question.id}")
        assert page.status_code == 200 and "<script" not in answer.summary_en_html + answer.summary_nl_html
        assert client.get(f"/api/v1/questions/{question.id}").status_code == 200
    else:
        assert answer is None


# --- the dashboard's query string --------------------------------------------------------------------
def one_of_known(known: list[str]):
    return st.one_of(st.sampled_from(known), texts)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["topic", "language", "status", "sort", "after", "page"]),
        st.one_of(
            one_of_known(["", "all", "none", "water", "no-such"]),
            one_of_known(["nl", "en", "de"]),
            one_of_known(["open", "adopted", "answered", "merged"]),
            one_of_known(["votes", "trending", "newest"]),
        ),
        max_size=4,
    )
)
def test_dashboard_survives_any_query_parameters(client, team, make_question, params):
    make_question()
    login(client, team[0])
    response = client.get("/research", query_string=params)
    assert response.status_code in (200, 400), response.status_code
