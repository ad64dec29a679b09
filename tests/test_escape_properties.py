"""The Markdown escaper on generated text, checked with a CommonMark parser (markdown-it, tables on)."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from analyzer.report.escape import Slugger, escape_inline, escape_prose, github_slug

PARSER = MarkdownIt("commonmark").enable("table")

# Characters with Markdown meaning, mixed into ordinary text so the search finds their combinations.
markdown_text = st.lists(
    st.one_of(
        st.sampled_from(list("<>|`*_[]()!#-+=~:&\\/ \t\n\r.1") + ["javascript:", "http://x.y", "<!--", "-->", "```"]),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=30,
).map("".join)

BLOCK_TOKENS = {
    "heading_open",
    "blockquote_open",
    "bullet_list_open",
    "ordered_list_open",
    "fence",
    "code_block",
    "hr",
    "html_block",
    "table_open",
}


def inline_tokens(markdown: str):
    for token in PARSER.parse(markdown):
        yield token
        for child in token.children or []:
            yield child


def unescaped_pipes(text: str) -> int:
    count = 0
    escaped = False
    for character in text:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "|":
            count += 1
    return count


@settings(max_examples=300)
@given(markdown_text)
@example("[x](javascript:alert(1))")
@example("<script>alert(1)</script> | <!-- c -->")
def test_escape_inline_is_inert(text: str) -> None:
    escaped = escape_inline(text)

    assert "<" not in escaped
    assert "\n" not in escaped
    assert unescaped_pipes(escaped) == 0
    row = f"| a | b |\n|---|---|\n| {escaped} | x |\n"
    tokens = list(inline_tokens(row))
    types = [token.type for token in tokens]
    assert types.count("td_open") == 2
    assert not {"link_open", "image", "html_inline", "html_block"} & set(types)


@settings(max_examples=300)
@given(markdown_text)
def test_escape_inline_heading_keeps_level(text: str) -> None:
    tokens = PARSER.parse(f"### {escape_inline(text)}\n")
    assert [token.type for token in tokens if token.type.endswith("_open")] == ["heading_open"]
    assert tokens[0].tag == "h3"


@settings(max_examples=500)
@given(markdown_text)
@example("text\n=")
@example("text\n-")
@example("-")
@example("1.")
@example("|\n-:")
@example("a\n:-|-")
@example("    indented code")
def test_escape_prose_has_no_block_syntax(text: str) -> None:
    escaped = escape_prose(text)
    types = {token.type for token in inline_tokens(escaped)}
    assert not BLOCK_TOKENS & types, escaped
    assert not {"link_open", "image", "html_inline"} & types, escaped


@given(markdown_text)
def test_escape_prose_after_label(text: str) -> None:
    # Prose follows a bold label or a list marker in the report.
    escaped = escape_prose(text)
    types = {token.type for token in inline_tokens(f"- **标签**：{escaped}\n")}
    assert not (BLOCK_TOKENS - {"bullet_list_open"}) & types, escaped
    assert not {"link_open", "image", "html_inline"} & types, escaped


# Headings whose slugs are repeats of each other's: `a`, `a-1`, `a-1-1`, ...
slug_texts = st.sampled_from(["a", "A", "a-1", "a 1", "a-1-1", "a-2", "a 2 1", "b", "b-1", "-", "-1", "1", "a1"])


@settings(max_examples=500)
@given(st.lists(slug_texts, max_size=40), st.sets(slug_texts, min_size=1, max_size=4))
@example(["a", "a", "a-1", "a"], {"a-1"})
@example(["a-1", "a", "a"], {"a"})
def test_watched_slugger_matches_full(headings: list[str], linked: set[str]) -> None:
    full = Slugger()
    watched = Slugger(only=linked)
    linked_slugs = {github_slug(text) for text in linked}
    for text in headings:
        expected = full.slug(text)
        got = watched.slug(text)
        if github_slug(text) in linked_slugs:
            assert got == expected, (headings, linked, text)
