"""Dates as datasets and news tables write them, normalised to ISO; ambiguous or unknown ones reported."""

from __future__ import annotations

import pytest

from geo.io import read_records
from geo.io.dates import normalise_date


@pytest.mark.parametrize("text, iso", [("2024-03-05", "2024-03-05"), ("2024-03-05 00:00:00.000", "2024-03-05"), ("2024-03-05T10:00Z", "2024-03-05"),
                                       ("20240305", "2024-03-05"), ("2024/03/05", "2024-03-05"), ("5 March 2024", "2024-03-05"), ("05 Mar 2024", "2024-03-05"),
                                       ("March 5, 2024", "2024-03-05"), ("2024-03", "2024-03"), ("March 2024", "2024-03"), ("2024", "2024"),
                                       ("25/03/2024", "2024-03-25"), ("03/25/2024", "2024-03-25"), ("05.03.2024", "2024-03-05")])  # fmt: skip
def test_understood_dates(text, iso):
    assert normalise_date(text) == (iso, None)


@pytest.mark.parametrize("text, why", [("03/05/2024", "ambiguous"), ("yesterday", "not a date"), ("2024-13-40", "not a date"),
                                       ("31/02/2024", "not a date")])  # fmt: skip
def test_unusable_dates_say_why(text, why):
    iso, problem = normalise_date(text)
    assert iso is None and why in problem and repr(text) in problem


def test_bad_date_is_reported_by_line_and_field_and_the_record_kept_undated(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("id,place,date\na,Aktau,5 March 2024\nb,Aktau,03/05/2024\nc,Aktau,\n", encoding="utf-8")
    result = read_records(path)
    assert [r["date"] for r in result.records] == ["2024-03-05", None, None]
    (problem,) = result.problems
    assert (problem.line, problem.field) == (3, "date") and "ambiguous" in str(problem)
