"""The append-only audit log of every state change of escalations, reports and guidance."""
