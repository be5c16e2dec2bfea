"""Timer protocols (ALGE, Microgate, text timer) and the venue's regex protocol.

Byte-exact vectors from ../shared/domain/DEVICES.md, a real race morning's ALGE capture classified
record by record, and property tests: any bytes split anywhere never raise, never invent a reading,
and give the same events whole or one byte at a time.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.devices.profiles import BUILTIN, Profile, load_custom
from scorer.devices.protocols.alge import AlgeTimy, checksum_chars
from scorer.devices.protocols.base import (
    CHECKSUM,
    DEVICE_ERROR,
    GARBAGE,
    TOO_LONG,
    UNRECOGNISED,
    UNSUPPORTED,
    Control,
    Event,
    Fault,
    Framed,
    Protocol,
    Reading,
)
from scorer.devices.protocols.custom import RegexProtocol
from scorer.devices.protocols.microgate import Microgate
from scorer.devices.protocols.texttimer import TextTimer
from scorer.errors import ScorerError

CAPTURE = Path(__file__).resolve().parents[1] / "data" / "captures" / "alge-tdc8001-race-day.dump"
IDLE_PATTERN = r"\s*(?P<value>\d+\.\d+)\s*\((?P<channel>\w)\)"


def norm(event: Event) -> Event:
    """The event with `received` zeroed (also inside a cancel), to compare feeds made at other times."""
    if isinstance(event, Control) and event.cancels is not None:
        event = dataclasses.replace(event, cancels=dataclasses.replace(event.cancels, received=0.0))
    return dataclasses.replace(event, received=0.0)


def run(proto: Protocol, chunks: list[bytes], flush: bool = True) -> list[Event]:
    out: list[Event] = []
    for i, chunk in enumerate(chunks):
        out.extend(proto.feed(chunk, float(i)))
    if flush:
        out.extend(proto.flush(float(len(chunks))))
    return out


def whole(proto: Protocol, data: bytes) -> list[Event]:
    return run(proto, [data])


def bytewise(proto: Protocol, data: bytes) -> list[Event]:
    return run(proto, [data[i : i + 1] for i in range(len(data))])


def one(proto: Protocol, data: bytes) -> Event:
    events = whole(proto, data)
    assert len(events) == 1, events
    return events[0]


def reading(**kw: object) -> Reading:
    base: dict[str, object] = {"unit": "s", "received": 0.0}
    return Reading(**(base | kw))  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- ALGE

ALGE_VECTORS: list[tuple[bytes, Event]] = [
    (
        b" 0035 C0  21:46:36.3910 00\r",
        reading(
            value=Decimal("78396.3910"),
            raw=b" 0035 C0  21:46:36.3910 00",
            channel="C0",
            bib="0035",
            kind="start",
            time_of_day="21:46:36.3910",
            group="00",
        ),
    ),
    (
        b" 0035 C0M 21:46:36.3900 00\r",
        reading(
            value=Decimal("78396.3900"),
            raw=b" 0035 C0M 21:46:36.3900 00",
            channel="C0M",
            bib="0035",
            kind="start",
            time_of_day="21:46:36.3900",
            flags=("keypad",),
            group="00",
        ),
    ),
    (
        b"?0034 C1M 21:46:48.123  00\r",
        reading(
            value=Decimal("78408.123"),
            raw=b"?0034 C1M 21:46:48.123  00",
            channel="C1M",
            bib="",
            kind="finish",
            time_of_day="21:46:48.123",
            flags=("no_bib", "keypad"),
            group="00",
        ),
    ),
    (
        b" 0001 RTM 00:00:20.1    00\r",
        reading(
            value=Decimal("20.1"),
            raw=b" 0001 RTM 00:00:20.1    00",
            channel="RTM",
            bib="0001",
            kind="run_time",
            time_of_day="00:00:20.1",
            flags=("keypad",),
            group="00",
        ),
    ),
    (
        b"d0035 C0  21:46:36.3910 00\r",
        reading(
            value=Decimal("78396.3910"),
            raw=b"d0035 C0  21:46:36.3910 00",
            channel="C0",
            bib="0035",
            kind="start",
            time_of_day="21:46:36.3910",
            flags=("disqualified",),
            group="00",
        ),
    ),
    (b"n0034\r", Control("bib_select", b"n0034", 0.0, {"bib": "0034"})),
]
ALGE_STREAM = b"".join(data for data, _ in ALGE_VECTORS)


@pytest.mark.parametrize(
    ("data", "expected"), ALGE_VECTORS, ids=[d.decode().strip() for d, _ in ALGE_VECTORS]
)
def test_alge_devices_md_vectors(data: bytes, expected: Event) -> None:
    assert [norm(e) for e in whole(AlgeTimy(), data)] == [expected]
    assert [norm(e) for e in bytewise(AlgeTimy(), data)] == [expected]


def test_alge_vectors_as_one_stream_whole_and_bytewise() -> None:
    expected = [e for _, e in ALGE_VECTORS]
    assert [norm(e) for e in whole(AlgeTimy(), ALGE_STREAM)] == expected
    assert [norm(e) for e in bytewise(AlgeTimy(), ALGE_STREAM)] == expected
    lf = ALGE_STREAM.replace(b"\r", b"\n")  # the capture's line ends
    assert [norm(e) for e in whole(AlgeTimy(), lf)] == expected
    crlf = ALGE_STREAM.replace(b"\r", b"\r\n")  # an empty record between CR and LF is skipped
    assert [norm(e) for e in bytewise(AlgeTimy(), crlf)] == expected


def test_alge_received_is_the_time_the_terminator_arrived() -> None:
    proto = AlgeTimy()
    assert proto.feed(b" 0035 C0  21:46:36.39", 5.0) == []
    (event,) = proto.feed(b"10 00\r", 6.5)
    assert isinstance(event, Reading) and event.received == 6.5


def test_alge_manual_spellings_lowercase_channel_and_comma() -> None:
    event = one(AlgeTimy(), b" 0035 c1  21:46:36,3910 00\r")
    assert isinstance(event, Reading)
    assert (event.channel, event.kind, event.value, event.time_of_day) == (
        "C1",
        "finish",
        Decimal("78396.3910"),
        "21:46:36,3910",
    )


@pytest.mark.parametrize(
    ("record", "kind", "value"),
    [
        (b" 0007 TT  00:02:11.60   00", "total_time", Decimal("131.60")),
        (b" 0007 SQ  00:00:45.1234 00", "lap", Decimal("45.1234")),
        (b" 0007 C5  10:00:00.5    00", "channel", Decimal("36000.5")),
        (b" 0007 C2M 10:00:00.52   00", "channel", Decimal("36000.52")),
        (b" 0007 RT -00:00:01.33   00", "run_time", Decimal("-1.33")),  # TdC countdown exceeded
        (b"   35 C0  10:00:00.1234 00", "start", Decimal("36000.1234")),  # leading zeros blank
        (b" 0035 C0  10:00:00.1234 000001", "start", Decimal("36000.1234")),  # Timy3 rank digits
        (b" 0035 C0  10:00:00.1234", "start", Decimal("36000.1234")),  # no group
    ],
)
def test_alge_channels_and_tolerated_variants(record: bytes, kind: str, value: Decimal) -> None:
    event = one(AlgeTimy(), record + b"\r")
    assert isinstance(event, Reading)
    assert (event.kind, event.value, event.raw) == (kind, value, record)
    if record.startswith(b"   35"):
        assert event.bib == "0035"


@pytest.mark.parametrize(
    ("flag", "flags"),
    [
        ("i", ("manual",)),
        ("m", ("memory",)),
        ("p", ("penalty",)),
        ("b", ("blocked",)),
        ("t", ("wtn",)),
        ("n", ("new_bib",)),
        ("s", ("s",)),
    ],
)
def test_alge_other_flags_are_flagged_readings(flag: str, flags: tuple[str, ...]) -> None:
    event = one(AlgeTimy(), flag.encode() + b"0034 C1  21:46:48.3300 00\r")
    assert isinstance(event, Reading)
    assert (event.flags, event.bib, event.value) == (flags, "0034", Decimal("78408.3300"))


def test_alge_course_letter_is_a_flag() -> None:
    event = one(AlgeTimy(), b" 0034bC1  21:46:48.3300 00\r")
    assert isinstance(event, Reading) and event.flags == ("course_b",)


def test_alge_start_side_bib_selection() -> None:
    assert norm(one(AlgeTimy(), b"s0034\r")) == Control(
        "bib_select", b"s0034", 0.0, {"bib": "0034", "at": "start"}
    )


def test_alge_cancel_carries_the_reading_it_withdraws() -> None:
    events = whole(AlgeTimy(), b" 0001 C0M 09:00:38.7600 00\rc0001 C0M 09:00:38.7600 00\r")
    first, cancel = events
    assert isinstance(cancel, Control) and cancel.kind == "cancel" and cancel.raw.startswith(b"c0001")
    assert cancel.cancels is not None and norm(cancel.cancels) == norm(first)


@pytest.mark.parametrize(
    ("record", "kind"),
    [
        (b"x0035 C0  21:46:36.3910 00", UNSUPPORTED),  # unknown flag: well-formed, not garbage
        (b" 0035 kmh 21:46:36.3910 00", UNSUPPORTED),  # Timy3 speed: no time to score
        (b" 0035 DT  00:00:00.12   00", UNSUPPORTED),  # parallel-slalom difference time
        (b"c0035 kmh 21:46:36.3910 00", UNSUPPORTED),  # the cancel of a speed record
        (b" 0035 C0  21:76:36.3910 00", UNRECOGNISED),  # impossible time
        (b" 0035 C0  21:46:36.39101 00", UNRECOGNISED),  # 5 decimals
        (b" 0035 C0  21:46:36 00", UNRECOGNISED),  # no decimals
        (b"c0035 C0  21:46:99.3910 00", UNRECOGNISED),  # a cancel of nothing sensible
        (b"?0034", UNRECOGNISED),  # short record with a flag that is no bib selection
        (b"n00a4", UNRECOGNISED),
        (b"hello", UNRECOGNISED),
        (b"\xff\xfe\x80 0035", GARBAGE),  # wrong baud rate
        (b"\x01\x02\x03", GARBAGE),
    ],
)
def test_alge_malformed_records_are_faults(record: bytes, kind: str) -> None:
    event = one(AlgeTimy(), record + b"\r")
    assert isinstance(event, Fault) and event.kind == kind and event.raw == record
    assert event.zh and event.en


def test_alge_too_long_and_partial_records_are_reported() -> None:
    proto = AlgeTimy()
    events = proto.feed(b"9" * (proto.max_record + 1), 1.0)
    assert [(e.kind, len(e.raw)) for e in events if isinstance(e, Fault)] == [
        (TOO_LONG, proto.max_record + 1)
    ]
    assert proto.feed(b" 0035 C0  21:46", 2.0) == []
    (partial,) = proto.flush(3.0)
    assert isinstance(partial, Fault) and partial.kind == GARBAGE and partial.raw == b" 0035 C0  21:46"


def test_alge_reset_forgets_a_partial_record() -> None:
    proto = AlgeTimy()
    proto.feed(b"21:46:36.3910 00", 1.0)  # the tail of a record from before a reconnect
    proto.reset()
    assert [norm(e) for e in proto.feed(ALGE_STREAM, 2.0)] == [e for _, e in ALGE_VECTORS]


def test_alge_is_a_push_device() -> None:
    assert AlgeTimy().request() is None


# ----------------------------------------------------------------------------------- ALGE checksum


def with_checksum(body: bytes) -> bytes:
    """Independent of the parser: sum & 0xFF, two chars chr(0x30 + nibble), high nibble first."""
    total = sum(body) & 0xFF
    return body + bytes([0x30 + (total >> 4), 0x30 + (total & 0xF)])


def test_checksum_chars_byte_exact() -> None:
    assert checksum_chars(b" 0035 C0  21:46:36.3910 00") == b">0"  # 224 = 0xE0
    assert with_checksum(b" 0035 C0  21:46:36.3910 00") == b" 0035 C0  21:46:36.3910 00>0"
    assert checksum_chars(b"n0034") == b"35"


def test_checksum_mode_accepts_good_records() -> None:
    for data, expected in ALGE_VECTORS:
        record = with_checksum(data[:-1])
        (event,) = whole(AlgeTimy(checksum=True), record + b"\r")
        assert norm(event) == dataclasses.replace(expected, raw=record)  # raw is the record as received


def test_checksum_mode_cancel() -> None:
    record = with_checksum(b"c0035 C0  21:46:36.3910 00")
    (event,) = whole(AlgeTimy(checksum=True), record + b"\r")
    assert isinstance(event, Control) and event.kind == "cancel" and event.cancels is not None
    assert event.cancels.bib == "0035" and event.cancels.value == Decimal("78396.3910")


@pytest.mark.parametrize(
    "record",
    [
        b" 0035 C0  21:46:36.3910 00>1",  # wrong checksum
        b" 0035 C0  21:46:36.3911 00>0",  # a corrupted digit
        b" 0035 C0  21:46:36.3910 00",  # checksum missing
        b"n003436",  # bib selection with a wrong checksum
    ],
)
def test_checksum_mode_rejects_bad_or_missing_checksums(record: bytes) -> None:
    (event,) = whole(AlgeTimy(checksum=True), record + b"\r")
    assert isinstance(event, Fault) and event.kind == CHECKSUM and event.raw == record


def test_checksum_mode_keeps_bare_bib_selection_and_faults() -> None:
    assert isinstance(one(AlgeTimy(checksum=True), b"n0034\r"), Control)
    bad = one(AlgeTimy(checksum=True), b"hello world\r")
    assert isinstance(bad, Fault) and bad.kind == UNRECOGNISED


# --------------------------------------------------------------------------------- race-day capture


@pytest.fixture(scope="module")
def capture() -> list[bytes]:
    assert CAPTURE.exists(), f"capture not found: {CAPTURE}"  # shipped in tests/data/captures
    records = CAPTURE.read_bytes().split(b"\n")
    assert records[-1] == b""
    return records[:-1]


def classify(event: Event) -> str:
    if isinstance(event, Fault):
        return f"fault:{event.kind}"
    if isinstance(event, Control):
        return event.kind
    if "no_bib" in event.flags:
        return "no_bib"
    if "manual" in event.flags:
        return "manual"
    assert set(event.flags) <= {"keypad"}, event
    return "valid"


def test_capture_every_record_is_classified(capture: list[bytes]) -> None:
    assert len(capture) == 661
    per_record = []
    for record in capture:
        events = AlgeTimy().feed(record + b"\r", 1.0)
        assert len(events) == 1, (record, events)  # nothing dropped, nothing doubled
        per_record.append(events[0])
    counts = Counter(classify(e) for e in per_record)
    # captures/README.md: 439 blank, 43 '?', 6 'c', 6 'i', 167 'n' = 661
    assert counts == {"valid": 439, "no_bib": 43, "manual": 6, "cancel": 6, "bib_select": 167}
    assert sum(counts.values()) == 661
    readings = [e for e in per_record if isinstance(e, Reading)]
    assert len(readings) == 488
    assert Counter(r.kind for r in readings) == {
        "start": 135,
        "finish": 166,
        "run_time": 126,
        "total_time": 61,
    }
    assert sum("keypad" in r.flags for r in readings) == 2  # C0M 4, two of them cleared
    assert all(r.unit == "s" and r.group == "00" and r.value is not None for r in readings)


def test_capture_on_the_wire_whole_bytewise_and_as_saved(capture: list[bytes]) -> None:
    wire = b"".join(r + b"\r" for r in capture)  # on the wire each record ends with CR
    expected = [norm(e) for e in whole(AlgeTimy(), wire)]
    assert len(expected) == 661
    assert [norm(e) for e in bytewise(AlgeTimy(), wire)] == expected
    assert [norm(e) for e in whole(AlgeTimy(), CAPTURE.read_bytes())] == expected  # LF as saved
    assert [e.raw for e in expected] == capture


def test_capture_cancels_withdraw_the_reading_sent_before(capture: list[bytes]) -> None:
    events = whole(AlgeTimy(), b"".join(r + b"\r" for r in capture))
    cancels = [(i, e) for i, e in enumerate(events) if isinstance(e, Control) and e.kind == "cancel"]
    assert len(cancels) == 6
    for i, cancel in cancels:
        assert cancel.cancels is not None
        earlier = [
            e
            for e in events[:i]
            if isinstance(e, Reading)
            and (e.bib, e.channel, e.time_of_day)
            == (cancel.cancels.bib, cancel.cancels.channel, cancel.cancels.time_of_day)
        ]
        assert earlier, cancel
        assert norm(cancel.cancels) == norm(earlier[-1])
    withdrawn = {(c.cancels.bib, c.cancels.channel) for _, c in cancels if c.cancels}
    assert withdrawn == {
        ("0001", "C0M"),
        ("0300", "C0M"),
        ("0001", "C0"),
        ("0043", "C1"),
        ("0043", "RT"),
        ("0043", "TT"),
    }


# ------------------------------------------------------------------------------------------ Microgate


def microgate(
    kind: int = 0x10,
    bib: str = "00035",
    group: str = "001",
    channel: str = "000",
    status: str = "0",
    time: str = "0930151234",
    tail: bytes = b"0000",
) -> bytes:
    """A record built from the documented layout: [12:17] bib, [26:29] channel, [30:40] time."""
    line = bytes([kind]) + b"00000000001" + bib.encode() + group.encode() + b"000000"
    line += channel.encode() + status.encode() + time.encode() + tail
    assert line[12:17] == bib.encode() and line[26:29] == channel.encode() and line[30:40] == time.encode()
    return line


def test_microgate_extended_start_and_finish() -> None:
    start = microgate()
    finish = microgate(channel="255", time="0931020050")
    events = whole(Microgate(), start + b"\n" + finish + b"\n")
    assert [norm(e) for e in events] == [
        reading(
            value=Decimal("34215.1234"),
            raw=start,
            channel="000",
            bib="00035",
            kind="start",
            time_of_day="0930151234",
            group="001",
        ),
        reading(
            value=Decimal("34262.0050"),
            raw=finish,
            channel="255",
            bib="00035",
            kind="finish",
            time_of_day="0931020050",
            group="001",
        ),
    ]
    assert [norm(e) for e in bytewise(Microgate(), start + b"\n" + finish + b"\n")] == [
        norm(e) for e in events
    ]


def test_microgate_other_channel_status_static_and_crlf() -> None:
    (inter,) = whole(Microgate(), microgate(channel="007", status="P") + b"\r\n")
    assert isinstance(inter, Reading)
    assert (inter.kind, inter.channel, inter.flags) == ("channel", "007", ("status_P",))
    (static,) = whole(Microgate(), microgate(kind=0x12) + b"\n")
    assert isinstance(static, Reading) and static.flags == ("static",) and static.kind == "start"


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (microgate(kind=0x14), UNSUPPORTED),  # reduced: no channel
        (b"\x17E05 PRINTER", DEVICE_ERROR),
        (microgate(time="0975151234"), UNRECOGNISED),  # 75 minutes
        (microgate(time="09301512x4"), UNRECOGNISED),
        (microgate(channel="0A0"), UNRECOGNISED),
        (microgate()[:35], UNRECOGNISED),  # cut short
        (b"\x01garbage", GARBAGE),
        (b"\x10\xff\xfe", GARBAGE),
        (b"hello", UNRECOGNISED),
    ],
)
def test_microgate_faults(record: bytes, expected: str) -> None:
    event = one(Microgate(), record + b"\n")
    assert isinstance(event, Fault) and event.kind == expected and event.raw == record
    if expected == DEVICE_ERROR:
        assert "E05 PRINTER" in event.en


def test_microgate_status_is_a_control() -> None:
    assert norm(one(Microgate(), b"\x18BATT 80%\n")) == Control(
        "status", b"\x18BATT 80%", 0.0, {"text": "BATT 80%"}
    )


# ---------------------------------------------------------------------------------------- text timer


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b"START", reading(value=None, raw=b"START", kind="start")),
        (b"START 0", reading(value=Decimal("0"), raw=b"START 0", kind="start")),
        (b"int 1234", reading(value=Decimal("1.234"), raw=b"int 1234", kind="split")),
        (b"STOP 61234", reading(value=Decimal("61.234"), raw=b"STOP 61234", kind="finish")),
        (b" Stop  5 ", reading(value=Decimal("0.005"), raw=b" Stop  5 ", kind="finish")),
        (b"FAIL", Control("fail", b"FAIL", 0.0)),
        (b"ok", Control("ok", b"ok", 0.0)),
        (b"Reset", Control("reset", b"Reset", 0.0)),
    ],
)
def test_text_timer(line: bytes, expected: Event) -> None:
    assert [norm(e) for e in whole(TextTimer(), line + b"\r\n")] == [expected]
    assert [norm(e) for e in bytewise(TextTimer(), line + b"\r\n")] == [expected]


def test_text_timer_value_is_exact() -> None:
    event = one(TextTimer(), b"STOP 61234\r\n")
    assert isinstance(event, Reading) and str(event.value) == "61.234"


@pytest.mark.parametrize("line", [b"STOP", b"INT", b"OK 5", b"START 1 2", b"GO 100", b"STOP -5", b"STOP 1.5"])
def test_text_timer_unrecognised(line: bytes) -> None:
    event = one(TextTimer(), line + b"\r\n")
    assert isinstance(event, Fault) and event.kind == UNRECOGNISED and event.raw == line


def test_text_timer_garbage() -> None:
    event = one(TextTimer(), b"\x00\xffST\r\n")
    assert isinstance(event, Fault) and event.kind == GARBAGE


# ------------------------------------------------------------------------------------ regex protocol


def test_regex_idle_framed_timer() -> None:
    proto = RegexProtocol(IDLE_PATTERN, framing="idle", unit="s")
    assert proto.feed(b"  11.5", 0.0) == [] and proto.feed(b"3 (M)", 0.01) == []  # no terminator: wait
    (event,) = proto.flush(0.07)  # the transport saw `gap` seconds of silence
    assert norm(event) == Reading(Decimal("11.53"), "s", b"  11.53 (M)", 0.0, channel="M")
    assert proto.flush(0.2) == []
    assert proto.gap == 0.05


def test_regex_idle_framed_bytewise_and_two_records() -> None:
    proto = RegexProtocol(IDLE_PATTERN, framing="idle", gap=0.1)
    events = run(proto, [bytes([b]) for b in b"  11.53 (M)"])
    events += run(proto, [b"   9.07 (A)"])
    assert [(e.value, e.channel) for e in events if isinstance(e, Reading)] == [
        (Decimal("11.53"), "M"),
        (Decimal("9.07"), "A"),
    ]
    (stray_cr,) = run(RegexProtocol(IDLE_PATTERN, framing="idle"), [b"  11.53 (M)\r"])
    assert isinstance(stray_cr, Reading) and stray_cr.raw == b"  11.53 (M)\r"


def test_regex_terminated_with_unit_and_unstable_groups() -> None:
    proto = RegexProtocol(
        r" *(?P<value>[+-]?\d+(?:[.,]\d+)?) (?P<unit>g|kg)(?: (?P<unstable>\?))?", framing="CRLF", unit="g"
    )
    events = whole(proto, b"     192.21 g\r\n       0.01 g ?\r\n   1,5 kg\r\nnot a value\r\n")
    values = [(e.value, e.unit, e.stable) for e in events if isinstance(e, Reading)]
    assert values == [
        (Decimal("192.21"), "g", True),
        (Decimal("0.01"), "g", False),
        (Decimal("1.5"), "kg", True),
    ]
    assert (
        isinstance(events[-1], Fault) and events[-1].kind == UNRECOGNISED and events[-1].raw == b"not a value"
    )


def test_regex_bib_channel_and_framings() -> None:
    pattern = r"(?P<bib>\d+);(?P<channel>\w+);(?P<value>\d+\.\d+)"
    for framing, end in (("CR", b"\r"), ("LF", b"\n"), ("crlf", b"\r\n")):
        (event,) = whole(RegexProtocol(pattern, framing=framing), b"12;C1;3.25" + end)
        assert isinstance(event, Reading) and (event.bib, event.channel, event.value) == (
            "12",
            "C1",
            Decimal("3.25"),
        )
    (partial,) = run(RegexProtocol(pattern), [b"12;C1;3.2"])  # CR framing: a cut record is a fault
    assert isinstance(partial, Fault) and partial.kind == GARBAGE


@pytest.mark.parametrize(
    ("value", "ok"), [("1_0", False), ("NaN", False), ("Infinity", False), ("- 2.5", True), ("", False)]
)
def test_regex_value_must_be_a_number(value: str, ok: bool) -> None:
    (event,) = whole(RegexProtocol(r"v=(?P<value>.*)"), f"v={value}\r".encode())
    assert isinstance(event, Reading) == ok


@pytest.mark.parametrize(
    ("kwargs", "en"),
    [
        ({"pattern": "(?P<value>\\d+"}, "not a valid regex"),
        ({"pattern": "\\d+"}, "(?P<value>"),
        ({"pattern": ""}, "non-empty"),
        ({"pattern": "(?P<value>\\d+)(?P<stable>S?)"}, "unstable"),
        ({"pattern": "(?P<value>\\d+)", "framing": "XON"}, "unknown framing"),
        ({"pattern": "(?P<value>\\d+)", "framing": "idle", "gap": 0}, "idle gap"),
    ],
)
def test_regex_refuses_bad_profiles(kwargs: dict[str, object], en: str) -> None:
    with pytest.raises(ScorerError) as info:
        RegexProtocol(**kwargs)  # type: ignore[arg-type]
    assert en in info.value.en and info.value.zh


def test_profiles_make_these_parsers(tmp_path: Path) -> None:
    assert isinstance(BUILTIN["alge-timy"].make(), AlgeTimy)
    assert isinstance(BUILTIN["alge-timy-38400"].make(), AlgeTimy)
    assert isinstance(BUILTIN["microgate"].make(), Microgate)
    assert isinstance(BUILTIN["text-timer"].make(), TextTimer)
    assert isinstance(Profile("x", "x", "alge:AlgeTimy", options={"checksum": True}).make(), AlgeTimy)
    path = tmp_path / "timer.json"
    path.write_text(
        '{"name": "t", "pattern": "\\\\s*(?P<value>\\\\d+\\\\.\\\\d+)", "framing": "idle", "gap": 0.08}'
    )
    proto = load_custom(path).make()
    assert isinstance(proto, RegexProtocol) and proto.framing == "idle" and proto.gap == 0.08
    bad = tmp_path / "bad.json"
    bad.write_text('{"pattern": "(?P<val>\\\\d+)"}')
    with pytest.raises(ScorerError):
        load_custom(bad)


# --------------------------------------------------------------------------------------- properties

FACTORIES: dict[str, Callable[[], Protocol]] = {
    "alge": AlgeTimy,
    "alge-checksum": lambda: AlgeTimy(checksum=True),
    "microgate": Microgate,
    "texttimer": TextTimer,
    "regex-idle": lambda: RegexProtocol(IDLE_PATTERN, framing="idle"),
    "regex-cr": lambda: RegexProtocol(IDLE_PATTERN, framing="CR"),
}
SAMPLES = [
    *(d for d, _ in ALGE_VECTORS),
    with_checksum(b" 0035 C0  21:46:36.3910 00") + b"\r",
    b"c0035 C0  21:46:36.3910 00\r",
    microgate() + b"\n",
    microgate(channel="255") + b"\n",
    b"\x18OK\n",
    b"START 100\r\n",
    b"INT 2500\r\n",
    b"STOP 61234\r\n",
    b"RESET\r\n",
    b"  11.53 (M)",
    b"  11.53 (M)\r",
]
chunks = st.one_of(st.sampled_from(SAMPLES), st.binary(max_size=12), st.sampled_from([b"\r", b"\n", b"\r\n"]))
streams = st.lists(chunks, max_size=12).map(b"".join)


def splits(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in pairwise(edges)]


def value_text(name: str, r: Reading) -> str:
    """The text the value was read from, which must be in the record (no invented readings)."""
    if name.startswith(("alge", "microgate")):
        return r.time_of_day
    if name == "texttimer":
        return "" if r.value is None else str(int(r.value.scaleb(3)))
    return str(r.value)


@pytest.mark.parametrize("name", list(FACTORIES))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=streams, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=10))
def test_any_bytes_any_split_never_raise_nor_invent(name: str, data: bytes, cuts: list[int]) -> None:
    make = FACTORIES[name]
    events = run(make(), splits(data, cuts))
    for e in events:
        assert e.raw, e
        if isinstance(e, Reading):
            assert e.raw in data
            text = value_text(name, e)
            assert text and text.encode() in e.raw, (text, e)
    assert [norm(e) for e in events] == [norm(e) for e in whole(make(), data)]
    assert [norm(e) for e in events] == [norm(e) for e in bytewise(make(), data)]


@settings(max_examples=300, deadline=None)
@given(data=streams, cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=10))
def test_alge_fast_feed_is_framed_feed(data: bytes, cuts: list[int]) -> None:
    """AlgeTimy.feed splits in C; it must give exactly what the byte loop of Framed.feed gives."""
    fast, slow = AlgeTimy(), AlgeTimy()
    slow.max_record = fast.max_record = 30  # make TOO_LONG frequent
    got, want = [], []
    for i, chunk in enumerate(splits(data, cuts)):
        got += fast.feed(chunk, float(i))
        want += Framed.feed(slow, chunk, float(i))
    assert got == want
    assert fast._buf == slow._buf


digits = st.integers(min_value=0, max_value=9)


@settings(max_examples=300, deadline=None)
@given(
    flag=st.sampled_from(" ?dimpbt"),
    bib=st.integers(min_value=0, max_value=9999),
    chan=st.sampled_from(["C0 ", "C1 ", "C0M", "C1M", "RT ", "TT ", "SQ ", "C4 ", "c0 ", "c1M", "RTM"]),
    hms=st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59)),
    decimals=st.text("0123456789", min_size=1, max_size=4),
    comma=st.booleans(),
    group=st.integers(min_value=0, max_value=99),
)
def test_alge_generated_records_read_back(
    flag: str, bib: int, chan: str, hms: tuple[int, int, int], decimals: str, comma: bool, group: int
) -> None:
    h, m, s = hms
    time = f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{decimals}"
    record = f"{flag}{bib:04d} {chan} {time:<13} {group:02d}".encode()
    assert len(record) == 26
    event = one(AlgeTimy(), record + b"\r")
    assert isinstance(event, Reading)
    assert event.value == Decimal(f"{h * 3600 + m * 60 + s}.{decimals}")
    assert event.time_of_day == time and event.channel == chan.strip().upper()
    assert event.bib == ("" if flag == "?" else f"{bib:04d}") and event.group == f"{group:02d}"
    assert ("keypad" in event.flags) == chan.endswith("M")
    (cancel,) = whole(AlgeTimy(), b"c" + record[1:] + b"\r")
    assert isinstance(cancel, Control) and cancel.cancels is not None
    assert norm(cancel.cancels) == norm(one(AlgeTimy(), b" " + record[1:] + b"\r"))
