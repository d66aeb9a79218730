"""The people directory: who works here, their role, line manager and chat ids.

`Directory` is an immutable snapshot; a `DirectorySource` hands out the current snapshot
(`FileDirectory` re-reads the CSV when it changes). Routing rules live in `routing`.
"""
from bot.core.directory.loader import FileDirectory, StaticDirectory, load_directory, parse_directory
from bot.core.directory.model import (
    COLUMNS,
    Directory,
    DirectorySource,
    Person,
    PersonRef,
    Platform,
    Problem,
    Role,
)

__all__ = [
    "COLUMNS", "Directory", "DirectorySource", "FileDirectory", "Person", "PersonRef",
    "Platform", "Problem", "Role", "StaticDirectory", "load_directory", "parse_directory",
]
