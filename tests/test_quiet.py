"""No third-party noise on stderr: TensorFlow's CUDA lines, OmegaConf deprecations."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from rnn_pipeline.quiet import CUDA_NOISE, dropped_stderr_lines

# What a CPU run printed before: error-level C++ lines, CUDA probing, deprecations.
NOISE = re.compile(
    r"^E0000|cuInit|cudart_stub|absl::InitializeLog|oneDNN|register_new_resolver",
    re.MULTILINE,
)


def test_noise_lines_are_dropped_and_others_written_back(capfd):
    with dropped_stderr_lines(CUDA_NOISE):
        os.write(2, b"W0000 cudart_stub.cc:31] Could not find cuda drivers here\n")
        os.write(2, b"E0000 cuda_platform.cc:52] failed call to cuInit: 303\n")
        os.write(2, b"a real problem\n")
    assert capfd.readouterr().err == "a real problem\n"


def test_importing_tensorflow_through_the_project_prints_no_noise():
    code = (
        "import rnn_pipeline, keras, tensorflow as tf;"
        "print(float(tf.reduce_sum(tf.ones(3))));"
        "import omegaconf; omegaconf.OmegaConf.register_new_resolver('x', str)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"},
    )
    assert result.stdout.strip() == "3.0"
    assert NOISE.findall(result.stderr) == [], result.stderr
