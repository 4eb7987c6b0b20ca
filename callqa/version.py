"""The callqa version (a leaf: every floor may import it; `callqa.__version__` is the same)."""

__version__ = "0.1.0"
