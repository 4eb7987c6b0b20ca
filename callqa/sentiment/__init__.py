"""Offline sentiment per utterance (−5..5, Contact Lens' scale), per party, per quarter, and the customer's trend."""

from callqa.sentiment.scale import label_of, to_scale
from callqa.sentiment.scorers import SentimentScore, SentimentScorer, load_scorer

__all__ = ["SentimentScore", "SentimentScorer", "label_of", "load_scorer", "to_scale"]
