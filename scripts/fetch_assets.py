#!/usr/bin/env python
"""Fill the offline asset cache that geo.maps.offline inlines into maps (see geo/maps/assets.py).

Each pinned npm package is fetched with ``npm pack NAME@VERSION`` (downloads the tarball, runs no
package code); only the files the inliner needs are extracted. A few files come from the installed
folium wheel or are generated. ``manifest.json`` in the cache records package, version, file, sha256
and licence of every file. Running it again does nothing when every file is present with its hash.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _load_manifest_module():
    """geo/maps/assets.py, loaded from its file: it needs only the standard library, so the fetcher runs where
    incmap's dependencies are not installed (the wheel build, see setup.py)."""
    spec = importlib.util.spec_from_file_location("incmap_asset_manifest", ROOT / "geo" / "maps" / "assets.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


oa = _load_manifest_module()


class IncmapError(Exception):
    """A failure the fetcher reports as one line."""

MANIFEST_FORMAT = 1


@dataclass
class Need:
    """One file the cache must hold."""

    source: oa.Source
    path: str
    asset: oa.Asset | None = None  # the stylesheet/script this file is (None for a CSS dependency or extra)
    derived_from: str | None = None

    @property
    def key(self) -> str:
        return f"{self.source.key}/{self.path}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    return sha256_bytes(path.read_bytes())


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


class Fetcher:
    def __init__(self, dest: Path, force: bool, log) -> None:
        self.dest, self.force, self.log = dest, force, log
        self.tmp = Path(tempfile.mkdtemp(prefix="incmap-assets-"))
        self.tarballs: dict[str, tuple[Path, dict]] = {}  # spec -> (tarball, npm pack metadata)
        self.declared: dict[str, str] = {}  # source key -> licence declared in package.json
        self.old = self._load_old_manifest()
        self.entries: dict[str, dict] = {}
        self.fetched = self.cached = 0

    def close(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def _load_old_manifest(self) -> dict:
        try:
            return json.loads((self.dest / oa.MANIFEST_NAME).read_text(encoding="utf-8")).get("files", {})
        except (OSError, ValueError):
            return {}

    # --- sources -------------------------------------------------------------------------------------
    def tarball(self, source: oa.Source) -> tuple[Path, dict]:
        if source.spec in self.tarballs:
            return self.tarballs[source.spec]
        npm = shutil.which("npm")
        if npm is None:
            raise IncmapError("npm is not installed or not on PATH: it is needed to fetch the map assets (apt-get install npm)")
        self.log(f"  npm pack {source.spec} ...")
        out_dir = self.tmp / source.key.replace("/", "__")
        out_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "pack", source.spec, "--silent", "--json", "--pack-destination", str(out_dir)], capture_output=True, text=True)
        tgz = sorted(out_dir.glob("*.tgz"))
        if proc.returncode != 0 or not tgz:
            last = (proc.stderr.strip().splitlines() or ["no tarball written"])[-1]
            raise IncmapError(f"npm pack {source.spec} failed: {last}")
        try:
            meta = json.loads(proc.stdout)[0]
        except (ValueError, IndexError, KeyError):
            meta = {}
        info = {"integrity": meta.get("integrity"), "tarball_sha256": sha256_file(tgz[0])}
        with tarfile.open(tgz[0]) as tf:
            pkg = self._member(tf, "package.json")
            if pkg is not None:
                declared = json.loads(pkg).get("license")
                if declared is not None:
                    self.declared[source.key] = declared if isinstance(declared, str) else json.dumps(declared)
        self.tarballs[source.spec] = (tgz[0], info)
        return self.tarballs[source.spec]

    @staticmethod
    def _member(tf: tarfile.TarFile, path: str) -> bytes | None:
        """A file of the package, whatever the tarball's top directory is called (usually ``package/``)."""
        for member in tf.getmembers():
            if member.isfile() and member.name.split("/", 1)[-1] == path:
                handle = tf.extractfile(member)
                return handle.read() if handle else None
        return None

    def from_npm(self, source: oa.Source, path: str) -> tuple[bytes, dict]:
        tgz, info = self.tarball(source)
        with tarfile.open(tgz) as tf:
            data = self._member(tf, path)
        if data is None:
            raise IncmapError(f"{source.spec} has no file {path}: the asset manifest in geo/maps/assets.py is wrong")
        return data, {"npm_integrity": info["integrity"], "tarball_sha256": info["tarball_sha256"]}

    def from_python(self, source: oa.Source, path: str) -> tuple[bytes, dict]:
        try:
            dist = importlib.metadata.distribution(source.package)
        except importlib.metadata.PackageNotFoundError as exc:
            raise IncmapError(f"{source.package} is not installed: its file {path} is needed for offline maps") from exc
        file = Path(str(dist.locate_file(path)))
        if not file.is_file():
            raise IncmapError(f"{source.package} {dist.version} has no file {path}")
        if dist.version != source.version:
            self.log(f"  note: {source.package} {dist.version} installed, manifest pins {source.version}; copied from the installed one")
        return file.read_bytes(), {"installed_version": dist.version}

    def produce(self, need: Need) -> tuple[bytes, dict]:
        source = need.source
        if source.kind == "generated":
            if need.path == oa.ROTATE_CSS:
                return oa.rotate_css().encode(), {}
            raise IncmapError(f"no generator for {need.key}")
        if need.derived_from:
            base, extra = self.from_npm(source, need.derived_from)
            if need.path == oa.GLYPHICONS_CSS:
                return oa.glyphicons_css(base.decode("utf-8")).encode(), {**extra, "derived_from": need.derived_from}
            raise IncmapError(f"no deriver for {need.key}")
        if source.kind == "python":
            return self.from_python(source, need.path)
        return self.from_npm(source, need.path)

    # --- cache ---------------------------------------------------------------------------------------
    def ensure(self, need: Need) -> Path:
        """The cached file for ``need``, extracted unless present with the hash the manifest recorded."""
        target = self.dest / need.key
        old = self.old.get(need.key)
        if not self.force and old and target.is_file() and sha256_file(target) == old.get("sha256"):
            self.entries[need.key] = old
            self.cached += 1
            return target
        data, extra = self.produce(need)
        write_atomic(target, data)
        self.fetched += 1
        entry = {
            "package": need.source.package,
            "version": need.source.version,
            "file": need.path,
            "sha256": sha256_bytes(data),
            "bytes": len(data),
            "licence": need.source.licence,
            "source": "derived" if need.derived_from else need.source.kind,
        }
        if need.source.key in self.declared:
            entry["declared_licence"] = self.declared[need.source.key]
        entry.update({k: v for k, v in extra.items() if v is not None})
        self.entries[need.key] = entry
        return target

    def run(self) -> dict:
        pending: list[Need] = []
        for asset in oa.unique_assets():
            pending.append(Need(asset.source, asset.path, asset, asset.derived_from))
            pending.extend(Need(asset.source, extra) for extra in asset.extras)
        seen: set[str] = set()
        total_sources = len(oa.sources())
        done_sources: set[str] = set()
        while pending:
            need = pending.pop(0)
            if need.key in seen:
                continue
            seen.add(need.key)
            if need.source.key not in done_sources:
                done_sources.add(need.source.key)
                self.log(f"[{len(done_sources)}/{total_sources}] {need.source.key} ({need.source.kind})")
            path = self.ensure(need)
            if need.asset is not None and need.asset.kind == "css":
                text = path.read_text(encoding="utf-8")
                try:
                    deps = oa.css_dependencies(need.asset, text)
                except (KeyError, ValueError) as exc:
                    raise IncmapError(f"{need.key} references {exc.args[0]!r}, which the asset manifest cannot supply") from exc
                # Dependencies go first so each package's files are handled together.
                pending[:0] = [Need(src, p) for src, p in deps]
        self._remove_stale()
        return self._write_manifest()

    def _remove_stale(self) -> None:
        """Files an older manifest listed that are no longer needed (nothing else is touched)."""
        for key in self.old:
            if key not in self.entries:
                stale = self.dest / key
                if stale.is_file() and stale.resolve().is_relative_to(self.dest.resolve()):
                    stale.unlink()
                    self.log(f"  removed stale {key}")

    def _write_manifest(self) -> dict:
        manifest = {
            "format": MANIFEST_FORMAT,
            "generated_by": "python scripts/fetch_assets.py",
            "files": dict(sorted(self.entries.items())),
            "urls": {url: asset.key for url, asset in sorted(oa.ASSETS.items())},
        }
        data = (json.dumps(manifest, indent=1, sort_keys=False) + "\n").encode()
        path = self.dest / oa.MANIFEST_NAME
        if not path.is_file() or path.read_bytes() != data:
            write_atomic(path, data)
        return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dest", type=Path, default=None, help=f"cache directory (default: ${oa.ASSETS_DIR_ENV} or <venv>/share/incmap/assets)")
    parser.add_argument("--force", action="store_true", help="extract every file again even if its hash matches")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only the summary line")
    parser.add_argument("--seed", type=Path, default=None, help="an existing cache to copy from first (files are still checked by hash)")
    args = parser.parse_args(argv)
    dest = (args.dest or oa.assets_dir()).resolve()
    start = time.perf_counter()

    def log(msg: str) -> None:
        if not args.quiet:
            print(msg, file=sys.stderr, flush=True)

    log(f"offline map assets -> {dest}")
    if args.seed and (args.seed / oa.MANIFEST_NAME).is_file() and not (dest / oa.MANIFEST_NAME).is_file() and args.seed.resolve() != dest:
        shutil.copytree(args.seed, dest, dirs_exist_ok=True)
    fetcher = Fetcher(dest, args.force, log)
    try:
        manifest = fetcher.run()
    except IncmapError as exc:
        print(f"fetch_assets: error: {exc}", file=sys.stderr)
        return 1
    finally:
        fetcher.close()
    size = sum(entry["bytes"] for entry in manifest["files"].values())
    print(
        f"fetch_assets: {len(manifest['files'])} files, {size / 1e6:.2f} MB in {dest} "
        f"({fetcher.fetched} extracted, {fetcher.cached} already cached, {len(fetcher.tarballs)} npm tarballs) "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
