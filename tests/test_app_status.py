"""AppTest: the app frame and the 数据概况 page, on a small store built by the app itself."""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit.testing.v1 import AppTest

from components.import_panel import compute_version_rows
from tests.conftest import SMALL_COUNTIES
from xingtu.i18n import translate
from xingtu.settings import ROOT, get_settings
from xingtu.store.versions import Version

APP = str(ROOT / "app.py")


def _expected_units() -> pd.DataFrame:
    d = pd.read_parquet(get_settings().divisions_path)
    return d[(d["level"] == "village") & d["code"].str[:6].isin([c[:6] for c in SMALL_COUNTIES])]


def test_status_page_shows_dataset_shape(app_env):
    at = AppTest.from_file(APP, default_timeout=180).run()
    at.switch_page("app_pages/status.py").run()
    assert not at.exception
    assert [t.value for t in at.title] == ["数据概况"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["村（社区）"] == f"{len(_expected_units()):,}"
    assert metrics["县级单位"] == "3"
    assert metrics["其中 功能区"] == "1"
    assert any("sample-badge" in h.proto.body and "样例数据" in h.proto.body for h in at.get("html"))
    assert any("2025 年全省星级分布" in h.value for h in at.subheader)
    frames = [df.value for df in at.dataframe]
    standard = next(f for f in frames if "tasks" in f.columns)
    assert standard.groupby("type")["tasks"].sum().to_dict() == {"村": 90, "社区": 106}


def test_rerun_does_not_rebuild(app_env):
    AppTest.from_file(APP, default_timeout=180).run()
    store = next(app_env.glob("*.duckdb"))
    mtime = store.stat().st_mtime_ns
    st.cache_resource.clear()  # a new process would start with empty caches
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and store.stat().st_mtime_ns == mtime


def test_broken_standard_gives_a_chinese_message_not_a_traceback(app_env, tmp_path, monkeypatch):
    broken = tmp_path / "standard"
    shutil.copytree(get_settings().standard_dir, broken)
    (broken / "2022.yaml").write_text("name: x\ntypes: [unclosed\n", encoding="utf-8")
    monkeypatch.setenv("XINGTU_STANDARD_DIR", str(broken))
    monkeypatch.setenv("XINGTU_STORE_DIR", str(tmp_path / "store"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value.replace("\\", "")  # the message is Markdown-escaped: it shows as written
    assert "数据库建立失败" in message and "2022.yaml" in message and "YAML 格式错误" in message
    assert not list((tmp_path / "store").glob("*.duckdb"))  # nothing half-built was left behind

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "en"
    at.run()
    message = at.error[0].value.replace("\\", "")
    assert "The database could not be built" in message and "2022.yaml" in message


def test_version_table_has_one_type_per_column():
    """Counts stay integers (12, not 12.0) and the base row's empty counts never mix "" into them:
    the grid's Arrow conversion used to fail on every render of the 数据版本 tab."""
    log = [
        Version(2, 1, "2026-01-02T10:00:00+08:00", "admin", "a.xlsx", "annual", 12, 7, [2025], "ab" * 20),
        Version(1, None, "2026-01-01T10:00:00+08:00", "admin", "b.xlsx", "annual", 3, 3, [2025], pruned=True),
    ]
    table = compute_version_rows(2, log, "2025-12-01T00:00:00+00:00", "import.v.base", "zh")
    arrow = pa.Table.from_pandas(table)  # raised ArrowInvalid (行数: numbers and "" mixed)
    assert arrow.schema.field("行数").type == pa.int64()
    assert arrow.column("行数").to_pylist() == [12, 3, None]
    assert arrow.column("单位数").to_pylist() == [7, 3, None]
    assert table["版本"].tolist() == ["v2", "v1", "v0"]
    assert table["当前"].tolist() == ["●", "", ""]
    assert table["导入人"].tolist() == ["admin", "admin", ""]
    text = [f for f in arrow.schema if f.name not in ("行数", "单位数")]
    assert all(pa.types.is_string(f.type) or pa.types.is_large_string(f.type) for f in text)
    english = compute_version_rows(2, log, "2025-12-01T00:00:00+00:00", "import.v.base", "en")
    assert english.columns.tolist()[:2] == ["Version", "In force"] and english.shape == table.shape
    assert english.iloc[:, 4].tolist()[0] == translate("import.kind.annual", "en") != table.iloc[0, 4]


def test_status_page_in_english_names_the_dataset_and_sources_in_english(app_env):
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/status.py").run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # shown as written (escaped)
    assert "Five-Star Branch campaign, sample data" in captions
    assert "Five-Star Branch task catalogue (sample)" in captions
    sources = next(df.value for df in at.dataframe if "licence" in df.value.columns)
    assert len(sources) == 4 and "National Bureau of Statistics" in sources.iloc[0]["source"]
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert not [v for v in sources.to_numpy().ravel() if cjk.search(str(v))]
    assert not cjk.search(captions.replace("河南省", ""))  # the province's name is a place name
