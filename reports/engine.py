"""The index engine: tallies from one SQL scan, figures computed from the tallies.

Method (the method note on the public page says the same in Vietnamese):
- Item index = 100 × answers at the item's positive levels / valid answers to the item. Blanks are
  left out of the denominator; the item response rate is answers / responses in the cut.
  Its 95% interval is Wilson's score interval.
- Element index = mean of its criterion items that have data, or its "general" item when the
  questionnaire version says so; aspect = mean of its elements; overall = mean of elements
  (SIPAS 2017), of aspects (SIPAS 2023), or the overall item, as the version says.
- A composite's n is the number of responses in the cut; its interval is Wilson's interval for
  the composite share with an effective n equal to the mean n of the items it averages (answers to
  the items of one person are correlated, so the items are not counted as independent draws).
- Expectations: 4-level desire items as items (levels 3 and 4 positive); a multiple-choice
  expectation question gives, per option, the share of respondents who chose it.
- Perception and profile items: the share of each level.
- A figure whose n is below the configured minimum is flagged, and left out of rankings.
- With stratum weights (optional, off by default; each agency a stratum): an item's index is the
  weighted share, n stays the number of answers, the interval uses Kish's effective n.
- Values are rounded to 4 decimals, half up (`round4`).

Tallies come from `tally_sql`: one scan of the campaign's valid responses grouped three ways at
once (by their unit and agency columns; by the profile answers; by the procedure field and the
channel), adding up each answer's stored tallies (`tally_fields`) where it has them, then every
cut is a sum of those groups (`tally_frame`). `figures_from_tally` states the rules for one cut;
`reports.figures` applies the same rules to every cut at once, column by column, and is what
indices.py runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from surveys.models import (
    TALLY_COLUMNS,
    TALLY_FIELD_BITS,
    TALLY_FIELDS_PER_COLUMN,
    TallyKind,
    answer_column,
    tally_column,
)

ENGINE_VERSION = "2"  # 2: half-up rounding shared with reports.figures
Z95 = 1.959963984540054


class CutKind:
    CAMPAIGN = "campaign"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    AGENCY = "agency"
    AGENCY_KIND = "agency_kind"
    CHANNEL = "channel"
    PROCEDURE = "procedure"
    PROFILE = "profile"


# Columns of the first scan's GROUP BY: the response's own dimension columns. Every unit and
# agency cut is a sum over these groups, so it needs no second pass over the answers. The
# channel is one of them only when the scan has no second grouping; else it goes with the last
# set of that one (see Scan).
UNIT_COLUMNS = [
    "agency_id",
    "agency_kind",
    "province_id",
    "district_id",
    "commune_id",
]
FINE_COLUMNS = [*UNIT_COLUMNS, "channel"]
# Cuts rolled up from the fine groups, and the column each one sums by.
ROLLUPS = [
    (CutKind.PROVINCE, "province_id"),
    (CutKind.DISTRICT, "district_id"),
    (CutKind.COMMUNE, "commune_id"),
    (CutKind.AGENCY, "agency_id"),
    (CutKind.AGENCY_KIND, "agency_kind"),
    (CutKind.CHANNEL, "channel"),
]


@dataclass(frozen=True)
class ItemSpec:
    code: str
    position: int
    scale: str
    role: str
    element_code: str | None
    positive: tuple[int, ...] = ()
    levels: tuple[int, ...] = ()
    is_multi: bool = False


@dataclass(frozen=True)
class ElementSpec:
    code: str
    aspect_code: str | None
    kind: str
    general_item: str | None
    criteria: tuple[str, ...]


@dataclass(frozen=True)
class Spec:
    """What the engine needs to know of one questionnaire version."""

    items: tuple[ItemSpec, ...]
    elements: tuple[ElementSpec, ...]
    aspects: tuple[str, ...]
    element_rule: str  # "mean" | "general"
    overall_rule: str  # "elements" | "aspects" | "item"
    overall_item: str | None
    group_items: tuple[tuple[str, ItemSpec], ...]  # (cut kind, item) for procedure and profile


@dataclass
class Figure:
    code: str
    kind: str  # item | element | aspect | overall | expectation | share
    value: float | None
    n: int
    positive: int | None = None
    low: float | None = None
    high: float | None = None
    low_n: bool = False
    extra: dict = field(default_factory=dict)


def round4(x: float) -> float:
    """x to 4 decimals, half up on its binary value: the same arithmetic as the column-wise
    figures (reports.figures), so that both give the same stored numbers."""
    return math.floor(x * 10000 + 0.5) / 10000


def wilson(positive: float, n: float) -> tuple[float | None, float | None]:
    """Wilson score interval for a share, in percent."""
    if n <= 0:
        return None, None
    p = positive / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
    return round4(100 * max(0.0, centre - half)), round4(100 * min(1.0, centre + half))


# Counts packed two to an aggregate, so that a scan evaluates half the aggregates:
# - n and positive answers of a scored item: one sum of 1 + (positive << FIELD_BITS), chosen by a
#   CASE on the answer (one comparison; the bit arithmetic it replaced cost four operators per
#   answer, a quarter of the scans' time at 1,000,000 answers);
# - counts of levels, two at a time: a CASE giving 1 or 1 << FIELD_BITS; options of a multiple
#   choice (a bitmask), two at a time, spread onto bit 0 and bit FIELD_BITS by one multiplication.
# Each answer adds an int4 (at most 1 + 2**FIELD_BITS): PostgreSQL sums int4 into an int8 kept by
# value, where sum(int8) keeps a 128-bit state allocated per group (twice the time at 28,560
# groups). The first field holds at most FIELD_MAX answers per group, the second the rest of the
# bigint: a scan whose group is larger is run again unpacked (`tally_sql(spec, packed=False)`).
FIELD_BITS = TALLY_FIELD_BITS  # the fields of the answers' stored tallies too
FIELD_MAX = (1 << FIELD_BITS) - 1
_SPREAD = 1 | 1 << (FIELD_BITS - 1)
_SPREAD_MASK = 1 | 1 << FIELD_BITS
_MAX_BIT = 30  # level values up to 30 fit the int4 arithmetic


@dataclass(frozen=True)
class Column:
    """One aggregate of a scan and the counts it holds: one name, or (packed) one or two fields;
    or (`stored`) three fields of a bigint summed from the answers' tallies, never NULL, a name
    of None for a field the engine does not read."""

    expr: str
    names: tuple[str | None, ...]
    packed: bool = False
    stored: bool = False


# The count of a scan that says how many of its answers carry their tallies.
TALLIED = "tallied"


@dataclass(frozen=True)
class TallyField:
    """One counted field of each answer's stored tallies (surveys.models, migration 0006)."""

    name: str
    slot: int  # the answer's slot (Item.position), 0 for none
    kind: int  # surveys.models.TallyKind
    mask: int


def tally_fields(spec: Spec) -> list[TallyField]:
    """The counted fields to store with each answer to a version: the engine's counts of each
    answer that an item reads (`_item_counts`), as far as the tally columns hold them, an item's
    fields all or none. The first tells how many answers carry their tallies."""
    out = [TallyField(TALLIED, 0, TallyKind.EVERY, 0)]
    room = TALLY_COLUMNS * TALLY_FIELDS_PER_COLUMN
    for item in spec.items:
        fields = _item_fields(item)
        if fields is None or len(out) + len(fields) > room:
            continue
        out += fields
    return out if len(out) > 1 else []


def _item_counts(item: ItemSpec) -> list[str]:
    """The names of the counts the scans take of an item: n (answers), pos (at a positive
    level, for a scored item), lvl (each level or option, for the distributions)."""
    if item.role in ("profile", "procedure"):
        return []  # their distribution comes from the group keys of the scans
    names = [f"n:{item.code}"]
    if item.positive and not item.is_multi:
        names.append(f"pos:{item.code}")
    if item.is_multi or item.role == "perception" or not item.positive:
        names += [f"lvl:{item.code}:{v}" for v in item.levels]
    return names


def _item_fields(item: ItemSpec) -> list[TallyField] | None:
    """The counted fields of an item's counts, or None when a stored field cannot hold one (a
    value beyond a bigint's bits)."""
    limit = 63 if item.is_multi else 62
    if not 1 <= item.position <= 32767 or any(not 0 <= v <= limit for v in item.levels):
        return None
    out = []
    for name in _item_counts(item):
        if name.startswith("n:"):
            out.append(TallyField(name, item.position, TallyKind.ANSWERED, 0))
        elif name.startswith("pos:"):
            mask = sum(1 << v for v in item.positive)
            out.append(TallyField(name, item.position, TallyKind.LEVEL, mask))
        else:
            v = int(name.rsplit(":", 1)[1])
            if item.is_multi:
                out.append(TallyField(name, item.position, TallyKind.OPTION, 1 << (v - 1)))
            else:
                out.append(TallyField(name, item.position, TallyKind.LEVEL, 1 << v))
    return out


def _stored_columns(spec: Spec, stored: Sequence[str]) -> tuple[list[Column], set[str]]:
    """The aggregates over the stored tallies whose fields are named `stored` (the version's
    Questionnaire.tally_names), and the names they count that the engine reads."""
    wanted = {TALLIED} | {name for item in spec.items for name in _item_counts(item)}
    out = []
    for index in range(0, len(stored), TALLY_FIELDS_PER_COLUMN):
        fields = stored[index : index + TALLY_FIELDS_PER_COLUMN]
        names = tuple(n if n in wanted else None for n in fields)
        expr = f"coalesce(surveys_tally_sum({tally_column(index)}), 0)"
        out.append(Column(expr, names, stored=True))
    return out, set(stored) & wanted


def scan_counts(spec: Spec, stored: bool = False) -> list[str]:
    """The counts a scan of `spec` gives, by name, in the same order whichever aggregates
    counted them (stored tallies, packed or plain expressions); TALLIED first when `stored`."""
    names = [name for item in spec.items for name in _item_counts(item)]
    return ["responses", *([TALLIED] if stored else []), *names]


def _positive_test(col: str, item: ItemSpec) -> str:
    """SQL true when the answer in `col` is at one of the item's positive levels. Answers hold
    levels of the item's scale, so "at or above the lowest positive level" is that test when
    every level from there up is positive (the usual scale: 4 and 5 of 1 to 5)."""
    low, high = min(item.positive), max(item.positive)
    positive = set(item.positive)
    if positive == {v for v in item.levels if v >= low}:
        return f"{col} >= {low}"
    if positive == {v for v in item.levels if v <= high}:
        return f"{col} <= {high}"
    return f"{col} IN ({', '.join(str(v) for v in sorted(positive))})"


def _columns(spec: Spec, packed: bool = True, stored: Sequence[str] = ()) -> list[Column]:
    """The aggregates: n and positive answers per scored item, options of multiple-choice items,
    and levels of perception items (their distributions); with `stored` (packed only), sums
    of the answers' stored tallies for the items they count."""
    out = [Column("count(*)", ("responses",))]
    from_tallies: set[str] = set()
    if packed and stored:
        columns, from_tallies = _stored_columns(spec, stored)
        out += columns
    for item in spec.items:
        wanted = _item_counts(item)
        if not wanted or set(wanted) <= from_tallies:
            continue  # profile and procedure: their distribution comes from the group keys
        col = answer_column(item.position)
        fits = packed and all(1 <= v <= _MAX_BIT for v in item.levels)
        scored = item.positive and not item.is_multi
        if scored and packed:
            both = 1 + (1 << FIELD_BITS)
            test = _positive_test(col, item)
            out.append(
                Column(
                    f"sum(CASE WHEN {test} THEN {both} WHEN {col} IS NOT NULL THEN 1 END)",
                    (f"n:{item.code}", f"pos:{item.code}"),
                    packed=True,
                )
            )
        else:
            out.append(Column(f"count({col})", (f"n:{item.code}",)))
            if scored:
                test = _positive_test(col, item)
                out.append(Column(f"count(*) FILTER (WHERE {test})", (f"pos:{item.code}",)))
        counted = item.is_multi or item.role == "perception" or not item.positive
        if not counted:
            continue
        if fits and item.is_multi:
            # A multiple-choice answer is a bitmask of its options: two bits at a time are
            # spread into the two fields.
            for first in sorted({(v - 1) // 2 * 2 for v in item.levels}):
                names = tuple(f"lvl:{item.code}:{first + j + 1}" for j in range(2))
                bits = f"({col} >> {first})" if first else col
                expr = f"sum((({bits} & 3) * {_SPREAD}) & {_SPREAD_MASK})"
                out.append(Column(expr, names, packed=True))
        elif packed and not item.is_multi:
            levels = sorted(item.levels)
            for pair in (levels[i : i + 2] for i in range(0, len(levels), 2)):
                # Levels are integers: a CASE of them is plain SQL.
                whens = " ".join(
                    f"WHEN {v} THEN {1 << (FIELD_BITS * j)}" for j, v in enumerate(pair)
                )
                names = tuple(f"lvl:{item.code}:{v}" for v in pair)
                out.append(Column(f"sum(CASE {col} {whens} END)", names, packed=True))
        else:
            for v in item.levels:
                test = f"({col} & {1 << (v - 1)}) <> 0" if item.is_multi else f"{col} = {v}"
                out.append(Column(f"count(*) FILTER (WHERE {test})", (f"lvl:{item.code}:{v}",)))
    return out


@dataclass(frozen=True)
class Scan:
    """The tally scan: one query over the campaign's valid answers in an id range, grouped three
    ways at once (GROUPING SETS), and what its output columns mean.

    1. By the response's dimension columns (`fine`): every unit and agency cut is a sum of
       these groups (about one group per agency).
    2. By the respondent profile answers (together), and by the procedure field with the
       channel (`second`; with stratum weights, each by agency too): each profile group,
       procedure and channel cut is a sum of these groups. A row of one has the other's
       columns empty. Without a second grouping, the channel is a fine column.

    The channel goes with the procedure, not with the fine columns, because the fine groups
    are what the database hashes, sends and the engine reads back most: with it, the national
    bench world made 49,709 of them (an agency's answers by channel), without it 12,514.

    One pass reads each answer once and evaluates each aggregate's argument once for every
    grouping (separate scans read and evaluated everything again). Its parameters are the
    campaign id and the id range (after, upto]. The output (csv through COPY, or rows for a
    small scan: read_scan, read_rows) is a flag (0 for a group of the first grouping, 1 for the
    others), the fine columns, the second grouping's columns (the channel last), then the
    aggregates.
    """

    sql: str
    fine: list[str]
    second: list[str]
    columns: list[Column]
    counts: list[str]  # the names of the counts read back, in this order (`scan_counts`)


# The answers every scan reads: a campaign's valid ones in an id range (after, upto].
IN_SPAN = "WHERE campaign_id = %s AND status = 'valid' AND id > %s AND id <= %s"


def tally_sql(
    spec: Spec,
    packed: bool = True,
    by_agency: bool = False,
    separate: bool = False,
    stored: Sequence[str] = (),
) -> Scan:
    """The tally scan of `spec` (see Scan); `packed=False` gives one count per aggregate, for a
    campaign whose groups are too large for a packed field. `separate` groups by each profile
    answer on its own instead of by all of them together: each grouping set costs PostgreSQL a
    pass over the answers, but a few answers make nearly as many profile combinations as
    answers (772 groups for 1,000), and each group is a row to read back. `stored` (the names
    of the version's counted fields) sums the answers' stored tallies instead of testing each
    answer again, for the items they count; the scan then also counts TALLIED, how many of its
    answers carry them (all, or the scan must be run again without)."""
    columns = _columns(spec, packed, stored)
    counts = scan_counts(spec, stored=any(c.stored for c in columns))
    aggregates = ", ".join(c.expr for c in columns)
    fine = ", ".join(FINE_COLUMNS)
    names, exprs = _second_grouping(spec)
    # Built only from fixed column names and integers (positions, levels); values are params.
    if not exprs:
        sql = f"SELECT 0, {fine}, {aggregates} FROM surveys_response {IN_SPAN} GROUP BY {fine}"  # noqa: S608
        return Scan(sql, list(FINE_COLUMNS), [], columns, counts)
    # The profile answers together, the procedure field alone: the profile cuts are sums over
    # the first set's groups (about 1,800 of them), the procedure cuts its groups. Grouped with
    # the profile answers, the procedure made 28,560 groups, a hash table too large for the
    # processor's caches: 1.2 s against 1.5 s per 500,000 answers.
    procedure = _procedure(spec)
    if separate:
        sets = [[expr] for expr in exprs]
    elif procedure is not None and len(exprs) > 1:
        sets = [exprs[:-1], exprs[-1:]]
    else:
        sets = [exprs]
    # The channel cuts are sums over the last set's groups, as the procedure cuts are.
    sets[-1] = [*sets[-1], "channel"]
    names = [*names, "channel"]
    if by_agency:
        sets = [[*keys, "agency_id"] for keys in sets]
        names = [*names, "agency_id"]
    units = ", ".join(UNIT_COLUMNS)
    grouping = ", ".join(f"({', '.join(keys)})" for keys in [UNIT_COLUMNS, *sets])
    # The province is grouped by in the first set only: its GROUPING() is the flag.
    sql = (
        f"SELECT GROUPING(province_id), {units}, {', '.join(exprs)}, channel, "  # noqa: S608
        f"{aggregates} FROM surveys_response {IN_SPAN} GROUP BY GROUPING SETS ({grouping})"
    )
    return Scan(sql, list(UNIT_COLUMNS), names, columns, counts)


def _header(scan: Scan) -> tuple[list[str], list[str]]:
    """The scan's output columns (the flag, group columns, then a{i} per aggregate) and the
    second grouping's own group columns."""
    second = [name for name in scan.second if name != "agency_id"]
    aggregates = [f"a{i}" for i in range(len(scan.columns))]
    return ["flag", *scan.fine, *second, *aggregates], second


def read_scan(scan: Scan, text: bytes):
    """The scan's csv output as two frames, the first grouping's and the others': group columns,
    then one column per count (packed aggregates split into their fields; TALLIED left out).
    Raises UntalliedAnswers when a group has answers without stored tallies."""
    import io

    import numpy as np
    import pandas as pd

    header, second = _header(scan)
    if text:
        types = {"agency_kind": str, "channel": str}
        # Three fields of a bigint reach past a float64's 53 bits: read as int64 (never NULL).
        types |= {f"a{i}": "int64" for i, c in enumerate(scan.columns) if c.stored}
        # In one piece: the scan's output is small enough, and a third faster to read so.
        raw = pd.read_csv(
            io.BytesIO(text), header=None, names=header, dtype=types, low_memory=False
        )
    else:
        raw = pd.DataFrame(columns=header)

    def aggregate(index: int):
        if scan.columns[index].stored:
            return raw[f"a{index}"].to_numpy(dtype="int64")
        # A sum over a group whose answers to the item are all blank is NULL, here NaN, then
        # 0; a float64 holds every count exactly (below 2**53).
        return np.nan_to_num(raw[f"a{index}"].to_numpy(dtype="float64")).astype("int64")

    def groups(rows, columns):
        # Row positions taken from numpy, not pandas' boolean .loc (a third of the reading).
        return raw[columns].take(rows).reset_index(drop=True)

    return _frames(scan, second, aggregate, groups, (raw["flag"] == 0).to_numpy())


def read_rows(scan: Scan, rows: list[tuple]):
    """read_scan's frames from the scan's rows as the driver gives them (a few hundred, for an
    update: reading them costs less than a csv parser's start)."""
    import numpy as np
    import pandas as pd

    header, second = _header(scan)
    table = np.array(rows, dtype=object).reshape(len(rows), len(header))
    at = {name: i for i, name in enumerate(header)}

    def aggregate(index: int):
        values = table[:, at[f"a{index}"]]
        if not scan.columns[index].stored:
            values = np.where(values == None, 0, values)  # noqa: E711 (elementwise)
        return values.astype("int64")

    def groups(picked, columns):
        return pd.DataFrame({name: table[picked, at[name]] for name in columns})

    return _frames(scan, second, aggregate, groups, table[:, 0] == 0)


def _frames(scan: Scan, second: list[str], aggregate, groups, first):
    """The two frames of a scan's output: `aggregate(i)` gives the i-th aggregate as int64,
    `groups(rows, columns)` the group columns of those row positions, `first` says which rows
    are the first grouping's."""
    import numpy as np
    import pandas as pd

    names, matrix = _count_matrix(scan, aggregate)
    # With stratum weights the second grouping has the agency too, in the fine columns' place.
    keys = [*second, "agency_id"] if "agency_id" in scan.second else second

    def frame(rows, columns):
        rows = np.flatnonzero(rows)
        return pd.concat([groups(rows, columns), pd.DataFrame(matrix[rows], columns=names)], axis=1)

    return frame(first, scan.fine), frame(~first, keys)


def _count_matrix(scan: Scan, aggregate):
    """The scan's counts by name (TALLIED left out) and as one int64 block, a column per name:
    `aggregate(i)` gives the i-th aggregate's values as int64. Raises UntalliedAnswers when a
    group has answers without stored tallies."""
    import numpy as np

    counts = {}
    for index, column in enumerate(scan.columns):
        values = aggregate(index)
        if column.stored:
            for j, name in enumerate(column.names):
                if name is not None:
                    counts[name] = (values >> (FIELD_BITS * j)) & FIELD_MAX
        elif column.packed:
            counts[column.names[0]] = values & FIELD_MAX
            if len(column.names) > 1:  # the last of an odd number of levels is alone
                counts[column.names[1]] = values >> FIELD_BITS
        else:
            counts[column.names[0]] = values
    if TALLIED in counts and (counts[TALLIED] != counts["responses"]).any():
        raise UntalliedAnswers
    # One 2-D block: pandas sums a frame of one block per column at half the speed. In the
    # scan's order of names: packed expressions also count levels past an item's last one.
    names = [name for name in scan.counts if name != TALLIED]
    return names, np.column_stack([counts[name] for name in names])  # count(*) at least


def direct_sql(spec: Spec, stored: Sequence[str] = ()) -> Scan:
    """A tally scan of a few answers (an update's) whose groups are the cuts themselves: one
    grouping set per kind of cut (and the empty set, the campaign), so that the database adds
    up each cut and `direct_cuts` only reads them, with no pandas summing of groups
    (tally_frame). Counts as `tally_sql(spec, stored=stored)` counts them; no weights.

    Its output is one row: how many cuts, then each cut's GROUPING() mask and key (text, its
    key column's value, \\x1e for NULL) as one text, then every cut's aggregates as one bytea
    of big-endian int64 (NULL as 0), for numpy: 2,173 cuts of 38 aggregates read as rows of
    Python values cost more than summing the fine groups. The two aggregates see the cuts in
    the same order: PostgreSQL feeds each row to every aggregate of a query level in turn."""
    columns = _columns(spec, True, stored)
    counts = scan_counts(spec, stored=any(c.stored for c in columns))
    # A grouping set per kind of cut: ROLLUPS' columns, then the answers (_answer_cuts).
    keys = [col for _kind, col in ROLLUPS]
    keys += [answer_column(item.position) for _kind, item in _answer_cuts(spec)]
    aggregates = ", ".join(f"{c.expr} AS a{i}" for i, c in enumerate(columns))
    packed = " || ".join(f"int8send(coalesce(a{i}, 0)::bigint)" for i in range(len(columns)))
    grouping = ", ".join(["()", *(f"({key})" for key in keys)])
    key = f"coalesce({', '.join(f'{k}::text' for k in keys)})"
    # Built only from fixed column names and integers (positions); values are params.
    sql = (
        f"WITH g AS (SELECT GROUPING({', '.join(keys)}) AS m, {key} AS k, "  # noqa: S608
        f"{aggregates} FROM surveys_response {IN_SPAN} GROUP BY GROUPING SETS ({grouping})) "
        "SELECT count(*), string_agg(m || E'\\x1f' || coalesce(k, E'\\x1e'), E'\\x1d'), "
        f"string_agg({packed}, ''::bytea) FROM g"
    )
    return Scan(sql, keys, [], columns, counts)


def direct_fits(spec: Spec) -> bool:
    """Whether direct_sql can name each of its grouping sets' keys in one GROUPING() (which
    takes up to 31)."""
    return len(ROLLUPS) + len(_answer_cuts(spec)) <= 31


def _answer_cuts(spec: Spec) -> list[tuple[str, ItemSpec]]:
    """(cut kind, item) of the cuts by answer, in their order: the procedure, then the profile."""
    out = [(CutKind.PROFILE, item) for item in _profile(spec)]
    procedure = _procedure(spec)
    if procedure is not None:
        out.insert(0, (CutKind.PROCEDURE, procedure))
    return out


def direct_cuts(spec: Spec, scan: Scan, row: tuple) -> Cuts:
    """The cuts of tally_frame (the same cuts, keys and counts, and its rows that are no cut:
    a key of "") from the row of `direct_sql`: the campaign's first, then each kind of cut in
    the order of tally_frame, in no order within a kind. Raises UntalliedAnswers as read_scan
    does. Numpy over the cuts' rows, not Python: a loop over 2,200 of them was a tenth of an
    update."""
    import numpy as np

    kinds = [(kind, None) for kind, _col in ROLLUPS] + _answer_cuts(spec)
    width = len(kinds)
    count, names_text, data = row
    named = [part.split("\x1f", 1) for part in names_text.split("\x1d")] if count else []
    masks = np.array([mask for mask, _key in named], dtype="int64")
    keys = np.array([key for _mask, key in named], dtype=object)
    values = np.frombuffer(data or b"", dtype=">i8").reshape(count, len(scan.columns))
    names, matrix = _count_matrix(scan, lambda index: values[:, index].astype("int64"))
    everything = (1 << width) - 1  # the campaign's row: no key grouped by
    tally = dict(zip(names, matrix[masks == everything].sum(axis=0).tolist(), strict=True))
    responses = names.index("responses")
    # Each row's kind of cut: GROUPING(...) has a bit per key, the first key's the highest, set
    # where the key is not grouped by. A NULL key (no district, a blank) is no cut.
    kind = np.full(count, width)
    for j in range(width):
        kind[masks == everything ^ (1 << (width - 1 - j))] = j
    kind[keys == "\x1e"] = width
    for j, (_kind, item) in enumerate(kinds):
        if item is not None:  # an answer: the campaign's distribution of it
            rows = np.flatnonzero(kind == j)
            answers = [int(key) for key in keys[rows].tolist()]
            counts = dict(zip(answers, matrix[rows, responses].tolist(), strict=True))
            _add_distribution(tally, item, counts)
    rows = np.flatnonzero(kind < width)
    rows = rows[np.argsort(kind[rows], kind="stable")]
    kind_names = np.array([name for name, _item in kinds], dtype=object)
    cuts = np.concatenate([[CutKind.CAMPAIGN], kind_names[kind[rows]]]).astype(object)
    cut_keys = np.concatenate([[""], keys[rows]]).astype(object)
    for j, (name, item) in enumerate(kinds):
        if name == CutKind.PROFILE:  # a profile group is named by its question too
            at = 1 + np.flatnonzero(kind[rows] == j)
            cut_keys[at] = [f"{item.code}={key}" for key in cut_keys[at].tolist()]
    columns = list(tally)  # the scan's counts, then the distributions
    counts = np.zeros((1 + len(rows), len(columns)), dtype="int64")
    counts[0] = [tally[name] for name in columns]
    counts[1:, : len(names)] = matrix[rows]
    return Cuts(cuts, cut_keys, columns, counts)


class UntalliedAnswers(Exception):
    """A scan over the answers' stored tallies met answers that carry none: run it without."""


def overflows(*frames) -> bool:
    """Whether a group of a packed scan holds more answers than a field can count."""
    return any(len(frame) and frame["responses"].max() > FIELD_MAX for frame in frames)


def _procedure(spec: Spec) -> ItemSpec | None:
    return next((item for kind, item in spec.group_items if kind == CutKind.PROCEDURE), None)


def _profile(spec: Spec) -> list[ItemSpec]:
    return [item for kind, item in spec.group_items if kind == CutKind.PROFILE]


def _second_grouping(spec: Spec) -> tuple[list[str], list[str]]:
    """Names and SQL of the second grouping's columns: the profile answers, then the procedure."""
    items = _profile(spec)
    names = [f"profile:{i.code}" for i in items]
    exprs = [answer_column(i.position) for i in items]
    procedure = _procedure(spec)
    if procedure is not None:
        names, exprs = [*names, "procedure"], [*exprs, answer_column(procedure.position)]
    return names, exprs


def tally_frame(spec: Spec, scans, weights=None):
    """Every cut's tally, one row per cut: columns `cut`, `key`, then the counts by name.

    `scans` is the pair of frames of `read_scan` (concatenated when the scan ran in parts). The
    cuts are sums of their groups: the campaign (with the distributions of the profile and
    procedure answers), each unit tier, agency and agency kind from the first grouping, each
    procedure and profile group from the second, each channel from whichever has the channel.
    `weights` (agency id → weight; an agency without one weighs 1) adds the weighted counts of
    every item: each agency of the campaign's scope is a stratum, and every grouping then has
    the agency (`tally_sql(..., by_agency=True)`).
    """
    import numpy as np
    import pandas as pd

    fine, second = scans
    names = [c for c in fine.columns if c not in FINE_COLUMNS]
    counted = list(names)
    if weights is not None:
        fine = _weigh(fine, names, weights)
        if "agency_id" in second.columns:
            second = _weigh(second, counted, weights)
        names = names + _weighted_names(names)
    campaign = _tally(fine[names].sum())
    # (cut kind, item, column) of the cuts summed from the profile and procedure groupings.
    by_answer = [
        (kind, item, "procedure" if kind == CutKind.PROCEDURE else f"profile:{item.code}")
        for kind, item in _answer_cuts(spec)
    ]
    second_counts = _small_counts(second, names) if by_answer else None
    by_answer_sums = [
        (kind, item, *_sums(second, col, names, second_counts)) for kind, item, col in by_answer
    ]
    responses = names.index("responses")
    for _kind, item, index, sums in by_answer_sums:
        counts = dict(zip(index.tolist(), sums[:, responses].tolist(), strict=True))
        _add_distribution(campaign, item, counts)
    cuts, keys, blocks = [CutKind.CAMPAIGN], [""], []
    fine_counts = _small_counts(fine, names)
    for kind, col in ROLLUPS:
        if col in fine.columns:
            index, sums = _sums(fine, col, names, fine_counts)
        else:  # the channel, grouped with the procedure (see Scan)
            index, sums = _sums(second, col, names, second_counts)
        cuts += [kind] * len(index)
        keys += [_key(k) for k in index]
        blocks.append(sums)
    for kind, item, index, sums in by_answer_sums:
        cuts += [kind] * len(index)
        if kind == CutKind.PROCEDURE:
            keys += [_key(k) for k in index]
        else:
            keys += [f"{item.code}={_key(k)}" for k in index]
        blocks.append(sums)
    # One array for every cut, built at once (a frame per cut, then pandas' concat and fillna,
    # cost more than the sums). A count only the campaign has (the distributions of the profile
    # and procedure answers) is 0 in the other cuts.
    columns = list(campaign)  # the scan's counts first, then the distributions
    dtype = "float64" if weights is not None else "int64"
    matrix = np.zeros((len(cuts), len(columns)), dtype=dtype)
    matrix[0] = [campaign[name] for name in columns]
    at = 1
    for sums in blocks:
        matrix[at : at + len(sums), : len(names)] = sums
        at += len(sums)
    frame = pd.DataFrame(matrix, columns=columns)
    frame.insert(0, "key", keys)
    frame.insert(0, "cut", cuts)
    return frame


def count_columns(tallies) -> list[str]:
    """The counts of a tally_frame, by name: every column but `cut` and `key`."""
    return [name for name in tallies.columns if name not in ("cut", "key")]


def is_cut(cut, key):
    """Which of the cuts (arrays of their kinds and keys, as a tally_frame's columns) are cuts:
    a NULL group (no district in the 2-tier era) is counted, but is not a cut."""
    return (cut == CutKind.CAMPAIGN) | (key != "")


@dataclass(frozen=True)
class Cuts:
    """Cuts and their counts: each one's kind and key (object arrays), and its counts by name,
    a row per cut (int64, or float64 with weighted sums among them)."""

    cut: Any
    key: Any
    names: list[str]
    counts: Any

    @classmethod
    def of(cls, tallies) -> Cuts:
        """The cuts of a tally_frame."""
        names = count_columns(tallies)
        return cls(
            tallies["cut"].to_numpy(dtype=object),
            tallies["key"].to_numpy(dtype=object),
            names,
            tallies[names].to_numpy(),
        )

    def __len__(self) -> int:
        return len(self.cut)

    def __getitem__(self, rows) -> Cuts:
        return Cuts(self.cut[rows], self.key[rows], self.names, self.counts[rows])


# Up to this many groups in a frame, _sums adds them up in numpy; up to SMALL_SUMS, by sorting.
SMALL_FRAME = 50_000
SMALL_SUMS = 2_000


def _small_counts(frame, names: list[str]):
    """The counts of a small frame of whole counts as a float64 array, one row per count (the
    layout `_sums` adds up), else None."""
    import numpy as np

    if len(frame) > SMALL_FRAME or {t.kind for t in frame.dtypes[names]} - {"i", "u"}:
        return None  # large, or weighted sums (floats) among the counts
    return np.ascontiguousarray(frame[names].to_numpy(dtype="float64").T)


def _sums(frame, col: str, names: list[str], counts=None):
    """frame.groupby(col, dropna=True)[names].sum() as its index and an int64 array. Given
    `counts` (_small_counts), the same sums by numpy's bincount, a count at a time: pandas costs
    about 2 ms a call whatever the size, most of an update after 1,000 answers (13 calls), and 9
    times the numpy sums at that size; at a million answers' groups, or with weighted sums
    (floats, which pandas adds with compensation), pandas it is. Counts are whole numbers below
    2**53: float64 adds them exactly. Up to SMALL_SUMS rows, the rows sorted by group and runs
    of them added up; beyond, where that copy of the whole array for each cut kind cost half
    again the time, a bincount per count."""
    import numpy as np
    import pandas as pd

    if counts is None:
        sums = frame.groupby(col, dropna=True)[names].sum()
        return sums.index, sums.to_numpy()
    codes, uniques = pd.factorize(frame[col], sort=True)
    groups = len(uniques)
    if len(codes) <= SMALL_SUMS:
        # Few rows (an update's): one copy sorted by group and runs of it added up beat a
        # bincount per count. Every group has a row (factorize's), a NULL key none (-1).
        order = np.argsort(codes, kind="stable")
        order = order[codes[order] >= 0]
        if not len(order):
            return uniques, np.zeros((0, len(names)), dtype="int64")
        ordered = codes[order]
        starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
        return uniques, np.add.reduceat(counts[:, order], starts, axis=1).T.astype("int64")
    # A row without a group (a NULL key) is added to one more bin, then left out.
    codes = np.where(codes < 0, groups, codes)
    summed = np.empty((groups, len(names)), dtype="int64")
    for j, column in enumerate(counts):
        summed[:, j] = np.bincount(codes, weights=column, minlength=groups + 1)[:groups]
    return uniques, summed


def _tally(sums) -> dict[str, float]:
    """Counts as ints, weighted sums (w:, w2:) as floats."""
    return {k: float(v) if k.startswith("w") else int(v) for k, v in sums.items()}


def _weighted_names(names: list[str]) -> list[str]:
    counted = [name for name in names if name.startswith(("n:", "pos:"))]
    return [f"w:{name}" for name in counted] + [f"w2:{name}" for name in counted]


def _weigh(frame, names: list[str], weights: dict[int, float]):
    """The frame with the weighted sums of its n and positive counts (a group is one agency)."""
    import pandas as pd

    w = frame["agency_id"].map(weights).fillna(1.0).astype("float64")
    counted = [name for name in names if name.startswith(("n:", "pos:"))]
    weighted = {f"w:{name}": frame[name] * w for name in counted}
    weighted |= {f"w2:{name}": frame[name] * w * w for name in counted}
    return pd.concat([frame, pd.DataFrame(weighted, index=frame.index)], axis=1)


def _key(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def _add_distribution(tally: dict, item: ItemSpec, counts: dict) -> None:
    """The campaign's distribution of an answer (answer → count) as the item's counts."""
    tally[f"n:{item.code}"] = int(sum(counts.values()))
    for v in item.levels:
        tally[f"lvl:{item.code}:{v}"] = int(counts.get(v, 0))


def figures_from_tally(spec: Spec, tally: dict[str, float], min_n: int) -> list[Figure]:
    """Every figure of one cut from its tally (name → count; with stratum weights, also the
    weighted sums `w:` and sums of squared weights `w2:` of the n and positive counts)."""
    responses = tally.get("responses", 0)
    out: list[Figure] = []
    item_values: dict[str, tuple[float | None, float]] = {}
    for item in spec.items:
        n = tally.get(f"n:{item.code}", 0)
        if not n and item.role in ("profile", "procedure"):
            # Their distribution is counted for the whole campaign only: other cuts would store
            # an empty row per profile question.
            continue
        extra = {"rate": round4(100 * n / responses) if responses else None}
        if item.positive and not item.is_multi:
            pos = tally.get(f"pos:{item.code}", 0)
            value = round4(100 * pos / n) if n else None
            low, high = wilson(pos, n)
            n_eff: float = n
            if f"w:n:{item.code}" in tally:
                # Weighted: the share of the weights; the interval uses Kish's effective n.
                w_n, w_pos = tally[f"w:n:{item.code}"], tally[f"w:pos:{item.code}"]
                w2_n = tally[f"w2:n:{item.code}"]
                value = round4(100 * w_pos / w_n) if w_n else None
                n_eff = w_n * w_n / w2_n if w2_n else 0
                low, high = wilson(w_pos / w_n * n_eff, n_eff) if w_n else (None, None)
                extra["weighted"] = True
                extra["n_eff"] = math.floor(n_eff * 10 + 0.5) / 10
            if item.role not in ("perception", "profile", "procedure"):
                kind = "expectation" if item.role == "expectation" else "item"
                item_values[item.code] = (value, n_eff)
                out.append(Figure(item.code, kind, value, n, pos, low, high, n < min_n, extra))
                continue
        if item.levels:
            shares = {
                str(v): (round4(100 * tally.get(f"lvl:{item.code}:{v}", 0) / n) if n else None)
                for v in item.levels
            }
            extra["shares"] = shares
            counts = {str(v): tally.get(f"lvl:{item.code}:{v}", 0) for v in item.levels}
            extra["counts"] = counts
            kind = "expectation" if item.role == "expectation" else "share"
            out.append(Figure(item.code, kind, None, n, None, None, None, n < min_n, extra))

    def composite(code: str, kind: str, parts: Iterable[tuple[float | None, int]]) -> Figure:
        have = [(v, n) for v, n in parts if v is not None]
        if not have:
            return Figure(code, kind, None, responses, low_n=responses < min_n)
        value = _add([v for v, _ in have]) / len(have)
        n_eff = _add([n for _, n in have]) / len(have)
        low, high = wilson(value / 100 * n_eff, n_eff)
        return Figure(code, kind, round4(value), responses, None, low, high, responses < min_n)

    element_values: dict[str, tuple[float | None, int]] = {}
    for element in spec.elements:
        if element.kind != "index":
            continue
        if spec.element_rule == "general" and element.general_item:
            parts = [item_values.get(element.general_item, (None, 0))]
        else:
            parts = [item_values.get(code, (None, 0)) for code in element.criteria]
        fig = composite(f"E:{element.code}", "element", parts)
        element_values[element.code] = (fig.value, int(_mean_n(parts)))
        out.append(fig)
    aspect_values: dict[str, tuple[float | None, int]] = {}
    for aspect in spec.aspects:
        parts = [
            element_values[e.code]
            for e in spec.elements
            if e.aspect_code == aspect and e.code in element_values
        ]
        fig = composite(f"A:{aspect}", "aspect", parts)
        aspect_values[aspect] = (fig.value, int(_mean_n(parts)))
        out.append(fig)
    if spec.overall_rule == "item" and spec.overall_item:
        parts = [item_values.get(spec.overall_item, (None, 0))]
    elif spec.overall_rule == "aspects" and aspect_values:
        parts = list(aspect_values.values())
    else:
        parts = list(element_values.values())
    out.append(composite("OVERALL", "overall", parts))
    return out


def _mean_n(parts: Sequence[tuple[float | None, int]]) -> float:
    have = [n for v, n in parts if v is not None]
    return _add(have) / len(have) if have else 0


def _add(values: Iterable[float]) -> float:
    """Plain left-to-right addition (sum() compensates since Python 3.12, numpy does not): a mean
    of values with four decimals often falls on a half, where the last bit decides rounding."""
    total = 0.0
    for value in values:
        total += value
    return total
