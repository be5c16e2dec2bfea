"""The competition file: an SQLite database whose append-only log is the truth.

Every change (a competition definition, a mark, a correction, a void) is one appended log row,
hash-chained per station; the current marks are a projection updated in the same transaction.
`append` returns only after COMMIT with WAL and synchronous=FULL: the mark is on disk before any
screen says "saved". Nothing in the program updates or deletes a log row (triggers refuse it too).

`Store` is the facade over modules of one job each: connection.py (opening, pragmas, creation),
log.py (the log and `Log.apply`, the one door every row enters by), projections.py (the statements
that keep the tables current), marks.py (mark, correction, void and status validation),
definition.py (the competition definition), queries.py (reads for results and reports), and
checkpoint.py / health.py / verify.py / files.py / schema.py / versions.py. Its length is the
old Store's public methods, kept with their signatures and docstrings for every caller.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from scorer import station as station_identity
from scorer.errors import ImportRejected, MarkRefused, Problem, ScorerError
from scorer.model import Competition, Judge, Station
from scorer.package import codec
from scorer.store import acceptance, checkpoint, connection, definition, files, health, marks, queries
from scorer.store.connection import connect as _connect
from scorer.store.log import LOG_COLUMNS, ChainError, Entry, Log, LogRow, Row, now
from scorer.store.marks import MARK_ROLES
from scorer.store.projections import LOG_ID
from scorer.store.queries import MarkRow

__all__ = [  # what the rest of the program imports from here
    "LOG_COLUMNS",
    "LOG_ID",
    "MARK_ROLES",
    "ChainError",
    "Entry",
    "LogRow",
    "MarkRow",
    "Row",
    "Store",
    "_connect",
    "now",
]


T = TypeVar("T")


def _this_laptop() -> station_identity.Identity:
    """This laptop's station identity (its key made on first need); a bilingual error if the data
    folder cannot hold it."""
    try:
        return station_identity.identity()
    except (OSError, ValueError) as exc:
        folder = station_identity.station_folder()
        zh, en = (
            files.reason(exc) if isinstance(exc, OSError) else ("密钥文件损坏", "the key file is damaged")
        )
        raise ScorerError(
            f"本机的站点密钥不能读取或建立（{folder}：{zh}），所以不能录入；竞赛文件没有被改动",
            f"this laptop's station key cannot be read or made ({folder}: {en}), so nothing can be "
            "entered; the competition file was not changed",
        ) from None


class Store:
    """One open competition file. Use from one thread; other threads open their own Store."""

    STATUSES = marks.STATUSES

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        readonly: bool = False,
        closer: Any = None,
    ):
        self.path = path
        self.conn = conn
        self.readonly = readonly
        self._closer = closer  # closes a read-only connection (and removes its temporary copy)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        self.db_id = meta["db_id"]
        # The station that created the file (for information); a writing open writes under this
        # laptop's own station (scorer/station.py), a new chain in the file if it has none yet.
        self.creator = Station(meta["station_id"], meta.get("station_name", ""), meta["created"])
        self.identity = None if readonly else _this_laptop()
        self.station = (
            self.creator
            if self.identity is None or self.identity.id == self.creator.id
            else Station(self.identity.id, "", self.creator.created)
        )
        self._meta = meta
        self._log = Log(path, conn)
        self._checkpoint: checkpoint.CheckpointWriter | None = None
        self._health = health.inspect(path, conn, meta, readonly)
        self._verified: tuple[int, health.Health] | None = None  # (newest log id, full health)
        if not readonly and not self._health.needs_acceptance:
            self._start_checkpoint()
        self.competition: Competition | None = None
        self._definition_id = 0
        self._index: definition.Index = {}
        self.reload()
        if not readonly and self._health.checkpoint == "behind":
            self._resume()

    # ------------------------------------------------------------ opening and closing

    @classmethod
    def create(
        cls,
        path: str | Path,
        station_name: str = "",
        competition: Competition | None = None,
        actor: str = "coordinator",
    ) -> Store:
        """A new competition file with a fresh station identity (and `competition` imported).

        Built whole under a temporary name in the same folder, then renamed into place with its
        checkpoint: a kill or a full disk leaves either no file or a complete one, never a file that
        blocks a retry."""
        path = Path(path)

        def build(tmp: Path) -> None:
            conn, _station_id, _db_id = connection.new_file(tmp, station_name)
            store = cls(tmp, conn)
            try:
                store.append_many([])  # the station's first row: station.init with its public key
                if competition is not None:
                    store.set_competition(competition, actor, "import")
                connection.fold_wal(tmp, conn)
            finally:
                store.close()
            connection.check_folded(tmp)

        connection.create(path, build)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path, readonly: bool = False) -> Store:
        """Open an existing competition file, upgrading its schema if it is older.

        `readonly`: change nothing, create nothing (files.connect_readonly); an older schema is then
        upgraded in a copy in memory. Writing opens check first that the file can be written, and
        write nothing to what is not a Scorer file (a 0-byte file stays 0 bytes)."""
        path = Path(path)
        conn, closer = connection.open_file(path, readonly)
        try:
            return cls(path, conn, readonly=readonly, closer=closer)
        except sqlite3.Error as exc:
            (closer or conn.close)()
            raise files.sqlite_error(path, exc, writing=not readonly) from None
        except BaseException:
            (closer or conn.close)()
            raise

    @cached_property
    def db(self) -> Any:
        """The sqlite-utils Database over this store's connection (loaded on first use)."""
        from sqlite_utils import Database

        return Database(self.conn)

    def close(self) -> None:
        """Close the file; the checkpoint is written first (ScorerError if that fails: the rows
        are saved, and the next open reports the checkpoint as behind)."""
        writer, self._checkpoint = self._checkpoint, None
        try:
            if writer is not None:
                writer.close()
        except OSError as exc:
            zh, en = files.reason(exc)
            raise ScorerError(
                f"已保存的记录都在竞赛文件中，但检查点文件无法更新（{zh}）；下次打开时会提示",
                "everything saved is in the competition file, but the checkpoint could not be updated "
                f"({en}); the next open will say so",
            ) from None
        finally:
            if self._closer is not None:
                self._closer()
                self._closer = None
            else:
                self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ health and the checkpoint

    def _start_checkpoint(self) -> None:
        """Keep the checkpoint current from now on (written at once for a brand-new file)."""
        try:
            self._checkpoint = checkpoint.CheckpointWriter(self.path, self.db_id, signer=self.identity)
        except OSError as exc:
            cp = checkpoint.checkpoint_path(self.path)
            zh, en = files.reason(exc)
            raise ScorerError(
                f"检查点文件 {cp} 不能写入（{zh}），所以不能录入；竞赛文件完好，没有被改动。"
                "只读的命令（marks、results、verify…）仍可使用",
                f"the checkpoint file {cp} cannot be written ({en}), so nothing can be entered; "
                "the competition file is intact and was not changed. Read-only commands (marks, results, "
                "verify…) still work",
            ) from None
        if self._health.checkpoint == "new" and self.station.id in self._health.heads:
            self._checkpoint.advance(self.station.id, *self._health.heads[self.station.id])
            self._flush_checkpoint()

    def _flush_checkpoint(self) -> None:
        assert self._checkpoint is not None
        try:
            self._checkpoint.flush()
        except OSError as exc:
            raise files.os_error(checkpoint.checkpoint_path(self.path), exc) from None

    def _hand_off(self, station: str) -> None:
        """After a COMMIT: the station's new head to the checkpoint writer (it writes it moments later)."""
        if self._checkpoint is not None:
            self._checkpoint.advance(station, *self._log.head(station))

    def _resume(self) -> None:
        """Rows after the checkpoint, within what a kill explains: say so in the log, then go on.
        Another process's head may be a few ms from its file: look again before deciding."""
        import time

        time.sleep(0.1)
        heads, _stats = health.file_heads(self.conn)
        state, found, _problems, _notes = health.checkpoint_issues(self.path, self.conn, self._meta, heads)
        if state == "behind" and found is not None:
            stations = {
                st: [found[st][0], heads[st][0]] for st in sorted(found) if heads[st][0] > found[st][0]
            }
            self.append("checkpoint.resume", {"stations": stations}, "system", "open")
            self._flush_checkpoint()  # the checkpoint covers the resumed rows from now on
        self._health = health.inspect(self.path, self.conn, self._meta)

    def health(self, full: bool = False) -> health.Health:
        """How sound the file is, for every front: the cheap check made at open, or with `full`
        the whole `verify` as well (cached until the log grows). See scorer/store/health.py."""
        if not full:
            return self._health
        newest = self.conn.execute("SELECT max(id) FROM log").fetchone()[0] or 0
        if self._verified is None or self._verified[0] != newest:
            from dataclasses import replace

            from scorer.store.verify import verify

            report = verify(self.path)
            checked = replace(self._health, verified=tuple(report.problems), notes=tuple(report.notes))
            self._verified = (newest, checked)
        return self._verified[1]

    def _refuse_writing(self, rows: list[Entry] | list[Row]) -> None:
        """Writing is refused to a read-only open, and while the file's health blocks it (a
        checkpoint problem not yet accepted, rows removed or changed): say why and what to do."""
        if self.readonly:
            raise files.read_only_error(self.path)
        h = self._health
        if not h.blocks_writing or all(r.kind == "checkpoint.accept" for r in rows):
            return
        first = next(i for i in h.issues if i.blocks)
        advice = h.advice() or ("", "")
        raise MarkRefused(
            f"不能写入：{first.message('zh')}。{advice[0]}",
            f"nothing can be written: {first.message('en')}. {advice[1]}",
        )

    def accept_checkpoint(self, actor: str, reason: str, source: str = "keyboard") -> int:
        """A chief judge accepts a missing, damaged or older checkpoint, with a reason: a logged
        decision (`checkpoint.accept`, shown by verify ever after); then a fresh checkpoint is
        written and writing is allowed again. The log id.

        With no competition in the file there are no chief judges to check: the actor is recorded
        as named, and the note says it was not checked."""
        h = self._health
        if self.readonly:
            raise files.read_only_error(self.path)
        if not h.needs_acceptance:
            raise ScorerError(
                "检查点没有问题，无需接受", "the checkpoint has no problem; there is nothing to accept"
            )
        judges = self._index["judges"] if self.competition is not None else None
        actor, payload = acceptance.decision(h, self.path, actor, reason, judges)
        log_id = self.append("checkpoint.accept", payload, actor, source)
        heads, _stats = health.file_heads(self.conn)
        try:
            checkpoint.replace(self.path, checkpoint.Checkpoint(self.db_id, heads), self.identity)
        except OSError as exc:
            raise files.os_error(checkpoint.checkpoint_path(self.path), exc) from None
        self._health = health.inspect(self.path, self.conn, self._meta)
        self._verified = None
        if not self._health.needs_acceptance:
            self._start_checkpoint()
        return log_id

    # ------------------------------------------------------------ the log

    def append(
        self,
        kind: str,
        payload: dict[str, Any],
        actor: str,
        source: str,
        raw: bytes | None = None,
        projection: list[tuple[str, tuple[Any, ...]]] | None = None,
        check: Any = None,
    ) -> int:
        """Append one row (and its projection statements) in one durable transaction; its log id.

        `check(conn)` runs inside the transaction before the insert and raises to refuse.
        `projection` statements may use LOG_ID, bound to the new row's id.
        """
        return self.append_many([Entry(kind, payload, actor, source, raw, projection or [])], check)[0]

    def append_many(
        self, entries: list[Entry], check: Callable[[sqlite3.Connection], Any] | None = None
    ) -> list[int]:
        """Append rows in one transaction: all of them are durable, or none is written."""
        self._refuse_writing(entries)
        ids = self._log.append(self.station.id, entries, check, self._station_init())
        self._hand_off(self.station.id)
        return ids

    def _station_init(self) -> Entry:
        """This laptop's first row in the file (written only if the station has none here yet):
        its id and public key, so any laptop can check the checkpoints it signs."""
        assert self.identity is not None
        payload = {"station": self.station.id, "name": self.station.name, "db": self.db_id}
        payload["key"] = self.identity.public_hex
        return Entry("station.init", payload, "system", "cli")

    def apply_rows(self, rows: list[Row]) -> list[int]:
        """Rows made by another station (as `Row`s) through the same door as local appends, with
        their projections, in one durable transaction: all of them, or none (ChainError if one
        does not continue its station's chain here). Their log ids here."""
        self._refuse_writing(rows)
        ids = self._log.receive(rows)
        for station in sorted({r.station for r in rows}):
            self._hand_off(station)
        self.reload()  # a definition may have come with them
        return ids

    def write(self, body: Callable[[sqlite3.Connection], T]) -> T:
        """`body(conn)` in one short durable write transaction, for the file's own tables beside the
        log (sync's enrolment and receipts): nothing is written if it raises. Log rows go through
        `append_many`/`apply_rows`, never through here."""
        if self.readonly:
            raise files.read_only_error(self.path)
        return self._log._write(lambda: body(self.conn))

    def log(self, kinds: tuple[str, ...] | None = None) -> Iterator[LogRow]:
        return self._log.rows(kinds)

    def get(self, log_id: int) -> LogRow | None:
        return self._log.get(log_id)

    def count(self) -> int:
        return self._log.count()

    # ------------------------------------------------------------ the definition

    def reload(self) -> None:
        """Load the newest competition definition from the log (after another process changed it)."""
        found = definition.newest(self.conn, self._definition_id)
        if found is None:
            return
        self._definition_id, self.competition = found
        self._index = {} if self.competition is None else definition.index(self.competition)

    def set_competition(self, comp: Competition, actor: str, source: str = "import") -> int:
        """Record a (new revision of the) competition definition; refused if current marks would
        lose their contestant, aspect or judge."""
        definition.check_revision(self.competition, comp, self.marks())
        log_id = self.append("definition", codec.to_dict(comp), actor, source)
        self.reload()
        return log_id

    def _require_competition(self) -> Competition:
        return definition.require(self.competition)

    # ------------------------------------------------------------ marks

    def may_mark(self, judge: Judge, event: str, aspect: str) -> bool:
        """Is `aspect` within one of the judge's assignments (by aspect, its parents, or "*")?"""
        return marks.may_mark(self._index, judge, event, aspect)

    def mark_entry(
        self,
        *,
        judge: str,
        contestant: str,
        aspect: str,
        value: str,
        source: str = "keyboard",
        raw: bytes | None = None,
        actor: str | None = None,
    ) -> Entry:
        """The validated log entry for a first mark (MarkRefused with the reason if it is not valid)."""
        self._require_competition()
        return marks.mark_entry(
            self._index,
            judge=judge,
            contestant=contestant,
            aspect=aspect,
            value=value,
            source=source,
            raw=raw,
            actor=actor,
        )

    def record_mark(
        self,
        *,
        judge: str,
        contestant: str,
        aspect: str,
        value: str,
        source: str = "keyboard",
        raw: bytes | None = None,
        actor: str | None = None,
    ) -> int:
        """Validate and durably record a first mark for a slot; its log id. A slot that already has
        a mark is refused: changing a mark is a correction, with a reason."""
        entry = self.mark_entry(
            judge=judge,
            contestant=contestant,
            aspect=aspect,
            value=value,
            source=source,
            raw=raw,
            actor=actor,
        )
        try:
            return self.append_many([entry])[0]
        except sqlite3.IntegrityError:
            marks.refuse_filled(self.conn, entry)
            raise

    def record_marks(self, rows: list[dict[str, str]], source: str = "import") -> list[int]:
        """Record many first marks (an imported exam sheet, a paper form) in one transaction:
        every one is validated first, and either all are written or none."""
        problems: list[Problem] = []
        entries: list[Entry] = []
        for n, m in enumerate(rows, start=1):
            try:
                entries.append(
                    self.mark_entry(
                        judge=m.get("judge", ""),
                        contestant=m.get("contestant", ""),
                        aspect=m.get("aspect", ""),
                        value=m.get("value", ""),
                        source=source,
                    )
                )
            except MarkRefused as exc:
                problems.append(Problem(f"#{n}", exc.zh, exc.en))
        keys = [(e.payload["contestant"], e.payload["aspect"], e.payload["slot"]) for e in entries]
        if len(set(keys)) != len(keys):
            problems.append(Problem("", "同一评分格出现了两次", "the same slot appears twice"))
        if problems:
            raise ImportRejected(source, problems)
        try:
            return self.append_many(entries)
        except sqlite3.IntegrityError:
            for entry in entries:
                marks.refuse_filled(self.conn, entry)
            raise

    def correct_mark(
        self,
        *,
        replaces: int,
        value: str,
        reason: str,
        actor: str,
        source: str = "keyboard",
        raw: bytes | None = None,
    ) -> int:
        """Replace a current mark with a new value; the old one stays in the log with the reason.
        `source`/`raw`: what caused it (a device's port and record), kept in the log like a mark's."""
        return self._replace(
            replaces=replaces, value=value, reason=reason, actor=actor, source=source, void=False, raw=raw
        )

    def void_mark(
        self, *, replaces: int, reason: str, actor: str, source: str = "keyboard", raw: bytes | None = None
    ) -> int:
        """Withdraw a current mark (entered for the wrong contestant, say); it stays in the log."""
        return self._replace(
            replaces=replaces, value=None, reason=reason, actor=actor, source=source, void=True, raw=raw
        )

    def _replace(self, **how: Any) -> int:
        self._require_competition()
        entry, still_current = marks.replacement(self._index, self.conn, **how)
        return self.append_many([entry], still_current)[0]

    def set_status(self, *, contestant: str, status: str, reason: str, actor: str) -> int:
        """Record that a contestant did not finish, withdrew or was disqualified (or is back to ok);
        only a chief judge of the contestant's event may."""
        self._require_competition()
        entry = marks.status_entry(
            self._index, contestant=contestant, status=status, reason=reason, actor=actor
        )
        return self.append_many([entry])[0]  # a locked event refuses it (schema m006 trigger)

    # ------------------------------------------------------------ reading for results and reports

    def marks(self, event: str | None = None) -> list[MarkRow]:
        return queries.marks(self.conn, event)

    def statuses(self) -> dict[str, str]:
        return queries.statuses(self.conn)

    def event_marks(
        self, event: str
    ) -> tuple[dict[str, dict[str, dict[str, str]]], dict[tuple[str, str, str], str]]:
        """An event's current marks in the rules' shape (contestant → aspect → slot → value), and
        who entered each (for conflict-of-interest checks)."""
        return queries.event_marks(self.conn, event)

    def contestant_marks(self, contestant: str) -> dict[str, dict[str, str]]:
        """One contestant's current marks in the rules' shape (aspect → slot → value)."""
        return queries.contestant_marks(self.conn, contestant)

    def contestant_marks_by(
        self, contestant: str
    ) -> tuple[dict[str, dict[str, str]], dict[tuple[str, str, str], str]]:
        """`contestant_marks` and who entered each (as `event_marks` gives them), in one query:
        what the live results read after a save."""
        return queries.contestant_marks_by(self.conn, contestant)

    def heads(self) -> dict[str, int]:
        """Each station's newest seq in this file (what a lock saw, for headquarters' check)."""
        return queries.heads(self.conn)

    def status_of(self, contestant: str) -> str:
        """One contestant's status ("ok" unless one was recorded)."""
        return queries.status_of(self.conn, contestant)

    def results(self, event: str) -> Any:
        """The event's results as the rules compute them from the current marks."""
        from scorer.rules import EventRules

        comp = self._require_competition()
        e = self._index["events"].get(event)
        if e is None:
            raise ScorerError(f"没有代码为“{event}”的项目", f"no event with code '{event}'")
        event_marks, entered_by = self.event_marks(event)
        return EventRules(e).compute(comp.contestants, event_marks, self.statuses(), comp.judges, entered_by)

    def info(self) -> dict[str, Any]:
        return queries.info(self.conn, self.path, self.station, self.competition)
