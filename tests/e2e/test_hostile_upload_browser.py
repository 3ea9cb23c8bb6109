"""Hostile workbooks uploaded through the page: each refused with its reason, while another
reader's session keeps working and the server process stays the same."""

from __future__ import annotations

import os
import urllib.request

import pytest

from tests.e2e.conftest import SERVER_PIDS, sign_in, wait_for_app
from tests.hostile import HOSTILE


@pytest.mark.heavy
def test_hostile_uploads_are_refused_and_the_server_keeps_serving(browser, auth_server, tmp_path):
    pid = SERVER_PIDS[auth_server.url]
    reader = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(reader, f"{auth_server.url}/?r=4111", "prov")
    admin = browser.new_context(viewport={"width": 1920, "height": 1080}).new_page()
    sign_in(admin, f"{auth_server.url}/import", "admin")
    uploader = admin.get_by_label("上传 .xlsx、.xls 或 .csv（UTF-8 或 GBK）").get_by_test_id(
        "stFileUploaderDropzoneInput"
    )
    for i, hostile in enumerate(HOSTILE):
        path = tmp_path / hostile.name
        path.write_bytes(hostile.build())
        uploader.set_input_files(str(path))
        admin.get_by_test_id("stAlert").filter(has_text=hostile.what).wait_for(timeout=60_000)
        assert "Traceback" not in admin.inner_text("body")
        # meanwhile the other reader's session answers: switch the unit type and see it drawn
        reader.get_by_test_id("stRadio").filter(has_text="单位类型").get_by_text(
            ("村", "社区", "全部")[i % 3], exact=True
        ).click()
        wait_for_app(reader)
        assert "Traceback" not in reader.inner_text("body")
    os.kill(pid, 0)  # the same server process is alive
    with urllib.request.urlopen(f"{auth_server.url}/_stcore/health", timeout=5) as r:
        assert r.status == 200
    assert SERVER_PIDS[auth_server.url] == pid
    reader.context.close()
    admin.context.close()
