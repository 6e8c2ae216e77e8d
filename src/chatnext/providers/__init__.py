"""Upstream protocols: the provider table and the translating adapters."""
