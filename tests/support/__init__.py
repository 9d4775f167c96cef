"""Test helpers shared by the test suites (not part of the package)."""
