"""`flask --app wsgi crowdq ...` commands: idempotent, clear errors."""

from sqlalchemy import func, select

from crowdq.accounts.models import User
from crowdq.questions.models import Comment, Question, Vote


def run(app, *args):
    return app.test_cli_runner().invoke(args=["crowdq", *args])


def test_create_user_with_role_and_again_is_idempotent(app, db):
    args = [
        "create-user",
        "Mod@Example.org",
        "--name",
        "Mo",
        "--password",
        "a sturdy passphrase",
        "--role",
        "moderator",
        "--confirmed",
    ]
    first = run(app, *args)
    assert first.exit_code == 0, first.output
    assert "created user" in first.output
    second = run(app, *args)
    assert second.exit_code == 0 and "updated user" in second.output
    users = db.scalars(select(User)).all()
    assert len(users) == 1
    assert users[0].email == "mod@example.org" and users[0].is_moderator and users[0].is_confirmed


def test_create_user_rejects_bad_arguments_clearly(app, db):
    weak = run(app, "create-user", "a@example.org", "--name", "Al", "--password", "short")
    assert weak.exit_code == 2 and "at least 10 characters" in weak.output
    bad_email = run(app, "create-user", "nope", "--name", "Al", "--password", "a sturdy passphrase")
    assert bad_email.exit_code == 2 and "valid email" in bad_email.output
    bad_role = run(
        app, "create-user", "a@example.org", "--name", "Al", "--password", "a sturdy passphrase", "--role", "king"
    )
    assert bad_role.exit_code == 2
    assert db.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_loads_bilingual_content_once(app, db):
    first = run(app, "seed-demo")
    assert first.exit_code == 0, first.output
    questions = db.scalar(select(func.count()).select_from(Question))
    assert questions >= 50
    languages = set(db.scalars(select(Question.language)))
    assert languages == {"nl", "en"}
    assert db.scalar(select(func.count()).select_from(Vote)) > 100
    assert db.scalar(select(func.count()).select_from(Comment)) > 20
    roles = {r for u in db.scalars(select(User)) for r in u.role_names()}
    assert {"admin", "moderator", "researcher", "citizen"} <= roles
    second = run(app, "seed-demo")
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert db.scalar(select(func.count()).select_from(Question)) == questions
    check = run(app, "check-counts")
    assert check.exit_code == 0 and "all counts are right" in check.output
    # Organisations in every state, calls in every state, sessions with collected questions.
    from crowdq.calls.state import call_state
    from crowdq.db import utcnow
    from crowdq.facilitation.models import CommunitySession
    from crowdq.organisations.models import Endorsement, Organisation
    from crowdq.questions.models import Topic

    assert {o.status for o in db.scalars(select(Organisation))} == {"verified", "pending", "rejected"}
    calls = [t for t in db.scalars(select(Topic)) if t.is_call]
    assert {call_state(t, utcnow()) for t in calls} == {"upcoming", "open", "closed"}
    assert db.scalar(select(func.count()).select_from(Endorsement)) >= 4
    assert db.scalar(select(func.count()).select_from(CommunitySession)) == 2
    assert db.scalar(select(func.count()).select_from(Question).where(Question.source == "session")) >= 4


def test_check_counts_finds_and_fixes_a_wrong_count(app, db, make_question):
    question = make_question()
    question.vote_count = 7
    db.commit()
    found = run(app, "check-counts")
    assert found.exit_code == 1 and f"question {question.id}: votes stored 7, true 0" in found.output
    fixed = run(app, "check-counts", "--fix")
    assert fixed.exit_code == 0
    db.refresh(question)
    assert question.vote_count == 0


def test_send_mail_command_reports_counts(app):
    result = run(app, "send-mail")
    assert result.exit_code == 0 and "sent 0" in result.output


def test_seed_demo_refuses_production(app):
    app.config["ENV_NAME"] = "production"
    result = run(app, "seed-demo")
    assert result.exit_code == 2 and "production" in result.output
