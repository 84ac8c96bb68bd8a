"""The hook hands the run's parameters and inputs to the validation it was given
(the pipelines' own checks are tested in tests/pipelines/test_namespaces.py)."""

import logging

import pytest
from kedro.io import DataCatalog, MemoryDataset
from kedro.pipeline import Node, Pipeline

from rnn_pipeline.plumbing.parameters import ValidateParametersHook
from rnn_pipeline.text.errors import OptionsError

PARAMETERS = {"demo": {"split_options": {"test_fraction": 0.2}}}
PIPELINE = Pipeline(
    [Node(lambda *args: None, ["params:demo.split_options", "pairs"], None, name="n")]
)


def run_hook(validate) -> None:
    catalog = DataCatalog({"parameters": MemoryDataset(PARAMETERS)})
    ValidateParametersHook(validate).before_pipeline_run({}, PIPELINE, catalog)


def test_the_hook_validates_the_run_parameters_against_the_pipelines_inputs(caplog):
    calls = []

    def validate(parameters, inputs):
        calls.append((parameters, sorted(inputs)))
        return {"demo": {"split_options": object()}}

    with caplog.at_level(logging.INFO, logger="rnn_pipeline.plumbing.parameters"):
        run_hook(validate)
    assert calls == [(PARAMETERS, ["pairs", "params:demo.split_options"])]
    assert "Parameters valid: demo (1 groups)" in caplog.text


def test_a_validation_error_stops_the_run_as_it_was_raised():
    def validate(parameters, inputs):
        raise OptionsError("invalid demo.split_options: test_fractoin: ...")

    with pytest.raises(OptionsError, match="^invalid demo.split_options"):
        run_hook(validate)
