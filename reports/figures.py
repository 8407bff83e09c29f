"""Every figure of every cut at once, column by column: the full recompute's fast path.

The rules are those of `engine.figures_from_tally` (which the tests use one cut at a time);
`test_figures_frame` holds the two equal on random tallies. With thousands of agencies a
campaign has a million figures, and a loop in Python over them, one dict and one json.dumps
each, cost more than the scans. `figure_blocks` computes them, `figures_copy` lays them out as
the rows of reports_indexcut. Both read the cuts as `engine.Cuts`: arrays, not a frame, since
pandas' selecting and converting of a frame's columns cost an update more than their arithmetic.
"""

from __future__ import annotations

import struct

import numpy as np

from reports.engine import Z95, Cuts, Spec, is_cut


def _round4(values: np.ndarray) -> np.ndarray:
    """As engine.round4, element-wise."""
    return np.floor(values * 10000 + 0.5) / 10000


def wilson(positive: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score intervals in percent; NaN where n is 0 (as engine.wilson, element-wise)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        p = positive / n
        z2 = Z95 * Z95
        centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        half = (Z95 * np.sqrt(p * (1 - p) / n + z2 / (4 * n * n))) / (1 + z2 / n)
        low = _round4(100 * np.maximum(0.0, centre - half))
        high = _round4(100 * np.minimum(1.0, centre + half))
    empty = ~(n > 0)
    low[empty] = np.nan
    high[empty] = np.nan
    return low, high


def _json_numbers(values: np.ndarray) -> np.ndarray:
    """JSON text of each number: null for NaN, an integer without a decimal point."""
    out = np.empty(len(values), dtype=object)
    missing = np.isnan(values)
    whole = ~missing & (values == np.floor(values)) & (np.abs(values) < 2**53)
    out[missing] = "null"
    out[whole] = values[whole].astype(np.int64).astype(str)
    rest = ~missing & ~whole
    out[rest] = [repr(v) for v in values[rest].tolist()]  # Python floats: a sixth sooner
    return out


def _json_objects(keys: list[str], columns: list[np.ndarray]) -> np.ndarray:
    """A JSON object of numbers per row, one key per column."""
    size = len(columns[0]) if columns else 0
    fields = [(key, _json_numbers(column)) for key, column in zip(keys, columns, strict=True)]
    return _object(fields, size)


def _object(fields: list[tuple[str, np.ndarray]], size: int) -> np.ndarray:
    """A JSON object per row from (key, JSON text column) pairs: one format per row, where
    adding the columns' text one by one cost three string concatenations per value."""
    out = np.empty(size, dtype=object)
    if not fields:
        out[:] = "{}"
        return out
    template = "{" + ", ".join(f'"{key}": %s' for key, _column in fields) + "}"
    columns = [column.tolist() for _key, column in fields]
    out[:] = [template % row for row in zip(*columns, strict=True)]
    return out


def figure_blocks(spec: Spec, cuts: Cuts, min_n: int, extras: bool = True) -> list[dict]:
    """The figures of every one of `cuts`, one block per figure code: "code" and "kind", and
    for each of "value", "n", "positive", "low", "high", "low_n" an array with one element per
    cut. An item's response rate is "rate" (None for a composite, which has none), and the rest
    of its `extra` is "extra" (JSON text without the rate, or None: nothing more). "keep" is
    None, or False where the cut has no such figure. "levels" pairs each level of a
    distribution with the count column behind it (empty: not a distribution).

    Without `extras`, a distribution's shares and counts are left out of "extra": the view
    reports_indexresult builds them from the counts kept on the cut (IndexRun.levels)."""
    size = len(cuts)

    # Every count as float64 at once: a column at a time cost 20 to 50 µs each, a sixth of an
    # update after 1,000 answers. One zero column more: the count of a name the cuts lack.
    names = cuts.names
    padded = np.zeros((size, len(names) + 1))
    padded[:, : len(names)] = cuts.counts
    index = {name: i for i, name in enumerate(names)}

    def cols(wanted: list[str]) -> np.ndarray:
        return padded[:, [index.get(name, len(names)) for name in wanted]]

    def col(name: str) -> np.ndarray:
        return padded[:, index.get(name, len(names))]

    responses = col("responses")
    blocks: list[dict] = []

    def emit(code, kind, value, n, positive, low, high, low_n, rate, extra, keep=None, levels=()):
        blocks.append(
            {"code": code, "kind": kind, "value": value, "n": n, "positive": positive,
             "low": low, "high": high, "low_n": low_n, "rate": rate, "extra": extra,
             "keep": keep, "levels": levels}
        )  # fmt: skip

    nothing = np.full(size, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        # The items' rates, and the scored items' values and intervals, for all of them at once
        # (a cut per row, an item per column): the same arithmetic element by element, in a
        # tenth of the calls (the calls, not the arithmetic, were most of an update's figures).
        # A count the cuts lack reads as 0 (the zero column).
        ns = cols([f"n:{item.code}" for item in spec.items])
        rates = np.where(responses[:, None] > 0, _round4(100 * ns / responses[:, None]), np.nan)
        scored = [item for item in spec.items if item.positive and not item.is_multi]
        n_scored = cols([f"n:{item.code}" for item in scored])
        positives = cols([f"pos:{item.code}" for item in scored])
        values = np.where(n_scored > 0, _round4(100 * positives / n_scored), np.nan)
        lows, highs = wilson(positives, n_scored)
        at_scored = {item.code: k for k, item in enumerate(scored)}
        item_values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for j, item in enumerate(spec.items):
            n = ns[:, j]
            keep = None
            if item.role in ("profile", "procedure"):
                keep = n > 0  # counted for the whole campaign only
            item_rate = rates[:, j]
            fields = []
            if item.positive and not item.is_multi:
                k = at_scored[item.code]
                pos, value, low, high = positives[:, k], values[:, k], lows[:, k], highs[:, k]
                n_eff = n
                if f"w:n:{item.code}" in index:
                    w_n, w_pos = col(f"w:n:{item.code}"), col(f"w:pos:{item.code}")
                    w2_n = col(f"w2:n:{item.code}")
                    value = np.where(w_n > 0, _round4(100 * w_pos / w_n), np.nan)
                    n_eff = np.where(w2_n > 0, w_n * w_n / w2_n, 0.0)
                    low, high = wilson(np.where(w_n > 0, w_pos / w_n, 0.0) * n_eff, n_eff)
                    low[~(w_n > 0)] = np.nan
                    high[~(w_n > 0)] = np.nan
                    fields.append(("weighted", np.full(size, "true", dtype=object)))
                    fields.append(("n_eff", _json_numbers(np.floor(n_eff * 10 + 0.5) / 10)))
                if item.role not in ("perception", "profile", "procedure"):
                    kind = "expectation" if item.role == "expectation" else "item"
                    item_values[item.code] = (value, n_eff)
                    extra = _object(fields, size) if fields else None
                    emit(
                        item.code, kind, value, n, pos, low, high, n < min_n, item_rate, extra, keep
                    )
                    continue
            if item.levels:
                keys = [str(v) for v in item.levels]
                levels = [(key, f"lvl:{item.code}:{key}") for key in keys]
                extra = None
                if extras:  # always, with weights (a weighted run keeps no counts)
                    # As JSON only where the cut has the figure (a profile question: the campaign).
                    rows = np.arange(size) if keep is None else np.flatnonzero(keep)
                    counts = [col(name)[rows] for _key, name in levels]
                    shares = [
                        np.where(n[rows] > 0, _round4(100 * c / n[rows]), np.nan) for c in counts
                    ]
                    fields = [(name, text[rows]) for name, text in fields]
                    fields.append(("shares", _json_objects(keys, shares)))
                    fields.append(("counts", _json_objects(keys, counts)))
                    extra = np.full(size, "{}", dtype=object)
                    extra[rows] = _object(fields, len(rows))
                kind = "expectation" if item.role == "expectation" else "share"
                emit(
                    item.code, kind, nothing, n, nothing, nothing, nothing, n < min_n, item_rate,
                    extra, keep, levels,
                )  # fmt: skip

        def composite(code: str, kind: str, parts: list[tuple[np.ndarray, np.ndarray]]):
            """Emit the composite; its (value, mean n truncated) for the next level up."""
            if not parts:
                parts = [(nothing, np.zeros(size))]
            # Added left to right, as Python's sum() in figures_from_tally: a mean of values with
            # four decimals often falls on a half, where the last bit decides the rounding.
            total, total_n, count = np.zeros(size), np.zeros(size), np.zeros(size)
            for v, n in parts:
                have = ~np.isnan(v)
                total = total + np.where(have, v, 0.0)
                total_n = total_n + np.where(have, n, 0.0)
                count = count + have
            mean = np.where(count > 0, total / count, np.nan)
            n_eff = np.where(count > 0, total_n / count, 0.0)
            low, high = wilson(np.where(count > 0, mean / 100 * n_eff, 0.0), n_eff)
            low[count == 0] = np.nan
            high[count == 0] = np.nan
            value = _round4(mean)
            emit(code, kind, value, responses, nothing, low, high, responses < min_n, None, None)
            return value, np.floor(n_eff)

        missing = (nothing, np.zeros(size))
        element_values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for element in spec.elements:
            if element.kind != "index":
                continue
            if spec.element_rule == "general" and element.general_item:
                parts = [item_values.get(element.general_item, missing)]
            else:
                parts = [item_values.get(code, missing) for code in element.criteria]
            element_values[element.code] = composite(f"E:{element.code}", "element", parts)
        aspect_values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for aspect in spec.aspects:
            parts = [
                element_values[e.code]
                for e in spec.elements
                if e.aspect_code == aspect and e.code in element_values
            ]
            aspect_values[aspect] = composite(f"A:{aspect}", "aspect", parts)
        if spec.overall_rule == "item" and spec.overall_item:
            parts = [item_values.get(spec.overall_item, missing)]
        elif spec.overall_rule == "aspects" and aspect_values:
            parts = list(aspect_values.values())
        else:
            parts = list(element_values.values())
        composite("OVERALL", "overall", parts)

    return blocks


def _kept(blocks: list[dict], size: int) -> np.ndarray:
    """Which figures each cut has: a row per cut, a column per block."""
    return np.column_stack(
        [np.ones(size, dtype=bool) if b["keep"] is None else b["keep"] for b in blocks]
    )


# reports_indexcut's columns, in the order of figures_copy's rows: not the codes and kinds of the
# figures, kept on the run (`figure_layout`).
WIDE_COLUMNS = [
    "campaign_id", "cut", "cut_key", "figures", "numbers", "counts", "extras", "engine_version",
    "data_version",
]  # fmt: skip
# The numbers of a figure in IndexCut.numbers, in this order, each a big-endian int32.
NUMBERS = ("value", "n", "positive", "low", "high", "rate", "low_n")
# A number that has no value (NaN here, NULL in the view).
NONE = -(2**31)
# PostgreSQL's type oid of jsonb, as binary COPY names it in an array.
_JSONB = 3802
_NULL = struct.pack(">i", -1)


def figures_copy(
    campaign_id: int,
    cuts: Cuts,
    blocks: list[dict],
    versions: tuple[str, str],
    counts: np.ndarray | None = None,
) -> tuple[list[bytes], int]:
    """The figures of `blocks` as rows of reports_indexcut (one per cut, WIDE_COLUMNS) in
    PostgreSQL's binary COPY format, without its header and trailer; and the number of figures.
    `counts` (one row per cut, each below 2**31) are the counts kept with each cut, as
    little-endian int32; a block's "extra" is written (as jsonb[]) only when there are none.

    A cut's figures are one bytea, `numbers`: for each figure, in the order of the blocks, the
    seven int32 of NUMBERS, the percentages (value, interval, rate) in ten-thousandths, as the
    engine rounds them. PostgreSQL stores it as it comes: an array of numbers costs it a call
    per element, and seven such arrays with their JSON took it 58 µs a national cut, against
    10 µs for this bytea without the JSON. NONE stands for
    a missing value, interval or rate, -1 for a missing count of positive answers; an n of -1
    marks a figure the cut does not have (a profile question nobody in it answered); a rate of
    -1 (-10000) marks a figure without one (a composite). The view reports_indexresult turns
    them back into NULLs and leaves those out.
    """
    size = len(cuts)
    cut, key = cuts.cut, cuts.key
    real = is_cut(cut, key)
    rows = np.flatnonzero(real)
    keep = _kept(blocks, size)[rows]
    whole = bool(real.all())  # no row to leave out (the usual case): no copies

    def matrix(name: str, missing: float = np.nan) -> np.ndarray:
        values = [np.full(size, missing) if b[name] is None else b[name] for b in blocks]
        stacked = np.column_stack(values)
        return stacked if whole else stacked[rows]

    # The fixed part of every row at once, each field with its size: figures, numbers, counts.
    fields = [("figures", ">i4"), ("numbers", ">i4", (len(blocks), len(NUMBERS)))]
    if counts is not None:
        fields.append(("counts", "<i4", counts.shape[1:]))
    layout = np.dtype(
        [part for name, *form in fields for part in ((f"{name}_size", ">i4"), (name, *form))]
    )
    fixed = np.empty(len(rows), dtype=layout)
    for name, *_form in fields:
        fixed[f"{name}_size"] = layout[name].itemsize
    figures = keep.sum(axis=1)
    fixed["figures"] = figures
    numbers = fixed["numbers"]
    n = matrix("n")
    numbers[:, :, 1] = np.where(keep, n, -1)
    numbers[:, :, 2] = np.nan_to_num(matrix("positive"), nan=-1)
    numbers[:, :, 6] = matrix("low_n")
    for at, name, missing in ((0, "value", np.nan), (3, "low", np.nan), (4, "high", np.nan),
                              (5, "rate", -1.0)):  # fmt: skip
        numbers[:, :, at] = _grid(matrix(name, missing))
    if counts is not None:
        fixed["counts"] = counts if whole else counts[rows]
    data = fixed.tobytes()
    step = layout.itemsize
    head = struct.pack(">hi", len(WIDE_COLUMNS), 8) + struct.pack(">q", campaign_id)
    tail = b"".join(_field(v.encode()) for v in versions)
    if counts is None:
        rests = [
            _NULL + extras + tail for extras in _jsons([b["extra"] for b in blocks], rows, keep)
        ]
    else:
        rests = [_NULL + tail] * len(rows)
    # A row: the head with the cut's kind (a few kinds: each made once), the key, then slices.
    heads = {kind: head + _field(kind.encode()) for kind in set(cut[rows].tolist())}
    view = memoryview(data)
    length = _INT.pack
    out = [
        b"".join((heads[kind], length(len(name)), name, view[i * step : (i + 1) * step], rest))
        for i, (kind, name, rest) in enumerate(
            zip(cut[rows].tolist(), [k.encode() for k in key[rows].tolist()], rests, strict=True)
        )
    ]
    return out, int(figures.sum())


def _grid(values: np.ndarray) -> np.ndarray:
    """Percentages with four decimals (engine.round4) as whole ten-thousandths, NONE for NaN."""
    with np.errstate(invalid="ignore"):
        grid = np.rint(values * 10000)
    have = ~np.isnan(values)
    # Read back as k / 10000 in float8, each must give the very same number.
    if not ((grid / 10000 == values) | ~have).all():
        raise ValueError("a figure off the grid of four decimals")
    return np.where(have, grid, NONE)


def figure_layout(
    blocks: list[dict], names: list[str]
) -> tuple[list[str], list[str], list[list[list]]]:
    """The code and kind of each figure of figures_copy's rows, and where the view finds the
    counts of a distribution's levels: for each figure, [level, index into `names`] per level
    (-1: never counted, 0). No levels without `names`: the rows then carry their "extra"."""
    at = {name: i for i, name in enumerate(names)}
    levels = [[[key, at.get(name, -1)] for key, name in b["levels"]] for b in blocks]
    return [b["code"] for b in blocks], [b["kind"] for b in blocks], levels if names else []


_INT = struct.Struct(">i")


def _field(data: bytes) -> bytes:
    return _INT.pack(len(data)) + data


def _jsons(columns: list[np.ndarray | None], rows: np.ndarray, keep: np.ndarray) -> list[bytes]:
    """A jsonb[] field per row: each block's JSON text, NULL where it has none."""
    cells = []
    for b, column in enumerate(columns):
        if column is None:
            cells.append(None)
            continue
        texts = column[rows]
        # jsonb's binary form: a version byte, then the text.
        cells.append(
            [
                _field(b"\x01" + t.encode()) if k else _NULL
                for t, k in zip(texts, keep[:, b], strict=True)
            ]
        )
    # Most blocks have no JSON: each run of them is one constant piece of NULLs.
    pieces: list = []
    for cell in cells:
        if cell is None and pieces and isinstance(pieces[-1], bytes):
            pieces[-1] += _NULL
        else:
            pieces.append(_NULL if cell is None else cell)
    head = struct.pack(">iiiii", 1, 1, _JSONB, len(columns), 1)
    out = []
    for i in range(len(rows)):
        body = b"".join([p if isinstance(p, bytes) else p[i] for p in pieces])
        out.append(_field(head + body))
    return out
