"""`flask --app wsgi crowdq ...`: each command a thin call into services."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from crowdq import db
from crowdq.errors import Invalid
from crowdq.resources import resource_dir

MIGRATIONS = resource_dir("migrations")


@click.group("crowdq")
def cli() -> None:
    """crowdq administration commands."""


def alembic_config(connection=None):
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.engine().url.render_as_string(hide_password=False).replace("%", "%%"))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_database(revision: str = "head") -> None:
    _migrate("upgrade", revision)


def downgrade_database(revision: str) -> None:
    _migrate("downgrade", revision)


def _migrate(direction: str, revision: str) -> None:
    from alembic import command

    url = db.engine().url
    sqlite = url.get_backend_name() == "sqlite"
    if sqlite and url.database:
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    with db.engine().connect() as connection:
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            # SQLite changes a table by copying it and dropping the old one;
            # with foreign keys on, that drop would cascade to every vote,
            # follow and comment. The pragma works only outside a transaction.
            raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                getattr(command, direction)(alembic_config(connection), revision)
                if raw is not None:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys=ON")


@cli.command("upgrade")
@click.option("--revision", default="head", show_default=True, help="Alembic revision to upgrade to.")
@with_appcontext
def upgrade_cmd(revision: str) -> None:
    """Migrate the database to the newest schema."""
    upgrade_database(revision)
    click.echo(f"database at {revision}")


@cli.command("create-user")
@click.argument("email")
@click.option("--name", required=True, help="Display name (2-60 characters).")
@click.option("--password", required=True, help="At least 10 characters, not a common password.")
@click.option(
    "--role", type=click.Choice(["citizen", "researcher", "moderator", "admin"]), default="citizen", show_default=True
)
@click.option("--confirmed", is_flag=True, help="Mark the email address as confirmed.")
@with_appcontext
def create_user_cmd(email: str, name: str, password: str, role: str, confirmed: bool) -> None:
    """Create an account, or update the one with this EMAIL (idempotent)."""
    from crowdq.accounts import services

    with Session(db.engine()) as session, session.begin():
        try:
            user, created = services.create_user(session, email, name, password, role, confirmed)
        except Invalid as error:
            raise click.BadParameter(error.message) from None
        click.echo(
            f"{'created' if created else 'updated'} user {user.id} <{user.email}> roles: {', '.join(user.role_names()) or 'unconfirmed'}"
        )


@cli.command("create-topic")
@click.argument("slug")
@click.option("--name-nl", help="Dutch name (required for a new topic).")
@click.option("--name-en", help="English name (required for a new topic).")
@click.option("--description-nl", help="Short Dutch description.")
@click.option("--description-en", help="Short English description.")
@click.option("--position", type=click.IntRange(0, 9999), help="Place in lists (lower comes first).")
@with_appcontext
def create_topic_cmd(
    slug: str,
    name_nl: str | None,
    name_en: str | None,
    description_nl: str | None,
    description_en: str | None,
    position: int | None,
) -> None:
    """Create the topic SLUG, or update the one with that slug (idempotent).

    Options left out keep the topic's current values.
    """
    from crowdq.policy import COMMAND_LINE
    from crowdq.questions import topics

    with Session(db.engine()) as session, session.begin():
        try:
            topic, outcome = topics.upsert_topic(
                session,
                COMMAND_LINE,
                slug,
                name_nl=name_nl,
                name_en=name_en,
                description_nl=description_nl,
                description_en=description_en,
                position=position,
            )
        except Invalid as error:
            option = {"slug": "SLUG"}
            raise click.BadParameter(
                "; ".join(f"{option.get(k, '--' + k.replace('_', '-'))}: {v}" for k, v in error.fields.items())
            ) from None
        click.echo(f"topic {topic.slug} {outcome}: {topic.name_en} / {topic.name_nl}")


@cli.command("freeze-calls")
@with_appcontext
def freeze_calls_cmd() -> None:
    """Copy the final ranking of every call that closed into its results (for cron; idempotent)."""
    from crowdq.calls import results

    frozen = results.freeze_due()
    click.echo(f"froze the results of {frozen} call{'' if frozen == 1 else 's'}")


@cli.command("seed-demo")
@click.option("--force", is_flag=True, help="Allow seeding in production.")
@with_appcontext
def seed_demo_cmd(force: bool) -> None:
    """Load bilingual demo data once (running it again changes nothing)."""
    from crowdq.demo import seed

    if current_app.config.get("ENV_NAME") == "production" and not force:
        raise click.UsageError("refusing to load demo data in production (use --force if you mean it)")
    with Session(db.engine()) as session, session.begin():
        created = seed.seed(session)
    click.echo("demo data loaded" if created else "demo data already present; nothing changed")


@cli.command("import-questions")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=False))
@click.option("--by", "by_email", required=True, help="Email of the facilitator who enters the questions.")
@click.option("--topic", "topic_slug", help="Topic (address) for rows that name none.")
@click.option("--session", "session_id", type=click.IntRange(1, 2**31 - 1), help="Number of the session.")
@click.option("--dry-run", is_flag=True, help="Check every row and list the errors; write nothing.")
@with_appcontext
def import_questions_cmd(file: str, by_email: str, topic_slug: str | None, session_id: int | None, dry_run: bool):
    """Import questions from a CSV or JSON Lines FILE, entered by the member --by.

    Columns: title, explanation, language (nl/en), topic, tags, place, external_id. The whole file is checked
    first; then every valid row is imported in one transaction. Rows whose external_id this member imported
    before are skipped. Exit code 0: no errors; 1: the file or some rows have errors (listed by line; a dry
    run or a refused file writes nothing); 2: bad arguments.
    """
    from crowdq.accounts.services import find_by_email
    from crowdq.errors import Conflict, NotAllowed
    from crowdq.facilitation import importer
    from crowdq.facilitation.models import CommunitySession
    from crowdq.policy import can
    from crowdq.questions import topics

    try:
        with open(file, "rb") as handle:
            data = handle.read(importer.max_bytes() + 1)
    except OSError as error:
        raise click.BadParameter(f"cannot read {file}: {error.strerror or error}", param_hint="FILE") from None
    with Session(db.engine()) as session, session.begin():
        actor = find_by_email(session, by_email.strip())
        if actor is None:
            raise click.BadParameter(f"no member with the email address {by_email}", param_hint="--by")
        if not can(actor, "question.facilitate"):
            raise click.BadParameter(
                f"{by_email} may not enter questions for others (researchers and members of verified "
                "organisations may; the account must be confirmed and in good standing)",
                param_hint="--by",
            )
        topic = None
        if topic_slug is not None:
            topic = topics.by_slug(session, topic_slug.strip().lower())
            if topic is None:
                raise click.BadParameter(f"no topic with the address {topic_slug}", param_hint="--topic")
        community_session = None
        if session_id is not None:
            community_session = session.get(CommunitySession, session_id)
            if community_session is None:
                raise click.BadParameter(f"no session number {session_id}", param_hint="--session")
            if not can(actor, "session.manage", community_session):
                raise click.BadParameter(f"{by_email} cannot enter questions for this session", param_hint="--session")
        try:
            report = importer.import_file(
                session, actor, data, topic=topic, community_session=community_session, dry_run=dry_run
            )
        except Invalid as error:
            if "topic" in error.fields:
                raise click.BadParameter(error.fields["topic"], param_hint="--topic") from None
            click.echo(f"{file}: {error.message}", err=True)
            raise SystemExit(1) from None
        except (Conflict, NotAllowed) as error:
            click.echo(f"{file}: {error.message or 'not allowed'}", err=True)
            raise SystemExit(1) from None
        for problem in report.errors:
            column = f" {problem.column}:" if problem.column else ""
            quote = f" ({problem.quote})" if problem.quote else ""
            click.echo(f"line {problem.line}:{column} {problem.message}{quote}")
        summary = (
            f"{report.rows} rows: {len(report.ready)} to import, {len(report.already_imported)} already imported, "
            f"{report.error_lines} with errors"
        )
        if dry_run:
            click.echo(f"{summary}; dry run, nothing written")
        else:
            click.echo(f"{summary}; imported {report.created} questions")
    if report.errors:
        raise SystemExit(1)


@cli.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, checking the outbox every --interval seconds.")
@click.option("--interval", type=click.IntRange(1, 3600), default=10, show_default=True)
@click.option("--limit", type=click.IntRange(1, 10_000), default=100, show_default=True)
@with_appcontext
def send_mail_cmd(loop: bool, interval: int, limit: int) -> None:
    """Deliver due mails from the outbox over SMTP (retries with back-off)."""
    from sqlalchemy.orm import sessionmaker

    from crowdq.mail.delivery import deliver_due

    factory = sessionmaker(bind=db.engine())
    while True:
        counts = deliver_due(factory, current_app.config, limit=limit)
        click.echo(f"sent {counts['sent']}, retrying {counts['retrying']}, failed {counts['failed']}")
        if not loop:
            break
        time.sleep(interval)


@cli.command("check-counts")
@click.option("--fix", is_flag=True, help="Rewrite wrong counts and trending scores from the rows they count.")
@with_appcontext
def check_counts_cmd(fix: bool) -> None:
    """Compare every denormalised count with the rows it counts: each question's
    votes, followers, comments, endorsements and trending score, and each
    member's spent vote budget in a call."""
    from crowdq.calls import budgets
    from crowdq.questions import counts

    with Session(db.engine()) as session, session.begin():
        problems = counts.wrong_counts(session)
        budget_problems = budgets.wrong_budgets(session)
        for qid, name, stored, true in problems[:50]:
            click.echo(f"question {qid}: {name} stored {stored}, true {true}")
        for topic_id, user_id, stored, true in budget_problems[:50]:
            click.echo(f"call {topic_id}: member {user_id} votes used stored {stored}, true {true}")
        if (problems or budget_problems) and fix:
            counts.recount(session, {p[0] for p in problems})
            budgets.recount(session, budget_problems)
            click.echo(f"fixed {len(problems) + len(budget_problems)} counts")
        elif not (problems or budget_problems):
            click.echo("all counts are right")
    if (problems or budget_problems) and not fix:
        raise SystemExit(1)


@cli.command("check-integrity")
@with_appcontext
def check_integrity_cmd() -> None:
    """Check every invariant: the counts (as check-counts), call budgets, and
    merges (merged questions point at live targets, no chains or cycles, copies
    belong to live merges). Exits with 1 on any difference."""
    from crowdq.calls import budgets
    from crowdq.merging import integrity
    from crowdq.questions import counts

    with Session(db.engine()) as session, session.begin():
        problems = [
            f"question {qid}: {name} stored {stored}, true {true}"
            for qid, name, stored, true in counts.wrong_counts(session)
        ]
        problems += [
            f"call {topic_id}: member {user_id} votes used stored {stored}, true {true}"
            for topic_id, user_id, stored, true in budgets.wrong_budgets(session)
        ]
        problems += integrity.merge_problems(session)
    for line in problems[:200]:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} problems found")
        raise SystemExit(1)
    click.echo("everything is consistent")


@cli.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change is for.")
@with_appcontext
def revision_cmd(message: str) -> None:
    """Write a new migration by comparing the models with the database (developers)."""
    from alembic import command

    with db.engine().begin() as connection:
        command.revision(alembic_config(connection), message=message, autogenerate=True)


@cli.command("reindex-search")
@with_appcontext
def reindex_search_cmd() -> None:
    """Rebuild the full-text search index from the questions."""
    from crowdq import search

    with Session(db.engine()) as session, session.begin():
        count = search.rebuild(session)
    click.echo(f"indexed {count} questions")


@cli.command("refresh-search-terms")
@with_appcontext
def refresh_search_terms_cmd() -> None:
    """Recount how many questions each word occurs in (look-alike ranking); run it nightly from cron."""
    from crowdq.search import terms

    with Session(db.engine()) as session, session.begin():
        count = terms.refresh(session)
    click.echo(f"counted the words of {count} questions")
