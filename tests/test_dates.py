"""Dates as datasets and news tables write them, normalised to ISO; ambiguous or unknown ones reported."""

from __future__ import annotations

import pytest

from geo.io import read_records
from geo.io.dates import SlashOrder, column_order, normalise_date


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


# ------------------------------------------------------------------ dataset conventions


@pytest.mark.parametrize("text, iso", [("1/22/2014 12:00:00 AM", "2014-01-22"), ("22/1/2014 12:00:00 AM", "2014-01-22"), ("2014-01-22T23:59:59Z", "2014-01-22"),
                                       ("2014-01-22 23:00:00+03:00", "2014-01-22"), ("20140122", "2014-01-22"), ("20140122235959", "2014-01-22"),
                                       ("22 June 2025", "2025-06-22"), ("22-Jun-2025", "2025-06-22"), ("03.05.2024", "2024-05-03"), ("3.5.2024", "2024-05-03"),
                                       ("5. März 2024", "2024-03-05"), ("22 июня 2025", "2025-06-22"), ("5 марта 2024 г.", "2024-03-05"),
                                       ("Juni 2025", "2025-06"), ("март 2024", "2024-03"), ("03.2024", "2024-03"), ("3/3/2024", "2024-03-03")])  # fmt: skip
def test_dataset_and_sheet_dates_with_their_precision(text, iso):
    assert normalise_date(text) == (iso, None)


@pytest.mark.parametrize("order, iso", [(SlashOrder.DMY, "2024-05-03"), (SlashOrder.MDY, "2024-03-05")])
def test_the_column_order_reads_undecided_slash_dates(order, iso):
    assert normalise_date("03/05/2024", order) == (iso, None)
    assert normalise_date("03/05/2024 12:00:00 AM", order) == (iso, None)
    assert normalise_date("25/03/2024", SlashOrder.MDY) == ("2024-03-25", None)  # a day over 12 decides whatever the column says


def test_an_ambiguous_date_says_both_readings_and_how_to_write_it():
    iso, problem = normalise_date("03/05/2024")
    assert iso is None and "ambiguous" in problem and "nothing in its column decides it" in problem
    assert "2024-05-03 (day first)" in problem and "2024-03-05 (month first)" in problem and "03.05.2024" in problem
    _, mixed = normalise_date("03/05/2024", SlashOrder.MIXED)
    assert "both day-first and month-first" in mixed


@pytest.mark.parametrize("text", ["Q1 2024", "5 March", "03/05/2024 г.", "00/05/2024", "2024-00", "sometime in 2024"])
def test_no_guessing(text):
    iso, problem = normalise_date(text)
    assert iso is None and repr(text) in problem


@pytest.mark.parametrize("values, default, order", [
    (["1/22/2014 12:00:00 AM", "3/5/2014 12:00:00 AM"], None, SlashOrder.MDY),
    (["22/1/2014", "3/5/2014", "", None], None, SlashOrder.DMY),
    (["22/1/2014", "1/22/2014", "3/5/2014"], SlashOrder.MDY, SlashOrder.MIXED),
    (["3/5/2014", "2014-01-30", "30.01.2014"], None, None),  # ISO and dotted dates say nothing about slashes
    (["3/5/2014"], SlashOrder.MDY, SlashOrder.MDY),
    (["3/5/2014", "30/1/2014"], SlashOrder.MDY, SlashOrder.DMY),  # the column's own dates win over its schema
])  # fmt: skip
def test_column_order(values, default, order):
    assert column_order(values, default) == order


def test_ucdp_csv_export_dates_read_without_a_warning(tmp_path):
    """Five rows as UCDP GED's CSV export writes them: M/D/Y with a time, no day over 12 in most of them."""
    path = tmp_path / "ged.csv"
    rows = ["1/2/2014 12:00:00 AM", "1/22/2014 12:00:00 AM", "2/3/2014 12:00:00 AM", "12/1/2014 12:00:00 AM", "11/11/2014 12:00:00 AM"]
    path.write_text("id,where_coordinates,date_start,date_end\n" + "".join(f"{i},Oral,{d},{d}\n" for i, d in enumerate(rows)), encoding="utf-8")
    result = read_records(path)
    assert result.problems == []
    assert [r["date"] for r in result.records] == ["2014-01-02", "2014-01-22", "2014-02-03", "2014-12-01", "2014-11-11"]
    assert [r["date_start"] for r in result.records] == rows and "src_date" not in result.records[0]  # the dataset's column as written


def test_without_a_deciding_date_the_ucdp_schema_reads_month_first(tmp_path):
    path = tmp_path / "ged.csv"
    path.write_text("where_coordinates,date_start\nOral,1/2/2014 12:00:00 AM\nOral,3/4/2014 12:00:00 AM\n", encoding="utf-8")
    result = read_records(path)
    assert result.problems == [] and [r["date"] for r in result.records] == ["2014-01-02", "2014-03-04"]


def test_german_and_russian_sheet(tmp_path):
    path = tmp_path / "sheet.csv"
    path.write_text("place,date\nOral,03.05.2024\nOral,5. März 2024\nOral,22 июня 2025\nOral,5 марта 2024 г.\nOral,2024-06\n", encoding="utf-8")
    result = read_records(path)
    assert result.problems == []
    assert [r["date"] for r in result.records] == ["2024-05-03", "2024-03-05", "2025-06-22", "2024-03-05", "2024-06"]
    assert [r.get("src_date") for r in result.records] == ["03.05.2024", "5. März 2024", "22 июня 2025", "5 марта 2024 г.", None]


def test_a_column_of_only_ambiguous_slash_dates_is_reported_row_by_row(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("place,date\nOral,03/05/2024\nOral,04/06/2024\nOral,07/07/2024\n", encoding="utf-8")
    result = read_records(path)
    assert [r["date"] for r in result.records] == [None, None, "2024-07-07"]
    assert [(p.line, p.field) for p in result.problems] == [(2, "date"), (3, "date")]
    assert "ambiguous" in str(result.problems[0]) and "record kept undated" in str(result.problems[0])
    assert result.records[0]["src_date"] == "03/05/2024"  # the value as written survives


def test_a_date_repeated_on_many_rows_is_read_alike_and_reported_on_each(tmp_path):
    """Each date text is read once per file: rows repeating one give the same date, or each its own report."""
    path = tmp_path / "d.csv"
    path.write_text("place,date\n" + "Oral,03/05/2024\nOral,5 March 2024\nOral,2024-02-31\n" * 3, encoding="utf-8")
    result = read_records(path)
    assert [r["date"] for r in result.records] == [None, "2024-03-05", None] * 3
    assert [(p.line, p.field) for p in result.problems] == [(line, "date") for line in (2, 4, 5, 7, 8, 10)]
    assert [str(p).split(": ", 1)[1] for p in result.problems[::2]] == [str(result.problems[0]).split(": ", 1)[1]] * 3
    assert [r.get("src_date") for r in result.records[1::3]] == ["5 March 2024"] * 3


@pytest.mark.parametrize("decider, reading", [("25/12/2024", "2024-05-03"), ("12/25/2024", "2024-03-05")])
def test_one_unambiguous_row_decides_the_column(tmp_path, decider, reading):
    path = tmp_path / "d.csv"
    path.write_text(f"place,date\nOral,03/05/2024\nOral,{decider}\n", encoding="utf-8")
    result = read_records(path)
    assert result.problems == [] and [r["date"] for r in result.records] == [reading, "2024-12-25"]


def test_a_column_with_both_orders_reports_only_its_undecided_dates(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("place,date\nOral,25/12/2024\nOral,12/25/2024\nOral,03/05/2024\n", encoding="utf-8")
    result = read_records(path)
    assert [r["date"] for r in result.records] == ["2024-12-25", "2024-12-25", None]
    (problem,) = result.problems
    assert problem.line == 4 and "both day-first and month-first" in str(problem)
