"""The English translation (resources/translations/scorer_en.ts, built by `make translations`):
complete, placeholders intact, loaded by ui.i18n, and the shipped .qm compiled from the current .ts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale

from scorer.resources import resource_path
from ui import i18n

TS = resource_path("translations", "scorer_en.ts")
QM = resource_path("translations", "scorer_en.qm")

# {0} (str.format), %1 and %n (Qt's arg() and plural count), %L1 (localised arg).
PLACEHOLDER = re.compile(r"\{\d+\}|%L?\d+|%n")
# A menu accelerator: "&F" (not "&&", a literal ampersand).
ACCELERATOR = re.compile(r"(?<!&)&(?=[^&\s])")


def _messages() -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of scorer_en.ts."""
    root = ET.parse(TS).getroot()
    out = []
    for context in root.iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, (name, message.findtext("source"))
            out.append((name, message.findtext("source", ""), translation))
    return out


def _texts(translation: ET.Element) -> list[str]:
    """The translated text, or each plural form of a numerus message."""
    forms = translation.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [translation.text or ""]


def test_every_message_is_translated_with_its_placeholders() -> None:
    messages = _messages()
    assert messages
    problems = []
    for context, source, translation in messages:
        where = f"{context}: {source!r}"
        if translation.get("type") == "unfinished":
            problems.append(f"{where} is unfinished")
            continue
        wanted = sorted(set(PLACEHOLDER.findall(source)))
        for text in _texts(translation):
            if not text.strip():
                problems.append(f"{where} has an empty translation")
                continue
            found = sorted(set(PLACEHOLDER.findall(text)))
            if found != wanted:
                problems.append(f"{where} → {text!r}: placeholders {found}, expected {wanted}")
            if ACCELERATOR.search(source) and len(ACCELERATOR.findall(text)) != 1:
                problems.append(f"{where} → {text!r}: needs exactly one & accelerator")
    assert not problems, "\n".join(problems)


@pytest.fixture
def restore_language(qapp) -> Iterator[None]:
    """Whatever a test installs, later tests see the untranslated (Chinese) source strings again."""
    locale = QLocale()
    yield
    for translator in i18n._installed:
        qapp.removeTranslator(translator)
    i18n._installed.clear()
    QLocale.setDefault(locale)


def test_install_switches_between_english_and_chinese(qapp, restore_language) -> None:
    i18n.install(qapp, "en")
    assert QCoreApplication.translate("MainWindow", "评分录入") == "Score entry"
    assert QCoreApplication.translate("MainWindow", "文件(&F)") == "&File"
    i18n.install(qapp, "zh_CN")
    assert QCoreApplication.translate("MainWindow", "评分录入") == "评分录入"


def _lrelease() -> str | None:
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    return str(beside) if beside.exists() else shutil.which("pyside6-lrelease")


def test_shipped_qm_is_compiled_from_the_current_ts(tmp_path: Path) -> None:
    lrelease = _lrelease()
    assert lrelease is not None, "pyside6-lrelease (part of PySide6) is missing"
    fresh = tmp_path / "scorer_en.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(fresh)], check=True, timeout=60)
    assert QM.read_bytes() == fresh.read_bytes(), "scorer_en.qm is stale: run `make translations`"
