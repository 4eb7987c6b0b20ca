"""Accuracy evaluation: labelled calls (truth files), metrics (DER, WER/CER, tolerances), `callqa eval`."""
