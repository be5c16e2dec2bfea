"""成绩公示: the official results notice the organiser posts before results are final — who issues
it, the publication period (公示期), the results, where to raise an objection, and a seal area.

The period runs from the publication date to the last of `days` working days. Working days are
Monday to Friday: the program knows no public-holiday calendar, so pass `until` when a holiday or
an adjusted working day falls in the period.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from scorer.errors import ScorerError
from scorer.reports import page
from scorer.reports.data import EventData
from scorer.reports.results import INCOMPLETE, STATUS_ZH, fit_widths, fmt, grid, natural_widths

BLANK = "＿" * 8  # filled in by hand when no contact is given


def _day(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ScorerError(
            f"{what}“{text}”不是日期（应写成 2026-11-23）",
            f"{what} '{text}' is not a date (write 2026-11-23)",
        ) from None


def period_end(start: dt.date, days: int) -> dt.date:
    """The last of `days` working days (Monday–Friday) counted from `start` (itself if a working day)."""
    if days < 1:
        raise ScorerError("公示期至少 1 个工作日", "the publication period is at least 1 working day")
    day, left = start, days
    while True:
        if day.weekday() < 5:
            left -= 1
            if left == 0:
                return day
        day += dt.timedelta(days=1)


def notice_rows(data: EventData) -> list[list[str]]:
    """Header and rows: rank, name and organisation (the code before decryption), total, award,
    title; contestants outside the ranking last, with their status."""
    e, people = data.event, data.contestants
    head = ["名次"] + (["姓名", "单位"] if data.names else ["加密号"]) + ["总分", "奖项", "称号", "备注"]
    rows = [head]
    ranked = [r for r in data.result.results if r.rank is not None]
    unranked = [r for r in data.result.results if r.rank is None]
    for r in ranked + unranked:
        x = people.get(r.code)
        who = [x.name if x else r.code, x.organisation if x else ""] if data.names else [r.code]
        note = STATUS_ZH.get(r.status, r.status) or ("" if r.complete else INCOMPLETE)
        total = fmt(r.total, e) if r.rank is not None else ""
        rows.append([str(r.rank) if r.rank is not None else "—", *who, total, r.award, r.title, note])
    return rows


def notice_pdf(
    data: EventData,
    published: str | None = None,
    days: int = 5,
    until: str | None = None,
    contact: str = "",
    phone: str = "",
    issuer: str | None = None,
) -> bytes:
    """The results notice (成绩公示) of one event as PDF bytes. `published`: ISO date of publication
    (default: the competition's last day); the period ends `until`, or after `days` working days;
    `contact` and `phone` go on the objection line (blank lines to fill in by hand when empty);
    `issuer` defaults to the organiser."""
    comp, e = data.competition, data.event
    start_text = published or comp.end_date or comp.start_date
    issuer = issuer or comp.organiser or f"{comp.name}组委会"
    if start_text:
        start = _day(start_text, "公示日期")
        end = _day(until, "公示截止日期") if until else period_end(start, days)
        if end < start:
            raise ScorerError("公示截止日期早于公示日期", "the period ends before the publication date")
        working = sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(n)).weekday() < 5)
        period = f"{page.date_range(start.isoformat(), end.isoformat())}（{working}个工作日）"
        issued = page.date_range(start.isoformat())
    else:  # no dates in the package: lines to fill in by hand
        period, issued = f"{BLANK}至{BLANK}", "　　年　　月　　日"
    ended = page.date_range(comp.start_date, comp.end_date)
    intro = f"{comp.name}“{e.name}”项目比赛" + (f"已于{ended}举行" if ended else "已经结束")
    intro += "。经裁判组评分、裁判长审核，现将比赛成绩予以公示（按名次排列）。"
    objection = (
        f"如有异议，请于公示期内以书面形式向{issuer}反映。以单位名义反映的，须加盖单位公章；"
        "以个人名义反映的，须署真实姓名并提供联系方式。逾期不予受理。"
    )
    story: list[Any] = [
        page.p(intro, "body"),
        page.p(f"公示期：{period}", "body", bold=True),
        Spacer(1, 3 * mm),
    ]
    rows = notice_rows(data)
    if len(rows) == 1:
        story.append(page.p("无选手", "base"))
    else:
        widths = fit_widths(natural_widths(rows), A4[0] - 24 * mm)
        story.append(grid(rows, widths, right=[len(rows[0]) - 4]))
    story += [
        Spacer(1, 5 * mm),
        KeepTogether(
            [
                page.p(objection, "body"),
                page.p(f"联系人：{contact or BLANK}　　联系电话：{phone or BLANK}", "body"),
                Spacer(1, 4 * mm),
                page.IssuerBlock(issuer, issued),
            ]
        ),
    ]
    heading = page.event_heading(data, f"{e.name}项目成绩公示")
    return page.build(story, heading, draft=page.draft_of(data, final=True))
