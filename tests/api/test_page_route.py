"""GET / serves the agent page and its files from the package (the browser tests are
in tests/web)."""

from __future__ import annotations

import fnmatch
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from replyguard.api import create_app
from replyguard.api.page import WEB_DIR
from replyguard.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("page")
    settings = Settings(llm_provider="none", database_url=f"sqlite:///{folder}/records.db")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_the_page_is_served_with_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for script in ("app.js", "diff.js", "check.js"):
        assert f'<script src="/static/{script}"' in page.text
    for name, kind in (
        ("app.js", "javascript"),
        ("diff.js", "javascript"),
        ("check.js", "javascript"),
        ("style.css", "text/css"),
    ):
        asset = client.get(f"/static/{name}")
        assert asset.status_code == 200
        assert kind in asset.headers["content-type"]
    assert "/" not in client.get("/openapi.json").json()["paths"]


def test_static_paths_cannot_escape_the_web_folder(client: TestClient) -> None:
    for path in ("/static/../pipeline.py", "/static/%2e%2e/pipeline.py", "/static/missing.js"):
        assert client.get(path).status_code == 404


def test_every_web_file_is_package_data() -> None:
    """A non-editable install must carry the page too."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["replyguard"]
    files = [p.relative_to(WEB_DIR.parent).as_posix() for p in WEB_DIR.iterdir()]
    assert {"web/index.html", "web/app.js", "web/diff.js", "web/check.js", "web/style.css"} <= set(
        files
    )
    for name in files:
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name
