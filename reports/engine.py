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

Tallies come from `tally_sql`: one scan of the campaign's valid responses grouped by GROUPING
SETS, one set per cut, so every cut costs one pass over the data.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

ENGINE_VERSION = "1"
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


# Column expressions of the grouping sets, in order; profile and procedure items are added per
# questionnaire (their answer position in the scores array).
DIMENSION_COLUMNS = [
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


def wilson(positive: float, n: float) -> tuple[float | None, float | None]:
    """Wilson score interval for a share, in percent."""
    if n <= 0:
        return None, None
    p = positive / n
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = (Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
    return round(100 * max(0.0, centre - half), 4), round(100 * min(1.0, centre + half), 4)


def tally_sql(spec: Spec) -> tuple[str, list[str]]:
    """SQL of the one-scan tally, and the names of its aggregate columns in order."""
    group_exprs = [col for _, col in DIMENSION_COLUMNS] + [
        f"scores[{item.position}]" for _, item in spec.group_items
    ]
    aggregates = ["count(*)"]
    names = ["responses"]
    for item in spec.items:
        col = f"scores[{item.position}]"
        aggregates.append(f"count({col})")
        names.append(f"n:{item.code}")
        if item.positive:
            levels = ",".join(str(v) for v in item.positive)
            aggregates.append(f"count(*) FILTER (WHERE {col} IN ({levels}))")
            names.append(f"pos:{item.code}")
        if item.is_multi:
            for v in item.levels:
                aggregates.append(f"count(*) FILTER (WHERE ({col} & {1 << (v - 1)}) <> 0)")
                names.append(f"lvl:{item.code}:{v}")
        elif not item.positive or item.role in ("perception", "profile", "procedure"):
            for v in item.levels:
                aggregates.append(f"count(*) FILTER (WHERE {col} = {v})")
                names.append(f"lvl:{item.code}:{v}")
    grouping = f"GROUPING({', '.join(group_exprs)})"
    sets = ", ".join(["()"] + [f"({e})" for e in group_exprs])
    # Built only from fixed column names and integers (positions, levels); values are parameters.
    sql = (
        f"SELECT {grouping} AS g, {', '.join(group_exprs)}, {', '.join(aggregates)} "  # noqa: S608
        "FROM surveys_response WHERE campaign_id = %s AND status = 'valid' "
        f"AND id > %s AND id <= %s GROUP BY GROUPING SETS ({sets})"
    )
    return sql, names


def cut_of_row(spec: Spec, row: Sequence) -> tuple[str, str]:
    """(cut kind, cut key) of one tally row, from its GROUPING() bit mask."""
    group_exprs = [kind for kind, _ in DIMENSION_COLUMNS] + [kind for kind, _ in spec.group_items]
    width = len(group_exprs)
    g = row[0]
    if g == (1 << width) - 1:
        return CutKind.CAMPAIGN, ""
    for index in range(width):
        # GROUPING() sets bit (width-1-index) when that expression is NOT grouped on.
        if not g & (1 << (width - 1 - index)):
            value = row[1 + index]
            kind = group_exprs[index]
            if kind == CutKind.PROFILE:
                item = spec.group_items[index - len(DIMENSION_COLUMNS)][1]
                return kind, f"{item.code}={'' if value is None else value}"
            return kind, "" if value is None else str(value)
    raise ValueError(f"unexpected grouping mask {g}")


def figures_from_tally(spec: Spec, tally: dict[str, int], min_n: int) -> list[Figure]:
    """Every figure of one cut from its tally (name → count)."""
    responses = tally.get("responses", 0)
    out: list[Figure] = []
    item_values: dict[str, tuple[float | None, int]] = {}
    for item in spec.items:
        n = tally.get(f"n:{item.code}", 0)
        extra = {"rate": round(100 * n / responses, 4) if responses else None}
        if item.positive and not item.is_multi:
            pos = tally.get(f"pos:{item.code}", 0)
            value = round(100 * pos / n, 4) if n else None
            low, high = wilson(pos, n)
            if item.role not in ("perception", "profile", "procedure"):
                kind = "expectation" if item.role == "expectation" else "item"
                item_values[item.code] = (value, n)
                out.append(Figure(item.code, kind, value, n, pos, low, high, n < min_n, extra))
                continue
        if item.levels:
            shares = {
                str(v): (round(100 * tally.get(f"lvl:{item.code}:{v}", 0) / n, 4) if n else None)
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
        value = sum(v for v, _ in have) / len(have)
        n_eff = sum(n for _, n in have) / len(have)
        low, high = wilson(value / 100 * n_eff, n_eff)
        return Figure(code, kind, round(value, 4), responses, None, low, high, responses < min_n)

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
    return sum(have) / len(have) if have else 0
