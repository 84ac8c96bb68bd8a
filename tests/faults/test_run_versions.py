"""A run evaluates the model it trained, even with a newer (here corrupt) version
planted on disk by another run (issue 14 item 1)."""

from __future__ import annotations

import pytest

from tests.test_end_to_end import copy_project, kedro, small_chatbot

pytestmark = pytest.mark.slow
PLANTED = "2999-01-01T00.00.00.000Z"


def test_a_run_loads_its_own_model_not_a_newer_one_on_disk(tmp_path):
    project = small_chatbot(copy_project(tmp_path))
    planted = project / "data/06_models/chatbot/model.keras" / PLANTED / "model.keras"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"PK\x03\x04 another run's model, cut short")
    (planted.parent / "model.keras.complete").touch()

    result = kedro(project, "run", "--pipelines", "chatbot")

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert planted.read_bytes() == b"PK\x03\x04 another run's model, cut short"
    saved = sorted(
        p.parent.name
        for p in (project / "data/06_models/chatbot/model.keras").glob("*/model.keras")
    )
    assert len(saved) == 2 and saved[-1] == PLANTED
