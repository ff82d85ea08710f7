"""Reads of organizations, people and transfers (one module each)."""
