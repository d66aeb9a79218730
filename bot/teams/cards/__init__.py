"""Adaptive Cards for Teams: pure functions from core data to card JSON."""
