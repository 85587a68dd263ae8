"""Render the evidence report as one self-contained HTML page (also the source of the PDF).

No scripts, no external fonts, styles or images: charts are inline SVG
drawn here, and a Content-Security-Policy of ``default-src 'none'`` tells
the browser to refuse any request the page might still contain.  Every
piece of message-derived text goes through :func:`html.escape`.

Phone first.  The page is read on a 390-px phone as often as on a desk: the
overview and the summaries come first (概况, 投诉摘要, 疑似诈骗短信, 下一步怎么做),
then the evidence.  Below 640 px every table becomes a stack of cards (one
card per row, each value under its column name), so nothing is squeezed to
one character per line and the page never scrolls sideways; a chart keeps a
readable width and, when that is wider than the screen, scrolls inside its
box under a visible hint.  Charts have a y-axis with a scale.

Print (the PDF): ordinary messages are left out — the flagged table holds
every flagged collection message and every suspected scam, and the per-number
timelines stay in the HTML page only; tables break between rows; columns
have fixed widths, numbers never wrap and a category badge sits above its
confidence instead of over it; every page carries the generation time and
the input hashes in its footer.  The complaint summary is plain text in
paragraphs, so a person selects and copies it; there are no buttons.

Every word on the page comes from the report language's message catalogue
(:mod:`dunning_nlp.report.i18n`) through :mod:`dunning_nlp.report.wording`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from html import escape
from pathlib import Path

from ..io.message import clean_text
from ..labels import LABELS
from .build import Report
from .flags import CHANNEL_CODES, CHANNEL_FLAGS, FLAG_RULES, Flag, Standing, is_night
from .i18n import catalogue, format_date, format_percent, format_time
from .wording import (
    complaint_text,
    evidence_text,
    flag_titles,
    group_name,
    night_text,
    rules_text,
    scam_text,
    shown_sender,
    text_mask,
)

__all__ = ["COLORS", "render_html"]

COLORS = {
    "reminder": "#4e79a7",
    "harassment": "#e15759",
    "third_party": "#f28e2b",
    "fraud": "#b07aa1",
    "other": "#8c8c8c",
}
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_FOOTER_HASH = 12  # hex digits of each input hash in the page footer (the full ones are in the inputs table)
_WHERE = 5  # record positions listed per reason before "and N more"
_HINT_WIDTH = 360  # a chart whose readable width is above this scrolls on a phone, under a hint

_STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;padding:16px 24px;max-width:1200px;color:#222;line-height:1.55;overflow-wrap:break-word}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;
font-size:13px;text-align:left}th{background:#f4f4f4}.num{text-align:right}.nowrap,.num{white-space:nowrap}
.small{font-size:12px;color:#555}.msg{min-width:14em;max-width:440px;overflow-wrap:anywhere}
.lab{display:inline-block;padding:1px 5px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
.reminder{background:#4e79a7}.harassment{background:#e15759}.third_party{background:#f28e2b}
.fraud{background:#b07aa1}.other{background:#8c8c8c}\
.dot,.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.key{margin-right:12px;font-size:12px;white-space:nowrap}summary{cursor:pointer;margin:4px 0}
.meta,.note{font-size:13px;color:#444}\
.warn{font-size:13px;background:#fff8e1;border-left:4px solid #f0b400;padding:6px 10px}
.complaint{border-left:4px solid #e15759;background:#fdf5f5;padding:8px 10px;margin:8px 0;\
-webkit-user-select:text;user-select:text}
.scam{border-left:4px solid #b07aa1;background:#f8f3f7;padding:8px 10px;margin:8px 0;\
-webkit-user-select:text;user-select:text}
.chart-box{overflow-x:auto;margin:8px 0}.chart-box svg{display:block;width:100%;height:auto}
.hint{display:none;font-size:12px;color:#555;margin:2px 0}
code{font-size:12px;word-break:break-all}.print-only{display:none}
@media (max-width:640px){
 body{padding:10px 12px}
 table.cards,.cards tbody,.cards tr,.cards td{display:block;width:100%;max-width:none;min-width:0}
 .cards thead{display:none}
 .cards tr{border:1px solid #ccc;border-radius:4px;margin:0 0 10px;padding:4px 0}
 .cards td{border:0;padding:1px 8px;text-align:left;white-space:normal}
 .cards td::before{content:attr(data-label);color:#777;font-size:12px}
 .hint.wide{display:block}
}
@media print{
 body{max-width:none;padding:0;font-size:9.5pt;line-height:1.45}
 .screen-only{display:none}.print-only{display:block}
 .chart-box{overflow:visible}.chart-box svg{width:auto!important;min-width:0!important;max-width:100%!important}
 .hint{display:none!important}
 table{width:100%;table-layout:fixed}td,th{font-size:8pt;padding:2px 4px;overflow-wrap:anywhere}
 tr,td,th,figure,svg,.complaint,.scam{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}h2,h3{break-after:avoid;page-break-after:avoid}
 .complaint,.scam{background:none;padding:4px 8px}
 .nowrap,.num,.lab{white-space:nowrap;overflow-wrap:normal}
 .lab{font-size:7.5pt;padding:0 3px}
 #flagged col.c-time{width:14%}#flagged col.c-sender{width:14%}#flagged col.c-label{width:11%}
 #flagged col.c-flags{width:11%}#flagged col.c-text{width:36%}#flagged col.c-why{width:14%}
 #flagged .small{font-size:7pt}
 #overview-flags{width:auto}#overview-flags td,#overview-flags th{padding:1px 8px}
 #inputs col.c-path{width:25%}#inputs col.c-hash{width:54%}
 #inputs td:last-child code{white-space:nowrap;word-break:normal;font-size:6.5pt}
 code{font-size:7pt}
}
"""


def _e(value) -> str:
    return escape(str(value), quote=True)


def _css_string(value: str) -> str:
    """``value`` as a CSS string literal that cannot end the string or the ``<style>`` element."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ").replace(">", "\\3e ")
    return f'"{out}"'


def _nice_top(top: int) -> int:
    """A round number at or above ``top`` for the y-axis (1, 2, 5 × 10ⁿ)."""
    top = max(top, 1)
    step = 10 ** int(math.log10(top))
    for m in (1, 2, 5, 10):
        if m * step >= top:
            return m * step
    return 10 * step  # pragma: no cover


def _bars(
    series: list[tuple[str, str, dict]],
    *,
    title: str,
    unit: str,
    names: dict,
    highlight=lambda key: False,
    every: int = 1,
    widest: float = 22.0,
) -> tuple[str, bool]:
    """A stacked bar chart as inline SVG with a y-axis: one bar per (key, axis label, counts by label).

    Returns the SVG and whether it is wider than a phone shows at a readable size (then it scrolls).
    """
    n = max(len(series), 1)
    slot = max(4.0, min(widest, 1100 / n))
    left, right, top, bottom, height = 38, 8, 40, 26, 240
    width = left + n * slot + right
    plot = height - top - bottom
    peak = _nice_top(max([sum(c.values()) for _, _, c in series] + [1]))
    readable = width * 0.72
    parts = [
        (
            f'<svg class="chart" role="img" aria-label="{_e(title)}" viewBox="0 0 {width:.0f} {height}" '
            f'width="{width:.0f}" height="{height}" style="min-width:{readable:.0f}px;max-width:{width * 1.6:.0f}px" '
            f'xmlns="http://www.w3.org/2000/svg">'
        ),
        f'<text x="0" y="15" font-size="14">{_e(title)}</text>',
    ]
    for value in sorted({0, peak // 2, peak}):
        y = top + plot - value / peak * plot
        parts.append(
            f'<line x1="{left}" x2="{width - right:.0f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 5}" y="{y + 4.5:.1f}" font-size="13" text-anchor="end">{value}</text>'
        )
    parts.append(f'<text x="{left - 5}" y="{top - 12}" font-size="12" text-anchor="end">{_e(unit)}</text>')
    for i, (key, axis, counts) in enumerate(series):
        x = left + i * slot
        if highlight(key):
            parts.append(
                f'<rect class="night" x="{x:.1f}" y="{top}" width="{slot:.1f}" height="{plot}" fill="#fde8e8"/>'
            )
        y = top + plot
        for lab in LABELS:
            v = counts.get(lab, 0)
            if not v:
                continue
            h = v / peak * plot
            y -= h
            parts.append(
                f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{max(slot - 2, 1):.1f}" '
                f'height="{h:.1f}" '
                f'fill="{COLORS[lab]}"><title>{_e(axis)} {_e(names[lab])} {v}</title></rect>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{height - 7}" font-size="13" text-anchor="middle">{_e(axis)}</text>'
            )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot}" stroke="#999"/>'
        f'<line x1="{left}" x2="{width - right:.0f}" y1="{top + plot}" y2="{top + plot}" stroke="#999"/>'
        "</svg>"
    )
    return "".join(parts), readable > _HINT_WIDTH


def _generated(report: Report) -> str:
    """The generation time in the report's zone, with the zone's name."""
    return f"{format_time(report.generated_at, True, report.lang)} {report.tz}"


def _table(table_id: str, head: list[str], rows: list[str], cols: tuple[str, ...] = (), cards: bool = True) -> str:
    """A table with a repeated header row (when printed); rows become cards on a phone."""
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    colgroup = "<colgroup>" + "".join(f'<col class="{c}">' for c in cols) + "</colgroup>" if cols else ""
    cls = ' class="cards"' if cards else ""
    return (
        f'<div class="scroll"><table id="{table_id}"{cls}>{colgroup}<thead><tr>{ths}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _row(head: list[str], colon: str, cells: list[tuple[str, str]]) -> str:
    """A table row; each cell is (class, html) and carries its column name (and ``colon``) for the phone cards."""
    return (
        "<tr>"
        + "".join(
            f'<td data-label="{_e(h + colon)}"{f" class={chr(34)}{c}{chr(34)}" if c else ""}>{v}</td>'
            for h, (c, v) in zip(head, cells)
        )
        + "</tr>"
    )


def _page_css(report: Report, t: dict) -> str:
    """The printed page: A4 margins and a footer on every page with the generation time and the input hashes."""
    hashes = ", ".join(f.sha256[:_FOOTER_HASH] for f in report.inputs if f.sha256) or t["na"]
    footer = t["page_footer"].format(generated=_generated(report), hashes=hashes)
    before, _, rest = t["page_number"].partition("{page}")
    middle, _, after = rest.partition("{pages}")
    number = f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) {_css_string(after)}"
    return (
        "@page{size:A4;margin:12mm 11mm 16mm 11mm;"
        f"@bottom-left{{content:{_css_string(footer)};font-size:7pt;color:#555;vertical-align:top}}"
        f"@bottom-right{{content:{number};font-size:7pt;color:#555;vertical-align:top;white-space:nowrap;width:30mm}}}}"
    )


def render_html(report: Report, *, for_print: bool = False) -> str:
    """Return the whole page as a string (``for_print``: the PDF's page, without the per-number timelines)."""
    lang = report.lang
    cat = catalogue(lang)
    t = cat["text"]
    msg_lang = ' lang="zh-CN"' if lang != "zh" else ""  # messages are Chinese whatever the page language
    names = {lab: cat["labels"][lab] for lab in LABELS}
    colon = t["colon"]
    settings = report.settings
    protect = text_mask(report)

    def when(entry) -> str:
        if entry.when is None:
            return _e(t["na"])
        day = format_date(entry.when, lang)
        clock = f' <span class="nowrap">{entry.when:%H:%M}</span>' if entry.has_time else ""
        return f'<span class="nowrap">{_e(day)}</span>{clock}'

    def badge(label: str) -> str:
        return f'<span class="lab {_e(label)}">{_e(names.get(label, label))}</span>' if label else ""

    def where(entry) -> str:
        return t["record"].format(file=Path(report.source_of(entry)).name, record=entry.message.record)

    # overview
    standings = report.standings
    overview = t["overview"].format(
        total=len(report.entries),
        collection=standings.get(Standing.COLLECTION, 0) + standings.get(Standing.THREAD, 0),
        flagged=sum(1 for e in report.entries if e.flags),
        scam=standings.get(Standing.SCAM, 0),
        other=standings.get(Standing.OTHER, 0),
    )
    unread_count = standings.get(Standing.UNREAD, 0) + standings.get(Standing.UNREADABLE, 0)
    if unread_count:
        overview += t["overview_unread"].format(unread=unread_count)
    counts = report.flag_counts
    overview_rows = [
        f'<tr><td>{_e(cat["flags"][flag.value]["title"])}</td><td class="num">{n}</td></tr>'
        for flag, n in counts.items()
        if n
    ]
    overview_table = (
        f'<table id="overview-flags"><thead><tr><th>{_e(t["overview_head"][0])}</th>'
        f"<th>{_e(t['overview_head'][1])}</th></tr></thead><tbody>{''.join(overview_rows)}</tbody></table>"
        if overview_rows
        else ""
    )

    complaints = (
        "".join(f'<p class="complaint">{_e(complaint_text(g, report))}</p>' for g in report.complaints)
        or f"<p>{_e(t['no_complaints'])}</p>"
    )
    scams = (
        "".join(f'<p class="scam">{_e(scam_text(g, report))}</p>' for g in report.scams)
        or f"<p>{_e(t['no_scams'])}</p>"
    )

    # what to do next: one row per channel this report needs, with what it is for here
    uses: dict[str, list[str]] = defaultdict(list)
    for g in report.complaints:
        for channel in g.channels:
            uses[channel].extend(
                cat["flags"][flag.value]["title"]
                for flag in Flag
                if flag in g.flag_counts and flag in CHANNEL_FLAGS[channel]
            )
    for g in report.scams:
        for channel in g.channels:
            uses[channel].append(t["next_scams"])

    next_head = t["next_head"]
    next_rows = [
        _row(
            next_head,
            colon,
            [
                ("", _e(cat["channels"][c]["name"])),
                ("", _e(t["list_sep"].join(sorted(set(uses[c]), key=uses[c].index)))),
                ("", _e(cat["channels"][c]["reach"])),
                ("", _e(cat["channels"][c]["attach"])),
            ],
        )
        for c in CHANNEL_CODES
        if c in uses
    ]
    next_table = _table("next", next_head, next_rows) if next_rows else f"<p>{_e(t['next_none'])}</p>"

    # flagged messages, in time order
    head = t["flagged_head"]
    flagged_rows = []
    for e in report.flagged:
        flag_text = flag_titles(e.flags, lang) if e.flags else names["fraud"]
        sender = shown_sender(e, report) or t["unknown_sender"]
        flagged_rows.append(
            _row(
                head,
                colon,
                [
                    ("", when(e)),
                    ("", f'<span class="nowrap">{_e(sender)}</span><br><span class="small">{_e(where(e))}</span>'),
                    (
                        "",
                        f'{badge(e.label)}<br><span class="small nowrap">'
                        f"{_e(t['score'].format(percent=format_percent(e.score or 0.0)))}</span>",
                    ),
                    ("", _e(flag_text)),
                    ("msg", f"<span{msg_lang}>{_e(protect(e.message.text))}</span>"),
                    ("small", _e(evidence_text(e, lang))),
                ],
            )
        )
    flagged_table = _table(
        "flagged", head, flagged_rows, ("c-time", "c-sender", "c-label", "c-flags", "c-text", "c-why")
    )

    # collectors
    head_s = t["senders_head"]
    sender_rows = []
    for g in report.collectors:
        first, last = g.span
        per_flag = t["item_sep"].join(
            t["item"].format(name=cat["flags"][f.value]["title"], count=n) for f, n in g.flag_counts.items()
        )
        sender_rows.append(
            _row(
                head_s,
                colon,
                [
                    ("", f"<span{msg_lang}>{_e(group_name(g, report) or t['na'])}</span>"),
                    ("", _e(cat["kinds"][g.kind])),
                    ("", _e(cat["sources"][g.mention.source if g.mention else "sender"])),
                    ("", _e(cat["confidence"][g.mention.confidence if g.mention else "none"])),
                    ("", _e(t["list_sep"].join(g.senders) or t["unknown_sender"])),
                    ("", _e(format_time(first, g.entries[0].has_time, lang) if first else t["na"])),
                    ("", _e(format_time(last, g.entries[-1].has_time, lang) if last else t["na"])),
                    ("num", str(len(g.entries))),
                    ("num", str(g.flagged)),
                    ("small", _e(per_flag or t["na"])),
                ],
            )
        )
    senders_table = (
        _table("senders", head_s, sender_rows, ("c-name", "", "", "", "c-nums", "", "", "", "", "c-perflag"))
        if sender_rows
        else f"<p>{_e(t['no_senders'])}</p>"
    )

    senders_block = f'<p class="note">{_e(t["senders_print"])}</p>' if for_print else senders_table

    # charts
    per_day = report.per_day()
    day_series = [(day, day[5:], c) for day, c in per_day.items()]
    days_svg, days_wide = _bars(
        day_series,
        title=t["chart_days"],
        unit=t["chart_unit"],
        names=names,
        every=max(1, math.ceil(len(day_series) / 12)),
    )
    hour_series = [(str(h), f"{h}", c) for h, c in enumerate(report.per_hour())]
    hours_svg, hours_wide = _bars(
        hour_series,
        title=t["chart_hours"].format(night=night_text(settings, lang)),
        unit=t["chart_unit"],
        names=names,
        every=2,
        widest=18.0,
        highlight=lambda key: is_night(int(key), settings.night_start, settings.night_end),
    )
    legend = "".join(
        f'<span class="key"><i style="background:{COLORS[lab]}"></i>{_e(names[lab])}</span>' for lab in LABELS
    )

    def chart(chart_id: str, svg: str, wide: bool) -> str:
        hint = f'<p class="hint{" wide" if wide else ""}">{_e(t["scroll_hint"])}</p>'
        return f'{hint}<figure id="{chart_id}" class="chart-box">{svg}</figure>'

    # timelines (HTML only)
    if for_print:
        timelines = f'<p class="note">{_e(t["timelines_print"])}</p>'
    else:
        by_sender: dict[str, list] = defaultdict(list)
        for e in report.entries:
            if e.standing in (Standing.COLLECTION, Standing.THREAD):
                by_sender[e.key].append(e)
        blocks = []
        for _key, items in sorted(by_sender.items(), key=lambda kv: -len(kv[1])):
            items.sort(key=lambda e: e.order)
            rows = "".join(
                f'<tr><td class="nowrap">{when(e)}</td><td>{badge(e.label)}</td>'
                f'<td class="msg"{msg_lang}>{_e(protect(e.message.text))}</td></tr>'
                for e in items
            )
            sender = items[0].message.sender.strip() or t["unknown_sender"]
            blocks.append(
                f"<details><summary>{_e(t['timeline_summary'].format(sender=sender, count=len(items)))}"
                f'</summary><div class="scroll"><table class="timeline"><tbody>{rows}</tbody></table></div>'
                "</details>"
            )
        timelines = "".join(blocks) or f"<p>{_e(t['no_timelines'])}</p>"

    # every input explained
    head_i = t["inputs_head"]
    input_rows = [
        _row(
            head_i,
            colon,
            [
                ("", f"<code>{_e(f.path)}</code>"),
                ("num", str(f.records)),
                ("num", str(f.analysed)),
                ("num", str(f.not_analysed)),
                ("", f"<code>{_e(f.sha256 or t['na'])}</code>"),
            ],
        )
        for f in report.inputs
    ]
    by_reason: dict[str, list] = defaultdict(list)
    for e in report.not_analysed:
        by_reason[e.reason.value if e.reason else "reader_error"].append(e)
    head_u = t["unread_head"]
    unread_rows = []
    for reason, items in by_reason.items():
        shown = t["list_sep"].join(where(e) for e in items[:_WHERE])
        if len(items) > _WHERE:
            shown += " " + t["more_records"].format(count=len(items) - _WHERE)
        notes = list(dict.fromkeys(protect(clean_text(e.row.error)) for e in items if e.row.error))[:2]
        unread_rows.append(
            _row(
                head_u,
                colon,
                [
                    ("", _e(cat["reasons"][reason])),
                    ("num", str(len(items))),
                    ("small", _e(shown)),
                    ("small", "<br>".join(f"<code>{_e(n)}</code>" for n in notes) or _e(t["na"])),
                ],
            )
        )
    unread = _table("unread", head_u, unread_rows) if unread_rows else f"<p>{_e(t['all_read'])}</p>"

    # rules
    head_r = t["rules_head"]
    rule_rows = []
    for flag in Flag:
        codes = FLAG_RULES[flag]
        basis = rules_text(codes, lang, full=True) if codes else cat["no_rule"]
        when_text = cat["flags"][flag.value]["when"]
        if flag is Flag.LATE_NIGHT:
            when_text += f" {night_text(settings, lang)}"
        elif flag is Flag.HIGH_FREQUENCY:
            when_text += f" {settings.max_per_day}"
        rule_rows.append(
            _row(
                head_r,
                colon,
                [
                    ("", _e(cat["flags"][flag.value]["title"])),
                    ("num", str(counts[flag])),
                    ("small", _e(when_text)),
                    ("small", _e(basis)),
                ],
            )
        )

    generated = _generated(report)
    provenance = t["provenance"].format(
        generated=generated,
        tz=report.tz,
        tool=report.tool,
        model=report.model_sha256 or t["na"],
        night=night_text(settings, lang),
        max_per_day=settings.max_per_day,
    )
    privacy = t["redacted"] if report.redacted else t["not_redacted"]
    legend_block = f"<div>{legend}</div>"
    return f"""<!DOCTYPE html>
<html lang="{_e(cat["lang_attr"])}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report.title)}</title>
<style>{_STYLE}{_page_css(report, t)}</style></head><body>
<h1>{_e(report.title)}</h1>
<p class="meta">{
        _e(t["short_meta"].format(generated=generated, total=len(report.entries), n_inputs=len(report.inputs)))
    }</p>
<p class="note">{_e(t["lead"])}</p>
<p class="warn" id="privacy">{_e(privacy)}</p>
<section id="overview"><h2>{_e(t["h_overview"])}</h2><p>{_e(overview)}</p>{overview_table}</section>
<section id="complaints"><h2>{_e(t["h_complaints"])}</h2>\
<p class="note">{_e(t["complaints_note"])}</p>{complaints}</section>
<section id="scams"><h2>{_e(t["h_scams"])}</h2><p class="note">{_e(t["scams_note"])}</p>{scams}</section>
<section id="next"><h2>{_e(t["h_next"])}</h2>\
<p>{_e(t["next_keep"])}</p><p>{_e(t["next_attach"])}</p>{next_table}</section>
<section id="flagged-section"><h2>{_e(t["h_flagged"].format(count=len(flagged_rows)))}</h2>
<p class="note">{_e(t["flagged_note"])}</p>{flagged_table}</section>
<section id="senders-section"><h2>{_e(t["h_senders"])}</h2>{senders_block}</section>
<section id="charts"><h2>{_e(t["h_charts"])}</h2>{legend_block}
{chart("chart-days", days_svg, days_wide)}
{chart("chart-hours", hours_svg, hours_wide)}</section>
<section id="timelines"><h2>{_e(t["h_timelines"])}</h2>{timelines}</section>
<section id="inputs-section"><h2>{_e(t["h_inputs"])}</h2><p class="note">{_e(t["inputs_note"])}</p>
{_table("inputs", head_i, input_rows, ("c-path", "", "", "", "c-hash"))}{unread}</section>
<section id="rules-section"><h2>{_e(t["h_rules"])}</h2>{_table("rules", head_r, rule_rows)}</section>
<section id="provenance" class="meta"><h2>{_e(t["h_provenance"])}</h2><p>{_e(provenance)}</p></section>
</body></html>
"""
