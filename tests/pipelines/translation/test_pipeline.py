"""The translation pipeline (the seq2seq template under another namespace) learns
the date-format task end to end, in memory, through the SequentialRunner."""

import pytest
import yaml
from kedro.io import DataCatalog, MemoryDataset
from kedro.runner import SequentialRunner

from rnn_pipeline.pipelines.translation import create_pipeline
from rnn_pipeline.text.dates import date_pairs
from rnn_pipeline.text.tsv import format_tsv_pairs
from tests.pipelines.parameters import parameter_datasets
from tests.test_end_to_end import PROJECT

pytestmark = pytest.mark.slow


def test_learns_the_date_task_to_a_high_exact_match(tmp_path):
    params = yaml.safe_load(
        (PROJECT / "conf/base/parameters_translation.yml").read_text(encoding="utf-8")
    )["translation"]
    params["model_options"].update(embedding_dim=16, units=64)
    params["training_options"].update(
        epochs=8,
        batch_size=32,
        learning_rate=0.006,
        verbose=0,
        checkpoint_dir=str(tmp_path),
    )
    params["evaluation_options"].update(
        sampler="beam", sampler_options={"num_beams": 3}, attention_examples=2
    )
    raw = {"source": "dates", "text": format_tsv_pairs(date_pairs(3000, seed=1))}
    catalog = DataCatalog(
        datasets={
            "translation.raw_pairs": MemoryDataset(raw),
            **parameter_datasets("translation", params),
        }
    )
    SequentialRunner().run(create_pipeline(), catalog)
    scores = catalog.load("translation.test_scores_report")
    kept = catalog.load("translation.cleaning_report")["pairs_kept"]
    assert scores["pairs"] == round(kept * 0.2) and scores["sampler"] == "beam"
    assert scores["exact_match"] >= 0.9, scores
    assert scores["character_accuracy"] >= 0.97
    replies = catalog.load("translation.replies")["replies"]
    assert replies[0] == {
        "prompt": "3 May 1998",
        "reply": "1998-05-03",
        "message": None,
    }
    figure = catalog.load("translation.attention_plot")
    assert len(figure.axes) >= 2 and figure.axes[0].images
