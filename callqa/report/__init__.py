"""Reports for supervisors (static HTML, CSV/XLSX agent summary) and `load_results` for analysts."""

from callqa.report.load import Results, load_results

__all__ = ["Results", "load_results"]
