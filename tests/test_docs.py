"""The documentation leads somewhere real.

README.md and docs/*.md name links, `make` targets, `kedro` commands, pipelines,
configuration environments and files. Each check reads the pages, collects what does
not exist, and fails naming the page and the name, so a renamed target or a moved
page shows up here rather than in a user's terminal. No network, no training: the
pipelines and commands come from one short subprocess that asks Kedro.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
MAKE = re.compile(r"(?<![\w/.-])make[ \t]+([a-z][\w-]*)")
KEDRO = re.compile(r"(?<![\w.-])kedro[ \t]+([a-z][\w-]*)")
PIPELINES = re.compile(r"--pipelines?[ =]([\w,]+)")
NAMESPACE = re.compile(r"--namespace[ =]([\w]+)")
ENV = re.compile(r"(?<!\S)(?:--env|-e)[ =]([\w-]+)")
# Paths the pages name: benchmark scripts and results, configuration, tests,
# notebooks, and modules named relative to src/ or src/rnn_pipeline/.
REPO_PATH = re.compile(
    r"(?<![\w/.-])((?:benchmarks|conf|tests|notebooks|src|rnn_pipeline)/[\w./<>*{},-]*)"
)
MODULE_PATH = re.compile(
    r"(?<![\w/.-])((?:text|models|samplers|training|datasets|pipelines|serving|cli"
    r"|plumbing)/[\w/.-]*\.py)\b"
)
BARE_RESULT = re.compile(r"`([\w.-]+\.json)`")


def page_name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix() if page.is_relative_to(ROOT) else page.name


def split_code(text: str) -> tuple[str, str]:
    """(prose, code): fenced blocks and inline code spans apart from the rest."""
    prose, code, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            code.append(line)
            continue
        code.extend(re.findall(r"`([^`]+)`", line))
        prose.append(re.sub(r"`[^`]+`", "", line))
    return "\n".join(prose), "\n".join(code)


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces
    turned into hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a page's headings (a repeated heading gets -1, -2, ...)."""
    found, seen, fenced = set(), {}, False
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        if fenced or not line.startswith("#"):
            continue
        base = slug(line.lstrip("#"))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(page: Path) -> list[str]:
    """Every relative link of ``page`` whose file (or heading) is missing."""
    prose, _ = split_code(page.read_text(encoding="utf-8"))
    problems = []
    for target in LINK.findall(prose):
        if SCHEME.match(target):
            continue
        path, _, fragment = target.partition("#")
        resolved = (page.parent / path).resolve() if path else page
        if not resolved.exists():
            problems.append(f"{page_name(page)}: link {target} -> no such file")
        elif (
            fragment and resolved.suffix == ".md" and fragment not in anchors(resolved)
        ):
            problems.append(f"{page_name(page)}: link {target} -> no such heading")
    return problems


@cache
def make_targets() -> set[str]:
    targets = set()
    for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines():
        if line.startswith(".PHONY:"):
            targets.update(line.split(":", 1)[1].split())
        match = re.match(r"^([A-Za-z][\w-]*)\s*:(?!=)", line)
        if match:
            targets.add(match.group(1))
    return targets


PROBE = """
import json, os
from pathlib import Path
import click
from kedro.framework.cli.cli import KedroCLI
from kedro.framework.project import configure_project
from rnn_pipeline.cli import cli as project_cli

root = Path(os.environ["DOCS_PROJECT_ROOT"])
kedro_cli = KedroCLI(root)
commands = kedro_cli.list_commands(click.Context(kedro_cli))
configure_project("rnn_pipeline")
from rnn_pipeline.pipeline_registry import register_pipelines
print("DOCS-PROBE " + json.dumps({
    "commands": sorted(commands),
    "project_commands": sorted(project_cli.commands),
    "pipelines": sorted(register_pipelines()),
}))
"""


@cache
def project() -> dict[str, list[str]]:
    """The kedro subcommands (Kedro's own, plugins', the project's from
    ``rnn_pipeline.cli``) and the registered pipelines, asked of Kedro in a
    subprocess so this test module leaves Kedro's global project settings alone."""
    env = {
        **os.environ,
        "DOCS_PROJECT_ROOT": str(ROOT),
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")])
        ),
        "KEDRO_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
    }
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in done.stdout.splitlines():
        if line.startswith("DOCS-PROBE "):
            return json.loads(line.removeprefix("DOCS-PROBE "))
    raise AssertionError(f"asking Kedro failed:\n{done.stdout}\n{done.stderr}")


def named(pattern: re.Pattern, *, in_code: bool = True):
    """(page, name) for every match of ``pattern`` in the pages' code (or text)."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        searched = split_code(text)[1] if in_code else text
        for match in pattern.findall(searched):
            yield page, match


def missing_paths(page: Path, path: str) -> str | None:
    """Why ``path``, named in ``page``, does not resolve; None when it does."""
    path = path.rstrip(".,;:)")
    if any(mark in path for mark in "<>*{}"):
        return None  # a pattern such as parameters_<pipeline>.yml, not a file
    candidate = ROOT / path
    if path.startswith("rnn_pipeline/"):
        candidate = ROOT / "src" / path
    if path.startswith("conf/local/") and not candidate.exists():
        # conf/local/ is the user's and git-ignored: the folder must exist.
        candidate = candidate.parent
    if candidate.exists():
        return None
    return f"{page_name(page)}: {path} does not exist"


# The checks.


def test_the_pages_exist():
    names = {page_name(page) for page in PAGES}
    for page in (
        "chatbot",
        "char_rnn",
        "translation",
        "textbook",
        "chat_and_serving",
        "mlflow_and_viz",
        "configuration",
        "robustness",
        "development",
        "benchmarks",
    ):
        assert f"docs/{page}.md" in names


def test_every_relative_link_resolves():
    problems = [problem for page in PAGES for problem in broken_links(page)]
    assert not problems, "\n".join(problems)


def test_every_page_is_linked_from_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {target.partition("#")[0] for target in LINK.findall(readme)}
    unlinked = [
        page_name(page)
        for page in PAGES[1:]
        if page.relative_to(ROOT).as_posix() not in linked
    ]
    assert not unlinked, f"docs pages the README's index misses: {unlinked}"


def test_the_readme_gives_the_two_commands():
    _, code = split_code((ROOT / "README.md").read_text(encoding="utf-8"))
    assert re.search(r"^make run\b", code, re.MULTILINE)
    assert re.search(r"^make test\b", code, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = re.search(r"^run:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    test = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert run and "kedro run --pipelines chatbot" in run.group(1)
    assert test and "pytest" in test.group(1)


def test_every_make_target_exists():
    targets = make_targets()
    problems = [
        f"{page_name(page)}: make {name}"
        for page, name in named(MAKE)
        if name not in targets
    ]
    assert not problems, "not Makefile targets:\n" + "\n".join(problems)


def test_every_kedro_command_exists():
    known = project()
    assert set(known["project_commands"]) <= set(known["commands"])
    problems = [
        f"{page_name(page)}: kedro {name}"
        for page, name in named(KEDRO)
        if name not in known["commands"]
    ]
    assert not problems, "not kedro commands:\n" + "\n".join(problems)


def test_every_pipeline_and_namespace_named_is_registered():
    pipelines = set(project()["pipelines"])
    problems = [
        f"{page_name(page)}: --pipelines {name}"
        for page, names in named(PIPELINES)
        for name in names.split(",")
        if name not in pipelines
    ]
    problems += [
        f"{page_name(page)}: --namespace {name}"
        for page, name in named(NAMESPACE)
        if name not in pipelines
    ]
    assert not problems, "not registered pipelines:\n" + "\n".join(problems)


def test_every_env_named_is_a_conf_folder():
    problems = [
        f"{page_name(page)}: --env {name}"
        for page, name in named(ENV)
        if not (ROOT / "conf" / name).is_dir()
    ]
    assert not problems, "no such folder under conf/:\n" + "\n".join(problems)


def test_every_path_named_exists():
    problems = [
        problem
        for page, path in named(REPO_PATH, in_code=False)
        if (problem := missing_paths(page, path))
    ]
    problems += [
        f"{page_name(page)}: {path} is not under src/rnn_pipeline/"
        for page, path in named(MODULE_PATH)
        if "<" not in path and not (ROOT / "src/rnn_pipeline" / path).exists()
    ]
    benchmarks = ROOT / "docs/benchmarks.md"
    problems += [
        f"docs/benchmarks.md: {name} is not in benchmarks/results/"
        for name in BARE_RESULT.findall(benchmarks.read_text(encoding="utf-8"))
        if not (ROOT / "benchmarks/results" / name).exists()
    ]
    assert not problems, "\n".join(problems)


# The checks can fail: each finds a planted fault.


def test_a_broken_link_is_found(tmp_path):
    page = tmp_path / "page.md"
    (tmp_path / "there.md").write_text("# A heading\n", encoding="utf-8")
    page.write_text(
        "[fine](there.md#a-heading) [gone](missing.md) [bad](there.md#nowhere)\n"
        "`[in code](ignored.md)` [web](https://example.org)\n",
        encoding="utf-8",
    )
    problems = broken_links(page)
    assert len(problems) == 2, problems
    assert "missing.md" in problems[0] and "nowhere" in problems[1]


@pytest.mark.parametrize(
    ("line", "pattern", "name"),
    [
        ("make chat-web MODEL=2", MAKE, "chat-web"),
        (".venv/bin/kedro chat 你好", KEDRO, "chat"),
        ("kedro run --pipelines chatbot --env real_corpus", PIPELINES, "chatbot"),
        ("kedro run --pipelines chatbot --env real_corpus", ENV, "real_corpus"),
        ("kedro serve --namespace chatbot", NAMESPACE, "chatbot"),
    ],
)
def test_the_patterns_find_what_the_pages_name(line, pattern, name):
    assert pattern.findall(line) == [name]


def test_prose_is_not_read_as_commands():
    assert MAKE.findall(split_code("make sure the `make` target")[1]) == []
    assert KEDRO.findall("kedro-viz and kedro-mlflow, kedro.ipython") == []
