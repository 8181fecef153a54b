"""Full-text search and similar questions: same tests on SQLite and PostgreSQL."""

import pytest

from crowdq import search
from crowdq.merging import similarity


@pytest.fixture
def corpus(make_question, make_user):
    author = make_user()
    made = {}
    for key, title, body, lang in [
        ("plastic", "Is there microplastic in our drinking water?", "I drink tap water every day.", "en"),
        ("fish", "Why are there fewer fish in the canals?", "Anglers say catches dropped.", "en"),
        ("bodem", "Waarom zakt de bodem in het Groene Hart?", "Mijn huis heeft scheuren door verzakkingen.", "nl"),
        ("tegels", "Helpen minder tegels in tuinen tegen wateroverlast?", "Na elke bui staat onze straat blank.", "nl"),
        ("sleep", "Does screen time make children sleep worse?", "My kids watch tablets before bed.", "en"),
    ]:
        made[key] = make_question(author=author, title=title, body=body, language=lang)
    return made


def titles(results):
    return [q.title for q in results]


def test_search_finds_by_english_stem(db, corpus):
    # "drinks" and "drinking" share the stem "drink".
    assert titles(search.search_questions(db, "drinks")) == [corpus["plastic"].title]


def test_search_finds_by_dutch_stem(db, corpus):
    # "verzakking" (singular) finds the question that says "verzakkingen".
    assert titles(search.search_questions(db, "verzakking")) == [corpus["bodem"].title]


def test_search_needs_all_words(db, corpus):
    assert titles(search.search_questions(db, "fish canals")) == [corpus["fish"].title]
    assert search.search_questions(db, "fish tablets") == []


def test_title_match_ranks_above_body_match(db, make_question, make_user):
    body_only = make_question(title="What happens to old batteries we recycle?", body="And what about solar panels?")
    in_title = make_question(title="How long do solar panels last on Dutch roofs?", body="Ours are ten years old.")
    assert titles(search.search_questions(db, "solar panels")) == [in_title.title, body_only.title]


def test_search_ignores_unlisted_questions(db, corpus):
    corpus["fish"].status = "hidden"
    corpus["fish"].refresh_listed()
    db.commit()
    assert search.search_questions(db, "fish") == []


@pytest.mark.parametrize(
    "nasty", ['"', "'", "AND", "OR NOT", "*", "fish*", "(", "title:fish", "-", "\\", "%_", "a" * 500, "NEAR(a b)"]
)
def test_search_syntax_characters_are_just_text(db, corpus, nasty):
    search.search_questions(db, nasty)  # must not raise


def similar(db, text, language=None, **kw):
    return [m.question for m in similarity.similar(db, text, language, **kw)]


def test_similar_questions_share_rare_words(db, corpus):
    found = similar(db, "microplastics in tap water")
    assert found and found[0].id == corpus["plastic"].id


def test_similar_questions_work_for_dutch(db, corpus):
    found = similar(db, "Tegels uit de tuin tegen wateroverlast", "nl")
    assert found[0].id == corpus["tegels"].id


def test_similar_questions_match_dutch_compound_parts(db, corpus):
    # "bodemdaling" (subsidence) is one word in Dutch; the question says "de bodem zakt".
    found = similar(db, "Hoe snel gaat de bodemdaling in het Groene Hart?", "nl")
    assert found[0].id == corpus["bodem"].id


def test_similar_questions_are_at_most_five_and_exclude_self(db, make_question, make_user):
    made = [make_question(title=f"How do bees find flowers number {i}?") for i in range(7)]
    found = similar(db, "How do bees find flowers?", exclude_id=made[0].id)
    assert len(found) == 5
    assert made[0].id not in {q.id for q in found}


def test_search_page_shows_results(client, corpus):
    response = client.get("/search?q=fish")
    assert response.status_code == 200
    assert corpus["fish"].title.encode() in response.data


def test_overlong_search_is_refused_politely(client):
    assert client.get("/search?q=" + "x" * 300).status_code == 400
