"""The case lifecycle, notes, assignment and grouping of related items; every change leaves an audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot import audit
from bot.models import AuditEvent, Case, CaseNote, Item
from bot.workflow import (
    CaseStatus,
    LinkReason,
    PermissionDeniedError,
    WorkflowError,
    acknowledge,
    add_note,
    assign,
    attach_item,
    dismiss,
    find_group,
    link_cases,
    load_case,
    related_cases,
    transition,
)
from tests.bot import casebook as cb

NOW = cb.NOW


def events(session: Session, case_id: int) -> list[str]:
    return list(session.scalars(select(AuditEvent.event_type).where(AuditEvent.case_id == case_id)
                                .order_by(AuditEvent.id)))


def test_acknowledging_stops_the_response_clock_and_is_audited(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)], due_at=NOW + timedelta(hours=20))
        cora = cb.user(session, "cora", "comms_officer")
        acknowledge(session, case, cora, now=NOW + timedelta(minutes=5))
        case_id = case.id
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status == "acknowledged"
        assert case.first_response_at == NOW + timedelta(minutes=5)
        assert events(session, case_id) == ["case.opened", "case.acknowledged"]
        event = session.scalars(select(AuditEvent).where(AuditEvent.event_type == "case.acknowledged")).one()
        assert event.actor == "cora" and event.payload == {"from": "new"}
        assert audit.verify(session).ok


def test_the_lifecycle_refuses_moves_it_does_not_allow(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)])
        with pytest.raises(WorkflowError, match="cannot go from new to actioned"):
            transition(session, case, CaseStatus.ACTIONED, actor="x", now=NOW)
        cora = cb.user(session, "cora", "comms_officer")
        dismiss(session, case, cora, reason=None, now=NOW)
        with pytest.raises(WorkflowError, match="is dismissed"):
            dismiss(session, case, cora, reason=None, now=NOW)
        with pytest.raises(WorkflowError, match="already dismissed"):
            acknowledge(session, case, cora, now=NOW)


def test_dismissing_closes_the_case_and_keeps_the_reason_as_a_note(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)])
        cora = cb.user(session, "cora", "comms_officer")
        dismiss(session, case, cora, reason="banter between two parents who know each other", now=NOW)
        case_id = case.id
    with sessions() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.status == "dismissed" and case.resolved_at == NOW
        assert case.resolution == "dismissed" and case.first_response_at == NOW
        note = session.scalars(select(CaseNote)).one()
        assert note.body is not None and note.body.startswith("Dismissed: banter")
        assert events(session, case_id) == ["case.opened", "case.note_added", "case.dismissed"]
        # The note's text never enters the append-only audit log: it could not be erased later.
        dumped = str([e.payload for e in session.scalars(select(AuditEvent))])
        assert "banter" not in dumped


def test_notes_are_stored_and_audited_without_their_text(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)])
        cora = cb.user(session, "cora", "comms_officer")
        note = add_note(session, case, cora, "Phoned the parent; they apologised.", now=NOW)
        payload = session.scalars(select(AuditEvent.payload).where(AuditEvent.event_type == "case.note_added")).one()
        assert payload == {"note_id": note.id, "chars": len("Phoned the parent; they apologised.")}
        with pytest.raises(WorkflowError, match="empty"):
            add_note(session, case, cora, "   ", now=NOW)
        viewer = cb.user(session, "vic", "viewer")
        with pytest.raises(PermissionDeniedError, match="vic \\(viewer\\) cannot add a note"):
            add_note(session, case, viewer, "hello", now=NOW)


def test_a_safeguarding_case_cannot_be_assigned_to_someone_who_may_not_see_it(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        case = cb.case(session, account, [cb.item(session, account)], category="safeguarding", route="dsl")
        staff = cb.staff(session)
        with pytest.raises(PermissionDeniedError, match="cora \\(comms_officer\\) cannot work on case"):
            assign(session, case, staff["dsl"], "cora", now=NOW)
        assign(session, case, staff["admin"], "dev", now=NOW)
        assert case.assignee == "dev"
        with pytest.raises(WorkflowError, match=f"no case {case.id} that cora can see"):
            load_case(session, case.id, staff["comms"])


def test_a_second_comment_from_the_same_author_joins_the_open_case(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        first = cb.item(session, account, author="42", created_at=NOW - timedelta(minutes=30))
        case = cb.case(session, account, [first], severity=2)
        second = cb.item(session, account, author="42", created_at=NOW - timedelta(minutes=5), post="555_other")
        grouping = find_group(session, item_id=second.id, category="abuse", route="comms_officer",
                              needs_response=False)
        assert grouping.case is case and grouping.reason is LinkReason.SAME_AUTHOR
        attach_item(session, case, second.id, reason=grouping.reason, severity=3, needs_response=False,
                    sla_kind=None, due_at=None, now=NOW)
        assert second.case_id == case.id and case.severity == 3
        assert events(session, case.id)[-1] == "case.item_added"


def test_a_reply_in_the_thread_joins_the_case_and_brings_its_deadline(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        root = cb.item(session, account, author="42", external_id="555_1_100")
        case = cb.case(session, account, [root])
        reply = cb.item(session, account, author="77", parent="555_1_100", created_at=NOW + timedelta(hours=5))
        grouping = find_group(session, item_id=reply.id, category="abuse", route="comms_officer",
                              needs_response=True)
        assert grouping.case is case and grouping.reason is LinkReason.SAME_THREAD
        due = NOW + timedelta(days=1)
        attach_item(session, case, reply.id, reason=grouping.reason, severity=2, needs_response=True,
                    sla_kind="standard", due_at=due, now=NOW)
        assert case.due_at == due and case.needs_response


def test_related_items_of_another_category_or_a_closed_case_only_link(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        first = cb.item(session, account, author="42")
        case = cb.case(session, account, [first])
        # Same author, but a safeguarding disclosure: never merged into a case non-DSL staff can see.
        other = cb.item(session, account, author="42", created_at=NOW)
        grouping = find_group(session, item_id=other.id, category="safeguarding", route="dsl", needs_response=False)
        assert grouping.case is None and grouping.related == ((case.id, LinkReason.SAME_AUTHOR),)
        new_case = cb.case(session, account, [other], category="safeguarding", route="dsl")
        link_cases(session, new_case, grouping.related, now=NOW)
        assert [(c.id, r) for c, r in related_cases(session, case.id)] == [(new_case.id, "same_author")]
        assert [(c.id, r) for c, r in related_cases(session, new_case.id)] == [(case.id, "same_author")]
        # Another person piling onto the same post within the burst: linked, not merged.
        pile_on = cb.item(session, account, author="55", created_at=NOW)
        grouping = find_group(session, item_id=pile_on.id, category="abuse", route="comms_officer",
                              needs_response=False)
        assert grouping.case is None and (case.id, LinkReason.SAME_POST) in grouping.related


def test_the_same_author_outside_the_burst_window_opens_a_new_case(sessions: sessionmaker[Session]) -> None:
    with sessions() as session, session.begin():
        account = cb.school(session)
        cb.case(session, account, [cb.item(session, account, author="42", created_at=NOW - timedelta(days=3))])
        later = cb.item(session, account, author="42", created_at=NOW, post="555_2")
        grouping = find_group(session, item_id=later.id, category="abuse", route="comms_officer",
                              needs_response=False)
        assert grouping.case is None and grouping.related == ()
        assert session.scalars(select(Item).where(Item.case_id.is_(None))).one() is later
