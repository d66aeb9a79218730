"""Asking the policy: the index answer, matching guidance, and the anonymous insights log."""
