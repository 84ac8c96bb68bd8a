"""Chatbot quality in a CPU budget: does it chat, and does it beat a count table?

Runs the chatbot pipeline's own nodes (Kedro's SequentialRunner over an in-memory
catalog, the corpus read by the pipeline's own dataset class) on a real ``.conv``
corpus, with training stopped by ``training_options.time_budget_minutes``, then writes
JSON with:

- epochs and steps done, the learning rate and validation loss per epoch;
- per-character test perplexity, token-weighted over all buckets and per bucket, beside
  count baselines of the replies on the same split and vocabulary (add-one unigram,
  Kneser-Ney bigram and trigram; each reply plus EOS) and the model's ratio to each;
  and the model interpolated with a Kneser-Ney n-gram of the replies (the weight
  chosen on the validation pairs), as the pipeline's ``evaluate_interpolation`` does;
- relevance: the true reply ranked among 10 replies of other test pairs by the
  network, by MMI's score, by the interpolated model, by the reply model alone and by
  TF-IDF character overlap (Recall@1, MRR), as the pipeline's ``evaluate_relevance``,
  and, for each decoding, by its reranker's own score (``decoding``) on the decoded
  split;
- for each decoding rule (greedy, beam, MMI by default) over the decoded test split:
  the share of the most common reply, distinct-1 and distinct-2 of the replies and of
  the human answers to the same prompts, BLEU and chrF, fluency (doubled characters,
  mean length, empty replies, perplexity under a 4-gram of the training utterances,
  each beside the human answers'), the ten most common replies; and the replies to a
  fixed list of everyday prompts;
- wall time per stage, the CPU model and the load average before and after.

    python benchmarks/chatbot_quality.py ../shared/data/chat/lost.conv \\
        --budget-minutes 30 --out benchmarks/results/chatbot_quality.json

Parameters come from ``conf/base/parameters_chatbot.yml``, then ``--params`` files
(e.g. ``conf/real_corpus/parameters_chatbot.yml``), then ``--set group.key=value``.
Not a test: figures depend on the machine; report them with its load.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import os
import time
from collections import Counter
from pathlib import Path

import yaml
from machine import machine

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")  # CPU figures, as the issue asks

from rnn_pipeline import quiet  # noqa: E402

quiet.install()  # TensorFlow's start-up noise kept out of the benchmark's output

ROOT = Path(__file__).resolve().parents[1]
NAMESPACE = "chatbot"
EVERYDAY_PROMPTS = [
    "你好",
    "你是谁",
    "你叫什么名字",
    "你在干什么",
    "今天天气怎么样",
    "你饿了吗",
    "我们走吧",
    "为什么",
    "我爱你",
    "你相信我吗",
    "发生了什么事",
    "再见",
]
SAMPLERS = {
    "greedy": {},
    "beam": {"num_beams": 10, "length_penalty": 1.0},
    "mmi": {"num_beams": 10, "length_penalty": 1.0, "mmi_weight": 0.5},
}
# Issue 25's targets for a 30-minute run on 2 cores.
TARGETS = {
    "perplexity_ratio_to_trigram_max": 0.85,
    "relevance_recall_at_1_min": 0.30,
    "top_reply_share_max": 0.05,
    "distinct_2_share_of_human_min": 0.5,
    "doubled_share_to_human_max": 1.5,
    "empty_share_max": 0.002,
}


def load_parameters(
    files: list[Path], overrides: list[str], start: dict | None = None
) -> dict:
    """The chatbot's parameter groups: ``start`` (default: the base YAML's), extra
    files, then ``g.k=v``."""
    if start is None:
        base = yaml.safe_load((ROOT / "conf/base/parameters_chatbot.yml").read_text())
        start = base[NAMESPACE]
    params = start
    for path in files:
        extra = yaml.safe_load(Path(path).read_text())[NAMESPACE]
        for group, values in extra.items():
            params[group] = {**params.get(group, {}), **values}
    for override in overrides:
        key, _, value = override.partition("=")
        group, _, name = key.partition(".")
        params.setdefault(group, {})[name] = yaml.safe_load(value)
    return params


class Benchmark:
    """The pipeline and an in-memory catalog that keeps every output for reading."""

    def __init__(self, corpus: Path, params: dict, checkpoints: Path) -> None:
        from kedro.io import DataCatalog, MemoryDataset

        from rnn_pipeline.datasets import ConvCorpusDataset
        from rnn_pipeline.pipelines.chatbot import create_pipeline
        from rnn_pipeline.pipelines.namespaces import typed_inputs

        class KeptDataset(MemoryDataset):
            """Memory that the runner does not free, so outputs can be read after."""

            def _release(self) -> None:
                pass

        self.kept = KeptDataset
        self.pipeline = create_pipeline()
        datasets = {
            name: KeptDataset()
            for name in self.pipeline.datasets()
            if not name.startswith("params:")
        }
        datasets[f"{NAMESPACE}.raw_corpus"] = ConvCorpusDataset(filepath=str(corpus))
        params = copy.deepcopy(params)
        params["training_options"]["checkpoint_dir"] = str(checkpoints)
        typed = typed_inputs(
            {f"params:{NAMESPACE}.{group}": values for group, values in params.items()}
        )  # as Kedro hands them to nodes
        datasets.update({name: KeptDataset(options) for name, options in typed.items()})
        self.typed = typed_inputs
        self.params = params
        self.catalog = DataCatalog(datasets=datasets)
        self.done: set[str] = set()
        self.test_buckets = None
        self.seconds: dict[str, float] = {}

    def run_to(self, stage: str, *outputs: str) -> None:
        """Run the nodes that ``outputs`` need and have not run yet; time them."""
        from kedro.runner import SequentialRunner

        names = [f"{NAMESPACE}.{o}" for o in outputs]
        pipeline = self.pipeline.to_outputs(*names)
        todo = [n.name for n in pipeline.nodes if n.name not in self.done]
        if not todo:
            return
        pipeline = pipeline.only_nodes(*todo)
        start = time.perf_counter()
        SequentialRunner().run(pipeline, self.catalog)
        self.seconds[stage] = round(time.perf_counter() - start, 1)
        self.done.update(n.name for n in pipeline.nodes)

    def load(self, name: str):
        return self.catalog.load(f"{NAMESPACE}.{name}")

    def keep(self, folder: Path) -> None:
        """Save the trained model and every other output so far to ``folder``."""
        import pickle

        folder.mkdir(parents=True, exist_ok=True)
        outputs = {}
        for name in self.pipeline.datasets():
            if name.startswith("params:") or not self.catalog.exists(name):
                continue
            if name == f"{NAMESPACE}.model":
                self.load("model").save(folder / "model.keras")
            else:
                outputs[name] = self.catalog.load(name)
        with open(folder / "outputs.pkl", "wb") as file:
            pickle.dump({"done": sorted(self.done), "outputs": outputs}, file)
        (folder / "parameters.json").write_text(json.dumps(self.params, indent=1))

    def reuse(self, folder: Path) -> None:
        """Load what ``keep`` saved: the nodes that made it count as run."""
        import pickle

        import keras

        import rnn_pipeline.models  # noqa: F401  (registers the layers)

        with open(folder / "outputs.pkl", "rb") as file:
            kept = pickle.load(file)
        for name, data in kept["outputs"].items():
            self.catalog[name] = self.kept(data)
        model = keras.saving.load_model(folder / "model.keras", compile=False)
        self.catalog[f"{NAMESPACE}.model"] = self.kept(model)
        self.done.update(kept["done"])

    def decode_with(
        self, sampler: str, options: dict, limit: int | None, split: str = "test"
    ) -> dict:
        """Decode the test split (or its first ``limit`` pairs) and the prompts
        with ``sampler`` and its ``options``.

        ``split="validation"`` decodes the held-out part of the training split
        instead: for choosing decoding options without looking at the test split.
        """
        from kedro.runner import SequentialRunner

        evaluation = {
            **self.params["evaluation_options"],
            "sampler": sampler,
            "sampler_options": options,
            "prompts": EVERYDAY_PROMPTS,
        }
        name = f"params:{NAMESPACE}.evaluation_options"
        self.catalog[name] = self.kept(self.typed({name: evaluation})[name])
        if self.test_buckets is None:
            self.test_buckets = self.load("test_buckets")
        test = self.test_buckets if split == "test" else self.load("validation_buckets")
        self.catalog[f"{NAMESPACE}.test_buckets"] = self.kept(
            test.head(limit) if limit else test
        )
        nodes = [
            f"{NAMESPACE}.decode_test_set_node",
            f"{NAMESPACE}.score_test_outputs_node",
            f"{NAMESPACE}.evaluate_fluency_node",
            f"{NAMESPACE}.configure_responder_node",  # the prompts decode alike
            f"{NAMESPACE}.reply_to_prompts_node",
        ]
        start = time.perf_counter()
        SequentialRunner().run(self.pipeline.only_nodes(*nodes), self.catalog)
        seconds = round(time.perf_counter() - start, 1)
        # Relevance on the same split, by this decoding's own reranking score too.
        SequentialRunner().run(
            self.pipeline.only_nodes(f"{NAMESPACE}.evaluate_relevance_node"),
            self.catalog,
        )
        relevance = self.load("relevance_report")
        outputs = self.load("test_outputs")
        scores = {
            key.removeprefix("test_"): round(value["value"], 4)
            for key, value in self.load("test_scores_metrics").items()
        }
        replies = self.load("replies")["replies"]
        fluency = self.load("fluency_report")
        decoded, human = fluency["decoded"], fluency["reference"]
        return {
            "sampler": evaluation["sampler"],
            "sampler_options": options,
            "split": split,
            "test_pairs_decoded": len(outputs),
            "seconds": seconds,
            "relevance_recall_at_1": relevance.get("recall_at_1", {}),
            **scores,
            "distinct_2_share_of_human": ratio(
                scores["distinct_2"], scores["reference_distinct_2"]
            ),
            "fluency": {
                "decoded": {k: round(v, 4) for k, v in decoded.items()},
                "human": {k: round(v, 4) for k, v in human.items()},
                "doubled_share_to_human": ratio(
                    decoded["doubled_share"], human["doubled_share"]
                ),
                "unseen_pair_share_to_human": ratio(
                    decoded["unseen_pair_share"], human["unseen_pair_share"]
                ),
            },
            # A reply that repeats its prompt whole answers nothing.
            "echo_share": round(
                float((outputs["output"] == outputs["source"]).mean()), 4
            ),
            "most_common_replies": Counter(outputs["output"]).most_common(10),
            "examples": outputs.head(15)[["source", "reference", "output"]].to_dict(
                orient="records"
            ),
            "everyday_prompts": {
                r["prompt"]: r["reply"] if r["reply"] is not None else r["message"]
                for r in replies
            },
        }


def ratio(decoded: float, human: float) -> float | None:
    """``decoded / human`` to 3 places; None where the human figure is 0."""
    return round(decoded / human, 3) if human else None


def sampler_options(name: str, configured: dict) -> dict:
    """A copy of the options ``name`` decodes with: the YAML's own where it configures
    that sampler (what `kedro run` decodes with), else this benchmark's."""
    if configured.get("sampler") == name:
        return dict(configured.get("sampler_options", {}))
    return dict(SAMPLERS[name])


def variant(text: str, configured: dict) -> tuple[str, str, dict]:
    """``LABEL:SAMPLER:KEY=VALUE,...`` -> ``(LABEL, SAMPLER, options)``: its options
    (the YAML's where it configures that sampler) with these keys set."""
    label, name, settings = (text.split(":", 2) + [""])[:3]
    if name not in SAMPLERS:
        raise SystemExit(
            f"--variant: sampler must be one of {list(SAMPLERS)}, got {text}"
        )
    options = sampler_options(name, configured)
    for pair in filter(None, settings.split(",")):
        key, _, value = pair.partition("=")
        options[key] = yaml.safe_load(value)
    return label, name, options


def network_minutes(params: dict, budget: float) -> float:
    """The network's share of the whole training budget: all of it, less the
    separate matcher's own budget where it has one (``matching_fit: separate`` or
    ``both``)."""
    from rnn_pipeline.training.matcher_fit import MatcherFitOptions

    if params.get("model_options", {}).get("matching_fit", "joint") == "joint":
        return budget
    default = MatcherFitOptions.minutes
    matcher = params["training_options"].get("matcher_minutes", default) or 0.0
    if matcher >= budget:
        raise SystemExit(
            f"expected a budget above the matcher's {matcher} minutes, got {budget}"
        )
    return budget - matcher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path, help="a .conv file")
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=30.0,
        help="training in all: the network's, and a separate matcher's within it",
    )
    parser.add_argument("--params", type=Path, action="append", default=[])
    parser.add_argument("--set", dest="overrides", action="append", default=[])
    parser.add_argument(
        "--samplers",
        nargs="+",
        default=list(SAMPLERS),
        help="decoding rules to compare (greedy, beam, mmi)",
    )
    parser.add_argument(
        "--decode-limit",
        type=int,
        default=None,
        help="decode only the first N test pairs (default: all)",
    )
    parser.add_argument(
        "--mmi-weights",
        type=float,
        nargs="+",
        default=[],
        help="decode with MMI once per weight (as mmi:WEIGHT), the rest as configured",
    )
    parser.add_argument(
        "--mmi-candidates",
        nargs="+",
        choices=["beam", "sample"],
        default=[],
        help="decode with MMI over each kind of candidates (as mmi:KIND:WEIGHT)",
    )
    parser.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="LABEL:SAMPLER:KEY=VALUE,...",
        help="also decode with SAMPLER and these options over its defaults, e.g. "
        "mmi_k50:mmi:candidates=sample,top_k=50 (values read as YAML)",
    )
    parser.add_argument(
        "--decode-split",
        choices=["test", "validation"],
        default="test",
        help="validation: decode the held-out training pairs (to choose options)",
    )
    parser.add_argument(
        "--checkpoints", type=Path, default=Path("/tmp/chatbot_quality")
    )
    parser.add_argument(
        "--keep",
        type=Path,
        help="save the trained model and the data to this folder (for --reuse)",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        help="skip preparing and training: load what --keep saved there (and its "
        "parameters, unless --params is given)",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    if not args.corpus.is_file():
        parser.error(f"expected a .conv file, got {args.corpus}")

    started = time.perf_counter()
    result: dict = {"corpus": str(args.corpus), "machine_before": machine()}
    kept = None
    if args.reuse and not args.params:
        # Decode as the kept run was configured, not as conf/base is.
        saved = args.reuse / "parameters.json"
        if not saved.is_file():
            parser.error(f"expected a folder --keep wrote, got {args.reuse}")
        kept = json.loads(saved.read_text())
    params = load_parameters(args.params, args.overrides, kept)
    params["training_options"]["time_budget_minutes"] = network_minutes(
        params, args.budget_minutes
    )
    result["parameters"] = params
    import shutil

    shutil.rmtree(args.checkpoints, ignore_errors=True)  # never resume a stale run
    bench = Benchmark(args.corpus, params, args.checkpoints)

    if args.reuse:
        bench.reuse(args.reuse)
        result["reused"] = str(args.reuse)
    bench.run_to("prepare", "train_buckets", "test_buckets")
    result["data"] = {
        "cleaning": bench.load("cleaning_report"),
        "buckets": bench.load("bucket_report"),
    }
    bench.run_to("train", "model", "train_history")
    if args.keep:
        bench.keep(args.keep)
    history = bench.load("train_history")
    result["training"] = {
        "epochs_done": history.get("epochs_done", [None])[-1],
        "stopped_by_budget": bool(history.get("stopped_early", [0])[-1]),
        "history": {k: [round(v, 4) for v in vs] for k, vs in history.items()},
    }
    bench.run_to("evaluate", "evaluation_report")
    bench.run_to("baselines", "baseline_report", "reply_language_model")
    baselines = bench.load("baseline_report")
    result["perplexity"] = {
        group: {k: round(v, 3) for k, v in entry.items()}
        for group, entry in baselines.items()
    }
    bench.run_to("interpolate", "interpolation_report")
    interpolation = bench.load("interpolation_report")
    result["interpolation"] = {
        "validation": bench.load("interpolation_weight_report"),
        "test": interpolation,
    }
    bench.run_to("relevance", "relevance_report")
    relevance = bench.load("relevance_report")
    result["relevance"] = relevance
    bench.run_to("fluency_model", "utterance_count_model")
    decoding = {}
    configured = params["evaluation_options"]
    runs = []
    for name in args.samplers:
        options = sampler_options(name, configured)
        if name == "mmi" and (args.mmi_weights or args.mmi_candidates):
            weights = args.mmi_weights or [options.get("mmi_weight", 0.5)]
            kinds = args.mmi_candidates or [options.get("candidates", "beam")]
            runs += [
                (
                    f"mmi:{kind}:{w}",
                    name,
                    {**options, "mmi_weight": w, "candidates": kind},
                )
                for kind in kinds
                for w in weights
            ]
        else:
            runs.append((name, name, options))
    runs += [variant(text, configured) for text in args.variant]
    for name, sampler, options in runs:
        decoding[name] = bench.decode_with(
            sampler, options, args.decode_limit, args.decode_split
        )
        logging.info(
            "%s: top reply %.3f, distinct-2 %.3f; 你好 -> %s",
            name,
            decoding[name]["top_reply_share"],
            decoding[name]["distinct_2"],
            decoding[name]["everyday_prompts"]["你好"],
        )
    result["decoding"] = decoding
    result["seconds_per_stage"] = {
        **bench.seconds,
        **{f"decode_{k}": v["seconds"] for k, v in decoding.items()},
        "total": round(time.perf_counter() - started, 1),
    }
    overall = baselines["all"]
    result["targets"] = {
        **TARGETS,
        "perplexity_ratio_to_trigram": round(overall["ratio_to_trigram"], 3),
        "met": {
            "perplexity": overall["ratio_to_trigram"]
            <= TARGETS["perplexity_ratio_to_trigram_max"],
            "perplexity_interpolated": interpolation["interpolated_ratio_to_trigram"]
            <= TARGETS["perplexity_ratio_to_trigram_max"],
            "relevance_recall_at_1": {
                name: value >= TARGETS["relevance_recall_at_1_min"]
                for name, value in relevance.get("recall_at_1", {}).items()
            },
            **{
                name: {
                    "top_reply_share": d["top_reply_share"]
                    <= TARGETS["top_reply_share_max"],
                    "distinct_2": (d["distinct_2_share_of_human"] or 0)
                    >= TARGETS["distinct_2_share_of_human_min"],
                    "doubled_share": (d["fluency"]["doubled_share_to_human"] or 0)
                    <= TARGETS["doubled_share_to_human_max"],
                    "empty_share": d["fluency"]["decoded"]["empty_share"]
                    <= TARGETS["empty_share_max"],
                }
                for name, d in decoding.items()
            },
        },
    }
    result["machine_after"] = machine()
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
