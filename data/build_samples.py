"""Build the sample SMS dumps in data/samples/ from the project's own corpus.

One small dump per supported export format, each a realistic mix (mostly
ordinary messages, some collection and scam messages), so the README's main
command and the tests exercise every reader:

    android_backup.xml   SMS Backup & Restore XML, with emoji as surrogate-pair references and one MMS
    ios_sms.db           iOS sms.db: message + handle, nanosecond dates, attributedBody-only rows, a reaction
    android_mmssms.db    Android mmssms.db sms table with extra vendor columns
    export_utf8.csv      Chinese headers 时间/号码/内容/类型, UTF-8
    export_gbk.csv       GBK-encoded export (Chinese Windows tools)
    export_big5.csv      Big5-encoded export of traditional-Chinese messages
    imazing.csv          iMazing-style English headers, UTF-8 with BOM
    export_utf16.tsv     UTF-16 with BOM, tab-separated
    messages.jsonl       JSON Lines
    messages.txt         plain text, one message per line

Run from the repository root: ``python data/build_samples.py``.  Deterministic.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).resolve().parent
OUT = HERE / "samples"
TZ = timezone(timedelta(hours=8))
MIX = {"other": 12, "reminder": 4, "harassment": 3, "third_party": 3, "fraud": 3}


def _pick(rows: list[dict], rng: random.Random, script: str | None = None, encodable: str | None = None) -> list[dict]:
    chosen = []
    for label, n in MIX.items():
        pool = [r for r in rows if r["label"] == label and (script is None or r["script"] == script)
                and len(r["text"]) <= 160]
        if encodable:
            pool = [r for r in pool if _encodes(r["text"], encodable)]
        chosen += rng.sample(pool, n)
    rng.shuffle(chosen)
    return chosen


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
        return True
    except UnicodeEncodeError:
        return False


def _sender(rng: random.Random, label: str) -> str:
    if label in ("reminder", "other") and rng.random() < 0.6:
        return rng.choice(["95511", "95555", "106980095188", "1069123456", "95188", "10086"])
    return "1" + rng.choice("3578") + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _times(rng: random.Random, n: int) -> list[datetime]:
    start = datetime(2026, 10, 1, 8, 0, tzinfo=TZ)
    stamps = sorted(start + timedelta(minutes=rng.randint(0, 60 * 24 * 30)) for _ in range(n))
    return stamps


def _surrogate_refs(text: str) -> str:
    """Escape for an XML attribute the way SMS Backup & Restore does: non-BMP as two surrogate references."""
    out = []
    for ch in quoteattr(text)[1:-1]:
        cp = ord(ch)
        if cp > 0xFFFF:
            cp -= 0x10000
            out.append(f"&#{0xD800 + (cp >> 10)};&#{0xDC00 + (cp & 0x3FF)};")
        else:
            out.append(ch)
    return "".join(out)


def android_xml(rows, rng) -> None:
    stamps = _times(rng, len(rows) + 1)
    lines = ["<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>",
             f'<smses count="{len(rows) + 1}" backup_set="sample" backup_date="1730000000000" type="full">']
    for i, (r, t) in enumerate(zip(rows, stamps)):
        body = r["text"] + (" 😀" if i % 7 == 3 else "")
        lines.append(f'  <sms protocol="0" address="{_sender(rng, r["label"])}" date="{int(t.timestamp() * 1000)}" '
                     f'type="1" subject="null" body="{_surrogate_refs(body)}" toa="null" sc_toa="null" '
                     f'service_center="null" read="1" status="-1" locked="0" date_sent="0" readable_date="" '
                     f'contact_name="(Unknown)" />')
    t = stamps[-1]
    lines.append(f'  <mms date="{int(t.timestamp() * 1000)}" msg_box="1" address="13900001111" contact_name="老同学">'
                 '<parts><part seq="-1" ct="application/smil" text="null" />'
                 '<part seq="0" ct="text/plain" text="周末聚会的照片发你了，看看 🎉" /></parts>'
                 '<addrs><addr address="13900001111" type="137" charset="106" /></addrs></mms>')
    lines.append("</smses>")
    (OUT / "android_backup.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _typedstream(text: str) -> bytes:
    data = text.encode("utf-8")
    length = bytes([len(data)]) if len(data) < 0x80 else b"\x81" + len(data).to_bytes(2, "little")
    return (b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject"
            b"\x00\x85\x92\x84\x84\x84\x08NSString\x01\x94\x84\x01+" + length + data + b"\x86\x84\x02iI\x01\x00\x86")


def ios_db(rows, rng) -> None:
    path = OUT / "ios_sms.db"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.executescript("""
        CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, country TEXT, service TEXT);
        CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT, text TEXT, attributedBody BLOB,
            handle_id INTEGER DEFAULT 0, service TEXT, date INTEGER, is_from_me INTEGER DEFAULT 0,
            associated_message_type INTEGER DEFAULT 0, associated_message_guid TEXT);
    """)
    apple = datetime(2001, 1, 1, tzinfo=timezone.utc)
    handles: dict[str, int] = {}
    for i, (r, t) in enumerate(zip(rows, _times(rng, len(rows)))):
        sender = _sender(rng, r["label"])
        if sender not in handles:
            handles[sender] = con.execute("INSERT INTO handle (id, country, service) VALUES (?, 'cn', 'SMS')",
                                          (sender,)).lastrowid
        nanos = int((t - apple).total_seconds() * 1e9) if i % 3 else int((t - apple).total_seconds())
        text, body = (None, _typedstream(r["text"])) if i % 4 == 1 else (r["text"], None)
        con.execute("INSERT INTO message (guid, text, attributedBody, handle_id, service, date, is_from_me) "
                    "VALUES (?, ?, ?, ?, 'SMS', ?, 0)", (f"G-{i}", text, body, handles[sender], nanos))
    # a tapback reaction: not a message, skipped by the reader
    con.execute("INSERT INTO message (guid, text, handle_id, date, is_from_me, associated_message_type, "
                "associated_message_guid) VALUES ('G-r', 'Liked “…”', 1, 0, 1, 2000, 'p:0/G-0')")
    con.commit()
    con.close()


def android_db(rows, rng) -> None:
    path = OUT / "android_mmssms.db"
    path.unlink(missing_ok=True)
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE sms (_id INTEGER PRIMARY KEY, thread_id INTEGER, address TEXT, person INTEGER, "
                "date INTEGER, date_sent INTEGER, protocol INTEGER, read INTEGER, status INTEGER, type INTEGER, "
                "body TEXT, service_center TEXT, locked INTEGER, sub_id INTEGER, sim_imsi TEXT, "
                "mi_favorite INTEGER DEFAULT 0, block_type INTEGER DEFAULT 0)")
    for i, (r, t) in enumerate(zip(rows, _times(rng, len(rows))), 1):
        con.execute("INSERT INTO sms (_id, thread_id, address, date, date_sent, read, type, body, sub_id, sim_imsi) "
                    "VALUES (?, ?, ?, ?, 0, 1, 1, ?, 1, '46000xxxxxxxxxx')",
                    (i, i % 5, _sender(rng, r["label"]), int(t.timestamp() * 1000), r["text"]))
    con.commit()
    con.close()


def _csv_bytes(header, records, encoding, delimiter=",", bom=False) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(records)
    data = buf.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


def tabular(rows_hans, rows_gbk, rows_hant, rng) -> None:
    def fmt(t):
        return t.strftime("%Y-%m-%d %H:%M:%S")

    recs = [(fmt(t), _sender(rng, r["label"]), r["text"], "接收") for r, t in zip(rows_hans, _times(rng, len(rows_hans)))]
    (OUT / "export_utf8.csv").write_bytes(_csv_bytes(["时间", "号码", "内容", "类型"], recs, "utf-8"))
    recs = [(_sender(rng, r["label"]), fmt(t), r["text"]) for r, t in zip(rows_gbk, _times(rng, len(rows_gbk)))]
    (OUT / "export_gbk.csv").write_bytes(_csv_bytes(["号码", "时间", "短信内容"], recs, "gbk"))
    recs = [(fmt(t), _sender(rng, r["label"]), r["text"]) for r, t in zip(rows_hant, _times(rng, len(rows_hant)))]
    (OUT / "export_big5.csv").write_bytes(_csv_bytes(["時間", "號碼", "簡訊內容"], recs, "big5"))
    recs = [("SMS 会话", t.strftime("%Y-%m-%d %H:%M:%S"), "", "", "", "SMS", "Incoming", _sender(rng, r["label"]), "",
             "Read", "", "", r["text"], "", "") for r, t in zip(rows_hans, _times(rng, len(rows_hans)))]
    header = ["Chat Session", "Message Date", "Delivered Date", "Read Date", "Edited Date", "Service", "Type",
              "Sender ID", "Sender Name", "Status", "Replying to", "Subject", "Text", "Attachment", "Attachment type"]
    (OUT / "imazing.csv").write_bytes(_csv_bytes(header, recs, "utf-8", bom=True))
    recs = [(fmt(t), _sender(rng, r["label"]), r["text"]) for r, t in zip(rows_gbk, _times(rng, len(rows_gbk)))]
    (OUT / "export_utf16.tsv").write_bytes(_csv_bytes(["date", "address", "body"], recs, "utf-16", delimiter="\t"))


def jsonl_and_text(rows, rng) -> None:
    lines = [json.dumps({"address": _sender(rng, r["label"]), "date": int(t.timestamp() * 1000), "type": "1",
                         "body": r["text"]}, ensure_ascii=False) for r, t in zip(rows, _times(rng, len(rows)))]
    (OUT / "messages.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "messages.txt").write_text("\n".join(r["text"].replace("\n", " ") for r in rows) + "\n", encoding="utf-8")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    with open(HERE / "corpus.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    rng = random.Random(7)
    android_xml(_pick(rows, rng), rng)
    ios_db(_pick(rows, rng), rng)
    android_db(_pick(rows, rng), rng)
    tabular(_pick(rows, rng, "hans"), _pick(rows, rng, "hans", encodable="gbk"), _pick(rows, rng, "hant", "big5"), rng)
    jsonl_and_text(_pick(rows, rng), rng)
    print(f"wrote samples to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
