"""Project settings (Kedro defaults except where noted)."""

CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
}

from rnn_pipeline.hooks import (  # noqa: E402
    DistributeHook,
    MlflowArtifactHook,
    MlflowStoreHook,
)
from rnn_pipeline.interruption import InterruptionHook  # noqa: E402
from rnn_pipeline.run_lock import PipelineLockHook  # noqa: E402
from rnn_pipeline.tracking_guard import TolerantMlflowHook  # noqa: E402

# kedro-mlflow's hook runs as TolerantMlflowHook (a subclass): a failing tracking
# store then costs no node its outputs (tracking_guard.py).
DISABLE_HOOKS_FOR_PLUGINS = ("kedro_mlflow", "kedro-mlflow")  # its name varies

HOOKS = (
    PipelineLockHook(),
    MlflowStoreHook(),
    DistributeHook(),
    TolerantMlflowHook(),
    MlflowArtifactHook(),
    InterruptionHook(),
)
