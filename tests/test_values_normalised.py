"""Values are stored at their aspect's precision with the text as typed kept beside them; digits of
other scripts are refused (full-width digits converted on purpose); a huge input is not echoed whole."""

from __future__ import annotations

import pytest

from scorer.errors import MarkRefused
from scorer.values import parse_value


def aspect(mini_comp, code):
    return mini_comp.events[0].aspects()[code]


def test_minus_zero_and_trailing_zeros_are_normalised(mini_comp):
    panel, exam, count = aspect(mini_comp, "B1.1"), aspect(mini_comp, "T1.1.1"), aspect(mini_comp, "B1.2")
    assert parse_value(panel, "-0") == "0"
    assert parse_value(panel, "2.000") == "2"
    assert parse_value(exam, "78.500") == "78.50"  # only significant decimals count against the limit
    assert parse_value(exam, "75") == "75.00"
    assert parse_value(count, "０３") == "3"


def test_the_store_keeps_the_text_as_typed_beside_the_canonical_value(store):
    log_id = store.record_mark(judge="J2", contestant="C01", aspect="B1.1", value="2.000")
    row = store.get(log_id)
    assert row is not None and row.payload["value"] == "2" and row.payload["typed"] == "2.000"
    same = store.record_mark(judge="J1", contestant="C01", aspect="A1.1", value="24.01")
    assert "typed" not in store.get(same).payload  # nothing to keep when it was typed canonically
    [m] = [m for m in store.marks() if m.aspect == "B1.1"]
    assert m.value == "2"


@pytest.mark.parametrize("text", ["٥", "2٥", "१२", "๕"])
def test_digits_of_other_scripts_are_refused(mini_comp, text):
    with pytest.raises(MarkRefused, match="another script"):
        parse_value(aspect(mini_comp, "T1.1.1"), text)


def test_full_width_digits_are_read_on_purpose(mini_comp):
    assert parse_value(aspect(mini_comp, "T1.1.1"), "７５．５") == "75.50"
    assert parse_value(aspect(mini_comp, "B1.3"), "２：２５：３０") == "8730"


def test_a_huge_input_is_cut_in_the_message(mini_comp):
    with pytest.raises(MarkRefused) as exc:
        parse_value(aspect(mini_comp, "T1.1.1"), "x" * 100_000)
    message = exc.value.message("en")
    assert len(message) < 100 and "…（100000）" in message
