"""The index engine: tallies from two SQL scans, figures computed from the tallies.

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

Tallies come from `tally_sql`: two narrow scans of the campaign's valid responses (by their
dimension columns; by the profile answers and procedure field), then every cut is a sum of those
groups (`tally_frame`). `figures_from_tally` states the rules for one cut; `reports.figures`
applies the same rules to every cut at once, column by column, and is what indices.py runs.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from surveys.models import answer_column

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
# agency cut is a sum over these groups, so it needs no second pass over the answers.
FINE_COLUMNS = [
    "agency_id",
    "agency_kind",
    "province_id",
    "district_id",
    "commune_id",
    "channel",
]
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
# - n and positive answers of a scored item: one sum of 1 + (positive << FIELD_BITS);
# - counts of levels (or options of a multiple choice), two at a time: the answer's one-hot (or
#   its bitmask) spread onto bit 0 and bit FIELD_BITS by one multiplication.
# Each answer adds an int4 (at most 1 + 2**FIELD_BITS): PostgreSQL sums int4 into an int8 kept by
# value, where sum(int8) keeps a 128-bit state allocated per group (twice the time at 28,560
# groups). The first field holds at most FIELD_MAX answers per group, the second the rest of the
# bigint: a scan whose group is larger is run again unpacked (`tally_sql(spec, packed=False)`).
FIELD_BITS = 21
FIELD_MAX = (1 << FIELD_BITS) - 1
_SPREAD = 1 | 1 << (FIELD_BITS - 1)
_SPREAD_MASK = 1 | 1 << FIELD_BITS
_MAX_BIT = 30  # level values up to 30 fit the int4 arithmetic


@dataclass(frozen=True)
class Column:
    """One aggregate of a scan and the counts it holds: one name, or two packed fields."""

    expr: str
    names: tuple[str, ...]
    packed: bool = False


def _columns(spec: Spec, packed: bool = True) -> list[Column]:
    """The aggregates: n and positive answers per scored item, options of multiple-choice items,
    and levels of perception items (their distributions)."""
    out = [Column("count(*)", ("responses",))]
    for item in spec.items:
        if item.role in ("profile", "procedure"):
            continue  # their distribution comes from the group keys of the scans
        col = answer_column(item.position)
        fits = packed and all(1 <= v <= _MAX_BIT for v in item.levels)
        scored = item.positive and not item.is_multi
        if scored and fits and all(1 <= v <= _MAX_BIT for v in item.positive):
            mask = sum(1 << v for v in item.positive)
            out.append(
                Column(
                    f"sum(1 + ((({mask} >> {col}) & 1) << {FIELD_BITS}))",
                    (f"n:{item.code}", f"pos:{item.code}"),
                    packed=True,
                )
            )
        else:
            out.append(Column(f"count({col})", (f"n:{item.code}",)))
            if scored:
                levels = ",".join(str(v) for v in item.positive)
                out.append(
                    Column(f"count(*) FILTER (WHERE {col} IN ({levels}))", (f"pos:{item.code}",))
                )
        counted = item.is_multi or item.role == "perception" or not item.positive
        if not counted:
            continue
        if fits:
            # A multiple-choice answer is already a bitmask of its options; a level v becomes
            # the one-hot 1 << (v - 1). Two bits at a time are spread into the two fields.
            bits = f"{col}::int4" if item.is_multi else f"(1 << ({col} - 1))"
            for first in sorted({(v - 1) // 2 * 2 for v in item.levels}):
                names = tuple(f"lvl:{item.code}:{first + j + 1}" for j in range(2))
                expr = f"sum(((({bits} >> {first}) & 3) * {_SPREAD}) & {_SPREAD_MASK})"
                out.append(Column(expr, names, packed=True))
        else:
            for v in item.levels:
                test = f"({col} & {1 << (v - 1)}) <> 0" if item.is_multi else f"{col} = {v}"
                out.append(Column(f"count(*) FILTER (WHERE {test})", (f"lvl:{item.code}:{v}",)))
    return out


def names_of(columns: list[Column]) -> list[str]:
    return [name for column in columns for name in column.names]


def unpack(groups: list[str], columns: list[Column], rows: list[tuple]):
    """A frame of a scan's rows: its group keys, then one column per count (packed aggregates
    split into their fields)."""
    import numpy as np
    import pandas as pd

    width = len(groups)
    keys = pd.DataFrame.from_records([row[:width] for row in rows], columns=groups)
    # Counts straight into one array: pandas converts a list of tuples column by column, through
    # Python objects (0.14 s for the 28,560 groups of 1,000,000 answers). A float64 holds every
    # count exactly (below 2**53); a sum over a group whose answers to the item are all blank is
    # NULL, here NaN, then 0.
    values = np.array([row[width:] for row in rows], dtype="float64")
    values = np.nan_to_num(values.reshape(len(rows), len(columns))).astype("int64")
    out = {}
    for index, column in enumerate(columns):
        if column.packed:
            out[column.names[0]] = values[:, index] & FIELD_MAX
            out[column.names[1]] = values[:, index] >> FIELD_BITS
        else:
            out[column.names[0]] = values[:, index]
    return pd.concat([keys, pd.DataFrame(out, index=keys.index)], axis=1)


def overflows(rows: list[tuple], groups: list[str]) -> bool:
    """Whether a group of a packed scan holds more answers than a field can count."""
    at = len(groups)  # the first aggregate is count(*)
    return any(row[at] > FIELD_MAX for row in rows)


def _procedure(spec: Spec) -> ItemSpec | None:
    return next((item for kind, item in spec.group_items if kind == CutKind.PROCEDURE), None)


def _profile(spec: Spec) -> list[ItemSpec]:
    return [item for kind, item in spec.group_items if kind == CutKind.PROFILE]


def tally_sql(
    spec: Spec, packed: bool = True, by_agency: bool = False
) -> list[tuple[str, list[str], list[Column]]]:
    """The scans, each as (SQL, group column names, aggregate columns).

    1. Valid answers grouped by their dimension columns: every unit, agency and channel cut is a
       sum of these groups (about one group per agency and channel).
    2. Valid answers grouped by the respondent profile answers and the procedure field together:
       each profile group and procedure cut is a sum of these groups. Two narrow scans cost far
       less than one GROUPING SETS scan that evaluates every aggregate once per set, and keeping
       the procedure out of the first keeps its groups few even with thousands of agencies.
    """
    columns = _columns(spec, packed)
    aggregates = [c.expr for c in columns]
    where = "WHERE campaign_id = %s AND status = 'valid' AND id > %s AND id <= %s"
    scans = []
    for index, (group_names, group_exprs) in enumerate(_groupings(spec, by_agency)):
        if not group_exprs:
            continue
        keys = ", ".join(group_exprs)
        bases = _key_bases(spec) if packed and index == 1 and not by_agency else None
        # Built only from fixed column names and integers (positions, levels); values are params.
        if bases is None:
            sql = f"SELECT {keys}, {', '.join(aggregates)} FROM surveys_response {where} GROUP BY {keys}"  # noqa: E501, S608
        else:
            sql = _packed_key_sql(group_exprs, bases, aggregates, where)
        scans.append((sql, group_names, columns))
    return scans


def _key_bases(spec: Spec) -> list[int] | None:
    """Per answer of the second scan's key, the base its value (+ 1; 0 for a blank) takes in one
    packed bigint key; None when a value could be negative or the key would not fit."""
    items = [*_profile(spec)]
    procedure = _procedure(spec)
    if procedure is not None:
        items.append(procedure)
    if not items or any(not i.levels or min(i.levels) < 0 for i in items):
        return None
    bases = [max(i.levels) + 2 for i in items]
    return bases if math.prod(bases) < 2**62 else None


def _packed_key_sql(exprs: list[str], bases: list[int], aggregates: list[str], where: str) -> str:
    """The second scan grouped by one bigint packing its answers, unpacked by an outer query:
    hashing one bigint costs far less than hashing eight columns, and the outer query sees only
    the groups (measured at 1,000,000 answers, before the plain answer columns: 2.7 s instead
    of 3.5 s).
    """
    weights, weight = [], 1
    for base in bases:
        weights.append(weight)
        weight *= base
    key = " + ".join(
        f"coalesce({expr} + 1, 0)::int8 * {w}" for expr, w in zip(exprs, weights, strict=True)
    )
    outer = [f"nullif((k / {w}) %% {b}, 0) - 1" for w, b in zip(weights, bases, strict=True)]
    inner = ", ".join(f"{agg} AS a{i}" for i, agg in enumerate(aggregates))
    values = ", ".join(f"a{i}" for i in range(len(aggregates)))
    return (
        f"SELECT {', '.join(outer)}, {values} FROM ("  # noqa: S608
        f"SELECT {key} AS k, {inner} FROM surveys_response {where} GROUP BY 1) AS groups"
    )


def _groupings(spec: Spec, by_agency: bool) -> list[tuple[list[str], list[str]]]:
    names, exprs = _profile_groups(spec)
    procedure = _procedure(spec)
    if procedure is not None:
        names, exprs = [*names, "procedure"], [*exprs, answer_column(procedure.position)]
    if by_agency and exprs:
        # Stratum weights are per agency: the second scan's groups keep it too.
        names, exprs = [*names, "agency_id"], [*exprs, "agency_id"]
    return [(list(FINE_COLUMNS), list(FINE_COLUMNS)), (names, exprs)]


def _profile_groups(spec: Spec) -> tuple[list[str], list[str]]:
    items = _profile(spec)
    return [f"profile:{i.code}" for i in items], [answer_column(i.position) for i in items]


def tally_frame(spec: Spec, scans: list[tuple[list[str], list, list[tuple]]], weights=None):
    """Every cut's tally, one row per cut: columns `cut`, `key`, then the counts by name.

    The cuts are sums of the scans' groups: the campaign (with the distributions of the profile
    and procedure answers), each unit tier, agency, agency kind and channel from the first scan,
    each procedure and profile group from the second. `weights` (agency id → weight; an agency
    without one weighs 1) adds the weighted counts of every item: each agency of the campaign's
    scope is a stratum, and both scans then group by agency (`tally_sql(..., by_agency=True)`).
    """
    import pandas as pd

    (fine_groups, columns, fine_rows), *rest = scans
    names = names_of(columns)
    fine = unpack(fine_groups, columns, fine_rows)
    if weights is not None:
        fine = _weigh(fine, names, weights)
        names = names + _weighted_names(names)
    campaign = _tally(fine[names].sum())
    second = None
    if rest:
        groups, _columns, rows = rest[0]
        second = unpack(groups, columns, rows)
        if weights is not None:
            second = _weigh(second, names_of(columns), weights)
    # (cut kind, item, column) of the cuts summed from the second scan.
    by_answer = [(CutKind.PROFILE, item, f"profile:{item.code}") for item in _profile(spec)]
    procedure = _procedure(spec)
    if procedure is not None:
        by_answer.insert(0, (CutKind.PROCEDURE, procedure, "procedure"))
    for _kind, item, col in by_answer:
        _add_distribution(campaign, item, second.groupby(col, dropna=True)["responses"].sum())
    frames = [pd.DataFrame([{"cut": CutKind.CAMPAIGN, "key": "", **campaign}])]
    for kind, col in ROLLUPS:
        sums = fine.groupby(col, dropna=True)[names].sum()
        frames.append(_cut_frame(sums, kind, [_key(k) for k in sums.index]))
    for kind, item, col in by_answer:
        sums = second.groupby(col, dropna=True)[names].sum()
        keys = [
            _key(k) if kind == CutKind.PROCEDURE else f"{item.code}={_key(k)}" for k in sums.index
        ]
        frames.append(_cut_frame(sums, kind, keys))
    frame = pd.concat([f for f in frames if len(f)], ignore_index=True)
    counts = [c for c in frame.columns if c not in ("cut", "key")]
    frame[counts] = frame[counts].fillna(0)
    return frame


def _cut_frame(sums, kind: str, keys: list[str]):
    out = sums.reset_index(drop=True)
    out.insert(0, "key", keys)
    out.insert(0, "cut", kind)
    return out


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


def _add_distribution(tally: dict, item: ItemSpec, counts) -> None:
    tally[f"n:{item.code}"] = int(counts.sum())
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
