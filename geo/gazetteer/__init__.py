"""The place gazetteer: GeoNames places (plus analysts' own files) indexed by every spelling of their names.

``load_gazetteer()`` gives a :class:`Gazetteer` (built once, then loaded from the user cache);
``names`` folds names into index keys, ``countries`` is the one country-code lookup.
"""

from geo.gazetteer.cache import load_gazetteer
from geo.gazetteer.index import Gazetteer

__all__ = ["Gazetteer", "load_gazetteer"]
