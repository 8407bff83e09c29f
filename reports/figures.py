"""Every figure of every cut at once, column by column: the full recompute's fast path.

The rules are those of `engine.figures_from_tally` (which the incremental update and the tests
use one cut at a time); `test_figures_frame` holds the two equal on random tallies. With
thousands of agencies a campaign has a million figures, and a loop in Python over them, one
dict and one json.dumps each, cost more than the scans.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reports.engine import Z95, Spec

COLUMNS = ["cut", "key", "code", "kind", "value", "n", "positive", "low", "high", "low_n", "extra"]


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
    out[rest] = [repr(float(v)) for v in values[rest]]
    return out


def _object(fields: list[tuple[str, np.ndarray]], size: int) -> np.ndarray:
    """A JSON object per row from (key, JSON text column) pairs."""
    if not fields:
        return np.full(size, "{}", dtype=object)
    text = np.full(size, "{", dtype=object)
    for i, (key, column) in enumerate(fields):
        text = text + (", " if i else "") + f'"{key}": ' + column
    return text + "}"


def figures_frame(spec: Spec, tallies: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The figures of every cut of `tallies` (engine.tally_frame), one row per figure, with
    COLUMNS; `extra` is JSON text. Rows come cut by cut in the order of figures_from_tally."""
    size = len(tallies)

    def col(name: str) -> np.ndarray:
        if name in tallies.columns:
            return tallies[name].to_numpy(dtype="float64")
        return np.zeros(size)

    responses = col("responses")
    blocks: list[dict] = []

    def emit(code, kind, value, n, positive, low, high, low_n, extra, keep=None):
        blocks.append(
            {"code": code, "kind": kind, "value": value, "n": n, "positive": positive,
             "low": low, "high": high, "low_n": low_n, "extra": extra, "keep": keep}
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
            fields = [("rate", _json_numbers(rate(n)))]
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
                    extra = _object(fields, size)
                    emit(item.code, kind, value, n, pos, low, high, n < min_n, extra, keep)
                    continue
            if item.levels:
                counts = {v: col(f"lvl:{item.code}:{v}") for v in item.levels}
                shares = {
                    v: np.where(n > 0, _round4(100 * c / n), np.nan) for v, c in counts.items()
                }
                fields.append(
                    (
                        "shares",
                        _object([(str(v), _json_numbers(s)) for v, s in shares.items()], size),
                    )
                )
                fields.append(
                    (
                        "counts",
                        _object([(str(v), _json_numbers(c)) for v, c in counts.items()], size),
                    )
                )
                kind = "expectation" if item.role == "expectation" else "share"
                extra = _object(fields, size)
                emit(item.code, kind, nothing, n, nothing, nothing, nothing, n < min_n, extra, keep)

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
            empty = np.full(size, "{}", dtype=object)
            emit(code, kind, value, responses, nothing, low, high, responses < min_n, empty)
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

    return _long(tallies, blocks)


def _long(tallies: pd.DataFrame, blocks: list[dict]) -> pd.DataFrame:
    """The blocks (one figure of every cut each) as rows, cut by cut."""
    size = len(tallies)
    count = len(blocks)
    # Row r of block b goes to position r * count + b: each cut's figures stay together.
    frame = pd.DataFrame(
        {
            "cut": np.repeat(tallies["cut"].to_numpy(dtype=object), count),
            "key": np.repeat(tallies["key"].to_numpy(dtype=object), count),
            "code": np.tile(np.array([b["code"] for b in blocks], dtype=object), size),
            "kind": np.tile(np.array([b["kind"] for b in blocks], dtype=object), size),
        }
    )
    for name in ("value", "n", "positive", "low", "high", "low_n", "extra"):
        frame[name] = np.column_stack([b[name] for b in blocks]).reshape(-1)
    keep = np.column_stack(
        [np.ones(size, dtype=bool) if b["keep"] is None else b["keep"] for b in blocks]
    ).reshape(-1)
    # A NULL group (e.g. no district in the 2-tier era) is not a cut.
    keep &= (frame["cut"].to_numpy() == "campaign") | (frame["key"].to_numpy() != "")
    frame = frame[keep].reset_index(drop=True)
    frame["n"] = frame["n"].astype("int64")
    frame["positive"] = frame["positive"].astype("float64").round().astype("Int64")
    for name in ("value", "low", "high"):
        frame[name] = frame[name].astype("float64")
    frame["low_n"] = frame["low_n"].astype(bool)
    return frame[COLUMNS]
