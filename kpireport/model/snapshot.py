"""A customer snapshot (a churn list) turned into dated rows.

A churn export holds one row per customer as of the day it was made: a churn flag, the
tenure in months, the charges, and no dates. Reported as of a date (config `as_of`, else the
input files' modified date), it describes the month that ends on or before that date (the
snapshot month): a customer with tenure T months was acquired T months before the month's
end, and a churned customer left at its end. The catalog's customer KPIs then read it like
any dated customers table: customers at the month's start, customers lost in it (churn
rate, retention rate), churn by contract, payment method and tenure band, the monthly charges
of those who left (revenue at risk).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..problems import Problem, ProblemLog, Severity

# Tenure bands (whole months, as of the snapshot) that churn rate is broken down by: churn is
# usually highest in the first year and falls with every year a customer stays.
TENURE_BANDS = ((12, "0-12"), (24, "13-24"), (48, "25-48"), (None, "49+"))


def tenure_band(months: pd.Series) -> pd.Series:
    """Each whole tenure's band ("0-12", "13-24", "25-48", "49+"); blank for no tenure."""
    out = pd.Series(pd.NA, index=months.index, dtype="string")
    lower = -np.inf
    for upper, label in TENURE_BANDS:
        hit = (months > lower) & (months <= upper if upper is not None else months.notna())
        out[hit.fillna(False).to_numpy()] = label
        lower = upper if upper is not None else lower
    return out


def snapshot_month(as_of: pd.Timestamp) -> pd.Period:
    """The month a snapshot taken on `as_of` describes: that month when as_of is its last day,
    else the month before (a list exported on 4 December tells how November ended)."""
    month = as_of.to_period("M")
    return month if as_of.normalize() == month.end_time.normalize() else month - 1


def is_snapshot(customers: pd.DataFrame) -> bool:
    """A customers table with no usable acquisition date but a tenure or a churn flag."""
    dated = "acquired_date" in customers.columns and customers["acquired_date"].notna().any()
    return not dated and bool({"tenure", "churned"} & set(customers.columns))


def dated_snapshot(customers: pd.DataFrame, as_of: pd.Timestamp, said: str, log: ProblemLog) -> pd.DataFrame:
    """The snapshot with acquired_date and lost_date derived as of `as_of` (see the module)."""
    month = snapshot_month(as_of)
    end = month.end_time.normalize()
    out = customers.drop(columns=["acquired_date", "lost_date"], errors="ignore").copy()
    if "tenure" in out.columns:
        months = pd.to_numeric(out["tenure"], errors="coerce")
        bad = months.isna() | (months < 0)
        whole = np.trunc(months.where(~bad))  # a few dozen distinct tenures, whatever the rows
        start = {m: end - pd.DateOffset(months=int(m)) for m in whole.dropna().unique()}
        out["acquired_date"] = pd.to_datetime(whole.map(start)).astype("datetime64[us]")
        if "tenure_band" not in out.columns or out["tenure_band"].isna().all():
            out["tenure_band"] = tenure_band(whole)
        if bad.any():
            log.add(Problem(f"{int(bad.sum()):,} customer(s) have no tenure (or a negative one) and are left out "
                            f"of the snapshot", table="customers", column="tenure", severity=Severity.WARNING))
            out = out[~bad.to_numpy()]
        how = "acquired tenure months before its end"
    else:
        out["acquired_date"] = pd.Series(month.start_time - pd.Timedelta(days=1), index=out.index).astype(
            "datetime64[us]")
        how = "every customer counted from its start (no tenure column)"
    if "churned" in out.columns:
        gone = out["churned"].fillna(False).astype(bool).to_numpy()
        out["lost_date"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[us]")
        out.loc[gone, "lost_date"] = end
    log.add(Problem(f"customers: a snapshot without dates, reported as of {as_of:%Y-%m-%d} ({said}): it describes "
                    f"{month.strftime('%Y-%m')}, each customer {how}, churned customers lost at its end. "
                    f"Set as_of in the config for another date.", table="customers", severity=Severity.INFO))
    return out.reset_index(drop=True)
