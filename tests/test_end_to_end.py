"""The chatbot pipeline through `kedro run` in a temporary copy of the project,
tracked in MLflow, then the chat, serve and notebook uses of the trained model."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import mlflow
import pytest
import yaml

from rnn_pipeline.chat import NO_ANSWER

PROJECT = Path(__file__).resolve().parents[1]
KEDRO = str(Path(sys.executable).with_name("kedro"))
TINY = {
    "model_options": {"embedding_dim": 8, "units": 16, "num_layers": 2},
    "training_options": {"epochs": 2, "batch_size": 16, "verbose": 0},
    "evaluation_options": {"prompts": ["你好", "再见"], "max_reply_length": 8},
}

# A small corpus (28 two-turn dialogues) for the tests whose subject is neither the
# corpus nor bucketing: faults, the two workers, the browser's two runs. With it and
# one bucket (``small_chatbot``) a tiny run compiles far fewer batch shapes than on
# the embedded default in four buckets, which is most of a tiny run's time. Every
# answer starts with 我, so a model of one or two epochs already answers 你好 with
# a character rather than an empty reply.
SMALL_CONV = """\
E
M 你好
M 我很好，谢谢你
E
M 你叫什么名字
M 我叫小明
E
M 今天天气怎么样
M 我觉得今天天气很好
E
M 你喜欢什么
M 我喜欢看书
E
M 你是谁
M 我是一个聊天机器人
E
M 你吃饭了吗
M 我吃过了
E
M 再见
M 我们明天见
E
M 你住在哪里
M 我住在北京
E
M 你几岁了
M 我今年三岁
E
M 你会唱歌吗
M 我不会唱歌
E
M 你在做什么
M 我在和你聊天
E
M 你有朋友吗
M 我有很多朋友
E
M 你累了吗
M 我不会累
E
M 晚上好
M 我很高兴见到你
E
M 你喜欢吃什么
M 我喜欢吃苹果
E
M 你会说英语吗
M 我会说一点
E
M 你喜欢音乐吗
M 我很喜欢音乐
E
M 你去过上海吗
M 我没有去过
E
M 你今天忙吗
M 我今天不忙
E
M 你喜欢运动吗
M 我喜欢跑步
E
M 你会画画吗
M 我会画一点
E
M 你想去哪里
M 我想去海边
E
M 你有名字吗
M 我有名字，叫小明
E
M 你开心吗
M 我很开心
E
M 你喜欢下雨吗
M 我不喜欢下雨
E
M 你会做饭吗
M 我不会做饭
E
M 早上好
M 我祝你早上好
E
M 谢谢你
M 我也谢谢你
"""

pytestmark = pytest.mark.slow


@functools.cache
def empty_store() -> Path:
    """An MLflow SQLite store with its schema and no runs, made once per session:
    creating the schema takes seconds of every `kedro run` in a fresh project."""
    database = Path(tempfile.mkdtemp(prefix="empty-store-")) / "mlflow.db"
    mlflow.MlflowClient(f"sqlite:///{database}").search_experiments(max_results=1)
    return database


def copy_project(destination: Path, store: bool = True) -> Path:
    """conf/, src/, pyproject.toml, .telemetry and empty data layers: no outputs.

    With ``store``, an empty MLflow store is put in place (tests of the store's own
    creation pass ``store=False``)."""
    shutil.copytree(
        PROJECT / "conf", destination / "conf", ignore=shutil.ignore_patterns("local")
    )
    shutil.copytree(
        PROJECT / "src",
        destination / "src",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (destination / "conf" / "local").mkdir()
    for name in ("pyproject.toml", ".telemetry"):
        shutil.copy(PROJECT / name, destination / name)
    for layer in (PROJECT / "data").iterdir():
        (destination / "data" / layer.name).mkdir(parents=True)
    params = yaml.safe_load((PROJECT / "conf/base/parameters_chatbot.yml").read_text())
    for group, values in TINY.items():
        params["chatbot"][group].update(values)
    (destination / "conf/local/parameters_chatbot.yml").write_text(
        yaml.safe_dump(params, allow_unicode=True), encoding="utf-8"
    )
    if store:
        shutil.copy(empty_store(), destination / "mlflow.db")
    return destination


def small_chatbot(project: Path) -> Path:
    """The chatbot of a ``copy_project`` on ``SMALL_CONV`` (in data/01_raw) and one
    10x15 bucket (in conf/local), the rest of the tiny configuration unchanged."""
    (project / "data/01_raw/chat.conv").write_text(SMALL_CONV, encoding="utf-8")
    params_file = project / "conf/local/parameters_chatbot.yml"
    params = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    params["chatbot"]["bucket_options"]["buckets"] = [[10, 15]]
    params_file.write_text(yaml.safe_dump(params, allow_unicode=True), "utf-8")
    return project


def kedro_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "DO_NOT_TRACK": "1",
        # A crash in native code (TensorFlow) prints the Python stack of every
        # thread to stderr, which the assertions show: CI once saw a bare -11.
        "PYTHONFAULTHANDLER": "1",
        **extra,
    }


def kedro(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [KEDRO, *args],
        cwd=project,
        env=kedro_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )


def network_cut() -> list[str]:
    """``unshare -rn`` (a new network namespace with no interface up) where this
    machine permits it, else nothing."""
    if shutil.which("unshare") is None:
        return []
    permitted = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    return [] if permitted.returncode else ["unshare", "-rn"]


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory):
    """The chatbot trained by `kedro run` (a KedroSession) in its own process: an
    in-process session leaves MLflow's active-run state to the tests after it.

    The run has no network where the machine allows cutting it: the product trains,
    tracks and evaluates offline (``test_the_run_needed_no_network``)."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    cut = network_cut()
    result = subprocess.run(
        [*cut, KEDRO, "run", "--pipelines", "chatbot"],
        cwd=project, env=kedro_env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (project / "kedro_run.log").write_text(result.stderr, encoding="utf-8")
    return project


# What a library other than the project writes at warning level or above: the C++
# log lines of TensorFlow (absl), Python warnings, and the warning or error records
# of any logger not the project's (Kedro's format and MLflow's own).
THIRD_PARTY_NOISE = re.compile(
    r"^(?:[IWEF]\d{4} .*"
    r"|WARNING: All log messages.*"
    r"|.*\b\w*Warning: .*"
    r"|\d\d:\d\d:\d\d (?:WARNING|ERROR|CRITICAL) +(?!rnn_pipeline)\S+: .*"
    r"|\d{4}/\d\d/\d\d \S+ (?:WARNING|ERROR|CRITICAL) .*)$",
    re.MULTILINE,
)


def test_the_noise_pattern_catches_what_runs_printed_before():
    before = (
        "I0000 00:00:17 port.cc:153] oneDNN custom operations are on.\n"
        "E0000 00:00:17 util.cc:131] oneDNN supports DT_BOOL only on platforms\n"
        "/x/data_validation.py:187: UserWarning: Add type hints to the `predict`\n"
        "17:05:54 WARNING tensorflow: 5 out of the last 7 calls to <function>\n"
        "17:05:54 WARNING rnn_pipeline.plotting: No CJK font found\n"
    )
    assert len(THIRD_PARTY_NOISE.findall(before)) == 4


def test_the_run_prints_no_third_party_warning_or_error(trained_project):
    log = (trained_project / "kedro_run.log").read_text(encoding="utf-8")
    assert "Completed" in log  # the run's log was kept
    assert THIRD_PARTY_NOISE.findall(log) == []


def test_the_run_ends_with_what_to_do_next(trained_project):
    log = (trained_project / "kedro_run.log").read_text(encoding="utf-8")
    tail = log[log.index("Pipeline execution completed") :]
    assert "Next:" in tail and "kedro chat" in tail and "--env real_corpus" in tail


def test_the_run_needed_no_network(trained_project):
    if not network_cut():  # the fixture's run had the network then
        pytest.skip("unshare -rn is not available or not permitted here")
    assert list(
        trained_project.glob("data/06_models/chatbot/model.keras/*/model.keras")
    )


def test_the_mlflow_run_holds_params_per_bucket_metrics_and_the_model(trained_project):
    mlflow.set_tracking_uri(f"sqlite:///{trained_project / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["chatbot"], output_format="list")
    assert len(runs) == 1
    run = runs[0]
    assert run.info.status == "FINISHED"
    # Its pipeline, sizes, epochs done and corpus (none in data/01_raw).
    assert run.info.run_name == "chatbot gru 2x16 e2 default corpus"
    assert run.data.tags["runner"] == "SequentialRunner"
    assert run.data.tags["pipeline"] == "chatbot"
    assert run.data.tags["namespace"] == "chatbot"
    assert run.data.params["chatbot.model_options.units"] == "16"
    assert run.data.params["chatbot.training_options.epochs"] == "2"
    for metric in ("test_loss_10x15", "test_perplexity_10x15", "test_loss_all"):
        assert metric in run.data.metrics
    client = mlflow.MlflowClient()
    history = client.get_metric_history(run.info.run_id, "train_loss")
    assert [m.step for m in history] == [0, 1]
    artifacts = {
        a.path
        for folder in ("model", "vocab", "reports", "plots")
        for a in client.list_artifacts(run.info.run_id, folder)
    }
    assert {"model/model.keras", "vocab/vocab.json"} <= artifacts
    assert "reports/evaluation_report.json" in artifacts
    assert {"plots/training_curves.png", "plots/test_loss.png"} <= artifacts
    # The served model's requirements are pinned, not guessed (keras and tensorflow
    # were missing from MLflow's guess).
    requirements = next(
        trained_project.glob("mlruns/chatbot/models/*/artifacts/requirements.txt")
    ).read_text()
    assert f"keras=={version('keras')}" in requirements.splitlines()
    assert "tensorflow==" in requirements


def test_versioned_outputs_are_on_disk_and_the_corpus_source_is_reported(
    trained_project,
):
    models = list((trained_project / "data/06_models/chatbot/model.keras").iterdir())
    assert len(models) == 1 and (models[0] / "model.keras").stat().st_size > 0
    # Every versioned file carries its completion marker (datasets.versioned).
    assert (models[0] / "model.keras.complete").exists()
    vocab = next((trained_project / "data/04_feature/chatbot/vocab.json").iterdir())
    assert (vocab / "vocab.json.complete").exists()
    report = next(
        (trained_project / "data/08_reporting/chatbot").glob(
            "ingest_report.json/*/ingest_report.json"
        )
    )
    assert "embedded default" in report.read_text(encoding="utf-8")


def test_chat_answers_a_single_message_like_the_pipeline_did(trained_project):
    result = kedro(trained_project, "chat", "你好")
    assert result.returncode == 0, result.stderr[-2000:]
    report = next(
        trained_project.glob("data/07_model_output/chatbot/replies.json/*/replies.json")
    )
    replies = json.loads(report.read_text(encoding="utf-8"))["replies"]
    expected = next(r["reply"] for r in replies if r["prompt"] == "你好")
    # Logs go to stderr: stdout is the reply alone, the same greedy reply as the run's.
    assert result.stdout == expected + "\n"
    version = report.parent.name
    # The first line on stderr names the model, with its MLflow run.
    first = result.stderr.splitlines()[0]
    assert first.startswith("Model: the newest chatbot model, chatbot version ")
    assert first.endswith(f"), saved {version}")


def test_chat_model_option_chooses_the_model_of_a_run(trained_project):
    mlflow.set_tracking_uri(f"sqlite:///{trained_project / 'mlflow.db'}")
    run = mlflow.search_runs(experiment_names=["chatbot"], output_format="list")[0]
    version = run.data.tags["run_id"]  # kedro-mlflow's tag: Kedro's save version
    result = kedro(trained_project, "chat", "--model", run.info.run_id, "你好")
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        f"Model: chatbot version 1 (run {run.info.run_id}, {run.info.run_name}), "
        f"saved {version}"
    ) in result.stderr
    # Greedy decoding: the same answer as that run's prompts report (a model of two
    # epochs may well answer nothing; the two must agree either way).
    report = trained_project / "data/07_model_output/chatbot/replies.json"
    replies = json.loads((report / version / "replies.json").read_text("utf-8"))
    expected = next(r["reply"] for r in replies["replies"] if r["prompt"] == "你好")
    assert result.stdout.strip() == expected.strip()


def test_chat_loop_handles_bad_input_and_ends_on_exit(trained_project):
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    result = subprocess.run(
        [KEDRO, "chat"],
        cwd=trained_project,
        env=env,
        input="\nhello\n你好\nexit\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Please type a message" in result.stdout
    assert "Chinese only" in result.stdout
    # 你好 gets an answer line, or the notice of an empty answer (a 2-epoch model
    # may end its reply at once); never both, never neither.
    assert result.stdout.count("answer > ") + result.stdout.count(NO_ANSWER) == 1


def test_chat_without_a_trained_model_says_which_command_to_run(tmp_path):
    result = kedro(copy_project(tmp_path), "chat", "你好")
    assert result.returncode != 0
    assert "kedro run --pipelines chatbot" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_corpus_that_cleans_to_nothing_gets_one_line_and_no_traceback(tmp_path):
    project = copy_project(tmp_path)
    (project / "data/01_raw/chat.conv").write_text("E\nM hello\nM world\n")
    result = kedro(project, "run", "--pipelines", "chatbot")
    assert result.returncode == 1
    assert "Error: no pair is left after cleaning 1 pairs" in result.stderr
    assert "Traceback" not in result.stderr
    # Raw data is only read.
    assert (project / "data/01_raw/chat.conv").read_text() == "E\nM hello\nM world\n"


def test_a_parameter_typo_names_the_group_and_key(tmp_path):
    result = kedro(
        copy_project(tmp_path),
        "run",
        "--pipelines",
        "chatbot",
        "--params",
        "chatbot.split_options.test_fractoin=0.3",
    )
    assert result.returncode == 1
    assert (
        "Error: invalid chatbot.split_options: test_fractoin: Extra inputs"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_the_notebook_runs_top_to_bottom_on_the_trained_project(trained_project):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(
        PROJECT / "notebooks/chatbot_walkthrough.ipynb", as_version=4
    )
    (trained_project / "notebooks").mkdir(exist_ok=True)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(trained_project / "notebooks")}},
    )
    client.execute()  # raises CellExecutionError on any failing cell
    outputs = [
        output.get("text", "") or str(output.get("data", {}).get("text/plain", ""))
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    ]
    text = "\n".join(outputs)
    assert "embedded default" in text  # the ingest report says which corpus
    assert "'<pad>': 0" in text and "10x15" in text
    images = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    ]
    # The training curves, the per-bucket bars and the attention map are shown.
    assert len(images) >= 3
    assert not (trained_project / "notebooks/mlflow.db").exists()


def free_port() -> int:
    """A free port on 127.0.0.1 below the ephemeral range (kedro-viz refuses ports
    above 49151)."""
    import random
    import socket

    for port in random.sample(range(20_000, 49_000), 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port between 20000 and 49000 on 127.0.0.1")


def post(url: str, body: bytes) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_served_model_answers_like_the_pipeline(trained_project):
    import signal
    import time
    import urllib.request

    port = free_port()
    env = {**os.environ, "KEDRO_DISABLE_TELEMETRY": "true"}
    server = subprocess.Popen(
        [KEDRO, "serve", "--port", str(port)],
        cwd=trained_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so the uvicorn child is stopped with it
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/ping", timeout=2)
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()[-2000:]
                time.sleep(1)
        status, body = post(
            f"{base}/invocations", json.dumps({"inputs": ["你好", ""]}).encode()
        )
        assert status == 200
        report = next(
            trained_project.glob(
                "data/07_model_output/chatbot/replies.json/*/replies.json"
            )
        )
        replies = json.loads(report.read_text(encoding="utf-8"))["replies"]
        expected = next(r for r in replies if r["prompt"] == "你好")
        # The same reply, and the same notice (that of an empty answer, if it is).
        assert body["predictions"][0] == {
            "reply": expected["reply"],
            "notice": expected["message"] or "",
        }
        assert body["predictions"][1]["reply"] == ""
        assert "Please type a message" in body["predictions"][1]["notice"]
        status, body = post(f"{base}/invocations", b"{not json")
        assert 400 <= status < 500 and "JSON" in body["message"]
        wrong = {"dataframe_split": {"columns": ["a", "b"], "data": [["x", "y"]]}}
        status, body = post(f"{base}/invocations", json.dumps(wrong).encode())
        assert 400 <= status < 500 and "message" in body["message"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_two_workers_train_the_chatbot_through_kedro_run(tmp_path):
    """`distribute: multi_worker`: two `kedro run`s on 127.0.0.1 train one model."""
    import keras
    import numpy as np

    import rnn_pipeline.models  # noqa: F401  (registers the layers)

    ports = [free_port(), free_port()]
    workers = []
    for index in range(2):
        project = small_chatbot(copy_project(tmp_path / f"worker{index}"))
        tf_config = {
            "cluster": {"worker": [f"127.0.0.1:{port}" for port in ports]},
            "task": {"type": "worker", "index": index},
        }
        command = [KEDRO, "run", "--pipelines", "chatbot", "--params",
                   "chatbot.training_options.distribute=multi_worker",
                   "--to-nodes", "chatbot.train_seq2seq_node"]  # fmt: skip
        workers.append(
            subprocess.Popen(
                command,
                cwd=project,
                env=kedro_env(TF_CONFIG=json.dumps(tf_config)),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    logs = [worker.communicate(timeout=300)[0] for worker in workers]
    for worker, log in zip(workers, logs, strict=True):
        assert worker.returncode == 0, log[-3000:]
        assert "2 replica(s) in sync" in log
    models = [
        keras.saving.load_model(
            next(
                (tmp_path / f"worker{i}/data/06_models/chatbot").glob(
                    "model.keras/*/model.keras"
                )
            ),
            compile=False,
        )
        for i in range(2)
    ]
    for a, b in zip(models[0].get_weights(), models[1].get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
