"""Measuring instruments and balances: Mitutoyo, Sylvac, MT-SICS, A&D, Ohaus, and QueryMatcher.

Every vector from shared/domain/DEVICES.md is fed whole and one byte at a time; properties check
that arbitrary bytes in arbitrary splits never raise and never produce a reading that is not in the
input.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scorer.devices import profiles
from scorer.devices.protocols.andgx import AndGx
from scorer.devices.protocols.base import (
    DEVICE_ERROR,
    GARBAGE,
    OVERLOAD,
    UNDERLOAD,
    UNRECOGNISED,
    Control,
    Event,
    Fault,
    Framed,
    Reading,
)
from scorer.devices.protocols.mitutoyo import Mitutoyo
from scorer.devices.protocols.mtsics import MtSics
from scorer.devices.protocols.ohaus import Ohaus
from scorer.devices.protocols.query import QueryMatcher
from scorer.devices.protocols.sylvac import Sylvac

PROPS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def R(value: str | None, unit: str, raw: bytes, **kw: object) -> Reading:
    return Reading(None if value is None else Decimal(value), unit, raw, 0.0, **kw)  # type: ignore[arg-type]


def C(kind: str, raw: bytes, **detail: str) -> Control:
    return Control(kind, raw, 0.0, detail)


def norm(events: list[Event]) -> list[Event]:
    """Events without their arrival time (split feeding changes `received`, nothing else)."""
    return [dataclasses.replace(e, received=0.0) for e in events]


def whole(proto: Framed, data: bytes) -> list[Event]:
    return proto.feed(data, 1.0) + proto.flush(2.0)


def bytewise(proto: Framed, data: bytes) -> list[Event]:
    out: list[Event] = []
    for i in range(len(data)):
        out += proto.feed(data[i : i + 1], 1.0 + i / 1000)
    return out + proto.flush(99.0)


def kinds(events: list[Event]) -> list[tuple[str, str]]:
    return [(type(e).__name__, getattr(e, "kind", "")) for e in events]


# (protocol factory, wire bytes, expected events ignoring `received`)
VECTORS: list[tuple[Callable[[], Framed], bytes, list[Event]]] = [
    # Mitutoyo (DEVICES.md)
    (Mitutoyo, b"01A+0000.123\r", [R("0.123", "mm", b"01A+0000.123", channel="1")]),
    (Mitutoyo, b"01A+00.12345\r", [R("0.12345", "mm", b"01A+00.12345", channel="1")]),
    (lambda: Mitutoyo(unit="in"), b"01A+000.1234\r", [R("0.1234", "in", b"01A+000.1234", channel="1")]),
    (Mitutoyo, b"02A-0012.340\r", [R("-12.340", "mm", b"02A-0012.340", channel="2")]),
    # Sylvac
    (Sylvac, b"+12.345\r", [R("12.345", "mm", b"+12.345")]),
    (Sylvac, b"-0.010\r", [R("-0.010", "mm", b"-0.010")]),
    (Sylvac, b" 12.345\r", [R("12.345", "mm", b" 12.345")]),
    (Sylvac, b"+12.345<\r", [R("12.345", "mm", b"+12.345<", flags=("<",))]),
    (Sylvac, b"+12.345=\r", [R("12.345", "mm", b"+12.345=", flags=("=",))]),
    (Sylvac, b"+12.345>\r", [R("12.345", "mm", b"+12.345>", flags=(">",))]),
    (Sylvac, b"?\r+12.345\r", [C("echo", b"?", command="?"), R("12.345", "mm", b"+12.345")]),
    (Sylvac, b"PRI\r-1.000\r", [C("echo", b"PRI", command="PRI"), R("-1.000", "mm", b"-1.000")]),
    (Sylvac, b"?+12.345\r", [C("echo", b"?", command="?"), R("12.345", "mm", b"?+12.345")]),
    (Sylvac, b"SY289.1\r", [C("id", b"SY289.1", instrument="289", option="1")]),
    # MT-SICS
    (MtSics, b"S S     100.00 g\r\n", [R("100.00", "g", b"S S     100.00 g")]),
    (MtSics, b"S D     99.98 g\r\n", [R("99.98", "g", b"S D     99.98 g", stable=False)]),
    (MtSics, b"S S      -0.02 g\r\n", [R("-0.02", "g", b"S S      -0.02 g")]),
    (MtSics, b"S S    - 1.234 kg\r\n", [R("-1.234", "kg", b"S S    - 1.234 kg")]),
    (MtSics, b"SI S     100.00 g\r\n", [R("100.00", "g", b"SI S     100.00 g")]),
    (MtSics, b"Z A\r\n", [C("zeroed", b"Z A")]),
    (MtSics, b"T S      10.00 g\r\n", [C("tared", b"T S      10.00 g", value="10.00", unit="g")]),
    (MtSics, b'I4 A "0123456789"\r\n', [C("id", b'I4 A "0123456789"', command="I4", text="0123456789")]),
    # A&D
    (AndGx, b"ST,+00123.45  g\r\n", [R("123.45", "g", b"ST,+00123.45  g")]),
    (AndGx, b"US,+00123.45  g\r\n", [R("123.45", "g", b"US,+00123.45  g", stable=False)]),
    (AndGx, b"ST,-00012.34  g\r\n", [R("-12.34", "g", b"ST,-00012.34  g")]),
    (AndGx, b"ST,+001.2346 kg\r\n", [R("1.2346", "kg", b"ST,+001.2346 kg")]),
    (AndGx, b"QT,+00012345 PC\r\n", [R("12345", "pcs", b"QT,+00012345 PC")]),
    (AndGx, b"\x06\r\n", [C("ack", b"\x06")]),
    (AndGx, b"\x06ST,+00123.45  g\r\n", [C("ack", b"\x06"), R("123.45", "g", b"ST,+00123.45  g")]),
    (AndGx, b"ID,000012\r\n", [C("id", b"ID,000012", id="000012")]),
    # Ohaus
    (Ohaus, b"     192.21 g\r\n", [R("192.21", "g", b"     192.21 g")]),
    (Ohaus, b"       0.01 g ?\r\n", [R("0.01", "g", b"       0.01 g ?", stable=False)]),
    (Ohaus, b"      -1.50 g\r\n", [R("-1.50", "g", b"      -1.50 g")]),
    (Ohaus, b"-      1.50 g\r\n", [R("-1.50", "g", b"-      1.50 g")]),
    (Ohaus, b"      10.00 g N\r\n", [R("10.00", "g", b"      10.00 g N", flags=("net",))]),
    (Ohaus, b"        125 PCS\r\n", [R("125", "pcs", b"        125 PCS")]),
]


@pytest.mark.parametrize(("make", "data", "expected"), VECTORS, ids=[repr(v[1]) for v in VECTORS])
def test_vectors_whole_and_byte_by_byte(
    make: Callable[[], Framed], data: bytes, expected: list[Event]
) -> None:
    assert norm(whole(make(), data)) == expected
    assert norm(bytewise(make(), data)) == expected


def test_values_keep_the_digits_as_sent() -> None:
    (r,) = Mitutoyo().feed(b"01A+0000.120\r", 0.0)
    assert isinstance(r, Reading)
    assert str(r.value) == "0.120"
    (r,) = MtSics().feed(b"S S     100.00 g\r\n", 0.0)
    assert isinstance(r, Reading)
    assert str(r.value) == "100.00"


def test_received_is_the_time_of_the_last_byte() -> None:
    p = Sylvac()
    assert p.feed(b"+12.3", 1.0) == []
    (r,) = p.feed(b"45\r", 1.5)
    assert isinstance(r, Reading)
    assert r.received == 1.5


# --- faults -------------------------------------------------------------------------------------


FAULTS: list[tuple[Callable[[], Framed], bytes, str, str]] = [
    # (factory, wire, fault kind, a word of the English meaning)
    (Mitutoyo, b"01A+000.123\r", GARBAGE, "length"),  # a character lost: not 0.123
    (Mitutoyo, b"\xff\xfe\x80\r", GARBAGE, ""),
    (Mitutoyo, b"hello\r", UNRECOGNISED, ""),
    (Sylvac, b"ERR0\r", DEVICE_ERROR, "sensor"),
    (Sylvac, b"ERR1\r", DEVICE_ERROR, "command"),
    (Sylvac, b"ERR2\r", DEVICE_ERROR, "parity"),
    (Sylvac, b"ERR3\r", DEVICE_ERROR, "range"),
    (Sylvac, b"ERR7\r", DEVICE_ERROR, "ERR7"),
    (Sylvac, b"XYZ\r", UNRECOGNISED, ""),
    (Sylvac, b"+12.3.4\r", UNRECOGNISED, ""),
    (MtSics, b"S I\r\n", DEVICE_ERROR, "busy"),
    (MtSics, b"S +\r\n", OVERLOAD, ""),
    (MtSics, b"S -\r\n", UNDERLOAD, ""),
    (MtSics, b"ES\r\n", DEVICE_ERROR, "syntax"),
    (MtSics, b"ET\r\n", DEVICE_ERROR, "transmission"),
    (MtSics, b"EL\r\n", DEVICE_ERROR, "logical"),
    (MtSics, b"S S     100.00\r\n", UNRECOGNISED, ""),  # no unit: never guessed
    (MtSics, b"S X     100.00 g\r\n", UNRECOGNISED, ""),
    (MtSics, b"Z +\r\n", DEVICE_ERROR, "zero"),
    (AndGx, b"OL,+999999.9  g\r\n", OVERLOAD, ""),
    (AndGx, b"OL,-999999.9  g\r\n", UNDERLOAD, ""),
    (AndGx, b"EC,E1\r\n", DEVICE_ERROR, "command"),
    (AndGx, b"EC,E9\r\n", DEVICE_ERROR, "E9"),
    (AndGx, b"ST,+0123.45  g\r\n", GARBAGE, "length"),  # 14 characters
    (AndGx, b"XX,+00123.45  g\r\n", UNRECOGNISED, ""),
    (AndGx, b"hello\r\n", UNRECOGNISED, ""),
    (Ohaus, b"ES\r\n", DEVICE_ERROR, "command"),
    (Ohaus, b"      10.00 g T\r\n", UNRECOGNISED, ""),  # a tare printout is not a weight
    (Ohaus, b"Ohaus Scout\r\n", UNRECOGNISED, ""),
    (Ohaus, b"\x00\x01\r\n", GARBAGE, ""),
]


@pytest.mark.parametrize(("make", "data", "kind", "word"), FAULTS, ids=[repr(v[1]) for v in FAULTS])
def test_faults(make: Callable[[], Framed], data: bytes, kind: str, word: str) -> None:
    for events in (whole(make(), data), bytewise(make(), data)):
        assert len(events) == 1
        (f,) = events
        assert isinstance(f, Fault)
        assert f.kind == kind
        assert f.raw == data.rstrip(b"\r\n")
        assert f.zh and f.en
        assert word.lower() in f.en.lower()


def test_relaxed_lengths() -> None:
    (r,) = Mitutoyo(strict_length=False).feed(b"01A+000.123\r", 0.0)
    assert isinstance(r, Reading) and r.value == Decimal("0.123")
    (r,) = AndGx(strict_length=False).feed(b"ST,+0123.45  g\r\n", 0.0)
    assert isinstance(r, Reading) and r.value == Decimal("123.45")


def test_partial_record_at_flush_is_a_fault_not_a_value() -> None:
    for p, part in ((Mitutoyo(), b"01A+0000.1"), (Sylvac(), b"+12.3"), (AndGx(), b"ST,+001")):
        assert p.feed(part, 0.0) == []
        (f,) = p.flush(1.0)
        assert isinstance(f, Fault) and f.raw == part


# --- framing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("make", "data", "expected"), VECTORS, ids=[repr(v[1]) for v in VECTORS])
def test_cr_only_crlf_and_lf_give_the_same_events(
    make: Callable[[], Framed], data: bytes, expected: list[Event]
) -> None:
    bare = data.replace(b"\r\n", b"\r").replace(b"\r", b"\n")
    for terminator in (b"\r", b"\r\n", b"\n", b"\n\r"):
        assert norm(whole(make(), bare.replace(b"\n", terminator))) == expected


def test_a_stream_of_records_and_reset() -> None:
    p = MtSics()
    stream = b"S S     100.00 g\r\nS D     99.98 g\r\nS I\r\nZ A\r\n"
    assert kinds(bytewise(p, stream)) == [
        ("Reading", "value"),
        ("Reading", "value"),
        ("Fault", DEVICE_ERROR),
        ("Control", "zeroed"),
    ]
    p.feed(b"S S  10", 0.0)  # the tail of a record before a reconnect…
    p.reset()
    (r,) = p.feed(b"S S     100.00 g\r\n", 1.0)
    assert isinstance(r, Reading) and r.value == Decimal("100.00")


def test_requests() -> None:
    assert Mitutoyo().request() is None
    assert Mitutoyo(query=True).request() == b"1\r"
    assert Sylvac().request() == b"?\r"
    assert MtSics().request() == b"S\r\n"
    assert MtSics(immediate=True).request() == b"SI\r\n"
    assert AndGx().request() == b"Q\r\n"
    assert Ohaus().request() == b"IP\r\n"


@pytest.mark.parametrize(
    ("name", "cls"),
    [("mitutoyo", Mitutoyo), ("sylvac", Sylvac), ("mt-sics", MtSics), ("and-gx", AndGx), ("ohaus", Ohaus)],
)
def test_builtin_profiles_make_these_parsers(name: str, cls: type) -> None:
    assert type(profiles.get(name).make()) is cls


# --- properties ---------------------------------------------------------------------------------

FACTORIES: list[Callable[[], Framed]] = [Mitutoyo, Sylvac, MtSics, AndGx, Ohaus]
EXTRA_FRAGMENTS = [b"\r", b"\n", b"\r\n", b"\x06", b"+", b"-", b" ", b".", b"0", b"9", b"?"]
EXTRA_FRAGMENTS += [b"S S ", b"ST,", b"01A+", b" g", b"ERR", b"SY"]
FRAGMENTS = [*sorted({data for _, data, _ in VECTORS} | {data for _, data, _, _ in FAULTS}), *EXTRA_FRAGMENTS]

streams = st.lists(st.one_of(st.binary(max_size=24), st.sampled_from(FRAGMENTS)), max_size=12).map(b"".join)


def chunked(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    return [data[a:b] for a, b in pairwise(points)]


@pytest.mark.parametrize("make", FACTORIES, ids=lambda f: f.__name__)
@PROPS
@given(data=streams, cuts=st.lists(st.integers(0, 1000), max_size=16))
def test_any_bytes_any_split_never_raise_or_invent(
    make: Callable[[], Framed], data: bytes, cuts: list[int]
) -> None:
    split = make()
    events: list[Event] = []
    for i, chunk in enumerate(chunked(data, cuts)):
        events += split.feed(chunk, float(i))
    events += split.flush(1e6)
    # the split changes nothing but arrival times
    assert norm(events) == norm(whole(make(), data))
    for e in events:
        assert e.raw in data  # every record is bytes that were received, as received
        if isinstance(e, Reading):
            assert any(e.raw + t in data for t in (b"\r", b"\n"))  # a terminated record
            assert e.value is not None and e.unit


@PROPS
@given(
    ops=st.lists(
        st.tuples(st.sampled_from(["sent", "reading", "fault", "control"]), st.floats(0, 1.5)),
        max_size=30,
    )
)
def test_query_matcher_every_request_is_answered_or_expired_once(ops: list[tuple[str, float]]) -> None:
    m = QueryMatcher(timeout=2.0)
    now = 0.0
    sent: list[bytes] = []
    answered: list[bytes] = []
    expired: list[bytes] = []
    for n, (op, step) in enumerate(ops):
        now += step
        if op == "sent":
            cmd = f"Q{n}".encode()
            sent.append(cmd)
            m.sent(cmd, now)
            continue
        event: Event = (
            Reading(Decimal(1), "g", b"x", now)
            if op == "reading"
            else Fault("garbage", "", "", b"x", now)
            if op == "fault"
            else Control("echo", b"?", now)
        )
        got = m.answer(event)
        if op == "control":
            assert got is None
        elif got is not None:
            answered.append(got)
        expired += m.expired(now)
    expired += m.expired(now + 10)
    assert m.outstanding == 0
    assert sorted(answered + expired) == sorted(sent)
    assert answered == [c for c in sent if c in answered]  # FIFO


# --- QueryMatcher ---------------------------------------------------------------------------------


def reading(now: float) -> Reading:
    return Reading(Decimal("100.00"), "g", b"S S 100.00 g", now)


def test_query_matcher_pairs_in_order_and_marks_unrequested() -> None:
    m = QueryMatcher()
    assert m.answer(reading(0.0)) is None  # pushed: shown, marked unrequested
    m.sent(b"S\r\n", 1.0)
    m.sent(b"SI\r\n", 1.1)
    assert m.outstanding == 2
    assert m.answer(Control("echo", b"S", 1.2)) is None  # a Control never answers
    assert m.answer(reading(1.3)) == b"S\r\n"
    assert m.answer(Fault(DEVICE_ERROR, "", "", b"S I", 1.4)) == b"SI\r\n"  # a fault is an answer too
    assert m.answer(reading(1.5)) is None
    assert m.expired(10.0) == []


def test_query_matcher_timeout() -> None:
    m = QueryMatcher(timeout=2.0)
    m.sent(b"S\r\n", 0.0)
    assert m.expired(2.0) == []  # not after 2.0 s yet
    assert m.outstanding == 1
    assert m.expired(2.01) == [b"S\r\n"]
    assert m.expired(5.0) == []  # reported once
    m.sent(b"S\r\n", 10.0)
    assert m.answer(reading(12.5)) is None  # too late: not this request's answer
    assert m.expired(12.5) == [b"S\r\n"]  # …and the dropped request is still reported
    m.sent(b"S\r\n", 20.0)
    m.sent(b"S\r\n", 21.5)
    assert m.answer(reading(22.5)) == b"S\r\n"  # the first lapsed, the second answers
    assert m.expired(22.5) == [b"S\r\n"]
    assert m.outstanding == 0


def test_query_matcher_clear() -> None:
    m = QueryMatcher()
    m.sent(b"S\r\n", 0.0)
    m.sent(b"S\r\n", 0.1)
    m.clear()
    assert m.outstanding == 0
    assert m.answer(reading(0.2)) is None
    assert m.expired(100.0) == []
