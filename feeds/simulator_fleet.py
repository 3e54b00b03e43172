"""The demo fleet's static data: what kinds of ship there are, their flags, names, MMSIs, IMO numbers,
callsigns and dimensions.

Everything is drawn from one ``random.Random`` in ship order, so a fleet of 300 starts with the same 200
ships as a fleet of 200 with the same seed, and the mix of types is kept exact by a smooth weighted
round-robin rather than left to chance (a 50-ship demo still has its tug and its pilot boat).
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from feeds.simulator_seaways import Port, SeawayError

OVERSEAS_COUNTRIES = frozenset({"US", "CA", "BR", "SG"})


@dataclass(frozen=True, slots=True)
class ShipProfile:
    """A kind of ship: its AIS type, how it trades, and the ranges its particulars are drawn from."""

    kind: str
    ship_type: str
    trade: str
    weight: float
    length: tuple[float, float]
    length_to_beam: tuple[float, float]
    speed_kn: tuple[float, float]
    draught: tuple[float, float]
    has_imo: bool
    naming: str


PROFILES: tuple[ShipProfile, ...] = (
    # kind, AIS type, trade, share; length m, length/beam, speed kn, draught m (low..high); IMO number; naming
    ShipProfile("container feeder", "cargo", "short sea", 10,
                (120, 200), (6.0, 6.8), (14.0, 19.0), (7.0, 11.0), True, "trader"),
    ShipProfile("general cargo", "cargo", "short sea", 12,
                (80, 140), (5.5, 6.5), (11.0, 14.0), (5.0, 8.5), True, "trader"),
    ShipProfile("bulk carrier", "cargo", "short sea", 5,
                (170, 230), (5.8, 6.5), (11.5, 14.5), (9.5, 13.5), True, "trader"),
    ShipProfile("ro-ro cargo", "cargo", "ferry", 3,
                (150, 210), (6.5, 7.5), (16.0, 21.0), (6.0, 7.5), True, "ferry"),
    ShipProfile("container ship", "cargo", "deep sea", 3,
                (290, 400), (7.0, 8.0), (16.0, 21.0), (13.0, 16.0), True, "liner"),
    ShipProfile("product tanker", "tanker", "short sea", 10,
                (100, 185), (5.5, 6.2), (11.0, 14.0), (6.5, 12.0), True, "tanker"),
    ShipProfile("crude tanker", "tanker", "deep sea", 2,
                (240, 333), (5.5, 6.0), (12.0, 14.5), (15.0, 21.5), True, "tanker"),
    ShipProfile("ro-pax ferry", "passenger", "ferry", 8,
                (120, 230), (5.5, 6.5), (17.0, 23.0), (5.0, 7.0), True, "ferry"),
    ShipProfile("cruise ship", "passenger", "cruise", 2,
                (200, 330), (7.0, 8.5), (15.0, 20.0), (6.5, 8.5), True, "cruise"),
    ShipProfile("fast ferry", "high-speed craft", "fast ferry", 3,
                (35, 110), (3.5, 4.5), (30.0, 36.0), (1.5, 4.0), True, "fast"),
    ShipProfile("trawler", "fishing", "fishing", 13,
                (15, 75), (3.8, 4.8), (8.0, 10.5), (3.0, 7.0), True, "fishing"),
    ShipProfile("tug", "tug", "harbour", 6,
                (25, 40), (2.6, 3.1), (9.0, 12.0), (4.0, 6.0), True, "tug"),
    ShipProfile("pilot boat", "pilot", "pilot", 3,
                (15, 25), (3.3, 4.0), (15.0, 22.0), (1.5, 2.5), False, "pilot"),
    ShipProfile("motor yacht", "pleasure craft", "leisure", 7,
                (8, 25), (3.0, 3.6), (6.0, 8.0), (0.8, 2.0), False, "pleasure"),
    ShipProfile("sailing yacht", "sailing", "leisure", 6,
                (9, 20), (3.0, 3.5), (4.0, 7.0), (1.5, 2.8), False, "sailing"),
    ShipProfile("dredger", "dredging", "dredging", 1.5,
                (60, 150), (4.5, 5.5), (9.0, 12.0), (4.0, 8.0), True, "dredger"),
    ShipProfile("lifeboat", "search and rescue", "rescue", 1,
                (14, 30), (3.2, 3.8), (14.0, 25.0), (1.2, 2.2), False, "rescue"),
    ShipProfile("patrol vessel", "law enforcement", "patrol", 1,
                (30, 90), (5.5, 6.5), (12.0, 16.0), (3.0, 5.0), True, "patrol"),
)

# Ferry services by port name; every name must be a row of ports.csv.
FERRY_ROUTES: tuple[tuple[str, str], ...] = (
    ("Dover", "Calais"), ("Dover", "Dunkirk"), ("Portsmouth", "Cherbourg"), ("Portsmouth", "Le Havre"),
    ("Felixstowe", "Rotterdam"), ("Immingham", "Rotterdam"), ("Zeebrugge", "Immingham"), ("Hirtshals", "Kristiansand"),
    ("Frederikshavn", "Gothenburg"), ("Kiel", "Gothenburg"), ("Rostock", "Trelleborg"), ("Travemunde", "Trelleborg"),
    ("Travemunde", "Helsinki"), ("Ystad", "Swinoujscie"), ("Gdynia", "Karlskrona"), ("Nynashamn", "Gdansk"),
    ("Helsinki", "Tallinn"), ("Holyhead", "Dublin"), ("Liverpool", "Dublin"), ("Barcelona", "Genoa"),
    ("Algeciras", "Tanger Med"),
)
FAST_FERRY_ROUTES: tuple[tuple[str, str], ...] = (
    ("Helsinki", "Tallinn"), ("Ystad", "Ronne"), ("Hirtshals", "Kristiansand"), ("Nynashamn", "Visby"),
    ("Algeciras", "Tanger Med"), ("Holyhead", "Dublin"),
)

# Flag state: MIDs (first three digits of the MMSI) and ITU callsign prefixes.
FLAGS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "NL": ((244, 245, 246), ("PB", "PC", "PD", "PE", "PF", "PG", "PH")), "BE": ((205,), ("OO", "OP", "OR", "OT")),
    "DE": ((211, 218), ("DA", "DB", "DC", "DD", "DF", "DG")), "FR": ((226, 227, 228), ("FA", "FG", "FH", "FM", "FN")),
    "GB": ((232, 233, 234, 235), ("2A", "2E", "2F", "MA", "MB", "MF", "MG")), "IE": ((250,), ("EI", "EJ")),
    "DK": ((219, 220), ("OU", "OV", "OW", "OX", "OY", "OZ")), "SE": ((265, 266), ("SA", "SB", "SC", "SD", "SE", "SF")),
    "NO": ((257, 258, 259), ("LA", "LB", "LC", "LD", "LF", "LG", "LH", "LJ", "LK", "LM", "LN")),
    "PL": ((261,), ("SP", "SQ", "SR")), "LT": ((277,), ("LY",)), "LV": ((275,), ("YL",)), "EE": ((276,), ("ES",)),
    "FI": ((230,), ("OH", "OI", "OJ")), "ES": ((224, 225), ("EA", "EB", "EC", "ED", "EE", "EH")),
    "PT": ((255, 263), ("CQ", "CR", "CS")), "MA": ((242,), ("CN",)), "IT": ((247,), ("IA", "IB", "IC", "IG", "II")),
    "GR": ((237, 239, 240, 241), ("SV", "SW", "SX", "SY", "SZ")), "EG": ((622,), ("SS", "SU")),
    "US": ((366, 367, 368, 369), ("WD",)), "CA": ((316,), ("CF", "CG", "VC", "XJ")), "BR": ((710,), ("PP", "PQ", "PS")),
    "SG": ((563, 564, 565, 566), ("9V", "S6")), "HK": ((477,), ("VR",)), "LR": ((636,), ("A8", "D5")),
    "PA": ((351, 352, 353, 354, 355, 356, 357, 370, 371, 372, 373), ("3E", "3F", "H3", "H9", "HO", "HP")),
    "MH": ((538,), ("V7",)), "MT": ((215, 229, 248, 249, 256), ("9H",)), "BS": ((308, 309, 311), ("C6",)),
    "CY": ((209, 210, 212), ("5B", "C4", "P3")), "AG": ((304, 305), ("V2",)),
}
OPEN_REGISTRIES = {"LR": 20, "PA": 18, "MH": 15, "MT": 10, "HK": 8, "SG": 8, "BS": 6, "CY": 5, "GR": 6, "DK": 3,
                   "NO": 3, "DE": 2, "NL": 2, "GB": 2}
EUROPEAN_REGISTRIES = {"NL": 8, "DE": 6, "DK": 6, "NO": 6, "SE": 4, "FI": 3, "GB": 5, "MT": 6, "CY": 5, "AG": 5,
                       "BS": 2, "LR": 3, "PA": 3, "GR": 2, "PT": 2, "EE": 1, "LT": 1, "PL": 2, "FR": 2, "IT": 2,
                       "ES": 2}

_WORDS = {
    "region": ("NORDIC", "BALTIC", "ATLANTIC", "ARCTIC", "NORTHERN", "WESTERN", "CELTIC", "HANSA", "OCEAN", "POLAR",
               "AURORA", "SILVER", "GOLDEN", "BLUE", "CRYSTAL", "ROYAL", "GRAND", "MARE", "FRISIAN", "JUTLAND",
               "SCANDIA", "IBERIAN", "AEGEAN", "LEVANT", "CAPE", "EMERALD", "AMBER", "BOREAL", "NORTH SEA", "IRISH"),
    "trader": ("STAR", "TRADER", "PIONEER", "EXPRESS", "CARRIER", "VOYAGER", "NAVIGATOR", "EXPLORER", "HORIZON",
               "BREEZE", "WAVE", "FORTUNE", "VENTURE", "ENDEAVOUR", "MERCHANT", "MARINER", "SWAN", "FALCON", "EAGLE",
               "OSPREY", "GANNET", "PETREL", "TERN", "PEARL", "CORAL", "SPRINTER", "BRIDGE", "HARVEST", "COMET"),
    "tanker": ("SPIRIT", "PROGRESS", "ENERGY", "CHALLENGE", "PRIDE", "SUN", "LIGHT", "GLORY", "FLAME", "DAWN",
               "PROSPERITY", "ENTERPRISE", "RESOLVE", "FRONTIER", "HERITAGE"),
    "brand": ("NORDLINE", "MERIDIAN", "SEAWAY", "TRANSOCEAN", "EUROCARGO", "HORIZON", "ATLAS", "ORION", "POLARIS",
              "VEGA", "CASSIOPEIA", "ANDROMEDA"),
    "city": ("ROTTERDAM", "HAMBURG", "ANTWERP", "BREMEN", "GENOA", "SINGAPORE", "SHANGHAI", "SANTOS", "NEW YORK",
             "HALIFAX", "VALENCIA", "PIRAEUS", "BUSAN", "DUBAI", "COLOMBO", "DURBAN", "LIMA", "OSAKA", "TANGIER"),
    "royal": ("PRINCESS", "QUEEN", "CROWN", "STAR", "SEAWAYS", "VIKING", "MARINER", "SPIRIT", "LINK", "HIGHWAY"),
    "cruise": ("SPLENDOUR", "SERENADE", "HARMONY", "RHAPSODY", "ODYSSEY", "SYMPHONY", "EMPRESS", "JEWEL", "DREAM"),
    "fast": ("JET", "CAT", "EXPRESS", "RUNNER", "STAR", "WAVE"),
    "first": ("ANNE MARIE", "KAREN", "MARIA", "HELENA", "JOHANNA", "KIRSTEN", "SILJE", "SOFIE", "ELISABETH",
              "MARGRETHE", "ASTRID", "INGRID", "HANNE", "KRISTINA", "GERDA", "JACOBA", "WILLEMIJN", "CORNELIA",
              "MAIRI", "MORVEN", "AGNES", "BIRGIT", "LIV", "TERESA", "ROSA", "ELLEN", "GRETE", "MAJA"),
    "boat": ("VESTKYST", "HAVBRIS", "NORDSTJERNEN", "ZEEVALK", "ZEEMEEUW", "DE HOOP", "ALBATROS", "PROVIDENCE",
             "GOOD INTENT", "HARVESTER", "SEA HUNTER", "FAITHFUL", "ENDURANCE", "STORMVOGEL", "HAVGULL"),
    "hero": ("TITAN", "HERCULES", "ATLAS", "AJAX", "HECTOR", "TRITON", "NEPTUNE", "SAMSON", "GOLIATH", "BISON",
             "RHINO", "GRIZZLY", "KODIAK", "MAMMOTH", "BULLDOG"),
    "pleasure": ("SEA BREEZE", "BLUE MOON", "FREEDOM", "SERENITY", "SOLSTICE", "AQUARIUS", "MY WAY", "LAZY DAYS",
                 "SUNDOWNER", "DOLCE VITA", "ISLANDER", "SALTY DOG", "SEA DANCER", "CALYPSO", "BELLA"),
    "sailing": ("MISTRAL", "SIROCCO", "ZEPHYR", "TRADEWIND", "WANDERER", "NOMAD", "SPINDRIFT", "KESTREL",
                "HALCYON", "WILD SWAN", "MERLIN", "SEA SPRITE", "PUFFIN", "KITTIWAKE", "AVOCET", "LUNA"),
}
PILOT_WORD = {"NL": "LOODS", "BE": "LOODS", "DE": "LOTSE", "DK": "LODS", "SE": "LOTS", "NO": "LOS", "FI": "LUOTSI",
              "FR": "PILOTE", "ES": "PRACTICO", "IT": "PILOTA", "PL": "PILOT", "EE": "LOOTS"}
RESCUE_WORD = {"NL": "KNRM", "DE": "SEENOTRETTER", "DK": "REDNING", "SE": "RESCUE", "NO": "RS", "GB": "RNLB",
               "IE": "RNLB", "FR": "SNSM"}


@dataclass(frozen=True, slots=True)
class ShipParticulars:
    """The static data of one demo ship and where it is based."""

    mmsi: int
    name: str
    imo: int | None
    callsign: str
    ship_type: str
    length: float
    beam: float
    max_draught: float
    cruise_kn: float
    profile: ShipProfile
    flag: str
    home: Port
    ferry_route: tuple[Port, Port] | None

    @property
    def trade(self) -> str:
        return self.profile.trade


def imo_check_digit(six_digits: int) -> int:
    """The seventh digit of an IMO number: the sum of the first six weighted 7..2, modulo 10."""
    digits = f"{six_digits:06d}"
    return sum(int(digit) * weight for digit, weight in zip(digits, range(7, 1, -1))) % 10


def is_valid_imo(imo: int) -> bool:
    """Whether a seven-digit number carries a correct IMO check digit."""
    return 1_000_000 <= imo <= 9_999_999 and imo_check_digit(imo // 10) == imo % 10


def profile_sequence(count: int) -> list[ShipProfile]:
    """The profiles of ``count`` ships in the exact proportions of their weights, evenly interleaved."""
    total = sum(profile.weight for profile in PROFILES)
    credit = [0.0] * len(PROFILES)
    chosen = []
    for _ in range(count):
        for index, profile in enumerate(PROFILES):
            credit[index] += profile.weight
        best = max(range(len(PROFILES)), key=credit.__getitem__)
        credit[best] -= total
        chosen.append(PROFILES[best])
    return chosen


class FleetBuilder:
    """Draws the particulars of each ship in turn, keeping MMSIs, IMOs, names and callsigns unique."""

    def __init__(self, ports: Sequence[Port], rng: random.Random):
        self._rng = rng
        self._by_name = {port.name: port for port in ports}
        self._ports = tuple(ports)
        self._used: dict[str, set[object]] = {}
        self.ferry_routes = self._routes(FERRY_ROUTES)
        self.fast_ferry_routes = self._routes(FAST_FERRY_ROUTES)

    def _routes(self, names: Sequence[tuple[str, str]]) -> list[tuple[Port, Port]]:
        try:
            return [(self._by_name[a], self._by_name[b]) for a, b in names]
        except KeyError as missing:
            raise SeawayError(f"ferry route names port {missing} which ports.csv does not have") from None

    def _unique(self, kind: str, draw: Callable[[], Any], attempts: int = 500) -> Any:
        used = self._used.setdefault(kind, set())
        for _ in range(attempts):
            value = draw()
            if value not in used:
                used.add(value)
                return value
        raise RuntimeError(f"ran out of unique {kind}s for this fleet")

    def _weighted(self, weights: dict[str, float]) -> str:
        return self._rng.choices(list(weights), weights=list(weights.values()))[0]

    def _home_port(self, profile: ShipProfile) -> Port:
        role = {"short sea": "cargo", "deep sea": "ocean", "cruise": "leisure", "fishing": "fishing",
                "harbour": "cargo", "pilot": "cargo", "dredging": "cargo", "leisure": "leisure"}.get(profile.trade)
        candidates = [port for port in self._ports if port.country not in OVERSEAS_COUNTRIES
                      and (role is None or role in port.roles)]
        return self._rng.choices(candidates, weights=[port.traffic for port in candidates])[0]

    def _flag(self, profile: ShipProfile, home: Port) -> str:
        rng = self._rng
        if profile.trade in ("deep sea", "cruise"):
            return self._weighted(OPEN_REGISTRIES)
        if profile.trade == "short sea":
            if rng.random() < 0.35 and home.country in FLAGS:
                return home.country
            return self._weighted(EUROPEAN_REGISTRIES)
        return home.country if home.country in FLAGS else "GB"

    def _mmsi(self, flag: str) -> int:
        mids = FLAGS[flag][0]
        return self._unique("MMSI", lambda: self._rng.choice(mids) * 1_000_000 + self._rng.randrange(1_000, 1_000_000))

    def _imo(self) -> int:
        def draw() -> int:
            lead = self._rng.choices((9, 8, 1), weights=(75, 5, 20))[0]
            rest = self._rng.randrange(0, 10_000) if lead == 1 else self._rng.randrange(0, 100_000)
            six = lead * 100_000 + rest
            return six * 10 + imo_check_digit(six)
        return self._unique("IMO number", draw)

    def _callsign(self, flag: str) -> str:
        rng = self._rng
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

        def draw() -> str:
            prefix = rng.choice(FLAGS[flag][1])
            if flag == "US":
                return f"WD{rng.choice('ABCDEFG')}{rng.randrange(1000, 10000)}"
            tail = "".join(rng.choice(letters) for _ in range(2))
            digit = str(rng.randrange(2, 10)) if rng.random() < 0.5 else ""
            return prefix + tail + digit
        return self._unique("callsign", draw)

    def _name(self, profile: ShipProfile, flag: str, home: Port) -> str:
        rng, words = self._rng, _WORDS
        style = profile.naming

        def draw() -> str:
            if style == "trader":
                name = f"{rng.choice(words['region'])} {rng.choice(words['trader'])}"
            elif style == "tanker":
                name = f"{rng.choice(words['region'])} {rng.choice(words['tanker'])}"
            elif style == "liner":
                name = f"{rng.choice(words['brand'])} {rng.choice(words['city'])}"
            elif style == "ferry":
                name = (f"PRIDE OF {home.name.upper()}" if rng.random() < 0.2
                        else f"{rng.choice(words['region'])} {rng.choice(words['royal'])}")
            elif style == "cruise":
                name = f"{rng.choice(words['region'])} {rng.choice(words['cruise'])}"
            elif style == "fast":
                name = f"{rng.choice(words['region'])} {rng.choice(words['fast'])}"
            elif style == "fishing":
                name = rng.choice(words["first"] + words["boat"])
            elif style == "tug":
                name = rng.choice(words["hero"])
                if rng.random() < 0.5:
                    name = f"{name} {rng.randrange(1, 30)}"
            elif style == "pilot":
                name = f"{PILOT_WORD.get(flag, 'PILOT')} {rng.randrange(1, 40)}"
            elif style == "rescue":
                name = f"{RESCUE_WORD.get(flag, 'RESCUE')} {rng.choice(words['first'])}"
            elif style == "patrol":
                name = f"COASTGUARD {rng.randrange(101, 999)}"
            elif style == "dredger":
                name = f"{rng.choice(words['city'])} {rng.choice(('DREDGER', 'TRAILER', 'SCHELDE', 'DELTA'))}"
            else:
                name = rng.choice(words[style])
            return name[:20].strip()
        base = draw()
        used = self._used.setdefault("name", set())
        # Owners re-use a good name with a numeral (SEA BREEZE II) rather than invent a new one.
        for candidate in [base, *(f"{base} {numeral}" for numeral in ("II", "III", "IV", "V", "VI"))]:
            if candidate not in used:
                used.add(candidate)
                return candidate
        return self._unique("name", lambda: f"{draw()} {rng.randrange(7, 100)}")

    def ship(self, profile: ShipProfile) -> ShipParticulars:
        """Draw one ship of ``profile``."""
        rng = self._rng
        route = None
        if profile.trade in ("ferry", "fast ferry"):
            route = rng.choice(self.ferry_routes if profile.trade == "ferry" else self.fast_ferry_routes)
            home = route[0]
        else:
            home = self._home_port(profile)
        flag = self._flag(profile, home)
        span = rng.random()
        length = round(profile.length[0] + span * (profile.length[1] - profile.length[0]))
        beam = max(2.0, round(length / rng.uniform(*profile.length_to_beam)))
        draught = round(profile.draught[0] + span * (profile.draught[1] - profile.draught[0]), 1)
        has_imo = profile.has_imo and (profile.ship_type != "fishing" or length >= 24)
        return ShipParticulars(
            mmsi=self._mmsi(flag), name=self._name(profile, flag, home), imo=self._imo() if has_imo else None,
            callsign=self._callsign(flag), ship_type=profile.ship_type, length=float(length), beam=float(beam),
            max_draught=draught, cruise_kn=round(rng.uniform(*profile.speed_kn), 1), profile=profile, flag=flag,
            home=home, ferry_route=route)


def build_fleet(count: int, ports: Sequence[Port], rng: random.Random) -> list[ShipParticulars]:
    """The particulars of ``count`` ships."""
    builder = FleetBuilder(ports, rng)
    return [builder.ship(profile) for profile in profile_sequence(count)]
