"""Render the evidence report as one self-contained HTML page (also the source of the PDF).

No scripts, no external fonts, styles or images: charts are inline SVG
drawn here, and a Content-Security-Policy of ``default-src 'none'`` tells
the browser to refuse any request the page might still contain.  Every
piece of message-derived text goes through :func:`html.escape`.

Every word on the page comes from the report language's message catalogue
(:mod:`dunning_nlp.report.i18n`).  The page reads on a 390-px phone (no
horizontal scrolling of the page: wide tables and charts scroll inside their
box, the flagged messages become cards) and prints well: tables break
between rows, charts are kept whole, and every printed page carries the
generation time and the input hashes in its footer.  The complaint summary
is plain text in paragraphs, so a person selects and copies it; there are
no buttons.
"""

from __future__ import annotations

from html import escape

from .flags import is_night
from ..labels import LABELS
from .i18n import catalogue, format_time

__all__ = ["render_html", "COLORS"]

COLORS = {"reminder": "#4e79a7", "harassment": "#e15759", "third_party": "#f28e2b", "fraud": "#b07aa1",
          "other": "#bab0ac"}
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_FOOTER_HASH = 12  # hex digits of each input hash in the page footer (the full ones are in the provenance table)

_STYLE = """
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{font-family:system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei","PingFang SC","Microsoft YaHei",sans-serif;
margin:0 auto;padding:16px 24px;max-width:1200px;color:#222;line-height:1.5;overflow-wrap:break-word}
h1{font-size:1.5em;margin:.3em 0}h2{font-size:1.2em;margin:1.2em 0 .4em;border-bottom:1px solid #ddd}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:13px;
text-align:left}th{background:#f4f4f4}.num{text-align:right}.rule{font-size:12px;color:#555}.msg{min-width:14em;max-width:420px;overflow-wrap:anywhere}
.ev{font-size:11px;color:#666;max-width:260px;overflow-wrap:anywhere}.num,.nowrap{white-space:nowrap}.lab{padding:1px 5px;border-radius:3px;color:#fff;font-size:12px;white-space:nowrap}
.reminder{background:#4e79a7}.harassment{background:#e15759}.third_party{background:#f28e2b}
.fraud{background:#b07aa1}.other{background:#8c8c8c}.dot,.key i{display:inline-block;width:10px;height:10px;margin-right:4px}
.key{margin-right:12px;font-size:12px;white-space:nowrap}summary{cursor:pointer;margin:4px 0}.meta,.note{font-size:12px;color:#444}
.complaint{border-left:4px solid #e15759;background:#fdf5f5;padding:8px 10px;margin:8px 0;-webkit-user-select:text;user-select:text}
.chart-box{overflow-x:auto}.chart-box svg{display:block;width:100%;min-width:560px;height:auto}
code{font-size:12px;word-break:break-all}.nowrap{white-space:nowrap}
@media (max-width:640px){
 body{padding:10px 12px}td,th{font-size:12px}
 #flagged,#flagged tbody,#flagged tr,#flagged td{display:block;width:100%;max-width:none}
 #flagged thead{display:none}
 #flagged tr{border:1px solid #ccc;border-radius:4px;margin:0 0 10px;padding:4px 0}
 #flagged td{border:0;padding:2px 8px;text-align:left}
 #flagged td::before{content:attr(data-label) "：";color:#777;font-size:11px}
}
@media print{
 body{max-width:none;padding:0;font-size:10pt}
 .scroll,.chart-box{overflow:visible}.chart-box svg{min-width:0}
 table{width:100%}tr,td,th,figure,svg,.complaint,details{break-inside:avoid;page-break-inside:avoid}
 thead{display:table-header-group}h2,h3{break-after:avoid;page-break-after:avoid}
 .complaint{background:none}
 #inputs td:last-child code{white-space:nowrap;word-break:normal;font-size:8pt}
 #flagged{table-layout:fixed}#flagged td,#flagged th{font-size:8pt;white-space:normal;max-width:none;min-width:0;
 overflow-wrap:anywhere}
 #flagged th:nth-child(1){width:11%}#flagged th:nth-child(2){width:11%}#flagged th:nth-child(3){width:8%}
 #flagged th:nth-child(4){width:8%}#flagged th:nth-child(5){width:6%}#flagged th:nth-child(6){width:12%}
 #flagged th:nth-child(7){width:28%}#flagged th:nth-child(8){width:16%}
}
"""


def _e(value) -> str:
    return escape(str(value), quote=True)


def _css_string(value: str) -> str:
    """``value`` as a CSS string literal that cannot end the string or the ``<style>`` element."""
    out = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ").replace(">", "\\3e ")
    return f'"{out}"'


def _stacked_bars(series: list[tuple[str, dict]], *, title: str, names: dict, highlight=lambda key: False,
                  width: int = 900, height: int = 220) -> str:
    """A stacked bar chart as inline SVG: one bar per (key, counts-by-label); it scales to its box."""
    n = max(len(series), 1)
    top = max([sum(c.values()) for _, c in series] + [1])
    plot_h, left, bottom = height - 40, 30, height - 22
    bar_w = (width - left - 10) / n
    parts = [f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="{left}" y="12" font-size="12">{_e(title)}</text>']
    for i, (key, counts) in enumerate(series):
        x = left + i * bar_w
        if highlight(key):
            parts.append(f'<rect class="night" x="{x:.1f}" y="16" width="{bar_w:.1f}" height="{plot_h:.1f}" fill="#fde8e8"/>')
        y = bottom
        for lab in LABELS:
            v = counts.get(lab, 0)
            if not v:
                continue
            h = v / top * (plot_h - 4)
            y -= h
            parts.append(f'<rect class="bar" x="{x + 1:.1f}" y="{y:.1f}" width="{max(bar_w - 2, 1):.1f}" height="{h:.1f}" '
                         f'fill="{COLORS[lab]}"><title>{_e(key)} {_e(names[lab])}: {v}</title></rect>')
        if i % max(1, n // 16) == 0:  # at most ~16 axis labels; dates shown as MM-DD
            label = key[5:] if len(key) == 10 and key[4] == "-" else key
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="9" text-anchor="middle">{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _generated(meta: dict, lang: str) -> str:
    """The generation time in the reader's form with its zone (``2026年11月23日 20:09 UTC``)."""
    stamp = meta["generated_at"]
    zone = stamp[-6:] if len(stamp) > 6 and stamp[-6] in "+-" else ""
    return f'{format_time(stamp, lang)} {"UTC" if zone in ("+00:00", "") else "UTC" + zone}'


def _table(table_id: str, head: list[str], rows: list[str], cls: str = "") -> str:
    """A table with a repeated header row (when printed), in a box that scrolls sideways on narrow screens."""
    ths = "".join(f"<th>{_e(h)}</th>" for h in head)
    attrs = f' id="{table_id}"' if table_id else ""
    attrs += f' class="{cls}"' if cls else ""
    return f'<div class="scroll"><table{attrs}><thead><tr>{ths}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _page_css(report: dict, t: dict) -> str:
    """The printed page: A4 margins and a footer on every page with the generation time and the input hashes."""
    meta = report["meta"]
    hashes = ", ".join(i["sha256"][:_FOOTER_HASH] for i in meta["inputs"] if i["sha256"]) or t["na"]
    footer = t["page_footer"].format(generated=_generated(meta, report.get("lang", "zh")), hashes=hashes)
    before, _, rest = t["page_number"].partition("{page}")
    middle, _, after = rest.partition("{pages}")
    number = f"{_css_string(before)} counter(page) {_css_string(middle)} counter(pages) {_css_string(after)}"
    return ("@page{size:A4;margin:14mm 12mm 18mm 12mm;"
            f"@bottom-left{{content:{_css_string(footer)};font-size:7pt;color:#555;vertical-align:top}}"
            f"@bottom-right{{content:{number};font-size:7pt;color:#555;vertical-align:top;white-space:nowrap;width:28mm}}}}")


def render_html(report: dict, *, for_print: bool = False) -> str:
    """Return the whole page as a string (``for_print``: timelines open, as the PDF shows them)."""
    lang = report.get("lang", "zh")
    cat = catalogue(lang)
    t = cat["text"]
    msg_lang = ' lang="zh-CN"' if lang != "zh" else ""  # messages are Chinese whatever the page language
    meta = report["meta"]
    names = {lab: cat["labels"][lab] for lab in LABELS}
    night_start, night_end = (int(part[:2]) for part in meta["night"].split("–"))

    def night(hour: str) -> bool:
        return is_night(int(hour), night_start, night_end)

    def label(code: str) -> str:
        return f'<span class="lab {_e(code)}">{_e(names.get(code, code))}</span>' if code else ""

    complaints = "".join(f'<p class="complaint">{_e(c["text"])}</p>'
                         for c in report["complaints"]) or f"<p>{_e(t['no_complaints'])}</p>"
    channels = [f'<tr><td>{_e(f["title"])}</td><td>{_e(f["channel"])}</td></tr>' for f in report["flags"].values()]
    channels.append(f'<tr><td>{_e(names["fraud"])}</td><td>{_e(t["channel_fraud"])}</td></tr>')
    platforms = []
    for p in report["platforms"]:
        per_flag = "; ".join(f'{report["flags"][c]["title"]} {n}' for c, n in p["flags"].items() if n)
        platforms.append(
            f'<tr><td{msg_lang}>{_e(p["name"] or t["na"])}</td><td>{_e(cat["kinds"][p["kind"]])}</td>'
            f'<td>{_e(cat["confidence"][p["confidence"]])}</td><td>{_e(cat["sources"][p["source"]])}</td>'
            f'<td>{_e(t["list_sep"].join(p["senders"]))}</td><td class="nowrap">{_e(format_time(p["first"], lang))}</td>'
            f'<td class="nowrap">{_e(format_time(p["last"], lang))}</td><td class="num">{p["messages"]}</td>'
            f'<td class="num">{p["flagged"]}</td><td class="rule">{_e(per_flag)}</td></tr>')
    counts = [f'<tr><td><i class="dot" style="background:{COLORS[lab]}"></i>{_e(names[lab])}</td>'
              f'<td class="num">{report["counts"][lab]}</td><td>{_e(cat["label_desc"][lab])}</td></tr>' for lab in LABELS]
    flags = [f'<tr><td>{_e(f["title"])}</td><td class="num">{f["count"]}</td><td class="rule">{_e(f["rule"])}</td></tr>'
             for f in report["flags"].values()]
    per_day = _stacked_bars(list(report["per_day"].items()), names=names,
                            title=f'{t["chart_days"]} ({t["chart_max"].format(top=_top(report["per_day"].values()))})')
    per_hour = _stacked_bars([(f"{h:02d}", c) for h, c in enumerate(report["per_hour"])], names=names,
                             title=f'{t["chart_hours"].format(night=meta["night"])} '
                                   f'({t["chart_max"].format(top=_top(report["per_hour"]))})', highlight=night)
    head = t["flagged_head"]
    flagged_rows = []
    for m in report["messages"]:
        if not m["flags"]:
            continue
        flag_names = t["list_sep"].join(report["flags"][c]["title"] for c in m["flags"])
        cells = (_e(format_time(m["timestamp"], lang)), _e(m["sender"]), _e(m.get("platform") or t["na"]), label(m["label"]),
                 _e(m["score"]), _e(flag_names), _e(m["text"]), _e(m["evidence"]))
        classes = ("nowrap", "nowrap", "", "", "num", "", "msg", "ev")
        flagged_rows.append("<tr>" + "".join(
            f'<td data-label="{_e(h)}"{f" class={chr(34)}{c}{chr(34)}" if c else ""}'
            f'{msg_lang if c in ("msg", "ev") else ""}>{v}</td>' for h, c, v in zip(head, classes, cells)) + "</tr>")
    timelines = []
    for sender, items in report["senders"].items():
        rows = "".join(f'<tr><td class="nowrap">{_e(format_time(m["timestamp"], lang))}</td><td>{label(m["label"])}</td>'
                       f'<td class="msg"{msg_lang}>{_e(m["text"])}</td></tr>' for m in items)
        timelines.append(f'<details{" open" if for_print else ""}><summary>'
                         f'{_e(t["timeline_summary"].format(sender=sender, count=len(items)))}</summary>'
                         f'<div class="scroll"><table class="timeline"><tbody>{rows}</tbody></table></div></details>')
    inputs = [f'<tr><td><code>{_e(i["path"])}</code></td><td><code>{_e(i["sha256"] or t["na"])}</code></td></tr>'
              for i in meta["inputs"]]
    generated = _generated(meta, lang)
    provenance = t["provenance"].format(
        generated=_e(generated), tool=_e(meta["tool"]), model=_e(meta["model_sha256"] or t["na"]),
        redacted=_e(t["yes"] if meta["redacted"] else t["no"]), night=_e(meta["night"]), max_per_day=meta["max_per_day"])
    legend = "".join(f'<span class="key"><i style="background:{COLORS[lab]}"></i>{_e(names[lab])}</span>' for lab in LABELS)
    return f"""<!DOCTYPE html>
<html lang="{_e(cat["lang_attr"])}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(report["title"])}</title>
<style>{_STYLE}{_page_css(report, t)}</style></head><body>
<h1>{_e(report["title"])}</h1>
<p class="meta">{_e(t["short_meta"].format(generated=generated, total=report["total"], n_inputs=len(meta["inputs"])))}</p>
<p class="note">{_e(t["lead"])}</p>
<section id="complaints"><h2>{_e(t["h_complaints"])}</h2>
<p class="note">{_e(t["complaints_note"])}</p>{complaints}</section>
<section id="channels-section"><h2>{_e(t["h_channels"])}</h2>{_table("channels", t["channels_head"], channels)}</section>
<section id="flagged-section"><h2>{_e(t["h_flagged"].format(count=len(flagged_rows)))}</h2>
{_table("flagged", head, flagged_rows)}</section>
<section id="platforms-section"><h2>{_e(t["h_platforms"])}</h2><p class="note">{_e(t["platforms_note"])}</p>
{_table("platforms", t["platforms_head"], platforms) if platforms else f"<p>{_e(t['no_platforms'])}</p>"}</section>
<section id="summary-section"><h2>{_e(t["h_summary"])}</h2>
<p>{_e(t["total_line"].format(total=report["total"], errors=report["errors"]))}</p>
{_table("summary", t["summary_head"], counts)}</section>
<section id="flags-section"><h2>{_e(t["h_flags"])}</h2>{_table("flags", t["flags_head"], flags)}</section>
<section id="charts"><h2>{_e(t["h_charts"])}</h2><div>{legend}</div>
<figure id="chart-days" class="chart-box">{per_day}</figure>
<figure id="chart-hours" class="chart-box">{per_hour}</figure></section>
<section id="timelines"><h2>{_e(t["h_timelines"])}</h2>{"".join(timelines) or f"<p>{_e(t['no_timelines'])}</p>"}</section>
<section id="provenance" class="meta"><h2>{_e(t["h_provenance"])}</h2><p>{provenance}</p>
{_table("inputs", t["inputs_head"], inputs)}</section>
</body></html>
"""


def _top(series) -> int:
    """The largest stacked total of a chart (what its tallest bar stands for)."""
    return max([sum(c.values()) for c in series] + [1])
