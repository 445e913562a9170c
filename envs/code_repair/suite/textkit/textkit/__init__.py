"""Small text utilities: tokenizing, case conversion, wrapping and edit distance."""

from textkit.case import camel_case, kebab_case, snake_case, title_case
from textkit.distance import common_prefix, hamming, levenshtein
from textkit.tokens import ngrams, sentences, tokenize, word_counts
from textkit.wrap import center, truncate, wrap

__all__ = [
    "camel_case",
    "center",
    "common_prefix",
    "hamming",
    "kebab_case",
    "levenshtein",
    "ngrams",
    "sentences",
    "snake_case",
    "title_case",
    "tokenize",
    "truncate",
    "word_counts",
    "wrap",
]
