"""Access to the confidential pages: Streamlit's native sign-in (st.login, OpenID Connect) and roles.

On a restricted page, first line after the imports::

    from components.access import require_role
    user = require_role("committee")        # pages/allocation.py
    user = require_role("secretariat")      # pages/admin.py

What a visitor sees (the rules of who holds which role are in ipmd/access.py):
- sign-in configured (an [auth] section in .streamlit/secrets.toml):
  anonymous -> what the page is for, a "Sign in" button, nothing else (st.stop());
  signed in without the role -> "not authorised", who they are signed in as, a "Sign out" button
  (st.stop()); with the role -> `require_role` returns the User and the sidebar says who is signed in;
- no sign-in configured: demo mode. The page opens for everyone with a warning at its top saying so,
  on every restricted page; `require_role` returns ipmd.access.DEMO_USER (user.demo is True).
  With the environment variable IPMD_REQUIRE_SIGNIN=1 a deployment refuses demo mode: restricted
  pages stay closed until sign-in is configured (a safety net for a server that lost its secrets);
- a secrets file that cannot be parsed, [auth] incomplete or [ipmd_roles] unreadable: the page stays
  closed with the configuration problem named (fail closed, never demo mode by accident).

Configuration is read from `st.secrets` on every run (AppTest can set `at.secrets` and `at.user`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from components.state import tr
from ipmd.access import (DEMO_USER, RolesConfig, RolesConfigError, User, auth_config_problems, check_role,
                         sign_in_providers, user_from_claims)

REQUIRE_SIGNIN_ENV = "IPMD_REQUIRE_SIGNIN"


def _secrets_value(name: str):
    """A top-level entry of the app's secrets, or None when there is none (or no secrets file at all)."""
    try:
        return st.secrets[name] if name in st.secrets else None
    except FileNotFoundError:          # Streamlit's "no secrets file" / "cannot parse" error subclasses it
        return None


def _secrets_section(name: str) -> Mapping | None:
    value = _secrets_value(name)
    return value if isinstance(value, Mapping) else None


def secrets_unreadable() -> str | None:
    """Why the app's secrets cannot be read when a secrets file exists but is broken (a TOML error),
    else None. Checked first, so that a broken file closes the restricted pages instead of silently
    putting them in demo mode."""
    try:
        len(st.secrets)
        return None
    except FileNotFoundError as exc:   # no file at all (fine: demo mode), or a file that cannot be parsed
        kind = getattr(exc, "error_id", None)           # Streamlit's StreamlitSecretNotFoundError says which
        if kind == "no-secrets-found":
            return None
        if kind is None and not any(os.path.exists(p) for p in st.get_option("secrets.files")):
            return None
        return str(exc)


def sign_in_configured() -> bool:
    """True when the app's secrets have a non-empty [auth] entry (Streamlit's own test for st.user)."""
    return bool(_secrets_value("auth"))


def demo_mode_refused() -> bool:
    return os.environ.get(REQUIRE_SIGNIN_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def _claims() -> dict:
    try:
        return dict(st.user.to_dict())
    except Exception:                  # no script context (bare mode): nobody is signed in
        return {}


def roles_config() -> RolesConfig:
    """The [ipmd_roles] table; raises ipmd.access.RolesConfigError when it cannot be read."""
    return RolesConfig.from_mapping(_secrets_value("ipmd_roles"))


def current_user() -> User | None:
    """The signed-in user with their roles; DEMO_USER in demo mode; None when nobody is signed in
    (or the configuration cannot be read). Shows nothing: for pages that adapt rather than refuse."""
    if secrets_unreadable():
        return None
    if not sign_in_configured():
        return None if demo_mode_refused() else DEMO_USER
    claims = _claims()
    if not claims.get("is_logged_in"):
        return None
    try:
        return user_from_claims(claims, roles_config())
    except RolesConfigError:
        return None


def _closed(message: str, icon: str = ":material/block:") -> None:
    st.error(message, icon=icon)
    st.stop()


def sign_in_buttons(key: str = "access_sign_in") -> None:
    providers = sign_in_providers(_secrets_section("auth"))
    for name in providers:
        label = tr("access.sign_in") if name == "default" else tr("access.sign_in_with", provider=name)
        st.button(label, on_click=st.login, args=(None if name == "default" else name,), type="primary",
                  icon=":material/login:", key=f"{key}_{name}")


def sign_out_button(container=st, key: str = "access_sign_out") -> None:
    container.button(tr("access.sign_out"), on_click=st.logout, icon=":material/logout:", key=key)


def account_sidebar(user: User) -> None:
    """Who is signed in, and a way out; in the sidebar of a restricted page."""
    if user.demo:
        return
    st.sidebar.caption(tr("access.signed_in_as", who=user.label))
    sign_out_button(st.sidebar, key="access_sidebar_sign_out")


def require_role(role: str) -> User:
    """Return the user when they may open a page for `role` ('committee' or 'secretariat'); otherwise
    say why in plain words, offer sign-in or sign-out, and stop the page before it reads any data."""
    check_role(role)                   # a misspelt role is a programming error: raise, do not open
    broken = secrets_unreadable()
    if broken:
        _closed(tr("access.config_error", problem=broken))
    if not sign_in_configured():
        if demo_mode_refused():
            _closed(tr("access.demo_refused", env=REQUIRE_SIGNIN_ENV), icon=":material/lock:")
        st.warning(tr("access.demo_mode"), icon=":material/lock_open:")
        return DEMO_USER

    problems = auth_config_problems(_secrets_value("auth"))
    if problems:
        _closed(tr("access.config_error", problem="; ".join(problems)))
    try:
        config = roles_config()
    except RolesConfigError as exc:
        _closed(tr("access.config_error", problem=str(exc)))

    claims = _claims()
    if not claims.get("is_logged_in"):
        st.info(tr(f"access.sign_in_needed.{role}"), icon=":material/lock:")
        sign_in_buttons()
        st.stop()

    user = user_from_claims(claims, config)
    if role not in user.roles:
        st.error(tr(f"access.denied.{role}", who=user.label), icon=":material/block:")
        if config.is_empty:
            st.caption(tr("access.no_roles"))
        sign_out_button()
        st.stop()

    account_sidebar(user)
    return user
