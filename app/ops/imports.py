"""Importing order history: the range to ask for, progress, and resuming an interrupted one."""

from __future__ import annotations

from app.sync.importer import (
    ImportCancelled,
    ImportProgress,
    ImportResult,
    OrderImporter,
    default_range,
    range_label,
    resume_notice,
)

__all__ = [
    "ImportCancelled",
    "ImportProgress",
    "ImportResult",
    "OrderImporter",
    "default_range",
    "range_label",
    "resume_notice",
]
