"""The script every page installs (components/shell.py document_setup) must reach the browser whole."""
import json
import re

from components import shell


def test_the_document_script_survives_streamlits_sanitizer():
    # DOMPurify (st.html) drops an element whose text looks like markup ('<' then a letter, '/' or '!'): the
    # document's language, the tooltips' translations and the navigation's lists would all be lost
    body = shell._DOCUMENT_SCRIPT.removeprefix("<script>").removesuffix("</script>")
    assert shell._DOCUMENT_SCRIPT.startswith("<script>") and shell._DOCUMENT_SCRIPT.endswith("</script>")
    assert not re.search(r"<[/\w!]", body)


def test_the_navigations_sections_are_made_lists_named_by_their_heading():
    body = shell._DOCUMENT_SCRIPT
    assert '[data-testid="stSidebarNavItems"]' in body and "setAttribute('role', 'list')" in body
    assert "setAttribute('aria-label', header.innerText.trim())" in body
    # the placeholders are filled with JSON, so a language's words cannot break out of the script
    filled = body.replace("LANG", json.dumps("fr")).replace("WORDS", json.dumps({"a": "b"})).replace("FIND", '"x"')
    assert "LANG" not in filled and "WORDS" not in filled
