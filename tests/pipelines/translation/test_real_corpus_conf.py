"""The real-corpus settings of docs/translation.md (`--env real_corpus`) are valid."""

from pathlib import Path

import yaml

from rnn_pipeline.pipelines.namespaces import groups_of
from rnn_pipeline.pipelines.options import validate_namespace

CONF = Path(__file__).resolve().parents[3] / "conf"


def test_the_real_corpus_parameters_merge_with_base_and_validate():
    base = yaml.safe_load((CONF / "base/parameters_translation.yml").read_text())
    extra = yaml.safe_load(
        (CONF / "real_corpus/parameters_translation.yml").read_text()
    )
    params = base["translation"]
    for group, values in extra["translation"].items():
        params[group] = {**params.get(group, {}), **values}  # as Kedro merges keys
    groups = validate_namespace("translation", params, groups_of("translation"))
    model = groups["model_options"]
    assert (model.cell_type, model.num_layers, model.units) == ("gru", 1, 512)
    training = groups["training_options"]
    assert training.time_budget_minutes and training.lr_schedule == "linear"
    assert groups["bucket_options"].auto  # chosen from the corpus's lengths
    assert "Where is the station?" in groups["evaluation_options"].prompts
