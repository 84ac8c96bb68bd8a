"""Shared test set-up: no telemetry, quiet TensorFlow, small fixtures."""

import os

os.environ.setdefault("KEDRO_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402

from rnn_pipeline import quiet  # noqa: E402


@pytest.hookimpl(wrapper=True)
def pytest_collection(session: pytest.Session):
    """No TensorFlow or MLflow start-up noise, as the entry points do, from the
    start of collection, where test modules first import them. Inside pytest's
    warning capture of collection (its own wrapper runs first): MLflow's import-time
    notice bypasses warning filters, and only quiet's logging route drops it."""
    quiet.install()
    return (yield)


SAMPLE_CONV = (
    "E\r\n"
    "M 你好\r\n"
    "M 你好，很高兴认识你\r\n"
    "M 我也是\r\n"
    "\n"
    "E\n"
    "M 你叫什么名字?\n"
    "M 我叫小明\n"
    "E\n"
    "M 今天天气怎么样\n"
    "M 今天  天气很好\n"
)


@pytest.fixture
def sample_conv() -> str:
    return SAMPLE_CONV
