"""Campaign responses read off a wide customer list: one 0/1 column per campaign.

The well-known marketing-campaign export holds one row per customer with a flag for each past
campaign (AcceptedCmp1 .. AcceptedCmp5), one for the last campaign (Response), a complaint flag
(Complain) and what a contact cost and an accepted offer brought (Z_CostContact, Z_Revenue).
The mapper reads it as customers and keeps those columns as extra columns (mapping/extras.py);
here they become the campaign_responses table the campaign KPIs read, so response rate per
campaign, cost per response, ROI and complaint rate come out of the file as exported:

- a row per customer and campaign ("Campaign 1" .. "Campaign 5", "Last campaign"): every
  listed customer was contacted (a blank flag: not known, so not counted), accepted from the
  flag;
- complaint from Complain on each of the customer's rows, so the complaint rate is the share
  of contacted customers who complained, whatever the number of campaigns;
- cost Z_CostContact per contact, revenue Z_Revenue per accepted offer, when the columns exist;
- every row dated by the snapshot's date (as for a churn list, snapshot.py): the flags tell
  how the campaigns had ended by the day the list was exported, not when each was sent.

Only when no campaign response list was given: a real one, dated per contact, always wins.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..problems import Problem, ProblemLog, Severity

# AcceptedCmp3 -> acceptedcmp3 as an extra column; "Accepted Campaign 3" -> accepted_campaign_3
_FLAG = re.compile(r"^accepted_?(?:cmp|campaign)_?(\d+)$")
LAST = "response"
# the campaigns' names, in the report's language: a Turkish report has no English label
NAMES = {False: ("Campaign {}", "Last campaign"), True: ("Kampanya {}", "Son kampanya")}
_TRUE = {"1", "yes", "y", "true"}
_FALSE = {"0", "no", "n", "false"}


def _flag(values: pd.Series) -> pd.Series | None:
    """A 0/1 (or yes/no) column as booleans, blanks kept blank; None when it holds anything else."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        given = values.dropna()
        if not given.isin([0, 1]).all():
            return None
        return values.map(lambda v: pd.NA if pd.isna(v) else bool(v)).astype("boolean")
    text = values.astype("string").str.strip().str.lower()
    given = text.dropna()
    given = given[given != ""]
    if not given.isin(_TRUE | _FALSE).all():
        return None
    return text.map(lambda v: pd.NA if pd.isna(v) or v == "" else v in _TRUE).astype("boolean")


def campaign_columns(customers: pd.DataFrame, turkish: bool = False) -> list[tuple[str, str]]:
    """[(column, campaign name)] of the wide shape, in campaign order; [] when it is not one.

    The shape needs at least two AcceptedCmp<N> columns; Response joins them as the last
    campaign only then (a lone "response" column may mean anything)."""
    numbered = sorted((int(m.group(1)), c) for c in customers.columns if (m := _FLAG.match(str(c))))
    if len(numbered) < 2:
        return []
    each, last = NAMES[turkish]
    out = [(c, each.format(n)) for n, c in numbered]
    if LAST in customers.columns:
        out.append((LAST, last))
    return out


def wide_responses(customers: pd.DataFrame, date: pd.Timestamp, said: str, log: ProblemLog,
                   file: str = "", sheet: str = "", turkish: bool = False) -> pd.DataFrame | None:
    """The campaign_responses rows of a wide customer list (see the module), None when the list
    is not of that shape or no campaign column holds flags. `file` and `sheet` place the notes;
    `turkish` names the campaigns in Turkish."""
    found = campaign_columns(customers, turkish)
    if not found or "customer_id" not in customers.columns:
        return None
    people = customers[customers["customer_id"].notna()].reset_index(drop=True)
    flags: list[tuple[str, pd.Series]] = []
    for column, name in found:
        flag = _flag(people[column])
        if flag is None:
            log.add(Problem(f"customers: column {column!r} holds values other than 0/1, so it is not read as "
                            f"{name}'s responses", file=file, sheet=sheet, table="customers", column=column,
                            severity=Severity.WARNING))
            continue
        flags.append((name, flag))
    if not flags:
        return None
    n = len(people)
    complaint = _flag(people["complain"]) if "complain" in people.columns else None
    cost = _money(people, "z_costcontact")
    revenue = _money(people, "z_revenue")
    parts = []
    for name, accepted in flags:
        known = accepted.notna().to_numpy()
        part = pd.DataFrame({
            "date": pd.Series(np.full(n, date), dtype="datetime64[us]"),
            "campaign_id": pd.Series(name, index=range(n), dtype="string"),
            "customer_id": people["customer_id"].astype("string"),
            "contacted": pd.Series(np.ones(n, dtype=bool), dtype="boolean"),
            "accepted": accepted,
        })
        if cost is not None:
            part["cost"] = cost
        if revenue is not None:
            part["revenue"] = revenue.where(accepted.fillna(False).astype(bool), 0.0)
        if complaint is not None:
            part["complaint"] = complaint
        parts.append(part[known])
    out = pd.concat(parts, ignore_index=True)
    read = [what for what, has in (("contact cost from Z_CostContact", cost is not None),
                                   ("revenue per accepted offer from Z_Revenue", revenue is not None),
                                   ("complaints from Complain", complaint is not None)) if has]
    _say(log, [name for name, _ in flags], n, len(out), date, said, read, file, sheet)
    return out


def _money(people: pd.DataFrame, column: str) -> pd.Series | None:
    if column not in people.columns or not pd.api.types.is_numeric_dtype(people[column]):
        return None
    return people[column].astype("float64")


def _say(log: ProblemLog, names: list[str], customers: int, rows: int, date: pd.Timestamp, said: str,
         read: list[str], file: str, sheet: str) -> None:
    also = f"; {', '.join(read)}" if read else ""
    log.add(Problem(f"campaign responses: read from the customer list's campaign columns ({', '.join(names)}): "
                    f"{rows:,} contacts of {customers:,} customers, each listed customer counted as contacted by "
                    f"every campaign it has a 0/1 for{also}. All are dated {date:%Y-%m-%d}, the end of the month "
                    f"the list describes ({said}); set as_of in the config for another date.",
                    file=file, sheet=sheet, table="campaign_responses", severity=Severity.INFO))
