"""AppTest: the app frame and the 数据概况 page, on a small store built by the app itself."""

from __future__ import annotations

import shutil

import pandas as pd
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.conftest import SMALL_COUNTIES
from xingtu.settings import ROOT, get_settings

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
