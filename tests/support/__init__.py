"""Helpers for tests: real-shaped applicants (valid ID numbers and credit codes)."""
