"""进度报告: what is still missing in one event: per contestant the aspects without marks and the
aspects to re-score, then the flags (conflict of interest, re-score) and blocking problems."""

from __future__ import annotations

from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from scorer.reports import page
from scorer.reports.data import EventData
from scorer.reports.results import STATUS_ZH, grid, heading

FLAG_ZH = {"rescore": "需复评", "conflict": "利益回避", "tie": "并列"}
WIDTH = A4[0] - 24 * mm


def _aspects(codes: tuple[str, ...], total: int) -> str:
    if codes and len(codes) == total:
        return f"全部 {total} 项"
    return "、".join(codes)


def progress_pdf(data: EventData) -> bytes:
    """The progress report (进度报告) of one event as PDF bytes."""
    res = data.result
    n_aspects = len(data.event.aspects())
    active = [r for r in res.results if r.status == "ok"]
    done = sum(1 for r in active if r.complete)
    missing = sum(1 for r in active if r.missing)
    rescore = sum(1 for r in active if r.rescore)
    conflicts = sum(1 for f in res.flags if f.kind == "conflict")
    counts = (
        f"选手 {len(res.results)} 人　已完成 {done} 人　缺分 {missing} 人　需复评 {rescore} 人　"
        f"未参赛或取消资格 {len(res.results) - len(active)} 人　利益回避 {conflicts} 条　"
        f"需裁定 {len(res.problems)} 项"
    )
    story: list[Any] = [page.p(counts, "base"), Spacer(1, 3 * mm)]

    rows = [["加密号", "状态", "缺分评分项", "需复评评分项"]]
    for r in res.results:
        if r.status == "ok" and r.complete:
            continue
        status = STATUS_ZH.get(r.status) or ("未完成" if not r.complete else "")
        rows.append([r.code, status, _aspects(r.missing, n_aspects), "、".join(r.rescore)])
    story.append(page.p("未完成的选手", "base", bold=True))
    if len(rows) > 1:
        story.append(grid(rows, [26 * mm, 18 * mm, WIDTH - 88 * mm, 44 * mm]))
    else:
        story.append(page.p("无：所有选手评分已完成", "base"))

    story += [Spacer(1, 4 * mm), page.p("提示", "base", bold=True)]
    if res.flags:
        flags = [["类型", "加密号", "评分项", "说明"]]
        flags += [[FLAG_ZH.get(f.kind, f.kind), f.contestant, f.aspect, f.zh] for f in res.flags]
        story.append(grid(flags, [20 * mm, 26 * mm, 20 * mm, WIDTH - 66 * mm]))
    else:
        story.append(page.p("无", "base"))

    story += [Spacer(1, 4 * mm), page.p("需裁定的问题", "base", bold=True)]
    story += [page.p(prob.message("zh"), "base") for prob in res.problems] or [page.p("无", "base")]
    return page.build(story, heading(data, "进度报告"), draft=not data.locked)
