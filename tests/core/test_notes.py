from bot.core.ingest.notes import extract_guests, html_to_lines, html_to_text, read_notes
from bot.core.models import Chapter


def test_html_becomes_lines_and_entities_are_decoded():
    markup = "<p>Caddy &amp; friends</p><ul><li>One</li><li>Two<br>Three</li></ul><script>alert(1)</script>"
    assert html_to_lines(markup) == ["Caddy & friends", "One", "Two", "Three"]


def test_broken_html_still_gives_text():
    assert "Unclosed" in html_to_text("<p>Unclosed <b>bold <a href='x'>link")
    assert html_to_text("<<<>>>") is not None


def test_links_are_labelled_from_anchor_text_or_the_text_before_them():
    markup = (
        '<p>Caddy video: <a href="https://heycaddy.net/">https://heycaddy.net/</a></p>'
        '<p><a href="https://example.com/post">The post</a></p>'
        "<p>Bare: https://bare.example/path.</p>"
    )
    assert [(l.label, l.url) for l in read_notes(markup).links] == [
        ("Caddy video", "https://heycaddy.net/"),
        ("The post", "https://example.com/post"),
        ("Bare", "https://bare.example/path"),
    ]


def test_guests_from_title_chapters_and_notes():
    chapters = (
        Chapter(6, "Intro"),
        Chapter(132, "Ed Intro"),
        Chapter(195, "Introduction Elaine"),
        Chapter(300, "Who is Steve?"),
        Chapter(400, "Topic Intro"),
    )
    guests = extract_guests(
        "Kotlin at Facebook with Sergey", chapters, "Pascal talks with Navid Qaragozlou and Joshua Selbo about builds."
    )
    assert guests == ("Sergey", "Ed", "Elaine", "Steve", "Navid Qaragozlou", "Joshua Selbo")


def test_product_names_and_host_are_not_guests():
    assert extract_guests("CSS at Scale with StyleX", (), "Pascal is joined by Melissa.") == ("Melissa",)


def test_guests_named_in_the_notes_in_the_ways_hosts_write_them():
    def guests(notes):
        return extract_guests("An episode", (), notes)

    assert guests("Alice, Ishan and Hani join Pascal to talk about calling.") == ("Alice", "Ishan", "Hani")
    assert guests("Durham and Michael, two of the architects behind it, explain.") == ("Durham", "Michael")
    assert guests("Pascal explores interfaces with Jesse, Lauren, and Sean. Tune in!") == ("Jesse", "Lauren", "Sean")
    assert guests("Our host sits down with Shane, a research scientist at Meta.") == ("Shane",)
    assert guests("She joins the show to talk about product management.") == ()


def test_products_after_with_are_still_not_guests():
    assert extract_guests("An episode", (), "The app was built with Litho and Yoga. It is fast.") == ()
