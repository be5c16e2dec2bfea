"""The devices panel: add a timer or an instrument with its profile and port, see its state and its
last readings, ask a query device for a value, and choose where readings go — the focused cell of
the score entry grid, or a timed aspect by bib (start/finish pairing)."""

from __future__ import annotations

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
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from scorer.devices import profiles, show
from scorer.devices.binding import TimerBinding, check_usable, value_text
from scorer.devices.protocols.base import Control, Event, Fault, Reading
from scorer.devices.transport import PortState
from scorer.errors import ScorerError
from scorer.model import AspectType
from ui.context import AppContext
from ui.workers.device import DeviceWorker

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
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.workers: list[DeviceWorker] = []
        self.bindings: dict[int, TimerBinding] = {}
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
        self._fill_ports()
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
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
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
        self.log = QListWidget()
        self.log.setObjectName("log")
        # Timer records that came without a valid bib wait here for the judge to assign them.
        self.unassigned = QListWidget()
        self.unassigned.setObjectName("unassigned")
        self.assign_to = QComboBox()
        self.assign_to.setObjectName("assign_to")
        assign = QPushButton(self.tr("分配给选手"))
        assign.setObjectName("assign")
        assign.clicked.connect(self.assign_selected)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(QLabel(self.tr("最近的读数和故障")))
        layout.addWidget(self.log)
        layout.addWidget(QLabel(self.tr("没有有效号码的计时记录（请分配给选手）")))
        layout.addWidget(self.unassigned)
        assign_row = QHBoxLayout()
        assign_row.addWidget(self.assign_to, 1)
        assign_row.addWidget(assign)
        layout.addLayout(assign_row)

    def _fill_ports(self) -> None:
        try:
            from serial.tools import list_ports

            for p in list_ports.comports():
                self.port_box.addItem(f"{p.device}", p.device)
        except Exception as exc:  # listing ports is a convenience; typing a port still works
            self.message.setText(self.tr("无法列出串口：{0}").format(exc))

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
            self.message.setText(exc.message())
            return
        port = self.port_box.currentText().strip()
        if not port:
            self.message.setText(self.tr("请填写端口"))
            return
        self.add(port, profile, self.target_box.currentData(), self.auto.isChecked() or profile.auto_accept)

    def add(
        self, port: str, profile: profiles.Profile, target: str = CELL, auto_accept: bool = False
    ) -> DeviceWorker:
        worker = DeviceWorker(port, profile, parent=self)
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
        worker.start()
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
        text = state_text(state) + (f" — {detail}" if detail else "")
        self.table.item(self._row(worker), 2).setText(text)

    def _note(self, text: str) -> None:
        self.log.insertItem(0, text)
        while self.log.count() > MAX_LOG:
            self.log.takeItem(self.log.count() - 1)

    def on_event(self, worker: DeviceWorker, event: Event) -> None:
        if worker not in self.workers:
            return
        port = worker.port
        raw = event.raw.decode("latin-1").replace("\r", "⏎")
        if isinstance(event, Fault):
            self._note(self.tr("{0} 故障：{1}  [{2}]").format(port, event.en if _en() else event.zh, raw))
            return
        if isinstance(event, Reading):
            shown = show.value(event)  # a timer: its clock time / run time, not seconds since midnight
            if not event.stable:
                shown += self.tr("（不稳定）")
            self.table.item(self._row(worker), 3).setText(shown)
            self._note(f"{port}  {shown}  {event.bib} {event.channel}  [{raw}]".strip())
        elif isinstance(event, Control):
            what = f"{event.kind} {show.cancelled(event)}".strip()  # a cancel says what it withdraws
            self._note(self.tr("{0} {1}  [{2}]").format(port, what, raw))
        target = worker.property("target")
        try:
            if target == CELL:
                if isinstance(event, Reading):
                    check_usable(event, worker.profile)
                    self.ctx.device_reading.emit(
                        value_text(event), f"device:{port}", event.raw, bool(worker.property("auto"))
                    )
            else:
                self._saved(self.bindings[id(worker)].feed(event))
        except ScorerError as exc:
            self.message.setText(exc.message())
        self._show_unassigned()

    def _saved(self, saved_list: list[Any]) -> None:
        for saved in saved_list:
            self.ctx.announce(saved)
            self.message.setText(
                self.tr("已保存计时：{0}（记录 #{1}）").format(saved.contestant, saved.log_id)
            )

    def _show_unassigned(self) -> None:
        self.unassigned.clear()
        codes: list[str] = []
        for binding in self.bindings.values():
            for reading in binding.unassigned:
                item = QListWidgetItem(f"{show.describe(reading)}  [{reading.raw.decode('latin-1')}]")
                item.setData(Qt.ItemDataRole.UserRole, (id(binding), reading))
                self.unassigned.addItem(item)
            codes += [c.code for c in self.ctx.session.contestants(binding.event)]
        if [self.assign_to.itemText(i) for i in range(self.assign_to.count())] != codes:
            self.assign_to.clear()
            self.assign_to.addItems(codes)

    def assign_selected(self) -> None:
        """Give the selected record without a bib to the chosen contestant (by station number)."""
        item = self.unassigned.currentItem()
        if item is None or not self.assign_to.currentText():
            self.message.setText(self.tr("请先选中一条记录和一名选手"))
            return
        binding_id, reading = item.data(Qt.ItemDataRole.UserRole)
        binding = next(b for b in self.bindings.values() if id(b) == binding_id)
        try:
            self._saved(binding.assign(reading, self.assign_to.currentText()))
        except ScorerError as exc:
            self.message.setText(exc.message())
        self._show_unassigned()


def _en() -> bool:
    from scorer.errors import language

    return language() == "en"
