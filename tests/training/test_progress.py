"""Progress lines of long loops: at most one per interval, an ETA, a final line."""

import logging

from rnn_pipeline.training.progress import Progress, format_duration


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_line_per_interval_with_an_eta_and_a_final_line(caplog):
    clock = FakeClock()
    progress = Progress(100, "decoding test pairs", every_seconds=60, clock=clock)
    with caplog.at_level(logging.INFO, logger="rnn_pipeline.training.progress"):
        for _ in range(100):
            clock.now += 3  # 100 units x 3 s: 300 s, a line every 20 units
            progress.advance()
        progress.done()
        progress.done()  # the final line is logged once
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 6
    assert lines[0] == "decoding test pairs: 20/100 (20%), 1m00s elapsed, ETA 4m00s"
    assert lines[-1] == "decoding test pairs: 100 done in 5m00s"


def test_a_short_loop_logs_only_its_final_line(caplog):
    clock = FakeClock()
    with caplog.at_level(logging.INFO, logger="rnn_pipeline.training.progress"):
        items = list(Progress(3, "scoring", clock=clock).iterate("abc"))
    assert items == ["a", "b", "c"]
    assert [r.getMessage() for r in caplog.records] == ["scoring: 3 done in 0s"]


def test_durations_read_as_hours_minutes_seconds():
    assert format_duration(3723) == "1h02m03s"
    assert format_duration(123) == "2m03s"
    assert format_duration(3) == "3s"
