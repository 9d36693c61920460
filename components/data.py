"""The database as the app sees it: one read-only connection per database file, and cached core calls.

Caches are keyed on the file's stamp and content hash, so when the Secretariat swaps in a new
database every session picks it up on its next interaction.
"""
from __future__ import annotations

import importlib
import os

import streamlit as st

from ipmd import db, queries


def _stamp() -> tuple[str, int, int]:
    path = db.db_path()
    info = os.stat(path)
    return str(path), info.st_mtime_ns, info.st_size


@st.cache_resource(show_spinner=False, max_entries=2)
def _connection(path: str, mtime_ns: int, size: int):
    return db.connect(path)


def connection():
    return _connection(*_stamp())


@st.cache_resource(show_spinner=False, max_entries=2)
def _version(path: str, mtime_ns: int, size: int) -> str:
    return queries.meta(_connection(path, mtime_ns, size)).get("content_hash", f"{mtime_ns}-{size}")


def version() -> str:
    """The content hash of the database now in place."""
    return _version(*_stamp())


@st.cache_data(show_spinner=False, max_entries=2000)
def _call(function: str, data_version: str, args: tuple, kwargs: tuple):
    module, name = function.split(":")
    return getattr(importlib.import_module(module), name)(connection(), *args, **dict(kwargs))


def load(function, *args, **kwargs):
    """Call a core function `function(con, *args, **kwargs)` through the cache (arguments must be primitives)."""
    return _call(f"{function.__module__}:{function.__qualname__}", version(), args, tuple(sorted(kwargs.items())))


def meta() -> dict[str, str]:
    return load(queries.meta)


def countries():
    return load(queries.countries)


def sources():
    return load(queries.sources).set_index("source_id")
