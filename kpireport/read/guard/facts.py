"""What the guard measured about one file and its sheets: its verdict, handed to the reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class SheetFacts:
    """What the scan measured for one worksheet: the used range of cells holding a value."""

    name: str
    part: str
    max_row: int = 0          # 1-based; 0 = no value
    max_col: int = 0
    rows_with_data: int = 0   # approximate for the vectorised scan (counts rows with any cell)
    cells: int = 0
    far_row_cell: str = ""    # A1 reference of the value that sets max_row
    far_col_cell: str = ""    # ... and max_col
    exact: bool = True
    extras: object = None     # xlsxpkg.SheetExtras (hidden rows, error cells, merges) when the scan saw every byte

    @property
    def extent(self) -> int:
        return self.max_row * self.max_col


@dataclass
class Facts:
    """The guard's verdict on one file."""

    path: Path
    kind: str
    size: int
    inflated: int = 0
    sheets: list[SheetFacts] = field(default_factory=list)
    proven: bool = False        # every allocation the reader makes is bounded by what was measured
    long_text: bool = False     # some text run may exceed limits.MAX_TEXT_CHARS: check cells after reading
    partial: bool = False       # a part too big for the exact scan was only size-checked
    shared_na_like: bool | None = None  # xl/sharedStrings.xml holds "NA"-like texts (None: not scanned)
    unchecked: list[str] = field(default_factory=list)  # sheets whose part the cell scan never saw

    @property
    def extent(self) -> int:
        return sum(s.extent for s in self.sheets)

    def largest_sheet(self) -> SheetFacts | None:
        return max(self.sheets, key=lambda s: s.extent, default=None)
