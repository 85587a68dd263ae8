"""Throughput and memory of ``dunning-nlp spark`` on local[1] and local[2], against ``dunning-nlp batch --jobs 1/2``.

Usage (from the repository root, after ``EXTRAS=spark bash scripts/setup.sh``)::

    .venv/bin/python benchmarks/spark_run.py                  # 1,000,000 messages (about 20 minutes on 2 cores)
    .venv/bin/python benchmarks/spark_run.py --n 100000       # a quicker run

One JSON Lines dump of N messages is written (``benchmarks/run.py``'s
``distinct`` dump: corpus texts with digits re-drawn, each prefixed with a
random name, so that no two messages normalise alike and no cache helps),
then, in one run and on that same file, each command in a fresh process:

* ``dunning-nlp batch DUMP -o OUT.csv --jobs J`` for J = 1, 2;
* ``dunning-nlp spark DUMP -o OUT.parquet --master local[C]`` for C = 1, 2 (end to end: JVM start, JSON
  schema inference, the per-file record numbering, classification, the Parquet write and the summary read back);
* the same Spark command on a 1,000-message dump, to separate Spark's fixed cost (start-up, planning) from the
  per-message rate (``steady_msgs_per_s`` = N / (wall - fixed)).

Memory is sampled every 0.5 s from ``/proc`` over the whole process tree and split into the driver Python, the
JVM (driver and, in local mode, the executor) and the Python workers (``pyspark.daemon`` and its children):
peaks of each sum, and the largest single Python worker (what one executor core needs for Python).

Results are printed and written to ``benchmarks/results/spark_<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "dunning-nlp"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_dump  # noqa: E402  (the same generator as benchmarks/run.py)

PAGE = os.sysconf("SC_PAGE_SIZE")


def _processes() -> dict[int, tuple[int, str, int]]:
    """pid -> (parent pid, command line, resident bytes) of every process visible in /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().rsplit(b")", 1)[1].split()
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                cmd = fh.read().replace(b"\0", b" ").decode("utf-8", "replace")
            table[int(entry)] = (int(stat[1]), cmd, int(stat[21]) * PAGE)
        except (OSError, IndexError, ValueError):
            continue
    return table


def _kind(cmd: str) -> str:
    if "java" in cmd.split(" ", 1)[0]:
        return "jvm"
    if "pyspark.daemon" in cmd or "pyspark.worker" in cmd or "pyspark/daemon" in cmd:
        return "python_workers"
    return "driver"


class TreeMemory(threading.Thread):
    """Sample the RSS of a process and all its descendants, by kind, until stopped."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak: dict[str, int] = {}
        self.largest_worker = 0
        self.largest_process = 0
        self.workers_seen: set[int] = set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.5):
            table = _processes()
            children: dict[int, list[int]] = {}
            for pid, (ppid, _, _) in table.items():
                children.setdefault(ppid, []).append(pid)
            todo, tree = [self.pid], []
            while todo:
                pid = todo.pop()
                if pid in table:
                    tree.append(pid)
                todo += children.get(pid, [])
            sums: dict[str, int] = {}
            for pid in tree:
                _, cmd, rss = table[pid]
                kind = _kind(cmd)
                # a worker forked from the daemon keeps the daemon's command line
                if kind == "driver" and table.get(table[pid][0], (0, "", 0))[1] and \
                        _kind(table[table[pid][0]][1]) == "python_workers":
                    kind = "python_workers"
                sums[kind] = sums.get(kind, 0) + rss
                self.largest_process = max(self.largest_process, rss)
                if kind == "python_workers":
                    self.largest_worker = max(self.largest_worker, rss)
                    self.workers_seen.add(pid)
            sums["total"] = sum(sums.values())
            for kind, value in sums.items():
                self.peak[kind] = max(self.peak.get(kind, 0), value)


def run_measured(argv: list[str], env: dict) -> dict:
    """Run a command; return wall seconds and memory peaks (MB) of its process tree."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(argv)}\n"
                         f"{err.decode('utf-8', 'replace')[-3000:]}")
    summary = [line for line in err.decode("utf-8", "replace").splitlines() if line.startswith("records read")]
    mb = 1 << 20
    return {"wall_s": round(wall, 1), "summary": summary[-1] if summary else "",
            "peak_rss_mb": {k: round(v / mb) for k, v in sampler.peak.items()},
            "largest_python_worker_mb": round(sampler.largest_worker / mb),
            "python_worker_processes": len(sampler.workers_seen)}


def spark_argv(dump: Path, out: Path, cores: int, driver_memory: str) -> list[str]:
    return [str(BIN), "spark", str(dump), "-o", str(out), "--overwrite", "--master", f"local[{cores}]",
            "--conf", f"spark.driver.memory={driver_memory}",
            "--conf", "spark.sql.files.maxPartitionBytes=16m",  # ~10 tasks for 1M messages: both cores stay busy
            "--conf", "spark.ui.enabled=false"]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark dunning-nlp spark (local[1], local[2]) against batch.")
    parser.add_argument("--n", type=int, default=1_000_000, help="messages in the dump (default 1,000,000)")
    parser.add_argument("--backend", default="jieba", choices=["jieba", "rjieba"], help="tokenizer back-end")
    parser.add_argument("--driver-memory", default="2g", help="spark.driver.memory of the local runs")
    parser.add_argument("--cores", type=int, action="append", help="local[C] to run (default 1 and 2)")
    parser.add_argument("--jobs", type=int, action="append", help="batch --jobs to run (default 1 and 2)")
    args = parser.parse_args(argv)
    env = {**os.environ, "DUNNING_NLP_TOKENIZER": args.backend, "SPARK_LOCAL_IP": "127.0.0.1"}
    cores, jobs = args.cores or [1, 2], args.jobs or [1, 2]
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform(), "java": _java_version()},
              "n": args.n, "dump": "distinct", "backend": args.backend, "driver_memory": args.driver_memory,
              "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        dump, small = Path(tmp) / "dump.jsonl", Path(tmp) / "small.jsonl"
        make_dump(dump, args.n, distinct=True)
        make_dump(small, 1000, seed=1, distinct=True)
        out = Path(tmp) / "out"
        fixed = {}
        for c in cores:  # Spark's fixed cost first (also warms jieba's cache file for the workers)
            row = run_measured(spark_argv(small, out, c, args.driver_memory), env)
            fixed[c] = row["wall_s"]
            result["runs"].append({"tool": "spark", "cores": c, "n": 1000, **row})
            print(json.dumps(result["runs"][-1]), flush=True)
        for j in jobs:
            row = run_measured([str(BIN), "batch", str(dump), "-o", str(out) + ".csv", "--jobs", str(j)], env)
            result["runs"].append({"tool": "batch", "jobs": j, "n": args.n, **row,
                                   "msgs_per_s": round(args.n / row["wall_s"])})
            print(json.dumps(result["runs"][-1]), flush=True)
        for c in cores:
            shutil.rmtree(out, ignore_errors=True)
            row = run_measured(spark_argv(dump, out, c, args.driver_memory), env)
            result["runs"].append({"tool": "spark", "cores": c, "n": args.n, **row,
                                   "msgs_per_s": round(args.n / row["wall_s"]),
                                   "steady_msgs_per_s": round(args.n / max(row["wall_s"] - fixed[c], 1e-9))})
            print(json.dumps(result["runs"][-1]), flush=True)
        result["output_parquet_mb"] = round(sum(f.stat().st_size for f in out.rglob("*")) / (1 << 20), 1)
    big = {(r["tool"], r.get("cores", r.get("jobs"))): r for r in result["runs"] if r["n"] == args.n}
    derived = {}
    if ("spark", 1) in big and ("spark", 2) in big:
        derived["spark_scaling_2_over_1"] = round(big[("spark", 2)]["msgs_per_s"] / big[("spark", 1)]["msgs_per_s"], 3)
    if ("batch", 1) in big and ("batch", 2) in big:
        derived["batch_scaling_2_over_1"] = round(big[("batch", 2)]["msgs_per_s"] / big[("batch", 1)]["msgs_per_s"], 3)
    for k in (1, 2):
        if ("spark", k) in big and ("batch", k) in big:
            derived[f"spark_local{k}_over_batch_jobs{k}"] = round(big[("spark", k)]["msgs_per_s"]
                                                                 / big[("batch", k)]["msgs_per_s"], 3)
    result["derived"] = derived
    print(json.dumps(derived))
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    path = out_dir / time.strftime("spark_%Y%m%dT%H%M%S.json")
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {path}")
    return 0


def _java_version() -> str:
    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True)
        return (done.stderr or done.stdout).splitlines()[0]
    except (OSError, IndexError):
        return "?"


if __name__ == "__main__":
    raise SystemExit(main())
