"""Offline git analyzer: rates commits with path rules and writes Chinese daily reports."""

__version__ = "0.1.0"
