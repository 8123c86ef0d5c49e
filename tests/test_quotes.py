"""The verbatim check, locators and a source's text as marked paragraphs (argmap/quotes.py):
pure Python, no database."""

from argmap.quotes import characters_in, check_quote, html_to_text, locator_for, marked_paragraphs

TEXT = "Title line\nThe UK’s “AI growth zones”  will\tgrow.\nAnother paragraph here."


def test_a_quote_is_found_with_whitespace_and_curly_quotes_normalised():
    found = check_quote(TEXT, 'The UK\'s "AI growth zones" will grow.')
    assert found.found
    assert TEXT[found.start : found.end] == "The UK’s “AI growth zones”  will\tgrow."


def test_a_quote_across_a_line_break_is_found():
    assert check_quote(TEXT, "will grow. Another paragraph").found


def test_a_quote_differing_by_one_character_is_not_found_and_says_where():
    quote = "The UK's AI growth zones"  # the source has quotation marks around AI growth zones
    found = check_quote(TEXT, quote)
    assert not found.found
    assert found.differs_at == quote.index("AI") + 1
    assert "character 10" in found.message(quote, TEXT)


def test_case_and_dashes_are_not_normalised():
    assert not check_quote("A well-known fact.", "a well-known fact").found
    assert not check_quote("A well-known fact.", "A well–known fact").found


def test_a_locator_names_the_paragraph_and_the_characters():
    found = check_quote(TEXT, "Another paragraph")
    assert locator_for(TEXT, found.start, found.end) == f"¶3, characters {found.start + 1}–{found.end}"
    assert characters_in("¶3, characters 12–40") == (12, 40)
    assert characters_in("page 4") is None


def test_marked_paragraphs_cut_each_paragraph_where_passages_begin_and_end():
    found = check_quote(TEXT, "will grow. Another")
    paragraphs = marked_paragraphs(TEXT, [(found.start, found.end, "claim 1")])
    assert [p.number for p in paragraphs] == [1, 2, 3]
    assert not paragraphs[0].cited
    second, third = paragraphs[1].segments, paragraphs[2].segments
    assert [s.text for s in second if s.marks] == ["will\tgrow."]
    assert [s.text for s in third if s.marks] == ["Another"]
    assert [s.ends for s in third if s.marks] == [["claim 1"]]  # the link back goes where the passage ends
    assert "".join(s.text for p in paragraphs for s in p.segments) == TEXT.replace("\n", "")


def test_html_becomes_text_with_a_paragraph_per_block_and_no_scripts():
    html = "<html><head><title>T</title><style>p{}</style></head><body><h1>Title</h1>" \
        "<p>One &amp; <b>two</b>\n three</p><script>alert(1)</script><p>Four</p></body></html>"  # fmt: skip
    assert html_to_text(html) == "Title\nOne & two three\nFour"
