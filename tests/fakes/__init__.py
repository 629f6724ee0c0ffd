"""Test-only fakes of outside services."""
