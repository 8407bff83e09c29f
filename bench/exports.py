"""Exports of ctx.size answers: the summary workbook, and the raw answers as XLSX and as CSV.

Baselines, reading the same rows by the raw exporter's own query: xlsxwriter in constant-memory
mode writing the rows the exporter yields, and a plain `COPY (that query) TO STDOUT CSV`. Each run
is a fresh child process (`python -m bench.exports KIND CAMPAIGN OUT`) so that its peak memory is
its own; the child times its work (not its start-up) and reads its peak itself (VmHWM).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import Row, peak_memory_kb

ROOT = Path(__file__).resolve().parent.parent
XLSX_PEAK_MB = 300
CSV_LIMIT = 3


# --- In the child: one export to a file -----------------------------------------------------------


def _export(kind: str, fmt: str, campaign, out: Path) -> int:
    """The report written as manage.py export_report writes it; returns the data rows."""
    from reports.exporters import EXPORTERS, ExportContext
    from reports.indices import campaign_data_version

    exporter = EXPORTERS[kind]()
    ctx = ExportContext(campaign=campaign)
    exporter.prepare(ctx)
    ctx.data_version, _max_id = campaign_data_version(campaign)
    with out.open("wb") as fh:
        return exporter.render(fmt, ctx, fh).rows


def _xlsxwriter(campaign, out: Path) -> int:
    """The raw exporter's sheets (its query, its rows) written by xlsxwriter, constant memory."""
    import xlsxwriter
    from django.conf import settings
    from django.utils import translation
    from django.utils.functional import Promise

    from reports.exporters import ExportContext, get_exporter
    from reports.exporters.base import DATETIME, NUMBER_FORMATS, Column, Total

    exporter = get_exporter("raw")
    book = xlsxwriter.Workbook(
        str(out), {"constant_memory": True, "default_date_format": NUMBER_FORMATS[DATETIME]}
    )
    bold = book.add_format({"bold": True})
    formats = {k: book.add_format({"num_format": v}) for k, v in NUMBER_FORMATS.items()}
    written = 0
    # In the language the exporter writes in, as Exporter.render does.
    with translation.override(settings.LANGUAGE_CODE):
        for sheet in exporter.iterate_sheets(ExportContext(campaign=campaign)):
            ws = book.add_worksheet(sheet.name)
            rows = iter(sheet.rows)
            header: list[Column] = next(rows)
            for j, column in enumerate(header):
                ws.set_column(j, j, column.width, formats.get(column.fmt))
            ws.write_row(0, 0, [str(c.title) for c in header], bold)
            ws.freeze_panes(1, 0)
            r = 1
            for row in rows:
                if type(row) is Total:
                    continue
                if not sheet.counted:
                    # The codebook's labels are lazy translations; the data rows plain values.
                    row = [str(v) if isinstance(v, Promise) else v for v in row]
                ws.write_row(r, 0, row)
                r += 1
            if sheet.counted:
                written += r - 1
    book.close()
    return written


def _raw_query(exporter, ctx) -> tuple[str, list]:
    """The SQL and parameters by which the raw exporter reads a chunk of rows, caught as it runs,
    widened to the whole id range the export covers."""
    from django.db import connection

    seen: list[tuple[str, list]] = []

    def catch(execute, sql, params, many, context):
        seen.append((sql, list(params or ())))
        return execute(sql, params, many, context)

    rows = exporter.iterate_sheets(ctx)
    data = next(rows).rows
    with connection.execute_wrapper(catch):
        next(data), next(data), next(data)  # the header, the Total, the first row
    data.close()
    _total, ranges = exporter.chunks(ctx)
    sql, params = seen[-1]
    # The last two parameters are the chunk's id bounds (after, up to).
    return sql, [*params[:-2], ranges[0][0], ranges[-1][1]]


def _copy(campaign, out: Path) -> int:
    """The same rows as one plain COPY … TO STDOUT CSV, written to the file as they come."""
    from django.db import connection

    from reports.exporters import ExportContext, get_exporter

    sql, params = _raw_query(get_exporter("raw"), ExportContext(campaign=campaign))
    statement = f"COPY ({connection.ops.compose_sql(sql, params)}) TO STDOUT (FORMAT csv)"
    with connection.cursor() as cursor, out.open("wb") as fh:
        with cursor.cursor.copy(statement) as copy:
            for data in copy:
                fh.write(data)
        return cursor.cursor.rowcount


# kind → (file extension, what the child runs), in the order they run.
RUNS = {
    "summary": ("xlsx", lambda campaign, out: _export("summary", "xlsx", campaign, out)),
    "raw-xlsx": ("xlsx", lambda campaign, out: _export("raw", "xlsx", campaign, out)),
    "xlsxwriter": ("xlsx", _xlsxwriter),
    "raw-csv": ("csv", lambda campaign, out: _export("raw", "csv", campaign, out)),
    "copy": ("csv", _copy),
}


def child(kind: str, code: str, out: str) -> None:
    import django

    django.setup()
    from surveys.models import Campaign

    campaign = Campaign.objects.select_related("questionnaire", "organiser").get(code=code)
    started = time.perf_counter()
    rows = RUNS[kind][1](campaign, Path(out))
    seconds = time.perf_counter() - started
    peak_kb = peak_memory_kb()
    size = Path(out).stat().st_size
    print(json.dumps({"seconds": seconds, "rows": rows, "bytes": size, "peak_kb": peak_kb}))


# --- In the bench: one child per run --------------------------------------------------------------


def _start(kind: str, code: str, out: Path) -> subprocess.Popen:
    """One export in a fresh Python."""
    # Our own arguments: the kind, the bench campaign's code and a temporary path.
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "bench.exports", kind, code, str(out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )


def _finish(proc: subprocess.Popen) -> dict:
    """The child's report, with its peak resident memory in MB."""
    output, _ = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(proc.args[1:])} failed ({proc.returncode})")
    got = json.loads(output.decode().strip().splitlines()[-1])
    got["peak_mb"] = got["peak_kb"] / 1024
    return got


def run(ctx) -> list[Row]:
    from bench.pages import indices_ready

    # The summary brings the indices up to date first: do it here, outside its timing.
    indices_ready(ctx.campaign)
    code = ctx.campaign.code
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        outs = {kind: Path(tmp) / f"{kind}.{ext}" for kind, (ext, _run) in RUNS.items()}
        if ctx.smoke:
            # A smoke run only proves the path works and its timings mean nothing: the children
            # run side by side, which saves most of their start-up time.
            started = {kind: _start(kind, code, out) for kind, out in outs.items()}
            got = {kind: _finish(proc) for kind, proc in started.items()}
        else:
            # One at a time, so that no run shares the machine with another.
            got = {kind: _finish(_start(kind, code, out)) for kind, out in outs.items()}
    for kind, report in got.items():
        print(
            f"  exports {kind}: {report['seconds']:.2f} s, peak {report['peak_mb']:.0f} MB, "
            f"{report['rows']:,} rows, {report['bytes']:,} bytes",
            flush=True,
        )
    summary, xlsx, writer = got["summary"], got["raw-xlsx"], got["xlsxwriter"]
    csv, copy = got["raw-csv"], got["copy"]
    if not xlsx["rows"] == writer["rows"] == csv["rows"] == copy["rows"] == ctx.size:
        raise RuntimeError(f"raw exports and baselines wrote different rows: {got}")
    xlsx_ok = xlsx["seconds"] <= writer["seconds"] and xlsx["peak_mb"] < XLSX_PEAK_MB
    csv_ratio = csv["seconds"] / copy["seconds"]
    return [
        Row(
            "summary workbook (xlsx), time and peak memory",
            f"{summary['seconds']:.2f} s, peak {summary['peak_mb']:.0f} MB",
            "—",
            "—",
            "none (reported)",
            "—",
        ),
        Row(
            "raw export xlsx vs xlsxwriter",
            f"{xlsx['seconds']:.1f} s, peak {xlsx['peak_mb']:.0f} MB",
            f"xlsxwriter constant-memory {writer['seconds']:.1f} s, "
            f"peak {writer['peak_mb']:.0f} MB",
            f"{xlsx['seconds'] / writer['seconds']:.2f} × the time",
            f"≤ 1 × and peak < {XLSX_PEAK_MB} MB",
            "yes" if xlsx_ok else "no",
        ),
        Row(
            "raw export csv vs COPY",
            f"{csv['seconds']:.1f} s, peak {csv['peak_mb']:.0f} MB",
            f"COPY … TO STDOUT CSV {copy['seconds']:.1f} s",
            f"{csv_ratio:.2f} ×",
            f"≤ {CSV_LIMIT} × COPY",
            "yes" if csv_ratio <= CSV_LIMIT else "no",
        ),
    ]


if __name__ == "__main__":
    child(*sys.argv[1:4])
