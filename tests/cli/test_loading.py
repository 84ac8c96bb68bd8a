"""A missing model is named by its pipeline, with the command that trains it."""

from __future__ import annotations

from click.testing import CliRunner

from rnn_pipeline.cli.generate import generate


def test_generate_without_a_model_says_what_to_run_without_internals(
    tmp_path, monkeypatch
):
    from tests.test_end_to_end import copy_project

    monkeypatch.chdir(copy_project(tmp_path / "project"))
    result = CliRunner().invoke(generate, ["--namespace", "poetry"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        "Error: no trained poetry model was found. "
        "Train one first: kedro run --pipelines poetry"
    )
    assert "Dataset(" not in result.output  # no internal repr


def test_generate_checks_its_options_before_loading():
    result = CliRunner().invoke(generate, ["--namespace", "haiku"])
    assert result.exit_code == 1
    assert "--namespace must be one of poetry, shakespeare, code" in result.output
    result = CliRunner().invoke(generate, ["--length", "0"])
    assert "--length must be at least 1, got 0" in result.output
