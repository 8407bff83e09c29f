"""The column-wise figures as a long frame, one row per figure: the reference the tests hold the
stored figures (IndexCut rows read through the view IndexResult) and engine.figures_from_tally
equal to. The engine itself writes the blocks as IndexCut rows (reports.figures.figures_copy)."""

import numpy as np
import pandas as pd

from reports.engine import Cuts, Spec, is_cut
from reports.figures import _json_numbers, _kept, figure_blocks

COLUMNS = ["cut", "key", "code", "kind", "value", "n", "positive", "low", "high", "low_n", "extra"]


def figures_frame(spec: Spec, tallies: pd.DataFrame, min_n: int) -> pd.DataFrame:
    """The figures of every cut of `tallies` (engine.tally_frame), one row per figure, with
    COLUMNS; `extra` is JSON text. Rows come cut by cut in the order of figures_from_tally."""
    return _long(tallies, figure_blocks(spec, Cuts.of(tallies), min_n))


def _extra(block: dict, size: int) -> np.ndarray:
    """The whole JSON text of a block's `extra`: its rate first, then the rest."""
    rest = block["extra"]
    if block["rate"] is None:
        return np.full(size, "{}", dtype=object) if rest is None else rest
    rate = '{"rate": ' + _json_numbers(block["rate"])
    return (
        rate + "}" if rest is None else rate + ", " + np.array([r[1:] for r in rest], dtype=object)
    )


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
    for name in ("value", "n", "positive", "low", "high", "low_n"):
        frame[name] = np.column_stack([b[name] for b in blocks]).reshape(-1)
    frame["extra"] = np.column_stack([_extra(b, size) for b in blocks]).reshape(-1)
    real = is_cut(tallies["cut"].to_numpy(), tallies["key"].to_numpy())
    keep = _kept(blocks, size).reshape(-1) & np.repeat(real, count)
    frame = frame[keep].reset_index(drop=True)
    frame["n"] = frame["n"].astype("int64")
    frame["positive"] = frame["positive"].astype("float64").round().astype("Int64")
    for name in ("value", "low", "high"):
        frame[name] = frame[name].astype("float64")
    frame["low_n"] = frame["low_n"].astype(bool)
    return frame[COLUMNS]
