"""A command run by ``rnn_pipeline.process_group`` takes its children with it when
it is stopped (kedro-viz serves from a child that a SIGTERM to `kedro` orphaned);
``tests/test_make_servers.py`` stops the real `make viz` command."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_end_to_end import free_port, kedro_env

WRAPPER = [sys.executable, "-m", "rnn_pipeline.process_group"]


def answers(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:``port``."""
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def port_or_skip() -> int:
    try:
        return free_port()
    except Exception as exc:  # no port can be bound here
        pytest.skip(f"cannot bind a port on 127.0.0.1: {exc}")


def env_with_source() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[1] / "src")
    return kedro_env(
        PYTHONPATH=os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])
    )


# A stand-in for kedro-viz: a parent whose child serves and outlives it.
SERVER_IN_A_CHILD = """
import os, socket, sys, time
if os.fork() == 0:
    server = socket.create_server(("127.0.0.1", int(sys.argv[1])))
    while True:
        server.accept()
time.sleep(600)
"""


def test_sigterm_to_the_command_itself_also_stops_its_children():
    port = port_or_skip()
    wrapper = subprocess.Popen(
        [*WRAPPER, sys.executable, "-c", SERVER_IN_A_CHILD, str(port)],
        env=env_with_source(),
    )
    try:
        assert wait(lambda: answers(port), 30)
        command = int(
            subprocess.check_output(
                ["pgrep", "-P", str(wrapper.pid)], text=True
            ).split()[0]
        )
        os.kill(command, signal.SIGTERM)  # `kill <pid of kedro>`, not of make
        assert wrapper.wait(timeout=30) == 128 + signal.SIGTERM
        assert wait(lambda: not answers(port), 10), "the child still serves"
    finally:
        if wrapper.poll() is None:
            wrapper.kill()
