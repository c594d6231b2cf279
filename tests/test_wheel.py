"""The wheel is the product: built from a copy of the checkout, installed into a fresh
virtual environment outside it and run from a folder outside it, it serves replies
from its own templates and runs `replyguard eval` on its own cases and corpora.

The fresh environment gets its dependencies from this one through a `.pth` line
(installing them from an index would rebuild llama-cpp-python for minutes). A path
line adds the folder to sys.path without running the `.pth` files in it, so this
environment's editable finder stays off: replyguard comes from the wheel alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.databases import free_port

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGE_DIR: dict[str, str] = SETUPTOOLS["package-dir"]
#: Shipped data, by package: the checkout folders whose every file the wheel carries.
SHIPPED_DATA = {
    "replyguard_prompts": ["prompts"],
    "replyguard_eval_data": ["evals/cases", "evals/corpus", "evals/holdout"],
}
BUSINESS = {
    "name": "Bistro Verde",
    "contact": {
        "name": "Anna Kowalska",
        "role": "Restaurant Manager",
        "phone": "+44 20 7946 0958",
        "email": "anna@bistroverde.example",
    },
    "compensation": ["a complimentary dinner for two"],
}
REVIEWS = {
    "en": "We waited almost two hours for a table and the soup was cold when it came.",
    "de": "Wir haben fast zwei Stunden auf einen Tisch gewartet und die Suppe war kalt.",
    "zh": "我们等了将近两个小时才有座位，汤端上来的时候已经凉了，服务员也不理我们。",
}


def _files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_every_package_folder_is_in_the_package_list() -> None:
    """The list in pyproject.toml is explicit (the data packages sit outside the source
    roots), so a new subpackage must be added to it or the wheel would lack it."""
    folders = {ROOT / folder: name for name, folder in PACKAGE_DIR.items()}
    found = set()
    for folder in folders:
        for init in folder.rglob("__init__.py"):
            here = init.parent
            # The nearest mapped folder names it: evals/replyguard_evals/x is
            # replyguard_evals.x, not replyguard_eval_data.replyguard_evals.x.
            top = max((f for f in folders if here.is_relative_to(f)), key=lambda f: len(f.parts))
            found.add(".".join([folders[top], *here.relative_to(top).parts]))
    assert found == set(SETUPTOOLS["packages"])


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    bin: Path
    run: Path
    env: dict[str, str]


def _run(args: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("wheel")
    assert not work.is_relative_to(ROOT)
    # Build from a copy: no build/ or egg-info of the checkout can leak into the wheel.
    source = work / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "*.db")
    for top in sorted({Path(folder).parts[0] for folder in PACKAGE_DIR.values()}):
        shutil.copytree(ROOT / top, source / top, ignore=ignore)
    for name in ("pyproject.toml", PYPROJECT["project"]["readme"]):
        shutil.copy2(ROOT / name, source / name)
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, source])
    (wheel,) = dist.glob("replyguard-*.whl")

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    install: list[str | Path] = [sys.executable, "-m", "pip", "--python", python, "install"]
    _run([*install, "--no-deps", "--no-index", "--quiet", wheel])
    site = _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
    ours = sysconfig.get_paths()
    (Path(site.stdout.strip()) / "replyguard-test-deps.pth").write_text(
        f"{ours['purelib']}\n{ours['platlib']}\n", encoding="utf-8"
    )
    run = work / "run"
    run.mkdir()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("REPLYGUARD_") and k != "PYTHONPATH"
    } | {
        "REPLYGUARD_LLM_PROVIDER": "none",
        "REPLYGUARD_DATABASE_URL": f"sqlite:///{run / 'records.db'}",
        "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
        "REPLYGUARD_LOG_LEVEL": "WARNING",
        "OTEL_SDK_DISABLED": "true",
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    return Installed(wheel, venv, venv / "bin", run, env)


@pytest.mark.slow
def test_the_wheel_carries_the_prompts_and_the_eval_data(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    for package, folders in SHIPPED_DATA.items():
        shipped = {n.split("/", 1)[1] for n in names if n.startswith(f"{package}/")}
        wanted = {
            (Path(folder).relative_to(PACKAGE_DIR[package]) / name).as_posix()
            for folder in folders
            for name in _files(ROOT / folder)
        }
        assert wanted <= shipped, sorted(wanted - shipped)
    # Real replies and the classifier's sentences are development data.
    assert not [n for n in names if "/real/" in n or "/paraphrases/" in n]
    for package in ("replyguard", "replyguard_checks", "replyguard_evals"):
        code = {f"{package}/{n}" for n in _files(ROOT / PACKAGE_DIR[package])}
        assert code <= names, sorted(code - names)


@pytest.mark.slow
def test_the_installed_wheel_serves_and_evaluates_outside_the_checkout(
    installed: Installed,
) -> None:
    where = _run(
        [
            installed.bin / "python",
            "-c",
            "import json, replyguard, replyguard_evals, replyguard_checks\n"
            "from replyguard.settings import Settings\n"
            "from replyguard_evals.dataset import CASES_DIR\n"
            "from replyguard_evals.corpus import CORPUS_DIR\n"
            "print(json.dumps([replyguard.__file__, replyguard_evals.__file__,\n"
            "    replyguard_checks.__file__, str(Settings().prompts_dir),\n"
            "    str(CASES_DIR), str(CORPUS_DIR)]))",
        ],
        cwd=installed.run,
        env=installed.env,
    )
    for path in map(Path, json.loads(where.stdout)):
        assert path.is_relative_to(installed.venv), path
        assert path.exists(), path

    report = installed.run / "reports" / "eval.json"
    evaluation = subprocess.Popen(
        [
            installed.bin / "replyguard",
            "eval",
            "--provider",
            "none",
            "--cases",
            "en-*,zh-*",
            "--report",
            "reports/eval.json",
            "--html",
            "reports/eval.html",
        ],
        cwd=installed.run,
        env=installed.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    port = free_port()
    log = installed.run / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [installed.bin / "replyguard", "serve", "--port", str(port)],
            cwd=installed.run,
            env=installed.env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # seconds on a busy 2-core machine
        while True:
            assert server.poll() is None, log.read_text(encoding="utf-8")[-3000:]
            assert time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        for language, text in REVIEWS.items():
            body = {"review": {"text": text, "rating": 1, "reviewer_name": "Karen Miller"}}
            answer = httpx.post(
                f"{base}/v1/replies", json=body | {"business": BUSINESS}, timeout=60
            )
            assert answer.status_code == 200, answer.text
            data = answer.json()
            assert data["language"] == language
            assert data["source"] == "template"
            assert data["passed"] is True, data["checks"]
            assert "Anna Kowalska" in data["reply"]
        server.terminate()
        server.wait(timeout=30)
        output, _ = evaluation.communicate(timeout=300)
    finally:
        for process in (server, evaluation):
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    assert evaluation.returncode == 0, output[-3000:]
    written = json.loads(report.read_text(encoding="utf-8"))
    assert written["gate"]["ok"] is True
    assert {case["id"].split("-")[0] for case in written["cases"]} == {"en", "zh"}
    # The corpora came from the wheel; the real replies stay in the checkout.
    assert written["detectors"]["by_check"]
    assert written["detectors_holdout"]["by_check"]
    assert "detectors_real" not in written
    assert (installed.run / "reports" / "eval.html").stat().st_size > 0
