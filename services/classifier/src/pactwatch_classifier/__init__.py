"""Pactwatch classifier: articles -> signing and cooperation events."""

__version__ = "0.1.0"
