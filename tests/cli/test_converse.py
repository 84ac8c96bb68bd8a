"""`kedro chat` / `kedro translate`: checks before loading, a prompt at once."""

from __future__ import annotations

import subprocess
import sys
import threading

import click
from click.testing import CliRunner

from rnn_pipeline.chat import NO_ANSWER, Reply
from rnn_pipeline.cli import converse


def never_load(*args, **kwargs):
    raise AssertionError("the model was loaded")


def test_an_empty_message_is_refused_before_the_model_loads(monkeypatch):
    monkeypatch.setattr(converse, "make_responder", never_load)
    for command in (converse.chat, converse.translate):
        result = CliRunner().invoke(command, ["  "])
        assert result.exit_code == 1
        assert "Error: Please type a message." in result.output
        assert "Traceback" not in result.output


def run_loop(build, typed: str):
    """The interactive loop as a command, with ``typed`` as its input."""
    command = click.Command(
        "loop", callback=lambda: converse.converse(build, "ask > ", "answer > ", "")
    )
    return CliRunner().invoke(command, input=typed)


class EchoResponder:
    def reply(self, prompts):
        return [Reply(p, p[::-1]) for p in prompts]


def test_the_prompt_shows_while_the_model_is_still_loading():
    loaded = threading.Event()
    release = threading.Event()

    def slow_build():
        release.wait(timeout=30)
        loaded.set()
        return EchoResponder()

    result = run_loop(slow_build, "exit\n")
    assert "ask > " in result.output and not loaded.is_set()  # before the load
    release.set()


def test_the_loop_answers_refuses_empty_lines_and_has_line_editing():
    shown = run_loop(EchoResponder, "\n你好\nexit\n").output
    assert "Please type a message." in shown
    assert "answer > 好你" in shown
    assert "readline" in sys.modules  # arrow keys and history in input()


def test_an_empty_answer_shows_its_notice_instead_of_an_empty_answer_line():
    class SilentResponder:
        def reply(self, prompts):
            return [Reply(p, "", NO_ANSWER) for p in prompts]

    shown = run_loop(SilentResponder, "你好\nexit\n").output
    assert NO_ANSWER in shown and "answer >" not in shown
    once = CliRunner().invoke(
        click.Command(
            "once", callback=lambda: converse.answer_once(SilentResponder, "你好")
        )
    )
    # One-shot: stdout keeps the (empty) answer for scripts, the notice goes to stderr.
    assert once.exit_code == 0 and once.stdout == "\n" and NO_ANSWER in once.stderr


def test_a_load_error_reaches_the_user_as_one_line():
    def failing_build():
        raise click.ClickException("no trained chatbot model was found.")

    result = run_loop(failing_build, "你好\n")
    assert result.exit_code == 1
    assert "Error: no trained chatbot model was found." in result.output


def test_the_commands_import_no_tensorflow_until_they_load_a_model():
    code = (
        "import sys, rnn_pipeline.cli;"
        "print(sorted(m for m in ('tensorflow', 'keras', 'mlflow')"
        " if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_command_line_decoding_options_name_what_each_sampler_takes():
    def overrides(sampler, **given):
        names = ("temperature", "top_k", "top_p", "beams", "length_penalty")
        return converse.sampler_overrides(sampler, **{n: None for n in names} | given)

    mmi = overrides(
        "mmi", top_p=0.8, candidates="sample", beams=20, top_k=30, overlap_weight=2.0
    )
    assert mmi == {
        "sampler": "mmi",
        "sampler_options": {
            "top_k": 30,
            "top_p": 0.8,
            "num_beams": 20,
            "candidates": "sample",
            "overlap_weight": 2.0,
        },
    }
    nucleus = overrides("top_p", top_p=0.8, top_k=40)
    assert nucleus["sampler_options"] == {"p": 0.8, "top_k": 40}
    assert overrides("top_k", top_k=3)["sampler_options"] == {"k": 3}
    # Each validates as the sampler's own options.
    from rnn_pipeline.pipelines.seq2seq.options import EvaluationOptions

    for choice in (mmi, nucleus, overrides("top_k", top_k=3)):
        EvaluationOptions.model_validate(choice)


def test_a_flag_is_named_for_the_configured_sampler_when_none_is_given():
    # `kedro chat --k 20` with a saved mmi sampler: k is mmi's top_k.
    flags = converse.sampler_overrides(None, None, 20, 0.8, None, None)
    assert flags["sampler_options"] == {"k": 20, "p": 0.8}
    assert converse.named_for("mmi", flags["sampler_options"]) == {
        "top_k": 20,
        "top_p": 0.8,
    }
    assert converse.named_for("top_k", {"k": 3}) == {"k": 3}
