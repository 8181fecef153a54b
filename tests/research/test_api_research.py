"""The API shows research on questions, read only: `status`, `adopted_by` and
`answer`, without one query per question in lists."""

from __future__ import annotations

from crowdq.db import engine
from crowdq.research import adoption, answers
from tests.research.test_adoption_helpers import count_selects, new_project


def test_a_question_without_research_has_no_adopters_and_no_answer(client, make_question):
    question = make_question()
    data = client.get(f"/api/v1/questions/{question.id}").get_json()
    assert data["status"] == "open" and data["adopted_by"] == [] and data["answer"] is None


def test_adopters_and_answers_are_listed_with_absolute_links(app, client, db, make_user, make_question):
    member, other = make_user("researcher"), make_user("researcher")
    question = make_question()
    project = new_project(db, member, title="Canal water study")
    second = new_project(db, other, title="Second look")
    gone = new_project(db, other, title="Released study")
    adoption.adopt(db, member, question, project, "We sample.")
    adoption.adopt(db, other, question, second, "We look again.")
    adoption.adopt(db, other, question, gone, "Briefly.")
    adoption.release(db, other, question, gone, "Stopped.")
    db.commit()
    data = client.get(f"/api/v1/questions/{question.id}").get_json()
    base = app.config["BASE_URL"]
    assert data["status"] == "adopted" and data["answer"] is None
    assert data["adopted_by"] == [
        {"id": project.id, "title": "Canal water study", "url": f"{base}/projects/{project.id}"},
        {"id": second.id, "title": "Second look", "url": f"{base}/projects/{second.id}"},
    ]
    answers.publish(
        db,
        member,
        question,
        project,
        summary_en="Algae.",
        summary_nl="Algen.",
        dois="10.1038/nature12373\n10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
        data_links="https://zenodo.org/records/1",
    )
    answers.publish(
        db, member, question, project, summary_en="Algae, mostly.", summary_nl="Algen.", dois="10.1038/nature12373"
    )
    db.commit()
    data = client.get(f"/api/v1/questions/{question.id}").get_json()
    assert data["status"] == "answered"
    [answer] = data["answer"]
    assert answer["project"] == {"id": project.id, "title": "Canal water study"}
    assert answer["summary_en"] == "Algae, mostly." and answer["summary_nl"] == "Algen."
    assert answer["dois"] == ["https://doi.org/10.1038/nature12373"]
    assert answer["data_links"] == [] and answer["published_at"] and answer["corrected_at"]
    listed = client.get("/api/v1/questions").get_json()["items"]
    assert listed[0]["adopted_by"] == data["adopted_by"] and listed[0]["answer"] == data["answer"]


def test_dois_with_url_characters_are_escaped_in_links(client, db, make_user, make_question):
    member = make_user("researcher")
    question = make_question()
    project = new_project(db, member)
    adoption.adopt(db, member, question, project, "We sample.")
    answers.publish(
        db,
        member,
        question,
        project,
        summary_en="A.",
        summary_nl="",
        dois="10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O",
    )
    db.commit()
    [answer] = client.get(f"/api/v1/questions/{question.id}").get_json()["answer"]
    assert answer["dois"] == ["https://doi.org/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-o"]


def test_the_list_loads_research_in_a_fixed_number_of_queries(client, db, make_user, make_question):
    def selects(path):
        return count_selects(engine(), lambda: client.get(path))

    first = make_question()
    member = make_user("researcher")
    project = new_project(db, member)
    adoption.adopt(db, member, first, project, "Note.")
    answers.publish(db, member, first, project, summary_en="A.", summary_nl="")
    db.commit()
    few = selects("/api/v1/questions?per_page=20")
    for _ in range(8):
        question = make_question()
        teams = [(person, new_project(db, person)) for person in (make_user("researcher"), make_user("researcher"))]
        for person, team in teams:
            adoption.adopt(db, person, question, team, "Note.")
        for person, team in teams:
            answers.publish(db, person, question, team, summary_en="A.", summary_nl="")
    db.commit()
    assert selects("/api/v1/questions?per_page=20") == few


def test_the_research_fields_are_read_only(client, make_question):
    question = make_question()
    assert client.post(f"/api/v1/questions/{question.id}", json={"status": "answered"}).status_code == 405
