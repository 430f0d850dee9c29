"""The front-end libraries the portal serves from static/vendor/ are the ones package.json pins."""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
FILES = ["tom-select.complete.min.js", "tom-select.min.css"]


def test_vendored_tom_select_matches_node_modules() -> None:
    dist = ROOT / "node_modules" / "tom-select"
    if not dist.exists():
        pytest.skip("node_modules not installed (npm ci)")
    wanted = json.loads((ROOT / "package.json").read_text())["dependencies"]["tom-select"].lstrip("^~")
    installed = json.loads((dist / "package.json").read_text())["version"]
    assert installed.split(".")[0] == wanted.split(".")[0]
    for name in FILES:
        source = next(dist.glob(f"dist/*/{name}"))
        assert (ROOT / "static" / "vendor" / "tom-select" / name).read_bytes() == source.read_bytes(), (
            f"static/vendor/tom-select/{name} differs from node_modules: run `make vendor`"
        )


def test_pages_load_the_vendored_files(client) -> None:
    html = client.get("/dang-nhap/").content.decode()
    assert "/static/vendor/tom-select/tom-select.complete.min.js" in html and "/static/js/portal.js" in html
