"""The sync page (同步): where this laptop stands with headquarters, and the ways to get there.

It shows headquarters' address and the venue this laptop's station enrolled for (or the form to
enrol with a one-time code), one line per station computed from headquarters' signed receipts alone,
and three actions: push now, export to a USB stick, import a receipt file. The work is done by the
main window's SyncService (ui/workers/sync.py) on its own thread; this page only asks and shows, so
automatic pushes go on whether or not the page is open. Every result and error is shown here in
place, in the user's language — never a pop-up for a network that is down, never a traceback.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from scorer.sync import bundle, client, state
from scorer.sync.status import FeedStatus
from ui.context import AppContext
from ui.workers.sync import Outcome, SyncService

GREEN, AMBER, RED, GREY = "#1b7f3b", "#9a5b00", "#9b1c1c", "#555555"
BACKGROUND = {GREEN: "#e3f4e8", AMBER: "#fdf1dc", RED: "#fde2e2", GREY: "#f0f0f0"}
STATE_COLOUR = {"synced": GREEN, "behind": AMBER, "fork": RED, "not enrolled": RED}


def short_reason(text: str) -> str:
    """The reason in a long message: "无法连接总部 URL：连接被拒绝（…）。请检查…" → "连接被拒绝（…）"."""
    for stop in ("。", ". "):
        head, found, _ = text.partition(stop)
        if found:
            text = head
            break
    for colon in ("：", ": "):
        _, found, tail = text.partition(colon)
        if found and tail:
            return tail
    return text


def local_time(iso: str) -> str:
    """A stored UTC time ("2026-11-22T07:04:13.69Z") as local date and minute, or as it is."""
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso


class SyncWidget(QWidget):
    """The 同步 tab (coordinator: Action.SYNC)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync")
        self.ctx = ctx
        self.service = SyncService.of(ctx)
        self.note = ""  # what the page itself says (a check before any job), shown in `message`
        self.note_colour = GREY

        self.hq_info = QLabel(objectName="hq_info")
        self.hq_info.setWordWrap(True)
        self.hq_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_hq = QPushButton(self.tr("重新登记…"), objectName="change_hq")
        self.change_hq.setToolTip(self.tr("用另一个登记码把本机登记到（另一个）总部"))
        self.change_hq.clicked.connect(lambda: self.form.setVisible(not self.form.isVisible()))
        top = QHBoxLayout()
        top.addWidget(self.hq_info, 1)
        top.addWidget(self.change_hq, 0, Qt.AlignmentFlag.AlignTop)

        self.form = QGroupBox(self.tr("登记本机"), objectName="enrol_form")
        self.url = QLineEdit(objectName="hq_url")
        self.url.setPlaceholderText(self.tr("例如 http://192.168.1.10:8750"))
        self.code = QLineEdit(objectName="enrol_code")
        self.code.setPlaceholderText(self.tr("总部给出的一次性登记码，例如 K3M9Q-7TX2B"))
        self.enrol_button = QPushButton(self.tr("登记"), objectName="enrol")
        self.enrol_button.clicked.connect(self.enrol)
        self.code.returnPressed.connect(self.enrol)
        self.enrol_result = QLabel(objectName="enrol_result")
        self.enrol_result.setWordWrap(True)
        self.enrol_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        for field in (self.url, self.code):
            field.setMinimumWidth(360)
            field.setMaximumWidth(460)
        form = QFormLayout(self.form)
        form.addRow(self.tr("总部地址"), self.url)
        form.addRow(self.tr("登记码"), self.code)
        button_row = QHBoxLayout()
        button_row.addWidget(self.enrol_button)
        button_row.addStretch(1)
        form.addRow("", button_row)
        form.addRow(self.enrol_result)
        hint = QLabel(
            self.tr(
                "没有网络时：填写登记码后点击“导出到 U 盘…”，登记申请随同步包带到总部，导入总部给回的回执文件即完成登记。"
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color:{GREY};")
        form.addRow(hint)

        feeds_box = QGroupBox(self.tr("总部回执（按站点）"))
        self.feeds = QVBoxLayout(feeds_box)
        self.feed_labels: list[QLabel] = []

        self.push_button = QPushButton(self.tr("立即推送"), objectName="push_now")
        self.push_button.clicked.connect(self.push_now)
        self.export_button = QPushButton(self.tr("导出到 U 盘…"), objectName="export")
        self.export_button.clicked.connect(self.export)
        self.import_button = QPushButton(self.tr("导入回执…"), objectName="import")
        self.import_button.clicked.connect(self.import_receipts)
        actions = QHBoxLayout()
        for b in (self.push_button, self.export_button, self.import_button):
            actions.addWidget(b)
        actions.addStretch(1)

        self.progress = QProgressBar(objectName="progress")
        self.progress.setFormat(self.tr("总部已收到 %v/%m 条"))
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.auto_state = QLabel(objectName="auto_state")
        self.auto_state.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(feeds_box)
        layout.addLayout(actions)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        layout.addWidget(self.auto_state)
        layout.addStretch(1)

        self.service.changed.connect(self.render)
        self._enrolled_before: bool | None = None
        self.render()
        if self.service.snapshot is None:
            self.service.refresh()  # busy already: its end brings the snapshot

    # ------------------------------------------------------------ actions

    def _enrolment(self) -> state.Enrolment | None:
        snap = self.service.snapshot
        return snap.enrolment if snap is not None else None

    def _say(self, text: str, colour: str) -> None:
        self.note, self.note_colour = text, colour
        self.render()

    def _wait(self) -> bool:
        """True (and says so) when a job runs: one at a time (an automatic push, typically)."""
        if self.service.busy is None:
            return False
        self._say(self.tr("另一项同步操作正在进行，请稍候再试"), AMBER)
        return True

    def enrol(self) -> None:
        if self._wait():
            return
        url, code = self.url.text().strip(), self.code.text().strip()
        if not url or not code:
            self.enrol_result.setText(self.tr("请填写总部地址和登记码"))
            self.enrol_result.setStyleSheet(f"color:{RED};")
            return
        self.note = ""
        self.enrol_result.setText(self.tr("正在登记…"))
        self.enrol_result.setStyleSheet(f"color:{GREY};")
        self.service.enrol(url, code)

    def push_now(self) -> None:
        if self._wait():
            return
        e = self._enrolment()
        snap = self.service.snapshot
        if snap is not None and e is None:
            self._say(self.tr("本机尚未登记：请先填写总部地址和登记码并点击“登记”"), RED)
            return
        self.note = ""
        self.service.push_now(self.url.text().strip() if e is not None and not e.hq_url else "")

    def export(self) -> None:
        if self._wait():
            return
        code = ""
        if self.service.snapshot is not None and self._enrolment() is None:
            code = self.code.text().strip()
            if not code:
                self._say(
                    self.tr("本机尚未登记：没有网络时请先在上方填写登记码，登记申请会随同步包带到总部"), RED
                )
                return
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("导出同步包到 U 盘"),
            f"scorer-{self.ctx.store.path.stem}.bundle",
            self.tr("同步包 (*.bundle)"),
        )
        if name:
            self.note = ""
            if not self.service.export(name, code):
                self._wait()  # an automatic push began while the dialog was open

    def import_receipts(self) -> None:
        if self._wait():
            return
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("导入总部的回执文件"), "", self.tr("回执文件 (*.receipt);;所有文件 (*)")
        )
        if name:
            self.note = ""
            if not self.service.import_receipts(name):
                self._wait()

    # ------------------------------------------------------------ showing

    def render(self) -> None:
        """Everything from the service's state (also after a language change)."""
        s = self.service
        snap = s.snapshot
        e = snap.enrolment if snap is not None else None
        if snap is None:
            self.hq_info.setText(self.tr("正在读取同步状态…"))
        elif e is None:
            self.hq_info.setText(self.tr("本机（站点 {0}）尚未在总部登记此竞赛文件。").format(snap.station))
        else:
            self.hq_info.setText(
                self.tr("总部：{0}　编号 {1}\n场地：{2}（{3}）　本机站点：{4}　登记于 {5}").format(
                    e.hq_url or self.tr("（离线登记，地址未知）"),
                    e.hq,
                    e.venue_name,
                    e.venue,
                    e.station,
                    local_time(e.enrolled),
                )
            )
        enrolled = e is not None
        if snap is not None and enrolled != self._enrolled_before:
            self.form.setVisible(not enrolled or not e.hq_url)
            self._enrolled_before = enrolled
        self.change_hq.setVisible(enrolled)
        self._render_feeds(snap.feeds if snap is not None else [])

        busy = s.busy
        for b in (self.push_button, self.export_button, self.import_button, self.enrol_button):
            b.setEnabled(busy is None and not s.closed)
        self.progress.setVisible(s.progress is not None)
        if s.progress is not None:
            done, total = s.progress
            self.progress.setRange(0, max(total, 1))
            self.progress.setValue(min(done, max(total, 1)))

        text, colour = self._message(busy)
        self.message.setText(text)
        self.message.setStyleSheet(self._style(colour) if text else "")
        self.message.setVisible(bool(text))
        if s.last is not None and s.last.kind == "enrol":
            self.enrol_result.setText(text)
            self.enrol_result.setStyleSheet(f"color:{colour};")
        auto, colour = self._auto_text()
        self.auto_state.setText(auto)
        self.auto_state.setStyleSheet(self._style(colour, bold=colour == RED) if colour != GREY else "")

    @staticmethod
    def _style(colour: str, bold: bool = False) -> str:
        weight = "font-weight:bold;" if bold else ""
        return f"color:{colour}; background:{BACKGROUND[colour]}; padding:6px; border-radius:3px;{weight}"

    def _render_feeds(self, feeds: list[FeedStatus]) -> None:
        while len(self.feed_labels) > len(feeds):
            label = self.feed_labels.pop()
            self.feeds.removeWidget(label)
            label.deleteLater()
        while len(self.feed_labels) < len(feeds):
            label = QLabel()
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.feeds.addWidget(label)
            self.feed_labels.append(label)
        for label, f in zip(self.feed_labels, feeds, strict=True):
            who = (
                self.tr("本机 {0}").format(f.station)
                if f.this_laptop
                else self.tr("站点 {0}").format(f.station)
            )
            label.setObjectName(f"feed_{f.station}")
            label.setProperty("state", f.state)
            colour = STATE_COLOUR.get(f.state, GREY)
            text = f.message()
            if f.this_laptop and f.state == "not enrolled":  # the CLI's advice, said for this page
                text = self.tr(
                    "尚未在总部登记（本机 {0} 条记录）；请在上方填写总部地址和登记码后点击“登记”"
                ).format(f.count)
            label.setText("● " + self.tr("{0}：{1}").format(who, text))
            label.setStyleSheet(self._style(colour))

    def _message(self, busy: str | None) -> tuple[str, str]:
        """The line under the actions: the job running, else the last one the user asked for."""
        s = self.service
        if busy == "push" or (busy == "auto" and s.progress is not None):
            return self.tr("正在推送…"), GREY
        if busy in ("enrol", "export", "import"):
            return {
                "enrol": self.tr("正在登记…"),
                "export": self.tr("正在导出…"),
                "import": self.tr("正在导入回执…"),
            }[busy], GREY
        if self.note:
            return self.note, self.note_colour
        last = s.last
        if last is None:
            return "", GREY
        if last.error is not None:
            return self._error_text(last), RED if not SyncService.quiet(last.error) else AMBER
        return self._result_text(last)

    def _error_text(self, o: Outcome) -> str:
        assert o.error is not None
        if o.kind == "push" and SyncService.quiet(o.error):
            return self.tr("推送未完成：{0}").format(o.error.message())
        return o.error.message()

    def _result_text(self, o: Outcome) -> tuple[str, str]:
        r = o.result
        if isinstance(r, client.PushResult):
            sent = self.tr("（{0}；本次发送 {1} 条，共 {2} 批）").format(o.at, r.sent, r.batches)
            return r.message() + sent, GREEN if r.state == "synced" else AMBER
        if isinstance(r, state.Enrolment):
            return self.tr("已登记：场地 {0}（{1}），总部 {2}，地址 {3}").format(
                r.venue_name, r.venue, r.hq, r.hq_url
            ), GREEN
        if isinstance(r, bundle.Exported):
            lines = [
                self.tr("已写入 {0}：{1} 条记录（{2} 批，{3} 字节）。").format(
                    r.path, r.entries, r.batches, r.bytes
                )
            ]
            if r.enrol:
                lines.append(self.tr("同步包中含本机的登记申请。"))
            lines.append(self.tr("请把它带到总部导入，再把总部给回的回执文件导入此处。"))
            return "\n".join(lines), GREEN
        if isinstance(r, bundle.Imported):
            text = self.tr("已导入回执文件 {0}：本文件的回执 {1} 份（其中 {2} 份更新了状态）。").format(
                r.path, r.receipts, r.kept
            )
            if r.enrolled:
                text += "\n" + self.tr("本机登记已完成。")
            if not r.refused:
                return text, GREEN
            lines = [text, self.tr("总部拒收了以下批次（没有保存其中任何记录）：")]
            for item in r.refused:
                reason = item.get("en") if self._english() else item.get("zh")
                lines.append(
                    self.tr("批次 {0}–{1}：{2}").format(
                        item.get("first"), item.get("last"), reason or item.get("code")
                    )
                )
            return "\n".join(lines), RED
        return "", GREY

    @staticmethod
    def _english() -> bool:
        from ui import i18n

        return i18n.current() == "en"

    def _auto_text(self) -> tuple[str, str]:
        """The line about automatic pushes: running, waiting for headquarters, or stopped."""
        s = self.service
        if s.halted is not None:
            return self.tr("自动推送已暂停：{0}。处理后请点击“立即推送”。").format(
                s.halted.message().rstrip("。. ")
            ), RED
        snap = s.snapshot
        e = snap.enrolment if snap is not None else None
        if snap is None or e is None:
            return self.tr("登记后，本机会在总部可以连接时自动推送。"), GREY
        if not e.hq_url:
            return self.tr(
                "离线登记的本机还不知道总部的网络地址：在上方填写地址后点击“立即推送”，之后会自动推送。"
            ), GREY
        if s.busy == "auto" and s.progress is not None:
            return self.tr("正在自动推送…"), GREY
        auto = s.auto
        if auto is not None and auto.error is not None:
            if SyncService.quiet(auto.error):
                return self.tr("总部暂时无法连接（{0}），稍后自动重试").format(
                    short_reason(auto.error.message())
                ), AMBER
            return self.tr("自动推送失败（{0}）：{1}，稍后自动重试").format(
                auto.at, auto.error.message()
            ), RED
        if auto is not None and isinstance(auto.result, client.PushResult):
            return self.tr("自动推送：{0} 已推送 {1} 条。每 {2} 秒及保存评分后自动检查。").format(
                auto.at, auto.result.sent, f"{s.interval:g}"
            ), GREY
        return self.tr("每 {0} 秒及保存评分后自动检查并推送。").format(f"{s.interval:g}"), GREY
