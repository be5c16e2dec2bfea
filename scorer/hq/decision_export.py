"""A decision (scorer.hq.decisions) as files: PDF in the venue's document style, XLSX, CSV and JSON.

Every export is made from the decision's signed body alone, so it says exactly what was confirmed,
whatever the standings say now. The PDF is laid out by scorer.reports (the venue's page frame,
CJK fonts embedded as subsets, heading, "第 x 页 共 y 页"); its footer carries headquarters' id, the
decision's number and the signature's fingerprint on every page, and a superseded decision is
marked so across each page. The CSV is UTF-8 with a byte order mark (so Excel reads Chinese); the
JSON is the signed body with its signature (scorer.hq.decisions.verify_export checks it).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from scorer.hq.decisions import Decision, signed_export
from scorer.reports import fonts, page
from scorer.reports.results import fit_widths, grid, natural_widths

METHODS = {
    "total": ("按总分", "by total"),
    "standardised": ("按各赛场标准分", "by each venue's standardised score"),
}
STATES = {"match": ("一致", "match"), "differ": ("不一致", "differ")}
TITLE = "跨赛场选拔名单（已确认）"
# (key in a row of the body, Chinese, English): the table of every export, in this order
COLUMNS = (
    ("place", "名次", "Place"),
    ("name", "姓名", "Name"),
    ("organisation", "单位", "Organisation"),
    ("venue_name", "赛场", "Venue"),
    ("code", "加密号", "Code"),
    ("total", "总分", "Total"),
    ("scaled", "标准分", "Standardised"),
    ("award", "奖项/称号", "Award/title"),
    ("state", "复核", "Check"),
)
MEDIA = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


def filename(decision: Decision, kind: str) -> str:
    return f"decision-{decision.id}.{kind}"


def percent(ratio: str | None) -> str:
    """'0.2' → '20' (a quota's ratio as a percentage, exact)."""
    if ratio is None:
        return ""
    try:
        value = (Decimal(ratio) * 100).normalize()
    except InvalidOperation:
        return ratio
    return format(value, "f")


def quota_text(quota: dict[str, Any], lang: str = "zh") -> str:
    """One quota as people read it: "上海市技术能手 20 名" / "一等奖 前 10%"."""
    award = quota["award"]
    if quota.get("count") is not None:
        return f"{award} {quota['count']} 名" if lang == "zh" else f"{award}: {quota['count']}"
    return (
        f"{award} 前 {percent(quota.get('ratio'))}%"
        if lang == "zh"
        else f"{award}: top {percent(quota.get('ratio'))}%"
    )


def quotas_text(content: dict[str, Any], lang: str = "zh") -> str:
    sep = "；" if lang == "zh" else "; "
    return sep.join(quota_text(q, lang) for q in content["quotas"]) or ("无" if lang == "zh" else "none")


def method_text(content: dict[str, Any], lang: str = "zh") -> str:
    names = METHODS.get(content["selection"]["method"], (content["selection"]["method"],) * 2)
    return names[0] if lang == "zh" else names[1]


def state_text(state: str, lang: str = "zh") -> str:
    names = STATES.get(state, (state, state))
    return names[0] if lang == "zh" else names[1]


def _columns(content: dict[str, Any]) -> list[tuple[str, str, str]]:
    """The table's columns: 标准分 only when the selection ranks on standardised scores."""
    standardised = content["selection"]["method"] == "standardised"
    return [c for c in COLUMNS if c[0] != "scaled" or standardised]


def _cell(row: dict[str, Any], key: str, lang: str = "zh") -> str:
    value = row.get(key)
    if key == "venue_name":
        return str(row.get("venue_name") or row.get("venue") or "")
    if key == "state":
        return state_text(str(value), lang)
    return "" if value is None else str(value)


def _date(at: str) -> str:
    return page.date_range(at[:10])


# ------------------------------------------------------------ PDF


class _DecisionCanvas(page._NumberedCanvas):
    """The venue's page frame, and a footer naming headquarters, the decision and its signature."""

    footer = ""

    def _decorate(self, total: int) -> None:
        super()._decorate(total)
        w, _ = self._pagesize
        self.saveState()
        self.setFillColorRGB(0.3, 0.3, 0.3)
        fonts.draw(self, w / 2, 5 * mm, self.footer, 6.5, align="centre")
        self.restoreState()


def pdf(decision: Decision, issuer: str = "总部") -> bytes:
    """The decision as a PDF in the venue's document style (A4, landscape when the table is wide)."""
    content = decision.content
    sel = content["selection"]
    columns = _columns(content)
    texts = [[zh for _, zh, _ in columns]]
    texts += [[_cell(r, key) for key, _, _ in columns] for r in content["rows"]]
    natural = natural_widths(texts)
    wide = sum(natural) > A4[0] - 24 * mm
    widths = fit_widths(natural, (landscape(A4)[0] if wide else A4[0]) - 24 * mm)
    keys = [key for key, _, _ in columns]
    right = [keys.index(k) for k in ("place", "total", "scaled") if k in keys]

    story: list[Any] = [
        page.p(f"选拔：{sel['name']}　项目：{sel['trade']}　排名方法：{method_text(content)}", "base"),
        page.p(f"名额：{quotas_text(content)}", "base"),
        Spacer(1, 3 * mm),
        grid(texts, widths, right=right) if content["rows"] else page.p("无选手", "base"),
    ]
    if content["excluded"]:
        story.append(Spacer(1, 2 * mm))
        for venue, reason in content["excluded"]:
            story.append(page.p(f"未计入：{venue}　{reason}", "small"))
    story.append(Spacer(1, 4 * mm))
    if content.get("override"):
        story.append(
            page.p(
                f"有 {content.get('differing', 0)} 名选手复核不一致，确认理由：{content['override']}", "base"
            )
        )
    if content.get("supersedes") is not None:
        story.append(page.p(f"本决定取代第 {content['supersedes']} 号决定。", "base"))
    story += [
        page.p(
            f"确认人：{content['confirmed_by']}　确认时间：{content['confirmed_at']}　"
            f"名单计算时间：{content['computed']}",
            "base",
        ),
        page.p(f"总部 {content['hq']} 以 Ed25519 签名，签名指纹：{decision.fingerprint}", "base"),
        page.p(f"签名：{decision.signature}", "small"),
        page.IssuerBlock(issuer, _date(content["confirmed_at"])),
    ]
    heading = page.Heading(
        title=TITLE,
        contest=sel["name"],
        event=sel["trade"],
        venue=f"{content['venues']} 个赛场",
        date=_date(content["confirmed_at"]),
        extra=(f"决定第 {decision.id} 号",),
    )

    class Canvas(_DecisionCanvas):
        footer = f"总部 {content['hq']}　决定第 {decision.id} 号　签名指纹 {decision.fingerprint}"

    draft = None
    if decision.superseded_by is not None:
        draft = page.Draft("已被取代", f"已被第 {decision.superseded_by} 号决定取代，仅供查阅")
    return page.build(story, heading, draft=draft, wide=wide, canvas=Canvas)


# ------------------------------------------------------------ XLSX, CSV, JSON


def _number(text: str | None) -> Decimal | str:
    if text in (None, ""):
        return ""
    try:
        return Decimal(str(text))
    except InvalidOperation:
        return str(text)


def _moment(at: str) -> datetime.datetime:
    try:
        return datetime.datetime.fromisoformat(at.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        return datetime.datetime(2000, 1, 1)


def xlsx(decision: Decision) -> bytes:
    """The decision as a workbook: the list (sheet 名单, a header row, scores as numbers) and what
    was decided (sheet 决定: selection, quotas, who, when, signature)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    content = decision.content
    columns = _columns(content)
    wb = Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append([f"{zh} {en}" for _, zh, en in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in content["rows"]:
        line: list[Any] = []
        for key, _, _ in columns:
            if key in ("total", "scaled"):
                line.append(_number(r.get(key)))
            elif key == "place":
                line.append(int(r["place"]))
            else:
                line.append(_cell(r, key))
        ws.append(line)
        for c, value in enumerate(line, start=1):
            if isinstance(value, Decimal):
                places = max(0, -int(value.as_tuple().exponent))  # type: ignore[operator]
                ws.cell(ws.max_row, c).number_format = "0." + "0" * places if places else "0"
    ws.freeze_panes = "A2"
    for c, (key, _, _) in enumerate(columns, start=1):
        letter = ws.cell(1, c).column_letter
        ws.column_dimensions[letter].width = (
            24 if key in ("name", "organisation", "venue_name", "award") else 12
        )

    info = wb.create_sheet("决定")
    sel = content["selection"]
    for label, value in (
        ("决定号 Decision", decision.id),
        ("选拔 Selection", sel["name"]),
        ("项目 Trade", sel["trade"]),
        ("排名方法 Method", f"{method_text(content)} / {method_text(content, 'en')}"),
        ("名额 Quotas", quotas_text(content)),
        ("赛场数 Venues", content["venues"]),
        ("名单计算时间 Computed", content["computed"]),
        ("确认人 Confirmed by", content["confirmed_by"]),
        ("确认时间 Confirmed at", content["confirmed_at"]),
        ("不一致仍确认的理由 Override reason", content.get("override") or ""),
        ("取代 Supersedes", content.get("supersedes") or ""),
        ("被取代 Superseded by", decision.superseded_by or ""),
        ("总部 HQ", content["hq"]),
        ("总部公钥 HQ public key", decision.hq_key),
        ("签名指纹 Signature fingerprint", decision.fingerprint),
        ("签名 Signature (Ed25519)", decision.signature),
    ):
        info.append([label, value])
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 60
    moment = _moment(content["confirmed_at"])  # the same decision, the same workbook
    wb.properties.created = wb.properties.modified = moment
    wb.properties.creator = "Scorer"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(decision: Decision) -> bytes:
    """The list as CSV: UTF-8 with a byte order mark (Excel then reads Chinese), a header row."""
    content = decision.content
    columns = _columns(content)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([f"{zh} {en}" for _, zh, en in columns])
    for r in content["rows"]:
        writer.writerow([_cell(r, key) for key, _, _ in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8", "surrogatepass")


def json_bytes(decision: Decision) -> bytes:
    """The signed body with its signature, key and fingerprint (decisions.signed_export)."""
    return json.dumps(signed_export(decision), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


EXPORTS = {"pdf": pdf, "xlsx": xlsx, "csv": csv_bytes, "json": json_bytes}


def export(decision: Decision, kind: str) -> bytes:
    """The decision as `kind` ("pdf", "xlsx", "csv", "json")."""
    return EXPORTS[kind](decision)  # type: ignore[operator]
