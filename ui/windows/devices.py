"""The devices panel: add a timer or an instrument with its profile and port, see its state and its
last readings, ask a query device for a value, and choose where readings go — the focused cell of
the score entry grid, or a timed aspect by bib (start/finish pairing).

Nothing a device sends disappears unseen: every state change and event also goes to the scoring
screen's device strip (AppContext.device_state / device_event), repeated events are counted
("×12") instead of flooding the list, and every timer time that could not be saved waits in the
pending list until the judge assigns it, corrects with it (reason) or dismisses it (reason, logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scorer.devices import profiles, show
from scorer.devices.binding import (
    UNREQUESTED,
    Done,
    PendingTime,
    TimerBinding,
    check_usable,
    device_source,
    value_text,
)
from scorer.devices.protocols.base import Control, Event, Fault, Reading
from scorer.devices.transport import PortState
from scorer.errors import ScorerError
from scorer.model import AspectType
from ui.context import AppContext
from ui.workers.device import DeviceWorker, Offer

MAX_LOG = 200
CELL = "cell"


def state_text(state: str) -> str:
    try:
        s = PortState(state)
    except ValueError:
        return state
    return {
        PortState.WAITING: DevicesWidget.tr("等待端口"),
        PortState.CONNECTED: DevicesWidget.tr("已连接"),
        PortState.UNPLUGGED: DevicesWidget.tr("已断开（拔出？）"),
        PortState.GARBAGE: DevicesWidget.tr("收到乱码：波特率不对或接错设备？"),
        PortState.STOPPED: DevicesWidget.tr("已停止"),
    }.get(s, state)


class DevicesWidget(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None, query_timeout: float = 2.0) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.query_timeout = query_timeout  # seconds a query device has to answer a request
        self.workers: list[DeviceWorker] = []
        self.bindings: dict[int, TimerBinding] = {}
        self._shown_versions: tuple[int, ...] = ()
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profile")
        for p in profiles.BUILTIN.values():
            self.profile_box.addItem(f"{p.title}", p.name)
        self.profile_box.addItem(self.tr("自定义配置（.json）…"), "custom")
        self.port_box = QComboBox()
        self.port_box.setObjectName("port")
        self.port_box.setEditable(True)
        self.port_box.setToolTip(
            self.tr("端口名（COM3、/dev/ttyUSB0）或地址（socket://主机:端口、rfc2217://…）")
        )
        self.target_box = QComboBox()
        self.target_box.setObjectName("target")
        self.target_box.addItem(self.tr("当前评分格（回车确认）"), CELL)
        for event in ctx.session.events():
            for a in event.aspects().values():
                if a.type is AspectType.TIME and a.code in ctx.session.my_aspects(event.code):
                    self.target_box.addItem(
                        self.tr("计时：{0} {1}（按号码配对）").format(event.code, a.name),
                        f"{event.code}:{a.code}",
                    )
        self.auto = QCheckBox(self.tr("读数自动保存（不等回车）"))
        self.auto.setObjectName("auto")
        add = QPushButton(self.tr("添加设备"))
        add.setObjectName("add")
        add.clicked.connect(self.add_from_form)
        form = QFormLayout()
        form.addRow(self.tr("设备类型"), self.profile_box)
        form.addRow(self.tr("端口"), self.port_box)
        form.addRow(self.tr("读数去向"), self.target_box)
        form.addRow("", self.auto)
        form.addRow("", add)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("devices")
        self.table.setHorizontalHeaderLabels(
            [self.tr("端口"), self.tr("设备"), self.tr("状态"), self.tr("最后读数")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)  # never "已连接 — /tm…"
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        ask = QPushButton(self.tr("取值 / 测试"))
        ask.setObjectName("ask")
        ask.clicked.connect(self.ask_selected)
        remove = QPushButton(self.tr("移除"))
        remove.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(ask)
        buttons.addWidget(remove)
        buttons.addStretch()
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self._fill_ports()
        self.log = QListWidget()
        self.log.setObjectName("log")
        # Timer times that could not be saved (no bib, unknown bib, already timed, no start…) and
        # starts still waiting: they stay here until the judge decides.
        self.pending = QListWidget()
        self.pending.setObjectName("pending")
        self.pending_label = QLabel()
        self.assign_to = QComboBox()
        self.assign_to.setObjectName("assign_to")
        self.pending_reason = QLineEdit()
        self.pending_reason.setObjectName("pending_reason")
        self.pending_reason.setPlaceholderText(self.tr("原因（更正或放弃时必填）"))
        assign = QPushButton(self.tr("分配给选手"))
        assign.setObjectName("assign")
        assign.clicked.connect(self.assign_selected)
        correct = QPushButton(self.tr("用此时间更正"))
        correct.setObjectName("correct")
        correct.clicked.connect(self.correct_selected)
        dismiss = QPushButton(self.tr("放弃"))
        dismiss.setObjectName("dismiss")
        dismiss.clicked.connect(self.dismiss_selected)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("最近的读数和故障")))
        layout.addWidget(self.log)
        layout.addWidget(self.pending_label)
        layout.addWidget(self.pending)
        assign_row = QHBoxLayout()
        assign_row.addWidget(self.assign_to, 1)
        assign_row.addWidget(assign)
        assign_row.addWidget(self.pending_reason, 2)
        assign_row.addWidget(correct)
        assign_row.addWidget(dismiss)
        layout.addLayout(assign_row)
        ctx.device_event.connect(self._heard)
        self._show_pending()

    def _fill_ports(self) -> None:
        try:
            from serial.tools import list_ports

            for p in list_ports.comports():
                self.port_box.addItem(f"{p.device}", p.device)
        except Exception as exc:  # listing ports is a convenience; typing a port still works
            self.say(self.tr("无法列出串口：{0}").format(exc), True)

    def say(self, text: str, problem: bool = False) -> None:
        """The panel's message, with its time: an old message is visibly old, and is replaced by
        the next outcome rather than lingering as if it were news."""
        self.message.setText(f"{datetime.now():%H:%M:%S}  {text}" if text else "")
        self.message.setStyleSheet("color:#b00000;" if problem else "")

    # -------------------------------------------------------------- adding and removing

    def add_from_form(self) -> None:
        name = self.profile_box.currentData()
        try:
            if name == "custom":
                path, _ = QFileDialog.getOpenFileName(self, self.tr("自定义设备配置"), "", "JSON (*.json)")
                if not path:
                    return
                profile = profiles.load_custom(path)
            else:
                profile = profiles.get(name)
        except ScorerError as exc:
            self.say(exc.message(), True)
            return
        port = self.port_box.currentText().strip()
        if not port:
            self.say(self.tr("请填写端口"), True)
            return
        self.add(port, profile, self.target_box.currentData(), self.auto.isChecked() or profile.auto_accept)

    def add(
        self, port: str, profile: profiles.Profile, target: str = CELL, auto_accept: bool = False
    ) -> DeviceWorker:
        worker = DeviceWorker(port, profile, parent=self, query_timeout=self.query_timeout)
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, text in enumerate((port, profile.title, state_text(PortState.WAITING.value), "")):
            self.table.setItem(row, col, QTableWidgetItem(text))
        worker.setProperty("target", target)
        worker.setProperty("auto", auto_accept)
        if target != CELL:
            event, aspect = target.split(":")
            self.bindings[id(worker)] = TimerBinding(self.ctx.session, event, aspect, port)
        worker.event.connect(lambda ev, w=worker: self.on_event(w, ev))
        worker.state.connect(lambda state, detail, w=worker: self.on_state(w, state, detail))
        self.workers.append(worker)
        self.ctx.device_state.emit(port, profile.title, state_text(PortState.WAITING.value), True)
        worker.start()
        self._show_pending()
        return worker

    def _row(self, worker: DeviceWorker) -> int:
        return self.workers.index(worker)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.workers):
            worker = self.workers.pop(row)
            worker.stop()
            self.bindings.pop(id(worker), None)
            self.table.removeRow(row)
            self.ctx.device_removed.emit(worker.port)
            self._show_pending()

    def ask_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.workers):
            self.workers[row].ask()

    def stop_all(self) -> None:
        for worker in self.workers:
            worker.stop()

    def closeEvent(self, event: Any) -> None:
        self.stop_all()
        super().closeEvent(event)

    # -------------------------------------------------------------- what arrives

    def on_state(self, worker: DeviceWorker, state: str, detail: str) -> None:
        if worker not in self.workers:
            return
        # "connected — <the port>" repeats the port column: only a detail that says more is shown.
        text = state_text(state) + (f" — {detail}" if detail and detail != worker.port else "")
        item = self.table.item(self._row(worker), 2)
        item.setText(text)
        item.setToolTip(text)
        self.ctx.device_state.emit(
            worker.port, worker.profile.title, text, state != PortState.CONNECTED.value
        )

    def _note(self, text: str, raw: str = "") -> None:
        """One line in the recent events; the same event again counts up ("×12") on the top line
        (a wrong-speed line sends a fault per record) instead of pushing everything else out."""
        top = self.log.item(0)
        if top is not None and top.data(Qt.ItemDataRole.UserRole) == text:
            count = int(top.data(Qt.ItemDataRole.UserRole + 1)) + 1
            top.setData(Qt.ItemDataRole.UserRole + 1, count)
            top.setText(f"{text}  ×{count}" + (f"  [{raw}]" if raw else ""))
            return
        item = QListWidgetItem(f"{text}  [{raw}]" if raw else text)
        item.setData(Qt.ItemDataRole.UserRole, text)
        item.setData(Qt.ItemDataRole.UserRole + 1, 1)
        self.log.insertItem(0, item)
        while self.log.count() > MAX_LOG:
            self.log.takeItem(self.log.count() - 1)

    def _tell(self, port: str, text: str, problem: bool) -> None:
        """The panel's message and the scoring screen's strip: the judge sees it where they are."""
        self.ctx.device_event.emit(port, text, problem)

    def _heard(self, port: str, text: str, problem: bool) -> None:
        """A device event from anywhere (a reading the score entry refused too) is this panel's
        message as well: a judge on this tab sees why a reading went nowhere."""
        self.say(f"{port}  {text}", problem)

    def on_event(self, worker: DeviceWorker, event: Event) -> None:
        if worker not in self.workers:
            return
        port = worker.port
        raw = event.raw.decode("latin-1").replace("\r", "⏎")
        if isinstance(event, Fault):
            text = self.tr("故障：{0}").format(event.en if _en() else event.zh)
            self._note(f"{port} {text}", raw)
            self._tell(port, text, True)
            return
        target = worker.property("target")
        if isinstance(event, Reading):
            shown = show.value(event)  # a timer: its clock time / run time, not seconds since midnight
            if not event.stable:
                shown += self.tr("（不稳定）")
            if UNREQUESTED in event.flags:
                shown += self.tr("（未经请求）")
            self.table.item(self._row(worker), 3).setText(shown)
            self._note(f"{port}  {shown}  {event.bib} {event.channel}".strip(), raw)
            if target == CELL:
                self._tell(port, self.tr("读数 {0}").format(shown), False)
        elif isinstance(event, Control):
            what = f"{event.kind} {show.cancelled(event)}".strip()  # a cancel says what it withdraws
            self._note(f"{port} {what}", raw)
        try:
            if target == CELL:
                if isinstance(event, Reading):
                    check_usable(event, worker.profile)
                    unrequested = UNREQUESTED in event.flags
                    self.ctx.device_reading.emit(
                        Offer(
                            value_text(event),
                            device_source(port, event.flags),
                            event.raw,
                            bool(worker.property("auto")) and not unrequested,
                            event.unit,
                            unrequested,
                        )
                    )
            else:
                self._bound(port, self.bindings[id(worker)].feed(event))
        except ScorerError as exc:
            self._tell(port, exc.message(), True)
        self._show_pending()

    def _bound(self, port: str, results: list[Any]) -> None:
        """What a timer's event (or the judge's decision) did: each row announced, each time put
        aside said — on this panel and on the scoring screen."""
        for r in results:
            if isinstance(r, PendingTime):
                self._tell(port, self.tr("未保存：{0}").format(r.message("en" if _en() else "zh")), True)
                continue
            assert isinstance(r, Done)
            if r.kind == "dismiss":
                self._tell(
                    port, self.tr("已放弃计时记录（记录 #{0}）：{1}").format(r.log_id, r.reason), False
                )
                continue
            self.ctx.saved.emit(r.event, r.contestant, r.log_id)
            if r.kind == "void":
                text = self.tr("已作废计时：{0}（计时器清除了该记录；作废记录 #{1}）").format(
                    r.contestant, r.log_id
                )
            elif r.kind == "correct":
                text = self.tr("已更正计时：{0} = {1} 秒（记录 #{2}）").format(
                    r.contestant, r.value, r.log_id
                )
            else:
                text = self.tr("已保存计时：{0} = {1} 秒（记录 #{2}）").format(
                    r.contestant, r.value, r.log_id
                )
            self._tell(port, text, False)

    def _show_pending(self) -> None:
        """Redraw the pending list when a binding's list changed (a replayed race day sends
        hundreds of records: the list is not rebuilt for each)."""
        versions = tuple(b.version for b in self.bindings.values())
        codes: list[str] = []
        for binding in self.bindings.values():
            codes += [c.code for c in self.ctx.session.contestants(binding.event) if c.code not in codes]
        if [self.assign_to.itemText(i) for i in range(self.assign_to.count())] != codes:
            self.assign_to.clear()
            self.assign_to.addItems(codes)
        if versions == self._shown_versions:
            return
        self._shown_versions = versions
        keep = (
            self.pending.currentItem().data(Qt.ItemDataRole.UserRole) if self.pending.currentItem() else None
        )
        self.pending.clear()
        en = _en()
        for binding in self.bindings.values():
            for p in binding.pending():
                item = QListWidgetItem(f"{binding.port}  {p.message('en' if en else 'zh')}")
                item.setToolTip(p.reading.raw.decode("latin-1"))
                item.setData(Qt.ItemDataRole.UserRole, (id(binding), p.id))
                self.pending.addItem(item)
                if keep == (id(binding), p.id):
                    self.pending.setCurrentItem(item)
        self.pending_label.setText(
            self.tr("待处理的计时记录：{0} 条（请分配、更正或放弃；不会自动消失）").format(
                self.pending.count()
            )
        )

    def _selected(self) -> tuple[TimerBinding, int] | None:
        item = self.pending.currentItem()
        if item is None:
            self.say(self.tr("请先在待处理列表中选中一条记录"), True)
            return None
        binding_id, item_id = item.data(Qt.ItemDataRole.UserRole)
        binding = next((b for b in self.bindings.values() if id(b) == binding_id), None)
        return (binding, item_id) if binding is not None else None

    def _decide(self, action: Any) -> None:
        chosen = self._selected()
        if chosen is None:
            return
        binding, item_id = chosen
        try:
            out = action(binding, item_id)
        except ScorerError as exc:
            self.say(exc.message(), True)
            return
        self._bound(binding.port, out if isinstance(out, list) else [out])
        self.pending_reason.clear()
        self._show_pending()

    def assign_selected(self) -> None:
        """Give the selected pending record or time to the chosen contestant (by station number)."""
        contestant = self.assign_to.currentText()
        if not contestant:
            self.say(self.tr("请先选中一条记录和一名选手"), True)
            return
        self._decide(lambda b, i: b.assign(i, contestant))

    def correct_selected(self) -> None:
        """Replace an already-timed contestant's time with the selected one, with the reason typed."""
        reason = self.pending_reason.text()
        self._decide(lambda b, i: b.correct(i, reason))

    def dismiss_selected(self) -> None:
        """Set the selected pending record aside, with the reason typed (logged, raw record kept)."""
        reason = self.pending_reason.text()
        self._decide(lambda b, i: b.dismiss(i, reason))


def _en() -> bool:
    from scorer.errors import language

    return language() == "en"
