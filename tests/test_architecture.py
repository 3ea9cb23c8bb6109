"""The import graph keeps its shape: the contracts in pyproject.toml ([tool.importlinter])."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from xingtu.settings import ROOT


def test_the_import_contracts_hold():
    linter = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run(
        [str(linter), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout and "kept" in done.stdout


GLOBAL_LANGUAGE = frozenset({"t", "lang"})  # components.view.t / components.view.lang
BUILDER_PREFIXES = ("build_", "compute_", "_build_", "_compute_")
Scope = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda


def _parameters(node: Scope) -> set[str]:
    a = node.args
    names = [*a.posonlyargs, *a.args, *a.kwonlyargs, *(x for x in (a.vararg, a.kwarg) if x)]
    return {p.arg for p in names}


def _global_language_reads(builder: ast.FunctionDef | ast.AsyncFunctionDef) -> list[str]:
    """Where ``builder`` (nested functions and lambdas in it included) reads ``t``/``lang``, or
    ``view.t``/``view.lang``, that is not a parameter of it or of the nested function around the read."""
    found: list[str] = []

    def visit(node: ast.AST, bound: frozenset[str]) -> None:
        if isinstance(node, Scope):
            bound = bound | _parameters(node)
        if (
            isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and node.id in GLOBAL_LANGUAGE
            and node.id not in bound
        ):
            found.append(f"{node.id} (line {node.lineno})")
        if (
            isinstance(node, ast.Attribute)
            and node.attr in GLOBAL_LANGUAGE
            and isinstance(node.value, ast.Name)
            and node.value.id == "view"
            and "view" not in bound
        ):
            found.append(f"view.{node.attr} (line {node.lineno})")
        for child in ast.iter_child_nodes(node):
            visit(child, bound)

    visit(builder, frozenset())
    return found


def _builders_reading_the_global_language(root: Path) -> list[str]:
    offenders = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            reads = _global_language_reads(node) if node.name.startswith(BUILDER_PREFIXES) else []
            if reads:
                offenders.append(f"{path.relative_to(ROOT)}::{node.name}: {', '.join(reads)}")
    return offenders


def test_builders_take_the_language_as_an_argument():
    """build_*/compute_* take the language (``lang``) or a translator (``tr``) as an argument: one
    that reads the session's language (``components.view.t``/``lang``) cannot run off the page's
    thread, and cannot be tested or reused in another language. Only render_* read it."""
    offenders = [
        o for d in ("components", "xingtu/views") for o in _builders_reading_the_global_language(ROOT / d)
    ]
    assert not offenders, "\n".join(offenders)


def test_the_language_scan_sees_reads_and_parameters():
    """The scan itself: a read of the global ``t`` is found (nested in a lambda too); a parameter is not."""
    source = """
def compute_a(df):
    return t("x")
def build_b(df, lang):
    return translate("x", lang)
def compute_c(df):
    return df.map(lambda v: t(v))
def build_d(rows, tr):
    return [(lambda t: t("y"))(tr) for _ in rows]
def compute_e(df):
    return view.lang()
"""
    tree = ast.parse(source)
    reads = {n.name: _global_language_reads(n) for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert reads == {
        "compute_a": ["t (line 3)"],
        "build_b": [],
        "compute_c": ["t (line 7)"],
        "build_d": [],
        "compute_e": ["view.lang (line 11)"],
    }


# CSS in a Python string: a declaration such as "color: #8A1F11;" or a <style> element.
CSS_TEXT = re.compile(
    r"<style|(?<![\w-])(background(-color)?|color|font-(size|family|weight)|margin|padding|border(-radius)?"
    r"|display|position|max-width|white-space|visibility)\s*:\s*[^;{}\n]+;"
)
STYLE_LOADER = Path("components/templating.py")  # the one helper that wraps our .css files in <style>


def _css_in_strings(tree: ast.Module) -> list[int]:
    """Lines of string constants (docstrings aside) that hold CSS."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and CSS_TEXT.search(node.value)
    ]


def test_no_python_file_outside_tests_holds_css():
    """Stylesheets live in .css files, scripts in .js files; Python loads them (components.templating)."""
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in (".venv", "tests") or rel == STYLE_LOADER:
            continue
        lines = _css_in_strings(ast.parse(path.read_text(encoding="utf-8")))
        offenders += [f"{rel}:{line}" for line in lines]
    assert not offenders, offenders


def test_the_css_scan_sees_declarations_and_style_elements_but_not_docstrings():
    tree = ast.parse(
        '"""A <style> block in a docstring is prose."""\n'
        'A = "background-color: #FDECEA; color: #8A1F11"\n'
        'B = "<style>.x{}</style>"\n'
        'C = {"fontSize": "15px", "width": 3}\n'
        'D = "width: a number of pixels"\n'
    )
    assert _css_in_strings(tree) == [2, 3]
