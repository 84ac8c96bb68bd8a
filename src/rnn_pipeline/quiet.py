"""A quiet start: no third-party noise in the log of a run, a chat or a server.

What came with every CPU run and said nothing about it:

- TensorFlow's CUDA loader writes ``Could not find cuda drivers`` (twice, with an
  absl notice) while it is imported and an error-level ``E0000 ... failed call to
  cuInit`` when it first looks for a GPU;
- on CPUs where TensorFlow turns oneDNN on by default (AVX-512 VNNI/BF16, AMX) it
  writes ``I0000 ... oneDNN custom operations are on`` twice while it is imported,
  and ``E0000 ... oneDNN supports DT_BOOL only on platforms with AVX-512`` once, the
  first time a graph transposes a boolean tensor (the recurrent layers' masks);
- OmegaConf deprecates ``register_new_resolver``, which Kedro and kedro-mlflow call;
- MLflow asks for type hints on a ``predict`` that takes a DataFrame on purpose
  (kedro-mlflow's ``KedroPipelineModel``), from inside its own
  ``catch_warnings`` block, where a warnings filter does not reach.

TensorFlow's lines go straight to file descriptor 2, past ``sys.stderr`` and past
``TF_CPP_MIN_LOG_LEVEL`` (they come before absl's logging starts, or at error
level). ``install`` therefore passes descriptor 2 through a small filter process
when something first imports TensorFlow: the known lines are dropped, every other
byte is written on, in order, and the filter drains the pipe to its end even when
the process dies (a crash's stack dump is kept). Python warnings are routed through
``logging`` (``py.warnings``), where ``KnownWarnings`` drops the MLflow ones.
``RNN_PIPELINE_TF_LOGS=1`` keeps everything.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

SHOW_ALL_ENV = "RNN_PIPELINE_TF_LOGS"
# Lines TensorFlow writes on a machine without an NVIDIA driver or with oneDNN on.
TF_NOISE = re.compile(
    r"All log messages before absl::InitializeLog\(\) is called"
    r"|cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|cuda_executor\.cc:\d+\].*(?:no CUDA-capable device|CUDA_ERROR_NO_DEVICE)"
    r"|port\.cc:\d+\] oneDNN custom operations are on"
    r"|util\.cc:\d+\] oneDNN supports DT_BOOL only on platforms with AVX-512"
)
WARNINGS = (
    ("register_new_resolver\\(\\) is deprecated", UserWarning),
    (".*Add type hints to the `predict` method", UserWarning),
)
# The same MLflow notices when they arrive as log records of ``py.warnings``.
KNOWN_WARNING_TEXT = re.compile(
    r"register_new_resolver\(\) is deprecated"
    r"|Add type hints to the `predict` method"
)

# The filter process: reads the pipe that descriptor 2 has become and writes what
# is not noise to the real stderr. A line not ended within 50 ms (a prompt) is
# written as it is. It ignores SIGINT and SIGTERM, so an interrupted run's last
# words still get through; it ends when every writer has closed the pipe.
_FILTER_PROGRAM = r"""
import os, re, select, signal, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
noise = re.compile(sys.argv[1].encode())
def write(data):
    while data:
        data = data[os.write(1, data):]
pending, passing = b"", False
while True:
    ready = select.select([0], [], [], 0.05 if pending else None)[0]
    if not ready:
        write(pending)
        pending, passing = b"", True
        continue
    chunk = os.read(0, 65536)
    if not chunk:
        break
    *lines, pending = (pending + chunk).split(b"\n")
    kept = []
    for line in lines:
        if passing or not noise.search(line):
            kept.append(line + b"\n")
        passing = False
    write(b"".join(kept))
write(pending)
"""


class KnownWarnings(logging.Filter):
    """Drops the third-party warnings listed in ``KNOWN_WARNING_TEXT``."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not KNOWN_WARNING_TEXT.search(record.getMessage())


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


def filter_stderr(pattern: re.Pattern[str]) -> None:
    """From now until the process ends, drop the lines of descriptor 2 that
    ``pattern`` matches (see the module's docstring)."""
    sys.stderr.flush()
    read_end, write_end = os.pipe()
    saved = os.dup(2)
    process = subprocess.Popen(
        [sys.executable, "-I", "-S", "-c", _FILTER_PROGRAM, pattern.pattern],
        stdin=read_end,
        stdout=saved,
        stderr=saved,
        close_fds=True,
    )
    os.close(read_end)
    os.dup2(write_end, 2)
    os.close(write_end)

    def restore() -> None:
        """Give descriptor 2 back and let the filter write what it still holds."""
        sys.stderr.flush()
        os.dup2(saved, 2)
        # A child process that still holds the pipe keeps the filter running.
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    atexit.register(restore)


class _QuietLoader(importlib.abc.Loader):
    """Filters descriptor 2, then runs the real loader of ``tensorflow``."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        filter_stderr(TF_NOISE)
        self._loader.exec_module(module)


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
    """Filter the known warnings and quiet TensorFlow's output (once per process)."""
    for message, category in WARNINGS:
        warnings.filterwarnings("ignore", message=message, category=category)
    # MLflow re-enables its own warnings inside catch_warnings(); logging's filters
    # still apply to them once warnings are shown through ``py.warnings``.
    logging.captureWarnings(True)
    captured = logging.getLogger("py.warnings")
    if not any(isinstance(f, KnownWarnings) for f in captured.filters):
        captured.addFilter(KnownWarnings())
    if os.environ.get(SHOW_ALL_ENV) or "tensorflow" in sys.modules:
        return
    if not any(isinstance(f, QuietTensorFlowFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, QuietTensorFlowFinder())
