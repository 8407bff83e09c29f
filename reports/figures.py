"""Every figure of every cut at once, column by column: the full recompute's fast path.

The rules are those of `engine.figures_from_tally` (which the tests use one cut at a time);
`test_figures_frame` holds the two equal on random tallies. With thousands of agencies a
campaign has a million figures, and a loop in Python over them, one dict and one json.dumps
each, cost more than the scans. `figure_blocks` computes them, `figures_copy` lays them out as
the rows of reports_indexcut.
"""

from __future__ import annotations

import struct

import numpy as np
import pandas as pd

from reports.engine import Z95, Spec, count_columns, real_cuts


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


def figure_blocks(spec: Spec, tallies: pd.DataFrame, min_n: int) -> list[dict]:
    """The figures of every cut of `tallies`, one block per figure code: "code" and "kind", and
    for each of "value", "n", "positive", "low", "high", "low_n" an array with one element per
    row of `tallies`. An item's response rate is "rate" (None for a composite, which has none),
    and the rest of its `extra` is "extra" (JSON text without the rate, or None: nothing more).
    "keep" is None, or False where the cut has no such figure."""
    size = len(tallies)

    # Every count as float64 at once: a column at a time cost 20 to 50 µs each, a sixth of an
    # update after 1,000 answers.
    names = count_columns(tallies)
    matrix = tallies[names].to_numpy(dtype="float64")
    columns = {name: matrix[:, i] for i, name in enumerate(names)}

    def col(name: str) -> np.ndarray:
        found = columns.get(name)
        return np.zeros(size) if found is None else found

    responses = col("responses")
    blocks: list[dict] = []

    def emit(code, kind, value, n, positive, low, high, low_n, rate, extra, keep=None):
        blocks.append(
            {"code": code, "kind": kind, "value": value, "n": n, "positive": positive,
             "low": low, "high": high, "low_n": low_n, "rate": rate, "extra": extra,
             "keep": keep}
        )  # fmt: skip

    nothing = np.full(size, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = lambda n: np.where(responses > 0, _round4(100 * n / responses), np.nan)  # noqa: E731
        item_values: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        for item in spec.items:
            n = col(f"n:{item.code}")
            keep = None
            if item.role in ("profile", "procedure"):
                keep = n > 0  # counted for the whole campaign only
            item_rate = rate(n)
            fields = []
            if item.positive and not item.is_multi:
                pos = col(f"pos:{item.code}")
                value = np.where(n > 0, _round4(100 * pos / n), np.nan)
                low, high = wilson(pos, n)
                n_eff = n
                if f"w:n:{item.code}" in tallies.columns:
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
                # As JSON only where the cut has the figure (a profile question: the campaign).
                rows = np.arange(size) if keep is None else np.flatnonzero(keep)
                counts = [col(f"lvl:{item.code}:{v}")[rows] for v in item.levels]
                shares = [np.where(n[rows] > 0, _round4(100 * c / n[rows]), np.nan) for c in counts]
                keys = [str(v) for v in item.levels]
                fields = [(name, text[rows]) for name, text in fields]
                fields.append(("shares", _json_objects(keys, shares)))
                fields.append(("counts", _json_objects(keys, counts)))
                kind = "expectation" if item.role == "expectation" else "share"
                extra = np.full(size, "{}", dtype=object)
                extra[rows] = _object(fields, len(rows))
                emit(
                    item.code, kind, nothing, n, nothing, nothing, nothing, n < min_n, item_rate,
                    extra, keep,
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
    "campaign_id", "cut", "cut_key", "figures", "figure_values", "ns", "positives", "lows",
    "highs", "low_ns", "rates", "extras", "engine_version", "data_version", "counts",
]  # fmt: skip
# PostgreSQL's type oids of the array elements, as binary COPY names them.
_OIDS = {">f8": 701, ">i4": 23, "?": 16, "jsonb": 3802}
_NULL = struct.pack(">i", -1)


def figures_copy(
    campaign_id: int,
    tallies: pd.DataFrame,
    blocks: list[dict],
    versions: tuple[str, str],
    counts: np.ndarray | None = None,
) -> tuple[list[bytes], int]:
    """The figures of `blocks` as rows of reports_indexcut (one per cut, WIDE_COLUMNS) in
    PostgreSQL's binary COPY format, without its header and trailer; and the number of figures.
    `counts` (one row per row of `tallies`, each below 2**31) are the counts kept with each cut,
    as int32.

    Binary, and with no NULL inside the numeric arrays, so that numpy lays out every array at
    once and PostgreSQL parses no text: NaN stands for a missing value, interval or rate, -1 for
    a missing n or count of positive answers. An n of -1 marks a figure the cut does not have
    (a profile question nobody in it answered). A rate of -1 marks a figure without one (a
    composite). The view reports_indexresult turns them back into NULLs and leaves those out.
    """
    size = len(tallies)
    cut = tallies["cut"].to_numpy(dtype=object)
    key = tallies["key"].to_numpy(dtype=object)
    rows = np.flatnonzero(real_cuts(tallies))
    keep = _kept(blocks, size)[rows]

    def matrix(name: str, missing: float = np.nan) -> np.ndarray:
        values = [np.full(size, missing) if b[name] is None else b[name] for b in blocks]
        return np.column_stack(values).astype("float64")[rows]

    n = matrix("n")
    n[~keep] = -1
    positive = np.nan_to_num(matrix("positive"), nan=-1)
    columns = [
        _numbers(matrix("value"), ">f8"),
        _numbers(n, ">i4"),
        _numbers(positive, ">i4"),
        _numbers(matrix("low"), ">f8"),
        _numbers(matrix("high"), ">f8"),
        _numbers(matrix("low_n"), "?"),
        _numbers(matrix("rate", missing=-1.0), ">f8"),
        _jsons([b["extra"] for b in blocks], rows, keep),
    ]
    head = struct.pack(">hi", len(WIDE_COLUMNS), 8) + struct.pack(">q", campaign_id)
    tail = b"".join(_field(v.encode()) for v in versions)
    if counts is None:
        kept = [_NULL] * len(rows)
    else:
        kept = [_field(row.tobytes()) for row in counts[rows].astype("<i4")]
    out = []
    figures = keep.sum(axis=1)
    for i, r in enumerate(rows):
        names = _field(cut[r].encode()) + _field(key[r].encode()) + _int4(figures[i])
        out.append(b"".join((head, names, *(c[i] for c in columns), tail, kept[i])))
    return out, int(keep.sum())


def figure_layout(blocks: list[dict]) -> tuple[list[str], list[str]]:
    """The code and kind of each element of the figure arrays of figures_copy's rows."""
    return [b["code"] for b in blocks], [b["kind"] for b in blocks]


def _field(data: bytes) -> bytes:
    return struct.pack(">i", len(data)) + data


def _int4(value: int) -> bytes:
    return struct.pack(">ii", 4, int(value))


def _array_head(oid_key: str, count: int, has_null: bool = False) -> bytes:
    """One dimension of `count` elements, numbered from 1."""
    return struct.pack(">iiiii", 1, int(has_null), _OIDS[oid_key], count, 1)


def _numbers(matrix: np.ndarray, dtype: str) -> list[bytes]:
    """A field per row of `matrix`: an array of its numbers, none NULL."""
    count = matrix.shape[1]
    cells = np.empty(matrix.shape, dtype=[("size", ">i4"), ("value", dtype)])
    cells["size"] = np.dtype(dtype).itemsize
    cells["value"] = matrix
    data = cells.tobytes()
    step = count * cells.dtype.itemsize
    head = _array_head(dtype, count)
    prefix = struct.pack(">i", len(head) + step) + head
    return [prefix + data[i : i + step] for i in range(0, len(data), step)]


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
    head = _array_head("jsonb", len(columns), True)
    out = []
    for i in range(len(rows)):
        body = b"".join([p if isinstance(p, bytes) else p[i] for p in pieces])
        out.append(_field(head + body))
    return out
