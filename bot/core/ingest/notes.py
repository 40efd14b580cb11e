"""Reading show notes: HTML to clean text and lines, links, and the guests they name."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.core.models import Chapter, Link

# Tags that end a visual line in show notes; everything else flows inline.
_LINE_BREAKING_TAGS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr"}
)
_INVISIBLE_TAGS = frozenset({"script", "style", "head", "title", "template"})
_WHITESPACE_RE = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")
_BARE_URL_RE = re.compile(r"https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?]")


# Notes that use any of these are HTML: their source line breaks are only wrapping, not lines.
_HTML_TAG_RE = re.compile(
    r"<\s*/?\s*(?:p|br|div|li|ul|ol|a|span|strong|b|i|em|u|h[1-6]|table|tr|td|img|hr|"
    r"blockquote|pre|code|figure|section)\b",
    re.IGNORECASE,
)


class _NotesParser(HTMLParser):
    def __init__(self, html_markup: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.html_markup = html_markup
        self._pre_depth = 0
        self.chunks: list[str] = []
        self.links: list[Link] = []
        self._hidden_depth = 0
        self._open_href: str | None = None
        self._anchor_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre_depth += 1
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth += 1
        elif tag in _LINE_BREAKING_TAGS:
            self.chunks.append("\n")
        elif tag == "a":
            href = dict(attrs).get("href")
            self._open_href = href.strip() if href else None
            self._anchor_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LINE_BREAKING_TAGS:
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
        if tag in _INVISIBLE_TAGS:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _LINE_BREAKING_TAGS:
            self.chunks.append("\n")
        elif tag == "a" and self._open_href:
            label = _WHITESPACE_RE.sub(" ", "".join(self._anchor_text)).strip()
            self.links.append(Link(label=label or self._open_href, url=self._open_href))
            self._open_href = None

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self.html_markup and not self._pre_depth:
            data = data.replace("\r", " ").replace("\n", " ")  # wrapping in the HTML source
        self.chunks.append(data)
        if self._open_href is not None:
            self._anchor_text.append(data)


def _parse(markup: str) -> _NotesParser:
    parser = _NotesParser(html_markup=bool(_HTML_TAG_RE.search(markup)))
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):
        # HTMLParser raises on a few pathological inputs; fall back to dropping anything tag-like.
        parser = _NotesParser(html_markup=False)
        parser.chunks = [html.unescape(re.sub(r"<[^>]*>?", "\n", markup))]
    return parser


@dataclass(frozen=True, slots=True)
class Notes:
    """Show notes read once: visible lines, clean text and links."""

    lines: list[str]
    links: list[Link]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_notes(markup: str) -> Notes:
    parsed = _parse(markup or "")
    lines = _visible_lines(parsed)
    return Notes(lines=lines, links=_links(parsed, lines))


def _visible_lines(parsed: _NotesParser) -> list[str]:
    text = "".join(parsed.chunks)
    lines = (_WHITESPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return [line for line in lines if line]


def html_to_lines(markup: str) -> list[str]:
    """Visible text of HTML show notes, one entry per visual line, blank lines dropped."""
    return _visible_lines(_parse(markup or ""))


def html_to_text(markup: str) -> str:
    return "\n".join(html_to_lines(markup))


def _links(parsed: _NotesParser, lines: list[str]) -> list[Link]:
    """Links in the notes, anchors first, then bare URLs, each URL once."""
    seen: set[str] = set()
    links: list[Link] = []
    for link in parsed.links:
        if link.url.startswith(("http://", "https://")) and link.url not in seen:
            seen.add(link.url)
            label = link.label if link.label != link.url else _label_before_url(parsed, link.url)
            links.append(Link(label=label, url=link.url))
    for line in lines:
        if "http" not in line:
            continue
        for match in _BARE_URL_RE.finditer(line):
            if match.group(0) not in seen:
                seen.add(match.group(0))
                links.append(Link(label=_label_from_line(line, match.start()) or match.group(0), url=match.group(0)))
    return links


def _label_before_url(parsed: _NotesParser, url: str) -> str:
    """Show notes often read 'Label: https://…' with only the URL linked; use that label."""
    text = "".join(parsed.chunks)
    position = text.find(url)
    if position <= 0:
        return url
    line_start = text.rfind("\n", 0, position) + 1
    return _label_from_line(text[line_start : position + len(url)], position - line_start) or url


def _label_from_line(line: str, url_start: int) -> str:
    prefix = line[:url_start].rstrip(" :-–—(").strip()
    # Only a short 'Label:' directly before the URL is a label; prose is not.
    if not prefix or len(prefix) > 90 or prefix.endswith((".", ",")):
        return ""
    prefix = re.split(r"(?<=[.!?)])\s+", prefix)[-1]
    return prefix.strip(' "“”')


# A person's name: capitalised words without digits or inner capitals (so not "StyleX" or "Buck2").
_NAME = r"[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?(?!\w)"
_NAME_LIST = rf"{_NAME}(?:(?:, | and |, and | & ){_NAME})*"
_GUEST_PATTERNS = (
    re.compile(rf"\bwith ({_NAME_LIST})$"),  # title: "Kotlin at Facebook with Sergey"
    re.compile(rf"\b(?:feat\.?|ft\.?|featuring) ({_NAME_LIST})"),  # "Scaling search feat. Ada Lovelace"
    re.compile(rf"\|\s*({_NAME})$"),  # "Scaling search | Ada Lovelace"
)
# "Guest: Ada Lovelace", "Guests: Ada and Grace" on a line of their own in the notes.
_GUEST_LINE = re.compile(rf"^\s*(?:guests?|speakers?|featuring|with)\s*:\s*({_NAME_LIST})", re.IGNORECASE)
_CHAPTER_GUEST_PATTERNS = (
    re.compile(rf"^(?:Intro(?:duction|ducing)?|Meet|Interview:?|Welcome)\s+({_NAME})$"),
    re.compile(rf"^({_NAME})(?:'s)?\s+(?:Intro(?:duction)?|Origin Story)$"),
    re.compile(rf"^Who is ({_NAME})\??$"),
)
_NOTES_GUEST_PATTERNS = (
    re.compile(
        rf"\b(?:talks? (?:to|with)|chats? with|speaks? (?:to|with)|joined by|spoke with|sits down with)\s+(?:(?:Meta |software |production |research |fellow )?(?:engineers?|scientists?|managers?) )?({_NAME_LIST})"
    ),
    re.compile(rf"\b(?:engineers|guests|guest)\s+({_NAME_LIST})"),
    # "Alice, Ishan and Hani join Pascal", "Fabio joins host Pascal", "Ada joins us"
    re.compile(rf"\b({_NAME_LIST}),? joins? (?:(?:our |the )?host |us\b|the (?:show|podcast)\b|[A-Z][a-z]+\b)"),
    # "Durham and Michael, two of the architects behind …"
    re.compile(rf"\b({_NAME}(?:, {_NAME})*,? and {_NAME}), (?:two|three|four|both)\b"),
    # "… explores neuromotor interfaces with Jesse, Lauren, and Sean." (people a sentence about a
    # conversation ends with; "built with Litho and Yoga." names products, not guests)
    re.compile(
        rf"\b(?:talks?|chats?|speaks?|sits? down|explores?|joined|interviews?|discuss\w*)\b[^.!?]*?"
        rf"\bwith ({_NAME}(?:, {_NAME})*,? and {_NAME})[.!?]"
    ),
    # "Kenan, an engineering manager on …", "Shane, a research scientist at Meta"
    re.compile(
        rf"\b({_NAME}), (?:an? |the )?(?:engineering manager|software engineer|production engineer|"
        rf"research scientist|data scientist|developer advocate|product manager|director)\b"
    ),
)
_NOT_NAMES = frozenset(
    "Meta Facebook Instagram WhatsApp Threads Messenger Android iOS Rust Kotlin Java Python The This "
    "Our We In On And Intro Outro Pascal Host Episode Team Engineering Reality Labs Topic Interview Prep "
    "Inside News Guest Guests Bloopers Outtakes Origin Story She He They It We You His Her Their "
    # Products, languages and companies that follow "with" in titles as often as people do.
    "Flutter React Swift Docker Kubernetes Go Golang Rails Django Linux Git GitHub Google Apple Amazon "
    "Microsoft Figma Unity Unreal Postgres Redis Kafka Spark Terraform Vue Angular Svelte Node Deno Bun "
    "Scala Haskell Elixir Erlang Ruby Perl Dart Zig Nix Vim Emacs Chrome Firefox Safari Windows Mac "
    "Xcode Gradle Bazel Buck Jetpack Compose Llama PyTorch Tensor Copilot Claude Gemini".split()
)
# Words that make a name a company's or a product's: "with Example Labs", "with Acme Inc".
_ORGANISATION_WORDS = frozenset("Inc Ltd Corp Labs Technologies Systems Software Group Studios Media AI".split())


def extract_guests(title: str, chapters: tuple[Chapter, ...] | list[Chapter], notes_text: str) -> tuple[str, ...]:
    """Names of guests, from the title ("… with Marc"), intro chapters and the notes' first lines."""
    found: list[str] = []

    def add(names: str) -> None:
        for name in re.split(r", and |, | and | & ", names):
            name = re.sub(r"['’]s$", "", name.strip())
            words = name.split(" ")
            if (
                name
                and words[0] not in _NOT_NAMES
                and not _ORGANISATION_WORDS.intersection(words)
                and name not in found
            ):
                found.append(name)

    for pattern in _GUEST_PATTERNS:
        if match := pattern.search(title or ""):
            add(match.group(1))
    for chapter in chapters:
        for pattern in _CHAPTER_GUEST_PATTERNS:
            if match := pattern.match(chapter.title.strip()):
                add(match.group(1))
    opening = (notes_text or "")[:1200]
    for pattern in _NOTES_GUEST_PATTERNS:
        for match in pattern.finditer(opening):
            add(match.group(1))
    for line in (notes_text or "")[:5000].split("\n"):
        if match := _GUEST_LINE.match(line):
            add(match.group(1))
    return tuple(found)
