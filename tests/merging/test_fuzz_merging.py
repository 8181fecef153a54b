"""Fuzzing the merge, cluster, undo and duplicate forms and the similarity
endpoint's parameters: no value makes the app answer 500, a refused post
changes nothing, and after an accepted one every invariant holds.

Same approach as tests/core/test_fuzz_forms.py; all examples of a test share
one database, so each example works on fresh questions.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from crowdq.merging import services as merging
from crowdq.merging.models import DuplicateCandidate, QuestionMerge
from tests.conftest import csrf_from, login
from tests.core.test_fuzz_forms import FUZZ, assert_answer, good_texts, long_texts, payloads
from tests.core.test_fuzz_urls import FEW, NASTY, numbers, texts
from tests.merging.conftest import assert_integrity

refs = st.one_of(
    st.sampled_from(["TARGET", "#TARGET", "http://localhost/questions/TARGET", "", "0", "#", "/questions/", "²"]),
    numbers,
    texts,
)
reasons = st.one_of(good_texts, long_texts, st.sampled_from(NASTY))


def _fill(value, target_id: int):
    return value.replace("TARGET", str(target_id)) if isinstance(value, str) else value


def _merges(db) -> int:
    return db.scalar(select(func.count()).select_from(QuestionMerge))


@pytest.fixture
def researcher(make_user):
    return make_user("researcher")


@FUZZ
@given(
    data=payloads(
        {"target": st.just("TARGET"), "reason": good_texts.filter(str.strip)}, {"target": refs, "reason": reasons}
    )
)
@example(data={"target": "TARGET", "reason": "\x00"})
def test_the_merge_form_survives_any_input(client, db, researcher, make_question, data):
    source, target = make_question(), make_question()
    login(client, researcher)
    data = {k: _fill(v, target.id) for k, v in data.items()}
    before = _merges(db)
    token = csrf_from(client.get(f"/questions/{source.id}/merge").text)
    response = client.post(f"/questions/{source.id}/merge", data={"csrf_token": token, **data})
    assert_answer(response, (302, 400, 409))
    assert _merges(db) == before + (1 if response.status_code == 302 else 0)
    assert_integrity(db)


@FUZZ
@given(
    data=payloads(
        {
            "target": st.sampled_from(["new", "FIRST"]),
            "title": st.just("Why do the canals in Leiden turn green?"),
            "body": good_texts,
            "language": st.sampled_from(["nl", "en"]),
            "reason": st.just("The same question."),
        },
        {
            "target": texts,
            "title": st.one_of(texts, long_texts),
            "body": long_texts,
            "language": texts,
            "reason": reasons,
        },
    ),
    ids=st.lists(st.one_of(st.just("Q"), numbers, texts), max_size=4),
)
def test_the_cluster_form_survives_any_input(client, db, researcher, make_question, data, ids):
    selected = [make_question(), make_question()]
    login(client, researcher)
    if data.get("target") == "FIRST":
        data["target"] = str(selected[0].id)
    query = [("ids", str(q.id)) for q in selected] + [("ids", i) for i in ids if i != "Q"]
    page = client.get(f"/questions/merge?{urlencode(query)}")
    assert page.status_code in (200, 303)
    if page.status_code == 303:
        return
    before = _merges(db)
    response = client.post(
        "/questions/merge", data={"csrf_token": csrf_from(page.text), "ids": [v for _k, v in query], **data}
    )
    assert_answer(response, (302, 303, 400, 409))
    assert _merges(db) == before + (1 if response.status_code == 302 else 0)
    assert_integrity(db)


@FUZZ
@given(reason=reasons)
def test_the_undo_form_survives_any_reason(client, db, researcher, make_user, make_question, reason):
    record = merging.merge(db, researcher, [make_question()], make_question(), "Same.")
    db.commit()
    login(client, make_user("moderator"))
    token = csrf_from(client.get(f"/moderation/merges/{record.id}/undo").text)
    response = client.post(f"/moderation/merges/{record.id}/undo", data={"csrf_token": token, "reason": reason})
    assert_answer(response)
    db.expire_all()
    assert (db.get(QuestionMerge, record.id).undone_at is not None) == (response.status_code == 302)
    assert_integrity(db)


@FUZZ
@given(other=refs)
def test_the_duplicate_suggestion_survives_any_input(client, db, make_user, make_question, other):
    question, target = make_question(), make_question()
    login(client, make_user())
    token = csrf_from(client.get(f"/questions/{question.id}/duplicate").text)
    response = client.post(
        f"/questions/{question.id}/duplicate", data={"csrf_token": token, "other": _fill(other, target.id)}
    )
    assert_answer(response, (302, 400, 409))
    suggested = db.scalar(
        select(func.count())
        .select_from(DuplicateCandidate)
        .where(
            (DuplicateCandidate.first_id == question.id) | (DuplicateCandidate.second_id == question.id),
            DuplicateCandidate.suggestions > 0,
        )
    )
    assert suggested == (1 if response.status_code == 302 else 0)


@FEW
@given(
    text=texts,
    lang=st.one_of(st.none(), texts, st.sampled_from(["nl", "en"])),
    limit=st.one_of(st.none(), numbers, texts),
)
def test_the_similarity_endpoint_survives_any_parameters(client, make_question, text, lang, limit):
    params = {"text": text}
    if lang is not None:
        params["lang"] = lang
    if limit is not None:
        params["limit"] = limit
    response = client.get("/api/v1/questions/similar?" + urlencode(params))
    assert response.status_code in (200, 400)
    assert response.is_json
    if response.status_code == 200:
        assert len(response.get_json()["items"]) <= 100
