"""Record text that stays text through folium's rendering: escaped for HTML and JSON, and never a Jinja template.

folium renders each element's template, then wraps the *output* in a new ``branca.element.Element``, whose
constructor compiles that output as a Jinja template and renders it again. Record text that reached the page
as written would be evaluated there: a title ``{{ 7*7 }}`` showed "49", and Jinja expressions can call Python.
So every piece of record text is written without a Jinja delimiter (``{{``, ``{%``, ``{#``): in HTML the braces
are character references, in JSON (read by JavaScript) ``\\u007b``; both show a plain brace to the reader.
Our own templates come from :func:`template`, whose ``inert_json`` filter does this for data.

Inside :func:`outputs_as_text` (how incmap renders its maps) rendered outputs are not compiled at all: they are kept as
text, which also saves compiling megabytes of data as a template (10^5 incidents: about 0.4 s). The escaping stays.
"""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import jinja2
from branca.element import Element, Figure, MacroElement
from jinja2.utils import htmlsafe_json_dumps

#: Line ends Jinja's lexer turns into "\n".
_NEWLINES = re.compile(r"\r\n|\r")
#: An opening brace that would start a Jinja tag (``{{``, ``{%``, ``{#``).
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")
#: Characters made entities in HTML text: braces (Jinja), and those special in the JavaScript template literals
#: folium wraps popups and tooltips in (backtick, dollar, backslash).
_HTML_EXTRA = str.maketrans({"{": "&#123;", "}": "&#125;", "`": "&#96;", "$": "&#36;", "\\": "&#92;"})


def inert_html(value: str) -> str:
    """``value`` as HTML text: markup escaped (quotes too), no Jinja delimiter, safe in a JS template literal."""
    return html.escape(value, quote=True).translate(_HTML_EXTRA)


def inert_json(value: object) -> str:
    """``value`` as JSON safe inside an HTML <script> and free of Jinja delimiters (strings keep every character:
    JavaScript reads ``\\u007b`` as ``{``). Structural JSON never has ``{`` before ``{``, ``%`` or ``#``. Jinja's
    ``tojson`` escaping, with compact separators (10^5 records: 0.2 MB less page)."""
    text = str(htmlsafe_json_dumps(value, dumps=json.dumps, sort_keys=True, separators=(",", ":")))
    return _JINJA_OPEN.sub(r"\\u007b", text)


_ENV = jinja2.Environment(autoescape=False)
_ENV.filters["inert_json"] = inert_json


def template(source: str) -> jinja2.Template:
    """A Jinja template for incmap's map elements, with the ``inert_json`` filter for any data it embeds."""
    return _ENV.from_string(source)


class Text(Element):
    """An element whose output is the text it holds (not compiled as a template), with newlines as Jinja leaves them:
    ``\r\n`` and ``\r`` made ``\n``, one trailing newline dropped; so pages are byte for byte what they were."""

    def __init__(self, text: str) -> None:
        super().__init__()
        text = _NEWLINES.sub("\n", text) if "\r" in text else text
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, **kwargs) -> str:
        return self.text


def _render_as_text(self: MacroElement, **kwargs) -> None:
    """branca 0.8's ``MacroElement.render`` with the macros' outputs kept as :class:`Text` instead of compiled."""
    figure = self.get_root()
    assert isinstance(figure, Figure), "You cannot render this Element if it is not in a Figure."
    for part, parent in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
        macro = self._template.module.__dict__.get(part, None)
        if macro is not None:
            parent.add_child(Text(macro(self, kwargs)), name=self.get_name())
    for element in self._children.values():
        element.render(**kwargs)


_PATCH_LOCK = threading.RLock()


@contextmanager
def outputs_as_text() -> Iterator[None]:
    """While the block runs, every ``MacroElement`` (folium's layers, incmap's elements) keeps its rendered output as
    text. Process-wide, so blocks are serialised; the original method is back afterwards, even after an error."""
    with _PATCH_LOCK:
        original = MacroElement.render
        MacroElement.render = _render_as_text
        try:
            yield
        finally:
            MacroElement.render = original
