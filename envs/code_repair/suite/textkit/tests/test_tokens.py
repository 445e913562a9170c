import pytest
from textkit import ngrams, sentences, tokenize, word_counts


def test_tokenize_lowercases_and_splits():
    assert tokenize("Hello, World! It's 2024.") == ["hello", "world", "it", "s", "2024"]


def test_tokenize_keeps_hyphen_and_underscore():
    assert tokenize("state-of-the-art snake_case") == ["state-of-the-art", "snake_case"]


def test_tokenize_keep_punct():
    assert tokenize("Hi, you!", keep_punct=True) == ["hi", ",", "you", "!"]
    assert tokenize("a + b", keep_punct=True) == ["a", "b"]


def test_tokenize_empty():
    assert tokenize("") == []
    assert tokenize("  ...  ") == []


def test_sentences():
    text = "First one. Second one! Third? Trailing"
    assert sentences(text) == ["First one.", "Second one!", "Third?", "Trailing"]


def test_sentences_decimal_not_split():
    assert sentences("Pi is 3.14 roughly. Yes.") == ["Pi is 3.14 roughly.", "Yes."]


def test_ngrams():
    toks = ["a", "b", "c", "d"]
    assert ngrams(toks, 2) == [("a", "b"), ("b", "c"), ("c", "d")]
    assert ngrams(toks, 4) == [("a", "b", "c", "d")]
    assert ngrams(toks, 5) == []
    assert ngrams(toks, 1) == [("a",), ("b",), ("c",), ("d",)]


def test_ngrams_rejects_zero():
    with pytest.raises(ValueError):
        ngrams(["a"], 0)


def test_word_counts_order_and_threshold():
    text = "b a c a b a d"
    assert word_counts(text) == [("a", 3), ("b", 2), ("c", 1), ("d", 1)]
    assert word_counts(text, min_count=2) == [("a", 3), ("b", 2)]
