"""Pactwatch crawler: sources -> new articles on the articles topic."""

__version__ = "0.1.0"
