"""The unit profile view (stars per year, unmet tasks, the ledger) and the one overdue list.

The views take the language as an argument: the same frames in Chinese and English, without a
session. The overdue list is the one the briefing prints and the ledger marks, and it holds the
items the store counts as overdue.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from components import briefing
from xingtu.domain.problems import CLOSED, OVERDUE_ORDER
from xingtu.store import queries as q
from xingtu.store import views
from xingtu.views import overdue, profile

AS_OF = dt.date(2025, 11, 30)
COUNTY = "411102000000"


def _problems(rows: list[tuple[str, str, dt.date | None, str]]) -> pd.DataFrame:
    """(problem_id, status, deadline, code) rows of a 问题清单."""
    return pd.DataFrame(rows, columns=["problem_id", "status", "deadline", "code"]).assign(
        problem=lambda d: "问题" + d["problem_id"]
    )


LEDGER = _problems(
    [
        ("p1", "整改中", dt.date(2025, 12, 20), "a"),  # open, not yet due
        ("p2", CLOSED, dt.date(2025, 5, 1), "a"),  # closed: never overdue
        ("p3", "未启动", dt.date(2025, 6, 1), "a"),  # overdue 182 days
        ("p4", "整改中", None, "a"),  # 长期坚持: no deadline, never overdue
        ("p5", "整改中", dt.date(2025, 11, 29), "a"),  # overdue 1 day
        ("p6", "整改中", AS_OF, "a"),  # due on the data date: not yet overdue
        ("p7", CLOSED, dt.date(2025, 4, 1), "a"),
    ]
)


def test_the_overdue_list_is_open_items_past_their_deadline_longest_first():
    items = overdue.compute_overdue(LEDGER, AS_OF)
    assert items["problem_id"].tolist() == ["p3", "p5"]
    assert items["days_overdue"].tolist() == [182, 1]
    assert items["problem"].tolist() == ["问题p3", "问题p5"]  # other columns kept
    assert overdue.compute_overdue(LEDGER, "2025-11-30").equals(items)  # the store's ISO date
    assert overdue.compute_overdue(LEDGER, AS_OF, limit=1)["problem_id"].tolist() == ["p3"]
    later = overdue.compute_overdue(LEDGER, dt.date(2026, 1, 1))
    assert later["problem_id"].tolist() == ["p3", "p5", "p6", "p1"]


def test_ties_are_ordered_by_unit_then_item():
    same_day = dt.date(2025, 9, 1)
    rows = _problems(
        [("p9", "整改中", same_day, "b"), ("p2", "整改中", same_day, "b"), ("p5", "未启动", same_day, "a")]
    )
    assert overdue.compute_overdue(rows, AS_OF)["problem_id"].tolist() == ["p5", "p2", "p9"]
    assert OVERDUE_ORDER == ("deadline", "code", "problem_id")


def test_no_items_give_an_empty_list():
    empty = LEDGER.iloc[0:0]
    assert overdue.compute_overdue(empty, AS_OF).empty
    assert list(overdue.compute_overdue(empty, "")["days_overdue"]) == []


@pytest.mark.parametrize(
    ("lang", "closed", "late"), [("zh", "已销号", "逾期未整改"), ("en", "Closed (销号)", "Overdue")]
)
def test_the_ledger_puts_overdue_first_then_open_then_closed(lang, closed, late):
    ledger = profile.compute_ledger(LEDGER, AS_OF, lang)
    assert ledger["problem_id"].tolist() == ["p3", "p5", "p6", "p1", "p4", "p7", "p2"]
    assert ledger["overdue"].tolist() == [True, True, False, False, False, False, False]
    assert ledger["state"].tolist() == [late, late, "整改中", "整改中", "整改中", closed, closed]
    assert ledger["days_overdue"].tolist()[:2] == [182, 1] and ledger["days_overdue"][2:].isna().all()
    # the ledger's overdue rows are the overdue list, in its order
    assert (
        ledger[ledger["overdue"]]["problem_id"].tolist()
        == overdue.compute_overdue(LEDGER, AS_OF)["problem_id"].tolist()
    )


def test_an_empty_ledger_keeps_its_columns():
    ledger = profile.compute_ledger(LEDGER.iloc[0:0], AS_OF, "zh")
    assert ledger.empty and {"state", "overdue", "days_overdue", "problem"} <= set(ledger.columns)


def test_star_matrix_and_unmet_tasks_in_the_language_asked():
    stars = pd.DataFrame(
        {
            "year": [2024, 2024, 2025, 2025],
            "ord": [2, 1, 2, 1],
            "star_name": ["产业兴旺星", "支部过硬星", "产业兴旺星", "支部过硬星"],
            "held": [False, True, True, True],
        }
    )
    zh = profile.compute_star_matrix(stars, "zh")
    en = profile.compute_star_matrix(stars, "en")
    assert zh.index.name == "所属星" and en.index.name == "Star"
    assert zh.index.tolist() == ["支部过硬星", "产业兴旺星"] and list(zh.columns) == ["2024", "2025"]
    assert zh.values.tolist() == [["★", "★"], ["·", "★"]] and en.values.tolist() == zh.values.tolist()
    assert profile.compute_star_matrix(stars.iloc[0:0], "zh").empty

    unmet = pd.DataFrame(
        {
            "task_id": ["a", "b", "c"],
            "star_id": ["s2", "s1", "s1"],
            "star_name": ["二", "一", "一"],
            "star_ord": [2, 1, 1],
            "task_name": ["A", "B", "C"],
            "description": ["", "", ""],
            "veto": [True, False, True],
        }
    )
    table = profile.compute_unmet_table(unmet, "zh")
    assert table["task_id"].tolist() == ["c", "b", "a"]  # by star, veto items first
    assert table["veto_label"].tolist() == ["否决项", "", "否决项"]
    assert profile.compute_unmet_table(unmet, "en")["veto_label"].tolist() == ["veto", "", "veto"]


# --- against the store -------------------------------------------------------------------------


def test_the_list_holds_what_the_store_counts_and_the_briefing_prints_its_head(small_con):
    """The store's SQL (counts, the briefing's cut) and the view's rule pick the same items."""
    scope = q.Scope(COUNTY)
    as_of = small_con.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0]
    raw = small_con.execute("SELECT p.* FROM problems p WHERE p.year = 2025 AND p.code LIKE '411102%'").df()
    whole = overdue.compute_overdue(raw, as_of)
    assert len(whole) == int(q.query_summary(small_con, scope, 2025)["overdue_problems"]) > 0
    stored = overdue.compute_overdue(
        q.query_overdue_problems(small_con, scope, 2025, limit=q.MAX_LIMIT), as_of
    )
    assert stored["problem_id"].tolist() == whole["problem_id"].tolist()
    assert stored["days_overdue"].tolist() == whole["days_overdue"].tolist()
    brief = views.query_briefing(small_con, scope, 2025)
    table = briefing.compute_overdue_table(brief, briefing.translator("zh"))
    head = whole.head(views.BRIEFING_PROBLEMS)
    assert [row[3] for row in table["rows"]] == head["problem"].tolist()
    assert [row[6] for row in table["rows"]] == [f"{d:,}" for d in head["days_overdue"]]


def test_a_units_ledger_marks_the_items_of_the_overdue_list(small_con):
    code, counted = small_con.execute(
        """SELECT code, overdue_problems FROM annual_results
           WHERE year = 2025 AND overdue_problems > 0 ORDER BY code LIMIT 1"""
    ).fetchone()
    unit = q.query_unit_profile(small_con, code, 2025)
    assert unit is not None and unit.as_of == dt.date(2025, 11, 30)
    ledger = profile.compute_ledger(unit.problems, unit.as_of, "zh")
    assert int(ledger["overdue"].sum()) == counted  # the number on the unit's header
    listed = overdue.compute_overdue(
        q.query_overdue_problems(small_con, q.Scope(code[:9] + "000"), 2025, limit=q.MAX_LIMIT), unit.as_of
    )
    mine = listed[listed["code"] == code]
    assert ledger[ledger["overdue"]]["problem_id"].tolist() == mine["problem_id"].tolist()
    assert ledger[ledger["overdue"]]["days_overdue"].tolist() == mine["days_overdue"].tolist()
