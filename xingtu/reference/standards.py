"""Read the star catalogues (data/standard/<year>.yaml)."""

from __future__ import annotations

from pathlib import Path

import yaml

from xingtu.domain.standard import Standard, StandardError, parse_standard
from xingtu.settings import get_settings


def load_standard_file(path: Path) -> Standard:
    """Parse one catalogue; YAML syntax errors become a StandardError naming the line."""
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第 {mark.line + 1} 行" if mark is not None else "某处"
        raise StandardError(path.name, [f"YAML 格式错误（{where}）：{getattr(exc, 'problem', exc)}"]) from exc
    except UnicodeDecodeError as exc:
        raise StandardError(path.name, ["文件不是 UTF-8 编码，请另存为 UTF-8"]) from exc
    standard = parse_standard(doc, source=path.name)
    if path.stem.isdigit() and int(path.stem) != standard.effective_from:
        raise StandardError(
            path.name, [f"文件名年份 {path.stem} 与 effective_from {standard.effective_from} 不一致"]
        )
    return standard


def load_standards(directory: Path | None = None) -> dict[int, Standard]:
    """Every catalogue in the folder, keyed by the year it takes effect."""
    directory = directory or get_settings().standard_dir
    files = sorted(p for p in directory.glob("*.yaml") if p.stem.isdigit())
    if not files:
        raise FileNotFoundError(f"{directory} 中没有任何标准文件（应为 <年份>.yaml）")
    return {s.effective_from: s for s in (load_standard_file(p) for p in files)}
