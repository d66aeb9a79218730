"""Confidential breach and concern reports (policy 1.3, 2.3, 2.4): routing, lifecycle, visibility."""
