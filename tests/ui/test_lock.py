"""Lock and sign-off as the chief judge meets it: what is open is shown and blocks the lock, each
judge signs with their own PIN in a real dialog, the signatures survive a restart, unlock needs
PIN and reason, and the next step (decryption by the encryption judge) is named."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QLabel, QLineEdit, QListWidget, QPushButton

from scorer import signoff
from scorer.errors import MarkRefused
from scorer.store import Store
from ui.context import AppContext
from ui.windows.lock import LockWidget

PINS = {"J1": "1111", "J2": "2222", "J3": "3333", "K1": "9999"}


def _widget(qtbot, ctx) -> LockWidget:
    w = LockWidget(ctx)
    qtbot.addWidget(w)
    w.show()
    return w


def _click(qtbot, w: LockWidget, name: str) -> None:
    button = w.findChild(QPushButton, name)
    assert button.isEnabled(), name
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _text(w: LockWidget, name: str) -> str:
    return w.findChild(QLabel, name).text()


def _rows(w: LockWidget, name: str) -> list[str]:
    box = w.findChild(QListWidget, name)
    return [box.item(i).text() for i in range(box.count())]


def _select(w: LockWidget, name: str, starts: str) -> None:
    box = w.findChild(QListWidget, name)
    for i in range(box.count()):
        if box.item(i).text().startswith(starts):
            box.setCurrentRow(i)
            return
    raise AssertionError(f"{starts} not in {_rows(w, name)}")


def _in_dialog(qtbot, fill: Callable[[QDialog], None], accept: bool = True) -> None:
    """Answer the next modal dialog with real key events, then press Enter (or Escape)."""

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(10, run)
            return
        fill(dialog)
        qtbot.keyClick(dialog, Qt.Key.Key_Return if accept else Qt.Key.Key_Escape)

    QTimer.singleShot(0, run)


def _type(qtbot, name: str, text: str) -> Callable[[QDialog], None]:
    return lambda d: qtbot.keyClicks(d.findChild(QLineEdit, name), text)


def _sign(qtbot, w: LockWidget, judge: str, pin: str) -> None:
    _select(w, "signers", judge)
    _in_dialog(qtbot, _type(qtbot, "pin", pin))
    _click(qtbot, w, "sign")


def test_open_items_are_shown_and_block_the_lock(qtbot, ctx_for, ui_store):
    """2 contestants missing marks and a conflict of interest: the lock says what and refuses."""
    ctx_for("J1").record("C01", "A1.1", "24.01")  # J1 works for C01's employer
    w = _widget(qtbot, ctx_for("K1"))
    rows = _rows(w, "open_items")
    assert any(r.startswith("C01 缺分") for r in rows) and any(r.startswith("C02 缺分") for r in rows)
    assert any("C01" in r and "A1.1" in r for r in rows if "缺分" not in r)  # the conflict flag
    assert any(r.startswith("J2") and "尚未签字" in r for r in rows)
    assert "先处理" in _text(w, "next_step")
    _click(qtbot, w, "lock")
    assert "不能锁定" in _text(w, "message") and _text(w, "state") == "未锁定"
    assert list(ui_store.log(("event.lock",))) == []


def test_the_chief_settles_each_item_judges_sign_and_the_event_locks(qtbot, ctx_for, ui_store, tmp_path):
    """The whole path with real dialogs: statuses, an accepted conflict, PIN signatures, lock, restart."""
    ctx_for("J1").record("C01", "A1.1", "24.01")
    ctx = ctx_for("K1")
    w = _widget(qtbot, ctx)
    for code in ("C01", "C02", "C03"):
        _select(w, "open_items", f"{code} 缺分")

        def choose(d: QDialog) -> None:
            combo = d.findChild(QComboBox, "status")
            combo.setCurrentIndex(combo.findData("absent"))
            qtbot.keyClicks(d.findChild(QLineEdit, "status_reason"), "no show")

        _in_dialog(qtbot, choose)
        _click(qtbot, w, "set_status")
        assert f"已登记 {code}：缺考" in _text(w, "message")
    assert ui_store.statuses() == {"C01": "absent", "C02": "absent", "C03": "absent"}
    assert not any("缺分" in r for r in _rows(w, "open_items"))

    conflict = next(r for r in _rows(w, "open_items") if "C01" in r)
    _select(w, "open_items", conflict)
    _in_dialog(qtbot, _type(qtbot, "accept_reason", "checked twice"))
    _click(qtbot, w, "accept")
    assert "已确认" in _text(w, "message")
    assert any("裁判长已确认" in r and "checked twice" in r for r in _rows(w, "open_items"))

    _sign(qtbot, w, "J2", "1111")  # J1's PIN does not sign for J2
    assert "PIN 错误" in _text(w, "message")
    _select(w, "signers", "J1")
    _in_dialog(qtbot, _type(qtbot, "pin", "1111"), accept=False)
    _click(qtbot, w, "sign")
    assert "已取消" in _text(w, "message")
    for judge in ("J1", "J2", "J3", "K1"):
        _sign(qtbot, w, judge, PINS[judge])
        assert f"{judge} 已签字" in _text(w, "message")
    assert all("已签字" in r for r in _rows(w, "signers"))
    assert [r.actor for r in ui_store.log(("event.sign",))] == ["J1", "J2", "J3", "K1"]
    assert _text(w, "next_step") == "可以锁定"

    with qtbot.waitSignal(ctx.event_state_changed):
        _click(qtbot, w, "lock")
    assert _text(w, "state") == "已锁定" and "J1、J2、J3、K1" in _text(w, "message")
    assert "E1" in _text(w, "next_step") and "解密" in _text(w, "next_step")
    with pytest.raises(MarkRefused, match="locked"):
        ctx_for("J1").record("C02", "A1.1", "24.01")

    # A restart: a new process opens the file; the tab shows who signed, and when.
    with Store.open(ui_store.path) as again:
        judge = next(j for j in again.competition.judges if j.code == "K1")
        fresh = _widget(qtbot, AppContext(again, judge))
        rows = _rows(fresh, "signers")
        assert len(rows) == 4 and all("已签字 20" in r for r in rows), rows
        assert _text(fresh, "state") == "已锁定"
        fresh.close()


def _settle_and_sign(store: Store) -> None:
    for code in ("C01", "C02", "C03"):
        store.set_status(contestant=code, status="absent", reason="未到场", actor="K1")
    for judge, pin in PINS.items():
        signoff.sign(store, "CNC", judge, pin)


def test_unlock_needs_pin_and_reason_and_asks_for_signatures_again(qtbot, ctx_for, ui_store, monkeypatch):
    _settle_and_sign(ui_store)
    w = _widget(qtbot, ctx_for("K1"))
    _click(qtbot, w, "lock")
    assert _text(w, "state") == "已锁定"
    monkeypatch.setattr(w, "ask_unlock", lambda: ("0000", "复核"))
    _click(qtbot, w, "unlock")
    assert "PIN 错误" in _text(w, "message") and _text(w, "state") == "已锁定"
    monkeypatch.setattr(w, "ask_unlock", lambda: None)
    _click(qtbot, w, "unlock")
    assert _text(w, "state") == "已锁定"
    monkeypatch.setattr(w, "ask_unlock", lambda: ("9999", "  "))
    _click(qtbot, w, "unlock")
    assert "原因" in _text(w, "message") and _text(w, "state") == "已锁定"
    monkeypatch.setattr(w, "ask_unlock", lambda: ("9999", "申诉复核"))
    _click(qtbot, w, "unlock")
    assert _text(w, "state") == "未锁定" and "申诉复核" in _text(w, "message")
    [unlock] = list(ui_store.log(("event.unlock",)))
    assert (
        unlock.payload["reason"] == "申诉复核" and unlock.actor == "K1" and "9999" not in str(unlock.payload)
    )
    assert all("未签字" in r for r in _rows(w, "signers"))


def test_unlock_prompt_hides_the_pin(qtbot, ctx_for):
    w = _widget(qtbot, ctx_for("K1"))
    seen: dict[str, object] = {}

    def fill(dialog: QDialog) -> None:
        pin = dialog.findChild(QLineEdit, "pin")
        seen["echo"] = pin.echoMode()
        qtbot.keyClicks(pin, "9999")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "unlock_reason"), "recheck")

    _in_dialog(qtbot, fill)
    assert w.ask_unlock() == ("9999", "recheck")
    assert seen["echo"] == QLineEdit.EchoMode.Password


def test_decrypt_only_after_lock_by_the_encryption_judge(qtbot, ctx_for, ui_store, monkeypatch):
    w = _widget(qtbot, ctx_for("E1"))
    decrypt = w.findChild(QPushButton, "decrypt")
    assert not decrypt.isHidden() and not decrypt.isEnabled()
    assert w.findChild(QPushButton, "lock").isHidden() and w.findChild(QPushButton, "sign").isHidden()

    _settle_and_sign(ui_store)
    chief = _widget(qtbot, ctx_for("K1"))
    _click(qtbot, chief, "lock")
    w.refresh()
    assert _text(w, "state") == "已锁定" and decrypt.isEnabled()
    monkeypatch.setattr(w, "confirm_decrypt", lambda event: False)
    _click(qtbot, w, "decrypt")
    assert _text(w, "state") == "已锁定" and not ctx_for("J1").session.sees_names("CNC")
    monkeypatch.setattr(w, "confirm_decrypt", lambda event: True)
    _click(qtbot, w, "decrypt")
    assert _text(w, "state") == "已解密" and "已解密" in _text(w, "message")
    assert "正式" in _text(w, "next_step")
    assert ctx_for("J1").session.sees_names("CNC")
    assert [r.actor for r in ui_store.log(("event.decrypt",))] == ["E1"]


def test_the_chief_decides_a_paper_mismatch_from_the_lock_tab(qtbot, ctx_for, ui_store):
    """Two clerks typed different values for one paper cell: the item is open on the lock tab, the
    chief judge reads the paper and decides with a reason in a real dialog; the mark is recorded."""
    from scorer import double_entry

    double_entry.enter(
        ui_store, clerk="L1", pass_no=1, judge="J1", contestant="C01", aspect="A1.1", value="24.01"
    )
    double_entry.enter(
        ui_store, clerk="L2", pass_no=2, judge="J1", contestant="C01", aspect="A1.1", value="24.10"
    )
    w = _widget(qtbot, ctx_for("K1"))
    row = next(r for r in _rows(w, "open_items") if "两遍录入不一致" in r)
    _select(w, "open_items", row)
    assert w.findChild(QPushButton, "decide").isEnabled()

    def fill(dialog: QDialog) -> None:
        qtbot.keyClicks(dialog.findChild(QLineEdit, "decide_value"), "24.01")
        qtbot.keyClicks(dialog.findChild(QLineEdit, "decide_reason"), "paper original")

    _in_dialog(qtbot, fill)
    _click(qtbot, w, "decide")
    assert "已裁定 C01 A1.1" in _text(w, "message")
    assert not any("两遍录入不一致" in r for r in _rows(w, "open_items"))
    [m] = [m for m in ui_store.marks("CNC") if m.aspect == "A1.1"]
    assert (m.contestant, m.value, m.judge) == ("C01", "24.01", "J1")
    [resolve] = list(ui_store.log(("entry.resolve",)))
    assert resolve.payload["by"] == "chief" and resolve.payload["reason"] == "paper original"
