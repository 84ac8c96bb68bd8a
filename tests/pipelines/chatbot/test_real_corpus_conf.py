"""The real-corpus settings of docs/chatbot.md (`--env real_corpus`) are valid."""

from pathlib import Path

import yaml

from rnn_pipeline.pipelines.namespaces import groups_of
from rnn_pipeline.pipelines.options import validate_namespace

CONF = Path(__file__).resolve().parents[3] / "conf"


def test_the_real_corpus_parameters_merge_with_base_and_validate():
    base = yaml.safe_load((CONF / "base/parameters_chatbot.yml").read_text())
    extra = yaml.safe_load((CONF / "real_corpus/parameters_chatbot.yml").read_text())
    params = base["chatbot"]
    for group, values in extra["chatbot"].items():
        params[group] = {**params.get(group, {}), **values}  # as Kedro merges keys
    groups = validate_namespace("chatbot", params, groups_of("chatbot"))
    model = groups["model_options"]
    assert (model.cell_type, model.tie_embeddings, model.dropout) == ("gru", True, 0.4)
    evaluation = groups["evaluation_options"]
    assert evaluation.sampler == "mmi"
    assert evaluation.sampler_options["candidates"] == "sample"
    assert evaluation.sampler_options["mmi_weight"] == 1.0
    # MMI adds the reply matcher's cosine: the model must be trained with a matcher.
    assert evaluation.sampler_options["matching_weight"] > 0
    assert model.matching_weight > 0 and model.matching_prompt_bag
