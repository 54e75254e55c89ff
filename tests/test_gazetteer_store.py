"""The gazetteer's on-disk store: memory-mapped columns that answer as the built gazetteer does, torn entries rebuilt,
and string columns decoded only when read (fuzzy keys only when fuzzy matching runs)."""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

import numpy as np
import pytest
from test_gazetteer import swap_cities500, write_dump, write_user_csv

import geo.gazetteer.cache as gazetteer_mod
from geo.gazetteer import Gazetteer, load_gazetteer
from geo.gazetteer.fuzzy import FuzzyIndex, SortedKeysFuzzyIndex
from geo.gazetteer.index import HEAD_BYTES, KeyIndex, build_gazetteer
from geo.gazetteer.names import fold, variant_key
from geo.gazetteer.sources import read_source
from geo.gazetteer.store import is_memory_mapped
from geo.gazetteer.strings import StringColumn
from geo.geocoding.lookup import PlaceLookup, gazetteer_rows

COLUMNS = ("ids", "names", "lat", "lon", "country", "admin1", "fclass", "fcode", "population", "name_keys")


@pytest.fixture(scope="module")
def first_3000() -> list:
    """The first 3,000 real cities500 places (read once)."""
    return list(itertools.islice(gazetteer_mod.read_cities500(), 3000))


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch, first_3000: list, tmp_path: Path) -> tuple[list[Path], list[int]]:
    """Cities500 swapped for its first 3,000 places, two extra files, and a list that counts builds."""
    builds = swap_cities500(monkeypatch, first_3000)
    return [write_dump(tmp_path / "KZtest.txt"), write_user_csv(tmp_path / "mine.csv")], builds


def built_in_memory(first_3000: list, extra: list[Path]) -> Gazetteer:
    """The same places built in memory, never stored."""
    return build_gazetteer([("cities500", iter(first_3000)), *((p.name, read_source(p, [])) for p in extra)], progress=False)


def test_stored_gazetteer_answers_as_the_built_one(tmp_path: Path, small, first_3000: list) -> None:
    extra, _ = small
    built = built_in_memory(first_3000, extra)
    load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    stored = load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    assert stored.from_cache and len(stored) == len(built) == 3000 + 2 + 2
    for c in COLUMNS:
        assert np.asarray(getattr(stored, c)).tolist() == np.asarray(getattr(built, c)).tolist(), c
    for name in ("names_index", "variants_index"):
        a, b = getattr(stored, name), getattr(built, name)
        assert a.keys.tolist() == b.keys.tolist() and np.array_equal(a.offsets, b.offsets) and np.array_equal(a.rows, b.rows)
    rng = random.Random(13)
    for key in [*rng.sample(built.all_keys().tolist(), 200), "testovo poligon", "ploshchadka 9", "no such place"]:
        assert stored.lookup(key).tolist() == built.lookup(key).tolist(), key
        assert stored.lookup_variant(variant_key(key)).tolist() == built.lookup_variant(variant_key(key)).tolist(), key
    for row in [*rng.sample(range(len(built)), 200), len(built) - 1]:
        assert stored.record(row) == built.record(row)
    assert [str(p) for p in stored.problems] == [str(p) for p in load_gazetteer(extra, cache_dir=tmp_path / "c2", progress=False).problems]
    assert len(stored.problems) == 4


def test_loaded_columns_are_memory_mapped(tmp_path: Path, small) -> None:
    extra, _ = small
    cold = load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    warm = load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    for gaz in (cold, warm):  # a cold run serves from the files it has just written, too
        arrays = [gaz.lat, gaz.lon, gaz.population, gaz.ids.data, gaz.ids.offsets, gaz.names.data, gaz.names.offsets,
                  *(getattr(gaz, c).codes for c in ("country", "admin1", "fclass", "fcode"))]  # fmt: skip
        for index in (gaz.names_index, gaz.variants_index):
            arrays += [index.keys.data, index.keys.offsets, index.offsets, index.rows]
        assert all(is_memory_mapped(a) for a in arrays)
        assert not gaz.lat.flags.writeable and not gaz.lookup("testovo poligon").flags.writeable
    assert (cold.from_cache, warm.from_cache) == (False, True)
    assert not is_memory_mapped(np.arange(3))


@pytest.mark.parametrize("damage", ["missing array", "truncated array", "truncated meta", "other format", "file instead"])
def test_torn_or_foreign_cache_entry_is_rebuilt(tmp_path: Path, small, damage: str) -> None:
    extra, builds = small
    cache = tmp_path / "cache"
    load_gazetteer(extra, cache_dir=cache, progress=False)
    (entry,) = cache.glob("gazetteer-*")
    if damage == "missing array":
        (entry / "names_index.rows.npy").unlink()
    elif damage == "truncated array":
        path = entry / "ids.data.npy"
        path.write_bytes(path.read_bytes()[:-100])
    elif damage == "truncated meta":
        path = entry / "meta.json"
        path.write_bytes(path.read_bytes()[:50])
    elif damage == "other format":
        path = entry / "meta.json"
        path.write_text(path.read_text(encoding="utf-8").replace(f'"format": {gazetteer_mod.FORMAT_VERSION}', '"format": 0'), encoding="utf-8")
    else:
        for p in entry.iterdir():
            p.unlink()
        entry.rmdir()
        entry.write_bytes(b"not a cache")
    again = load_gazetteer(extra, cache_dir=cache, progress=False)
    assert not again.from_cache and len(builds) == 2 and len(again) == 3004
    assert load_gazetteer(extra, cache_dir=cache, progress=False).from_cache and len(builds) == 2
    assert [p.name for p in cache.iterdir()] == [entry.name]  # no temporary folder left behind


def test_old_caches_and_stale_temporary_folders_are_pruned(tmp_path: Path, small) -> None:
    extra, _ = small
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(4):
        (cache / f"gazetteer-old{i}.pkl").write_bytes(b"format 1")
    (cache / ".gazetteer-x.abcd.tmp").mkdir()
    fresh_tmp = cache / ".gazetteer-y.efgh.tmp"
    fresh_tmp.mkdir()
    old = 1_000_000_000
    for p in [*cache.glob("gazetteer-old*"), cache / ".gazetteer-x.abcd.tmp"]:
        os.utime(p, (old, old))
    load_gazetteer(extra, cache_dir=cache, progress=False)
    left = sorted(p.name for p in cache.iterdir())
    assert len([n for n in left if n.startswith("gazetteer-")]) == gazetteer_mod.KEEP_CACHES
    assert ".gazetteer-x.abcd.tmp" not in left and fresh_tmp.name in left  # a build may still be writing a fresh one


def test_exact_lookups_decode_no_fuzzy_keys(tmp_path: Path, small, layers, monkeypatch: pytest.MonkeyPatch) -> None:
    extra, _ = small
    gaz = load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    decoded: list[int] = []  # keys of the name index decoded (other columns, read for candidates, do not count)
    keys, real_take, real_tolist = gaz.all_keys(), StringColumn.take, StringColumn.tolist
    monkeypatch.setattr(StringColumn, "take", lambda self, rows: (self is keys and decoded.append(len(rows))) or real_take(self, rows))
    monkeypatch.setattr(StringColumn, "tolist", lambda self, *a: (self is keys and decoded.append(len(self))) or real_tolist(self, *a))
    lookup = PlaceLookup(layers, gaz)
    name = str(gaz.names[int(gaz.lookup("testovo poligon")[0])])
    assert [c.gid for c in lookup.find(fold(name))][:1] == ["geonames:990000001"]
    assert gazetteer_rows(gaz, fold("Тестово Полигон"))[0][1] == 1.0
    assert gaz._fuzzy is None and decoded == []
    # A misspelling is matched fuzzily, decoding only the keys of its first letter and nearby lengths.
    assert [c.gid for c in lookup.find("testovo poligom")][:1] == ["geonames:990000001"]
    assert gaz._fuzzy is not None and 0 < sum(decoded) < len(gaz.all_keys()) / 4


def test_lazy_fuzzy_index_matches_the_eager_one(tmp_path: Path, small) -> None:
    extra, _ = small
    keys = load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False).all_keys()
    eager, lazy = FuzzyIndex(keys.tolist()), SortedKeysFuzzyIndex(keys)
    rng = random.Random(5)
    queries = [k[:-1] + "x" for k in rng.sample(keys.tolist(), 150)] + [k[1:] for k in rng.sample(keys.tolist(), 50)] + ["", "\u044f", "9"]
    for query in queries:
        for cutoff in (70.0, 88.0):
            assert lazy.extract(query, cutoff) == eager.extract(query, cutoff), query


def test_keys_searched_at_once_answer_as_one_by_one(tmp_path: Path, small, monkeypatch: pytest.MonkeyPatch) -> None:
    """find_many (one vectorised search of every key's first HEAD_BYTES bytes) gives each key the rows bisecting the
    mapped keys gives it, and remembers them all: keys shorter than a head, as long, longer and sharing a head, absent
    keys that share a head or a prefix, non-ASCII and NUL-padded queries."""
    extra, _ = small
    load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False)
    alone, together = (load_gazetteer(extra, cache_dir=tmp_path / "cache", progress=False) for _ in range(2))
    keys = alone.all_keys().tolist()
    rng = random.Random(3)
    long = [k for k in keys if len(k.encode()) > HEAD_BYTES]
    queries = (rng.sample(keys, 300) + long[:60] + [k + "x" for k in long[:20]] + [k[:HEAD_BYTES] for k in long[:20]]
               + [k[:-1] for k in rng.sample(keys, 40)] + ["", "no such place", "zzzz", "\x00", keys[0] + "\x00", "\u043c\u043e\u0441\u043a\u0432\u0430", keys[-1] + "z"])
    assert len(long) >= 60
    synthetic = sorted({"a" * 15, "a" * 16, "a" * 16 + "b", "a" * 16 + "c", "a" * 17, "\u00e9" * 8, "\u00e9" * 9, "b"})
    absent = ["a" * 16 + "bb", "a" * 16 + "ab", "a" * 14, "\u00e9" * 10, "a" * 15 + "\x00"]
    made = [KeyIndex(StringColumn.from_strings(synthetic), np.arange(len(synthetic) + 1), np.arange(len(synthetic), dtype=np.int32))
            for _ in range(2)]  # fmt: skip
    cases = [(alone.names_index, together.names_index, queries), (*made, synthetic + absent)]
    answers = []
    for one_by_one, many, asked in cases:
        expected = [one_by_one.get_rows(q).tolist() for q in asked]
        many.find_many(asked)
        monkeypatch.setattr(KeyIndex, "_bisect", lambda *a: pytest.fail("a key find_many searched was bisected again"))
        assert [many.get_rows(q).tolist() for q in asked] == expected
        monkeypatch.undo()
        answers.append(expected)
    found, made_found = answers
    assert all(found[:300]) and all(found[300:360]) and not any(found[-7:])  # sampled and long keys found; odd ones not
    assert all(made_found[: len(synthetic)]) and not any(made_found[len(synthetic) :])
