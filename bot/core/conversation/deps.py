"""What every conversation flow needs: the context, the index, and who the sender is."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from bot.core.asking.ports import Answerer
from bot.core.asking.service import Asking
from bot.core.bank.service import LearnedSync
from bot.core.context import Context
from bot.core.conversation.events import Sender
from bot.core.directory.model import Person
from bot.core.errors import StorageUnavailable
from bot.core.identity import identify
from bot.core.tokens import Signer

log = logging.getLogger(__name__)


@dataclass
class Deps:
    ctx: Context
    get_answerer: Callable[[], Answerer]
    asking: Asking
    signer: Signer
    learned: LearnedSync

    @property
    def answerer(self) -> Answerer:
        return self.get_answerer()

    def who(self, sender: Sender) -> Person | None:
        return identify(ctx=self.ctx, platform=sender.platform, user_id=sender.user_id, email=sender.email)

    def refresh_learned(self) -> None:
        """Approved question-bank entries (from any replica) reach this index within seconds."""
        try:
            self.learned.refresh(ctx=self.ctx, answerer=self.answerer)
        except StorageUnavailable:
            log.warning("could not check for newly approved question-bank entries: database unavailable")
