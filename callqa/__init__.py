"""callqa: self-hosted quality analysis of recorded call-center calls."""

__version__ = "0.1.0"
