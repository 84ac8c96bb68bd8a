"""rnn_pipeline file for ensuring the package is executable
as `rnn-pipeline` and `python -m rnn_pipeline`
"""

import sys
from pathlib import Path
from typing import Any

from kedro.framework.cli.utils import find_run_command
from kedro.framework.project import configure_project

from rnn_pipeline import quiet


def main(*args, **kwargs) -> Any:
    quiet.install()  # no CUDA, OmegaConf or MLflow noise in the run's output
    package_name = Path(__file__).parent.name
    configure_project(package_name)

    interactive = hasattr(sys, "ps1")
    kwargs["standalone_mode"] = not interactive

    run = find_run_command(package_name)
    return run(*args, **kwargs)


if __name__ == "__main__":
    main()
