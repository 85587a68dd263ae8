"""Template slots read as placeholders, so that a template library can be checked before it is sent."""

from __future__ import annotations

import pytest

from dunning_nlp.text.normalize import normalize_text

SLOT = "⟪SLOT⟫"


@pytest.mark.parametrize("template, slots", [
    ("尊敬的${name}，您的账单今日到期", 1),
    ("{0}您好，本期应还{1}元", 2),
    ("您好{$name}，应还{$money}元", 2),
    ("{{ name }}您好，应还{{amount}}元", 2),
    ("{姓名}您好", 1),
    ("#name#您好，本期应还#amount#元", 2),
    ("$name$您好，借款 $target_no 已到期", 2),
    ("您好%s，本期应还%d元，%1$s前还款", 3),
    ("您在%1的借款已逾期%2天", 2),
    ("var1您好，您在var2的借款已逾期", 2),
    ("您可登录'.$source_name.'官方APP还款", 1),   # a PHP variable spliced into a string literal
    ('您好".$name."，借款已到期', 1),
])
def test_template_slots_become_one_placeholder_each(template, slots):
    normalised = normalize_text(template)
    assert normalised.count(SLOT) == slots, normalised
    assert normalize_text(normalised) == normalised  # idempotent


@pytest.mark.parametrize("text, kept", [
    ("打5折，优惠50%", "%"),             # a percentage is not a slot
    ("微博热搜#感恩节#", "感恩节"),        # a Chinese hashtag is text
    ("价格$5", "⟪AMOUNT⟫"),               # a dollar amount stays an amount
])
def test_ordinary_text_is_not_read_as_a_slot(text, kept):
    normalised = normalize_text(text)
    assert SLOT not in normalised and kept in normalised


def test_xx_reads_as_masked_digits_not_as_a_slot():
    assert normalize_text("您在XX平台的借款") == "您在⟪NUM⟫平台的借款"


def test_a_spliced_php_variable_leaves_no_quote_or_dot_behind():
    assert normalize_text("您可登录'.$source_name.'官方APP还款") == "您可登录⟪SLOT⟫官方APP还款"
    assert normalize_text("it's $name.") == "it's ⟪SLOT⟫."  # an unmatched quote stays text
