"""Record text that stays text through folium's rendering: escaped for HTML and JSON, and never a Jinja template.

folium renders each element's template, then wraps the *output* in a new ``branca.element.Element``, whose
constructor compiles that output as a Jinja template and renders it again. Record text that reached the page
as written would be evaluated there: a title ``{{ 7*7 }}`` showed "49", and Jinja expressions can call Python.
So every piece of record text is written without a Jinja delimiter (``{{``, ``{%``, ``{#``): in HTML the braces
are character references, in JSON (read by JavaScript) ``\\u007b``; both show a plain brace to the reader.
Our own templates come from :func:`template`, whose ``inert_json`` filter does this for data.
"""

from __future__ import annotations

import html
import json
import re

import jinja2
from jinja2.utils import htmlsafe_json_dumps

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
    JavaScript reads ``\\u007b`` as ``{``). Structural JSON never has ``{`` before ``{``, ``%`` or ``#``."""
    text = str(htmlsafe_json_dumps(value, dumps=json.dumps, sort_keys=True))  # exactly Jinja's ``tojson``
    return _JINJA_OPEN.sub(r"\\u007b", text)


_ENV = jinja2.Environment(autoescape=False)
_ENV.filters["inert_json"] = inert_json


def template(source: str) -> jinja2.Template:
    """A Jinja template for incmap's map elements, with the ``inert_json`` filter for any data it embeds."""
    return _ENV.from_string(source)
