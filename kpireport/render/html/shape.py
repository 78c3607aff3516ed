"""The shape of the template context, as TypedDicts the type checker holds every reader to.

The HTML templates, the plain-text e-mail part (render/text.py) and the PDF (render/pdf/) all
print the same context, built once per run by `context.base_context`. At run time these are
plain dicts, so Jinja templates read them unchanged (`tile.value`, `labels.sections.movers`);
the types only make a misspelt key or a wrong leaf type an error before the report is run.

Every leaf is a `str` already formatted in the report's locale unless typed otherwise; lists may
be empty, never missing. `status`, `key` and the tones are CSS class suffixes (`pill-off_track`,
`tone-bad`); nothing else is markup.
"""

from __future__ import annotations

from typing import TypedDict

# The `html.*` messages as a tree (`labels.sections.movers` in a template); read one leaf in
# Python with `label(tree, "sections.movers")`, which says which key is missing or not a leaf.
LabelTree = dict[str, "str | LabelTree"]


def label(tree: LabelTree, path: str) -> str:
    """The message at a dotted `path` below `tree` (`"text.value_line"`)."""
    node: str | LabelTree = tree
    for part in path.split("."):
        if isinstance(node, str):
            raise KeyError(f"html label {path!r}: {part!r} is below a message, not a group")
        node = node[part]
    if not isinstance(node, str):
        raise KeyError(f"html label {path!r} is a group of messages, not one message")
    return node


def label_group(tree: LabelTree, path: str) -> dict[str, str]:
    """The messages directly in the group at `path` (`"table"` -> {"share": ..., "change": ...})."""
    node = tree
    for part in path.split("."):
        child = node[part]
        if isinstance(child, str):
            raise KeyError(f"html label group {path!r} is one message, not a group")
        node = child
    return {k: v for k, v in node.items() if isinstance(v, str)}


class KpiRow(TypedDict):
    """One KPI as a tile, a mover or a scorecard row."""

    id: str
    name: str
    unit: str
    value: str
    target: str
    target_line: str
    previous: str
    change: str
    change_dir: str     # up | down | flat | none
    change_tone: str    # good | bad | neutral
    arrow: str
    vs: str
    year_ago: str
    status: str         # on_track | at_risk | off_track | improving | worsening | steady | none
    status_label: str
    basis: str


class AttentionItem(KpiRow):
    """A KPI that needs attention: why, and the catalog's next step."""

    reason: str
    guidance: str


class CountItem(TypedDict):
    key: str            # a target status: on_track | at_risk | off_track
    label: str
    count: int
    count_text: str     # `count` in the locale's digits


class Counts(TypedDict):
    items: list[CountItem]
    total: int
    caption: str
    trend_note: str


class Attention(TypedDict):
    intro: str
    none: str
    more: str
    items: list[AttentionItem]


class Movers(TypedDict):
    intro: str
    none: str
    items: list[KpiRow]


class Chart(TypedDict):
    id: str
    title: str
    alt: str
    src: str            # data: URI in the standalone file, cid: in the e-mail, the id in the PDF
    width: int
    height: int


class BreakdownRow(TypedDict):
    rank: str
    member: str
    value: str
    share: str
    change: str
    change_dir: str
    change_tone: str
    arrow: str
    target: str
    attainment: str
    status: str
    status_label: str


class BreakdownTable(TypedDict):
    title: str
    kpi_name: str
    dimension: str
    dimension_label: str
    leaderboard: bool   # a ranked sales-rep table
    has_target: bool
    has_share: bool
    rows: list[BreakdownRow]
    show_target: bool   # a target column (not on a leaderboard, where % of target says more)
    note: str
    more: str


class ScorecardGroup(TypedDict):
    category: str
    rows: list[KpiRow]


class KeyResultRow(TypedDict):
    due: str
    as_of: str
    state: str          # achieved | on_way | in_progress | partly | wrong_way | none
    state_label: str
    text: str
    kpi_name: str
    baseline: str
    target: str
    current: str
    progress_pct: str
    progress_width: int  # 0-100
    progress_rest: int   # 100 - progress_width


class Okr(TypedDict):
    objective: str
    key_results: list[KeyResultRow]


class QualityNote(TypedDict):
    where: str
    reason: str


class Unavailable(TypedDict):
    name: str
    reason: str


class Quality(TypedDict):
    any: bool
    errors: list[QualityNote]
    warnings: list[QualityNote]
    unavailable: list[Unavailable]
    intro: str
    none: str
    more: str


class Footer(TypedDict):
    sources: str
    method: str
    delivery: str
    produced: str


class Context(TypedDict):
    """Everything the summary shows; `scorecard` (every KPI) is empty in the e-mail."""

    lang: str
    dir: str            # ltr | rtl
    end: str            # the side numbers align to: right, left in RTL
    title: str
    company: str
    heading: str
    period: str
    previous_period: str
    generated: str
    subtitle: str
    preheader: str
    labels: LabelTree
    counts: Counts
    tiles: list[KpiRow]
    tiles_intro: str    # names the compared periods once
    attention: Attention
    movers: Movers
    charts: list[Chart]
    breakdowns: list[BreakdownTable]
    scorecard: list[ScorecardGroup]
    is_email: bool
    okrs: list[Okr]
    quality: Quality
    footer: Footer
