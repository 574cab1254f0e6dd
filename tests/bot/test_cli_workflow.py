"""The workflow command line as staff meet it: users, role-checked case commands, exports, retention, SLA figures,
and `audit verify` catching an edited row. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from bot.cli import app as main_app
from bot.cli_actions import actions_app
from bot.cli_cases import cases_app, sla_report
from bot.cli_retention import retention_app
from bot.cli_users import users_app
from bot.db import make_engine, session_factory
from bot.models import Case, CaseNote, Finding, Item
from bot.users import get_user
from tests.bot import casebook as cb

# The same wiring bot/cli.py gets; kept here so these tests do not depend on the order of edits there.
app = typer.Typer()
app.add_typer(cases_app, name="cases")
app.add_typer(users_app, name="users")
app.add_typer(retention_app, name="retention")
app.add_typer(actions_app, name="actions")
sla = typer.Typer()
sla.command("report")(sla_report)
app.add_typer(sla, name="sla")

runner = CliRunner()
PUPIL = "Tamsin Featherstone"  # made up


def run(db_url: str, *args: str, stdin: str | None = None, config: Path | None = None):  # type: ignore[no-untyped-def]
    env = {"SOCIALGUARD_DATABASE_URL": db_url, "SOCIALGUARD_CONFIG": str(config) if config else "",
           "SOCIALGUARD_USER": "", "COLUMNS": "200"}
    return runner.invoke(app, list(args), env=env, input=stdin)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "socialguard.toml"
    path.write_text(
        '[[schools]]\nslug = "oak-lane"\nname = "Oak Lane Primary"\nnation = "ENG"\n'
        'official_phone = ["01632 960999"]\nofficial_email = ["office@oak-lane.example.sch.uk"]\n'
        'complaints_url = "https://oak-lane.example.sch.uk/complaints"\n'
        '[approvals.delete]\napprovers = ["headteacher"]\ntwo_person = true\n'
        '[retention]\ndefault_days = 30\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def seeded(engine: Engine) -> dict[str, int]:
    """Two cases: abuse naming a pupil (comms officer's), and a safeguarding disclosure (DSL only)."""
    with session_factory(engine)() as session, session.begin():
        account = cb.school(session)
        abusive = cb.item(session, account, text=f"{PUPIL} is a liar and you are all useless", author="91",
                          author_name="Parent One", external_id="555_1_91")
        session.add(Finding(item_id=abusive.id, label="pupil_identified", score=0.9, span_start=0,
                            span_end=len(PUPIL), explanation="matches pupil on roster", detector_version="t"))
        abuse = cb.case(session, account, [abusive], due_at=cb.NOW + timedelta(days=1), sla_kind="standard")
        worrying = cb.item(session, account, text="A man keeps messaging my daughter for photos", author="92",
                           author_name="Parent Two", external_id="555_1_92")
        safeguarding = cb.case(session, account, [worrying], category="safeguarding", route="dsl", severity=4,
                               proposed_action="escalate")
        return {"abuse": abuse.id, "safeguarding": safeguarding.id}


STAFF = (("ada", "admin"), ("cora", "comms_officer"), ("hugh", "headteacher"), ("dina", "headteacher"),
         ("dev", "dsl"))


def add_users(db_url: str, *, through_cli: bool = False) -> None:
    if not through_cli:
        # Straight to the database with the fast argon2 profile; the CLI path is tested once, below.
        engine = make_engine(db_url)
        with session_factory(engine)() as session, session.begin():
            for username, role in STAFF:
                cb.user(session, username, role)
        engine.dispose()
        return
    first = run(db_url, "users", "add", "ada", "--role", "admin", "--password-stdin", stdin=cb.PASSWORD + "\n")
    assert first.exit_code == 0, first.output
    for username, role in STAFF[1:]:
        result = run(db_url, "users", "add", username, "--role", role, "--password-stdin", "--as", "ada",
                     stdin=cb.PASSWORD + "\n")
        assert result.exit_code == 0, result.output


def test_users_add_list_disable(db_url: str, seeded: dict[str, int]) -> None:
    add_users(db_url, through_cli=True)
    refused = run(db_url, "users", "add", "eve", "--role", "admin", "--password-stdin", "--as", "cora",
                  stdin=cb.PASSWORD + "\n")
    assert refused.exit_code == 2 and "only an admin may" in refused.output
    short = run(db_url, "users", "add", "eve", "--role", "viewer", "--password-stdin", "--as", "ada", stdin="abc\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    listed = json.loads(run(db_url, "users", "list", "--json").output)
    assert [(u["username"], u["role"]) for u in listed][:2] == [("ada", "admin"), ("cora", "comms_officer")]
    assert "argon2" not in json.dumps(listed)
    assert run(db_url, "users", "disable", "cora", "--as", "ada").exit_code == 0
    assert run(db_url, "cases", "list", "--as", "cora").exit_code == 2


def test_password_prompt_asks_twice_and_never_takes_an_argument(db_url: str, seeded: dict[str, int]) -> None:
    result = run(db_url, "users", "add", "ada", "--role", "admin", stdin=f"{cb.PASSWORD}\n{cb.PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert cb.PASSWORD not in result.output
    assert run(db_url, "users", "add", "bob", "--role", "viewer", "--password", cb.PASSWORD).exit_code == 2


def test_cases_list_filters_by_role_and_needs_a_name_once_users_exist(db_url: str, seeded: dict[str, int]) -> None:
    before = json.loads(run(db_url, "cases", "list", "--json").output)
    assert {c["category"] for c in before} == {"abuse", "safeguarding"}
    add_users(db_url)
    anonymous = run(db_url, "cases", "list", "--json")
    assert anonymous.exit_code == 2 and "--as USER" in anonymous.output
    cora = json.loads(run(db_url, "cases", "list", "--json", "--as", "cora").output)
    dev = json.loads(run(db_url, "cases", "list", "--json", "--as", "dev").output)
    assert [c["category"] for c in cora] == ["abuse"]
    assert {c["category"] for c in dev} == {"abuse", "safeguarding"}
    assert set(cora[0]) == set(before[0]), "the list's JSON keys do not change"


def test_safeguarding_case_is_invisible_to_the_comms_officer_in_every_command(
        db_url: str, seeded: dict[str, int], config: Path) -> None:
    add_users(db_url)
    case = str(seeded["safeguarding"])
    for args in (("show", case), ("ack", case), ("note", case, "hello"), ("approve", case, "--action", "hide"),
                 ("reject", case), ("assign", case, "cora"), ("export", "--case", case)):
        result = run(db_url, "cases", *args, "--as", "cora", config=config)
        assert result.exit_code == 2, (args, result.output)
        assert f"no case {case} that cora can see" in result.output
    shown = json.loads(run(db_url, "cases", "show", case, "--as", "dev", "--json").output)
    assert shown["category"] == "safeguarding" and "messaging my daughter" in shown["comments"][0]["text"]


def test_show_redacts_pupil_names_unless_asked(db_url: str, seeded: dict[str, int]) -> None:
    add_users(db_url)
    case = str(seeded["abuse"])
    redacted = json.loads(run(db_url, "cases", "show", case, "--as", "cora", "--json").output)
    assert redacted["comments"][0]["text"].startswith("[pupil] is a liar")
    assert redacted["sla_state"] in {"on_track", "due_soon", "overdue"}
    assert redacted["comments"][0]["can_do"]["hide"] is True
    full = json.loads(run(db_url, "cases", "show", case, "--as", "cora", "--json", "--unredacted").output)
    assert full["comments"][0]["text"].startswith(PUPIL)
    table = run(db_url, "cases", "show", case, "--as", "cora")
    assert table.exit_code == 0 and "[pupil] is a liar" in table.output and PUPIL not in table.output


def test_the_whole_workflow_from_the_command_line(db_url: str, seeded: dict[str, int], config: Path,
                                                  engine: Engine) -> None:
    add_users(db_url)
    case = str(seeded["abuse"])
    assert run(db_url, "cases", "ack", case, "--as", "cora").exit_code == 0
    assert run(db_url, "cases", "assign", case, "cora", "--as", "cora").exit_code == 0
    assert run(db_url, "cases", "note", case, "--as", "cora", stdin="Parent phoned the office.\n").exit_code == 0
    # Delete needs two headteachers under this config; the comms officer may only ask.
    refused = run(db_url, "cases", "approve", case, "--action", "delete", "--as", "cora", config=config)
    assert refused.exit_code == 2 and "may not approve delete" in refused.output
    first = run(db_url, "cases", "approve", case, "--action", "delete", "--as", "hugh", config=config)
    assert first.exit_code == 0 and "1 of 2 approvals" in first.output
    again = run(db_url, "cases", "approve", case, "--as", "hugh", config=config)
    assert again.exit_code == 2 and "a second person must approve" in again.output
    second = run(db_url, "cases", "approve", case, "--as", "dina", config=config)
    assert second.exit_code == 0 and "approved" in second.output, second.output
    reply = run(db_url, "cases", "approve", case, "--action", "reply", "--template", "removed_comment",
                "--as", "cora", config=config)
    assert reply.exit_code == 0, reply.output
    shown = json.loads(run(db_url, "cases", "show", case, "--as", "hugh", "--json").output)
    assert [(a["action"], a["status"]) for a in shown["actions"]] == [("delete", "approved"), ("reply", "approved")]
    assert [x["by"] for x in shown["actions"][0]["approvals"]] == ["hugh", "dina"]
    assert shown["actions"][1]["reply_text"].startswith("We have removed a comment from this post because it was "
                                                        "offensive.")
    assert "Oak Lane Primary" in shown["actions"][1]["reply_text"]
    assert shown["status"] == "awaiting_approval" and shown["assignee"] == "cora"
    assert [n["text"] for n in shown["notes"]] == ["Parent phoned the office."]
    table = run(db_url, "cases", "show", case, "--as", "hugh")
    assert table.exit_code == 0, table.output
    assert "approved" in table.output and "Parent phoned the office." in table.output
    # A reject with nothing pending dismisses; here requests are pending, so it rejects them.
    rejected = run(db_url, "cases", "reject", case, "--request", str(shown["actions"][1]["request_id"]),
                   "--reason", "wording", "--as", "cora", config=config)
    assert rejected.exit_code == 0 and "Rejected request" in rejected.output

    verify = runner.invoke(main_app, ["audit", "verify", "--database", db_url])
    assert verify.exit_code == 0 and "chain intact" in verify.output
    with engine.begin() as connection:
        approval = connection.execute(text("SELECT id FROM audit_events WHERE event_type = 'action.approved' "
                                           "ORDER BY id LIMIT 1")).scalar_one()
        connection.execute(text("UPDATE audit_events SET actor = 'cora' WHERE id = :id"), {"id": approval})
    broken = runner.invoke(main_app, ["audit", "verify", "--database", db_url])
    assert broken.exit_code == 1 and f"BROKEN at audit event {approval}" in broken.output


def test_reject_without_pending_requests_dismisses_the_case(db_url: str, seeded: dict[str, int],
                                                            engine: Engine) -> None:
    add_users(db_url)
    result = run(db_url, "cases", "reject", str(seeded["abuse"]), "--reason", "not a breach", "--as", "cora")
    assert result.exit_code == 0 and "dismissed" in result.output
    with session_factory(engine)() as session:
        case = session.get(Case, seeded["abuse"])
        assert case is not None and case.status == "dismissed" and case.resolved_at is not None


class _Html(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.sections = 0
        self.headers: list[str] = []
        self._in_th = False
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "section":
            self.sections += 1
        self._in_th = tag == "th"
        if tag not in {"meta", "br"}:
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open_tags and self.open_tags[-1] == tag, f"</{tag}> closes <{self.open_tags[-1:]}>"
        self.open_tags.pop()
        self._in_th = False

    def handle_data(self, data: str) -> None:
        if self._in_th and data.strip():
            self.headers.append(data.strip())


def test_report_form_exports_open_as_csv_and_printable_html(db_url: str, seeded: dict[str, int],
                                                             tmp_path: Path) -> None:
    add_users(db_url)
    out = tmp_path / "forms.csv"
    result = run(db_url, "cases", "export", "--from", "2026-11-18", "--to", "2026-11-18", "--format", "csv",
                 "--output", str(out), "--as", "cora")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1, "the safeguarding case is not the comms officer's to export"
    row = rows[0]
    for field in ("Staff name (submitting report)", "Name of individual posting the content (if known)", "Date",
                  "Full URL(s)", "Nature of inappropriate content", "Action taken", "Signature"):
        assert field in row
    assert row["Name of individual posting the content (if known)"] == "Parent One"
    assert row["Content (redacted)"].startswith("[pupil] is a liar") and PUPIL not in out.read_text(encoding="utf-8-sig")
    assert row["Full URL(s)"].startswith("https://www.facebook.com/")

    html = run(db_url, "cases", "export", "--case", str(seeded["abuse"]), "--format", "html", "--as", "cora")
    assert html.exit_code == 0
    parser = _Html()
    parser.feed(html.output)
    assert parser.sections == 1 and parser.open_tags == []
    assert "Nature of inappropriate content" in parser.headers and "Signature" in parser.headers
    assert "@page" in html.output and PUPIL not in html.output


def test_safeguarding_csv_is_for_the_dsl(db_url: str, seeded: dict[str, int]) -> None:
    add_users(db_url)
    args = ("cases", "export", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "safeguarding-csv")
    refused = run(db_url, *args, "--as", "hugh")
    assert refused.exit_code == 2 and "DSL or admin only" in refused.output
    result = run(db_url, *args, "--as", "dev")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert len(rows) == 1
    assert rows[0]["Concern details"] == "A man keeps messaging my daughter for photos"
    assert rows[0]["Date of concern"] == "18/11/2026" and rows[0]["SocialGuard case"] == str(seeded["safeguarding"])


def test_subject_access_export_holds_everything_about_one_author(db_url: str, seeded: dict[str, int],
                                                                 engine: Engine) -> None:
    add_users(db_url)
    with session_factory(engine)() as session, session.begin():
        case = session.get(Case, seeded["abuse"])
        assert case is not None
        session.add(CaseNote(case_id=case.id, author="cora", body="Spoke to them.", created_at=cb.NOW))
    result = run(db_url, "cases", "export", "--format", "subject-access", "--author", "facebook:91", "--as", "cora")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["subject"] == {"platform": "facebook", "author_external_id": "91", "names_seen": ["Parent One"]}
    assert [c["text"] for c in data["comments"]] == [f"{PUPIL} is a liar and you are all useless"]
    assert [c["id"] for c in data["cases"]] == [seeded["abuse"]] and data["notes"][0]["text"] == "Spoke to them."
    # The safeguarding author's export would reveal a DSL-only case: refused for the comms officer.
    refused = run(db_url, "cases", "export", "--format", "subject-access", "--author", "facebook:92", "--as", "cora")
    assert refused.exit_code == 2 and "ask the DSL or an admin" in refused.output


def test_retention_dry_run_shows_what_would_go_then_erases_it(db_url: str, seeded: dict[str, int], config: Path,
                                                               engine: Engine) -> None:
    add_users(db_url)
    assert run(db_url, "cases", "reject", str(seeded["abuse"]), "--as", "cora").exit_code == 0
    with engine.begin() as connection:  # closed long ago
        connection.execute(text("UPDATE cases SET resolved_at = :when WHERE id = :id"),
                           {"when": "2020-01-01 00:00:00", "id": seeded["abuse"]})
    dry = run(db_url, "retention", "run", "--dry-run", "--json", config=config)
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.output)
    assert [c["case_id"] for c in report["cases"]] == [seeded["abuse"]] and report["dry_run"]
    with session_factory(engine)() as session:
        assert session.scalars(select(Item.text).where(Item.case_id == seeded["abuse"])).one() is not None
    table = run(db_url, "retention", "run", "--dry-run", config=config)
    assert "Would erase 1 case(s)" in table.output and "Nothing was changed" in table.output
    assert run(db_url, "retention", "run", config=config).exit_code == 0
    with session_factory(engine)() as session:
        item = session.scalars(select(Item).where(Item.case_id == seeded["abuse"])).one()
        assert item.text is None and item.author_name is None and item.author_external_id is None
        case = session.get(Case, seeded["abuse"])
        assert case is not None and case.category == "abuse" and case.erased_at is not None
        open_item = session.scalars(select(Item).where(Item.case_id == seeded["safeguarding"])).one()
        assert open_item.text is not None, "open cases are never erased"
    shown = json.loads(run(db_url, "cases", "show", str(seeded["abuse"]), "--as", "cora", "--json").output)
    assert shown["comments"][0]["text"] is None and shown["history"][-1]["event"] == "retention.case_erased"
    assert runner.invoke(main_app, ["audit", "verify", "--database", db_url]).exit_code == 0


def test_sla_report_gives_figures_by_category_and_month(db_url: str, seeded: dict[str, int], engine: Engine) -> None:
    add_users(db_url)
    with session_factory(engine)() as session, session.begin():
        case = session.get(Case, seeded["abuse"])
        assert case is not None
        case.first_response_at = case.received_at + timedelta(hours=3)
    result = run(db_url, "sla", "report", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"category": "abuse", "month": "2026-11", "cases": 1, "responded": 1, "median_response_s": 10800.0,
            "p95_response_s": 10800.0, "met": 1, "missed": 0, "overdue": 0, "pending": 0, "pct_met": 100.0} in rows
    assert run(db_url, "sla", "report").exit_code == 0


def test_approved_actions_need_the_config_to_run(db_url: str, seeded: dict[str, int]) -> None:
    result = run(db_url, "actions", "run")
    assert result.exit_code == 2 and "no config file" in result.output


def test_users_are_looked_up_case_sensitively_and_must_exist(db_url: str, seeded: dict[str, int],
                                                              engine: Engine) -> None:
    add_users(db_url)
    result = run(db_url, "cases", "show", str(seeded["abuse"]), "--as", "nobody")
    assert result.exit_code == 2 and "no user called 'nobody'" in result.output
    with session_factory(engine)() as session:
        assert get_user(session, "cora").role == "comms_officer"
