"""Queries staff pass to their line manager (policy 1.3): routing, answering, forwarding, closing."""
