"""HTML building blocks escape every string from the data."""

from __future__ import annotations

from briefing.components import bullet_list, flag, paragraph, slug, table, tag

HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def test_text_is_escaped_everywhere():
    for fragment in (
        paragraph(HOSTILE),
        bullet_list([HOSTILE]),
        flag(HOSTILE, HOSTILE),
        table([(HOSTILE, HOSTILE)], [HOSTILE], caption=HOSTILE),
    ):
        html = str(fragment)
        assert "<script>" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_attribute_values_are_escaped():
    html = str(tag("a", "x", href='javascript:alert(1)" onclick="x'))
    assert 'onclick="x"' not in html and "&#34;" in html


def test_tables_have_captions_and_scoped_headers():
    html = str(table([("Press releases", "40")], ["Output", "Count"], caption="Outputs", numeric=(1,)))
    assert "<caption>Outputs</caption>" in html
    assert '<th scope="col">Output</th>' in html and '<th scope="row">Press releases</th>' in html
    assert '<td class="number">40</td>' in html


def test_slug():
    assert slug("Members' questions at the last precept meeting") == "members-questions-at-the-last-precept-meeting"
