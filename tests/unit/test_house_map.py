"""components/CONVENTIONS.md's map of the house names every module under ipmd/ and components/, so the map cannot
drift from the tree: a module added, moved or renamed without its row fails here.

A module counts as mentioned when the map section names its path (`ipmd/cells.py`, `ipmd/fund/rules`), or when
the row of its folder (first cell `ipmd/fund/`) names it in backticks (`rules.py` or `rules`). A package's
`__init__.py` needs its folder's row.
"""
import re

import ipmd

ROOT = ipmd.REPO_ROOT
PACKAGES = ("ipmd", "components")


def map_section() -> str:
    text = (ROOT / "components" / "CONVENTIONS.md").read_text(encoding="utf-8")
    start = text.index("## Map of the house")
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def rows(section: str) -> dict[str, str]:
    """{folder as its row names it ("ipmd/fund/"): the row's text} for the table rows of the map."""
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) >= 2:
            for folder in re.findall(r"`([\w/]+/)`", cells[0]):
                out[folder] = line
    return out


def modules() -> list[str]:
    found = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "__pycache__" not in path.parts:
                found.append(path.relative_to(ROOT).as_posix())
    return sorted(found)


def mentioned(module: str, section: str, table: dict[str, str]) -> bool:
    folder, _, name = module.rpartition("/")
    stem = name.removesuffix(".py")
    row = table.get(folder + "/")
    if name == "__init__.py":
        return row is not None
    if f"`{module}`" in section or re.search(rf"{re.escape(folder)}/{re.escape(stem)}\b", section):
        return True
    return row is not None and re.search(rf"`{re.escape(stem)}(\.py)?`", row.split("|")[2]) is not None


def test_every_module_is_in_the_map():
    section = map_section()
    table = rows(section)
    missing = [m for m in modules() if not mentioned(m, section, table)]
    assert not missing, f"not in components/CONVENTIONS.md's map of the house: {missing}"


def test_every_folder_in_the_map_exists_and_every_code_folder_has_a_row():
    table = rows(map_section())
    folders = {p.parent.relative_to(ROOT).as_posix() + "/" for m in modules() for p in [ROOT / m]}
    assert folders - {"ipmd/locales/"} <= set(table), sorted(folders - set(table))
    assert [f for f in table if not (ROOT / f).is_dir()] == []


def test_the_check_sees_a_missing_module():
    section = map_section()
    table = rows(section)
    assert mentioned("ipmd/fund/rules.py", section, table)
    assert mentioned("ipmd/profiles/methods.py", section, table)
    assert not mentioned("ipmd/fund/nowhere.py", section, table)
    assert not mentioned("components/views/nowhere.py", section, table)


def test_the_readmes_layout_names_every_screen_module_and_figure_builder():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):readme.index("\n## ", readme.index("## Layout") + 1)]
    table = rows(layout)
    for folder in ("components/views/", "components/figures/"):
        names = sorted(p.name for p in (ROOT / folder).glob("*.py") if p.name != "__init__.py")
        missing = [name for name in names if f"`{name}`" not in table[folder]]
        assert not missing, f"README's layout row {folder} does not name {missing}"
