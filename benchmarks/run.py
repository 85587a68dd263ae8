"""Throughput, start-up and memory of ``dunning-nlp batch``, measured against bare ``jieba.lcut(HMM=False)``.

Usage (from the repository root, after ``bash scripts/setup.sh``)::

    .venv/bin/python benchmarks/run.py                 # 200k messages, 1 and 2 jobs, each back-end installed
    .venv/bin/python benchmarks/run.py --n 10000 --n 1000000 --jobs 1 --backend jieba   # memory growth

For each size N it writes two JSON Lines dumps of N messages: ``templated``
(corpus texts with every digit re-drawn, so near-identical templates differ as
real bank alerts do) and ``distinct`` (the same, each prefixed with a random
name, so that no two messages share a normalised form and no cache helps),
then reports in one run, the ``distinct`` dump (the case no cache helps) first:

* bare ``jieba.lcut(body, HMM=False)`` throughput over the same bodies (dictionary already loaded): the
  same segmenter settings the pipeline uses (it segments without the HMM), so the ratio is fair;
* end-to-end ``dunning-nlp batch DUMP -o OUT.csv`` throughput (a fresh process:
  reading, normalising, classifying with evidence, writing) and the ratio of the two;
* peak resident memory of the batch process (``ru_maxrss`` of that child only);
* start-up: wall time of ``dunning-nlp classify`` on one message in a fresh
  process, and in-process time from ``import dunning_nlp`` to the first prediction.

Every throughput is the best of ``--repeat`` runs (default 3), bare jieba as much as the batch: on a shared
machine single runs of either moved by ±15 %, and the fastest run is the least disturbed one.

``--baseline DIR`` also runs the ``batch`` command of another checkout of this project (for instance
``git worktree add /tmp/before <commit>``) with its own code and bundled model, on the same dumps, in the same
run, its runs alternating with this checkout's, so that "no slower than before" is a comparison of two figures
measured under the same conditions (rows marked ``"code": "baseline"``).

Results are printed and written to ``benchmarks/results/<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "dunning-nlp"


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志强宇浩然子涵欣怡梓轩雨萱博文佳琪思远晨阳嘉怡一诺俊杰"


def make_dump(path: Path, n: int, seed: int = 0, distinct: bool = False) -> list[str]:
    """Write a JSONL dump of ``n`` messages drawn from the corpus (70 % ordinary) and return the bodies.

    Every digit is re-drawn, so templates differ as real alerts do; they still share a normalised form
    (numbers become placeholders), which the classifier's caches exploit.  With ``distinct``, each body also
    starts with a random name (``王子涵，…``), so that no two messages share a normalised form: the
    worst case for those caches.
    """
    rows = [json.loads(line) for line in open(ROOT / "data" / "corpus.jsonl", encoding="utf-8")]
    others = [r["text"] for r in rows if r["label"] == "other"]
    collection = [r["text"] for r in rows if r["label"] != "other"]
    rng = random.Random(seed)
    digit = re.compile(r"\d")
    bodies = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            base = rng.choice(others) if rng.random() < 0.7 else rng.choice(collection)
            body = digit.sub(lambda _: str(rng.randint(0, 9)), base)
            if distinct:
                name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))
                body = f"{name}{rng.choice('，, ：:')}{body}"
            bodies.append(body)
            fh.write(json.dumps({"address": f"1{rng.randint(3000000000, 9999999999)}", "date": 1760000000000 + i * 60000,
                                 "body": body}, ensure_ascii=False) + "\n")
    return bodies


def real_dump(path: Path, directory: Path) -> list[str]:
    """Write a dump of the distinct texts of the labelled JSONL files in ``directory`` (real SMS, each once)."""
    bodies = []
    for f in sorted(directory.glob("*.jsonl")):
        bodies += [json.loads(line)["text"] for line in f.open(encoding="utf-8") if line.strip()]
    bodies = list(dict.fromkeys(bodies))
    with open(path, "w", encoding="utf-8") as fh:
        for i, body in enumerate(bodies):
            fh.write(json.dumps({"address": "10086", "date": 1760000000000 + i * 60000, "body": body},
                                ensure_ascii=False) + "\n")
    return bodies


def best_rate(bodies: list[str], segment, repeat: int) -> float:
    """Messages per second of ``segment`` over ``bodies``, best of ``repeat`` runs (timeit's rule: the fastest
    run is the least disturbed), like every figure here."""
    best = 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        for body in bodies:
            segment(body)
        best = max(best, len(bodies) / (time.perf_counter() - start))
    return best


def bare_jieba(bodies: list[str], repeat: int = 1) -> float:
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    # as the pipeline segments (JiebaTokenizer.hmm is False)
    return best_rate(bodies, functools.partial(jieba.lcut, HMM=False), repeat)


def bare_rjieba(bodies: list[str], repeat: int = 1) -> float | None:
    try:
        import rjieba
    except ImportError:
        return None
    return best_rate(bodies, rjieba.cut, repeat)


def run_child(argv: list[str], backend: str = "jieba") -> tuple[float, float]:
    """Run a command with a tokenizer back-end; return (wall seconds, peak RSS in MB of that process)."""
    env = {**os.environ, "DUNNING_NLP_TOKENIZER": backend}
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(argv)}\n{err[-2000:]}")
    return wall, usage.ru_maxrss / 1024


def baseline_command(checkout: Path) -> list[str]:
    """The ``dunning-nlp`` command of another checkout: its console entry point (read from its setup.cfg) run by
    this interpreter with that checkout first on the path, so its own package and bundled model are used."""
    try:
        config = (checkout / "setup.cfg").read_text(encoding="utf-8")
    except OSError as exc:
        raise SystemExit(f"--baseline {checkout}: not a checkout of this project ({exc.strerror}: setup.cfg)") from None
    found = re.search(r"^\s*dunning-nlp\s*=\s*([\w.]+):(\w+)", config, re.MULTILINE)
    if found is None:
        raise SystemExit(f"{checkout / 'setup.cfg'}: no dunning-nlp console script found")
    module, func = found.groups()
    code = f"import sys; sys.path.insert(0, {str(checkout)!r}); from {module} import {func}; sys.exit({func}())"
    return [sys.executable, "-c", code]


def git_head(checkout: Path) -> str | None:
    """The commit a checkout is at (``None`` when git cannot tell), so a results file names the code it measured."""
    done = subprocess.run(["git", "-C", str(checkout), "rev-parse", "HEAD"], capture_output=True, text=True)
    return (done.stdout.strip() or None) if done.returncode == 0 else None


def startup(backend: str) -> dict:
    run_child([str(BIN), "classify", "预热缓存"], backend)  # make sure the jieba cache exists
    wall, rss = run_child([str(BIN), "classify", "您好，您的借款已逾期3天"], backend)
    code = ("import time; t=time.perf_counter(); import dunning_nlp; "
            "dunning_nlp.classify('您好，您的借款已逾期3天'); print(time.perf_counter()-t)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "DUNNING_NLP_TOKENIZER": backend})
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return {"cli_classify_wall_s": round(wall, 3), "import_to_first_prediction_s": round(float(done.stdout), 3),
            "cli_peak_rss_mb": round(rss, 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark dunning-nlp batch against bare jieba.lcut(HMM=False).")
    parser.add_argument("--n", type=int, action="append", help="dump size (repeatable; default 200000)")
    parser.add_argument("--jobs", type=int, action="append", help="worker processes to try (default 1 and 2)")
    parser.add_argument("--keep", action="store_true", help="keep the generated dumps")
    parser.add_argument("--dump", action="append", choices=["distinct", "templated"],
                        help="kinds of dump (default both, distinct first): templated = corpus texts with digits re-drawn; "
                             "distinct = each also prefixed with a random name, so no two normalise alike")
    parser.add_argument("--backend", action="append", choices=["jieba", "rjieba"],
                        help="tokenizer back-ends to run (default: jieba, plus rjieba when installed)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of every measurement, the fastest kept (default 3): this machine is shared")
    parser.add_argument("--real", type=Path, metavar="DIR",
                        help="also (and first) run on the distinct texts of the JSONL files in DIR, e.g. "
                             "../shared/real-dev: real SMS, each once, so no cache helps")
    parser.add_argument("--baseline", type=Path, metavar="DIR",
                        help="another checkout of this project (e.g. a git worktree of an older commit) whose batch "
                             "command is run on the same dumps in the same run, alternating with this one")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = args.n or [200_000]
    jobs = args.jobs or [1, 2]
    backends = args.backend or ["jieba"] + (["rjieba"] if bare_rjieba(["试一下"]) else [])
    result = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
              "repeat": args.repeat,
              "startup": {b: startup(b) for b in backends}, "runs": []}
    print(f"start-up: {result['startup']}")
    # Each checkout's batch with its own bundled model named explicitly: an older checkout would otherwise find
    # the model that the editable install maps into the package, which is this checkout's.
    commands = {"this checkout": [str(BIN)]}
    models = {"this checkout": ROOT / "models"}
    if args.baseline:
        baseline = args.baseline.resolve()
        commands["baseline"] = baseline_command(baseline)
        models["baseline"] = baseline / "models"
        result["baseline"] = {"path": str(baseline), "commit": git_head(baseline)}
        result["commit"] = git_head(ROOT)
    kinds = args.dump or ["distinct", "templated"]  # the case no cache helps first
    plan = ([("real", None)] if args.real else []) + [(kind, n) for kind in kinds for n in sizes]
    with tempfile.TemporaryDirectory() as tmp:
        for kind, n in plan:
            if True:
                dump = Path(tmp) / f"dump_{kind}_{n}.jsonl"
                if kind == "real":
                    bodies = real_dump(dump, args.real)
                    n = len(bodies)
                else:
                    bodies = make_dump(dump, n, distinct=kind == "distinct")
                sample = bodies[: min(n, 100_000)]
                bare = {"jieba": bare_jieba(sample, args.repeat), "rjieba": bare_rjieba(sample, args.repeat)}
                del bodies, sample
                for backend in backends:
                    for j in jobs:
                        out = Path(tmp) / "out.csv"
                        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
                        for _ in range(args.repeat):  # alternating, so both see the same machine
                            for name, command in commands.items():
                                argv_ = [*command, "batch", str(dump), "-o", str(out), "--jobs", str(j),
                                         "--model", str(models[name])]
                                runs[name].append(run_child(argv_, backend))
                        for name, measured in runs.items():
                            wall, rss = min(r[0] for r in measured), max(r[1] for r in measured)
                            rate = n / wall
                            row = {"n": n, "dump": kind, "backend": backend, "jobs": j, "code": name,
                                   "batch_msgs_per_s": round(rate), "wall_s": round(wall, 1),
                                   f"bare_{backend}_msgs_per_s": round(bare[backend]),
                                   f"ratio_to_bare_{backend}": round(rate / bare[backend], 3),
                                   "peak_rss_mb": round(rss, 1)}
                            result["runs"].append(row)
                            print(json.dumps(row), flush=True)
                if args.keep:
                    dump.rename(ROOT / "benchmarks" / dump.name)
    by = {(r["n"], r["dump"], r["backend"], r["jobs"]): r for r in result["runs"] if r["code"] == "this checkout"}
    for (n, kind, backend, j), row in by.items():
        if j == 1 and (n, kind, backend, 2) in by:
            scale = by[(n, kind, backend, 2)]["batch_msgs_per_s"] / row["batch_msgs_per_s"]
            result.setdefault("scaling_2_over_1", {})[f"{n}/{kind}/{backend}"] = round(scale, 3)
            print(f"n={n} {kind} {backend}: 2 jobs / 1 job = {scale:.2f}x")
    out_dir = ROOT / "benchmarks" / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / time.strftime("%Y%m%dT%H%M%S.json")).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
