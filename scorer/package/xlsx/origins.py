"""Where each value of the package dict came from, and the one validation of the whole package that
reports every problem at its sheet, row and column (or CSV line)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from scorer.errors import ImportRejected, Problem
from scorer.model import Competition
from scorer.package import from_data
from scorer.package.validate import Issue, check
from scorer.package.xlsx.cells import Path
from scorer.package.xlsx.headers import lookup_header


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an object (or one value) of the package dict came from."""

    sheet: str
    row: int | None
    cells: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    def where(self, rel: Path) -> str:
        header, letter = lookup_header(self.cells, rel)
        if self.row is None:
            return f"{self.sheet} {header}" if header else self.sheet
        if letter:
            return f"{self.sheet}!{letter}{self.row} {header}"
        if header:
            return f"{self.sheet}!第{self.row}行 {header}"
        return f"{self.sheet}!第{self.row}行"


class Place(Protocol):
    def where(self, rel: Path) -> str: ...


def locator(origins: Mapping[Path, Place], fallback: Callable[[Path], str]) -> Callable[[Path], str]:
    """Longest-prefix match of a package path against the recorded origins."""

    def locate(path: Path) -> str:
        path = tuple(path)
        for n in range(len(path), -1, -1):
            origin = origins.get(path[:n])
            if origin is not None:
                return origin.where(path[n:])
        return fallback(path)

    return locate


def finish(
    data: dict[str, Any],
    source: str,
    locate: Callable[[Path], str],
    own: Sequence[Problem],
    covered: set[Path],
    partial: set[Path] | None = None,
) -> Competition:
    """Validate the whole package; problems found while reading come first, none reported twice.

    The package's own checks run on whatever could be read even when some cells could not, so one
    round reports every problem: `covered` values (already reported) and everything below them are
    left out of the checks that would depend on them, and `partial` events lost scheme rows.
    """
    if not own:
        return from_data(data, source, locate)

    def reported(path: Path) -> bool:
        return any(tuple(path[:n]) in covered for n in range(len(path) + 1))

    issues: list[Issue] = [i for i in check(data, covered, partial or ()) if not reported(i.path)]
    problems = [*own, *(Problem(locate(i.path), i.zh, i.en) for i in issues)]
    unique = list(dict.fromkeys(problems))  # Problem is frozen: the same place and words once
    raise ImportRejected(source, unique)
