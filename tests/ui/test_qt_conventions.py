"""Conventions every Qt class in ui/ must keep (each was once broken)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from PySide6.QtCore import QObject

import ui


def test_no_qobject_hides_event_with_data():
    """An attribute or property named `event` hides QObject.event(), which Qt calls for every
    event delivered to the object: "'str' object is not callable" on each one."""
    offenders = []
    for info in pkgutil.walk_packages(ui.__path__, "ui."):
        if info.name == "ui.app":
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, QObject) and cls.__module__ == module.__name__:
                attr = inspect.getattr_static(cls, "event")
                if not callable(attr) or isinstance(attr, property):
                    offenders.append(f"{cls.__module__}.{cls.__qualname__}")
    assert offenders == []


def test_no_instance_attribute_named_event():
    """The same mistake as an instance attribute (`self.event = ...`) in any ui/ source."""
    import re
    from pathlib import Path

    root = Path(ui.__file__).parent
    hits = [
        f"{path.relative_to(root)}:{n}"
        for path in sorted(root.rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"self\.event\s*(=|:)", line)
    ]
    assert hits == []
