"""Access to the confidential pages: Streamlit's native sign-in (st.login, OpenID Connect) and roles.

On a restricted page, first line after the imports::

    user = require_role("committee")        # pages/allocation.py: stops the page unless admitted
    importer = import_access()              # pages/admin.py: the Secretariat member who may import, or None

What a visitor sees (who holds which role, and the rules, are in ipmd/access.py):
- sign-in configured (an [auth] section in .streamlit/secrets.toml):
  anonymous -> what the page is for and a "Sign in" button; signed in without the role -> "not
  authorised", who they are signed in as and a "Sign out" button; with the role -> the page, and the
  sidebar says who is signed in;
- no sign-in configured, while the illustrative portfolio is loaded: demo mode. The allocation review
  opens for everyone with a warning at its top saying so (`require_role` returns DEMO_USER). The
  environment variable IPMD_REQUIRE_SIGNIN=1 refuses demo mode too;
- no sign-in configured once a real ledger is loaded: restricted pages stay closed, whatever the
  environment says (confidentiality follows the data);
- a secrets file that cannot be parsed, [auth] incomplete or [ipmd_roles] unreadable: closed, with the
  configuration problem named (fail closed, never demo mode by accident).
Importing from the web needs a signed-in Secretariat member in every case: anyone else gets, on the admin
page, the template and a dry-run check of a file only, and the command-line import named.

Configuration is read from `st.secrets` on every run (AppTest can set `at.secrets` and `at.user`).
"""
from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st

from components.data import meta
from components.state import tr
from ipmd.access import (DEMO_USER, IMPORT_COMMAND, RolesConfig, RolesConfigError, User, auth_config_problems,
                         check_role, demo_mode_allowed, may_import, sign_in_providers, user_from_claims)

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


def ledger_is_illustrative() -> bool:
    """True while the bundled demonstration portfolio is the ledger (meta ledger_kind); any other kind,
    a missing one included, counts as a real ledger (fail closed)."""
    return demo_mode_allowed(meta().get("ledger_kind"))


def current_user() -> User | None:
    """The signed-in user with their roles; DEMO_USER in demo mode; None when nobody is signed in
    (or the configuration cannot be read). Shows nothing: for pages that adapt rather than refuse."""
    if secrets_unreadable():
        return None
    if not sign_in_configured():
        return DEMO_USER if demo_mode_allowed(meta().get("ledger_kind"), demo_mode_refused()) else None
    if auth_config_problems(_secrets_value("auth")):
        return None
    claims = _claims()
    if not claims.get("is_logged_in"):
        return None
    try:
        return user_from_claims(claims, roles_config())
    except RolesConfigError:
        return None


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


def _admit(role: str, no_sign_in: str | None = None) -> User | None:
    """The user who may open a page for `role` (DEMO_USER in demo mode); otherwise None, after saying why
    in plain words and offering sign-in or sign-out. With `no_sign_in` (a message key), a server without
    sign-in shows that message and admits no one, whatever the ledger."""
    check_role(role)                   # a misspelt role is a programming error: raise, do not open
    broken = secrets_unreadable()
    if broken:
        st.error(tr("access.config_error", problem=broken), icon=":material/block:")
        return None
    if not sign_in_configured():
        if no_sign_in:
            st.warning(tr(no_sign_in), icon=":material/lock:")
        elif not ledger_is_illustrative():
            st.error(tr("access.real_ledger_needs_sign_in"), icon=":material/lock:")
        elif demo_mode_refused():
            st.error(tr("access.demo_refused", env=REQUIRE_SIGNIN_ENV), icon=":material/lock:")
        else:
            st.warning(tr("access.demo_mode"), icon=":material/lock_open:")
            return DEMO_USER
        return None

    problems = auth_config_problems(_secrets_value("auth"))
    try:
        config = roles_config()
    except RolesConfigError as exc:
        problems.append(str(exc))
    if problems:
        st.error(tr("access.config_error", problem="; ".join(problems)), icon=":material/block:")
        return None

    claims = _claims()
    if not claims.get("is_logged_in"):
        st.info(tr(f"access.sign_in_needed.{role}"), icon=":material/lock:")
        sign_in_buttons()
        return None

    user = user_from_claims(claims, config)
    if role not in user.roles:
        st.error(tr(f"access.denied.{role}", who=user.label), icon=":material/block:")
        if config.is_empty:
            st.caption(tr("access.no_roles"))
        sign_out_button()
        return None

    account_sidebar(user)
    return user


def require_role(role: str) -> User:
    """Return the user when they may open a page for `role` ('committee' or 'secretariat'); otherwise
    say why, offer sign-in or sign-out, and stop the page before it reads any data."""
    user = _admit(role)
    if user is None:
        st.stop()
    return user


def import_access() -> User | None:
    """The admin page's decision: the signed-in Secretariat member who may import, or None after saying
    that this visitor gets the template and a dry run only, and how to import from the command line.
    Demo mode never imports from the web: an anonymous visitor could replace the ledger for everyone."""
    user = _admit("secretariat", no_sign_in="access.import.no_sign_in")
    if may_import(user):
        return user
    st.info(tr("access.import.limited", command=IMPORT_COMMAND), icon=":material/upload_file:")
    return None


def may_import_now() -> bool:
    """The same decision without showing anything (for the import button's callback: checked again
    when the click arrives, not only when the button was drawn)."""
    return may_import(current_user())
