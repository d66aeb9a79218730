"""`Assistant`: the one object adapters hold. `handle(event)` serves every person in chat; the
other methods are the same services for the command line, background work and tests.

Every method is keyword-only, takes the acting `Person` where someone acts, checks what that
person may see or do (`bot.core.auth.permissions`), and returns rendering-free values.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Sequence

from bot.core import addresses, events, feedback, identity, records, scheduler
from bot.core import insights as usage
from bot.core import overview as overviews
from bot.core.asking.ports import Answerer
from bot.core.asking.service import Asking
from bot.core.asking.types import AskResult
from bot.core.audit.types import AuditView
from bot.core.bank import service as bank
from bot.core.bank.types import EntryView
from bot.core.clock import Clock, SystemClock
from bot.core.config import CoreConfig
from bot.core.context import Context
from bot.core.content.model import Card
from bot.core.conversation import owed
from bot.core.conversation.deps import Deps
from bot.core.conversation.events import Event
from bot.core.conversation.handler import Conversation
from bot.core.conversation.replies import Reply
from bot.core.directory.model import Directory, DirectorySource, Person, Platform
from bot.core.escalations import service as escalations
from bot.core.escalations.types import EscalationView, ForwardTarget
from bot.core.guidance import service as guidance
from bot.core.notifications.dispatcher import Dispatcher
from bot.core.notifications.registry import NotifierRegistry
from bot.core.reports import service as reports
from bot.core.reports.types import ReportInput, ReportReceipt, ReportView
from bot.core.storage.db import Database
from bot.core.storage.migrate import upgrade
from bot.core.tokens import Signer


class Assistant:
    def __init__(
        self,
        *,
        db: Database,
        directory: DirectorySource,
        answerer: Answerer | Callable[[], Answerer] | None = None,
        notifiers: NotifierRegistry | None = None,
        clock: Clock | None = None,
        config: CoreConfig | None = None,
    ):
        """`answerer` may be a zero-argument factory, so the ~4 s index load happens on first ask."""
        self.ctx = Context(db=db, directory_source=directory, clock=clock or SystemClock(), config=config or CoreConfig())
        self.notifiers = notifiers or NotifierRegistry()
        self._answerer = answerer
        self.signer = Signer(db)
        self.asking = Asking(ctx=self.ctx, signer=self.signer)
        self.learned = bank.LearnedSync(every_seconds=self.ctx.config.learned_refresh_seconds)
        self.conversation = Conversation(Deps(ctx=self.ctx, get_answerer=lambda: self.answerer, asking=self.asking,
                                              signer=self.signer, learned=self.learned))

    # -- infrastructure -------------------------------------------------------------------
    @property
    def db(self) -> Database:
        return self.ctx.db

    @property
    def directory(self) -> Directory:
        return self.ctx.directory

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            raise RuntimeError("no policy index configured")
        if callable(self._answerer) and not hasattr(self._answerer, "ask"):
            self._answerer = self._answerer()
        return self._answerer  # type: ignore[return-value]

    def migrate(self) -> None:
        """Apply pending database migrations (done on start by the composition root)."""
        upgrade(self.ctx.db)

    # -- the conversation -------------------------------------------------------------------
    def handle(self, event: Event) -> Reply:
        """Everything a person does in chat: a message, a button, a form. Blocking: run in a thread."""
        return self.conversation.handle(event)

    def owe(self, *, recipient: str, card: Card, key: str) -> bool:
        """A reply the platform could not take now: delivered later through the outbox, once."""
        return owed.owe(ctx=self.ctx, recipient=recipient, card=card, key=key)

    # -- people ---------------------------------------------------------------------------
    def identify(self, *, platform: Platform | str, user_id: str, email: str | None = None) -> Person | None:
        """The directory person behind a platform account (see `bot.core.identity`), or None."""
        return identity.identify(ctx=self.ctx, platform=Platform(platform), user_id=user_id, email=email)

    def actor(self, *, platform: Platform | str, user_id: str, email: str | None = None) -> Person:
        """Like `identify`, but raises `UnknownPerson` (with a user-facing message)."""
        return identity.require(ctx=self.ctx, platform=Platform(platform), user_id=user_id, email=email)

    def first_delivery(self, *, platform: Platform | str, event_id: str) -> bool:
        """True the first time a platform event id is seen; False for a retried delivery."""
        return events.first_delivery(ctx=self.ctx, platform=Platform(platform).value, event_id=event_id)

    def remember_address(self, *, platform: Platform | str, key: str, data: dict) -> None:
        """Durably keep how `platform` can reach `key` proactively (e.g. a conversation reference)."""
        addresses.remember(ctx=self.ctx, platform=Platform(platform).value, key=key, data=data)

    def recall_address(self, *, platform: Platform | str, key: str) -> dict | None:
        return addresses.recall(ctx=self.ctx, platform=Platform(platform).value, key=key)

    def remember_card(self, *, platform: Platform | str, subject_ref: str, recipient: str, location: dict) -> None:
        """Where the bot posted a card about an item to someone (the places an action may update)."""
        addresses.remember_card(ctx=self.ctx, platform=Platform(platform).value, subject_ref=subject_ref,
                                recipient=recipient, location=location)

    def card_locations(self, *, platform: Platform | str, subject_ref: str, recipient: str) -> list[dict]:
        return addresses.card_locations(ctx=self.ctx, platform=Platform(platform).value, subject_ref=subject_ref,
                                        recipient=recipient)

    # -- asking ---------------------------------------------------------------------------
    def ask(self, *, question: str, asker: Person | None, top_k: int = 3) -> AskResult:
        """Answer from the policy, attach matching guidance, log the question anonymously."""
        self.conversation.refresh_learned()
        return self.asking.ask(answerer=self.answerer, question=question, asker=asker, top_k=top_k)

    def record_feedback(self, *, helpful: bool, clause_id: str | None, policy_id: str | None = None) -> None:
        """"Helpful" / "Not helpful" on an answer; stored without who gave it."""
        feedback.record(ctx=self.ctx, helpful=helpful, clause_id=clause_id, policy_id=policy_id)

    # -- escalations ----------------------------------------------------------------------
    def escalate(self, *, asker: Person, question: str, clause_ids: Sequence[str] = (),
                 concerns: Sequence[str] = (), idempotency_key: str | None = None) -> EscalationView:
        """"Ask my line manager": route the question (policy 1.3) and notify the recipient."""
        return escalations.escalate(ctx=self.ctx, asker=asker, question=question, clause_ids=clause_ids,
                                    concerns=concerns, idempotency_key=idempotency_key)

    def answer_escalation(self, *, actor: Person, ref: str, text: str, save_as_guidance: bool = False,
                          guidance_text: str | None = None) -> EscalationView:
        return escalations.answer(ctx=self.ctx, actor=actor, ref=ref, text=text, save_as_guidance=save_as_guidance,
                                  guidance_text=guidance_text, encode=self._encoder())

    def forward_escalation(self, *, actor: Person, ref: str, to: ForwardTarget | str,
                           note: str | None = None) -> EscalationView:
        return escalations.forward(ctx=self.ctx, actor=actor, ref=ref, to=ForwardTarget(to), note=note)

    def resolve_escalation(self, *, actor: Person, ref: str) -> EscalationView:
        """The asker marks their query resolved; it closes."""
        return escalations.resolve(ctx=self.ctx, actor=actor, ref=ref)

    def get_escalation(self, *, actor: Person, ref: str) -> EscalationView:
        return escalations.get(ctx=self.ctx, actor=actor, ref=ref)

    def list_escalations(self, *, actor: Person, include_closed: bool = True) -> list[EscalationView]:
        """The actor's own queries and those routed to them, newest first."""
        return escalations.list_for(ctx=self.ctx, actor=actor, include_closed=include_closed)

    def retire_guidance(self, *, actor: Person, guidance_id: int) -> None:
        guidance.retire(ctx=self.ctx, actor=actor, guidance_id=guidance_id)

    # -- reports --------------------------------------------------------------------------
    def submit_report(self, *, reporter: Person, report: ReportInput,
                      idempotency_key: str | None = None) -> ReportReceipt:
        """Saved (with its notification and the reporter's receipt queued) before this returns."""
        return reports.submit(ctx=self.ctx, reporter=reporter, report=report, idempotency_key=idempotency_key)

    def acknowledge_report(self, *, actor: Person, ref: str) -> ReportView:
        return reports.acknowledge(ctx=self.ctx, actor=actor, ref=ref)

    def start_investigation(self, *, actor: Person, ref: str) -> ReportView:
        return reports.investigate(ctx=self.ctx, actor=actor, ref=ref)

    def close_report(self, *, actor: Person, ref: str, outcome: str) -> ReportView:
        return reports.close(ctx=self.ctx, actor=actor, ref=ref, outcome=outcome)

    def get_report(self, *, actor: Person, ref: str) -> ReportView:
        return reports.get(ctx=self.ctx, actor=actor, ref=ref)

    def list_reports(self, *, actor: Person, include_closed: bool = True) -> list[ReportView]:
        return reports.list_for(ctx=self.ctx, actor=actor, include_closed=include_closed)

    def my_reports(self, *, reporter: Person) -> list[ReportReceipt]:
        """The reporter's own reports: reference and status only."""
        return reports.receipts_for(ctx=self.ctx, reporter=reporter)

    # -- the question bank (learning from use) ------------------------------------------------
    def bank_pending(self, *, actor: Person) -> list[EntryView]:
        """Suggestions awaiting review in the policies this person owns (PermissionDenied if none)."""
        answerer = self.answerer
        return [bank.placed(e, answerer) for e in bank.pending(ctx=self.ctx, actor=actor, policies=answerer.policies)]

    def bank_decide(self, *, actor: Person, entry_id: int, approve: bool) -> EntryView:
        entry = bank.decide(ctx=self.ctx, actor=actor, entry_id=entry_id, approve=approve,
                            policies=self.answerer.policies)
        self.learned.refresh(ctx=self.ctx, answerer=self.answerer, force=True)
        return bank.placed(entry, self.answerer)

    def bank_add(self, *, actor: Person, question: str, clause_id: str, policy_id: str | None = None) -> EntryView:
        """The owner adds (question, clause), approved at once. `clause_id` may also be words
        quoted from the clause, as a bank heading quotes them."""
        answerer = self.answerer
        clause = bank.clause_named(answerer, clause_id, policy_id)
        entry = bank.add(ctx=self.ctx, actor=actor, question=question, clause=clause,
                         policy=answerer.policy(clause.policy_id))
        self.learned.refresh(ctx=self.ctx, answerer=answerer, force=True)
        return bank.placed(entry, answerer)

    # -- overviews ------------------------------------------------------------------------------
    def overview(self, *, person: Person) -> overviews.Overview:
        """Someone's open items: their queries, queries waiting for them, reports they handle."""
        return overviews.overview(ctx=self.ctx, person=person)

    def insights(self, *, days: int = 90) -> usage.Insights:
        """Anonymous usage: how many questions, how many answered, which clauses, what was missed."""
        return usage.insights(ctx=self.ctx, days=days)

    def audit_trail(self, *, actor: Person, ref: str) -> list[AuditView]:
        return records.trail(ctx=self.ctx, actor=actor, ref=ref)

    # -- background work ------------------------------------------------------------------
    def dispatcher(self, *, worker_id: str | None = None) -> Dispatcher:
        return Dispatcher(ctx=self.ctx, registry=self.notifiers, worker_id=worker_id)

    def run_due_jobs(self, *, now: datetime | None = None) -> scheduler.JobsSummary:
        """Reminders, overdue hand-overs and quiet-period closes that are due at `now`."""
        return scheduler.run_due_jobs(ctx=self.ctx, now=now or self.ctx.clock.now())

    def background(self, *, interval_seconds: float = 5.0, jobs_every_seconds: float = 60.0) -> scheduler.BackgroundTasks:
        """Dispatcher + due jobs as asyncio tasks: `await bg.start()` ... `await bg.stop()`."""
        return scheduler.BackgroundTasks(dispatcher=self.dispatcher, run_jobs=self.run_due_jobs,
                                         interval_seconds=interval_seconds, jobs_every_seconds=jobs_every_seconds)

    def _encoder(self) -> Callable[[list[str]], Any] | None:
        if self._answerer is None:
            return None
        return lambda texts: self.answerer.encode(texts)
