"""Test suite. A package, so tests/test_architecture.py and tests/core/test_architecture.py can coexist."""
