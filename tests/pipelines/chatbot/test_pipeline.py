"""The chatbot pipeline sliced and run through the SequentialRunner in memory."""

import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner
from kedro_datasets.json import JSONDataset
from kedro_datasets.pandas import ParquetDataset

from rnn_pipeline.pipelines.chatbot import create_pipeline
from tests.pipelines.parameters import parameter_datasets

TINY_PARAMS = {
    "pairing_options": {},
    "cleaning_options": {},
    "split_options": {"test_fraction": 0.2, "seed": 0},
    "vocab_options": {"min_count": 1},
    "bucket_options": {"buckets": [[10, 15], [20, 25], [40, 50]]},
    "model_options": {"embedding_dim": 8, "units": 16, "num_layers": 2},
    "training_options": {"epochs": 2, "batch_size": 8, "verbose": 0},
    "evaluation_options": {"prompts": ["你好", "hello", ""], "max_reply_length": 5},
}


def catalog_for(conv_text, tmp_path, **changes):
    datasets = {
        "chatbot.raw_corpus": MemoryDataset({"source": "test.conv", "text": conv_text}),
        # Read by a later node: a memory copy would be released after it.
        **{
            f"chatbot.{name}": JSONDataset(filepath=str(tmp_path / f"{name}.json"))
            for name in ("baseline_report", "interpolation_weight_report")
        },
        "chatbot.test_outputs": ParquetDataset(
            filepath=str(tmp_path / "test_outputs.parquet")
        ),
    }
    params = {**TINY_PARAMS, **changes}
    params["training_options"] = {
        **params["training_options"],
        "checkpoint_dir": str(tmp_path / "ckpt"),
    }
    datasets.update(parameter_datasets("chatbot", params))
    return DataCatalog(datasets=datasets)


def conv_corpus():
    lines = []
    for i in range(40):
        lines += [
            "E",
            f"M 你好{'一二三四五六七八九十'[i % 10]}",
            f"M 我很好谢谢{'一二三'[i % 3]}",
            "M 再见朋友",
        ]
    return "\n".join(lines)


def test_ingest_to_bucket_slice(tmp_path):
    pipeline = create_pipeline().to_nodes("chatbot.bucket_pairs_node")
    catalog = catalog_for(conv_corpus(), tmp_path)
    SequentialRunner().run(pipeline, catalog)
    report = catalog.load("chatbot.bucket_report")
    kept = catalog.load("chatbot.cleaning_report")["pairs_kept"]
    assert sum(report["train"].values()) + sum(report["test"].values()) == kept
    assert sum(report["test"].values()) == round(kept * 0.2)
    train = catalog.load("chatbot.train_buckets")
    # Built from the training split, the vocabulary covers it: no UNK, no specials.
    assert min(min(ids) for ids in train["source_ids"]) >= 4
    assert all(ids[-1] == 2 for ids in train["target_ids"])


@pytest.mark.slow
def test_whole_pipeline_in_memory(tmp_path):
    catalog = catalog_for(conv_corpus(), tmp_path)
    SequentialRunner().run(create_pipeline(), catalog)
    metrics = catalog.load("chatbot.test_metrics")
    assert "test_loss_all" in metrics and "test_perplexity_10x15" in metrics
    history = catalog.load("chatbot.train_metrics")
    assert [point["step"] for point in history["train_loss"]] == [0, 1]
    assert catalog.load("chatbot.training_curves_plot").axes
    replies = catalog.load("chatbot.replies")["replies"]
    assert replies[0]["reply"] is not None
    assert replies[1]["reply"] is None and "Chinese" in replies[1]["message"]
    assert replies[2]["reply"] is None
    # The count baselines are scored on the same test replies as the model.
    baselines = catalog.load("chatbot.baseline_report")
    assert baselines["all"]["model"] == metrics["test_perplexity_all"]["value"]
    assert baselines["all"]["trigram"] < baselines["all"]["unigram"]
    ratio = catalog.load("chatbot.baseline_metrics")["perplexity_ratio_trigram"]
    assert ratio["value"] == pytest.approx(
        baselines["all"]["model"] / baselines["all"]["trigram"]
    )
    scores = catalog.load("chatbot.test_scores_metrics")
    assert 0 < scores["test_top_reply_share"]["value"] <= 1
    assert 0 < scores["test_reference_distinct_2"]["value"] <= 1
    # The interpolation scores the model token by token, apart from the evaluation:
    # at weight 0 it must give the evaluation's perplexity, so the two models' token
    # probabilities line up.
    interpolation = catalog.load("chatbot.interpolation_report")
    assert interpolation["model"] == pytest.approx(baselines["all"]["model"], rel=1e-4)
    assert interpolation["trigram"] == baselines["all"]["trigram"]
    chosen = catalog.load("chatbot.interpolation_weight_report")
    assert chosen["validation"]["interpolated"] <= min(
        chosen["validation"]["model"], chosen["validation"]["count_model"]
    )
    assert catalog.load("chatbot.interpolation_metrics")["interpolation_weight"][
        "value"
    ] == pytest.approx(chosen["weight"])
    # Relevance: the tiny corpus has few distinct test replies, so each true reply
    # is ranked against all the others, by every score.
    outputs = catalog.load("chatbot.test_outputs")
    distinct = outputs["reference"].nunique()
    relevance = catalog.load("chatbot.relevance_report")
    assert relevance["measured"] and relevance["candidates"] == distinct, relevance
    assert relevance["chance"] == pytest.approx(1 / distinct)
    assert set(relevance["recall_at_1"]) == {
        "model", "pmi", "fusion", "reply_lm", "overlap"
    }  # fmt: skip
    recall = catalog.load("chatbot.relevance_metrics")
    assert all(
        0 <= recall[f"relevance_recall_at_1_{name}"]["value"] <= 1
        for name in relevance["recall_at_1"]
    )
    # Fluency: the human answers' doubled characters are those of 我很好谢谢.
    fluency = catalog.load("chatbot.fluency_report")
    assert fluency["reference"]["doubled_share"] == pytest.approx(
        outputs["reference"].str.startswith("我很好谢谢").mean()
    )
    assert fluency["decoded"]["mean_length"] == outputs["output"].str.len().mean()
    assert fluency["reference"]["fluency_perplexity"] > 1
    # Every test answer of the tiny corpus is a line the training split has too.
    assert fluency["reference"]["unseen_pair_share"] == 0
    assert 0 <= fluency["decoded"]["unseen_pair_share"] <= 1
    assert "test_reference_doubled_share" in catalog.load("chatbot.fluency_metrics")


@pytest.mark.slow
def test_mmi_decoding_runs_from_yaml_options(tmp_path):
    evaluation = {
        **TINY_PARAMS["evaluation_options"],
        "sampler": "mmi",
        "sampler_options": {
            "num_beams": 3,
            "mmi_weight": 0.3,
            "overlap_weight": 1.0,
            "matching_weight": 1.0,
        },
    }
    model = {**TINY_PARAMS["model_options"], "matching_weight": 0.5}
    catalog = catalog_for(
        conv_corpus(), tmp_path, evaluation_options=evaluation, model_options=model
    )
    SequentialRunner().run(create_pipeline(), catalog)
    report = catalog.load("chatbot.test_scores_report")
    assert report["sampler"] == "mmi" and report["pairs"] > 0
    assert all(len(example["output"]) <= 5 for example in report["examples"])
    assert catalog.load("chatbot.replies")["sampler"] == "mmi"
    # Relevance is also measured by the reranker's own score (shared characters
    # and the reply matcher included), which a greedy run does not have, and by
    # the model's reply matcher alone.
    recall = catalog.load("chatbot.relevance_report")["recall_at_1"]
    assert 0 <= recall["decoding"] <= 1 and "overlap" in recall
    assert 0 <= recall["matching"] <= 1


def test_auto_buckets_are_chosen_from_the_corpus_and_bound_the_answers(tmp_path):
    buckets = {"buckets": "auto", "percentiles": [50, 90]}
    pipeline = create_pipeline().to_nodes(
        "chatbot.bucket_pairs_node", "chatbot.configure_responder_node"
    )
    catalog = catalog_for(conv_corpus(), tmp_path, bucket_options=buckets)
    SequentialRunner().run(pipeline, catalog)
    report = catalog.load("chatbot.bucket_report")
    # 30 pairs 你好X -> 我很好谢谢Y (3 and 6 + EOS tokens) and 3 pairs 我很好谢谢Y ->
    # 再见朋友 (6 and 4 + EOS): the median and 90th percentile, rounded up to fives,
    # are one bucket, and the three longer prompts are dropped and counted.
    assert report["buckets"] == [[5, 10]]
    assert report["reply_length"] == 10 and report["max_source_length"] == 5
    assert report["too_long"]["train"] + report["too_long"]["test"] == 3
    kept = catalog.load("chatbot.cleaning_report")["pairs_kept"]
    assert sum(report["train"].values()) + sum(report["test"].values()) == kept - 3
    config = catalog.load("chatbot.responder_config")
    assert (config.max_source_length, config.max_reply_length) == (5, 10)
