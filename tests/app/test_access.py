"""Who may open the confidential pages: role resolution (ipmd.access, pure) and require_role on a page
(components.access, through AppTest with `at.secrets` and `at.user`)."""
from __future__ import annotations

import textwrap

import pytest
from streamlit.testing.v1 import AppTest

from access_fixtures import AUTH, ROLES_TABLE, make_real_ledger_db
from ipmd.access import (DEMO_USER, ROLES, RolesConfig, RolesConfigError, UnknownRoleError, auth_config_problems,
                         claim_groups, demo_mode_allowed, has_role, may_import, roles_for, sign_in_providers,
                         user_from_claims)
from ipmd.i18n import t

CONFIG = RolesConfig.from_mapping({
    "committee": ["Alice@Example.org", " bob@example.org "],
    "secretariat": ["sam@example.org"],
    "committee_groups": ["IPMD-Committee"],
    "secretariat_groups": ["ipmd-secretariat"],
})


# ------------------------------------------------------------------------------------ role resolution

@pytest.mark.parametrize("email", ["alice@example.org", "ALICE@EXAMPLE.ORG", "Alice@Example.org ", "bob@EXAMPLE.org"])
def test_email_match_is_case_insensitive(email):
    assert roles_for({"email": email}, CONFIG) == {"committee"}


def test_other_email_has_no_role():
    assert roles_for({"email": "mallory@example.org"}, CONFIG) == frozenset()
    assert roles_for({"email": "alice@example.org.evil.test"}, CONFIG) == frozenset()


def test_group_claims_give_roles():
    assert roles_for({"email": "x@y.org", "groups": ["other", "ipmd-committee"]}, CONFIG) == {"committee"}
    assert roles_for({"groups": "ipmd-committee"}, CONFIG) == {"committee"}       # a single string
    assert roles_for({"groups": ["IPMD-SECRETARIAT"]}, CONFIG) == {"committee", "secretariat"}
    assert roles_for({"groups": []}, CONFIG) == frozenset()
    assert roles_for({"groups": 7}, CONFIG) == frozenset()                        # junk claim: ignored


def test_group_claim_name_is_configurable():
    config = RolesConfig.from_mapping({"committee_groups": ["c"], "groups_claim": "roles"})
    assert roles_for({"roles": ["c"]}, config) == {"committee"}
    assert roles_for({"groups": ["c"]}, config) == frozenset()
    assert claim_groups({"roles": ["A", " b ", 3]}, "roles") == {"a", "b"}


def test_secretariat_also_holds_the_committee_role():
    assert roles_for({"email": "sam@example.org"}, CONFIG) == {"committee", "secretariat"}
    assert has_role({"email": "sam@example.org"}, CONFIG, "committee")
    assert not has_role({"email": "alice@example.org"}, CONFIG, "secretariat")


def test_unverified_email_does_not_count_but_groups_do():
    assert roles_for({"email": "alice@example.org", "email_verified": False}, CONFIG) == frozenset()
    assert roles_for({"email": "alice@example.org", "email_verified": "false"}, CONFIG) == frozenset()
    assert roles_for({"email": "alice@example.org", "email_verified": True}, CONFIG) == {"committee"}
    assert roles_for({"email": "nobody@x.org", "email_verified": False, "groups": ["ipmd-committee"]},
                     CONFIG) == {"committee"}


@pytest.mark.parametrize("mapping", [None, {}])
def test_no_roles_configured_means_no_one_has_a_role(mapping):
    config = RolesConfig.from_mapping(mapping)
    assert config.is_empty
    assert roles_for({"email": "alice@example.org", "groups": ["ipmd-committee"]}, config) == frozenset()
    assert not has_role({"email": "sam@example.org"}, config, "secretariat")


def test_no_claims_no_roles():
    assert roles_for(None, CONFIG) == frozenset()
    assert roles_for({}, CONFIG) == frozenset()
    assert roles_for({"email": None, "groups": None}, CONFIG) == frozenset()


def test_unknown_role_is_a_programming_error():
    with pytest.raises(UnknownRoleError, match="admin"):
        has_role({"email": "sam@example.org"}, CONFIG, "admin")


@pytest.mark.parametrize("mapping, named", [
    ({"comittee": ["a@b.org"]}, "comittee"),                       # a typo must not pass silently
    ({"committee": "a@b.org"}, "committee"),                       # a string where a list belongs
    ({"committee": ["a@b.org", ""]}, "committee"),
    ({"secretariat_groups": [3]}, "secretariat_groups"),
    ({"groups_claim": ""}, "groups_claim"),
    (["committee"], "table"),
])
def test_bad_configuration_is_refused_with_the_key_named(mapping, named):
    with pytest.raises(RolesConfigError, match=named):
        RolesConfig.from_mapping(mapping)


def test_user_from_claims():
    user = user_from_claims({"email": "Sam@Example.org", "name": "Sam"}, CONFIG)
    assert user.roles == {"committee", "secretariat"} and not user.demo and user.label == "Sam@Example.org"
    assert DEMO_USER.demo and DEMO_USER.roles == set(ROLES)


def test_demo_mode_only_over_the_illustrative_portfolio():
    assert demo_mode_allowed("illustrative")
    assert not demo_mode_allowed("illustrative", refused=True)
    for kind in ("real", None, "", "Illustrative "):         # anything else is a real ledger: fail closed
        assert not demo_mode_allowed(kind)


def test_only_a_signed_in_secretariat_member_may_import():
    assert may_import(user_from_claims({"email": "sam@example.org"}, CONFIG))
    assert not may_import(user_from_claims({"email": "alice@example.org"}, CONFIG))
    assert not may_import(user_from_claims({"email": "mallory@example.org"}, CONFIG))
    assert not may_import(DEMO_USER) and not may_import(None)           # demo mode never imports


def test_auth_section_checks():
    good = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32,
            "client_id": "c", "client_secret": "x", "server_metadata_url": "https://idp/.well-known/openid-configuration"}
    assert auth_config_problems(good) == [] and sign_in_providers(good) == ["default"]
    assert auth_config_problems({}) == [] and sign_in_providers(None) == []
    named = {"redirect_uri": good["redirect_uri"], "cookie_secret": "s",
             "microsoft": {"client_id": "c", "client_secret": "x", "server_metadata_url": "u"}}
    assert auth_config_problems(named) == [] and sign_in_providers(named) == ["microsoft"]
    problems = auth_config_problems({"redirect_uri": "http://localhost:8501/", "client_id": "c"})
    assert any("cookie_secret" in p for p in problems)
    assert any("oauth2callback" in p for p in problems)
    assert any("server_metadata_url" in p for p in problems)
    assert auth_config_problems("not a table") and "table" in auth_config_problems("not a table")[0]


# ------------------------------------------------------------------------ require_role on a page

def page(role: str, *, auth: dict | None = AUTH, roles: dict | None = None, user: dict | None = None) -> AppTest:
    script = textwrap.dedent(f"""
        import streamlit as st
        from components.access import require_role
        user = require_role({role!r})
        st.markdown("CONFIDENTIAL CONTENT")
        st.caption(f"demo={{user.demo}} roles={{sorted(user.roles)}}")
    """)
    at = AppTest.from_string(script, default_timeout=30)
    at.secrets["ipmd_roles"] = ROLES_TABLE if roles is None else roles   # also hides any real secrets file
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    return at.run()


def shown(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "warning", "info", "error") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("role", ROLES)
def test_demo_mode_opens_with_a_visible_warning(role):
    at = page(role, auth=None)
    assert not at.exception
    assert [w.value for w in at.warning] == [t("access.demo_mode")]
    assert "CONFIDENTIAL CONTENT" in shown(at) and "demo=True" in shown(at)


def test_demo_mode_can_be_refused_by_the_server(monkeypatch):
    monkeypatch.setenv("IPMD_REQUIRE_SIGNIN", "1")
    at = page("committee", auth=None)
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert at.error and "IPMD_REQUIRE_SIGNIN" in at.error[0].value


@pytest.mark.parametrize("role", ROLES)
def test_anonymous_visitor_gets_a_sign_in_button_and_nothing_else(role):
    at = page(role, user={"is_logged_in": False})
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert at.info[0].value == t(f"access.sign_in_needed.{role}")
    assert [b.label for b in at.button] == [t("access.sign_in")]


def test_anonymous_without_is_logged_in_key_is_anonymous():
    at = page("committee", user={})
    assert "CONFIDENTIAL CONTENT" not in shown(at) and at.button[0].label == t("access.sign_in")


def test_named_providers_get_one_button_each():
    auth = {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": AUTH["cookie_secret"],
            "google": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")},
            "okta": {k: AUTH[k] for k in ("client_id", "client_secret", "server_metadata_url")}}
    at = page("committee", auth=auth, user={"is_logged_in": False})
    assert [b.label for b in at.button] == [t("access.sign_in_with", provider="google"),
                                            t("access.sign_in_with", provider="okta")]


def test_signed_in_without_the_role_is_not_authorised():
    at = page("committee", user={"is_logged_in": True, "email": "mallory@example.org"})
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert at.error[0].value == t("access.denied.committee", who="mallory@example.org")
    assert [b.label for b in at.button] == [t("access.sign_out")]


def test_committee_member_may_not_open_the_admin_page():
    at = page("secretariat", user={"is_logged_in": True, "email": "alice@example.org"})
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert at.error[0].value == t("access.denied.secretariat", who="alice@example.org")


@pytest.mark.parametrize("claims, role", [
    ({"email": "ALICE@example.org"}, "committee"),
    ({"email": "someone@example.org", "groups": ["ipmd-committee"]}, "committee"),
    ({"email": "sam@example.org"}, "committee"),            # the Secretariat also sees the committee page
    ({"email": "sam@example.org"}, "secretariat"),
])
def test_role_holder_gets_the_page_and_a_sign_out_in_the_sidebar(claims, role):
    at = page(role, user={"is_logged_in": True, **claims})
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" in shown(at) and "demo=False" in shown(at)
    assert not at.warning                                    # no demo notice when sign-in is on
    assert t("access.signed_in_as", who=claims["email"]) in [c.value for c in at.sidebar.caption]
    assert [b.label for b in at.sidebar.button] == [t("access.sign_out")]


def test_no_roles_configured_closes_the_page_for_everyone():
    at = page("committee", roles={}, user={"is_logged_in": True, "email": "alice@example.org"})
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert t("access.no_roles") in shown(at)


@pytest.mark.parametrize("roles, auth", [
    ({"comittee": ["alice@example.org"]}, AUTH),                               # misspelt key
    (ROLES_TABLE, {k: v for k, v in AUTH.items() if k != "cookie_secret"}),    # incomplete [auth]
])
def test_broken_configuration_fails_closed(roles, auth):
    at = page("committee", roles=roles, auth=auth, user={"is_logged_in": True, "email": "alice@example.org"})
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" not in shown(at)
    assert at.error and ("comittee" in at.error[0].value or "cookie_secret" in at.error[0].value)


def test_unknown_role_raises_on_the_page():
    at = page("admin", auth=None)
    assert at.exception and "unknown role" in at.exception[0].message


def test_a_broken_secrets_file_closes_the_page_rather_than_opening_demo_mode(tmp_path, monkeypatch):
    import streamlit as st
    from streamlit.runtime.secrets import Secrets
    from streamlit.testing.v1.util import patch_config_options

    broken = tmp_path / "secrets.toml"
    broken.write_text('[auth]\nredirect_uri = "http://localhost:8501/oauth2callback\n', encoding="utf-8")
    monkeypatch.setattr(st, "secrets", Secrets())          # read from secrets.files, as a real server does
    with patch_config_options({"secrets.files": [str(broken)]}):
        at = AppTest.from_string("from components.access import require_role\n"
                                 "require_role('committee')\nimport streamlit as st\nst.markdown('CONFIDENTIAL')",
                                 default_timeout=30).run()
    assert not at.exception
    assert "CONFIDENTIAL" not in shown(at) and not at.warning
    assert at.error and str(broken) in at.error[0].value


@pytest.mark.parametrize("auth, user, env, expected", [
    (None, None, None, "demo"),                                                 # demo mode
    (None, None, "1", "None"),                                                  # demo mode refused
    (AUTH, {"is_logged_in": False}, None, "None"),
    (AUTH, {"is_logged_in": True, "email": "sam@example.org"}, None, "committee,secretariat"),
    ({k: v for k, v in AUTH.items() if k != "cookie_secret"}, {"is_logged_in": True, "email": "sam@example.org"},
     None, "None"),                                                             # incomplete [auth]: nobody
])
def test_current_user_follows_the_same_rules_as_the_pages(auth, user, env, expected, monkeypatch):
    """current_user() decides the import button's callback: it must not be more open than the page."""
    if env:
        monkeypatch.setenv("IPMD_REQUIRE_SIGNIN", env)
    at = AppTest.from_string("import streamlit as st\nfrom components.access import current_user\nu = current_user()\n"
                             "st.markdown('None' if u is None else 'demo' if u.demo else ','.join(sorted(u.roles)))",
                             default_timeout=30)
    at.secrets["ipmd_roles"] = ROLES_TABLE
    if auth is not None:
        at.secrets["auth"] = auth
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.markdown[0].value == expected


def test_no_demo_user_once_a_real_ledger_is_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("IPMD_DB", str(make_real_ledger_db(tmp_path)))
    at = page("committee", auth=None)
    assert not at.exception
    assert "CONFIDENTIAL CONTENT" not in shown(at) and not at.warning
    assert at.error[0].value == t("access.real_ledger_needs_sign_in")
