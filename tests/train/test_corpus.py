"""The corpus meets the datasheet's promises, and splits never leak a group."""

import collections
import subprocess
import sys

import pytest

from dunning_nlp.train.corpus import read_records
from dunning_nlp.errors import DataError, InputFileError
from dunning_nlp.labels import LABELS

from conftest import DATA, ROOT

FIELDS = {"id", "text", "label", "group", "origin", "script", "secondary", "split"}


def test_schema(corpus_rows):
    for row in corpus_rows:
        assert set(row) == FIELDS, row["id"]
        assert row["label"] in LABELS
        assert row["script"] in ("hans", "hant")
        assert row["split"] in ("train", "test")
        assert all(s in LABELS and s != row["label"] for s in row["secondary"])
        assert row["text"].strip()


def test_sizes(corpus_rows):
    assert len(corpus_rows) >= 6000
    per_label = collections.Counter(r["label"] for r in corpus_rows)
    assert min(per_label[label] for label in LABELS) >= 800, per_label


def test_handwritten_bases_per_label(corpus_rows):
    bases = collections.defaultdict(set)
    for r in corpus_rows:
        bases[r["label"]].add(r["group"])
    assert all(len(bases[label]) >= 250 for label in LABELS), {k: len(v) for k, v in bases.items()}


def test_traditional_share_and_lengths(corpus_rows):
    hant = sum(r["script"] == "hant" for r in corpus_rows)
    assert hant / len(corpus_rows) >= 0.10
    handwritten_hant = {r["group"] for r in corpus_rows if r["script"] == "hant" and r["origin"] == "handwritten"}
    assert len(handwritten_hant) >= 100  # written in Taiwan/HK usage, not only converted
    lengths = [len(r["text"]) for r in corpus_rows]
    assert min(lengths) <= 10 and max(lengths) >= 250


def test_no_duplicate_texts_or_ids(corpus_rows):
    texts = [r["text"] for r in corpus_rows]
    ids = [r["id"] for r in corpus_rows]
    assert len(set(texts)) == len(texts)
    assert len(set(ids)) == len(ids)


def test_no_group_crosses_the_split(corpus_rows):
    sides = collections.defaultdict(set)
    for r in corpus_rows:
        sides[r["group"]].add(r["split"])
    assert all(len(s) == 1 for s in sides.values())
    test_share = sum(r["split"] == "test" for r in corpus_rows) / len(corpus_rows)
    assert 0.1 < test_share < 0.3


def test_every_label_in_both_splits(corpus_rows):
    pairs = {(r["label"], r["split"]) for r in corpus_rows}
    assert pairs == {(label, split) for label in LABELS for split in ("train", "test")}


@pytest.mark.slow
def test_corpus_file_is_what_the_generator_builds():
    result = subprocess.run([sys.executable, str(DATA / "build_corpus.py"), "--check"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_read_records_reports_every_bad_line(tmp_path):
    bad = tmp_path / "mine.jsonl"
    bad.write_text('{"text": "您已逾期", "label": "reminder"}\n'
                   '{"text": "", "label": "reminder"}\n'
                   'not json\n'
                   '{"text": "x", "label": "spam"}\n', encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_records(bad)
    message = str(info.value)
    assert "mine.jsonl:2" in message and "mine.jsonl:3" in message and "mine.jsonl:4" in message
    assert "mine.jsonl:1" not in message


def test_read_records_csv_and_gbk(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_bytes("text,label\n您已逾期三天,reminder\n你好,other\n".encode("gbk"))
    records = read_records(path)
    assert [(r.text, r.label, r.split) for r in records] == [("您已逾期三天", "reminder", "train"), ("你好", "other", "train")]
    assert records[0].group == records[0].id  # a user row is its own group


def test_missing_file_is_input_file_error(tmp_path):
    with pytest.raises(InputFileError):
        read_records(tmp_path / "nope.jsonl")
