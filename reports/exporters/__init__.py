"""Excel and CSV reports: one exporter base (base.py) and one module per report.

Importing this package registers every report in `EXPORTERS` (identifier → class).
"""

# Each module registers its report when imported.
from reports.exporters import agency, progress, raw, summary  # noqa: F401
from reports.exporters.base import EXPORTERS, ExportContext, Exporter, register, safe_cell


def get_exporter(identifier: str) -> Exporter:
    """A new instance of the report named `identifier`; KeyError when there is none."""
    return EXPORTERS[identifier]()


__all__ = ["EXPORTERS", "ExportContext", "Exporter", "get_exporter", "register", "safe_cell"]
