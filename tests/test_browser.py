"""What users see, checked in a real browser (Debian's headless Chromium):
kedro-viz draws the chatbot pipeline, and the MLflow UI lists and compares runs.

Screenshots are kept in test-results/screenshots/. The tests skip when Chromium or
chromedriver is not installed (`make test` installs them where it may use apt-get).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import mlflow
import pytest

from tests.test_end_to_end import (
    PROJECT,
    copy_project,
    free_port,
    kedro,
    small_chatbot,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("chromedriver")),
        reason="needs Debian's chromium and chromium-driver (make test installs them)",
    ),
]
SCREENSHOTS = PROJECT / "test-results" / "screenshots"
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download anything
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--window-size=1600,1000",
    ):  # fmt: skip
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(shutil.which("chromedriver")), options=options
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """A project where the chatbot was trained twice (2 and 1 epochs), on the small
    corpus: what the pages show of a run does not depend on its corpus."""
    project = small_chatbot(copy_project(tmp_path_factory.mktemp("browser")))
    for extra in ([], ["--params", "chatbot.training_options.epochs=1"]):
        result = kedro(project, "run", "--pipelines", "chatbot", *extra)
        assert result.returncode == 0, result.stderr[-3000:]
    return project


@contextmanager
def server(command: list[str], cwd: Path, port: int, path: str = "/"):
    env = {
        **os.environ,
        "KEDRO_DISABLE_TELEMETRY": "true",
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, start_new_session=True,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2)
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-3000:]
                time.sleep(1)
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def wait_for(predicate, seconds: float = 60, what: str = "the page"):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def metric_rows(browser) -> set[str]:
    """Every text shown in the compare page's metrics table, which MLflow draws as a
    virtualized grid: only the rows in view exist in the page, so scroll through it."""
    grid = browser.find_elements(
        "xpath",
        "//div[contains(@class, 'ReactVirtualized__Grid')]"
        "[.//*[contains(text(), 'baseline_perplexity')]]",
    )
    assert grid, "no metrics table on the compare page"
    shown: set[str] = set()
    height = browser.execute_script("return arguments[0].scrollHeight", grid[0])
    view = browser.execute_script("return arguments[0].clientHeight", grid[0])
    # A view at a time, overlapping by 50 px: each cell's text is a WebDriver call.
    step = max(100, view - 50)
    for top in range(0, height + step, step):
        browser.execute_script("arguments[0].scrollTop = arguments[1]", grid[0], top)
        time.sleep(0.2)
        shown |= {cell.text for cell in grid[0].find_elements("xpath", ".//*")}
    return shown


def test_kedro_viz_draws_the_chatbot_pipeline(browser, two_runs):
    port = free_port()
    command = [str(BIN / "kedro"), "viz", "run", "--host", "127.0.0.1",
               "--port", str(port), "--no-browser"]  # fmt: skip
    with server(command, two_runs, port) as url:
        browser.get(f"{url}/?pid=chatbot&expandAllPipelines=true")
        wanted = {
            "parse_conversations_node",
            "bucket_pairs_node",
            "train_seq2seq_node",
            "evaluate_seq2seq_node",
            "chatbot.raw_corpus",
            "chatbot.model",
        }

        def labels():
            found = {e.text for e in browser.find_elements("css selector", "text")}
            return found if wanted <= found else None

        wait_for(labels, what="the chatbot's nodes in kedro-viz")
        page = browser.page_source
        for layer in ("raw", "intermediate", "primary", "feature", "models"):
            assert layer in page
        browser.save_screenshot(str(SCREENSHOTS / "kedro_viz_chatbot.png"))


def test_mlflow_ui_lists_both_runs_and_compares_their_bucket_metrics(browser, two_runs):
    database = two_runs / "mlflow.db"
    mlflow.set_tracking_uri(f"sqlite:///{database}")
    experiment = mlflow.get_experiment_by_name("chatbot")
    runs = mlflow.search_runs([experiment.experiment_id], output_format="list")
    assert len(runs) == 2
    # Told apart by name: 2 epochs (conf/local) and 1 (--params), and the corpus.
    assert sorted(r.info.run_name for r in runs) == [
        "chatbot gru 2x16 e1 chat.conv",
        "chatbot gru 2x16 e2 chat.conv",
    ]
    port = free_port()
    # One worker: the default four start at once and take the two cores for a while.
    command = [str(BIN / "mlflow"), "ui", "--backend-store-uri", f"sqlite:///{database}",
               "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1"]  # fmt: skip
    with server(command, two_runs, port, "/health") as url:
        browser.get(f"{url}/#/experiments/{experiment.experiment_id}/runs")
        for run in runs:  # each run's name and id appear in the runs table
            wait_for(
                lambda r=run: (
                    r.info.run_name in browser.page_source
                    and r.info.run_id[:8] in browser.page_source
                ),
                what=f"run {run.info.run_id} in the experiment's run list",
            )
        browser.save_screenshot(str(SCREENSHOTS / "mlflow_runs.png"))
        ids = json.dumps([r.info.run_id for r in runs])
        browser.get(
            f"{url}/#/compare-runs?runs={ids}&experiments="
            f"{json.dumps([experiment.experiment_id])}"
        )
        wait_for(lambda: "baseline_perplexity" in browser.page_source, what="metrics")
        shown = metric_rows(browser)
        for metric in ("test_loss_10x15", "test_perplexity_10x15", "test_bleu",
                       "perplexity_ratio_trigram_10x15"):  # fmt: skip
            assert metric in shown, f"{metric} not in the compared metrics {shown}"
        browser.save_screenshot(str(SCREENSHOTS / "mlflow_compare.png"))


def test_the_chat_page_answers_with_two_models_side_by_side(browser, two_runs):
    mlflow.set_tracking_uri(f"sqlite:///{two_runs / 'mlflow.db'}")
    runs = mlflow.search_runs(experiment_names=["chatbot"], output_format="list")
    first, second = (run.info.run_id for run in runs)
    port = free_port()
    command = [str(BIN / "kedro"), "chat-web", "--port", str(port),
               "--model", first, "--compare", second]  # fmt: skip
    with server(command, two_runs, port) as url:
        browser.get(f"{url}/")
        heads = [e.text for e in browser.find_elements("css selector", ".head")]
        # Each column is headed by its run's name, then its run id, corpus and
        # decoding (the heads named only the --model given before).
        assert [head.splitlines()[1] for head in heads] == [
            f"run {first}",
            f"run {second}",
        ]
        assert heads[0].startswith("A: chatbot ") and "decoding: " in heads[0]
        replies = []
        for message, count in (("你好", 2), ("", 4)):  # one message at a time
            browser.find_element("id", "message").send_keys(message)
            browser.find_element("id", "send").click()
            replies = wait_for(
                lambda n=count: (
                    cells
                    if len(cells := browser.find_elements("css selector", ".reply"))
                    == n
                    else None
                ),
                what=f"{count} replies",
            )
        assert all(cell.text for cell in replies[:2])  # the models' answers to 你好
        assert [cell.text for cell in replies[2:]] == ["Please type a message."] * 2
        browser.save_screenshot(str(SCREENSHOTS / "chat_page.png"))
