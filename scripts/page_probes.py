"""JavaScript the browser tests and the map benchmark run inside a rendered map page (one copy of each probe)."""

from __future__ import annotations

from geo.maps.canvas import HIT_PX

#: JS: (map id) -> [x, y, index, [indices within the click tolerance]] in page pixels, for the shown canvas point
#: nearest the map's centre whose pixel is on the map and not under a control or the summary box; null if none.
CANVAS_TARGET = """(id) => {
    const m = window[id], box = m.getContainer(), rect = box.getBoundingClientRect(), layers = [];
    m.eachLayer(l => { if (l.incmapTargets) layers.push(l); });
    for (const layer of layers) {
        const pts = layer.incmapTargets(400);
        for (const [x, y, i] of pts) {
            const el = document.elementFromPoint(x + rect.left, y + rect.top);
            if (el && box.contains(el) && !el.closest('.leaflet-control')) {
                const near = pts.filter(q => Math.hypot(q[0] - x, q[1] - y) <= HIT).map(q => q[2]);
                return [x + rect.left, y + rect.top, i, near];
            }
        }
    }
    return null; }""".replace("HIT", str(HIT_PX))
