"""Who may open the confidential pages: roles from configuration, resolved from a user's sign-in claims.

Pure and UI-free: the Streamlit side (components/access.py) passes in the ID token's claims (`st.user`)
and the `[ipmd_roles]` table of `.streamlit/secrets.toml`; nothing here reads files or the network.

Configuration (every key optional; lists of strings)::

    [ipmd_roles]
    committee = ["alice@example.org"]            # e-mail addresses, compared case-insensitively
    secretariat = ["sam@example.org"]
    committee_groups = ["ipmd-committee"]        # values of the groups claim, compared case-insensitively
    secretariat_groups = ["ipmd-secretariat"]
    groups_claim = "groups"                      # the ID-token claim holding groups (default "groups")

Decisions, so the rules can be read in one place:
- Two roles. `committee` (Oversight Committee) opens the allocation review; `secretariat` opens the
  admin page (ledger import and export) and, because the Secretariat prepares and minutes the
  committee's meetings, the allocation review too. The committee does not get the admin page.
- An e-mail address counts only when the provider does not say it is unverified: a token with
  `email_verified: false` is matched by groups only (some providers let people type any address).
- A misspelt key or a wrong type (a string where a list belongs) is a configuration error, raised as
  `RolesConfigError` with the key named: the pages then stay closed (fail closed) rather than let a typo
  quietly lock out, or open up, a page.
- Roles are worked out from the configuration on every page run, so removing someone from the
  configuration takes effect on their next click, whatever their sign-in cookie says.
- Confidentiality follows the data: restricted pages may open without sign-in ("demo mode") only while
  the bundled illustrative portfolio is loaded (meta ledger_kind 'illustrative'); any other ledger kind,
  a missing one included, is treated as real and needs sign-in and the role, whatever the environment
  says. Importing a ledger from the web always needs a signed-in Secretariat member, demo or not.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

ROLES = ("committee", "secretariat")
# A role also grants the roles listed here.
IMPLIED_ROLES: dict[str, tuple[str, ...]] = {"secretariat": ("committee",)}
DEFAULT_GROUPS_CLAIM = "groups"
_GROUP_SUFFIX = "_groups"


class RolesConfigError(ValueError):
    """The [ipmd_roles] configuration cannot be read; the message names the key and what is wrong."""


class UnknownRoleError(ValueError):
    """A page asked for a role this module does not define (a programming error, not a user's)."""


def _norm(text: str) -> str:
    return text.strip().casefold()


@dataclass(frozen=True)
class RolesConfig:
    """Who holds each role: e-mail addresses and group names, normalised (stripped, case-folded)."""

    emails: Mapping[str, frozenset[str]] = field(default_factory=dict)
    groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    groups_claim: str = DEFAULT_GROUPS_CLAIM

    @property
    def is_empty(self) -> bool:
        """No one holds any role (sign-in may work, but every restricted page stays closed)."""
        return not any(self.emails.values()) and not any(self.groups.values())

    @classmethod
    def from_mapping(cls, mapping: Mapping | None) -> "RolesConfig":
        """Read the [ipmd_roles] table (None or empty: no roles). Raises RolesConfigError."""
        if not mapping:
            return cls()
        if not isinstance(mapping, Mapping):
            raise RolesConfigError("[ipmd_roles] must be a table of lists, "
                                   f"not {type(mapping).__name__}.")
        known = {*ROLES, *(role + _GROUP_SUFFIX for role in ROLES), "groups_claim"}
        unknown = sorted(str(k) for k in mapping if k not in known)
        if unknown:
            raise RolesConfigError(
                f"[ipmd_roles] has unknown key(s) {', '.join(unknown)}; the keys are "
                f"{', '.join(sorted(known))}.")
        claim = mapping.get("groups_claim", DEFAULT_GROUPS_CLAIM)
        if not isinstance(claim, str) or not claim.strip():
            raise RolesConfigError("[ipmd_roles] groups_claim must be the name of a claim, "
                                   'such as "groups".')
        emails = {role: _names(mapping, role) for role in ROLES}
        groups = {role: _names(mapping, role + _GROUP_SUFFIX) for role in ROLES}
        return cls(emails=emails, groups=groups, groups_claim=claim.strip())


def _names(mapping: Mapping, key: str) -> frozenset[str]:
    value = mapping.get(key, [])
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise RolesConfigError(f'[ipmd_roles] {key} must be a list, such as {key} = ["name"], '
                               f"not {type(value).__name__}.")
    out = set()
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise RolesConfigError(f"[ipmd_roles] {key} must list non-empty strings; it holds {item!r}.")
        out.add(_norm(item))
    return frozenset(out)


def claim_groups(claims: Mapping, claim: str = DEFAULT_GROUPS_CLAIM) -> frozenset[str]:
    """The user's groups from the claim: a list of strings or a single string (normalised)."""
    value = claims.get(claim)
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        return frozenset()
    return frozenset(_norm(v) for v in value if isinstance(v, str) and v.strip())


def verified_email(claims: Mapping) -> str | None:
    """The e-mail claim, normalised, unless the provider says it is not verified."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    verified = claims.get("email_verified", True)
    if verified is False or (isinstance(verified, str) and verified.strip().lower() == "false"):
        return None
    return _norm(email)


def roles_for(claims: Mapping | None, config: RolesConfig) -> frozenset[str]:
    """Every role the user holds (implied roles included); empty for no claims."""
    if not claims:
        return frozenset()
    email = verified_email(claims)
    groups = claim_groups(claims, config.groups_claim)
    held = {role for role in ROLES
            if (email is not None and email in config.emails.get(role, frozenset()))
            or groups & config.groups.get(role, frozenset())}
    for role in list(held):
        held.update(IMPLIED_ROLES.get(role, ()))
    return frozenset(held)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UnknownRoleError(f"unknown role {role!r}: the roles are {', '.join(ROLES)}")
    return role


def has_role(claims: Mapping | None, config: RolesConfig, role: str) -> bool:
    """Whether the user may open a page for `role` (raises UnknownRoleError for a role not in ROLES)."""
    return check_role(role) in roles_for(claims, config)


@dataclass(frozen=True)
class User:
    """The person using a restricted page. `demo` is True when no sign-in is configured."""

    email: str | None
    name: str | None
    roles: frozenset[str]
    demo: bool = False

    @property
    def label(self) -> str:
        return self.email or self.name or "?"


DEMO_USER = User(email=None, name="demo", roles=frozenset(ROLES), demo=True)
ILLUSTRATIVE_LEDGER = "illustrative"
IMPORT_COMMAND = "python -m ipmd.ledger import FILE"


def demo_mode_allowed(ledger_kind: str | None, refused: bool = False) -> bool:
    """Whether restricted pages may open without sign-in: only over the illustrative portfolio, and only
    when the server does not refuse demo mode (IPMD_REQUIRE_SIGNIN)."""
    return ledger_kind == ILLUSTRATIVE_LEDGER and not refused


def may_import(user: User | None) -> bool:
    """Whether `user` may replace the ledger from the web: a signed-in Secretariat member, never demo mode."""
    return user is not None and not user.demo and "secretariat" in user.roles


def user_from_claims(claims: Mapping, config: RolesConfig) -> User:
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    return User(email=email, name=name, roles=roles_for(claims, config))


# ------------------------------------------------------------------------------ the [auth] section

_PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def sign_in_providers(auth: Mapping | None) -> list[str]:
    """The providers st.login can use: ['default'] when [auth] itself holds client_id etc., else the
    names of its [auth.<name>] tables (Streamlit's two documented forms)."""
    if not auth:
        return []
    if any(key in auth for key in _PROVIDER_KEYS):
        return ["default"]
    return sorted(str(k) for k, v in auth.items() if isinstance(v, Mapping))


def auth_config_problems(auth: Mapping | None) -> list[str]:
    """What is missing from a non-empty [auth] section for st.login to work (empty: looks complete).

    Only the presence of the keys Streamlit requires; Streamlit checks the values when someone signs in.
    """
    if not auth:
        return []
    if not isinstance(auth, Mapping):
        return ["auth must be a table: [auth] with redirect_uri, cookie_secret, client_id, client_secret "
                "and server_metadata_url"]
    problems = [f"[auth] needs {key}" for key in ("redirect_uri", "cookie_secret") if not auth.get(key)]
    redirect = auth.get("redirect_uri")
    if isinstance(redirect, str) and redirect and not redirect.rstrip("/").endswith("/oauth2callback"):
        problems.append("[auth] redirect_uri must end with /oauth2callback")
    providers = sign_in_providers(auth)
    if not providers:
        problems.append("[auth] names no provider: give client_id, client_secret and server_metadata_url")
    for name in providers:
        section = auth if name == "default" else auth[name]
        where = "[auth]" if name == "default" else f"[auth.{name}]"
        problems += [f"{where} needs {key}" for key in _PROVIDER_KEYS if not section.get(key)]
        if "_" in name:
            problems.append(f"{where}: Streamlit refuses provider names with an underscore")
    return problems
