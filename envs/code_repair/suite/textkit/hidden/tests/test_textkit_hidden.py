from textkit import (
    camel_case,
    center,
    common_prefix,
    levenshtein,
    ngrams,
    sentences,
    snake_case,
    tokenize,
    truncate,
    word_counts,
    wrap,
)


def test_hidden_case_roundtrip():
    for name in ["load_user_profile", "x", "parse_http_request"]:
        assert snake_case(camel_case(name)) == name


def test_hidden_wrap_limits():
    text = "one two three four five six seven eight nine ten"
    for width in range(3, 20):
        lines = wrap(text, width)
        assert " ".join(lines) == text
        assert all(len(line) <= width or " " not in line for line in lines)


def test_hidden_tokens_and_ngrams():
    toks = tokenize("To be, or not to be: that is the question.")
    assert len(ngrams(toks, 3)) == len(toks) - 2
    assert word_counts("To be, or not to be", min_count=2) == [("be", 2), ("to", 2)]


def test_hidden_sentences_count():
    assert len(sentences("A. B? C! D")) == 4
    assert sentences("  ") == []


def test_hidden_distances():
    assert levenshtein("abc", "") == 3
    assert levenshtein("ab", "ba") == 2
    assert common_prefix(["prefix", "prefixes", "pre"]) == "pre"


def test_hidden_fitting():
    assert len(center("x", 7)) == 7
    assert truncate("abcdefghij", 6) == "abc..."
    assert truncate("abcdef", 6) == "abcdef"
