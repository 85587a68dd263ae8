import re
import os
import pickle
import stat

import pytest

from dunning_nlp.text.segment import JiebaTokenizer, cache_dir, tokenize, userdict_terms
from conftest import ROOT


@pytest.mark.parametrize("text, expected", [
    ("停息挂账找我们", ["停息挂账", "找", "我们"]),
    ("注销校园贷否则影响征信", ["注销校园贷", "否则", "影响征信"]),
    ("他是您的紧急联系人", ["他", "是", "您", "的", "紧急联系人"]),
    ("点击⟪URL⟫领取", ["点击", "⟪URL⟫", "领取"]),
    ("逾期⟪NUM⟫天,请还款", ["逾期", "⟪NUM⟫", "天", "请", "还款"]),
    ("爆通讯录", ["爆通讯录"]),
])
def test_tokenize_table(text, expected):
    assert tokenize(text) == expected


def test_placeholders_stay_whole_and_latin_is_lowercased():
    assert tokenize("加QQ⟪PHONE⟫") == ["加", "qq", "⟪PHONE⟫"]
    assert JiebaTokenizer(lowercase=False)("加QQ") == ["加", "QQ"]


def test_punctuation_dropped_unless_asked():
    assert "," not in tokenize("你好,再见")
    assert "," in JiebaTokenizer(keep_punct=True)("你好,再见")


def test_userdict_has_at_least_300_domain_terms():
    terms = userdict_terms()
    assert len(terms) >= 300
    assert len(set(terms)) == len(terms)
    assert {"停息挂账", "紧急联系人", "征信修复"} <= set(terms)


def test_userdict_changes_segmentation():
    assert JiebaTokenizer(userdict=False)("停息挂账") == ["停息", "挂账"]
    assert JiebaTokenizer(userdict=True)("停息挂账") == ["停息挂账"]


def test_tokenizer_pickles_and_compares_by_options():
    again = pickle.loads(pickle.dumps(tokenize))
    assert again == tokenize and hash(again) == hash(tokenize)
    assert again("征信修复") == ["征信修复"]
    assert JiebaTokenizer(lowercase=False) != tokenize


def test_cache_dir_is_private(tmp_path, monkeypatch):
    monkeypatch.setenv("DUNNING_NLP_CACHE", str(tmp_path / "c"))
    path = cache_dir()
    assert path == tmp_path / "c"
    assert stat.S_IMODE(os.stat(path).st_mode) & 0o077 == 0


@pytest.mark.slow
def test_fast_dictionary_cache_holds_exactly_what_jieba_builds(tmp_path, monkeypatch):
    from dunning_nlp.text.segment import _jieba_segmenter

    monkeypatch.setenv("DUNNING_NLP_CACHE", str(tmp_path))
    built = _jieba_segmenter(True)  # empty cache: jieba's own initialize() + load_userdict(), then saved
    files = list(tmp_path.glob("jieba-freq-*.bin"))
    assert len(files) == 1
    cached = _jieba_segmenter(True)  # read back from the fast cache
    assert cached is not built and cached.FREQ == built.FREQ and cached.total == built.total
    text = "您的网贷已逾期，停息挂账请联系客服，否则爆通讯录"
    assert list(cached.cut(text, HMM=False)) == list(built.cut(text, HMM=False))
    assert "停息挂账" in cached.FREQ  # the domain dictionary is part of the cache
    # Other user-dictionary text means another file, never a stale one.
    plain = _jieba_segmenter(False)
    assert "停息挂账" not in plain.FREQ and len(list(tmp_path.glob("jieba-freq-*.bin"))) == 2


@pytest.mark.parametrize("damage", [b"", b"not a cache", None])
def test_damaged_fast_cache_is_ignored(tmp_path, damage):
    from dunning_nlp.text import _jieba_cache

    path = tmp_path / "c.bin"
    assert _jieba_cache.save(path, {"逾期": 5, "逾": 0}, 5)
    assert _jieba_cache.load(path) == ({"逾期": 5, "逾": 0}, 5)
    data = path.read_bytes()
    path.write_bytes(data[:-3] if damage is None else damage)  # None: truncated
    assert _jieba_cache.load(path) is None
    assert _jieba_cache.load(tmp_path / "missing.bin") is None
    assert not _jieba_cache.save(path, {"a\nb": 1}, 1)  # keys with a newline cannot be stored exactly


def test_backend_resolution(monkeypatch):
    from dunning_nlp.errors import InputError
    from dunning_nlp.text.segment import resolve_backend

    assert resolve_backend("jieba") == "jieba"
    monkeypatch.setenv("DUNNING_NLP_TOKENIZER", "jieba")
    assert resolve_backend() == "jieba"
    with pytest.raises(InputError):
        resolve_backend("spacy")


def test_rjieba_backend_uses_domain_dictionary():
    pytest.importorskip("rjieba")
    tok = JiebaTokenizer(backend="rjieba")
    assert tok("停息挂账找我们") == ["停息挂账", "找", "我们"]
    assert tok("点击⟪URL⟫领取") == ["点击", "⟪URL⟫", "领取"]


@pytest.mark.slow
def test_label_agreement_between_backends(classifier, corpus_rows, monkeypatch):
    """Reports the share of corpus messages that get the same label with rjieba as with jieba."""
    pytest.importorskip("rjieba")
    texts = [r["text"] for r in corpus_rows]
    labels_jieba = [p.label for p in classifier.predict(texts, evidence=False)]
    monkeypatch.setenv("DUNNING_NLP_TOKENIZER", "rjieba")
    labels_rjieba = [p.label for p in classifier.predict(texts, evidence=False)]
    agreement = sum(a == b for a, b in zip(labels_jieba, labels_rjieba)) / len(texts)
    print(f"label agreement jieba vs rjieba on {len(texts)} corpus messages: {agreement:.4%}")
    assert agreement >= 0.995


@pytest.mark.parametrize("hmm", [False, True])
@pytest.mark.slow
def test_block_cache_gives_jiebas_own_tokens(corpus_rows, hmm):
    from dunning_nlp.text.normalize import normalize_text
    from dunning_nlp.text.segment import PLACEHOLDER_RE, _segmenter

    seg = _segmenter(True, "jieba")

    def whole_text(text):  # jieba over each stretch between placeholders, no block cache
        out, start = [], 0
        for m in [*PLACEHOLDER_RE.finditer(text), None]:
            stretch = text[start:m.start() if m else len(text)]
            out += [t.lower() for t in seg.cut(stretch, HMM=hmm) if t.strip() and not re.match(r"^[\s\W_]+$", t)]
            if m:
                out.append(m.group())
                start = m.end()
        return out

    tok = JiebaTokenizer(backend="jieba", hmm=hmm)
    texts = [r["text"] for r in corpus_rows[::3]]
    texts += [normalize_text(t) for t in texts] + ["王子涵，您的借款已逾期", "a b\tc\r\n逾期ABC-12#3%"]
    assert [tok(t) for t in texts] == [whole_text(t) for t in texts]


@pytest.mark.slow
def test_fused_dag_cut_gives_jiebas_tokens(corpus_rows):
    """dunning_nlp.text._dag.cut replaces jieba's cut(HMM=False) for speed: the tokens must be jieba's, text for text."""
    import json
    from pathlib import Path

    from dunning_nlp.text import _dag
    from dunning_nlp.text.segment import _segmenter

    seg = _segmenter(True, "jieba")
    texts = [r["text"] for r in corpus_rows]
    real = ROOT.parent / "shared" / "real-dev"
    for path in sorted(real.glob("*.jsonl")) if real.exists() else []:
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += ["", "  \r\n\t ", "a1b2中文c3 x y z", "+#&._%-", "ｘｘ　中文", "🙂中华人民共和国万岁!", "乒乓球拍卖完了",
              "研究生命起源", "结婚的和尚未结婚的"]
    differ = [t for t in texts if list(_dag.cut(seg, t)) != list(seg.cut(t, HMM=False))]
    assert not differ, differ[:5]
    # With the log probabilities remembered across texts (as tokenise does), in both orders of the texts.
    for order in (texts, texts[::-1]):
        log_probs: dict = {}
        remembered = [[tok for i, run in enumerate(_dag._patterns()[0].split(t)) if run
                       for tok in _dag.cut_run(seg, run, i % 2 == 1, log_probs)] for t in order]
        assert remembered == [list(seg.cut(t, HMM=False)) for t in order]


@pytest.mark.parametrize("block", ["逾期" * 4, "abcdefgh", "İ" * 8, "𠀀" * 8, "🙂" * 8, "\U0001d400" * 9])
@pytest.mark.parametrize("lowercase, keep_punct", [(True, False), (False, True)])
def test_block_cost_is_an_upper_bound_of_the_bytes_held(block, lowercase, keep_punct):
    """The block cache bounds its estimate: it must not be below what the key and the tokens hold (4-byte characters too)."""
    import sys

    import jieba

    from dunning_nlp.text.segment import _block_cost, _segment_block

    args = (block, bool(jieba.re_han_default.fullmatch(block)), True, lowercase, keep_punct, False)
    tokens = _segment_block(*args)
    held = sys.getsizeof(args) + sys.getsizeof(block) + sys.getsizeof(tokens) + sum(map(sys.getsizeof, tokens))
    assert _block_cost(args, tokens) >= held


def test_no_cache_directory_means_no_temporary_directories(tmp_path, monkeypatch):
    """A cache directory that cannot be made costs start-up time, never a leaked /tmp directory per process."""
    import tempfile

    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    monkeypatch.setenv("DUNNING_NLP_CACHE", str(blocked / "cache"))
    made = []
    monkeypatch.setattr(tempfile, "mkdtemp", lambda *a, **k: made.append(a) or str(tmp_path))
    assert cache_dir() is None and made == []


def test_only_the_newest_dictionary_caches_are_kept(tmp_path):
    import os

    from dunning_nlp.text.segment import KEEP_CACHES, _prune_caches

    files = []
    for i in range(6):
        f = tmp_path / f"jieba-freq-{i:020d}.bin"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + i, 1_000_000 + i))
        files.append(f)
    _prune_caches(tmp_path, keep=files[0])  # the one just written is kept even though it is the oldest here
    left = sorted(p.name for p in tmp_path.glob("jieba-freq-*.bin"))
    assert len(left) == KEEP_CACHES and files[0].name in left and files[5].name in left and files[4].name in left
