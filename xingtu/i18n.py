"""The one translation table: every user-facing string of the app, Chinese and English.

Pages and components never hold literal UI text; they call ``translate(key, lang)`` (builders
take the language as an argument). The texts are data, in ``i18n.toml`` beside this file: a
translator edits one file, and a key written twice is an error when it is read, not a silent
override. Proper names (regions, units, the standard's stars and tasks) are data and are shown
as they are. A test checks every key has both languages and the same placeholders.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from xingtu.viewstate import Lang

TABLE = Path(__file__).with_name("i18n.toml")


def load_texts(path: Path = TABLE) -> dict[str, tuple[str, str]]:
    """key: (中文, English), read from ``path``; a malformed entry raises ``ValueError`` naming it."""
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    texts: dict[str, tuple[str, str]] = {}
    for key, pair in raw.items():
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
            raise ValueError(f"{path.name}: {key!r} must be [\"中文\", \"English\"], not {pair!r}")
        texts[key] = (pair[0], pair[1])
    return texts


TEXTS: dict[str, tuple[str, str]] = load_texts()


def translate(key: str, lang: Lang = "zh", **values: object) -> str:
    """The text for ``key`` in ``lang``; an unknown key shows itself (visible, never a crash)."""
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[0] if lang == "zh" else pair[1]
    return text.format(**values) if values else text
