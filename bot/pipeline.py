"""One poll: fetch a page, then in one transaction store new items, findings, cases, alerts and the cursor.

Delivery from connectors is at-least-once. The UNIQUE (platform, external_id) key on items makes it
effectively-once: a crash anywhere before the commit leaves the old cursor in place, the next poll fetches the
same items again, and only the ones not yet stored open cases. Classification runs outside the write
transaction so a slow detector never holds database locks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from bot import audit, health, workflow
from bot.models import Account, Case, CursorState, Finding, Item, OutboxMessage
from bot.redact import excerpt
from bot.sla import WorkingCalendar
from classifiers.base import Finding as FoundFinding
from classifiers.base import Label
from classifiers.engine import Analyzer
from classifiers.policy import Assessment, PolicyConfig, Severity, assess
from connectors import base as cb
from connectors.errors import ConnectorError

logger = logging.getLogger(__name__)

SYSTEM_ACTOR = "system"
#: Category for an item the detectors failed on: a person must read it rather than it passing unseen.
UNCLASSIFIED = "unclassified"


@dataclass(frozen=True)
class SchoolRuntime:
    """Everything the pipeline needs to judge one school's items, loaded once per process."""

    school_id: int
    slug: str
    analyzer: Analyzer
    policy: PolicyConfig
    calendar: WorkingCalendar


@dataclass
class PollResult:
    account_id: int
    pages: int = 0
    fetched: int = 0
    new_items: int = 0
    duplicates: int = 0
    new_cases: int = 0
    case_ids: list[int] = field(default_factory=list)

    def add(self, other: PollResult) -> None:
        self.pages += other.pages
        self.fetched += other.fetched
        self.new_items += other.new_items
        self.duplicates += other.duplicates
        self.new_cases += other.new_cases
        self.case_ids.extend(other.case_ids)


@dataclass(frozen=True)
class _Judged:
    item: cb.Item
    findings: tuple[FoundFinding, ...]
    assessment: Assessment | None
    failed: bool = False


class Pipeline:
    """Polls connectors and turns what they return into stored items and cases."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        clock: cb.Clock = cb.utc_now,
        before_commit: Callable[[Session], None] | None = None,
        log_comment_text: bool = False,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        # A seam for crash-injection tests: runs inside the transaction just before COMMIT.
        self._before_commit = before_commit
        self._log_text = log_comment_text

    # -- polling -------------------------------------------------------------------------------------------

    def poll(self, runtime: SchoolRuntime, account_id: int, connector: cb.Connector, *, max_pages: int = 100) -> PollResult:
        """Fetch pages until the connector has no more (or ``max_pages``); each page commits on its own."""
        total = PollResult(account_id)
        try:
            for _ in range(max_pages):
                cursor = self.load_cursor(account_id)
                page = connector.fetch(cursor)
                total.add(self.ingest(runtime, account_id, page.items, next_cursor=page.next_cursor))
                if not page.has_more:
                    break
        except ConnectorError as exc:
            self._record_health(account_id, exc)
            raise
        self._record_health(account_id, None)
        return total

    def load_cursor(self, account_id: int) -> dict[str, Any] | None:
        with self._sessions() as session:
            state = session.get(CursorState, account_id)
            return dict(state.value) if state else None

    def _record_health(self, account_id: int, error: ConnectorError | None) -> None:
        with self._sessions() as session, session.begin():
            account = session.get(Account, account_id)
            if account is not None:
                health.record(session, account, error, now=self._clock())

    # -- ingest --------------------------------------------------------------------------------------------

    def ingest(
        self,
        runtime: SchoolRuntime,
        account_id: int,
        items: Sequence[cb.Item],
        *,
        next_cursor: cb.Cursor | None = None,
    ) -> PollResult:
        """Store ``items`` (skipping ones already stored), open cases, queue alerts and save ``next_cursor``,
        all in one transaction. Used by polling and by webhooks (which pass no cursor)."""
        result = PollResult(account_id, pages=1, fetched=len(items))
        unique = list({item.external_id: item for item in items}.values())
        result.duplicates += len(items) - len(unique)
        known = self._known_states(unique)
        judged = self._judge_all(runtime, [item for item in unique if (item.platform, item.external_id) not in known])

        with self._sessions() as session, session.begin():
            for item in unique:
                state = known.get((item.platform, item.external_id))
                if state is not None and state != item.platform_state.value:
                    session.execute(
                        update(Item)
                        .where(Item.platform == item.platform, Item.external_id == item.external_id)
                        .values(platform_state=item.platform_state.value)
                    )
            result.duplicates += len(unique) - len(judged)
            for entry in judged:
                item_id = self._insert_item(session, runtime, account_id, entry.item)
                if item_id is None:  # another writer (a webhook, a second poller) stored it first
                    result.duplicates += 1
                    continue
                result.new_items += 1
                self._store_findings(session, item_id, entry.findings)
                if entry.assessment is not None or entry.failed:
                    case = self._open_case(session, runtime, item_id, entry)
                    if case is not None:
                        result.new_cases += 1
                        result.case_ids.append(case.id)
            if next_cursor is not None:
                self._save_cursor(session, account_id, next_cursor)
            if self._before_commit is not None:
                self._before_commit(session)
        logger.info(
            "account %s: %d fetched, %d new, %d already stored, %d new cases",
            account_id, result.fetched, result.new_items, result.duplicates, result.new_cases,
        )
        return result

    def apply_states(self, platform: str, states: dict[str, cb.PlatformState]) -> int:
        """Record that stored items were hidden, unhidden or removed on the platform; return how many changed.
        Items never stored are ignored: a state change carries no text to judge."""
        changed = 0
        with self._sessions() as session, session.begin():
            for external_id, state in states.items():
                row = session.execute(
                    update(Item)
                    .where(Item.platform == platform, Item.external_id == external_id, Item.platform_state != state.value)
                    .values(platform_state=state.value)
                    .returning(Item.id)
                ).first()
                changed += row is not None
        return changed

    def _known_states(self, items: Sequence[cb.Item]) -> dict[tuple[str, str], str]:
        known: dict[tuple[str, str], str] = {}
        by_platform: dict[str, list[str]] = {}
        for item in items:
            by_platform.setdefault(item.platform, []).append(item.external_id)
        with self._sessions() as session:
            for platform, ids in by_platform.items():
                for start in range(0, len(ids), 500):
                    rows = session.execute(
                        select(Item.external_id, Item.platform_state).where(
                            Item.platform == platform, Item.external_id.in_(ids[start : start + 500])
                        )
                    )
                    known.update({(platform, ext): state for ext, state in rows})
        return known

    def _judge_all(self, runtime: SchoolRuntime, items: Sequence[cb.Item]) -> list[_Judged]:
        """Classify new items in one encoder batch; if the batch fails, judge them one by one so a single
        comment that breaks a detector cannot hide its neighbours."""
        judged: dict[int, _Judged] = {}
        batch: list[tuple[int, cb.Item]] = []
        for index, item in enumerate(items):
            if item.author.external_id is not None and item.author.external_id == item.account_external_id:
                # The school's own posts and replies are stored for context but are not the school's to moderate.
                judged[index] = _Judged(item, (), None)
            else:
                batch.append((index, item))
        if batch:
            try:
                results = runtime.analyzer.analyze_many([item.text for _, item in batch])
            except Exception:  # isolate the culprit below
                logger.warning("batch classification failed; classifying %d items one by one", len(batch))
                judged.update((index, self._judge(runtime, item)) for index, item in batch)
            else:
                for (index, item), findings in zip(batch, results, strict=True):
                    judged[index] = _Judged(item, tuple(findings), assess(findings, runtime.policy))
        return [judged[index] for index in range(len(items))]

    def _judge(self, runtime: SchoolRuntime, item: cb.Item) -> _Judged:
        try:
            findings = tuple(runtime.analyzer.analyze(item.text))
            return _Judged(item, findings, assess(findings, runtime.policy))
        except Exception:  # a detector bug must not lose the item or block the account: a person reads it
            logger.exception("classification failed for %s item %s", item.platform, item.external_id)
            return _Judged(item, (), None, failed=True)

    def _insert_item(self, session: Session, runtime: SchoolRuntime, account_id: int, item: cb.Item) -> int | None:
        values = {
            "school_id": runtime.school_id,
            "account_id": account_id,
            "platform": item.platform,
            "external_id": item.external_id,
            "kind": item.kind.value,
            "parent_external_id": item.parent_external_id,
            "post_external_id": item.post_external_id,
            "author_external_id": item.author.external_id,
            "author_name": item.author.display_name,
            "text": item.text,
            "permalink": item.permalink,
            "created_at": item.created_at,
            "fetched_at": self._clock(),
            "platform_state": item.platform_state.value,
            "can_hide": item.can_hide,
            "can_delete": item.can_delete,
            "can_reply": item.can_reply,
        }
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(Item)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["platform", "external_id"])
            .returning(Item.id)
        )
        return session.execute(stmt).scalar_one_or_none()

    @staticmethod
    def _store_findings(session: Session, item_id: int, findings: Sequence[FoundFinding]) -> None:
        session.add_all(
            Finding(
                item_id=item_id,
                label=f.label.value,
                score=round(f.score, 4),
                span_start=f.start,
                span_end=f.end,
                explanation=f.explanation,
                detector_version=f.detector_version,
                attributes=dict(f.attributes),
            )
            for f in findings
        )

    def _open_case(self, session: Session, runtime: SchoolRuntime, item_id: int, entry: _Judged) -> Case | None:
        """Open a case for the item, or add it to an open related case (same thread, or same author in a
        burst); returns the new case, or ``None`` when the item joined an existing one."""
        now = self._clock()
        received_at = min(entry.item.created_at, now)
        a = entry.assessment
        if a is None:
            category, severity, route, action = UNCLASSIFIED, int(Severity.MEDIUM), "comms_officer", "review"
            needs_response, sla_kind = False, None
            reasons = ["automatic classification failed for this comment; please read it"]
        else:
            category, severity, route, action = a.category.value, int(a.severity), a.route.value, a.proposed_action.value
            needs_response, sla_kind, reasons = a.needs_response, a.sla_kind, list(a.reasons)
        due_at = runtime.calendar.due_at(received_at, sla_kind) if sla_kind else None
        placement = workflow.place_item(session, item_id=item_id, category=category, route=route, severity=severity,
                                        needs_response=needs_response, sla_kind=sla_kind, due_at=due_at, now=now)
        if placement.case is not None:
            session.add(self._alert(runtime, placement.case, entry, item_id=item_id, now=now))
            return None
        case = Case(
            school_id=runtime.school_id,
            status="new",
            category=category,
            severity=severity,
            route=route,
            proposed_action=action,
            needs_response=needs_response,
            sla_kind=sla_kind,
            reasons=reasons,
            opened_at=now,
            received_at=received_at,
            due_at=due_at,
        )
        session.add(case)
        session.flush()
        session.execute(update(Item).where(Item.id == item_id).values(case_id=case.id))
        audit.record(
            session, actor=SYSTEM_ACTOR, event_type="case.opened", case_id=case.id, school_id=runtime.school_id,
            payload={"category": category, "severity": severity, "route": route, "item_id": item_id,
                     "platform": entry.item.platform, "external_id": entry.item.external_id},
            now=now,
        )
        workflow.link_cases(session, case, placement.related, now=now)
        session.add(self._alert(runtime, case, entry))
        return case

    @staticmethod
    def _alert(runtime: SchoolRuntime, case: Case, entry: _Judged, *, item_id: int | None = None,
               now: datetime | None = None) -> OutboxMessage:
        """The alert for a new case, or (with ``item_id``) for a new item joining an open case."""
        restricted = case.category == Label.SAFEGUARDING.value
        payload: dict[str, Any] = {
            "case_id": case.id,
            "school": runtime.slug,
            "category": case.category,
            "severity": case.severity,
            "route": case.route,
            "proposed_action": case.proposed_action,
            "platform": entry.item.platform,
            "permalink": entry.item.permalink,
            "due_at": case.due_at.isoformat() if case.due_at else None,
            "reasons": case.reasons,
            # Safeguarding text is for the DSL's eyes only: the alert says where to look, not what was said.
            "excerpt": None if restricted else excerpt(entry.item.text, entry.findings),
            "restricted": restricted,
        }
        return OutboxMessage(
            school_id=runtime.school_id,
            case_id=case.id,
            kind="case_opened" if item_id is None else "case_item_added",
            payload=payload,
            dedupe_key=f"case:{case.id}:opened" if item_id is None else f"case:{case.id}:item:{item_id}",
            created_at=now or case.opened_at,
            available_at=now or case.opened_at,
        )

    def _save_cursor(self, session: Session, account_id: int, cursor: cb.Cursor) -> None:
        version = cursor.get("v")
        if not isinstance(version, int):
            raise ValueError("connector returned a cursor without an integer 'v' version")
        state = session.get(CursorState, account_id)
        value = dict(cursor)
        if state is None:
            session.add(CursorState(account_id=account_id, version=version, value=value, updated_at=self._clock()))
        else:
            state.version, state.value, state.updated_at = version, value, self._clock()
