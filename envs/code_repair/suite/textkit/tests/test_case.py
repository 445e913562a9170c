from textkit import camel_case, kebab_case, snake_case, title_case
from textkit.case import split_words


def test_split_words_forms():
    assert split_words("parseHttpRequest") == ["parse", "http", "request"]
    assert split_words("parse_http-request now") == ["parse", "http", "request", "now"]
    assert split_words("__private__") == ["private"]


def test_split_words_acronym_stays_together():
    assert split_words("HTTPServer") == ["httpserver"]
    assert split_words("getURL") == ["get", "url"]


def test_snake_case():
    assert snake_case("parseHttpRequest") == "parse_http_request"
    assert snake_case("Already_snake") == "already_snake"


def test_kebab_case():
    assert kebab_case("parse_http_request") == "parse-http-request"


def test_camel_case():
    assert camel_case("parse_http_request") == "parseHttpRequest"
    assert camel_case("single") == "single"
    assert camel_case("") == ""
    assert camel_case("--") == ""


def test_title_case_minor_words():
    assert title_case("the lord OF the rings") == "The Lord of the Rings"
    assert title_case("a tale of two cities") == "A Tale of Two Cities"
    assert title_case("") == ""
