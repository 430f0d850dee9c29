"""The shape of docs/architecture.md holds: the floor imports no feature app (except portal/access.py,
which reads accounts and agencies), no app imports an app above it, and no module is over 600 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Lowest first; an app may import those before it in this list (and portal.access), never after.
LAYERS = [
    "portal",
    "agencies",
    "audit",
    "accounts",
    "regulations",
    "originals",
    "signing",
    "meetings",
    "notifications",
    "dashboards",
    "imports",
    "api",
    "demo",
]


def imports_of(path: Path) -> set[str]:
    """First-party top-level apps imported by the module (not under ``if TYPE_CHECKING``)."""
    tree = ast.parse(path.read_text())
    hidden = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {node.module, *names} if node.module == "portal" else {node.module}
    return found


def modules(app: str) -> list[Path]:
    return [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]


@pytest.mark.parametrize("app", LAYERS)
def test_no_app_imports_an_app_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    wrong = []
    for path in modules(app):
        for name in imports_of(path):
            top = name.split(".")[0]
            if top in above and not (path.name == "access.py" and app == "portal"):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong


def test_the_floor_imports_no_feature_app_but_access_reads_accounts_and_agencies():
    features = set(LAYERS) - {"portal"}
    for path in modules("portal"):
        tops = {name.split(".")[0] for name in imports_of(path)} & features
        if path.relative_to(ROOT).as_posix() == "portal/access.py":
            assert tops == {"accounts", "agencies"}
        else:
            assert not tops, path


def test_no_module_is_over_600_lines():
    big = [
        (path.relative_to(ROOT).as_posix(), n)
        for app in LAYERS
        for path in modules(app)
        if (n := path.read_text().count("\n")) > 600
    ]
    assert not big
