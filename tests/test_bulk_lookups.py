"""Names looked up in bulk (records geocoded in batches) give the answers they gave one by one."""

from __future__ import annotations

import math
import os
import random
import string
import time

import pandas as pd
import pytest
from bench_geocode import make_places

from geo.gazetteer.fuzzy import FuzzyIndex
from geo.geocoding import Geocoder


def _misspelt(keys: list[str], n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        word = list(keys[rng.randrange(len(keys))])
        word[rng.randrange(len(word))] = rng.choice(string.ascii_lowercase)
        out.append("".join(word))
    return out


def test_batched_fuzzy_matches_equal_single_queries(geocoder):
    keys = [k for k in geocoder.gaz.all_keys() if len(k) >= 6]
    queries = _misspelt(keys, 600, seed=5) + ["aaaaaaa", "zzzzzzzzzzzzzz", "almatyy", "almaty"]
    single, batched = FuzzyIndex(keys), FuzzyIndex(keys)
    expected = [single.extract(q, 88.0) for q in queries]
    batched.prefetch(queries, 88.0)
    assert [batched.extract(q, 88.0) for q in queries] == expected  # same keys, same scores, same order (ties too)
    assert sum(len(e) > 1 for e in expected) > 20 and any(not e for e in expected)


def _full_scan(buckets: dict[tuple[str, int], list[str]], query: str, cutoff: float, limit: int = 5) -> list[tuple[str, float]]:
    """Every key of the query's first letter and a compatible length (``buckets``: keys by both, in index order)
    scored by rapidfuzz: what the bounds may skip."""
    from rapidfuzz import fuzz, process

    c = cutoff / 100.0
    slack = math.floor((1 - c) * 2 * len(query) / c)
    pool = [k for size in range(len(query) - slack, len(query) + slack + 1) for k in buckets.get((query[0], size), [])]
    return [(k, score) for k, score, _ in process.extract(query, pool, scorer=fuzz.ratio, score_cutoff=cutoff, limit=limit)]


def test_fuzzy_bounds_skip_no_match_a_full_scan_finds(geocoder):
    """The character-set and pair-set bounds rule keys out without scoring them: the matches, scores and order are
    those of scoring every key of the pool, for misspellings, swapped and dropped letters, and non-ASCII keys."""
    rng = random.Random(9)
    keys = [k for k in geocoder.gaz.all_keys() if k.startswith(("a", "k", "s", "u"))]
    # A key whose five non-ASCII letters set 9 mask bits the ASCII query lacks (and lack 5 it has): 14 bits apart, over
    # the bound of 12 for these lengths, yet a ratio of 90: only scoring it, as non-ASCII keys always are, finds it.
    tail = "ab" * 22 + "a"
    keys += ["kärnten", "kärntenx", "ümraniye", "uralsk-1", "uralsk 2", "s'tamba", "ąaąaąaą", "a" + "\u00e9\u0436\u0639\u0561\u00df" + tail]
    queries = _misspelt(keys, 300, seed=3) + ["uralks", "uralsk", "uralsk 1", "kärnte", "ümranie", "ąaąaąa", "srtamba", "aaaaaaa", "avwxyz" + tail]
    for word in rng.sample(keys, 150):
        if len(word) > 3:
            i = rng.randrange(1, len(word) - 1)
            queries += [word[:i] + word[i + 1 :], word[:i] + word[i + 1] + word[i] + word[i + 2 :]]
    buckets: dict[tuple[str, int], list[str]] = {}
    for key in keys:
        buckets.setdefault((key[0], len(key)), []).append(key)
    batched, single = FuzzyIndex(keys), FuzzyIndex(keys)
    batched.prefetch(queries, 88.0)
    found = 0
    for query in queries:
        for cutoff in (75.0, 88.0):
            expected = _full_scan(buckets, query, cutoff)
            assert single.extract(query, cutoff) == expected, (query, cutoff)
            found += len(expected)
        assert batched.extract(query, 88.0) == _full_scan(buckets, query, 88.0), query
    assert found > len(queries)  # the queries do match (the comparison is not between empty lists)


@pytest.fixture(scope="module")
def place_records(geocoder) -> list[dict]:
    return [{"id": f"p{i}", "place": place} for i, place in enumerate(make_places(geocoder, 3000, seed=11))]


def test_geocoding_in_bulk_gives_the_answers_one_by_one(layers, place_records):
    from geo.gazetteer.cache import load_gazetteer

    one_by_one = Geocoder(layers, gazetteer=load_gazetteer(progress=False))  # its own gazetteer: no shared fuzzy memo
    rows = pd.DataFrame([one_by_one.geocode_record(r)[0] for r in place_records])
    bulk = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(place_records, progress=False)
    columns = ["id", "status", "lat", "lon", "where_prec", "country", "admin1_code", "gazetteer_id", "confidence", "reason"]
    pd.testing.assert_frame_equal(bulk[columns].reset_index(drop=True), rows[columns].astype(bulk[columns].dtypes.to_dict()))
    assert (bulk["status"] == "resolved").mean() > 0.5 and bulk["reason"].str.contains("misspelling").any()


def test_rows_made_as_blocks_equal_rows_made_one_by_one(layers, place_records):
    """Named records answered in bulk come out as column blocks: the same frame, column order, dtypes and footprints
    as their rows made one by one, with mixed layouts (a kept written column, a lone latitude, aliases, lines)."""
    from geo.gazetteer.cache import load_gazetteer
    from geo.geocoding.geocoder import _frame

    records = place_records[:600] + [{"id": "s", "place": "Lyon", "status": "old", "lat": None, "_line": 7},
                                     {"id": "t", "place": "Lyon", "lat": 45.0, "_line": 8},
                                     {"id": "u", "place": "Lyon", "country": "FR", "_aliased": {"country": "pays"}, "_line": 9},
                                     {"id": "v", "place": "Lyon", "_problem": ["bad lat"], "_line": 10}] + place_records[600:900]  # fmt: skip
    one_by_one = Geocoder(layers, gazetteer=load_gazetteer(progress=False))
    rows = _frame(len(records), [], {i: one_by_one.geocode_record(r) for i, r in enumerate(records)})
    bulk = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(records, progress=False)
    pd.testing.assert_frame_equal(bulk.drop(columns="geometry"), rows.drop(columns="geometry"))
    assert bulk.geometry.to_wkb().tolist() == rows.geometry.to_wkb().tolist()
    assert bulk.loc[600, "src_status"] == "old" and bulk.loc[601, "src_lat"] == 45.0 and bulk.loc[603, "problems"] == "bad lat"


def test_repeated_names_keep_their_own_context(geocoder):
    """Records repeating a place name are answered once per name and context, never with another record's context."""
    records = [{"id": f"r{i}", "place": place, **extra} for i, (place, extra) in enumerate(
        [("Paris", {}), ("Paris", {"region": "Texas"}), ("Paris", {}), ("Paris", {"country": "USA"}),
         ("Paris", {"title": "Flooding in Texas"}), ("Paris", {"region": "Texas"})] * 10)]  # fmt: skip
    bulk = geocoder.geocode(records, progress=False)
    one = pd.DataFrame([geocoder.geocode_record(r)[0] for r in records])
    pd.testing.assert_series_equal(bulk["country"], one["country"].astype(bulk["country"].dtype), check_names=False)
    pd.testing.assert_series_equal(bulk["gazetteer_id"], one["gazetteer_id"].astype(bulk["gazetteer_id"].dtype), check_names=False)
    assert bulk.loc[0, "country"] == "FRA" and bulk.loc[1, "country"] == "USA" and bulk.loc[3, "country"] == "USA"


def _slow_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """This process pauses before each stretch it resolves, so a forked worker surely takes some (forked workers run
    the real resolve_share: they are not this process)."""
    from geo.geocoding import parallel

    parent, real = os.getpid(), parallel.resolve_share

    def resolve_share(geocoder, records):
        if os.getpid() == parent:
            time.sleep(0.05)
        return real(geocoder, records)

    monkeypatch.setattr(parallel, "resolve_share", resolve_share)


def test_names_shared_among_processes_get_the_answers_of_one(layers, place_records, monkeypatch: pytest.MonkeyPatch):
    """Past POOL_MIN distinct names a forked worker resolves a share of them: the same frame, footprints included, and
    the answers memoised in this process as if made here: a second call answers from the geocoder's memory, a third
    with that memory cleared forks again, and all agree."""
    from geo.gazetteer.cache import load_gazetteer
    from geo.geocoding import parallel

    records = place_records + [{"id": "c", "place": "Paris", "region": "Texas"}, {"id": "e", "place": ""}, {"id": "l", "place": ["x"]}]
    records[5:5] = [{"id": "s", "place": "Lyon", "status": "old", "lat": None, "_line": 7},  # answered as a block, status kept
                    {"id": "t", "place": "Lyon", "lat": 45.0, "_line": 8},  # a lone number: its row is made one by one
                    {"id": "u", "place": "Lyon", "country": "FR", "_aliased": {"country": "pays"}, "_line": 9}]  # fmt: skip
    one = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(records, progress=False)
    assert one.loc[5, "src_status"] == "old" and one.loc[5, "input_line"] == 7 and one.loc[6, "src_lat"] == 45.0
    monkeypatch.setattr(parallel, "POOL_MIN", 100)
    monkeypatch.setattr(parallel, "processes", lambda: 2)
    _slow_parent(monkeypatch)
    shared = Geocoder(layers, gazetteer=load_gazetteer(progress=False))
    calls = []
    monkeypatch.setattr(parallel, "_unpack", lambda g, packed, real=parallel._unpack: calls.append(len(packed[0])) or real(g, packed))
    from_worker = []
    for forget in (False, False, True):
        if forget:
            shared._answers.clear()
        frame = shared.geocode(records, progress=False)
        pd.testing.assert_frame_equal(frame.drop(columns="geometry"), one.drop(columns="geometry"))
        assert frame.geometry.to_wkb().tolist() == one.geometry.to_wkb().tolist()
        from_worker.append(sum(calls))
        calls.clear()
    assert from_worker[0] > len(records) // 5 and from_worker[1] == 0 and from_worker[2] > len(records) // 5


def test_a_worker_that_dies_leaves_its_share_to_this_process(layers, place_records, monkeypatch: pytest.MonkeyPatch):
    """A worker process that ends without answering (killed, out of memory) costs time, not answers."""
    from geo.gazetteer.cache import load_gazetteer
    from geo.geocoding import parallel

    one = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(place_records, progress=False)
    monkeypatch.setattr(parallel, "POOL_MIN", 100)
    monkeypatch.setattr(parallel, "processes", lambda: 2)
    real_pack = parallel._pack
    monkeypatch.setattr(parallel, "_pack", lambda *_: os._exit(3))  # only a worker packs
    frame = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(place_records, progress=False)
    pd.testing.assert_frame_equal(frame, one)
    packed = []  # a worker's own copy (forked): it answers its first stretch, then dies while packing the second

    def pack_once(geocoder, done):
        packed.append(len(done))
        return real_pack(geocoder, done) if len(packed) == 1 else os._exit(3)

    monkeypatch.setattr(parallel, "_pack", pack_once)
    _slow_parent(monkeypatch)
    unpacked = []
    monkeypatch.setattr(parallel, "_unpack", lambda g, p, real=parallel._unpack: unpacked.append(len(p[0])) or real(g, p))
    frame = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(place_records, progress=False)
    pd.testing.assert_frame_equal(frame, one)
    assert len(unpacked) == 1 and unpacked[0] >= parallel.MIN_STRETCH


def test_records_geocoded_again_are_answered_from_memory(layers, place_records, monkeypatch: pytest.MonkeyPatch):
    """A geocoder remembers each named record's answer (by place and context fields) across calls: a dataset geocoded
    again resolves nothing and gets the same frame; a new context is resolved anew."""
    from geo.gazetteer.cache import load_gazetteer

    geocoder = Geocoder(layers, gazetteer=load_gazetteer(progress=False))
    records = place_records[:400]
    first = geocoder.geocode(records, progress=False)
    monkeypatch.setattr(geocoder.resolver, "resolve_keyed", lambda *a, **k: pytest.fail("resolved again"))
    again = geocoder.geocode(records, progress=False)
    pd.testing.assert_frame_equal(again.drop(columns="geometry"), first.drop(columns="geometry"))
    assert again.geometry.to_wkb().tolist() == first.geometry.to_wkb().tolist()
    monkeypatch.undo()
    paris = geocoder.geocode([{"id": "a", "place": "Paris"}, {"id": "b", "place": "Paris", "country": "USA"}], progress=False)
    assert paris["country"].tolist() == ["FRA", "USA"]
    monkeypatch.setattr("geo.geocoding.geocoder.ANSWERS_MAX", 100)  # a call naming more places keeps none afterwards
    geocoder.geocode(records, progress=False)
    assert not geocoder._answers


def test_the_resolver_forgets_past_its_memo_limit(layers, place_records, monkeypatch: pytest.MonkeyPatch):
    """A run naming more places than MEMO_MAX keeps at most that many resolutions, and answers as one that keeps all."""
    from geo.gazetteer.cache import load_gazetteer
    from geo.geocoding import resolver

    records = place_records[:600]
    one = Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(records, progress=False)
    monkeypatch.setattr(resolver, "MEMO_MAX", 50)
    small = Geocoder(layers, gazetteer=load_gazetteer(progress=False))
    frame = small.geocode(records, progress=False)
    pd.testing.assert_frame_equal(frame, one)
    assert 0 < len(small.resolver._memo) <= 50


@pytest.mark.parametrize("cores", [1, 2])
def test_the_progress_bar_counts_every_record_once(layers, place_records, monkeypatch: pytest.MonkeyPatch, capsys, cores):
    """Records answered in bulk (here or shared with a worker), repeated and given ones all advance the bar, once."""
    from geo.gazetteer.cache import load_gazetteer
    from geo.geocoding import parallel

    monkeypatch.setattr(parallel, "POOL_MIN", 100)
    monkeypatch.setattr(parallel, "processes", lambda: cores)
    monkeypatch.setattr(parallel, "MAX_STRETCH", 700)  # names resolved here go in passes: the bar follows each
    records = place_records[:2000] + place_records[:50] + [{"id": "g", "place": "x", "lat": 51.2, "lon": 51.4, "where_prec": 2}]
    Geocoder(layers, gazetteer=load_gazetteer(progress=False)).geocode(records, progress=True)
    assert f"{len(records)}/{len(records)}" in capsys.readouterr().err
