"""The timeline bar: slider over the log's time, coalesced moments, Live."""
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from domain.time import MICROS_PER_HOUR, MICROS_PER_MINUTE
from tests.ui.fleet_store import T0
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
    assert bar.jump_edit.text() == "—"  # no made-up date such as Qt's 2000-01-01


def test_the_first_reports_give_the_jump_field_real_moments_again(qtbot):
    bar = TimelineBar()
    qtbot.addWidget(bar)
    bar.set_range(None)
    bar.set_range((T0, T0 + 3_600_000_000))
    bar.set_moment(T0)  # the first moment is the field's minimum: shown as a time, not as the dash
    assert bar.jump_edit.text() != "—" and bar.jump_edit.instant() == T0


def test_previous_and_next_step_through_the_given_report_times(timeline):
    times = np.array([T0 + 90_000_000, T0 + 200_000_000, T0 + 200_000_000 + 1, T0 + 900_000_000], dtype=np.int64)
    timeline.set_step_targets(lambda: times)
    timeline.set_moment(T0 + 100_000_000)
    timeline.next_action.trigger()
    assert timeline.moment() == times[1]
    timeline.next_action.trigger()
    assert timeline.moment() == times[2]
    timeline.previous_action.trigger()
    timeline.previous_action.trigger()
    assert timeline.moment() == times[0]
    timeline.previous_action.trigger()  # nothing earlier: stays
    assert timeline.moment() == times[0]


def test_home_and_end_go_to_the_ends_of_the_log(timeline):
    timeline.set_moment(T0 + MICROS_PER_HOUR)
    timeline.end_action.trigger()
    assert timeline.moment() == END
    timeline.home_action.trigger()
    assert timeline.moment() == T0


def test_the_play_button_plays_and_pauses_and_names_what_it_will_do(qtbot, timeline):
    timeline.set_moment(T0)
    timeline.set_play_speed(3600)
    with qtbot.waitSignal(timeline.momentChanged, check_params_cb=lambda moment: moment > T0):
        timeline.play_action.trigger()
    assert timeline.is_playing() and timeline.play_action.text() == "Pause" and timeline.play_action.isChecked()
    timeline.play_action.trigger()
    assert not timeline.is_playing() and timeline.play_action.text() == "Play"


def test_playing_at_the_head_does_nothing_and_going_live_pauses(qtbot, timeline):
    timeline.set_live(True)
    timeline.play()
    assert not timeline.is_playing() and not timeline.play_action.isChecked()
    timeline.set_moment(T0)
    timeline.play()
    timeline.set_live(True)
    assert not timeline.is_playing()


def test_the_speed_presets_run_from_real_time_to_an_hour_a_second(timeline):
    speeds = [timeline.speed_box.itemData(i) for i in range(timeline.speed_box.count())]
    assert speeds == [1, 10, 60, 600, 3600]
    timeline.speed_box.setCurrentIndex(3)
    assert timeline.play_speed() == 600


def test_the_density_strip_shows_the_counts_and_marks_the_moment(qtbot, timeline):
    timeline.set_density(np.array([0, 3, 9, 1]))
    assert timeline.density.counts.tolist() == [0, 3, 9, 1]
    timeline.set_moment(T0 + (END - T0) // 2)
    assert timeline.density.cursor_fraction == pytest.approx(0.5)
    timeline.density.grab()  # paints without error


def test_clicking_the_density_strip_goes_there(qtbot, timeline):
    timeline.resize(1000, 80)
    timeline.show()
    qtbot.waitExposed(timeline)
    strip = timeline.density
    with qtbot.waitSignal(timeline.momentChanged) as blocker:
        qtbot.mouseClick(strip, Qt.MouseButton.LeftButton, pos=QPoint(strip.width() // 4, strip.height() // 2))
    fraction = (blocker.args[0] - T0) / (END - T0)
    assert fraction == pytest.approx(0.25, abs=0.02)


def test_enter_in_the_jump_box_goes_to_the_time_typed(qtbot, timeline):
    edit = timeline.jump_edit
    edit.set_instant(T0 + 45 * MICROS_PER_MINUTE)
    with qtbot.waitSignal(timeline.momentChanged) as blocker:
        qtbot.keyClick(edit, Qt.Key.Key_Enter)
    assert blocker.args == [T0 + 45 * MICROS_PER_MINUTE]
    assert edit.text() == "2026-11-25 12:45:00 UTC"
