#!/usr/bin/env python
"""Build geo/data/demonyms.json (nationality adjectives -> ISO3) from the pinned npm package i18n-nationality.

``npm pack i18n-nationality@1.4.0`` (MIT; runs no package code); its English and German tables map ISO
3166-1 alpha-2 codes to one adjective each ("Kazakhstani", "Kasachisch"); codes become ISO3 through
GeoNames' country table. Adjectives that two countries share ("Congolese") are left out. The file records
package, version, tarball hashes and the command. Russian forms are derived at run time (geo/extract/demonyms.py).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from geo.gazetteer.countries import iso2_to_iso3  # noqa: E402
from geo.layers.build import extract_member, npm_pack, sha256  # noqa: E402

PACKAGE, VERSION, LICENCE = "i18n-nationality", "1.4.0", "MIT"
LANGUAGES = ("en", "de")
OUT = ROOT / "geo" / "data" / "demonyms.json"
COMMAND = "python scripts/build_demonyms.py"


def table(path: Path) -> dict[str, str]:
    """adjective (lower case) -> ISO3, without adjectives several countries share."""
    codes = iso2_to_iso3()
    seen: dict[str, set[str]] = {}
    for iso2, adjective in json.loads(path.read_text(encoding="utf-8"))["nationalities"].items():
        iso3 = codes.get(iso2.upper())
        names = adjective if isinstance(adjective, list) else [adjective]
        for name in names:
            if iso3 and isinstance(name, str) and name.strip():
                seen.setdefault(name.strip().lower(), set()).add(iso3)
    return {name: next(iter(isos)) for name, isos in sorted(seen.items()) if len(isos) == 1}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="incmap-demonyms-") as tmp:
        tarball, meta = npm_pack(f"{PACKAGE}@{VERSION}", Path(tmp))
        tables = {lang: table(extract_member(tarball, f"package/langs/{lang}.json", Path(tmp))) for lang in LANGUAGES}
        provenance = {"package": PACKAGE, "version": VERSION, "licence": LICENCE, "npm_integrity": meta.get("integrity"),
                      "tarball_sha256": sha256(tarball), "members": [f"package/langs/{lang}.json" for lang in LANGUAGES],
                      "command": COMMAND, "built": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
    OUT.write_text(json.dumps({"provenance": provenance, **tables}, ensure_ascii=False, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(f"{OUT}: " + ", ".join(f"{lang} {len(t)} adjectives" for lang, t in tables.items()))


if __name__ == "__main__":
    main()
