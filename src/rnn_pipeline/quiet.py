"""A quiet start: no third-party noise in the log of a run, a chat or a server.

Three kinds of lines came with every CPU run and said nothing about it:

- TensorFlow's CUDA loader writes ``Could not find cuda drivers`` (twice, with an
  absl notice) while it is imported and an error-level ``E0000 ... failed call to
  cuInit`` when it first looks for a GPU, straight to file descriptor 2, whatever
  ``TF_CPP_MIN_LOG_LEVEL`` says;
- OmegaConf deprecates ``register_new_resolver``, which Kedro and kedro-mlflow call;
- MLflow asks for type hints on a ``predict`` that takes a DataFrame on purpose.

``install`` filters the two warnings, and imports TensorFlow (when something first
imports it) with descriptor 2 captured: the CUDA lines above are dropped, every
other line is written back. ``RNN_PIPELINE_TF_LOGS=1`` keeps everything.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

SHOW_ALL_ENV = "RNN_PIPELINE_TF_LOGS"
# Lines TensorFlow writes on a machine without an NVIDIA driver.
CUDA_NOISE = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|cuda_executor\.cc:\d+\].*(?:no CUDA-capable device|CUDA_ERROR_NO_DEVICE)"
)
WARNINGS = (
    ("register_new_resolver\\(\\) is deprecated", UserWarning),
    (".*Add type hints to the `predict` method", UserWarning),
)


@contextmanager
def dropped_stderr_lines(pattern: re.Pattern[str]) -> Iterator[None]:
    """Capture file descriptor 2 and write back the lines ``pattern`` does not match.

    C++ libraries write to the descriptor itself, past ``sys.stderr``.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            kept = [
                line
                for line in captured.read().decode(errors="replace").splitlines(True)
                if not pattern.search(line)
            ]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


class _QuietLoader(importlib.abc.Loader):
    """Runs the real loader of ``tensorflow``, then its first GPU lookup, quietly."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        with dropped_stderr_lines(CUDA_NOISE):
            self._loader.exec_module(module)
            # cuInit runs at the first device lookup: do it here, where it is quiet.
            # (Listing devices does not start the runtime: strategies may follow.)
            module.config.list_physical_devices("GPU")


class QuietTensorFlowFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow`` as usual and hands it to ``_QuietLoader``."""

    def find_spec(self, fullname, path, target=None):
        if fullname != "tensorflow":
            return None
        sys.meta_path.remove(self)  # find the real spec, once
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _QuietLoader(spec.loader)
        return spec


def install() -> None:
    """Filter the known warnings and quiet TensorFlow's import (once per process)."""
    for message, category in WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    if os.environ.get(SHOW_ALL_ENV) or "tensorflow" in sys.modules:
        return
    if not any(isinstance(f, QuietTensorFlowFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, QuietTensorFlowFinder())
