"""Formula-safe CSV cells: text a spreadsheet would run as a formula is written as text.

The OWASP rule (CSV injection): a cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is prefixed with a single quote, which spreadsheets show as text and never evaluate. Real numbers are left
alone (``-12.5`` stays a number). ``--raw-csv`` turns this off for machine pipelines that read the CSV back.
"""

from __future__ import annotations

import re

import pandas as pd

#: First characters that make a spreadsheet evaluate a cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A plain decimal number (optionally signed, with an exponent): safe as it is.
NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: What neutralised cells start with.
QUOTE = "'"


def neutralise(value: object) -> object:
    """``value`` made safe to open in a spreadsheet: formula-like text gets a leading quote; anything else as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.fullmatch(value):
        return QUOTE + value
    return value


def restore(value: object) -> object:
    """The inverse of :func:`neutralise`, for incmap's own CSV read back: the guarding quote taken off again."""
    if isinstance(value, str) and value.startswith(QUOTE) and neutralise(value[1:]) == value:
        return value[1:]
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (numeric columns are numbers already)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out
