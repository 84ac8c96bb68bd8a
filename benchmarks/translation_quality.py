"""Translation quality of a configuration: `kedro run` on a TSV corpus, as a user would.

Copies the project (conf/ without conf/local, src/, pyproject.toml, .telemetry, empty
data layers and an empty MLflow store) into a temporary folder, puts the corpus at
``data/01_raw/translation.tsv`` (its first ``--limit`` lines, for quick checks), runs

    kedro run --pipelines translation

with telemetry off, and writes JSON with what the run reported: the test scores of
the decoded test split (BLEU, chrF, exact match, character accuracy) and a few decoded
examples, the teacher-forced test perplexity beside the count baselines, the epochs
trained, the replies to the prompts, the corpus counts and buckets, the parameters
the run used, its wall time, and the CPU (model, cores, AVX-512 and AMX flags) with
its load average before and after.

    python benchmarks/translation_quality.py ../shared/data/translation/ell.txt \\
        --out benchmarks/results/translation_quality.json

Parameters are conf/base's, then the environment ``--env`` names (``real_corpus`` by
default, ``base`` for conf/base alone), then ``--set group.key=value`` (values read as
YAML). Kedro merges conf/base with one environment only, so the copy's conf/local
holds the chosen environment's files with the overrides merged into its
``parameters_translation.yml``, and the run uses Kedro's default environment.
Not a test: figures depend on the machine; report them with its load.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import yaml
from machine import machine

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "translation"
PARAMETERS = f"parameters_{NAMESPACE}.yml"
EXAMPLES = 5

logger = logging.getLogger("translation_quality")


class BenchmarkError(Exception):
    """A problem the user can fix (a missing corpus, a failed run): one line."""


def parse_override(text: str) -> tuple[list[str], Any]:
    """``group.key=value`` -> (``["group", "key"]``, the value read as YAML).

    Deeper keys name nested options: ``evaluation_options.sampler_options.num_beams=5``.

    Raises:
        BenchmarkError: If there is no ``=`` or a key part is empty.
    """
    key, equals, value = text.partition("=")
    path = key.strip().split(".")
    if not equals or len(path) < 2 or not all(path):
        raise BenchmarkError(f"--set expects group.key=value, got {text!r}")
    try:
        return path, yaml.safe_load(value)
    except yaml.YAMLError as error:
        problem = str(error).splitlines()[0]
        raise BenchmarkError(f"--set {text!r}: not a YAML value ({problem})") from None


def merge_overrides(parameters: dict, overrides: list[str]) -> dict:
    """A copy of an environment's parameter file (``{"translation": {group: ...}}``,
    or empty) with each ``group.key=value`` set under the translation namespace."""
    merged = copy.deepcopy(parameters) if parameters else {}
    for text in overrides:
        path, value = parse_override(text)
        node = merged.setdefault(NAMESPACE, {})
        for key in path[:-1]:
            if not isinstance(node.setdefault(key, {}), dict):
                raise BenchmarkError(f"--set {text!r}: {key} is not a group of options")
            node = node[key]
        node[path[-1]] = value
    return merged


def copy_project(destination: Path, env: str, overrides: list[str]) -> dict:
    """The project without outputs or local settings, with conf/local holding
    ``env``'s files and the overrides; returns what conf/local's translation
    parameter file holds."""
    shutil.copytree(
        ROOT / "conf", destination / "conf", ignore=shutil.ignore_patterns("local")
    )
    shutil.copytree(
        ROOT / "src", destination / "src", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", ".telemetry"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, destination / name)
    for layer in (ROOT / "data").iterdir():
        if layer.is_dir():
            (destination / "data" / layer.name).mkdir(parents=True)
    local = destination / "conf/local"
    if env == "base":
        local.mkdir()
    else:
        shutil.copytree(destination / "conf" / env, local)
    params_file = local / PARAMETERS
    params = (
        yaml.safe_load(params_file.read_text(encoding="utf-8"))
        if params_file.exists()
        else {}
    )
    params = merge_overrides(params, overrides)
    if params:
        params_file.write_text(
            yaml.safe_dump(params, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
    make_empty_store(destination / "mlflow.db")
    return params


def make_empty_store(database: Path) -> None:
    """An MLflow store with its schema and no runs, so the timed run does not spend
    seconds creating it (the run would, where MLflow cannot be imported here)."""
    try:
        import mlflow
    except ImportError:
        return
    mlflow.MlflowClient(f"sqlite:///{database}").search_experiments(max_results=1)


def place_corpus(corpus: Path, project: Path, limit: int | None) -> int:
    """Copy ``corpus`` (its first ``limit`` lines) to the pipeline's raw TSV;
    returns the number of lines copied."""
    with corpus.open("rb") as source:
        lines = source.readlines() if limit is None else source.readlines()[:limit]
    (project / "data/01_raw/translation.tsv").write_bytes(b"".join(lines))
    return len(lines)


def effective_parameters(project: Path) -> dict:
    """The translation parameters the run reads: conf/base, then conf/local, merged
    as the project's settings merge them (soft: only the keys named change)."""
    from kedro.config import OmegaConfigLoader

    with warnings.catch_warnings():
        # OmegaConf's deprecation of the resolver API Kedro registers with: not ours.
        warnings.simplefilter("ignore", UserWarning)
        loader = OmegaConfigLoader(
            conf_source=str(project / "conf"),
            base_env="base",
            default_run_env="local",
            merge_strategy={"parameters": "soft"},
        )
        return loader["parameters"][NAMESPACE]


def run_kedro(project: Path) -> float:
    """``kedro run --pipelines translation`` in ``project``, its output shown and
    kept in ``kedro_run.log`` there; returns its wall time in seconds.

    Raises:
        BenchmarkError: If the run fails (its last line and the log named).
    """
    env = {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
        "MLFLOW_DISABLE_TELEMETRY": "true",
        # The copy's own code, whatever the interpreter has installed.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(project / "src"), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [sys.executable, "-m", "kedro", "run", "--pipelines", NAMESPACE]
    log_path = project / "kedro_run.log"
    last = ""
    start = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        for line in process.stdout:
            log.write(line)
            sys.stderr.write(line)
            last = line.strip() or last
        returncode = process.wait()
    seconds = time.perf_counter() - start
    if returncode:
        raise BenchmarkError(
            f"kedro run failed (exit {returncode}): {last[-300:]} "
            f"(whole log: {log_path})"
        )
    return seconds


def latest(project: Path, relative: str) -> Path:
    """The newest version of a versioned file of the run (``name/<version>/name``)."""
    folder = project / relative
    versions = sorted(folder.glob(f"*/{folder.name}"))
    if not versions:
        raise BenchmarkError(f"the run wrote no {relative}")
    return versions[-1]


def read_json(project: Path, relative: str) -> Any:
    return json.loads(latest(project, relative).read_text(encoding="utf-8"))


def rounded(value: Any, digits: int = 4) -> Any:
    """Floats of a report rounded, lists and dicts alike."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {key: rounded(item, digits) for key, item in value.items()}
    if isinstance(value, list):
        return [rounded(item, digits) for item in value]
    return value


def read_results(project: Path) -> dict:
    """What the run reported, from data/08_reporting and data/07_model_output."""
    reports = f"data/08_reporting/{NAMESPACE}"
    history = read_json(project, f"{reports}/train_history.json")
    scores = read_json(project, f"{reports}/test_scores_report.json")
    replies = read_json(project, f"data/07_model_output/{NAMESPACE}/replies.json")
    buckets = read_json(project, f"{reports}/bucket_report.json")
    return {
        "data": {
            "ingest": read_json(project, f"{reports}/ingest_report.json"),
            "cleaning": read_json(project, f"{reports}/cleaning_report.json"),
            "buckets": buckets,
        },
        "training": {
            "epochs_done": history.get("epochs_done", [None])[-1],
            "stopped_by_budget": bool(history.get("stopped_early", [0])[-1]),
            "history": rounded(history),
        },
        "test_scores": {
            key: rounded(value) for key, value in scores.items() if key != "examples"
        },
        "perplexity": rounded(read_json(project, f"{reports}/baseline_report.json"), 3),
        "replies": {
            reply["prompt"]: reply["reply"]
            if reply.get("reply") is not None
            else reply.get("message")
            for reply in replies["replies"]
        },
        "examples": [
            {key: example.get(key) for key in ("source", "reference", "output")}
            for example in scores.get("examples", [])[:EXAMPLES]
        ],
    }


def environment(name: str) -> str:
    """``name`` if it is conf/base or an environment folder to copy.

    Raises:
        BenchmarkError: For conf/local (the user's own, never copied) or a name
            with no folder under conf/.
    """
    if name == "local":
        raise BenchmarkError(
            "--env local: conf/local is yours and is not copied; name base or an "
            "environment folder, and set values with --set"
        )
    if not (ROOT / "conf" / name).is_dir():
        known = sorted(
            p.name
            for p in (ROOT / "conf").iterdir()
            if p.is_dir() and p.name != "local"
        )
        raise BenchmarkError(f"--env expects one of {known}, got {name!r}")
    return name


def benchmark(args: argparse.Namespace) -> dict:
    if not args.corpus.is_file():
        raise BenchmarkError(
            f"expected a TSV file of sentence pairs, got {args.corpus}"
        )
    env = environment(args.env)
    overrides = {
        ".".join(path): value for path, value in map(parse_override, args.overrides)
    }
    result: dict = {
        "corpus": str(args.corpus),
        "env": env,
        "overrides": overrides,
        "machine_before": machine(),
    }
    project = Path(tempfile.mkdtemp(prefix="translation_quality-"))
    logger.info("Copying the project to %s (environment %s)", project, env)
    try:
        copy_project(project, env, args.overrides)
    except BenchmarkError:
        shutil.rmtree(project, ignore_errors=True)
        raise
    result["lines"] = place_corpus(args.corpus, project, args.limit)
    result["parameters"] = effective_parameters(project)
    logger.info("kedro run --pipelines %s on %d lines", NAMESPACE, result["lines"])
    result["seconds"] = round(run_kedro(project), 1)
    logger.info("The run took %.0f s; reading its reports", result["seconds"])
    result.update(read_results(project))
    result["machine_after"] = machine()
    if args.keep:
        result["project"] = str(project)
        logger.info("The project copy is kept in %s", project)
    else:
        shutil.rmtree(project, ignore_errors=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="an Anki/Tatoeba TSV file")
    parser.add_argument(
        "--env",
        default="real_corpus",
        help="configuration environment under conf/ (base: conf/base alone)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="GROUP.KEY=VALUE",
        help="a parameter over the environment's, e.g. "
        "training_options.time_budget_minutes=0.5 (value read as YAML)",
    )
    parser.add_argument(
        "--limit", type=int, help="use only the first N lines of the corpus"
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the project copy (model, reports, MLflow store) and name it",
    )
    parser.add_argument("--out", type=Path, help="write the JSON here, not to stdout")
    args = parser.parse_args()
    if args.limit is not None and args.limit < 1:
        parser.error(f"--limit expects a positive number of lines, got {args.limit}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    try:
        result = benchmark(args)
    except BenchmarkError as error:
        raise SystemExit(f"translation_quality: {error}") from None
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
        logger.info("Wrote %s", args.out)
    else:
        print(text)


if __name__ == "__main__":
    main()
