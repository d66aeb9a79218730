"""Tunable rules of the core, passed in by the composition root (never read from the environment here)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CoreConfig:
    # Weekends are judged in the school's own time zone, not UTC.
    timezone: str = "Europe/London"
    # Policy 1.3: managers resolve queries swiftly; one working day, then twice that tells the head.
    escalation_reminder_working_days: float = 1.0
    # An answered escalation the asker never marks resolved closes itself after this quiet period.
    escalation_quiet_working_days: float = 5.0
    # Reports can be about threats to staff, so this is wall-clock time, weekends included.
    report_ack_hours: float = 4.0
    # Told about unknown users and directory problems; empty means "log only".
    admin_emails: tuple[str, ...] = ()
    # Failed attempts before a notification is given up (HTTP 429s are not counted).
    outbox_max_attempts: int = 8
    outbox_backoff_seconds: float = 30.0
    outbox_backoff_max_seconds: float = 3600.0
    # Each message is leased on its own; a live dispatcher renews the lease every third of it,
    # so this is only how long a message waits after its dispatcher died mid-delivery.
    outbox_lease_seconds: float = 30.0
    # Deliveries under way at once per dispatcher (always one at a time per recipient), so a
    # slow or rate-limited DM never holds up other people's.
    outbox_concurrency: int = 4
    # A failed notification keeps its text this long for an administrator to inspect or retry;
    # then it is scrubbed like a delivered one (delivered ones lose their text at once).
    outbox_keep_failed_days: float = 30.0
    # Cosine similarity between a new question and a guidance question for the guidance to be shown.
    guidance_min_similarity: float = 0.55
    guidance_max_shown: int = 2
    # How often each server looks for question-bank entries approved elsewhere (another replica, the CLI).
    learned_refresh_seconds: float = 5.0
