"""Scorer: offline scoring for skills competitions. The core package never imports Qt."""

__version__ = "0.1.0"
