"""`kedro serve`: which model (`--model`: a run id, a registered version or an
alias; the first line names its version and run), and the server's guards: a body
over the limit is a 413, an error is one line (issue 22 item 5.1)."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
import time
from collections.abc import Iterator

import click
import mlflow
import pytest

from rnn_pipeline.cli.serve import choose_served_model, serve_command
from rnn_pipeline.plumbing.mlflow_tracking import register_run_models
from rnn_pipeline.serving import app
from rnn_pipeline.serving.seq2seq_pyfunc import RequestLimits
from tests.test_end_to_end import empty_store, free_port

pytestmark = pytest.mark.slow  # logs MLflow models


class Echo(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return model_input


class StrictEcho(Echo):
    """Refuses a ``wrong`` column as the served model refuses a bad request."""

    def predict(self, context, model_input, params=None):
        if "wrong" in getattr(model_input, "columns", []):
            raise mlflow.exceptions.MlflowException.invalid_parameter_value(
                "expected a 'message' column, got columns ['wrong']"
            )
        return model_input


@pytest.fixture
def store(tmp_path):
    """A store where two runs each logged and registered a chatbot model."""
    previous = mlflow.get_tracking_uri()
    shutil.copy(empty_store(), tmp_path / "mlflow.db")  # no schema to create
    mlflow.set_tracking_uri(f"sqlite:///{tmp_path / 'mlflow.db'}")
    experiment = mlflow.create_experiment(
        "chatbot", artifact_location=(tmp_path / "mlruns").as_uri()
    )
    runs = []
    for _ in range(2):
        with mlflow.start_run(experiment_id=experiment) as run:
            # Requirements given: MLflow's inference takes seconds per model.
            mlflow.pyfunc.log_model(
                name="chatbot_pyfunc", python_model=Echo(), pip_requirements=["mlflow"]
            )
            assert register_run_models(run.info.run_id, experiment) == ["chatbot"]
            runs.append(run.info.run_id)
    yield runs
    mlflow.set_tracking_uri(previous)


def test_models_are_chosen_by_version_run_or_alias_and_champion_wins(store):
    first, second = store
    names = {run: mlflow.get_run(run).info.run_name for run in store}
    uri, which = choose_served_model("chatbot", None)  # no alias: the newest
    # The version and run README promises, not only a models:/m-... URI.
    assert which == (
        f"the newest chatbot model, chatbot version 2 (run {second}, {names[second]})"
    )
    assert choose_served_model("chatbot", "1") == (
        "models:/chatbot/1",
        f"chatbot version 1 (run {first}, {names[first]})",
    )
    assert choose_served_model("chatbot", second)[1] == (
        f"chatbot version 2 (run {second}, {names[second]})"
    )
    mlflow.MlflowClient().set_registered_model_alias("chatbot", "champion", "1")
    assert choose_served_model("chatbot", None)[0] == "models:/chatbot/1"
    assert choose_served_model("chatbot", "champion")[0] == "models:/chatbot/1"


def test_an_unknown_choice_is_one_line_naming_what_is_accepted(store):
    with pytest.raises(click.ClickException, match="no version or alias 'best'"):
        choose_served_model("chatbot", "best")
    with pytest.raises(click.ClickException, match="no version or alias '7'"):
        choose_served_model("chatbot", "7")


def test_the_unregistered_newest_model_says_so(store, tmp_path):
    with mlflow.start_run(
        experiment_id=mlflow.get_experiment_by_name("chatbot").experiment_id
    ) as run:
        mlflow.pyfunc.log_model(
            name="chatbot_pyfunc", python_model=Echo(), pip_requirements=["mlflow"]
        )
    assert choose_served_model("chatbot", None)[1] == (
        f"the newest chatbot model, chatbot model (run {run.info.run_id}, "
        f"{run.info.run_name}; not registered)"
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    """``serving.app``'s app over an echoing model, on 127.0.0.1 (host:port), with
    a 1 MB body limit."""
    import uvicorn

    path = tmp_path_factory.mktemp("model") / "echo"
    mlflow.pyfunc.save_model(
        path, python_model=StrictEcho(), pip_requirements=["mlflow"]
    )
    with pytest.MonkeyPatch.context() as env:
        env.setenv(app.SERVED_MODEL_ENV, str(path))
        env.setenv("RNN_PIPELINE_MAX_REQUEST_BYTES", "1000000")
        asgi = app.create_app()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(asgi, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def invoke(address: str, body, headers: dict | None = None) -> tuple[int, bytes]:
    """POST ``body`` (bytes, or an iterable of chunks: sent chunked) to
    /invocations; the status and the raw answer."""
    connection = http.client.HTTPConnection(address, timeout=60)
    headers = {"Content-Type": "application/json", **(headers or {})}
    chunked = not isinstance(body, bytes)
    connection.request("POST", "/invocations", body, headers, encode_chunked=chunked)
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


def test_a_30_mb_request_is_a_413_of_one_line_before_mlflow_reads_it(served):
    body = json.dumps({"inputs": ["x" * 30_000_000]}).encode()
    status, answer = invoke(served, body)
    assert status == 413 and len(answer) < 500
    assert json.loads(answer) == {
        "error_code": "REQUEST_LIMIT_EXCEEDED",
        "message": "expected a request body of at most 1,000,000 bytes, got "
        f"{len(body):,} (RNN_PIPELINE_MAX_REQUEST_BYTES sets the limit)",
    }


def test_a_chunked_body_over_the_limit_is_a_413_too(served):
    chunks = (b"x" * 100_000 for _ in range(30))
    status, answer = invoke(served, chunks)
    assert status == 413
    assert "at most 1,000,000 bytes, got 3,000,000" in json.loads(answer)["message"]


def test_an_error_echoes_one_line_not_the_request(served):
    body = b'{"inputs": [' + b'"x",' * 200_000  # under the limit, not JSON
    status, answer = invoke(served, body)
    assert status == 400 and len(answer) < 1000, answer[:300]
    error = json.loads(answer)
    assert set(error) == {"error_code", "message"}  # no stack trace
    assert "\n" not in error["message"]
    assert error["message"].startswith("Invalid input. Ensure that input is a valid")


def test_the_models_own_error_is_the_line_kept(served):
    wrong = {"dataframe_split": {"columns": ["wrong"], "data": [["x" * 100]] * 500}}
    status, answer = invoke(served, json.dumps(wrong).encode())
    assert (status, json.loads(answer)) == (
        400,
        {
            "error_code": "INVALID_PARAMETER_VALUE",
            "message": "expected a 'message' column, got columns ['wrong']",
        },
    )


def test_a_schema_error_keeps_its_cause_not_the_data():
    message = (
        "Failed to enforce schema of data '   a  b\n0  x  y' with schema "
        "'['message': string (required)]'. Error: Model is missing inputs "
        "['message']. Note that there were extra inputs: ['a', 'b']."
    )
    assert app.one_line(message) == (
        "Model is missing inputs ['message']. Note that there were extra inputs: "
        "['a', 'b']."
    )


def test_a_good_request_is_answered_as_before(served):
    status, answer = invoke(served, json.dumps({"inputs": ["你好"]}).encode())
    assert (status, json.loads(answer)) == (200, {"predictions": ["你好"]})


def test_kedro_serve_runs_the_guarded_app_on_the_chosen_model():
    command, env = serve_command("models:/chatbot/2", "127.0.0.1", 5001)
    assert command[1:] == [
        "--factory", "rnn_pipeline.serving.app:create_app",
        "--host", "127.0.0.1", "--port", "5001",
    ]  # fmt: skip
    assert command[0].endswith("uvicorn")
    assert env[app.SERVED_MODEL_ENV] == "models:/chatbot/2"


def test_a_bad_body_limit_is_refused_in_one_line():
    with pytest.raises(ValueError, match="RNN_PIPELINE_MAX_REQUEST_BYTES must be a"):
        RequestLimits.from_env({"RNN_PIPELINE_MAX_REQUEST_BYTES": "2MB"})
