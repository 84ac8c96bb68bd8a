"""The registry: each sampler's options declared once, resources by declaration."""

import dataclasses
import subprocess
import sys

import pytest

from rnn_pipeline import samplers
from rnn_pipeline.samplers.options import REGISTRY, MmiOptions, check


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_a_sampler_built_without_options_has_its_declared_defaults(name):
    entry = REGISTRY[name]
    sampler = samplers.build(name, language_model=object())
    for field in dataclasses.fields(entry.options):
        assert getattr(sampler, field.name) == field.default, (name, field.name)


def test_only_a_sampler_that_declares_a_resource_is_given_it():
    model = object()
    assert samplers.build("mmi", {"num_beams": 3}, language_model=model).language_model
    greedy = samplers.build("greedy", language_model=model)  # no such argument
    assert not hasattr(greedy, "language_model")
    assert samplers.needs("mmi", "language_model")
    assert not samplers.needs("beam", "language_model")
    with pytest.raises(ValueError, match="needs a language model"):
        samplers.build("mmi")  # declared, and missing


def test_check_names_the_rule_a_value_breaks():
    check(MmiOptions, {"top_p": 1.0, "candidates": "sample", "seed": None})
    with pytest.raises(ValueError, match=r"^top_p must be in \(0, 1\], got 1.5$"):
        check(MmiOptions, {"top_p": 1.5})
    with pytest.raises(
        ValueError, match=r"doubled_min_probability must be in \[0, 1\)"
    ):
        check(MmiOptions, {"doubled_min_probability": 1.0})
    with pytest.raises(ValueError, match="candidates must be beam or sample, got 'x'"):
        check(MmiOptions, {"candidates": "x"})


def test_the_options_and_the_registry_load_without_keras():
    code = (
        "import sys, rnn_pipeline.samplers.options;"
        "import rnn_pipeline.pipelines.sampler_options;"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
