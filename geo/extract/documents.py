"""Articles in: plain-text and HTML files, directories of them, or standard input, each read into a Document.

Offsets of everything found later index into ``Document.text``: for a text file that is the file's
text exactly; for HTML it is the article text trafilatura extracts (navigation, cookie banners and
comments left out). A file that cannot be used (binary, empty, too large, undecodable) is a
:class:`Skipped` with the reason, and the other files go on.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Extensions read from a directory (other files in it are ignored); a file named on the command line is read whatever its name.
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: Largest article read (bytes): a news article is a few tens of kB; anything far larger is not one.
MAX_BYTES = 5_000_000
#: Share of NUL or control bytes above which a file is binary, not text.
BINARY_SHARE = 0.01
_HTML_START = re.compile(rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<article\b|<div\b|<p\b)", re.IGNORECASE)
_CONTROL = bytes(range(0, 32)).replace(b"\t", b"").replace(b"\n", b"").replace(b"\r", b"").replace(b"\x0c", b"")


@dataclass
class Document:
    """One article: the text incmap read (offsets index into it) and what is known about it."""

    name: str  # the file name without its directory ("<stdin>" for standard input)
    source: str  # the path or URL it came from
    text: str
    fmt: str  # "text" or "html"
    title: str | None = None
    published: dt.date | None = None  # from HTML metadata or --date (the dateline is read later)
    publication: str | None = None  # site name from HTML metadata or --source
    url: str | None = None


@dataclass
class Skipped:
    """A file that was not read, and why (one line)."""

    name: str
    source: str
    reason: str


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """Files to read: each input as given, a directory's article files in name order, ``-`` for stdin."""
    out: list[str] = []
    for item in inputs:
        path = Path(item)
        if item != "-" and path.is_dir():
            out += [str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES + HTML_SUFFIXES]
        else:
            out.append(item)
    return out


def read_documents(inputs: Iterable[str], *, max_bytes: int = MAX_BYTES, source: str | None = None,
                   published: dt.date | None = None) -> Iterator[Document | Skipped]:  # fmt: skip
    """Every input as a Document, or a Skipped naming the file and the reason (files and directories; ``-`` is stdin)."""
    for item in expand_inputs(inputs):
        yield read_document(item, max_bytes=max_bytes, source=source, published=published)


def read_document(item: str, *, max_bytes: int = MAX_BYTES, source: str | None = None, published: dt.date | None = None) -> Document | Skipped:
    """One file (or ``-``) as a Document or a Skipped."""
    name = "<stdin>" if item == "-" else Path(item).name
    try:
        data = _read_bytes(item, max_bytes)
    except ValueError as exc:
        return Skipped(name, item, str(exc))
    if not data.strip():
        return Skipped(name, item, "empty file")
    if _is_binary(data):
        return Skipped(name, item, "binary file (not text or HTML)")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Skipped(name, item, f"not UTF-8 text (bad byte at offset {exc.start}); re-save it as UTF-8")
    is_html = Path(item).suffix.lower() in HTML_SUFFIXES or bool(_HTML_START.match(data[:2048]))
    doc = _from_html(name, item, raw) if is_html else Document(name, item, raw, "text")
    if doc is None or not doc.text.strip():
        return Skipped(name, item, "no article text found in the HTML")
    doc.publication = source or doc.publication
    doc.published = published or doc.published
    return doc


def _read_bytes(item: str, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes`` (a larger file is refused without reading it whole)."""
    if item == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        path = Path(item)
        try:
            if path.stat().st_size > max_bytes:
                raise ValueError(f"too large ({path.stat().st_size:,} bytes; the limit is {max_bytes:,}: an article, not a corpus)")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ValueError("no such file") from None
        except IsADirectoryError:
            raise ValueError("is a directory") from None
        except OSError as exc:
            raise ValueError(f"cannot read ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise ValueError(f"too large (more than {max_bytes:,} bytes: an article, not a corpus)")
    return data


def _is_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 64 kB: not a text file."""
    head = data[:65536]
    return b"\x00" in head or sum(head.count(bytes([c])) for c in _CONTROL) > BINARY_SHARE * len(head)


def _from_html(name: str, source: str, html: str) -> Document | None:
    """The article text of an HTML page and its metadata (trafilatura: boilerplate, navigation and comments left out)."""
    import trafilatura

    found = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True)
    if found is None or not getattr(found, "text", None):
        return None
    published = None
    if getattr(found, "date", None):
        try:
            published = dt.date.fromisoformat(str(found.date)[:10])
        except ValueError:
            published = None
    return Document(name, source, found.text, "html", title=found.title, published=published,
                    publication=found.sitename or found.hostname, url=found.url)  # fmt: skip
