"""Sync with headquarters without freezing the window or delaying a judge's save.

`SyncService` (one per AppContext, a child QObject of it, found with `SyncService.of(ctx)`) is
owned by the main window: it is started when the window opens and shut down when it closes, so
automatic pushes run whatever tab or role is showing; the sync page only shows its state and asks it
to act. It lives on the UI thread and runs each job (a status read, an automatic or requested push,
an enrolment, a USB export or a receipt import) on a `SyncJob` thread of its own, one at a time.

A job never touches the UI's Store: it opens its own on the file's path (one Store per thread,
ARCHITECTURE.md "Threading rules") — read-only to look, writing only to keep receipts and the
enrolment, in short transactions (the judge's saves go on meanwhile: SQLite WAL). Results come back
as queued signals. `shutdown` asks a running push to stop after its current batch and waits for the
thread, so closing the window or the app never leaves a thread behind.

Automatic pushes: every `interval` seconds (SCORER_SYNC_INTERVAL, default 30), shortly after the
window opens and a few seconds after marks are saved (a debounce), a job looks at the receipts and
pushes when this laptop is enrolled and headquarters has not acknowledged everything. Headquarters
out of reach is quiet (retried on the next tick); a refusal (a fork, a refused batch) stops the
automatic pushes until the user acts (push now, enrol, import a receipt file).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QCoreApplication, QObject, QThread, QTimer, Signal

from scorer.errors import ScorerError
from scorer.store import Store
from scorer.sync import wire
from ui.context import AppContext

if TYPE_CHECKING:  # the client side of sync loads on the first job, not at start-up (cold start)
    from scorer.sync import client, state
    from scorer.sync.status import FeedStatus

INTERVAL = 30.0  # seconds between automatic tries
DEBOUNCE = 5.0  # seconds after the last save before an automatic push
START = 1.0  # seconds after the window opens
TIMEOUT = 20.0  # seconds for one request: bounds how long closing waits for a batch in flight


def interval_from_env() -> float:
    """SCORER_SYNC_INTERVAL (seconds) when set and positive, else 30 s."""
    try:
        value = float(os.environ.get("SCORER_SYNC_INTERVAL", ""))
    except ValueError:
        return INTERVAL
    return value if value > 0 else INTERVAL


@dataclass(frozen=True)
class Snapshot:
    """What the file says about sync, read on the job's thread: this laptop's station, its
    enrolment, and a status line per station (computed from receipts only)."""

    station: str
    enrolment: state.Enrolment | None
    feeds: list[FeedStatus]

    def mine(self) -> FeedStatus | None:
        return next((f for f in self.feeds if f.this_laptop), None)


def snapshot(path: Path) -> Snapshot:
    """Read the file's sync state (read-only: no network, no write)."""
    from scorer.sync import client, state
    from scorer.sync.status import statuses

    with Store.open(path, readonly=True) as store:
        station = client.this_station(store)
        return Snapshot(
            station, state.enrolment(store.conn, station), statuses(store.conn, store.db_id, station)
        )


@dataclass(frozen=True)
class Outcome:
    """How a job ended: its result (a PushResult, Enrolment, Exported, Imported, or None when an
    automatic try found nothing to send), or the error that stopped it; the file's state after it."""

    kind: str  # "status", "auto", "push", "enrol", "export", "import"
    result: Any = None
    error: ScorerError | None = None
    snapshot: Snapshot | None = None
    at: str = ""  # local time it ended, HH:MM:SS


class SyncJob(QThread):
    """One job on its own thread; `progress` and `done` reach the UI thread queued."""

    progress = Signal(int, int)  # entries headquarters holds, entries in the file
    done = Signal(object)  # an Outcome

    def __init__(self, path: Path, kind: str, args: dict[str, Any], batch_size: int, timeout: float) -> None:
        super().__init__()
        self.path, self.kind, self.args = path, kind, args
        self.batch_size, self.timeout = batch_size, timeout
        self._stop = threading.Event()

    def stop(self) -> None:
        """Ask a push to end after the batch in flight (any thread)."""
        self._stop.set()

    def run(self) -> None:  # the job's thread
        result: Any = None
        error: ScorerError | None = None
        try:
            result = self._work()
        except ScorerError as exc:
            error = exc
        except Exception as exc:  # a bug: logged, said in one line, never a traceback on screen
            from scorer.cli.errors import log_crash

            where = log_crash(exc)
            error = ScorerError(
                f"同步时发生程序内部错误（{type(exc).__name__}: {exc}），操作未完成；详细信息已记录到 {where}",
                f"an internal error during sync ({type(exc).__name__}: {exc}); the action was not "
                f"completed; details were written to {where}",
            )
        try:
            snap: Snapshot | None = snapshot(self.path)
        except ScorerError as exc:
            snap = None
            error = error or exc
        except Exception:
            snap = None
        self.done.emit(Outcome(self.kind, result, error, snap, datetime.now().strftime("%H:%M:%S")))

    def _push(self, url: str | None = None) -> client.PushResult:
        from scorer.sync import client

        return client.push(
            self.path,
            url,
            lambda done, total: self.progress.emit(done, total),
            batch_size=self.batch_size,
            timeout=self.timeout,
            stop=self._stop.is_set,
        )

    def _work(self) -> Any:
        from scorer.sync import bundle, client

        a = self.args
        if self.kind == "status":
            return None
        if self.kind == "auto":
            mine = snapshot(self.path).mine()
            if mine is None or not mine.enrolled or not mine.hq_url or mine.state != "behind":
                return None  # nothing to send, or nowhere to send it: no network
            return self._push()
        if self.kind == "push":
            return self._push(a.get("url") or None)
        if self.kind == "enrol":
            return client.enrol(self.path, a["url"], a["code"], timeout=self.timeout)
        if self.kind == "export":
            return bundle.export_bundle(self.path, a["out"], enrol_code=a.get("code") or None)
        if self.kind == "import":
            return bundle.import_receipts(self.path, Path(a["path"]))
        raise ValueError(self.kind)


class SyncService(QObject):
    """The sync state of one open competition file and the jobs that change it (module doc)."""

    changed = Signal()  # anything shown on the sync page changed
    _running: ClassVar[set[SyncJob]] = set()  # alive until their thread ends, whatever owns them

    def __init__(self, ctx: AppContext, interval: float | None = None) -> None:
        super().__init__(ctx)
        self.setObjectName("sync_service")
        self.ctx = ctx
        self.path = Path(ctx.store.path)
        self.interval = interval or interval_from_env()
        self.batch_size = wire.BATCH_SIZE
        self.timeout = TIMEOUT
        self.snapshot: Snapshot | None = None
        self.job: SyncJob | None = None
        self.progress: tuple[int, int] | None = None
        self.last: Outcome | None = None  # the last job the user asked for
        self.auto: Outcome | None = None  # the last automatic try that did something or failed
        self.halted: ScorerError | FeedStatus | None = None  # why automatic pushes stopped
        self.closed = False
        self.timer = QTimer(self)
        self.timer.setObjectName("sync_timer")
        self.timer.timeout.connect(self.try_auto)
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.timeout.connect(self.try_auto)
        self._started = False
        self._again = False

    @classmethod
    def of(cls, ctx: AppContext) -> SyncService:
        """The context's service (made on first call)."""
        found = ctx.findChild(SyncService, "sync_service")
        return found if isinstance(found, SyncService) else cls(ctx)

    # ------------------------------------------------------------ timers

    def start(self) -> None:
        """Automatic pushes from now on: soon, every `interval`, and after saves."""
        if self._started or self.closed:
            return
        self._started = True
        self.timer.start(int(self.interval * 1000))
        self.debounce.setInterval(int(min(DEBOUNCE, self.interval) * 1000))
        QTimer.singleShot(int(min(START, self.interval) * 1000), self, self.try_auto)
        self.ctx.saved.connect(self._saved)
        self.ctx.event_state_changed.connect(self._saved)  # a lock row: headquarters checks its results
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    def _saved(self, *_: object) -> None:
        if not self.closed:
            self.debounce.start()  # restarted by every save: one push after a burst

    def try_auto(self) -> None:
        """An automatic try, unless a job runs or a refusal stopped them (then: just look)."""
        if self.closed:
            return
        if self.job is not None:
            self._again = True  # saves during a job: try again when it ends
            return
        self._run("status" if self.halted is not None else "auto", {})

    # ------------------------------------------------------------ what the user asks

    def refresh(self) -> bool:
        return self._run("status", {})

    def push_now(self, url: str = "") -> bool:
        return self._run("push", {"url": url}, user=True)

    def enrol(self, url: str, code: str) -> bool:
        return self._run("enrol", {"url": url, "code": code}, user=True)

    def export(self, out: str | Path, code: str = "") -> bool:
        return self._run("export", {"out": str(out), "code": code}, user=True)

    def import_receipts(self, path: str | Path) -> bool:
        return self._run("import", {"path": str(path)}, user=True)

    @property
    def busy(self) -> str | None:
        """The kind of job running, or None."""
        return self.job.kind if self.job is not None else None

    # ------------------------------------------------------------ jobs

    def _run(self, kind: str, args: dict[str, Any], user: bool = False) -> bool:
        """Start a job; False when one is running already (or the service is shut down)."""
        if self.closed or self.job is not None:
            return False
        if user:
            self.halted = None  # the user acts: automatic pushes may go on after this job
            self.last = None
        job = SyncJob(self.path, kind, args, self.batch_size, self.timeout)
        job.progress.connect(self._progress)
        job.done.connect(self._done)
        # kept alive until its thread has ended, even if this service goes first (pruned here,
        # never from the job's own thread: a QThread must not be deleted by the thread it runs)
        SyncService._running = {j for j in SyncService._running if not j.isFinished()} | {job}
        self.job, self.progress = job, None
        job.start()
        self.changed.emit()
        return True

    def _progress(self, done: int, total: int) -> None:
        self.progress = (done, total)
        self.changed.emit()

    def _done(self, outcome: Outcome) -> None:
        job, self.job, self.progress = self.job, None, None
        if job is not None:
            job.wait()  # it emitted `done` last: the thread is ending now
        from scorer.sync import bundle

        if outcome.snapshot is not None:
            self.snapshot = outcome.snapshot
        error = outcome.error
        if outcome.kind in ("push", "enrol", "export", "import"):
            self.last = outcome
        elif outcome.kind == "auto" and (outcome.result is not None or error is not None):
            self.auto = outcome
        if isinstance(error, wire.SyncRefused) and outcome.kind in ("auto", "push"):
            self.halted = error  # (a refused enrolment code stops nothing: it is said in the form)
        elif isinstance(outcome.result, bundle.Imported) and outcome.result.refused:
            first = outcome.result.refused[0]
            self.halted = wire.SyncRefused(
                str(first.get("code", "")),
                str(first.get("zh", "")),
                str(first.get("en", "")),
                first.get("seq"),
            )
        mine = self.snapshot.mine() if self.snapshot is not None else None
        if mine is not None and mine.state == "fork":
            self.halted = self.halted or mine
        if not self.closed:
            self.changed.emit()
            again, self._again = self._again, False
            if again or (outcome.kind == "enrol" and error is None):
                self.debounce.start()  # saves arrived during the job, or just enrolled: push soon

    def shutdown(self) -> None:
        """Stop the timers and any push (after its batch in flight), and wait for the thread."""
        self.closed = True
        self.timer.stop()
        self.debounce.stop()
        job = self.job
        if job is not None:
            job.stop()
            job.wait()

    @staticmethod
    def quiet(error: ScorerError | None) -> bool:
        """Headquarters out of reach: said quietly, retried by itself."""
        from scorer.sync.http import Unreachable

        return isinstance(error, Unreachable)
