"""Search across calls: `callqa search RESULTS "query"` over the stored utterances (callqa/search/*.py)."""
