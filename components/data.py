"""The database as the app sees it: one read-only connection per database file, and cached core calls.

Caches are keyed on the file's stamp and content hash, so when the Secretariat swaps in a new
database every session picks it up on its next interaction.
"""
from __future__ import annotations

import importlib
import os
import threading

import streamlit as st

from ipmd import db, queries


def _stamp() -> tuple[str, int, int, int]:
    """What identifies the file in place, read on every call: an import by any process (another replica,
    the command line) renames a new file over the path, which gives it a new inode even when its
    modification time and size happen to equal the old one's."""
    path = db.db_path()
    info = os.stat(path)
    return str(path), info.st_ino, info.st_mtime_ns, info.st_size


class _Database:
    """The open database file. When the file is replaced (an import), the old connection is closed
    first: DuckDB hands back the already-open instance for a path while any connection to it lives."""

    def __init__(self):
        self._lock = threading.Lock()
        self._stamp = None
        self._con = None
        self._version = ""

    def current(self):
        stamp = _stamp()
        with self._lock:
            if stamp != self._stamp:
                if self._con is not None:
                    self._con.close()
                self._con = db.connect(stamp[0])
                self._version = queries.meta(self._con).get("content_hash", "-".join(map(str, stamp[1:])))
                self._stamp = stamp
            return self._con, self._version


@st.cache_resource(show_spinner=False)
def _database() -> _Database:
    return _Database()


def connection():
    return _database().current()[0]


def version() -> str:
    """The content hash of the database now in place."""
    return _database().current()[1]


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


@st.cache_resource(show_spinner=False, max_entries=2)
def _profile_context(data_version: str):
    """What every country's profile shares, read once per database (never changed after: shared as is)."""
    from ipmd.profiles.country import profile_context

    return profile_context(connection())


@st.cache_data(show_spinner=False, max_entries=500)
def _country_profile(iso3: str, year: int, data_version: str):
    from ipmd.profiles.country import load_profile

    return load_profile(connection(), iso3, year, _profile_context(data_version))


def country_profile(iso3: str, year: int):
    """`ipmd.profiles.country.load_profile(con, iso3, year)`, cached per country and year like `load`; a country
    not shown before asks only its own observations and corridors (the countries, sources, stock years and
    counting methods every profile shares are read once per database: issue 18, the country switch)."""
    return _country_profile(iso3, int(year), version())


@st.cache_data(show_spinner=False, max_entries=2000)
def _peer_comparison(indicator: str, year: int, iso3: str, data_version: str):
    from ipmd.profiles.country import peer_comparison, peer_values

    return peer_comparison(load(peer_values, indicator, year), iso3)


def peer_comparison(indicator: str, year: int, iso3: str):
    """`ipmd.profiles.country.peer_comparison` of a country on `indicator` up to `year`, cached per country: every
    country's values are read once per indicator and year (`load(peer_values, ...)`, shared by all), and the
    country's median and rank are not worked out again on each rerun of the profile."""
    return _peer_comparison(indicator, int(year), iso3, version())
