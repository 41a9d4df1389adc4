"""``flask users create``: prompts without echo, or reads standard input; refuses bad accounts."""

from sqlalchemy import select

from directory.migrate import head_revision
from directory.models import AuditEvent, Role, User

PASSWORD = "correct horse battery staple"


def test_create_with_password_from_stdin(runner, session):
    result = runner.invoke(
        args=["users", "create", "Ana@Example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created admin account ana@example.org." in result.output
    user = session.scalar(select(User).where(User.email == "ana@example.org"))
    assert user.role is Role.ADMIN and user.active
    assert user.check_password(PASSWORD)
    assert user.password_hash != PASSWORD and PASSWORD not in user.password_hash
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
    assert event.record_id == str(user.id)
    assert PASSWORD not in str(event.after)


def test_prompt_asks_twice_and_never_echoes(runner, session):
    result = runner.invoke(
        args=["users", "create", "sam@example.org", "--role", "specialist"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Password" in result.output and "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    assert session.scalar(select(User).where(User.email == "sam@example.org")).role is Role.SPECIALIST


def test_prompt_rejects_mismatched_confirmation(runner, session):
    result = runner.invoke(
        args=["users", "create", "sam@example.org", "--role", "specialist"],
        input=f"{PASSWORD}\nsomething else entirely\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert "do not match" in result.output.lower() or "don't match" in result.output.lower()
    assert result.exit_code == 0


def test_duplicate_email_is_refused(runner, session):
    args = ["users", "create", "ana@example.org", "--role", "admin", "--password-stdin"]
    assert runner.invoke(args=args, input=PASSWORD + "\n").exit_code == 0
    result = runner.invoke(args=[*args[:2], "ANA@example.org", *args[3:]], input=PASSWORD + "\n")
    assert result.exit_code == 1
    assert "A staff account for ana@example.org already exists." in result.output


def test_short_password_is_refused(runner, session):
    result = runner.invoke(
        args=["users", "create", "ana@example.org", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert session.scalar(select(User)) is None


def test_bad_email_and_role_are_refused(runner, session):
    bad_email = runner.invoke(
        args=["users", "create", "not-an-email", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert bad_email.exit_code == 1
    assert "Must be an e-mail address" in bad_email.output
    bad_role = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "owner", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert bad_role.exit_code == 2
    assert "'owner' is not one of 'admin', 'specialist'" in bad_role.output
    assert session.scalar(select(User)) is None


def test_db_commands_report_the_revision(runner):
    head = head_revision()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"Database at revision {head}." in result.output
    current = runner.invoke(args=["db", "current"])
    assert f"database: {head}" in current.output and f"newest:   {head}" in current.output
