"""The dependencies every service function receives: database, directory, clock and rules."""
from __future__ import annotations

from dataclasses import dataclass

from bot.core.clock import Clock
from bot.core.config import CoreConfig
from bot.core.directory.model import Directory, DirectorySource
from bot.core.storage.db import Database


@dataclass(frozen=True)
class Context:
    db: Database
    directory_source: DirectorySource
    clock: Clock
    config: CoreConfig

    @property
    def directory(self) -> Directory:
        return self.directory_source.current()
