"""The timeline bar: slider over the log's time, coalesced moments, Live."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE
from tests.ui.fixtures_fleet import T0
from ui.timeline import TimelineBar

END = T0 + 3 * MICROS_PER_HOUR + 123_456


@pytest.fixture
def timeline(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_range((T0, END))
    return bar


def test_the_slider_spans_first_to_last_report_and_its_end_is_the_exact_head(timeline):
    slider = timeline.slider
    assert slider.minimum() == 0
    assert timeline._moment_of(0) == T0
    assert timeline._moment_of(slider.maximum()) == END


def test_moving_the_slider_names_the_moment_and_emits_it_once(qtbot, timeline):
    with qtbot.waitSignal(timeline.momentChanged) as blocker:
        timeline.slider.setValue(3723)
    assert blocker.args == [T0 + 3723 * 1_000_000]
    assert timeline.moment_label.text() == "2026-11-25 13:02:03 UTC"


def test_live_jumps_to_the_head_and_moving_back_turns_it_off(qtbot, timeline):
    with qtbot.waitSignal(timeline.momentChanged) as blocker:
        timeline.live_button.click()
    assert blocker.args == [END] and timeline.is_live()
    with qtbot.waitSignal(timeline.liveChanged) as blocker:
        timeline.slider.setValue(10)
    assert blocker.args == [False]


def test_when_live_a_longer_range_moves_to_the_new_head(qtbot, timeline):
    timeline.set_live(True)
    with qtbot.waitSignal(timeline.momentChanged) as blocker:
        timeline.set_range((T0, END + MICROS_PER_MINUTE))
    assert blocker.args == [END + MICROS_PER_MINUTE]


def test_when_not_live_a_longer_range_keeps_the_moment(qtbot, timeline):
    timeline.set_moment(T0 + MICROS_PER_HOUR)
    qtbot.waitSignal(timeline.momentChanged).wait()
    with qtbot.assertNotEmitted(timeline.momentChanged, wait=20):
        timeline.set_range((T0, END + MICROS_PER_HOUR))
    assert timeline.moment() == T0 + MICROS_PER_HOUR
    assert timeline.slider.value() == 3600


def test_stepping_moves_by_minutes_and_stops_at_the_ends(timeline):
    timeline.set_moment(T0 + MICROS_PER_MINUTE)
    timeline.step(-10 * MICROS_PER_MINUTE)
    assert timeline.moment() == T0
    timeline.step(10 * MICROS_PER_MINUTE)
    assert timeline.moment() == T0 + 10 * MICROS_PER_MINUTE


def test_an_empty_log_disables_scrubbing(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_range(None)
    assert not bar.slider.isEnabled() and bar.moment_label.text() == "No reports yet"
