"""No third-party noise on stderr: TensorFlow's CUDA and oneDNN lines, OmegaConf
deprecations, MLflow's notices; on any CPU (oneDNN forced on and off)."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from rnn_pipeline.quiet import SHOW_ALL_ENV, TF_NOISE, dropped_stderr_lines

# What a CPU run printed before: error-level C++ lines, CUDA probing, deprecations.
NOISE = re.compile(
    r"^E0000|cuInit|cudart_stub|absl::InitializeLog|oneDNN|register_new_resolver",
    re.MULTILINE,
)


def test_noise_lines_are_dropped_and_others_written_back(capfd):
    with dropped_stderr_lines(TF_NOISE):
        os.write(2, b"W0000 cudart_stub.cc:31] Could not find cuda drivers here\n")
        os.write(2, b"E0000 cuda_platform.cc:52] failed call to cuInit: 303\n")
        os.write(2, b"I0000 port.cc:153] oneDNN custom operations are on. You may\n")
        os.write(2, b"E0000 util.cc:131] oneDNN supports DT_BOOL only on platforms")
        os.write(2, b" with AVX-512. Falling back to the default Eigen-based one.\n")
        os.write(2, b"a real problem\n")
    assert capfd.readouterr().err == "a real problem\n"


# A masked recurrent layer transposes its boolean mask: with oneDNN on, TensorFlow's
# first such graph prints the DT_BOOL line, after the import, while a model trains.
TRAIN_A_MASKED_RNN = """
from rnn_pipeline import quiet; quiet.install()  # as every entry point does
import sys, numpy as np, keras, tensorflow as tf
print(float(tf.reduce_sum(tf.ones(3))))
inputs = keras.Input((None,), dtype="int32")
hidden = keras.layers.Embedding(20, 4, mask_zero=True)(inputs)
model = keras.Model(inputs, keras.layers.GRU(4)(hidden))
model.compile("adam", "mse")
model.fit(np.array([[1, 2, 0], [3, 0, 0]]), np.zeros((2, 4)), verbose=0)
import omegaconf; omegaconf.OmegaConf.register_new_resolver("x", str)
import kedro_mlflow.mlflow  # defines a PythonModel with an untyped predict
sys.stderr.write("a line of the program's own\\n")
"""


def run_quietly(onednn: str, show_all: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("TF_CPP_MIN_LOG_LEVEL",)}
    env["TF_ENABLE_ONEDNN_OPTS"] = onednn
    env.pop(SHOW_ALL_ENV, None)
    if show_all:
        env[SHOW_ALL_ENV] = "1"
    return subprocess.run(
        [sys.executable, "-c", TRAIN_A_MASKED_RNN],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("onednn", ["0", "1"])
def test_tensorflow_through_the_project_prints_no_noise_with_onednn_on_or_off(onednn):
    result = run_quietly(onednn)
    assert result.stdout.strip() == "3.0"
    assert NOISE.findall(result.stderr) == [], result.stderr
    assert "Warning" not in result.stderr, result.stderr
    # The filter drops only the known lines: the program's own still get through.
    assert result.stderr.endswith("a line of the program's own\n"), result.stderr


def test_the_filter_is_what_keeps_onednn_quiet():
    """With the filter off, the same program prints oneDNN's notice: the test above
    would see it if the filter stopped working."""
    result = run_quietly("1", show_all=True)
    assert "oneDNN custom operations are on" in result.stderr, result.stderr
