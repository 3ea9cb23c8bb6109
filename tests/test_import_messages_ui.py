"""With the English interface, the import page shows a bad file's problems in English.

Every message is "中文 / English"; the page shows the reader's half (``_in_language``), the
problems table's headers come from ``xingtu/i18n.toml``, and what is left in Chinese are the
values from the file or the store (names, sheet names, header texts, the user's cell), quoted
or named by the problem's own sheet, column and value.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from tests.workbooks import xlsx
from xingtu.domain.standard import Standard
from xingtu.imports.apply import query_reference
from xingtu.imports.catalogue import check_catalogue, export_catalogue
from xingtu.imports.report import build_error_report, message_in, split_message
from xingtu.imports.validate import Checked, Problem, Reference, check_file
from xingtu.reference.standards import load_standard_file
from xingtu.settings import DATA_DIR

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」")
ENGLISH_COLUMNS = ["Sheet", "Row", "Column", "Value", "Problem and fix"]


def chinese_left(text: str, own: Iterable[Any] = ()) -> str:
    """The Chinese in ``text`` once quoted values and the problem's own values are taken out."""
    rest = QUOTED.sub("", text.replace("\\", ""))  # markdown escapes (源汇区2025\.csv) out first
    for value in sorted({str(v) for v in own if v not in (None, "")}, key=len, reverse=True):
        rest = rest.replace(value, "")
    return "".join(CJK.findall(rest))


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "not a workbook")
    return out.getvalue()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty": (b"", "空.xlsx"),
    "unsupported type": (b"%PDF-1.4", "台账.pdf"),
    "binary csv": (b"a,b\x00c\n", "台账.csv"),
    "zip, not a workbook": (_zip_without_workbook(), "台账.xlsx"),
    "damaged workbook": (b"PK\x03\x04 damaged", "台账.xlsx"),
    "bad values": (
        "村名,年度,创建目标,评定星级,支部过硬星\n刘庄村,二零二五,五星半,★★★★★★,可能\n".encode(),
        "源汇区2025.csv",
    ),
    "unknown unit, missing columns": (xlsx([["村（社区）名称", "评定星级"], ["不存在村", "三星"]]), "a.xlsx"),
}


@pytest.fixture(scope="module")
def ref(small_store_path: Path) -> Reference:
    with duckdb.connect(str(small_store_path), read_only=True) as con:
        return query_reference(con)


@pytest.fixture(scope="module")
def current() -> Standard:
    return load_standard_file(DATA_DIR / "standard" / "2022.yaml")


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    import components.import_panel as panel

    monkeypatch.setattr(panel, "lang", lambda: "en")
    monkeypatch.setattr(panel, "t", lambda key, **values: _translate(key, "en", **values))


def _translate(key: str, lang: str, **values: Any) -> str:
    from xingtu.i18n import translate

    return translate(key, lang, **values)  # type: ignore[arg-type]


def _checked(ref: Reference, name: str) -> Checked:
    data, file_name = BAD_FILES[name]
    checked = check_file(data, file_name, "annual", ref)
    assert checked.problems, name
    return checked


def test_split_message_takes_the_first_split_outside_quotes():
    assert split_message("应为整数 / Should be a whole number") == ("应为整数", "Should be a whole number")
    assert split_message("找不到“A / B” / No unit named “A / B”") == (
        "找不到“A / B”",
        "No unit named “A / B”",
    )
    assert split_message('无法识别 "x / y" / Not recognised: "x / y"') == (
        '无法识别 "x / y"',
        'Not recognised: "x / y"',
    )
    assert split_message("只有中文") is None


@pytest.mark.parametrize(
    ("message", "lang", "shown"),
    [
        ("文件是空的 / The file is empty", "en", "The file is empty"),
        ("文件是空的 / The file is empty", "zh", "文件是空的"),
        ("只有中文", "en", "只有中文"),
        ("工作表“A / B”没有数据 / Sheet “A / B” has no data", "en", "Sheet “A / B” has no data"),
    ],
)
def test_a_message_shows_the_readers_half(message: str, lang: str, shown: str):
    assert message_in(message, lang) == shown


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_the_problems_table_reads_in_english(ref: Reference, english: None, name: str):
    from components.import_panel import SHOWN_PROBLEMS, problems_table
    from xingtu.session import admin

    checked = _checked(ref, name)
    table = problems_table(admin.problems_frame(checked, SHOWN_PROBLEMS))
    assert list(table.columns) == ENGLISH_COLUMNS
    for p, shown in zip(checked.problems, table["Problem and fix"], strict=True):
        assert shown and shown != p.message, p.message  # one half, not the whole
        assert not chinese_left(shown, (p.sheet, p.column, p.value)), f"{name}: {shown!r}"


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_the_chinese_half_is_kept_for_the_chinese_interface(ref: Reference, name: str, monkeypatch):
    import components.import_panel as panel

    monkeypatch.setattr(panel, "lang", lambda: "zh")
    monkeypatch.setattr(panel, "t", lambda key, **values: _translate(key, "zh", **values))
    from xingtu.session import admin

    checked = _checked(ref, name)
    table = panel.problems_table(admin.problems_frame(checked, panel.SHOWN_PROBLEMS))
    assert list(table.columns) == ["工作表", "行", "列", "填写的值", "问题与改法"]
    for p, shown in zip(checked.problems, table["问题与改法"], strict=True):
        assert p.message.startswith(shown) and re.search(r"[\u4e00-\u9fff]", shown)


def test_file_errors_are_bilingual_with_values_in_the_english_half(ref: Reference):
    checked = _checked(ref, "unsupported type")
    halves = split_message(checked.problems[0].message)
    assert halves is not None
    assert halves[0].startswith("不支持 .pdf 文件") and "“.pdf”" in halves[1]


def test_catalogue_problems_are_one_message_with_one_split(current: Standard, english: None):
    def change(book: openpyxl.Workbook) -> None:
        book["村"].cell(row=2, column=1).value = "支部硬核星"  # not a star of the catalogue
        book["社区"].cell(row=3, column=4).value = None  # an empty description
        book["社区"].cell(row=4, column=5).value = "可能"  # not a veto value
        book["得星规则"].cell(row=2, column=2).value = 1.5  # a share out of range

    book = openpyxl.load_workbook(io.BytesIO(export_catalogue(current)))
    change(book)
    out = io.BytesIO()
    book.save(out)
    checked = check_catalogue(out.getvalue(), "清单.xlsx", 2026, current)
    assert len(checked.problems) >= 4
    for p in checked.problems:
        message = p.as_problem().message
        assert split_message(message) == (p.message, p.message_en), message
        assert "（" + p.message_en not in message
        assert not chinese_left(p.message_en, (p.sheet, p.column, p.value)), p.message_en


def test_the_error_report_keeps_both_languages(ref: Reference):
    checked = _checked(ref, "bad values")
    sheet = openpyxl.load_workbook(io.BytesIO(build_error_report(checked.problems))).active
    header = [c.value for c in sheet[1]]
    assert header[0] == "工作表 / Sheet" and header[-1] == "问题与改法 / Problem and fix"
    assert [sheet.cell(row=r, column=5).value for r in range(2, sheet.max_row + 1)] == [
        p.message for p in checked.problems
    ]


def _page(store: str, data: bytes, file_name: str) -> None:
    """The upload page's result for one file, in English (the link's ``lang=en``)."""
    import duckdb
    import streamlit as st

    from components import import_panel
    from xingtu.imports.apply import query_reference
    from xingtu.imports.validate import check_file

    st.query_params["lang"] = "en"
    with duckdb.connect(store, read_only=True) as con:
        ref = query_reference(con)
    checked = check_file(data, file_name, "annual", ref)
    import_panel.render_understood(checked, None)
    import_panel.render_problems(checked, "test")


@pytest.mark.parametrize("name", ["damaged workbook", "bad values"])
def test_the_page_shows_a_bad_files_problems_in_english(small_store_path: Path, ref: Reference, name: str):
    data, file_name = BAD_FILES[name]
    problems: list[Problem] = check_file(data, file_name, "annual", ref).problems
    own = {v for p in problems for v in (p.sheet, p.column, p.value)} | {file_name}
    at = AppTest.from_function(
        _page, args=(str(small_store_path), data, file_name), default_timeout=120
    ).run()
    assert not at.exception, [e.value for e in at.exception]
    error = at.error[0].value
    assert "was not imported" in error and not chinese_left(error, own), error
    frame = at.dataframe[0].value
    assert list(frame.columns) == ENGLISH_COLUMNS
    for p, shown in zip(problems, frame["Problem and fix"], strict=True):
        assert not chinese_left(shown, (p.sheet, p.column, p.value)), shown
    for block in at.markdown:
        assert not chinese_left(block.value, own), block.value
