"""Flag details and gate reasons in the interface's language (zh_CN loaded), said from their
data; English stays what the command line prints."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from console.qt.i18n import Translations
from console.qt.model_history import ModelHistoryModel
from console.qt.reasons import flag_detail, gate_reasons
from console.qt.retrain_flow import VerdictDialog
from console.qt.review_view import FlagListModel, ReviewDetailPanel
from console.services.flags import flag_reasons, load_flag_settings, refresh_flags
from console.services.models import ModelVersionInfo
from console.services.review import list_flagged, review_detail
from console.store import (
    AgentLabel,
    Contact,
    FlagFacts,
    FlagFilter,
    ReplyEdit,
    TicketStore,
)
from tests.console.store.test_store import draft, prediction
from training import RetrainResult
from training.gate import GatePolicy, decide

HOUR = 3600.0
T0 = 1_800_000_000.0

#: A ticket every rule flags, and what each says in Chinese.
FACTS = FlagFacts(
    id="T1",
    channel="email",
    status="open",
    customer="ann",
    created_at=T0,
    negativity=0.93,
    sentiment="negative",
    category="logistics",
    confidence=0.41,
    agent_labels=(AgentLabel("sentiment", "positive", "bob"),),
    customer_text="Order\n我要去12315投诉",
    first_customer_at=T0,
    first_reply_at=None,
    reply_edits=(ReplyEdit(0.8, "bob", "refund-1"),),
    previous_contact=Contact("T0", T0 - 5 * HOUR),
    next_contact=Contact("T2", T0 + 3 * 24 * HOUR),
)
CHINESE = {
    "negativity": "负面度 0.93（阈值 0.85）",
    "escalation": "提到 “12315”、“投诉”",
    "low_confidence": "模型只有 41% 的把握判断为负面（阈值 50%）",
    "override": "bob 将情感从 负面（模型）改为 正面",
    "reply_edit": "bob 的回复修改了建议回复的 80%（模板 refund-1，阈值 60%）",
    "repeat_contact": "该客户还发来了 T0（早 5.0 小时）和 T2（晚 3.0 天）（时间窗 7 天）",
    "reply_sla": "已等待 30.0 小时 仍未回复（时限 24 小时）",
}


@pytest.fixture
def zh(qapp: QApplication) -> Iterator[None]:
    translations = Translations()
    assert translations.install("zh_CN")
    yield
    translations.install("en")


def _all_reasons() -> list[Any]:
    reasons = list(flag_reasons(FACTS, load_flag_settings(None), T0 + 30 * HOUR))
    assert [r.reason for r in reasons] == list(CHINESE)
    return reasons


def test_in_english_the_window_says_what_the_command_line_says(qapp: QApplication) -> None:
    for reason in _all_reasons():
        assert flag_detail(reason.reason, reason.detail, reason.params) == reason.detail


def test_in_chinese_every_flag_detail_is_chinese(zh: None) -> None:
    said = {r.reason: flag_detail(r.reason, r.detail, r.params) for r in _all_reasons()}
    assert said == CHINESE


def test_a_reason_without_usable_figures_stays_english(
    zh: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert flag_detail("negativity", "negativity 0.93 (threshold 0.85)", {}) == (
        "negativity 0.93 (threshold 0.85)"
    )
    with caplog.at_level(logging.INFO):
        assert flag_detail("negativity", "english", {"negativity": "high"}) == "english"
        assert flag_detail("some_new_rule", "english", {"x": 1}) == "english"


def _gate(champion_f1: float, challenger_f1: float, held_out: int) -> Any:
    def side(f1: float, correct: int) -> dict[str, Any]:
        return {
            "gold": {"macro_f1": f1, "recall": {"negative": 0.9}, "accuracy": f1},
            "held_out": {"labels": held_out, "correct": correct},
        }

    return decide(side(champion_f1, 3), side(challenger_f1, 2), GatePolicy())


def test_in_chinese_the_gate_reasons_are_chinese(zh: None) -> None:
    refused = _gate(0.90, 0.89, held_out=4)
    assert gate_reasons(refused.details, refused.reasons) == [
        "金标准宏平均 F1：当前模型 90.00%，新模型 89.00%（-1.00 个百分点，最多可降 0.5）：变差",
        "留出更正的正确数：当前模型 3，新模型 2（至少需要 3）：变差",
    ]
    passed = _gate(0.90, 0.91, held_out=0)
    said = gate_reasons(passed.details, passed.reasons)
    assert said[-1] == "尚无留出的主管确认更正：仅按金标准集评判。"
    assert said[1] == (
        "金标准召回率：负面：当前模型 90.00%，新模型 90.00%（+0.00 个百分点，最多可降 2.0）：通过"
    )
    # English stays the contract of the command line and JSON
    assert passed.reasons[-1] == (
        "no supervisor-confirmed corrections held out yet: judged on gold alone"
    )
    assert passed.to_dict()["reason_details"][-1] == {"code": "no_held_out", "params": {}}


def test_gate_reasons_of_older_or_newer_versions_stay_english(
    zh: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert gate_reasons([], ["gold macro-F1: …: ok"]) == ["gold macro-F1: …: ok"]
    with caplog.at_level(logging.INFO):
        assert gate_reasons([{"code": "new_check", "params": {}}], ["in English"]) == ["in English"]


def test_the_verdict_dialog_says_the_gate_in_chinese(qtbot: QtBot, zh: None) -> None:
    decision = _gate(0.90, 0.89, held_out=4)
    metrics = {
        "champion": {"gold": {"macro_f1": 0.9}, "held_out": {"labels": 4, "correct": 3}},
        "challenger": {"gold": {"macro_f1": 0.89}, "held_out": {"labels": 4, "correct": 2}},
    }
    result = RetrainResult(
        "m1",
        "m2",
        decision.promote,
        decision.reasons,
        metrics,
        1.0,
        12,
        4,
        decision.to_dict(),
        decision.details,
    )
    dialog = VerdictDialog(result)
    qtbot.addWidget(dialog)
    text = dialog.reasons.text()
    assert "金标准宏平均 F1：当前模型 90.00%" in text
    assert "gold macro-F1" not in text
    # a result read back from the process's JSON keeps them
    assert RetrainResult.from_dict(result.to_dict()).reason_details == decision.details


def test_the_model_history_says_the_gate_in_chinese(zh: None) -> None:
    decision = _gate(0.90, 0.89, held_out=4)
    info = ModelVersionInfo(
        "m2", None, "m1", 64, 12, 0.9, 0.89, None, False, (),
        notes="retrained from m1 on 12 corrections",
        gate_reasons=decision.details,
        gate_promote=False,
        gate_reason_texts=decision.reasons,
    )  # fmt: skip
    model = ModelHistoryModel()
    model.set_records([info])
    tooltip = model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "基于 m1 用 12 条更正重新训练" in tooltip
    assert "晋升门槛拒绝了它" in tooltip
    assert "留出更正的正确数：当前模型 3，新模型 2" in tooltip
    assert "retrained from" not in tooltip and "champion" not in tooltip
    older = dataclasses.replace(info, gate_reasons=())
    model.set_records([older])
    # a version made before the reasons were kept as data: its English words
    assert decision.reasons[0] in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)


def test_the_review_window_shows_stored_flags_in_chinese(
    qtbot: QtBot, zh: None, store: TicketStore
) -> None:
    store.import_tickets([draft("T1", "我要去12315投诉你们")], "f")
    (pending,) = store.pending_scoring("m1")
    store.save_predictions([("T1", pending[1], prediction(0.95))])
    refresh_flags(store, dataclasses.replace(load_flag_settings(None), reply_sla_enabled=False))
    (flagged,) = list_flagged(store, FlagFilter(status=None))
    list_model = FlagListModel()
    list_model.set_records([flagged])
    column = FlagListModel.COLUMNS.index("reasons")
    tooltip = list_model.index(0, column).data(Qt.ItemDataRole.ToolTipRole)
    assert "负面度 0.95（阈值 0.85）" in tooltip
    assert "提到 “12315”、“投诉”" in tooltip
    panel = ReviewDetailPanel()
    qtbot.addWidget(panel)
    panel.show_detail(review_detail(store, "T1"), [])
    assert "负面度 0.95（阈值 0.85）" in panel.reasons.text()
    assert "negativity 0.95" not in panel.reasons.text()
