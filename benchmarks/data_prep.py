"""Time the chatbot's data preparation (ingest -> validation split) as a user pays it.

Builds corpora of 1x, 2x, 4x, 8x the size of a ``.conv`` file by recombining its
utterances into new conversations (seeded, written to a temporary folder), so each
size holds about k times as many distinct pairs; cleaning must keep k times as many
pairs, or the benchmark fails. For each size a fresh process bootstraps the project,
takes the registered ``chatbot`` pipeline, cuts it to the nodes that make the
trainer's inputs (everything upstream of the node that outputs the model), loads the
parameters with the project's config loader, and runs those nodes in topological
order with their parameter groups typed as Kedro types them in a run, timing
each node (wall and CPU time). The whole process is measured too: wall time from
start to exit, the import part, peak RSS and which heavy modules were imported.
Each size runs ``--repeats`` times (round all sizes) and keeps its least times.
When node time per kept pair grows more than ``--target`` from the smallest size
to the largest, the nodes are profiled (cProfile) at both sizes and the functions
that grow faster than the corpus are listed. Prints JSON (and writes it with
--out).

    python benchmarks/data_prep.py ../shared/data/chat/lost.conv --sizes 1 2 4 8
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib.metadata
import json
import logging
import os
import platform
import pstats
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import machine

logger = logging.getLogger("data_prep")

PROJECT = Path(__file__).resolve().parents[1]
PIPELINE = "chatbot"
# The dataset the trainer writes; the data preparation is what its node reads.
MODEL = f"{PIPELINE}.model"
# The cleaned pairs, whose count is the benchmark's unit of work.
PAIRS = f"{PIPELINE}.pairs"
HEAVY_MODULES = ("tensorflow", "keras", "matplotlib")
# Kept pairs may grow by k +- this fraction from the smallest size (duplicates that
# random recombination happens to make are the only expected loss).
PAIRS_TOLERANCE = 0.1
PROFILE_TOP = 12
# Node times taken as the least of the repeats of a size.
NODE_TIMES = ("node_seconds", "node_cpu_seconds", "gc_seconds")


# ----------------------------------------------------------------------- corpora
def recombine(
    conversations: list[list[str]], factor: int, seed: int
) -> list[list[str]]:
    """``factor`` times as many conversations, made of the corpus's utterances.

    Every utterance is used ``factor`` times and every conversation length
    ``factor`` times, both shuffled: utterance lengths and scripts (so what cleaning
    drops, and the buckets) keep their distribution, while neighbours are new, so
    the pairs are distinct and deduplication cannot shrink the larger corpora.
    """
    rng = random.Random(f"{seed}-{factor}")
    utterances = [u for conversation in conversations for u in conversation] * factor
    lengths = [len(conversation) for conversation in conversations] * factor
    rng.shuffle(utterances)
    rng.shuffle(lengths)
    recombined, start = [], 0
    for length in lengths:
        recombined.append(utterances[start : start + length])
        start += length
    return recombined


def write_corpora(
    corpus: Path, sizes: list[int], seed: int, folder: Path
) -> dict[int, dict]:
    """Write one recombined ``.conv`` per size into ``folder``.

    Returns:
        Size -> path, conversations, turns and pairs before cleaning.
    """
    from rnn_pipeline.text.conv import format_conv, parse_conv

    text = corpus.read_bytes().decode("utf-8", errors="replace")
    conversations, _ = parse_conv(text, str(corpus))
    corpora = {}
    for factor in sizes:
        recombined = recombine(conversations, factor, seed)
        path = folder / f"{corpus.stem}_x{factor}.conv"
        path.write_text(format_conv(recombined), encoding="utf-8")
        corpora[factor] = {
            "path": path,
            "conversations": len(recombined),
            "turns": sum(map(len, recombined)),
            "pairs_in": sum(len(c) - 1 for c in recombined),
            "bytes": path.stat().st_size,
        }
        logger.info("Wrote %s: %s", path.name, corpora[factor])
    return corpora


# ------------------------------------------------------------------------ worker
class GcTimer:
    """Seconds spent in the garbage collector, read per node."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.collections = 0
        self._start = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._start
            self.collections += 1


def parameter(parameters: dict, name: str) -> Any:
    """The value of ``parameters`` or ``params:<key>[.<key>...]``, as Kedro's
    catalog gives it to nodes."""
    value = parameters
    if name != "parameters":
        for key in name.removeprefix("params:").split("."):
            value = value[key]
    return value


def data_preparation(pipeline):
    """The nodes upstream of the one that outputs the model: what it reads, made."""
    trainers = [node for node in pipeline.nodes if MODEL in node.outputs]
    if len(trainers) != 1:
        raise SystemExit(
            f"expected one node of {PIPELINE!r} writing {MODEL!r}, got "
            f"{[node.name for node in trainers]}"
        )
    inputs = [name for name in trainers[0].inputs if not name.startswith("param")]
    prep = pipeline.to_outputs(*inputs)
    if any(MODEL in node.inputs or MODEL in node.outputs for node in prep.nodes):
        raise SystemExit(f"the data preparation cut still touches {MODEL!r}")
    return prep


def modules_loaded() -> list[str]:
    return [name for name in HEAVY_MODULES if name in sys.modules]


def worker(corpus: Path, env: str | None, profile: bool) -> dict:
    """Prepare the data of ``corpus`` as ``kedro run`` would, in this process."""
    started_at = time.time()  # wall clock, comparable with the parent's
    start = time.perf_counter()
    imports = {}

    def lap(name: str) -> None:
        imports[name] = round(time.perf_counter() - start - sum(imports.values()), 3)

    from kedro.framework.project import pipelines, settings
    from kedro.framework.startup import bootstrap_project
    from kedro.io import AbstractDataset

    lap("kedro")
    bootstrap_project(PROJECT)
    # The project's settings module imports its hooks, as a session does first.
    loader_class = settings.CONFIG_LOADER_CLASS
    lap("project_settings_and_hooks")
    # What `kedro run --pipelines chatbot` asks for: Kedro imports only that package.
    pipelines.set_requested([PIPELINE])
    prep = data_preparation(pipelines[PIPELINE])
    from rnn_pipeline.pipelines.namespaces import typed_inputs

    lap("pipeline_modules")
    import_seconds = time.perf_counter() - start
    imported = modules_loaded()
    rss_after_imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    config = loader_class(
        conf_source=str(PROJECT / settings.CONF_SOURCE),
        env=env,
        **settings.CONFIG_LOADER_ARGS,
    )
    parameters = config["parameters"]
    catalog = config["catalog"]
    raw_inputs = [
        name for name in prep.inputs() if not name.startswith(("params:", "parameters"))
    ]
    if len(raw_inputs) != 1 or "filepath" not in catalog.get(raw_inputs[0], {}):
        raise SystemExit(
            f"expected the data preparation to read one file dataset, got {raw_inputs}"
        )
    raw = raw_inputs[0]
    config_seconds = time.perf_counter() - start - import_seconds

    gc_timer = GcTimer()
    dataset = AbstractDataset.from_config(
        raw, {**catalog[raw], "filepath": str(corpus)}
    )
    load_start = time.perf_counter()
    data: dict[str, Any] = {raw: dataset.load()}
    load_seconds = time.perf_counter() - load_start

    nodes: dict[str, dict] = {}
    profiles: dict[str, list] = {}
    for node in prep.nodes:  # topological order
        inputs = {
            name: data[name] if name in data else parameter(parameters, name)
            for name in node.inputs
        }
        inputs.update(typed_inputs(inputs))  # what ValidateParametersHook does
        gc_before = (gc_timer.seconds, gc_timer.collections)
        profiler = cProfile.Profile() if profile else None
        node_start, cpu_start = time.perf_counter(), time.process_time()
        outputs = profiler.runcall(node.run, inputs) if profiler else node.run(inputs)
        seconds = time.perf_counter() - node_start
        nodes[node.name] = {
            "seconds": round(seconds, 4),
            # CPU time of the process: what load from other processes inflates less.
            "cpu_seconds": round(time.process_time() - cpu_start, 4),
            "gc_seconds": round(gc_timer.seconds - gc_before[0], 4),
            "gc_collections": gc_timer.collections - gc_before[1],
        }
        if profiler:
            profiles[node.name] = top_functions(profiler)
        data.update(outputs)
    if PAIRS not in data:
        raise SystemExit(f"the data preparation made no {PAIRS!r}")
    return {
        "pairs_kept": len(data[PAIRS]),
        "nodes": nodes,
        "node_seconds": round(sum(n["seconds"] for n in nodes.values()), 4),
        "node_cpu_seconds": round(sum(n["cpu_seconds"] for n in nodes.values()), 4),
        "gc_seconds": round(sum(n["gc_seconds"] for n in nodes.values()), 4),
        "load_seconds": round(load_seconds, 4),
        "import_seconds": round(import_seconds, 3),
        "import_breakdown_seconds": imports,
        "config_seconds": round(config_seconds, 3),
        "in_process_seconds": round(time.perf_counter() - start, 3),
        "started_at": started_at,
        "ended_at": time.time(),
        "rss_after_imports_mib": round(rss_after_imports / 1024, 1),
        "peak_rss_mib": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
        "heavy_modules_after_imports": imported,
        "heavy_modules_at_end": modules_loaded(),
        "reports": {
            name: value
            for name, value in data.items()
            if name.endswith("_report") and isinstance(value, dict)
        },
        **({"profile": profiles} if profile else {}),
    }


def top_functions(profiler: cProfile.Profile, limit: int = 200) -> list[dict]:
    """The functions with the most own time (tottime), for comparing sizes."""
    stats = pstats.Stats(profiler).stats  # (file, line, name) -> (cc, nc, tt, ct, ..)
    ranked = sorted(stats.items(), key=lambda item: -item[1][2])[:limit]
    return [
        {
            "function": f"{Path(file).name}:{line}({name})",
            "file": file,
            "calls": calls,
            "tottime": round(tottime, 5),
            "cumtime": round(cumtime, 5),
        }
        for (file, line, name), (_, calls, tottime, cumtime, _) in ranked
    ]


# ------------------------------------------------------------------------ parent
def run_worker(
    corpus: Path, env: str | None, profile: bool, folder: Path
) -> dict[str, Any]:
    """One fresh process for one corpus; its whole wall time measured from here."""
    result = folder / f"{corpus.stem}.{'profile' if profile else 'run'}.json"
    command = [sys.executable, __file__, str(corpus), "--worker", str(result)]
    command += ["--env", env] if env else []
    command += ["--profile"] if profile else []
    load = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    launched_at, start = time.time(), time.perf_counter()
    process = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    exited_at = time.time()
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode != 0:
        raise SystemExit(
            f"the worker for {corpus.name} failed ({process.returncode}):\n"
            + process.stderr[-3000:]
        )
    measured = json.loads(result.read_text(encoding="utf-8"))
    return {
        "process_seconds": round(wall, 3),
        "process_cpu_seconds": round(
            cpu_after.ru_utime
            + cpu_after.ru_stime
            - cpu_before.ru_utime
            - cpu_before.ru_stime,
            3,
        ),
        # Outside the worker's clock: the interpreter's start, and its exit (module
        # teardown, atexit handlers, threads joined).
        "startup_seconds": round(measured.pop("started_at") - launched_at, 3),
        "exit_seconds": round(exited_at - measured.pop("ended_at"), 3),
        "load_1min_at_start": round(load, 2),
        **measured,
    }


def per_pair(seconds: float, pairs: int) -> float:
    return round(1e6 * seconds / pairs, 3)


def summarise(factor: int, corpus: dict, runs: list[dict]) -> dict:
    """One size's figures, each the least of its repeats (what the machine does
    when nothing else runs): node times node by node, process figures from the
    run of least process time."""
    fastest = min(runs, key=lambda run: run["process_seconds"])
    least = {key: min(run[key] for run in runs) for key in NODE_TIMES}
    nodes = {
        name: {
            key: min(run["nodes"][name][key] for run in runs)
            for key in ("seconds", "cpu_seconds", "gc_seconds")
        }
        for name in fastest["nodes"]
    }
    kept = fastest["pairs_kept"]
    return {
        "size": factor,
        "corpus_bytes": corpus["bytes"],
        "conversations": corpus["conversations"],
        "pairs_in": corpus["pairs_in"],
        **{k: v for k, v in fastest.items() if k not in ("profile", "nodes")},
        **least,
        "node_us_per_pair": per_pair(least["node_seconds"], kept),
        "node_cpu_us_per_pair": per_pair(least["node_cpu_seconds"], kept),
        "process_us_per_pair": per_pair(fastest["process_seconds"], kept),
        "process_cpu_us_per_pair": per_pair(fastest["process_cpu_seconds"], kept),
        "nodes": nodes,
        "all_runs": [
            {k: run[k] for k in (*NODE_TIMES, "process_seconds", "load_1min_at_start")}
            for run in runs
        ],
    }


def check_pairs(sizes: list[dict]) -> None:
    """Fail unless pairs kept grow with the size (k-fold within the tolerance)."""
    base = sizes[0]
    for size in sizes[1:]:
        factor = size["size"] / base["size"]
        growth = size["pairs_kept"] / base["pairs_kept"]
        if abs(growth / factor - 1) > PAIRS_TOLERANCE:
            raise SystemExit(
                f"cleaning kept {size['pairs_kept']} pairs at x{size['size']}, "
                f"{growth:.2f} times the {base['pairs_kept']} of x{base['size']}: "
                f"expected about {factor:g} times; the corpora are not k-fold distinct"
            )


def ratios(sizes: list[dict]) -> dict:
    """Time per kept pair at each size over the smallest size's."""

    def growth(seconds) -> dict[str, float]:
        base = seconds(sizes[0]) / sizes[0]["pairs_kept"]
        return {
            str(size["size"]): round(seconds(size) / size["pairs_kept"] / base, 3)
            for size in sizes
        }

    return {
        "nodes": growth(lambda size: size["node_seconds"]),
        "nodes_cpu": growth(lambda size: size["node_cpu_seconds"]),
        "process": growth(lambda size: size["process_seconds"]),
        "process_cpu": growth(lambda size: size["process_cpu_seconds"]),
        # Node time per extra pair between neighbouring sizes, over the first such
        # step: fixed costs (first-call imports, caches) cancel out.
        "nodes_marginal": marginal(sizes, "node_seconds"),
        "nodes_cpu_marginal": marginal(sizes, "node_cpu_seconds"),
        "per_node": {
            name: growth(lambda size, name=name: size["nodes"][name]["seconds"])
            for name in sizes[0]["nodes"]
        },
        "per_node_cpu": {
            name: growth(lambda size, name=name: size["nodes"][name]["cpu_seconds"])
            for name in sizes[0]["nodes"]
        },
    }


def marginal(sizes: list[dict], key: str) -> dict[str, float]:
    steps = {
        f"{a['size']}->{b['size']}": (b[key] - a[key])
        / (b["pairs_kept"] - a["pairs_kept"])
        for a, b in zip(sizes, sizes[1:], strict=False)
    }
    first = next(iter(steps.values()), None)
    return {step: round(cost / first, 3) for step, cost in steps.items()}


def slowest_growing_node(small: dict, large: dict) -> str:
    """The node whose CPU time at the large size most exceeds its small-size
    time per pair times the pairs (seconds, so tiny noisy nodes do not win)."""
    scale = large["pairs_kept"] / small["pairs_kept"]
    return max(
        small["nodes"],
        key=lambda name: (
            large["nodes"][name]["cpu_seconds"]
            - scale * small["nodes"][name]["cpu_seconds"]
        ),
    )


def profiled_nodes(small: dict, large: dict) -> dict[str, dict]:
    """Seconds and GC seconds of each node under the profiler, at both sizes."""
    scale = large["pairs_kept"] / small["pairs_kept"]
    return {
        name: {
            "seconds": [small["nodes"][name]["seconds"], node["seconds"]],
            "gc_seconds": [small["nodes"][name]["gc_seconds"], node["gc_seconds"]],
            "per_pair_ratio": round(
                node["seconds"] / (scale * small["nodes"][name]["seconds"]), 3
            ),
        }
        for name, node in large["nodes"].items()
    }


def profile_growth(small: dict, large: dict, node: str | None = None) -> list[dict]:
    """Functions whose own time grows faster than the pairs, worst first.

    ``excess_seconds`` is the large size's own time beyond what the small size's
    time per pair predicts: the cost of the superlinear part. Garbage collection
    is charged to whichever function allocated when it started.

    Args:
        small: The profiled run of the smallest size.
        large: The profiled run of the largest size.
        node: Only this node's functions (default: every node's).
    """
    scale = large["pairs_kept"] / small["pairs_kept"]
    rows = []
    for name, functions in large["profile"].items():
        if node not in (None, name):
            continue
        before = {f["function"]: f for f in small["profile"].get(name, [])}
        for function in functions:
            old = before.get(function["function"])
            expected = scale * old["tottime"] if old else 0.0
            rows.append(
                {
                    "node": name,
                    **function,
                    "tottime_small": old["tottime"] if old else None,
                    "calls_small": old["calls"] if old else None,
                    "excess_seconds": round(function["tottime"] - expected, 4),
                    "per_pair_ratio": (
                        round(function["tottime"] / expected, 2)
                        if old and expected
                        else None
                    ),
                }
            )
    rows.sort(key=lambda row: -row["excess_seconds"])
    return rows[:PROFILE_TOP]


def facts_of_machine() -> dict:
    """``machine()`` and the versions of what data preparation runs on."""

    def version(package: str) -> str | None:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return None

    return {
        **machine(),
        "python": platform.python_version(),
        **{p: version(p) for p in ("tensorflow", "keras", "kedro", "pandas")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="a .conv file")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1, 2, 4, 8], help="multiples"
    )
    parser.add_argument("--seed", type=int, default=0, help="recombination seed")
    parser.add_argument("--env", help="Kedro configuration environment (default local)")
    parser.add_argument(
        "--repeats", type=int, default=3, help="processes per size; least time kept"
    )
    parser.add_argument(
        "--target",
        type=float,
        default=1.2,
        help="largest accepted growth of node time per pair; profiled above it",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile even when the target is met"
    )
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus.is_file():
        parser.error(f"no corpus file at {args.corpus}")
    if args.worker:
        result = worker(args.corpus, args.env, args.profile)
        args.worker.write_text(json.dumps(result, ensure_ascii=False), "utf-8")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sizes = sorted(set(args.sizes))
    facts = facts_of_machine()
    with tempfile.TemporaryDirectory(prefix="data_prep_") as tmp:
        corpora = write_corpora(args.corpus, sizes, args.seed, Path(tmp))
        # Repeats go round all sizes, so a change of machine load hits every size.
        runs: dict[int, list[dict]] = {factor: [] for factor in sizes}
        for _ in range(args.repeats):
            for factor in sizes:
                run = run_worker(corpora[factor]["path"], args.env, False, Path(tmp))
                runs[factor].append(run)
                logger.info(
                    "x%d: %d pairs kept, nodes %.2f s, process %.2f s "
                    "(imports %.2f s), load %.2f",
                    factor,
                    run["pairs_kept"],
                    run["node_seconds"],
                    run["process_seconds"],
                    run["import_seconds"],
                    run["load_1min_at_start"],
                )
        results = [summarise(f, corpora[f], runs[f]) for f in sizes]
        check_pairs(results)
        growth = ratios(results)
        largest = str(sizes[-1])
        profile = None
        missed = max(growth["nodes"][largest], growth["nodes_cpu"][largest])
        if args.profile or missed > args.target:
            logger.info("Profiling the nodes at x%d and x%d", sizes[0], sizes[-1])
            small, large = (
                run_worker(corpora[f]["path"], args.env, True, Path(tmp))
                for f in (sizes[0], sizes[-1])
            )
            worst = slowest_growing_node(results[0], results[-1])
            profile = {
                "sizes": [sizes[0], sizes[-1]],
                "nodes_profiled": profiled_nodes(small, large),
                "growing_functions": profile_growth(small, large),
                "slowest_growing_node": worst,
                "its_growing_functions": profile_growth(small, large, worst),
            }
    facts["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "benchmark": "data_prep",
        "corpus": str(args.corpus),
        "generation": (
            f"utterances of {args.corpus.name} recombined into new conversations "
            f"(seed {args.seed}); size k uses each utterance and each conversation "
            "length k times"
        ),
        "pipeline": PIPELINE,
        "nodes": list(results[0]["nodes"]),
        "machine": facts,
        "target": {
            "time_per_pair_growth_max": args.target,
            **{
                f"{kind}_met": growth[kind][largest] <= args.target
                for kind in ("nodes", "nodes_cpu", "process", "process_cpu")
            },
        },
        "time_per_pair_ratio_to_smallest": growth,
        "sizes": results,
        **({"profile": profile} if profile else {}),
    }
    text = json.dumps(report, indent=2, ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
