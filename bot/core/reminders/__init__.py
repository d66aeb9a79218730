"""Time-driven work: reminders, hand-overs of overdue items, quiet-period closing, and the background loop."""
