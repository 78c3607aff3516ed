"""Colours, fonts and cell formats of the KPI workbook, declared once.

Every sheet asks this module for its formats, so the dashboard, the data sheets and the
charts share one palette and a change of colour is a one-line edit. Arial is used because
Excel, LibreOffice and phone previews all have it (or a metric-compatible twin), so column
widths measured here hold everywhere and no cell turns into ####.
"""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ..formats import UnitFormat

FONT = "Arial"

NAVY = "#1F3A5F"
BLUE = "#2E6DA4"
TEAL = "#2A9D8F"
ORANGE = "#E07A1F"
PURPLE = "#7B5EA7"
GREY = "#6B7280"
LIGHT_GREY = "#F3F4F6"
MID_GREY = "#D1D5DB"
TILE_HEAD = "#E8EEF6"
INPUT_FILL = "#FFF9DB"
WHITE = "#FFFFFF"

SERIES = (BLUE, ORANGE, TEAL, PURPLE, GREY)

# status word key -> (fill, font colour); words themselves come from the message catalog.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "on_track": ("#C6EFCE", "#006100"),
    "at_risk": ("#FFEB9C", "#7F5200"),
    "off_track": ("#FFC7CE", "#9C0006"),
    "improving": ("#E2F0D9", "#3A6B1F"),
    "worsening": ("#FBE2D5", "#9C3D00"),
    "steady": ("#EDEDED", "#404040"),
}


SMALL_MONEY = "currency_small"  # money shown with cents: costs per lead, per visitor, per contact


def display_unit(unit: str, values: list[float | None]) -> str:
    """The unit whose format shows these values best: money under 100 gets cents ($0.06, not $0)."""
    if unit != "currency":
        return unit
    present = [abs(v) for v in values if v is not None]
    return SMALL_MONEY if present and max(present) < 100 else unit

# A format property's value (xlsxwriter's add_format keys); None leaves the property out.
Prop = str | int | float | bool | None


class Styles:
    """A cache of xlsxwriter formats keyed by their properties.

    xlsxwriter writes one style record per `add_format` call; caching keeps the styles part
    small and lets sheet code ask for `styles.get(bold=True, ...)` wherever it needs it.
    """

    def __init__(self, workbook: Workbook, units: dict[str, UnitFormat]) -> None:
        self.workbook = workbook
        self.units = units
        self._cache: dict[tuple[tuple[str, Prop], ...], Format] = {}

    def get(self, **props: Prop) -> Format:
        """The format with these properties on top of 10-point Arial, vertically centred."""
        base: dict[str, Prop] = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        base.update({k: v for k, v in props.items() if v is not None})
        key = tuple(sorted(base.items()))
        if key not in self._cache:
            self._cache[key] = self.workbook.add_format(base)
        return self._cache[key]

    def number_format(self, unit: str, text_dash: bool = False) -> str:
        """The unit's Excel number format; with `text_dash` a text result ("") shows as a dash.

        KPI formulas return "" for "no value"; the fourth section of a number format applies
        to text, so tiles show a quiet dash instead of an empty hole.
        """
        if unit == SMALL_MONEY:
            fmt = self.units["currency"].excel.replace("#,##0", "#,##0.00")
        else:
            fmt = self.units[unit].excel if unit in self.units else unit
        return with_dash(fmt) if text_dash else fmt

    def unit(self, unit: str, **props: Prop) -> Format:
        return self.get(num_format=self.number_format(unit, bool(props.pop("text_dash", False))), **props)

    # Shared looks -------------------------------------------------------------------------

    def title(self) -> Format:
        return self.get(bold=True, font_size=16, font_color=WHITE, bg_color=NAVY, indent=1)

    def band(self) -> Format:
        return self.get(font_color=WHITE, bg_color=NAVY, indent=1)

    def subtitle(self) -> Format:
        return self.get(font_color=GREY, italic=True, indent=1)

    def help(self) -> Format:
        return self.get(font_color=GREY, font_size=9, text_wrap=True, valign="top", indent=1)

    def section(self) -> Format:
        return self.get(bold=True, font_size=12, font_color=NAVY, bottom=2, bottom_color=NAVY)

    def header(self, align: str = "left", wrap: bool = True) -> Format:
        return self.get(bold=True, font_color=WHITE, bg_color=BLUE, align=align, text_wrap=wrap,
                        border=1, border_color=WHITE)

    def text(self, **props: Prop) -> Format:
        return self.get(border=1, border_color=MID_GREY, **props)

    def wrap(self, **props: Prop) -> Format:
        return self.get(border=1, border_color=MID_GREY, text_wrap=True, valign="top", **props)

    def input(self, unit: str | None = None) -> Format:
        props: dict[str, Prop] = {"bg_color": INPUT_FILL, "border": 1, "border_color": "#E0C200"}
        if unit is not None:
            props["num_format"] = self.number_format(unit)
        return self.get(**props)

    def status_format(self, key: str) -> Format:
        """The conditional format (fill + font colour) of one status word."""
        cache_key = (("status", key),)
        if cache_key not in self._cache:
            fill, font = STATUS_COLOURS[key]
            self._cache[cache_key] = self.workbook.add_format({"bg_color": fill, "font_color": font, "bold": True})
        return self._cache[cache_key]


def with_dash(fmt: str) -> str:
    """A number format whose text section shows a dash, for formulas that return "" (no value)."""
    parts = fmt.split(";")
    if len(parts) == 1:
        parts = [fmt, "-" + fmt, fmt]
    elif len(parts) == 2:
        parts = [*parts, parts[0]]
    return ";".join(parts[:3]) + ';"–"'
