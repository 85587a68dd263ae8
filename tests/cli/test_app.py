"""The CLI: classify, evaluate, train, help texts and clean errors (run through the session's ``cli`` fixture)."""

import json

import pytest

from dunning_nlp.cli.app import build_parser


def test_classify_argument_prints_label_and_scores(cli):
    code, out, _ = cli(["classify", "您好，您在XX借款已逾期3天，请今日还款"])
    assert code == 0
    assert out.startswith("reminder\t")
    assert "scores: reminder=" in out and "evidence:" in out


def test_classify_stdin_json(cli):
    code, out, _ = cli(["classify", "-", "--json"], stdin="您已逾期3天\n\n你好呀\n")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["text"] for r in rows] == ["您已逾期3天", "你好呀"]
    assert all(abs(sum(r["scores"].values()) - 1) < 1e-3 for r in rows)


def test_every_command_has_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sub.choices
    for name, subparser in sub.choices.items():
        assert subparser.description, name
        assert all(a.help for a in subparser._actions if a.dest != "help"), name


def test_unknown_model_is_one_line_exit_2(cli, tmp_path):
    code, out, err = cli(["classify", "x", "--model", str(tmp_path / "none.joblib")])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err and "none.joblib" in err


def test_usage_error_exit_2(cli):
    code, _, err = cli(["classify"])
    assert code == 2 and "usage" in err.lower() and "Traceback" not in err


@pytest.mark.slow
def test_evaluate_check_on_bundled_model_meets_targets(cli):
    code, out, err = cli(["evaluate", "--check"])
    assert code == 0, err
    assert "macro-F1" in out and "obfuscated" in out


@pytest.mark.slow
def test_train_writes_model_and_manifest(cli, tmp_path):
    code, out, err = cli(["train", "--family", "complement_nb", "--limit-per-label", "20", "--folds", "3",
                          "-o", str(tmp_path), "--name", "t"])
    assert code == 0, err
    manifest = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert manifest["family"] == "complement_nb" and (tmp_path / "t.joblib").is_file()
    code, out, _ = cli(["classify", "--model", str(tmp_path / "t.joblib"), "您已逾期"])
    assert code == 0 and out.split("\t")[0] in ("reminder", "harassment", "third_party", "fraud", "other")


def test_train_with_bad_user_file_names_the_line(cli, tmp_path):
    bad = tmp_path / "mine.jsonl"
    bad.write_text('{"text": "x", "label": "nope"}\n', encoding="utf-8")
    code, _, err = cli(["train", "--extra", str(bad), "--limit-per-label", "5", "-o", str(tmp_path)])
    assert code == 2 and "mine.jsonl:1" in err and "Traceback" not in err
