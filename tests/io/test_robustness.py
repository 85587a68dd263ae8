"""Hostile and broken input: every reader, the tokeniser and the CLI keep working and lose nothing."""

import io
import socket
import tempfile
from pathlib import Path

import pytest
from dunning_nlp.cli.app import main
from dunning_nlp.errors import DunningNLPError
from dunning_nlp.io import Format, read_messages
from dunning_nlp.text.segment import tokenize
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DATA

CASES = 150  # generated cases per property below; see README "Robustness"
FORMATS = [f for f in Format]
SAMPLES = DATA / "samples"


@settings(max_examples=CASES, deadline=None)
@given(st.text())
def test_tokenize_never_raises_and_drops_no_placeholder(text):
    tokens = tokenize(text)
    assert all(isinstance(t, str) and t for t in tokens)
    assert tokens.count("⟪URL⟫") >= text.count("⟪URL⟫") or "⟪URL⟫" not in text


def _read_all(data: bytes, fmt: Format, suffix: str):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            messages = list(read_messages(str(path), fmt))
        except DunningNLPError:
            return None  # a clear, typed error is an acceptable outcome
        assert path.read_bytes() == data  # input never modified
        return messages


@pytest.mark.parametrize("fmt, suffix", [(Format.AUTO, ".bin"), (Format.ANDROID_XML, ".xml"), (Format.CSV, ".csv"),
                                         (Format.TSV, ".tsv"), (Format.JSONL, ".jsonl"), (Format.TEXT, ".txt"),
                                         (Format.IOS_DB, ".db"), (Format.ANDROID_DB, ".db")])
@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=2000))
def test_every_reader_survives_arbitrary_bytes(fmt, suffix, data):
    messages = _read_all(data, fmt, suffix)
    if messages is not None:
        assert all(m.record >= 1 and isinstance(m.text, str) for m in messages)


_PREFIXES = {
    ".xml": (SAMPLES / "android_backup.xml").read_bytes()[:600],
    ".csv": "时间,号码,内容\n".encode(),
    ".db": (SAMPLES / "android_mmssms.db").read_bytes()[:4096],
}


@pytest.mark.parametrize("suffix", sorted(_PREFIXES))
@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tail=st.binary(max_size=3000))
def test_readers_survive_valid_start_with_garbage_tail(suffix, tail):
    messages = _read_all(_PREFIXES[suffix] + tail, Format.AUTO, suffix)
    if messages is not None:  # a typed error is acceptable; otherwise records, each numbered, never a crash
        assert all(m.record >= 1 and isinstance(m.text, str) for m in messages)


@settings(max_examples=60, deadline=None)
@given(bodies=st.lists(st.text(max_size=200), max_size=8))
def test_batch_writes_one_row_per_record_for_any_text(bodies, tmp_path_factory):
    import csv
    import json

    tmp = tmp_path_factory.mktemp("b")
    src = tmp / "in.jsonl"
    src.write_text("".join(json.dumps({"body": b}) + "\n" for b in bodies), encoding="utf-8")
    out = tmp / "out.csv"
    assert main(["batch", str(src), "-o", str(out)], stdout=io.StringIO(), stderr=io.StringIO()) == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(bodies)
    assert all(bool(r["label"]) != bool(r["error"]) for r in rows)


def test_deeply_nested_and_huge_attribute_xml(tmp_path):
    deep = tmp_path / "deep.xml"
    deep.write_text("<smses>" + "<x>" * 20000 + "</x>" * 20000 + '<sms body="好" date="0" type="1"/></smses>',
                    encoding="utf-8")
    assert [m.text for m in read_messages(str(deep))] == ["好"]
    huge = tmp_path / "huge.xml"
    huge.write_text('<smses><sms body="' + "长" * 3_000_000 + '" date="0" type="1"/></smses>', encoding="utf-8")
    (message,) = list(read_messages(str(huge)))
    assert len(message.text) == 2_000_000 and "truncated" in message.error


def test_default_model_never_comes_from_the_working_directory(tmp_path, monkeypatch):
    import json
    from importlib.resources import files

    import dunning_nlp

    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "default.joblib").write_bytes(b"not a pickle")
    (tmp_path / "models" / "default.json").write_text("{}", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    clf = dunning_nlp.load()
    shipped = json.loads((files("dunning_nlp.models") / "default.json").read_text(encoding="utf-8"))
    assert clf.manifest["sha256"] == shipped["sha256"]


def test_no_network_anywhere(tmp_path, monkeypatch):
    attempts = []

    def refuse(self, *args, **kwargs):
        attempts.append(args)
        raise OSError("network disabled by test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", lambda *a, **k: refuse(None, *a))
    out, err = io.StringIO(), io.StringIO()
    for argv in (["classify", "您的借款已逾期"],
                 ["batch", str(SAMPLES), "-o", str(tmp_path / "o.csv"), "--redact"],
                 ["report", str(SAMPLES), "-o", str(tmp_path / "r.html")],
                 ["evaluate", "--data", str(DATA / "challenge.jsonl")]):
        assert main(argv, stdin=io.StringIO(""), stdout=out, stderr=err) == 0, err.getvalue()
    assert attempts == []
