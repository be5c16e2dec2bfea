"""获奖名单: the winners of one event grouped by award, then the honorary titles (称号) and medals."""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from scorer.reports import page
from scorer.reports.data import EventData
from scorer.reports.results import fmt, grid, heading, signatures
from scorer.rules import ContestantResult


def _section(data: EventData, title: str, winners: list[ContestantResult]) -> list[Any]:
    """A heading line and a table of winners (or "无")."""
    story: list[Any] = [Spacer(1, 4 * mm), page.p(f"{title}（{len(winners)} 人）", "base", bold=True)]
    if not winners:
        return [*story, page.p("无", "base")]
    people = data.contestants
    head = ["名次", "加密号"] + (["姓名", "单位"] if data.names else []) + ["总分"]
    widths = [14 * mm, 28 * mm] + ([24 * mm, 0.0] if data.names else []) + [22 * mm]
    if data.names:
        widths[3] = A4[0] - 24 * mm - sum(widths)
    texts = [head]
    for r in winners:
        row = [str(r.rank or ""), r.code]
        if data.names:
            x = people.get(r.code)
            row += [x.name if x else "", x.organisation if x else ""]
        texts.append([*row, fmt(r.total, data.event)])
    story.append(Spacer(1, 1.5 * mm))
    story.append(grid(texts, widths, right=[len(widths) - 1]))
    return story


def awards_pdf(data: EventData) -> bytes:
    """The award list (获奖名单) of one event as PDF bytes."""
    e = data.event
    ranked = [r for r in data.result.results if r.rank is not None]
    story: list[Any] = []
    names = [t.name for t in e.awards.tiers]
    names += sorted({r.award for r in ranked if r.award and r.award not in names})
    for award in names:
        story += _section(data, award, [r for r in ranked if r.award == award])
    if not names:
        story.append(page.p("本项目不设奖项", "base"))
    if e.titles:
        medals = any(t.kind == "medal" for t in e.titles)  # a medal is not a 称号
        story += [Spacer(1, 6 * mm), page.p("称号与奖章" if medals else "称号", "base", bold=True)]
        for t in e.titles:
            story += _section(data, t.name, [r for r in ranked if t.name in r.title.split("、")])
    story += signatures(data)
    return page.build(story, heading(data, "获奖名单"), draft=page.draft_of(data, final=True))
