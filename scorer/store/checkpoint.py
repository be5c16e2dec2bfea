"""The chain head kept outside the database, where a plain SQL edit does not reach it.

A hash chain shows edits and insertions, but not a cut tail: delete the newest rows and what is left
is still a valid chain. So after every commit the store writes each station's head (sequence and
hash) to `<database>.head`; `verify` compares. The file is rewritten in place with one small write
and flushed to disk by a background thread a few milliseconds later, so the judge's Enter never waits
for a second write. Its own checksum tells a torn write (power loss) from an edit.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from scorer import station as this_laptop
from scorer.resources import write_whole
from scorer.station import Identity

try:
    import fcntl
except ImportError:  # Windows: one program instance writes at a time anyway
    fcntl = None  # type: ignore[assignment]

BLOCK = 4096
# The file is rewritten in place at the same size, so its data is all there is to flush:
# fdatasync skips the mtime update, a filesystem-journal commit that SQLite's own fsync of
# the next mark would otherwise queue behind. (fsync where there is no fdatasync.)
_sync = getattr(os, "fdatasync", os.fsync)


def checkpoint_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.head")


@dataclass(frozen=True, slots=True)
class Checkpoint:
    db_id: str
    heads: dict[str, tuple[int, str]]
    signer: str = ""  # the station whose key signed it ("" for an unsigned, earlier-version one)
    signature: str = ""  # hex Ed25519 signature of `body`
    body: str = ""  # the signed text, as read


class CheckpointError(Exception):
    pass


def encode(cp: Checkpoint, signer: Identity | None = None) -> bytes:
    """The checkpoint file's bytes: its JSON body, the body's SHA-256 (tells a torn write), and
    with a `signer` (version 2) the station key's signature of the body (tells a forged one)."""
    fields: dict[str, object] = {
        "format": "scorer-checkpoint",
        "version": 1,
        "db": cp.db_id,
        "heads": {k: list(v) for k, v in sorted(cp.heads.items())},
    }
    if signer is not None:
        fields["version"] = 2
        fields["signer"] = signer.id
    body = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(body.encode()).hexdigest()
    signature = signer.sign(body.encode()).hex() if signer is not None else ""
    text = f"{body}\n{digest}\n{signature}\n".encode()
    size = max(BLOCK, -(-len(text) // BLOCK) * BLOCK)
    return text.ljust(size, b" ")


def decode(data: bytes) -> Checkpoint:
    lines = data.decode("utf-8", "replace").split("\n")
    if len(lines) < 2:
        raise CheckpointError("truncated")
    body, digest = lines[0], lines[1].strip()
    if hashlib.sha256(body.encode()).hexdigest() != digest:
        raise CheckpointError("checksum mismatch")
    try:
        obj = json.loads(body)
        heads = {k: (int(v[0]), str(v[1])) for k, v in obj["heads"].items()}
        signature = lines[2].strip() if len(lines) > 2 else ""
        return Checkpoint(str(obj["db"]), heads, str(obj.get("signer", "")), signature, body)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise CheckpointError(f"unreadable: {exc}") from None


def read(db_path: str | Path) -> Checkpoint | None:
    """The checkpoint beside `db_path`, None if there is none; CheckpointError if it is damaged."""
    try:
        return decode(checkpoint_path(db_path).read_bytes())
    except FileNotFoundError:
        return None


def replace(db_path: str | Path, cp: Checkpoint, signer: Identity | None = None) -> None:
    """Write a whole new checkpoint (after a chief judge accepted a problem with the old one): to a
    temporary file, flushed, then renamed over the old one, so a kill leaves the old or the new.
    Signed by `signer`, who keeps it as its newest signed checkpoint of this file."""
    target = checkpoint_path(db_path)
    data = encode(cp, signer)
    write_whole(target, data)
    from scorer.store.files import fsync_dir

    fsync_dir(target.parent)
    if signer is not None:
        this_laptop.keep_checkpoint(cp.db_id, data)


class CheckpointWriter:
    """Keeps the head file of one database current; one per open store.

    `advance` only notes the new head; a background thread writes and fsyncs it within
    `delay` seconds, coalescing bursts, so a mark's Enter waits for SQLite's fsync alone.
    `close` (and `flush`) write what is pending synchronously.
    """

    def __init__(self, db_path: str | Path, db_id: str, delay: float = 0.02, signer: Identity | None = None):
        self.path = checkpoint_path(db_path)
        self.db_id = db_id
        self.signer = signer  # signs every write (here, on the writer thread: never on a save path)
        self.delay = delay
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[int, str]] = {}
        self._wake = threading.Event()
        self._closed = False
        self._flusher = threading.Thread(target=self._flush_loop, name="checkpoint-writer", daemon=True)
        self._flusher.start()

    def advance(self, station: str, seq: int, hash_: str) -> None:
        """Note a new head. The writer is woken only when nothing was pending: with something
        pending it is already due to write, and takes this head along (one wake-up per burst)."""
        with self._lock:
            idle = not self._pending
            if self._pending.get(station, (0, ""))[0] < seq:
                self._pending[station] = (seq, hash_)
        if idle:
            self._wake.set()

    def flush(self) -> None:
        """Write pending heads now, merged with the file (another process may have advanced it)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        try:
            heads = self._current()
            changed = False
            for station, (seq, hash_) in pending.items():
                if heads.get(station, (0, ""))[0] < seq:
                    heads[station] = (seq, hash_)
                    changed = True
            if changed:
                data = encode(Checkpoint(self.db_id, heads), self.signer)
                os.pwrite(self._fd, data, 0)
                _sync(self._fd)
                if self.signer is not None:  # under the lock: the kept copy never goes back
                    with contextlib.suppress(OSError):  # best effort: the .head is what counts
                        this_laptop.keep_checkpoint(self.db_id, data, durable=False)
        finally:
            if fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _current(self) -> dict[str, tuple[int, str]]:
        data = os.pread(self._fd, 1 << 20, 0)
        if not data.strip():
            return {}
        try:
            cp = decode(data)
        except CheckpointError:
            return {}
        return dict(cp.heads) if cp.db_id == self.db_id else {}

    def _flush_loop(self) -> None:
        while not self._closed:
            self._wake.wait()
            if self._closed:
                return
            time.sleep(self.delay)  # let a burst of marks coalesce into one write
            self._wake.clear()
            try:
                self.flush()
            except OSError:
                return  # close() retries synchronously and reports

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        self._flusher.join(timeout=5)
        try:
            self.flush()
        finally:
            os.close(self._fd)
