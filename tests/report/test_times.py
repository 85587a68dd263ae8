"""Times from real export shapes, read by the readers, judged by the report in its zone (typed rows throughout).

Ported from the report half of tests/test_readers_text_time.py: zoned values converted, then flagged at night;
a date column and a time column combined; a date without a time never taken for midnight.
"""

import pytest
from report_rows import row

from dunning_nlp.batch import Row
from dunning_nlp.io import read_messages
from dunning_nlp.report.build import build_report
from dunning_nlp.report.flags import Flag, assess


def classified(message, label="reminder"):
    """The message as a classified row (a hand-made prediction: the label is not what is tested)."""
    template = row(label, message.text, signals=("debt",))
    return Row(message, template.prediction, "")


@pytest.mark.parametrize("value, night", [
    ("2024-03-01T15:30:00Z", True),
    ("2024-03-01T01:30:00Z", False),
    ("2024-03-01 07:30:00 -0800", True),
    ("2024-03-01T23:30:00", True),
])
def test_zoned_times_converted_then_flagged(tmp_path, value, night):
    path = tmp_path / "z.csv"
    path.write_text(f"timestamp,sender,text\n{value},10086,您已逾期请还款\n", encoding="utf-8")
    [message] = list(read_messages(str(path), "csv"))
    assert (Flag.LATE_NIGHT in assess([classified(message)])[0].flags) is night


def test_date_and_time_columns_combined_and_dates_stay_dates(tmp_path):
    path = tmp_path / "split.csv"
    path.write_text("Date,Time,Sender,Text\n2024-03-01,14:05:09,10086,您已逾期请还款\n"
                    "2024/03/02,11:30 PM,10086,您已逾期请还款\n2024-03-03,,10086,请还款\n", encoding="utf-8")
    rows = [classified(m) for m in read_messages(str(path), "csv")]
    assert [Flag.LATE_NIGHT in a.flags for a in assess(rows)] == [False, True, False]


def test_date_only_is_not_midnight_and_skips_night_and_hour_chart(tmp_path):
    path = tmp_path / "dates.csv"
    path.write_text("日期,号码,内容\n2024-03-01,10086,您已逾期请还款\n2024-03-01,10086,您已逾期请还款\n", encoding="utf-8")
    rows = [classified(m) for m in read_messages(str(path), "csv")]
    assert [m.message.timestamp for m in rows] == ["2024-03-01", "2024-03-01"]
    report = build_report(rows)
    assert [e.flags for e in report.entries] == [(), ()]
    assert sum(sum(hour.values()) for hour in report.per_hour()) == 0
    assert report.per_day()["2024-03-01"]["reminder"] == 2
