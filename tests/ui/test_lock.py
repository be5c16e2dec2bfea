"""Lock with sign-off, unlock with PIN and reason, and decryption after the lock."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QPushButton

from scorer.errors import MarkRefused
from ui.windows.lock import LockWidget


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


def _tick(w: LockWidget, *codes: str) -> None:
    signers = w.findChild(QListWidget, "signers")
    for i in range(signers.count()):
        item = signers.item(i)
        if item.data(Qt.ItemDataRole.UserRole) in codes:
            item.setCheckState(Qt.CheckState.Checked)


def test_lock_refuses_marks_and_unlock_needs_pin_and_reason(qtbot, ctx_for, ui_store, monkeypatch):
    """K1 locks with signers; marks are refused; a wrong PIN keeps it locked; PIN and reason unlock."""
    ctx = ctx_for("K1")
    w = _widget(qtbot, ctx)
    assert _text(w, "state") == "未锁定"
    assert not w.findChild(QPushButton, "lock").isEnabled()  # no signer ticked yet
    assert not w.findChild(QPushButton, "unlock").isEnabled()
    assert w.findChild(QPushButton, "decrypt").isHidden()
    _tick(w, "J1", "J2")
    with qtbot.waitSignal(ctx.event_state_changed):
        _click(qtbot, w, "lock")
    assert _text(w, "state") == "已锁定" and "J1、J2" in _text(w, "message")
    assert next(iter(ui_store.log(("event.lock",)))).payload["signed_by"] == ["J1", "J2"]
    with pytest.raises(MarkRefused, match="locked"):
        ctx_for("J1").record("C01", "A1.1", "24.01")

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
    assert unlock.payload["reason"] == "申诉复核" and unlock.actor == "K1"
    assert "9999" not in str(unlock.payload)
    ctx_for("J1").record("C01", "A1.1", "24.01")
    assert len(ui_store.marks("CNC")) == 1


def test_unlock_prompt_hides_the_pin(qtbot, ctx_for):
    """The unlock dialog asks the PIN with password echo and returns (pin, reason)."""
    w = _widget(qtbot, ctx_for("K1"))
    seen: dict[str, object] = {}

    def fill() -> None:
        dialog = w.findChild(QDialog)
        try:
            pin = dialog.findChild(QLineEdit, "pin")
            seen["echo"] = pin.echoMode()
            qtbot.keyClicks(pin, "9999")
            qtbot.keyClicks(dialog.findChild(QLineEdit, "unlock_reason"), "recheck")
        finally:
            dialog.accept()

    QTimer.singleShot(0, fill)
    assert w.ask_unlock() == ("9999", "recheck")
    assert seen["echo"] == QLineEdit.EchoMode.Password


def test_decrypt_only_after_lock_by_the_encryption_judge(qtbot, ctx_for, ui_store, monkeypatch):
    """E1's decrypt is disabled until K1 locks, then reveals names once."""
    w = _widget(qtbot, ctx_for("E1"))
    decrypt = w.findChild(QPushButton, "decrypt")
    assert not decrypt.isHidden() and not decrypt.isEnabled()
    assert w.findChild(QPushButton, "lock").isHidden() and w.findChild(QPushButton, "unlock").isHidden()

    chief = _widget(qtbot, ctx_for("K1"))
    _tick(chief, "J3")
    _click(qtbot, chief, "lock")
    w.refresh()
    assert _text(w, "state") == "已锁定" and decrypt.isEnabled()

    monkeypatch.setattr(w, "confirm_decrypt", lambda event: False)
    _click(qtbot, w, "decrypt")
    assert _text(w, "state") == "已锁定" and not ctx_for("J1").session.sees_names("CNC")
    monkeypatch.setattr(w, "confirm_decrypt", lambda event: True)
    _click(qtbot, w, "decrypt")
    assert _text(w, "state") == "已解密" and "已解密" in _text(w, "message")
    assert not decrypt.isEnabled()
    assert ctx_for("J1").session.sees_names("CNC")
    assert [r.actor for r in ui_store.log(("event.decrypt",))] == ["E1"]
