"""`make viz` and `make notebook`, as the Makefile writes them (`make -n`), started
on a free port of 127.0.0.1: the notebook server opens notebooks/ without a browser,
and a SIGTERM to `make viz`'s command leaves nothing serving on its port."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.test_end_to_end import PROJECT, copy_project
from tests.test_process_group import answers, env_with_source, port_or_skip, wait

BIN = Path(sys.executable).parent


def make_command(target: str, default_port: int, port: int) -> list[str]:
    """The command ``make <target>`` runs (its ``install`` prerequisite left out),
    with this interpreter's bin folder for ``.venv/bin`` and ``port``."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    # Under `make test` the outer make's variables would make this one print
    # "make[1]: Entering directory" lines into the recipe.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    }
    recipe = subprocess.run(
        ["make", "-n", "--no-print-directory", "-o", "install", target],
        cwd=PROJECT, capture_output=True, text=True, check=True, env=env,
    ).stdout  # fmt: skip
    words = shlex.split(recipe.replace("\\\n", " "))
    return [_local(word, default_port, port) for word in words]


def _local(word: str, default_port: int, port: int) -> str:
    if word.startswith(".venv/bin/"):
        return str(BIN / word.removeprefix(".venv/bin/"))
    return str(port) if word == str(default_port) else word


def start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    with log.open("w") as out:
        return subprocess.Popen(
            command, cwd=cwd, env=env_with_source(), stdout=out, stderr=out
        )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.slow
def test_sigterm_to_make_viz_leaves_no_server_on_the_port(tmp_path):
    port = port_or_skip()
    command = make_command("viz", 4141, port)
    assert "rnn_pipeline.process_group" in command
    project = copy_project(tmp_path / "project")
    viz = start(command, project, tmp_path / "viz.log")
    try:
        assert wait(lambda: answers(port), 120), (tmp_path / "viz.log").read_text()
        viz.send_signal(signal.SIGTERM)  # GNU make passes its SIGTERM on to this
        viz.wait(timeout=30)
        assert wait(lambda: not answers(port), 10), "kedro-viz still serves"
    finally:
        stop(viz)


@pytest.mark.slow
def test_make_notebook_serves_notebooks_on_localhost_without_a_browser(tmp_path):
    if not (BIN / "jupyter-notebook").exists():
        pytest.skip(
            "Jupyter is not installed (pip install -c constraints.txt -e .[dev])"
        )
    port = port_or_skip()
    command = make_command("notebook", 8888, port)
    assert "--no-browser" in command and "127.0.0.1" in command
    log = tmp_path / "notebook.log"
    server = start(command, PROJECT, log)
    try:
        assert wait(lambda: answers(port), 120), log.read_text()
        token = (
            wait(lambda: "token=" in log.read_text(), 30)
            and (log.read_text().split("token=")[1].split()[0])
        )
        url = f"http://127.0.0.1:{port}/api/contents?token={token}"
        with urllib.request.urlopen(url, timeout=10) as response:
            listing = json.loads(response.read())
        names = [entry["name"] for entry in listing["content"]]
        assert "chatbot_walkthrough.ipynb" in names  # its root is notebooks/
    finally:
        stop(server)
    assert not answers(port)
