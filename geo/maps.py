"""Where HTML is written: interactive Folium maps of geocoded incidents, borders and regions.

Footprints are drawn honestly: points as markers, region- and country-level incidents as
outlined polygons (never a pin that looks exact), routes as dashed lines. All record text is
escaped before it reaches HTML: it is data, never markup.
"""

from __future__ import annotations

import html
from pathlib import Path

import folium
import geopandas as gpd
import shapely

from geo.layers import Layers

#: Display simplification tolerance (degrees) for boundary outlines; geometry for display only.
DISPLAY_TOLERANCE_DEG = 0.01
#: Margin (degrees) around the incidents' extent within which boundaries are drawn.
EXTENT_MARGIN_DEG = 5.0
#: Colours per event type, cycled for types not listed.
PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"]

POPUP_FIELDS = (("title", "Title"), ("date", "Date"), ("type", "Type"), ("place", "Place as written"), ("matched_name", "Matched"),
                ("precision", "Precision"), ("country", "Country"), ("admin1", "Region"), ("border_text", "Border"), ("source", "Source"),
                ("summary", "Summary"))  # fmt: skip


def _extent(frame: gpd.GeoDataFrame, layers: Layers) -> shapely.Polygon:
    """The area to draw: the resolved footprints' bounds plus a margin (Kazakhstan if none)."""
    located = frame[frame.geometry.notna() & (frame["where_prec"].fillna(9) < 6)] if len(frame) else frame
    if len(located):
        minx, miny, maxx, maxy = located.total_bounds
    else:
        minx, miny, maxx, maxy = layers.countries.set_index("iso3").loc["KAZ"].geometry.bounds
    m = EXTENT_MARGIN_DEG
    return shapely.box(max(minx - m, -180), max(miny - m, -90), min(maxx + m, 180), min(maxy + m, 90))


def _clip(frame: gpd.GeoDataFrame, extent: shapely.Polygon) -> gpd.GeoDataFrame:
    """Rows intersecting the extent, clipped and simplified for display."""
    part = frame[frame.intersects(extent)].copy()
    part["geometry"] = part.geometry.intersection(extent).simplify(DISPLAY_TOLERANCE_DEG, preserve_topology=True)
    return part[~part.geometry.is_empty]


def popup_html(record: dict) -> str:
    """Popup body for one incident; every value escaped."""
    rows = []
    record = {**record, "border_text": _border_text(record)}
    for key, label in POPUP_FIELDS:
        value = record.get(key)
        if value is None or (isinstance(value, float) and value != value) or value == "":
            continue
        if key == "date" and record.get("date_precision"):
            value = f"{value} ({record['date_precision']})"
        rows.append(f"<tr><th>{html.escape(label)}</th><td>{html.escape(str(value))}</td></tr>")
    url = record.get("url")
    if isinstance(url, str) and url.startswith(("http://", "https://")):
        rows.append(f'<tr><th>Link</th><td><a href="{html.escape(url, quote=True)}" target="_blank" rel="noopener">{html.escape(url)}</a></td></tr>')
    return "<table class='incmap-popup'>" + "".join(rows) + "</table>"


def _border_text(record: dict) -> str | None:
    """'12.3 km to KAZ-RUS' (or a range for footprints that are not points)."""
    near, far, pair = record.get("border_km"), record.get("border_km_max"), record.get("border")
    if not isinstance(near, float) or near != near or not isinstance(pair, str):
        return None
    span = f"{near:,.1f} km" if not isinstance(far, float) or far - near < 0.05 else f"{near:,.1f}–{far:,.1f} km"
    return f"{span} to {pair}"


def build_map(frame: gpd.GeoDataFrame, layers: Layers, title: str = "Incidents") -> folium.Map:
    """A Folium map of geocoded incidents over borders and admin-1 outlines."""
    extent = _extent(frame, layers)
    minx, miny, maxx, maxy = extent.bounds
    fmap = folium.Map(tiles="OpenStreetMap", control_scale=True)
    fmap.fit_bounds([[miny + EXTENT_MARGIN_DEG / 2, minx + EXTENT_MARGIN_DEG / 2], [maxy - EXTENT_MARGIN_DEG / 2, maxx - EXTENT_MARGIN_DEG / 2]])

    admin = _clip(layers.admin1[["name_en", "iso_3166_2", "iso3", "geometry"]], extent)
    folium.GeoJson(admin, name="Regions (admin-1)", style_function=lambda _: {"color": "#777", "weight": 0.7, "fill": False},
                   tooltip=folium.GeoJsonTooltip(["name_en", "iso_3166_2"], aliases=["Region", "Code"])).add_to(fmap)  # fmt: skip
    borders = _clip(layers.borders[["pair", "length_km", "geometry"]], extent)
    folium.GeoJson(borders, name="International borders", style_function=lambda _: {"color": "#000", "weight": 3},
                   tooltip=folium.GeoJsonTooltip(["pair"], aliases=["Border"])).add_to(fmap)  # fmt: skip

    types = sorted({str(t) for t in frame.get("type", []) if isinstance(t, str)})
    colours = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
    group = folium.FeatureGroup(name="Incidents").add_to(fmap)
    for record, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry):
        if geom is None or geom.is_empty:
            continue
        colour = colours.get(record.get("type"), PALETTE[-1])
        popup = folium.Popup(popup_html(record), max_width=360)
        tooltip = html.escape(str(record.get("title") or record.get("place") or ""))
        if geom.geom_type == "Point":
            folium.CircleMarker([geom.y, geom.x], radius=7, color=colour, fill=True, fill_opacity=0.9, popup=popup, tooltip=tooltip).add_to(group)
        else:
            dashed = geom.geom_type in ("LineString", "MultiLineString")
            style = {"color": colour, "weight": 3 if dashed else 2, "dashArray": "8 6" if dashed else None, "fillOpacity": 0.08}
            folium.GeoJson(shapely.geometry.mapping(geom), style_function=lambda _, s=style: s, popup=popup, tooltip=tooltip).add_to(group)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.get_root().html.add_child(folium.Element(_summary_box(frame, title, colours)))
    return fmap


def _summary_box(frame: gpd.GeoDataFrame, title: str, colours: dict[str, str]) -> str:
    """A fixed box with the title, counts and the type legend (all text escaped)."""
    n = len(frame)
    located = int(frame["geometry"].notna().sum()) if n else 0
    dates = sorted(str(d) for d in frame.get("date", []) if isinstance(d, str) and d)
    span = f"{dates[0]} – {dates[-1]}" if dates else "no dates"
    legend = "".join(f"<div><span style='display:inline-block;width:10px;height:10px;background:{c}'></span> {html.escape(t)}</div>" for t, c in colours.items())
    note = "" if n else "<div><b>No incidents</b> in this record set.</div>"
    return (
        "<div id='incmap-summary' style='position:fixed;top:10px;left:50px;z-index:9999;background:white;padding:8px 10px;"
        "border:1px solid #999;font:12px sans-serif;max-width:320px'>"
        f"<b>{html.escape(title)}</b><div>{n} incidents, {located} located; {html.escape(span)}</div>{note}{legend}</div>"
    )


def save_map(fmap: folium.Map, path: str | Path) -> Path:
    """Write the map as one HTML file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fmap.save(str(path))
    return path
