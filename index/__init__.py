"""Policy clause index: parse policy Markdown into clauses, embed them, and search them.

Knows nothing of chat platforms or people; `bot.core` builds on it.
"""
from index.types import Answer, AnswerStatus, Clause, Force, PolicyInfo, RankedClause

__all__ = ["Answer", "AnswerStatus", "Clause", "Force", "PolicyInfo", "RankedClause"]
