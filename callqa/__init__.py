"""callqa: self-hosted quality analysis of recorded call-center calls."""

from callqa.version import __version__

__all__ = ["__version__", "load_results"]


def __getattr__(name: str):
    """`callqa.load_results(path)`: a results folder as pandas DataFrames (imported on first use)."""
    if name == "load_results":
        from callqa.report.load import load_results

        return load_results
    raise AttributeError(f"module 'callqa' has no attribute {name!r}")
