import pytest
from pydantic import Field

from rnn_pipeline import samplers
from rnn_pipeline.pipelines import sampler_options
from rnn_pipeline.pipelines.options import parse
from rnn_pipeline.pipelines.sampler_options import SamplerChoice, SamplerOptions
from rnn_pipeline.text.errors import OptionsError


class DecodingOptions(SamplerChoice):
    pass


# What a pipeline hands a sampler besides its YAML options.
PIPELINE_ARGUMENTS = {"mmi": {"language_model": object()}}


def test_every_sampler_the_library_builds_takes_its_declared_options():
    for name, options_type in sampler_options.SAMPLER_OPTIONS.items():
        defaults = options_type().model_dump()
        sampler = samplers.get(name, **defaults, **PIPELINE_ARGUMENTS.get(name, {}))
        assert sampler is not None, name


def test_sampler_options_keep_only_the_given_keys_converted():
    options = parse(DecodingOptions, {"sampler": "top_p", "sampler_options": {"p": 1}})
    assert options.sampler_options == {"p": 1.0}
    assert isinstance(options.sampler_options["p"], float)


def test_a_new_sampler_is_one_entry_in_the_registry(monkeypatch):
    class MmiOptions(SamplerOptions):
        num_beams: int = Field(5, ge=1)
        mmi_weight: float = Field(0.5, ge=0)

    monkeypatch.setitem(sampler_options.SAMPLER_OPTIONS, "mmi", MmiOptions)
    options = parse(
        DecodingOptions, {"sampler": "mmi", "sampler_options": {"mmi_weight": 0.3}}
    )
    assert options.sampler_options == {"mmi_weight": 0.3}
    with pytest.raises(OptionsError, match="for sampler mmi, mmi_weight: Input"):
        parse(
            DecodingOptions, {"sampler": "mmi", "sampler_options": {"mmi_weight": -1}}
        )


def test_mmi_candidates_are_beam_or_sample_and_a_wrong_one_is_one_line():
    options = parse(
        DecodingOptions,
        {"sampler": "mmi", "sampler_options": {"candidates": "sample", "top_p": 0.8}},
    )
    assert options.sampler_options == {"candidates": "sample", "top_p": 0.8}
    with pytest.raises(OptionsError, match="for sampler mmi, candidates: Input") as e:
        parse(
            DecodingOptions,
            {"sampler": "mmi", "sampler_options": {"candidates": "nucleus"}},
        )
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("sampler", ["mmi", "top_p"])
def test_the_largest_nucleus_is_a_count_of_at_least_zero(sampler):
    options = parse(
        DecodingOptions, {"sampler": sampler, "sampler_options": {"top_k": 20}}
    )
    assert options.sampler_options == {"top_k": 20}
    with pytest.raises(OptionsError, match=f"for sampler {sampler}, top_k: Input"):
        parse(DecodingOptions, {"sampler": sampler, "sampler_options": {"top_k": -1}})
