"""The machine a benchmark ran on: every figure is read beside it."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess


def machine() -> dict:
    """CPU model, cores, vector extensions and load: the context every figure needs."""
    lscpu = ""
    with contextlib.suppress(OSError):  # no lscpu: the model from platform
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in lscpu.splitlines()
            if line.startswith("Model name")
        ),
        platform.processor() or "unknown",
    )
    flags = set(lscpu.split())
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "avx2": "avx2" in flags,
        "avx512": sorted(f for f in flags if f.startswith("avx512")),
        "amx": sorted(f for f in flags if f.startswith("amx")),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
