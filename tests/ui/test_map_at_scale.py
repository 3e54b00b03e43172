"""The map with thousands of ships: dots where symbols have no room, symbols and names as the operator zooms
in, the selected ship and ships with alerts above all others, trails only of the ships in view."""
from __future__ import annotations

import numpy as np
import pytest

from chart.projection import GeoBox
from domain.time import MICROS_PER_MINUTE
from tests.ui.fleet_store import T0, channel_fleet
from domain.temporal_index import FleetArrays
from ui.map.map_view import MapView
from ui.map.ship_layer import ARROW_SIZE, DOT_SIZE, MOORED_SIZE, NO_COURSE_SIZE, SPECK_SIZE

MOMENT = T0 + 50 * MICROS_PER_MINUTE
SYMBOL_SIZES = {ARROW_SIZE, MOORED_SIZE, NO_COURSE_SIZE}


@pytest.fixture(scope="module")
def source(module_fleet_stores):
    return module_fleet_stores.open(channel_fleet(ships=3_000, hours=1.0, every_minutes=10))


@pytest.fixture(scope="module")
def fleet(source):
    return source.fleet.state_at(MOMENT)


def map_of(qtbot, fleet) -> MapView:
    """A map showing ``fleet``, fitted to it, the view settled."""
    view = MapView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    view.show_fleet(fleet, MOMENT)
    view.fit_fleet()
    view.update_land()  # the view settled
    return view


@pytest.fixture
def map_view(qtbot, fleet):
    return map_of(qtbot, fleet)


def zoom_in(map_view, fleet) -> int:
    """Zoom on a few ships (around the first one in the fleet); the MMSI it is centred on."""
    x, y = map_view.ships.x[0], float(np.degrees(np.arctan(np.sinh(np.radians(map_view.ships.y[0])))))
    map_view.show_box(GeoBox(x - 0.08, y - 0.05, x + 0.08, y + 0.05))
    map_view.update_land()
    return int(fleet.mmsi[0])


def test_thousands_of_ships_at_region_zoom_are_dots_and_their_symbols_return_when_zoomed_in(map_view, fleet):
    assert len(fleet) > 2_500
    sizes = map_view.ships.scatter.data["size"]
    assert not map_view.ships.detailed and len(set(sizes.tolist())) == 1 and sizes[0] in (DOT_SIZE, SPECK_SIZE)
    zoom_in(map_view, fleet)
    assert map_view.ships.detailed
    assert set(map_view.ships.scatter.data["size"].tolist()) <= SYMBOL_SIZES
    assert map_view.ships.scatter.data["data"].tolist() == fleet.mmsi.tolist(), "still every ship, one spot each"
    map_view.fit_fleet()
    map_view.update_land()
    assert not map_view.ships.detailed, "zoomed out again: no symbols"


def test_names_are_written_only_when_zoomed_in_and_only_where_there_is_room(qtbot, map_view, fleet):
    map_view.grab()
    assert not map_view.ships.names.texts, "no names at region zoom"
    zoom_in(map_view, fleet)
    map_view.grab()  # names are placed when painted
    names = map_view.ships.names
    in_view = map_view.ships.in_view() & (fleet.names != None)  # noqa: E711
    assert 0 < len(names.placed) <= len(names.texts) == np.count_nonzero(in_view)


def test_the_selected_ship_and_ships_with_alerts_are_drawn_above_every_other_ship_at_every_zoom(map_view, fleet):
    alerted, selected = int(fleet.mmsi[10]), int(fleet.mmsi[20])
    map_view.ships.set_flagged(np.array([alerted]))
    map_view.select_ship(selected)
    flagged = map_view.ships.flagged
    assert flagged.data["data"].tolist() == [alerted, selected], "the selected ship last: on top of all"
    assert flagged.zValue() > map_view.ships.scatter.zValue()
    assert set(flagged.data["size"].tolist()) <= SYMBOL_SIZES, "as symbols even where the others are dots"
    later = map_view.ships.fleet
    map_view.show_fleet(later, MOMENT + MICROS_PER_MINUTE)
    assert flagged.data["data"].tolist() == [alerted, selected], "kept across moments"


def test_trails_are_asked_for_the_ships_in_view_only_and_for_flagged_ships_at_region_zoom(map_view, fleet):
    selected = int(fleet.mmsi[5])
    map_view.select_ship(selected)
    assert map_view.trail_ships().tolist() == [selected], "dots: only the selected ship's trail"
    zoom_in(map_view, fleet)
    ships = map_view.trail_ships()
    near = fleet.mmsi[map_view.ships.in_view(margin=0.25)]
    assert set(near.tolist()) <= set(ships.tolist()) and selected in ships.tolist()
    assert len(ships) < len(fleet) / 10


def test_in_crowded_waters_names_that_would_overlap_are_left_out(map_view, fleet):
    map_view.show_box(GeoBox(-1.35, 50.755, -1.225, 50.805))  # the Solent: a tenth of the fleet, moored close
    map_view.update_land()
    map_view.grab()
    names = map_view.ships.names
    assert map_view.ships.detailed and len(names.texts) > 50
    assert 0 < len(names.placed) < len(names.texts)


def test_at_ocean_zoom_ships_are_translucent_specks_so_crowded_waters_are_brighter(map_view):
    map_view.show_box(GeoBox(-40.0, 25.0, 40.0, 70.0))
    map_view.update_land()
    spots = map_view.ships.scatter.data
    assert set(spots["size"].tolist()) == {SPECK_SIZE}
    assert max(brush.color().alpha() for brush in spots["brush"]) < 255, "specks add up where ships crowd"


def test_a_small_fleet_is_drawn_as_symbols_even_where_it_crowds(qtbot, fleet):
    # the same crowded waters, a fleet the size of the demo's
    few = FleetArrays(**{name: getattr(fleet, name)[:300] for name in FleetArrays.__dataclass_fields__})
    view = map_of(qtbot, few)
    assert view.ships.detailed and set(view.ships.scatter.data["size"].tolist()) <= SYMBOL_SIZES
