"""The documentation tells the truth about the code: generated parts are current, links and names resolve.

- ``docs/cli.md`` is generated from the CLI's parser by ``docs/make_cli_reference.py``; a change to any
  option without regenerating it fails here (as sqlite-utils checks its docs with cog).
- Every relative link in README.md, CHANGELOG.md and docs/*.md points to an existing file (and, for a
  Markdown target, to an existing heading).
- Every repository path and ``dunning_nlp.…`` name written as code in those files exists, so a module
  that moves cannot leave the docs naming the old one.
- The README opens with the two commands CI runs, stays short, and its Python example runs as written.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import io
import re
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
MARKDOWN = [README, ROOT / "CHANGELOG.md", *sorted(DOCS.glob("*.md"))]

_FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
_SPAN = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[(?:[^\]\n]|\][^(])*?\]\(([^)\s]+)\)")
_TOP_DIRS = ("dunning_nlp", "data", "models", "notebooks", "tests", "benchmarks", "scripts", "docs")
_REPO_PATH = re.compile(rf"^(?:{'|'.join(_TOP_DIRS)})/[\w./-]*$")
_DOTTED = re.compile(r"^dunning_nlp(?:\.[A-Za-z_]\w*)+")


def _prose(path: Path) -> str:
    """The Markdown of ``path`` without fenced code blocks."""
    return _FENCE.sub("", path.read_text(encoding="utf-8"))


def _spans(path: Path) -> list[str]:
    return _SPAN.findall(_prose(path))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]", "", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    anchors = set()
    for line in _prose(path).splitlines():
        m = re.match(r"#{1,6}\s+(.*?)\s*#*\s*$", line)
        if not m:
            continue
        slug = _slug(m.group(1))
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        anchors.add(slug if n == 0 else f"{slug}-{n}")
    return anchors


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_cli_reference", DOCS / "make_cli_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current():
    generator = _load_generator()
    expected = generator.render()
    current = generator.TARGET.read_text(encoding="utf-8") if generator.TARGET.exists() else ""
    if current == expected:
        return
    made_with = re.search(r"\(Python (\d+\.\d+)\)", current)
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if made_with and made_with.group(1) != running:
        pytest.skip(f"docs/cli.md was generated with Python {made_with.group(1)}; argparse lays help out "
                    f"differently on Python {running}, so it cannot be compared here")
    pytest.fail(f"docs/cli.md is stale: the command-line options changed. Regenerate it with\n"
                f"    {generator.REGENERATE}\nand commit the result.", pytrace=False)


@pytest.mark.parametrize("doc", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_existing_files(doc):
    broken = []
    for target in _LINK.findall(_prose(doc)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):  # http:, https:, mailto:
            continue
        path_part, _, anchor = target.partition("#")
        dest = (doc.parent / path_part).resolve() if path_part else doc
        if not dest.exists():
            broken.append(f"{target} (no file {dest.relative_to(ROOT) if dest.is_relative_to(ROOT) else dest})")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.relative_to(ROOT)})")
    assert not broken, f"{doc.relative_to(ROOT)} links to what does not exist:\n  " + "\n  ".join(broken)


@pytest.mark.parametrize("doc", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_paths_in_code_exist(doc):
    missing = sorted({span for span in _spans(doc)
                      if _REPO_PATH.match(span) and not (ROOT / span).exists()})
    assert not missing, (f"{doc.relative_to(ROOT)} names paths that do not exist (moved or renamed?): "
                         f"{', '.join(missing)}")


def _resolve(dotted: str) -> bool:
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name and not exc.name.startswith("dunning_nlp"):
                return True  # an optional extra (pyspark, …) is not installed: nothing to check
            continue
        for attr in parts[i:]:
            try:
                obj = getattr(obj, attr)
            except AttributeError:
                try:  # a sub-module not imported by its package
                    obj = importlib.import_module(f"{obj.__name__}.{attr}")
                except (ImportError, AttributeError):
                    return False
        return True
    return False


@pytest.mark.parametrize("doc", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_dunning_nlp_names_in_code_resolve(doc):
    names = sorted({m.group(0) for span in _spans(doc) if (m := _DOTTED.match(span))})
    unresolved = [name for name in names if not _resolve(name)]
    assert not unresolved, (f"{doc.relative_to(ROOT)} names what the package no longer has (moved or renamed?): "
                            f"{', '.join(unresolved)}")


def test_design_tree_names_existing_modules():
    text = (DOCS / "design.md").read_text(encoding="utf-8")
    tree = re.search(r"## The layers\s+```\n(.*?)```", text, re.S).group(1)
    tree = tree.split("\nmodels/")[0]  # the package part; data/ and the rest follow
    package = ROOT / "dunning_nlp"
    modules = {p.name for p in package.rglob("*.py")}
    missing = sorted(set(re.findall(r"\b[\w]+\.py\b", tree)) - modules)
    assert not missing, f"docs/design.md's tree names modules that do not exist: {', '.join(missing)}"
    subpackages = sorted(p.parent.name for p in package.glob("*/__init__.py"))
    absent = [name for name in subpackages if f"{name}/" not in tree]
    assert not absent, f"docs/design.md's tree leaves out the sub-packages {', '.join(absent)}"


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```bash") + 1:lines.index("```bash") + 3]
    assert lines[0] == "# dunning_nlp" and lines.index("```bash") == 2
    assert block[0].startswith("bash scripts/demo.sh    # ")
    assert block[1].startswith("bash scripts/test.sh    # ")
    assert lines[5] == "```"


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= 160, f"README.md has {n} lines; it gets a newcomer running, details belong in docs/"


def test_readme_python_example_runs_as_written():
    text = README.read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    checked = 0
    for line in code.splitlines():
        comment = next((tok.string for tok in tokenize.generate_tokens(io.StringIO(line).readline)
                        if tok.type == tokenize.COMMENT), "")
        statement = line[:len(line) - len(comment)].rstrip() if comment else line
        if not statement.strip():
            continue
        try:
            ast.parse(statement, mode="eval")
        except SyntaxError:
            exec(statement, namespace)
            continue
        value = eval(statement, namespace)
        try:
            expected = ast.literal_eval(comment.lstrip("# ").strip())
        except (ValueError, SyntaxError):
            continue
        assert value == expected, f"README: {statement} gives {value!r}, the README says {expected!r}"
        checked += 1
    assert checked >= 3  # label, normalize_text, tokenize
    assert namespace["pred"].scores["reminder"] >= 0.95


def test_readme_real_traffic_table_is_the_model_cards():
    """The README's real-traffic rows are the model card's, so a retrain updates both or fails here."""
    readme = README.read_text(encoding="utf-8")
    card = (DOCS / "MODEL_CARD.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How good it is on real SMS"):]
    rows = [line for line in section.split("\n## ")[0].splitlines() if line.startswith("| `")]
    assert len(rows) == 9
    differ = [row for row in rows if row not in card]
    assert not differ, "README.md and docs/MODEL_CARD.md disagree on these real-traffic rows:\n" + "\n".join(differ)
    date = re.search(r"model of (\d{4}-\d{2}-\d{2})", section).group(1)
    assert f"model of {date}" in card.splitlines()[0], "the model card's title names another model than the README"
