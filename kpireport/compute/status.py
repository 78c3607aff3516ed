"""On track / at risk / off track, from direction, target and a tolerance band.

For `higher` KPIs a value at or above target is on track, within the band below it at risk,
further below off track; `lower` mirrors that; `target` KPIs are on track within the band on
either side and at risk within twice the band. `info` KPIs never get a status. Without a
target the status is a trend against the previous period, labelled as such.
"""

from __future__ import annotations

import math

ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
IMPROVING = "improving"
WORSENING = "worsening"
STEADY = "steady"


def _known(x: float | None) -> float | None:
    """The value, or None when it is missing (None or NaN)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x


def status(value: float | None, target: float | None, direction: str, tolerance: float) -> str | None:
    v, tg = _known(value), _known(target)
    if direction == "info" or v is None or tg is None:
        return None
    band = abs(tg) * tolerance
    if direction == "higher":
        gap = tg - v
    elif direction == "lower":
        gap = v - tg
    else:
        dist = abs(v - tg)
        return ON_TRACK if dist <= band else AT_RISK if dist <= 2 * band else OFF_TRACK
    return ON_TRACK if gap <= 0 else AT_RISK if gap <= band else OFF_TRACK


def trend(value: float | None, previous: float | None, direction: str, tolerance: float = 0.01) -> str | None:
    """Improving / worsening / steady against the previous period, for KPIs without a target."""
    v, prev = _known(value), _known(previous)
    if direction in ("info", "target") or v is None or prev is None:
        return None
    change = v - prev
    if abs(change) <= abs(prev) * tolerance:
        return STEADY
    better = change > 0 if direction == "higher" else change < 0
    return IMPROVING if better else WORSENING
