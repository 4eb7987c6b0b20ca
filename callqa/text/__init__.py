"""Language text tools: normalization, tokens with times, fuzzy phrase and name matching, lexicons."""

from callqa.text.lexicon import PhraseBook, load_phrasebook
from callqa.text.match import PhraseMatch, find_name, find_phrases, name_variants, similarity
from callqa.text.normalize import normalize_text, to_simplified
from callqa.text.syllables import count_syllables
from callqa.text.tokens import Token, tokenize_text, tokens_of_utterance, tokens_of_utterances
from callqa.text.translit import latin_key, latin_to_ru, phonetic_key, ru_to_latin

__all__ = [
    "PhraseBook",
    "PhraseMatch",
    "Token",
    "count_syllables",
    "find_name",
    "find_phrases",
    "latin_key",
    "latin_to_ru",
    "load_phrasebook",
    "name_variants",
    "normalize_text",
    "phonetic_key",
    "ru_to_latin",
    "similarity",
    "to_simplified",
    "tokenize_text",
    "tokens_of_utterance",
    "tokens_of_utterances",
]
