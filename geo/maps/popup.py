"""What an incident's popup says: display text per field, computed once per column for the whole frame.

Marker popups (``popup_html``) and the canvas layer's compact columns both read ``popup_columns``, so a
field is formatted in one place. Values are plain text here; they are escaped where they meet HTML
(:func:`geo.maps.inert.inert_html`) or put on the page with ``textContent`` by the canvas layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.maps.inert import inert_html

#: (record field, popup label) in display order. "border_text" is derived from border_km/border_km_max/border.
POPUP_FIELDS = (("title", "Title"), ("date", "Date"), ("type", "Type"), ("place", "Place as written"), ("matched_name", "Matched as"),
                ("precision", "Precision"), ("uncertainty_text", "Uncertainty"), ("border_text", "Border"), ("source", "Source"), ("quote", "Quote"),
                ("summary", "Summary"), ("description", "Description"))  # fmt: skip
#: Fields tried in order for a hover label.
LABEL_FIELDS = ("title", "place", "id")
@dataclass(frozen=True)
class PopupColumn:
    """One popup row for every incident: the record field, its label, and display text (None when missing)."""

    key: str
    label: str
    values: list[str | None]


def texts(frame: pd.DataFrame, key: str) -> list[str | None]:
    """A column as display text: None for missing, NaN or empty values (a missing column is all None)."""
    if key not in frame:
        return [None] * len(frame)
    column = frame[key]
    values = column.to_numpy(dtype=object, na_value=None).tolist()
    if isinstance(column.dtype, pd.StringDtype):  # text or missing only: "" -> None (10^5 rows, 16 columns: 0.17 s -> 0.03)
        return [v or None for v in values]
    return [None if v is None or v == "" or (isinstance(v, float) and v != v) else str(v) for v in values]


def border_texts(frame: pd.DataFrame) -> list[str | None]:
    """'12.3 km to KAZ-RUS' per incident (a range for footprints that are not points)."""
    if "border_km" not in frame or "border" not in frame:
        return [None] * len(frame)
    near = pd.to_numeric(frame["border_km"], errors="coerce").to_numpy(dtype=float)
    far = pd.to_numeric(frame["border_km_max"], errors="coerce").to_numpy(dtype=float) if "border_km_max" in frame else near
    out: list[str | None] = []
    far_known = np.isfinite(far).tolist()  # as arrays: np.isfinite on one float at a time cost 0.04 s / 10^5
    for n, f, known, pair, far_ok in zip(near.tolist(), far.tolist(), np.isfinite(near).tolist(), texts(frame, "border"), far_known):
        if pair is None or not known:
            out.append(None)
        else:
            out.append(f"{n:,.1f} km to {pair}" if not far_ok or f - n < 0.05 else f"{n:,.1f}–{f:,.1f} km to {pair}")
    return out


def uncertainty_texts(frame: pd.DataFrame) -> list[str | None]:
    """'± 25 km' where the footprint's uncertainty radius is known and above zero."""
    if "uncertainty_km" not in frame:
        return [None] * len(frame)
    km = pd.to_numeric(frame["uncertainty_km"], errors="coerce").to_numpy(dtype=float)
    return [f"± {v:,.1f} km" if shown else None for v, shown in zip(km.tolist(), (np.isfinite(km) & (km > 0)).tolist())]


def _joined(main: list[str | None], extra: list[str | None], template: str) -> list[str | None]:
    """``main`` with ``extra`` added through ``template`` ("{} ({})") where both are present."""
    return [m if m is None or e is None else template.format(m, e) for m, e in zip(main, extra)]


def popup_columns(frame: pd.DataFrame, type_names: list[str], *, border: bool = True) -> list[PopupColumn]:
    """Every popup row for the frame's incidents; ``border=False`` leaves the border row out (packed layers send distances as numbers)."""
    columns = []
    for key, label in POPUP_FIELDS:
        if key == "border_text":
            values = border_texts(frame) if border else None
        elif key == "uncertainty_text":
            values = uncertainty_texts(frame)
        elif key == "type":
            values = list(type_names)
        elif key == "date":
            values = _joined(texts(frame, "date"), texts(frame, "date_precision"), "{} ({})")
        elif key == "matched_name":
            values = _joined(texts(frame, "matched_name"), texts(frame, "gazetteer_id"), "{} [{}]")
        else:
            values = texts(frame, key)
        if values is not None and values.count(None) < len(values):
            columns.append(PopupColumn(key, label, values))
    return columns


def links(frame: pd.DataFrame) -> list[str | None]:
    """Source URLs that may become links (http and https only; anything else is not linked)."""
    return [u if u is not None and u.startswith(("http://", "https://")) else None for u in texts(frame, "url")]


def labels(frame: pd.DataFrame) -> list[str]:
    """Hover text per incident: title, else place, else id, else 'incident'."""
    candidates = [texts(frame, key) for key in LABEL_FIELDS]
    return [next((c[i] for c in candidates if c[i] is not None), "incident") for i in range(len(frame))]


def popup_html(columns: list[PopupColumn], link: str | None, i: int) -> str:
    """Popup body for incident ``i``: a table of its present rows, every value escaped."""
    rows = [f"<tr><th>{inert_html(c.label)}</th><td>{inert_html(c.values[i])}</td></tr>" for c in columns if c.values[i] is not None]
    if link:
        rows.append(f'<tr><th>Link</th><td><a href="{inert_html(link)}" target="_blank" rel="noopener noreferrer">{inert_html(link)}</a></td></tr>')
    return "<table class='incmap-popup'>" + "".join(rows) + "</table>"
