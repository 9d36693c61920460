"""Markers by folder: each folder's conftest.py calls mark_folder() from pytest_collection_modifyitems.

pytest calls every conftest's pytest_collection_modifyitems with all collected items, so each folder marks
only the items under itself. `slow` lists "module::function" (parametrised cases share it) of the tests that
take more than a few seconds on a loaded machine; `make test-fast` leaves them out, `make test` runs them.
"""
from __future__ import annotations

from pathlib import Path

import pytest


def mark_folder(items, folder: Path, kind: str, slow: frozenset[str] = frozenset()) -> None:
    folder = folder.resolve()
    for item in items:
        if folder not in item.path.resolve().parents:
            continue
        item.add_marker(getattr(pytest.mark, kind))
        if f"{item.path.stem}::{item.originalname}" in slow:
            item.add_marker(pytest.mark.slow)
