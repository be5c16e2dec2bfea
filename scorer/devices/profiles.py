"""Device profiles: a protocol plus its line settings and how its readings may be used.

Built-in profiles cover the devices in ../shared/domain/DEVICES.md; a venue can add its own as a
JSON file (a regex with named groups and a framing), without a new release of Scorer.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorer.devices.protocols.base import Protocol
from scorer.errors import ScorerError


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title: str  # for people: "ALGE Timy3 (PC port)"
    protocol: str  # "module:Class" under scorer.devices.protocols, or "custom"
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"  # N, E, O
    stopbits: float = 1
    kind: str = "measure"  # "timer" | "measure" | "balance"
    query_every: float | None = None  # seconds between requests for query devices (None: push or on demand)
    auto_accept: bool = False  # a reading saves without the judge pressing Enter
    allow_unstable: bool = False  # unstable balance readings may become marks
    idle_gap: float = 0.05  # seconds of silence that end a record (idle-framed devices)
    options: dict[str, Any] = field(default_factory=dict)  # protocol arguments (custom regex, …)

    def make(self) -> Protocol:
        """A fresh parser for this profile."""
        if self.protocol == "custom":
            from scorer.devices.protocols.custom import RegexProtocol

            return RegexProtocol(**self.options)
        module, cls = self.protocol.split(":")
        factory: Callable[..., Protocol] = getattr(
            importlib.import_module(f"scorer.devices.protocols.{module}"), cls
        )
        return factory(**self.options)


BUILTIN: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("alge-timy", "ALGE Timy / Timy3 / TdC8001 (PC)", "alge:AlgeTimy", 9600, kind="timer"),
        Profile("alge-timy-38400", "ALGE Timy2 PC-timer (38400)", "alge:AlgeTimy", 38400, kind="timer"),
        Profile("microgate", "Microgate REI2 / RT Pro", "microgate:Microgate", 115200, kind="timer"),
        Profile("text-timer", "CRLF text timer (START/INT/STOP)", "texttimer:TextTimer", 9600, kind="timer"),
        Profile("mitutoyo", "Mitutoyo Digimatic (USB/RS-232 adapter)", "mitutoyo:Mitutoyo", 9600),
        Profile("sylvac", "Sylvac (OPTO-RS)", "sylvac:Sylvac", 4800, 7, "E", 2),
        Profile("mt-sics", "Mettler Toledo MT-SICS", "mtsics:MtSics", 9600, kind="balance"),
        Profile("and-gx", "A&D GX/GF balance", "andgx:AndGx", 2400, 7, "E", 1, kind="balance"),
        Profile("ohaus", "Ohaus balance", "ohaus:Ohaus", 9600, kind="balance"),
    )
}


def load_custom(path: str | Path) -> Profile:
    """A venue's own profile from JSON: {"name", "title", "pattern", "framing", "unit", line settings…}."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ScorerError(
            f"无法读取设备配置 {path}：{exc}", f"cannot read device profile {path}: {exc}"
        ) from None
    if not isinstance(data, dict) or "pattern" not in data:
        raise ScorerError(
            f"{path}：设备配置需要 pattern（带命名分组的正则表达式）",
            f"{path}: a device profile needs a 'pattern' (a regex with named groups)",
        )
    line = {k: data[k] for k in ("baudrate", "bytesize", "parity", "stopbits") if k in data}
    options = {k: data[k] for k in ("pattern", "framing", "unit", "gap") if k in data}
    profile = Profile(
        name=str(data.get("name", path.stem)),
        title=str(data.get("title", path.stem)),
        protocol="custom",
        kind=str(data.get("kind", "measure")),
        auto_accept=bool(data.get("auto_accept", False)),
        allow_unstable=bool(data.get("allow_unstable", False)),
        options=options,
        **line,
    )
    profile.make()  # a bad regex or framing is refused now, with its reason
    return profile


def get(name_or_path: str) -> Profile:
    if name_or_path in BUILTIN:
        return BUILTIN[name_or_path]
    if name_or_path.endswith(".json"):
        return load_custom(name_or_path)
    names = ", ".join(sorted(BUILTIN))
    raise ScorerError(
        f"没有名为“{name_or_path}”的设备配置；可用：{names}，或一个 .json 自定义配置",
        f"no device profile '{name_or_path}'; available: {names}, or a custom .json profile",
    )
