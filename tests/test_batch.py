"""``dunning-nlp batch``: one row per record, errors included; redaction; clean user errors."""

import csv
import json
import re

import pytest
from dunning_nlp.batch import COLUMNS
from dunning_nlp.redact import redact

from cli_runner import run_cli as run  # the one CLI runner (tests/cli_runner.py)
from conftest import DATA

SAMPLES = DATA / "samples"
PHONE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _summary_counts(err):
    m = re.search(r"records read: (\d+)\s+rows written: (\d+)\s+errors: (\d+)", err)
    return tuple(int(x) for x in m.groups())


def test_batch_over_all_samples(tmp_path):
    out = tmp_path / "out.csv"
    code, _, err = run(["batch", str(SAMPLES), "-o", str(out)])
    assert code == 0, err
    rows = read_csv(out)
    read, written, errors = _summary_counts(err)
    assert read == written == len(rows) == 251 and errors == 0
    assert list(rows[0]) == list(COLUMNS)
    assert {r["label"] for r in rows} == {"reminder", "harassment", "third_party", "fraud", "other"}
    for r in rows:
        total = sum(float(r[f"score_{lab}"]) for lab in ("reminder", "harassment", "third_party", "fraud", "other"))
        assert abs(total - 1) < 1e-3


def _damaged_inputs(tmp_path):
    tmp_path.mkdir()
    xml = (SAMPLES / "android_backup.xml").read_bytes()
    (tmp_path / "cut.xml").write_bytes(xml[: len(xml) // 2])
    (tmp_path / "broken.db").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
    (tmp_path / "mixed.csv").write_bytes("号码,内容\n1,您已逾期\n".encode() + "2,请还款\n".encode("gbk") + b"3,\xff\xfe\n")
    (tmp_path / "empty.jsonl").write_text('{"body": ""}\n{"body": "你好"}\nnot json\n', encoding="utf-8")
    (tmp_path / "big.txt").write_text("逾期" * 500_000 + "\n短信\n", encoding="utf-8")
    (tmp_path / "nul.txt").write_bytes("你好\x00呀\n".encode())
    return tmp_path


def test_damaged_inputs_lose_nothing(tmp_path):
    inputs = _damaged_inputs(tmp_path / "in")
    out = tmp_path / "out.jsonl"
    code, _, err = run(["batch", str(inputs), "-o", str(out)])
    assert code == 0, err
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    read, written, errors = _summary_counts(err)
    assert read == written == len(rows)
    by_source = {}
    for r in rows:
        by_source.setdefault(r["source"].rsplit("/", 1)[-1], []).append(r)
    assert by_source["broken.db"][0]["error"] and len(by_source["broken.db"]) == 1
    assert by_source["cut.xml"][-1]["error"].startswith("XML broken")
    assert [bool(r["error"]) for r in by_source["empty.jsonl"]] == [True, False, True]
    assert by_source["empty.jsonl"][0]["error"] == "empty message body"
    assert len(by_source["big.txt"][0]["text"]) == 1_000_000 and by_source["big.txt"][0]["label"]
    assert by_source["nul.txt"][0]["text"] == "你好呀"
    assert len(by_source["mixed.csv"]) == 3
    assert errors == sum(1 for r in rows if r["error"] and not r["label"])


def test_redact_leaves_no_number_in_output(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("号码,内容\n13812345678,你的借款逾期，速回电13912345678，卡号6222021234567890123，"
                   "身份证110101199003071234\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    code, _, err = run(["batch", str(src), str(SAMPLES), "--redact", "-o", str(out)])
    assert code == 0, err
    data = out.read_text(encoding="utf-8-sig")
    assert not PHONE.search(data)
    assert "6222021234567890123" not in data and "110101199003071234" not in data
    assert "139****5678" in data


def test_stdin_and_stdout_jsonl():
    code, out, err = run(["batch", "-", "--output-format", "jsonl"], stdin="您已逾期3天，请还款\n\n你好\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["text"] for r in rows] == ["您已逾期3天，请还款", "你好"]
    assert rows[0]["source"] == "<stdin>" and rows[0]["label"] == "reminder"


def test_jobs_two_gives_the_same_rows(tmp_path):
    one, two = tmp_path / "1.csv", tmp_path / "2.csv"
    assert run(["batch", str(SAMPLES), "-o", str(one)])[0] == 0
    assert run(["batch", str(SAMPLES), "-o", str(two), "--jobs", "2"])[0] == 0
    assert read_csv(one) == read_csv(two)


def test_parallel_batch_reads_ahead_only_a_bounded_window():
    from dunning_nlp.batch import classify_messages
    from dunning_nlp.io import Message

    consumed = 0

    def messages():
        nonlocal consumed
        for i in range(400):
            consumed += 1
            yield Message(source="gen", record=i + 1, text=f"您的借款已逾期{i}天，请尽快还款")

    rows = classify_messages(messages(), jobs=2, chunk_size=10)
    first = next(rows)
    assert first.message.record == 1 and first.label == "reminder"
    assert consumed <= (4 * 2 + 1) * 10  # the window of chunks in flight, not the whole input
    assert [r.message.record for r in rows] == list(range(2, 401))


@pytest.mark.parametrize("argv, needle", [
    (["batch", "no/such/file.csv"], "no/such/file.csv"),
    (["batch", str(SAMPLES / "export_utf8.csv"), "--text-column", "nope"], "--text-column"),
    (["batch", str(SAMPLES), "--jobs", "0"], "--jobs"),
])
def test_user_errors_one_line_exit_2(argv, needle, tmp_path):
    out = tmp_path / "o.csv"
    code, stdout, err = run(argv + ["-o", str(out)])
    assert code == 2 and "Traceback" not in err
    assert err.count("\n") == 1 and needle in err
    assert not out.exists()


def test_unknown_format_choice_is_usage_error():
    code, _, err = run(["batch", str(SAMPLES), "--format", "docx"])
    assert code == 2 and "invalid choice" in err


def test_failed_run_leaves_no_partial_output(tmp_path):
    out = tmp_path / "o.csv"
    code, _, err = run(["batch", str(SAMPLES), "-o", str(out), "--model", str(tmp_path / "none.joblib")])
    assert code == 2 and not out.exists() and not list(tmp_path.glob(".o.csv*"))


@pytest.mark.parametrize("text, hidden", [
    ("13812345678", "13812345678"),
    ("+86 138 1234 5678", "1234"),
    ("+852 9123 4567", "9123"),
    ("0912-345-678", "345"),
    ("+886 912 345 678", "912 345"),
    ("021-12345678", "1234"),
    ("110101199003071234", "19900307"),
    ("11010119900307123X", "19900307"),
    ("6222 0212 3456 7890 123", "3456 7890"),
    ("6222021234567890123", "2123456789"),
    ("１３８１２３４５６７８", "１２３４"),  # full-width digits (folded as NFKC folds them)
    ("138.1234.5678", "1234"),
    ("138 1234 5678", "1234"),
    ("QQ 123456789", "45678"),
    ("扣扣：98765432", "7654"),
    ("卡号:6222 021 2345 678901", "2345 6789"),  # an account number after 卡号, grouped any way
])
def test_redact_patterns(text, hidden):
    masked = redact(f"号码{text}。")
    assert hidden not in masked and "*" in masked


def test_redact_masks_every_number_the_normaliser_calls_personal():
    from dunning_nlp.text.normalize import PERSONAL_NUMBERS, normalize_text

    samples = ["身份证110101199003071234", "卡号:6222 021 2345 678901", "6222 0212 3456 7890 123",
               "13812345678", "0755-12345678", "+886 912 345 678"]
    assert {kind for kind, _ in PERSONAL_NUMBERS} >= {"id", "account", "card", "phone"}
    for text in samples:
        assert any(tag in normalize_text(text) for tag in ("⟪IDNO⟫", "⟪CARD⟫", "⟪PHONE⟫")), text
        assert "*" in redact(text), text


def test_row_writer_round_trips_commas_newlines_and_chinese(tmp_path):
    import csv
    import json

    from dunning_nlp.batch import RowWriter, render_rows

    row = {c: "" for c in COLUMNS} | {"source": "s", "record": 1, "text": "含,逗号\n换行", "label": "other"}
    for fmt in ("csv", "jsonl"):
        path = tmp_path / f"a.{fmt}"
        with RowWriter(str(path), fmt) as w:
            w.write_text(render_rows([row], fmt))
        if fmt == "csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                back = list(csv.DictReader(fh))
        else:
            back = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        assert len(back) == 1 and back[0]["text"] == "含,逗号\n换行" and back[0]["label"] == "other"


def test_row_cells_mask_every_text_cell_for_library_callers():
    """``Row.cells(redacted=True)`` is the one place --redact applies: file name and error included."""
    from dunning_nlp.batch import Row
    from dunning_nlp.io import Message

    message = Message("/dumps/13812345678.csv", 3, text="请回电13912345678", sender="13512345678",
                      error="line 3: 13712345678 is not valid UTF-8")
    cells = Row(message, None, message.error).cells(redacted=True)
    for number in ("13812345678", "13912345678", "13512345678", "13712345678"):
        assert not any(number in str(value) for value in cells.values()), (number, cells)
    assert cells["source"] == "/dumps/138****5678.csv"
    assert Row(message, None, message.error).cells()["source"] == message.source  # not redacted: as read
