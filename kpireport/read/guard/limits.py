"""The guard's limits, each with its reason, and the wording its refusals share.

Tuned here and only here; the other modules of the guard read them as `limits.NAME` at call
time, so a test can lower one with monkeypatch.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

MAX_FILE_BYTES = 1 << 30            # any input file on disk
MAX_CSV_BYTES = 512 << 20           # CSV is read whole into Python strings (~10x its size in memory)
MAX_XLS_BYTES = 256 << 20           # BIFF sheets are at most 65,536 x 256 cells anyway
MAX_ZIP_MEMBERS = 10_000            # Excel writes ~3 parts per sheet
MAX_CENTRAL_DIRECTORY_BYTES = 16 << 20
MAX_TOTAL_UNCOMPRESSED = 1 << 30    # declared and actually inflated, all members together
MAX_MEMBER_RATIO = 200              # real sheet XML compresses 8-15x; deflate tops out at ~1,030x
RATIO_MIN_BYTES = 50_000_000        # ... so a >50 MB member compressed >200x is a bomb
MAX_COLUMNS = 1_000                 # a sheet wider than this must fill its range (else: a stray cell)
SPARSE_FACTOR = 4                   # ... at least 1 cell in SPARSE_FACTOR of rows x columns
MAX_SHEET_CELLS = 25_000_000        # rows x columns of one sheet's used range (1M rows x 25 columns)
STRAY_MIN_EMPTY_ROWS = 100_000      # a value this many rows below mostly-empty rows is a stray cell
MAX_TEXT_CHARS = 32_767             # Excel's own limit for one cell
MAX_TAG_BYTES = 16 << 20            # one XML tag longer than this is hostile
CHUNK = 4 << 20                     # inflate and scan in chunks of this size
OVERRUN_CHECK_BYTES = 64 << 20      # a member past its declared size is inflated this much more to judge it
MAX_WORKBOOK_PART_BYTES = 64 << 20  # xl/workbook.xml and its rels are read whole
EXACT_SCAN_MAX_BYTES = 64 << 20     # expat (~1 us per element) only below this; larger: read isolated
SHARED_STRINGS_SLACK = 100_000      # uniqueCount may exceed 2x the <si> count by this much
MAX_ODS_REPEATED_CELLS = 1_000_000  # ODS cells with a value conjured by number-*-repeated (a few bytes each)

NESTED_ARCHIVES = (".zip", ".xlsx", ".xlsm", ".xlsb", ".docx", ".pptx", ".ods", ".odt", ".jar", ".gz", ".7z",
                    ".rar", ".tar", ".bz2", ".xz")
FIX_STRAY = ("Delete that cell (or select the rows below / the columns right of your data and use "
              "Delete > Delete Sheet Rows/Columns), save, and drop the file again.")
EXPORT_AGAIN = "Export or download it again from the source system."




def cell_ref(row: int, col: int) -> str:
    """1-based (row, col) -> 'A1' notation."""
    return xl_rowcol_to_cell(max(row, 1) - 1, max(col, 1) - 1)


def part_label(name: str) -> str:
    return name.rsplit("/", 1)[-1].removesuffix(".xml")


def mb(n: int) -> str:
    if n >= 1 << 30:
        return f"{n / (1 << 30):.1f} GiB"
    return f"{n / (1 << 20):,.0f} MiB" if n >= 1 << 20 else f"{n:,} bytes"
