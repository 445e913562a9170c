import pytest
from textkit import center, common_prefix, hamming, levenshtein, truncate, wrap


def test_wrap_greedy():
    assert wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"]


def test_wrap_exact_fit_and_long_word():
    assert wrap("abcd efgh", 9) == ["abcd efgh"]
    assert wrap("abcd efgh", 8) == ["abcd", "efgh"]
    assert wrap("tiny enormousword x", 5) == ["tiny", "enormousword", "x"]
    assert wrap("", 5) == []
    with pytest.raises(ValueError):
        wrap("a", 0)


def test_truncate():
    assert truncate("hello world", 8) == "hello..."
    assert truncate("hello", 5) == "hello"
    assert truncate("hello!", 5, marker="~") == "hell~"
    with pytest.raises(ValueError):
        truncate("hello", 2)


def test_center():
    assert center("ab", 6) == "  ab  "
    assert center("ab", 5, "*") == "*ab**"
    assert center("abc", 2) == "abc"
    with pytest.raises(ValueError):
        center("a", 4, "--")


def test_levenshtein():
    assert levenshtein("kitten", "sitting") == 3
    assert levenshtein("sitting", "kitten") == 3
    assert levenshtein("", "abc") == 3
    assert levenshtein("same", "same") == 0
    assert levenshtein("flaw", "lawn") == 2


def test_hamming():
    assert hamming("karolin", "kathrin") == 3
    assert hamming("", "") == 0
    with pytest.raises(ValueError):
        hamming("a", "ab")


def test_common_prefix():
    assert common_prefix(["interval", "internal", "interview"]) == "inter"
    assert common_prefix(["abc"]) == "abc"
    assert common_prefix(["abc", "xyz"]) == ""
    assert common_prefix(["abc", "ab"]) == "ab"
    assert common_prefix([]) == ""
