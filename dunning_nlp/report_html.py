"""Render the evidence report as one self-contained HTML page.

No scripts, no external fonts, styles or images: charts are inline SVG
drawn here, and a Content-Security-Policy of ``default-src 'none'`` tells
the browser to refuse any request the page might still contain.  Every
piece of message-derived text goes through :func:`html.escape`.
"""

from __future__ import annotations

from html import escape

from .labels import DESCRIPTIONS, LABELS

__all__ = ["render_html", "COLORS"]

COLORS = {"reminder": "#4e79a7", "harassment": "#e15759", "third_party": "#f28e2b", "fraud": "#b07aa1",
          "other": "#bab0ac"}
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"


def _e(value) -> str:
    return escape(str(value), quote=True)


def _stacked_bars(series: list[tuple[str, dict]], *, title: str, highlight=lambda key: False,
                  width: int = 900, height: int = 220) -> str:
    """A stacked bar chart as inline SVG: one bar per (key, counts-by-label)."""
    n = max(len(series), 1)
    top = max([sum(c.values()) for _, c in series] + [1])
    plot_h, left, bottom = height - 40, 30, height - 22
    bar_w = (width - left - 10) / n
    parts = [f'<svg class="chart" role="img" aria-label="{_e(title)}" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="{left}" y="12" font-size="12">{_e(title)} (max {top})</text>']
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
                         f'fill="{COLORS[lab]}"><title>{_e(key)} {lab}: {v}</title></rect>')
        if i % max(1, n // 16) == 0:  # at most ~16 axis labels; dates shown as MM-DD
            label = key[5:] if len(key) == 10 and key[4] == "-" else key
            parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" font-size="9" text-anchor="middle">{_e(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    return "".join(f'<span class="key"><i style="background:{COLORS[lab]}"></i>{lab}</span>' for lab in LABELS)


def render_html(report: dict) -> str:
    """Return the whole page as a string."""
    meta = report["meta"]
    night_start, night_end = (int(part[:2]) for part in meta["night"].split("–"))

    def is_night(hour: str) -> bool:
        h = int(hour)
        return h >= night_start or h < night_end if night_start > night_end else night_start <= h < night_end

    counts = "".join(f'<tr><td><i class="dot" style="background:{COLORS[lab]}"></i>{lab}</td><td>{report["counts"][lab]}</td>'
                     f'<td>{_e(DESCRIPTIONS[lab])}</td></tr>' for lab in LABELS)
    flags = "".join(f'<tr><td>{_e(f["title"])}</td><td class="num">{f["count"]}</td><td class="rule">{_e(f["rule"])}</td></tr>'
                    for f in report["flags"].values())
    per_day = _stacked_bars(list(report["per_day"].items()), title="Messages per day by label")
    per_hour = _stacked_bars([(f"{h:02d}", c) for h, c in enumerate(report["per_hour"])],
                             title=f"Messages by hour of day (night {meta['night']} shaded)", highlight=is_night)
    flagged_rows = []
    for m in report["messages"]:
        if not m["flags"]:
            continue
        names = ", ".join(report["flags"][c]["title"] for c in m["flags"])
        flagged_rows.append(
            f'<tr><td>{_e(m["timestamp"])}</td><td>{_e(m["sender"])}</td><td><span class="lab {_e(m["label"])}">{_e(m["label"])}'
            f'</span></td><td class="num">{_e(m["score"])}</td><td>{_e(names)}</td><td class="msg">{_e(m["text"])}</td>'
            f'<td class="ev">{_e(m["evidence"])}</td></tr>')
    timelines = []
    for sender, items in report["senders"].items():
        rows = "".join(f'<tr><td>{_e(m["timestamp"])}</td><td><span class="lab {_e(m["label"])}">{_e(m["label"])}</span></td>'
                       f'<td class="msg">{_e(m["text"])}</td></tr>' for m in items)
        timelines.append(f'<details><summary>{_e(sender)} — {len(items)} collection message(s)</summary>'
                         f'<table class="timeline">{rows}</table></details>')
    inputs = "".join(f'<li><code>{_e(i["path"])}</code> sha256 <code>{_e(i["sha256"] or "n/a")}</code></li>'
                     for i in meta["inputs"])
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<title>{_e(report["title"])}</title>
<style>
body{{font-family:system-ui,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:24px;color:#222}}
table{{border-collapse:collapse;margin:8px 0}}td,th{{border:1px solid #ddd;padding:4px 6px;vertical-align:top;font-size:13px}}
th{{background:#f4f4f4}}.num{{text-align:right}}.rule{{font-size:12px;color:#555}}.msg{{max-width:420px}}
.ev{{font-size:11px;color:#666;max-width:260px}}.lab{{padding:1px 5px;border-radius:3px;color:#fff;font-size:12px}}
.reminder{{background:#4e79a7}}.harassment{{background:#e15759}}.third_party{{background:#f28e2b}}
.fraud{{background:#b07aa1}}.other{{background:#8c8c8c}}.dot,.key i{{display:inline-block;width:10px;height:10px;margin-right:4px}}
.key{{margin-right:12px;font-size:12px}}summary{{cursor:pointer;margin:4px 0}}.meta{{font-size:12px;color:#444}}
</style></head><body>
<h1>{_e(report["title"])}</h1>
<section class="meta" id="provenance"><p>Generated {_e(meta["generated_at"])} by {_e(meta["tool"])};
model sha256 <code>{_e(meta["model_sha256"] or "n/a")}</code>; numbers redacted: {"yes" if meta["redacted"] else "no"};
night {_e(meta["night"])}; more than {meta["max_per_day"]} collection messages per sender per day are flagged.</p>
<ul>{inputs}</ul>
<p>Labels are machine predictions with probabilities; check each flagged message before relying on it.</p></section>
<h2>Summary</h2>
<p>{report["total"]} message(s) read, {report["errors"]} unreadable.</p>
<table id="summary"><tr><th>label</th><th>messages</th><th>meaning</th></tr>{counts}</table>
<h2>Flags and the rules they rest on</h2>
<table id="flags"><tr><th>flag</th><th>messages</th><th>rule</th></tr>{flags}</table>
<h2>Charts</h2><div>{_legend()}</div>
<figure id="chart-days">{per_day}</figure>
<figure id="chart-hours">{per_hour}</figure>
<h2>Flagged messages ({len(flagged_rows)})</h2>
<table id="flagged"><tr><th>time</th><th>sender</th><th>label</th><th>score</th><th>flags</th><th>message</th><th>evidence</th></tr>
{"".join(flagged_rows)}</table>
<h2>Timeline per sender</h2>
<section id="timelines">{"".join(timelines) or "<p>No collection messages.</p>"}</section>
</body></html>
"""
