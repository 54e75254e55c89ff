"""How incidents look on a map: a colour and an icon per event type, and the legend that explains them."""

from __future__ import annotations

from dataclasses import dataclass

from geo.maps.inert import inert_html

#: Marker colours Leaflet.awesome-markers can draw, with the hex it uses (for lines, polygons and the legend).
MARKER_COLOURS = {
    "red": "#d63e2a", "blue": "#38aadd", "green": "#72b026", "purple": "#d252b9", "orange": "#f69730",
    "darkred": "#a23336", "cadetblue": "#436978", "darkgreen": "#728224", "darkpurple": "#5b396b", "darkblue": "#0067a3",
}  # fmt: skip
#: Icons (Font Awesome) chosen by words in the event type; first match wins.
ICON_RULES = (
    ("drone", "plane"), ("uav", "plane"), ("air", "plane"), ("crash", "plane"), ("missile", "rocket"), ("rocket", "rocket"),
    ("strike", "bomb"), ("shell", "bomb"), ("explos", "bomb"), ("clash", "crosshairs"), ("battle", "crosshairs"),
    ("attack", "crosshairs"), ("shoot", "crosshairs"), ("transport", "truck"), ("convoy", "truck"), ("truck", "truck"),
    ("alert", "triangle-exclamation"), ("security", "shield-halved"), ("advisory", "circle-info"), ("protest", "users"),
)  # fmt: skip
DEFAULT_ICON = "circle"
UNKNOWN_TYPE = "(no type)"


@dataclass(frozen=True)
class TypeStyle:
    """Colour name (for markers), hex (for paths) and Font Awesome icon of one event type."""

    colour: str
    hex: str
    icon: str


def type_styles(types: list[str]) -> dict[str, TypeStyle]:
    """A stable style per event type: colours assigned in sorted order, icons by keyword."""
    names = list(MARKER_COLOURS)
    styles = {}
    for i, name in enumerate(sorted(set(types))):
        colour = names[i % len(names)]
        icon = next((icon for word, icon in ICON_RULES if word in name.lower()), DEFAULT_ICON)
        styles[name] = TypeStyle(colour, MARKER_COLOURS[colour], icon)
    return styles


def legend_html(styles: dict[str, TypeStyle]) -> str:
    """Legend rows: swatch, icon and type name (escaped)."""
    rows = []
    for name, style in styles.items():
        rows.append(f"<div class='incmap-legend-row'><span style='display:inline-block;width:12px;height:12px;background:{style.hex};"
                    f"border-radius:6px'></span> <i class='fa fa-{style.icon}'></i> {inert_html(name)}</div>")  # fmt: skip
    return "".join(rows)
