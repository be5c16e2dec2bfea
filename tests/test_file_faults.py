"""The competition file when the disk or folder misbehaves: read-only verbs change nothing, a
read-only folder (an archive on a USB stick) is readable and verifiable, a full disk and a read-only
file are named as such (never "damaged"), `init` is all or nothing, and no verb shows a traceback.

Read-only folders and full disks are real: small tmpfs mounts (remounted read-only), which needs
root — the tests fail loudly, never skip, where mounting is impossible. As root, chmod does not stop
writes, so a read-only *file* is tested by running the command as the unprivileged user `nobody`
(setpriv) in a folder of its own under /tmp.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from scorer.store import Store
from scorer.store.verify import verify
from tests.conftest import MINI

ROOT = Path(__file__).parents[1]


def scorer(*args: str, lang: str = "zh", user: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SCORER_LANG": lang, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "scorer.cli", *args]
    if user == "nobody" and os.geteuid() == 0:
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        env["SCORER_DATA_DIR"] = tempfile.gettempdir()
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)


def no_traceback(r: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in r.stderr and "Error:" not in r.stderr.replace("error: ", ""), r.stderr


def listing(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def mount_tmpfs(where: Path, size: str) -> None:
    where.mkdir(exist_ok=True)
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if r.returncode != 0:  # never a skip: this test must run (as root, where mount works)
        pytest.fail(f"cannot mount a tmpfs at {where} (run the tests as root): {r.stderr.strip()}")


def remount_ro(where: Path) -> None:
    r = subprocess.run(["mount", "-o", "remount,ro", str(where)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.fail(f"cannot remount {where} read-only: {r.stderr.strip()}")


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "disk"
    mount_tmpfs(where, "2m")
    yield where
    subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "c.scorer"
    r = scorer("init", str(path), "--package", str(MINI))
    assert r.returncode == 0, r.stderr
    for value, code in (("24.01", "C01"), ("24.02", "C02")):
        r = scorer("mark", str(path), "-j", "J1", "-c", code, "-a", "A1.1", value)
        assert r.returncode == 0, r.stderr
    return path


@pytest.fixture
def nobody_dir() -> Iterator[Path]:
    """A folder the unprivileged user can reach (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="scorer-nobody-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


READ_VERBS = [
    ("marks", "{db}"),
    ("marks", "{db}", "--history"),
    ("results", "{db}"),
    ("explain", "{db}", "C01", "C02"),
    ("info", "{db}"),
    ("verify", "{db}"),
    ("export", "{db}", "{out}/pkg.json"),
]


# 3 ------------------------------------------------------------ read-only verbs write nothing


def test_read_verbs_leave_the_folder_byte_for_byte(db: Path, tmp_path: Path):
    """No -wal/-shm left behind, the file and its .head unchanged, by every reading verb."""
    out = tmp_path / "out"
    out.mkdir()
    before = listing(db.parent)
    for verb in READ_VERBS:
        r = scorer(*(a.format(db=db, out=out) for a in verb))
        assert r.returncode == 0, (verb, r.stderr)
        assert listing(db.parent) == before, verb


def test_zero_byte_file_stays_zero_bytes(tmp_path: Path):
    empty = tmp_path / "empty.scorer"
    empty.touch()
    for args in (("marks", str(empty)), ("verify", str(empty)), ("info", str(empty))):
        r = scorer(*args)
        assert r.returncode == 1 and "空文件" in r.stderr, r.stderr
        no_traceback(r)
    r = scorer("mark", str(empty), "-j", "J1", "-c", "C01", "-a", "A1.1", "24")
    assert r.returncode == 1 and "空文件" in r.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["empty.scorer"]
    assert empty.stat().st_size == 0


def test_missing_head_is_not_created_by_reading(db: Path):
    Path(f"{db}.head").unlink()
    r = scorer("marks", str(db))
    assert r.returncode == 0 and "C01" in r.stdout
    assert "检查点文件不见了" in r.stderr and "accept-checkpoint" in r.stderr
    assert not Path(f"{db}.head").exists()


def test_read_only_folder_is_readable_and_verifiable(db: Path, tmpfs: Path, tmp_path: Path):
    """An archive copy on a read-only stick: every reading verb works, writing says read-only."""
    for name in (db.name, f"{db.name}.head"):
        shutil.copy(db.parent / name, tmpfs / name)
    remount_ro(tmpfs)
    copy = tmpfs / db.name
    out = tmp_path / "out"
    out.mkdir()
    for verb in READ_VERBS:
        r = scorer(*(a.format(db=copy, out=out) for a in verb))
        assert r.returncode == 0, (verb, r.stderr)
    r = scorer("report", str(copy), "results", "--event", "CNC", "-o", str(out / "r.pdf"))
    assert r.returncode == 0, r.stderr
    assert (out / "r.pdf").stat().st_size > 1000
    assert "打印记录未写入" in r.stderr and "只读" in r.stderr  # said, not hidden
    r = scorer("mark", str(copy), "-j", "J1", "-c", "C03", "-a", "A1.1", "24")
    assert r.returncode == 1
    assert "只读" in r.stderr and "文件完好" in r.stderr and "损坏" not in r.stderr
    no_traceback(r)
    r = scorer("mark", str(copy), "-j", "J1", "-c", "C03", "-a", "A1.1", "24", lang="en")
    assert "read-only" in r.stderr and "intact" in r.stderr


def test_read_only_copy_taken_mid_session_reads_its_wal(tmp_path: Path, tmpfs: Path, mini_comp):
    """A copy made while the program had the file open carries a -wal with the newest marks and no
    -shm: in a read-only folder those marks are still read (from a temporary copy), not skipped."""
    path = tmp_path / "live.scorer"
    store = Store.create(path)
    store.conn.execute("PRAGMA wal_autocheckpoint=0")  # keep the newest marks in the WAL
    store.set_competition(mini_comp, "C1")
    store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    store.record_mark(judge="J1", contestant="C02", aspect="A1.1", value="24.02")
    store._checkpoint.flush()
    try:
        assert Path(f"{path}-wal").stat().st_size > 0
        for suffix in ("", "-wal", ".head"):
            shutil.copy(f"{path}{suffix}", tmpfs / f"live.scorer{suffix}")
    finally:
        store.close()
    remount_ro(tmpfs)
    r = scorer("marks", str(tmpfs / "live.scorer"), "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert "24.02" in r.stdout
    r = scorer("verify", str(tmpfs / "live.scorer"))
    assert r.returncode == 0, r.stderr


def test_read_only_file_as_unprivileged_user(nobody_dir: Path):
    path = nobody_dir / "c.scorer"
    assert scorer("init", str(path), "--package", str(MINI)).returncode == 0
    os.chown(nobody_dir, 65534, 65534)  # the folder is theirs; the file (root's, 0644) is not
    r = scorer("marks", str(path), user="nobody")
    assert r.returncode == 0, r.stderr
    r = scorer("mark", str(path), "-j", "J1", "-c", "C01", "-a", "A1.1", "24", user="nobody")
    assert r.returncode == 1 and "只读" in r.stderr and "文件完好" in r.stderr, r.stderr
    assert "不是 Scorer 竞赛文件" not in r.stderr
    no_traceback(r)


# 4 ------------------------------------------------------------ a full disk


def fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass  # ENOSPC: full
    finally:
        os.close(fd)
    return filler


def test_full_disk_is_named_and_the_file_is_intact(tmpfs: Path, db: Path):
    for name in (db.name, f"{db.name}.head"):
        shutil.copy(db.parent / name, tmpfs / name)
    copy = tmpfs / db.name
    filler = fill(tmpfs)
    r = scorer("mark", str(copy), "-j", "J1", "-c", "C03", "-a", "A1.1", "24")
    assert r.returncode == 1
    assert "磁盘已满" in r.stderr and "完好" in r.stderr and "损坏" not in r.stderr, r.stderr
    no_traceback(r)
    r = scorer("marks", str(copy))  # reading still works on a full disk
    assert r.returncode == 0 and "C02" in r.stdout, r.stderr
    filler.unlink()
    assert verify(copy).ok
    r = scorer("mark", str(copy), "-j", "J1", "-c", "C03", "-a", "A1.1", "24")
    assert r.returncode == 0, r.stderr


# 6 ------------------------------------------------------------ init is all or nothing


def test_init_on_a_full_disk_leaves_nothing(tmpfs: Path):
    filler = tmpfs / "filler"
    filler.write_bytes(b"\0" * (2 * 1024 * 1024 - 64 * 1024))  # leave 64 KiB: not enough for a file
    path = tmpfs / "c.scorer"
    r = scorer("init", str(path), "--package", str(MINI))
    assert r.returncode == 1 and "磁盘已满" in r.stderr, r.stderr
    no_traceback(r)
    assert sorted(p.name for p in tmpfs.iterdir()) == ["filler"]
    filler.unlink()
    r = scorer("init", str(path), "--package", str(MINI))  # the retry is not blocked
    assert r.returncode == 0, r.stderr
    assert verify(path).ok


@pytest.mark.slow
def test_sigkill_during_init_never_leaves_a_half_file(tmp_path: Path):
    """20 kills of `scorer init --package` at random moments: there is either no file (and a retry
    works) or a complete one that opens sound and verifies; never a file without its meta table."""
    import json

    from tests.test_crash import big_package

    pkg = tmp_path / "big.json"
    pkg.write_text(json.dumps(big_package(3000), ensure_ascii=False), encoding="utf-8")
    rng = random.Random(20261202)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    outcomes = {"none": 0, "complete": 0}
    # how long a whole init takes here, to spread the kills over it
    start = time.monotonic()
    r = scorer("init", str(tmp_path / "timing.scorer"), "--package", str(pkg))
    assert r.returncode == 0, r.stderr
    span = time.monotonic() - start
    for trial in range(20):
        path = tmp_path / f"k{trial}.scorer"
        proc = subprocess.Popen(
            [sys.executable, "-m", "scorer.cli", "init", str(path), "--package", str(pkg)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Spread over the init; the first two trials pin both ends (killed before it writes
        # anything, and not killed at all), so the outcome count never depends on machine load.
        if trial == 0:
            time.sleep(0.01)
        elif trial == 1:
            proc.wait()
        else:
            time.sleep(rng.uniform(0.3, 1.2) * span)  # some kills come too late
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        if path.exists():
            outcomes["complete"] += 1
            with Store.open(path, readonly=True) as store:
                assert store.health().sound, store.health().banner("en")
                assert store.competition is not None
            assert verify(path).ok
        else:
            outcomes["none"] += 1
            r = scorer("init", str(path), "--package", str(pkg))
            assert r.returncode == 0, r.stderr
            assert verify(path).ok
        if outcomes["none"] and not path.with_name(path.name + ".creating").exists():
            pass  # the retry removed what the killed init had begun
        assert not path.with_name(path.name + ".creating").exists()
    assert outcomes["none"] and outcomes["complete"], outcomes


# 5 ------------------------------------------------------------ no tracebacks


def test_overflowing_log_id_is_a_usage_error(db: Path):
    for args in (
        ("correct", str(db), "999999999999999999999999999999", "1", "--reason", "x", "--actor", "J1"),
        ("void", str(db), "-5", "--reason", "x", "--actor", "J1"),
    ):
        r = scorer(*args)
        assert r.returncode == 2 and "记录号" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
        no_traceback(r)


def test_overflowing_log_id_in_the_core(store: Store):
    from scorer.errors import MarkRefused

    with pytest.raises(MarkRefused):
        store.correct_mark(replaces=10**30, value="1", reason="x", actor="J1")


def test_head_is_a_folder(db: Path):
    head = Path(f"{db}.head")
    head.unlink()
    head.mkdir()
    r = scorer("marks", str(db))
    assert r.returncode == 0 and "C01" in r.stdout
    assert "文件夹" in r.stderr
    no_traceback(r)
    r = scorer("mark", str(db), "-j", "J1", "-c", "C03", "-a", "A1.1", "24")
    assert r.returncode == 1 and "文件夹" in r.stderr
    no_traceback(r)
    r = scorer("accept-checkpoint", str(db), "--actor", "K1", "--reason", "x")
    assert r.returncode == 1 and "移走" in r.stderr
    no_traceback(r)


def test_unwritable_head_as_unprivileged_user(nobody_dir: Path):
    path = nobody_dir / "c.scorer"
    assert scorer("init", str(path), "--package", str(MINI)).returncode == 0
    os.chown(nobody_dir, 65534, 65534)
    os.chown(path, 65534, 65534)
    head = Path(f"{path}.head")
    head.chmod(0o444)  # root's, read-only to them
    r = scorer("marks", str(path), user="nobody")
    assert r.returncode == 0, r.stderr
    r = scorer("mark", str(path), "-j", "J1", "-c", "C01", "-a", "A1.1", "24", user="nobody")
    assert r.returncode == 1 and "检查点文件" in r.stderr and "不能写入" in r.stderr, r.stderr
    no_traceback(r)
    head.chmod(0o000)
    r = scorer("marks", str(path), user="nobody")
    assert r.returncode == 0 and "没有读取权限" in r.stderr, r.stderr
    no_traceback(r)


def test_last_resort_handler(monkeypatch, tmp_path: Path, capsys):
    """A bug in a verb: one line naming the error and where the details are; never a traceback."""
    from scorer import cli

    monkeypatch.setenv("SCORER_DATA_DIR", str(tmp_path))

    def broken(_args: object) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "cmd_info", broken)
    assert cli.main(["info", "x.scorer"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "boom" in err and "Traceback" not in err
    log = (tmp_path / "scorer-errors.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log
