"""Validation of package data: structure (JSON Schema) first, then meaning (codes, references, sums).

Every problem is an `Issue` located by its path in the package data, e.g.
("events", 0, "components", 1, "max_mark"). Each front (JSON, XLSX, CSV) turns paths into places its
user can find: a JSON path, or a sheet, row and column.

Over 500 lines on purpose: one check per rule of docs/package-format.md, in the order that file
gives them, so the two can be read side by side.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import jsonschema

from scorer.pins import valid_pin_hash
from scorer.resources import resource_path

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Issue:
    path: Path
    zh: str
    en: str


@cache
def schema() -> dict[str, Any]:
    with resource_path("schema", "competition-package.schema.json").open(encoding="utf-8") as f:
        return json.load(f)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema())


# Which field names mean what, for messages a coordinator can read.
FIELD_ZH = {
    "code": "代码",
    "name": "名称",
    "id": "编号",
    "reg_no": "参赛证号",
    "event": "项目",
    "max_mark": "满分",
    "weight": "权重",
    "type": "类型",
    "role": "角色",
    "pin": "PIN",
    "rule": "评分规则",
    "components": "组成部分",
    "criteria": "评分模块",
    "sub_criteria": "子模块",
    "aspects": "评分项",
    "component": "组成部分",
    "criterion": "评分模块",
    "sub_criterion": "子模块",
    "aspect": "评分项",
}


def _field(path: Path) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return ""


def _negative(value: Any) -> bool:
    try:
        return not isinstance(value, bool) and Decimal(str(value)) < 0
    except (ArithmeticError, ValueError):
        return False


def _schema_issue(error: jsonschema.ValidationError) -> Issue:
    path: Path = tuple(error.absolute_path)
    v = error.validator
    if v == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        return Issue(
            (*path, missing),
            f"缺少必填字段“{FIELD_ZH.get(missing, missing)}”({missing})",
            f"required field '{missing}' is missing",
        )
    if v == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return Issue(
            path,
            f"不认识的字段：{', '.join(extra)}（拼写错误？）",
            f"unknown field(s): {', '.join(extra)} (a typo?)",
        )
    field = _field(path)
    label = FIELD_ZH.get(field, field)
    shown = json.dumps(error.instance, ensure_ascii=False, default=str)[:60]
    if v == "oneOf" and _negative(error.instance):
        return Issue(
            path, f"“{label}”的值 {shown} 不能为负数", f"'{field}' value {shown} must not be negative"
        )
    if v in ("type", "oneOf"):
        return Issue(
            path, f"“{label}”的值 {shown} 格式不对", f"'{field}' has a value of the wrong form: {shown}"
        )
    if v in ("enum", "const"):
        allowed = error.validator_value if v == "enum" else [error.validator_value]
        return Issue(
            path,
            f"“{label}”的值 {shown} 无效，应为：{', '.join(map(str, allowed))}",
            f"'{field}' value {shown} is not allowed; use one of: {', '.join(map(str, allowed))}",
        )
    if v == "pattern":
        if field in ("code", "reg_no", "id", "event") or (path and path[-1] != field):
            hint_zh, hint_en = (
                "只能用字母、数字、点、横线和下划线，最多40个字符",
                "letters, digits, . _ - only, at most 40",
            )
        elif field == "pin":
            hint_zh, hint_en = "PIN 应为 4–8 位数字", "a PIN is 4 to 8 digits"
        else:
            hint_zh, hint_en = "格式不对", "wrong format"
        return Issue(
            path, f"“{label}”的值 {shown} 无效：{hint_zh}", f"'{field}' value {shown} is invalid: {hint_en}"
        )
    if v in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        return Issue(
            path,
            f"“{label}”的值 {shown} 超出允许范围（{v} {error.validator_value}）",
            f"'{field}' value {shown} is out of range ({v} {error.validator_value})",
        )
    return Issue(path, f"“{label}”无效：{error.message}", f"'{field}' is invalid: {error.message}")


def _structure(data: Any) -> tuple[list[Issue], set[Path]]:
    """Schema problems, and the paths whose values the meaning checks must not rely on."""
    if not isinstance(data, dict):
        return [
            Issue(
                (),
                "文件内容不是一个竞赛数据包（应为 JSON 对象）",
                "not a competition package (a JSON object)",
            )
        ], {()}
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    issues: list[Issue] = []
    broken: set[Path] = set()
    for error in errors:
        issue = _schema_issue(error)
        issues.append(issue)
        if error.validator != "additionalProperties":  # an unknown key spoils none of the known ones
            broken.add(issue.path)
    return issues, broken


def check_structure(data: Any) -> list[Issue]:
    return _structure(data)[0]


def _d(value: Any) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


def _dupes(items: list[tuple[Path, str]], what_zh: str, what_en: str) -> Iterator[Issue]:
    counts = Counter(code for _, code in items)
    for path, code in items:
        if counts[code] > 1:
            yield Issue(path, f"{what_zh}“{code}”重复", f"duplicate {what_en} '{code}'")


def _check_rule(path: Path, a: dict[str, Any]) -> Iterator[Issue]:
    rule = a.get("rule", {})
    rp = (*path, "rule")
    kind = a["type"]
    max_mark = _d(a["max_mark"])
    if kind == "measurement":
        mode = rule["mode"]
        if mode == "tolerance":
            for key in ("nominal", "lower", "upper"):
                if key not in rule:
                    yield Issue((*rp, key), f"公差评分需要“{key}”", f"tolerance scoring needs '{key}'")
            if "lower" in rule and "upper" in rule and _d(rule["lower"]) > _d(rule["upper"]):
                yield Issue(
                    (*rp, "lower"), "下偏差大于上偏差", "lower deviation is above the upper deviation"
                )
            if "deduct" in rule and _d(rule["deduct"]["per"]) <= 0:
                yield Issue((*rp, "deduct", "per"), "超差步长必须大于 0", "deduction step must be above 0")
        elif mode == "grade":
            grades = rule.get("grades", [])
            if not grades:
                yield Issue((*rp, "grades"), "等级评分需要等级表", "grade scoring needs a list of grades")
            labels = [str(g["label"]) for g in grades]
            for label, n in Counter(labels).items():
                if n > 1:
                    yield Issue((*rp, "grades"), f"等级“{label}”重复", f"duplicate grade '{label}'")
            for i, g in enumerate(grades):
                if _d(g["marks"]) > max_mark:
                    yield Issue(
                        (*rp, "grades", i, "marks"),
                        "等级分数超过该项满分",
                        "grade marks exceed the aspect maximum",
                    )
        elif mode == "bands":
            bands = rule.get("bands", [])
            if not bands:
                yield Issue((*rp, "bands"), "分档评分需要分档表", "band scoring needs a list of bands")
            uptos = [_d(b["upto"]) for b in bands]
            if uptos != sorted(uptos) or len(set(uptos)) != len(uptos):
                yield Issue(
                    (*rp, "bands"), "分档上限必须从小到大排列且不重复", "band limits must rise strictly"
                )
            for i, b in enumerate(bands):
                if _d(b["marks"]) > max_mark:
                    yield Issue(
                        (*rp, "bands", i, "marks"),
                        "分档分数超过该项满分",
                        "band marks exceed the aspect maximum",
                    )
    elif kind == "judgement":
        lo, hi = _d(rule.get("scale_min", 0)), _d(rule.get("scale_max", 3))
        if lo >= hi:
            yield Issue(
                (*rp, "scale_max"), "评分尺度上限必须大于下限", "scale maximum must be above its minimum"
            )
        if _d(rule.get("step", 1)) <= 0:
            yield Issue((*rp, "step"), "评分步长必须大于 0", "scale step must be above 0")
        judges = rule.get("judges", 3)
        if rule.get("drop_high", 0) + rule.get("drop_low", 0) >= judges:
            yield Issue(
                (*rp, "judges"),
                f"{judges} 名裁判去掉最高和最低分后没有计分的分数了",
                f"dropping highest and lowest leaves no counting score from {judges} judges",
            )
    elif kind == "time":
        mode = rule.get("mode", "penalty")
        if mode == "penalty" and "limit_minutes" not in rule:
            yield Issue((*rp, "limit_minutes"), "超时扣分需要时限", "a time penalty needs a limit")
        if mode == "penalty" and _d(rule.get("per_minutes", 1)) <= 0:
            yield Issue(
                (*rp, "per_minutes"), "扣分时间单位必须大于 0", "penalty unit must be above 0 minutes"
            )
        if mode == "linear":
            if "best_seconds" not in rule or "worst_seconds" not in rule:
                yield Issue(
                    rp, "线性计时需要最好和最差时间", "linear time scoring needs best and worst times"
                )
            elif _d(rule["best_seconds"]) >= _d(rule["worst_seconds"]):
                yield Issue(
                    (*rp, "best_seconds"), "最好时间必须短于最差时间", "best time must be shorter than worst"
                )
        if (
            "cutoff_minutes" in rule
            and "limit_minutes" in rule
            and _d(rule["cutoff_minutes"]) < _d(rule["limit_minutes"])
        ):
            yield Issue((*rp, "cutoff_minutes"), "截止时间早于时限", "cut-off is before the limit")
    elif kind == "deduction":
        if _d(rule["per"]) <= 0:
            yield Issue((*rp, "per"), "每次扣分必须大于 0", "marks per violation must be above 0")
    elif kind == "exam" and _d(rule["out_of"]) <= 0:
        yield Issue((*rp, "out_of"), "试卷满分必须大于 0", "the paper's maximum must be above 0")


def _difficulties(a: dict[str, Any]) -> list[Decimal] | None:
    """The allowed difficulties of a declared-difficulty aspect: a grade-mode measurement with
    max 0 whose labels are positive numbers (entry then accepts only those); None if it is not one."""
    rule = a.get("rule", {})
    if a["type"] != "measurement" or rule.get("mode") != "grade" or _d(a["max_mark"]) != 0:
        return None
    try:
        values = [Decimal(str(g["label"])) for g in rule.get("grades", [])]
    except InvalidOperation:
        return None
    return values if values and all(v.is_finite() and v > 0 for v in values) else None


def _check_declared(aspects: dict[str, tuple[Path, dict[str, Any], bool]], whole: bool) -> Iterator[Issue]:
    """Each judgement's factor_from names a declared-difficulty aspect of the same event.

    `aspects` maps code → (path, aspect, sound); only sound aspects are checked or looked into, and a
    missing source is reported only when every code of the event could be read (`whole`).
    """
    for code, (ap, a, sound) in aspects.items():
        src = a.get("rule", {}).get("factor_from") if sound and a["type"] == "judgement" else None
        if not src:
            continue
        where = (*ap, "rule", "factor_from")
        if a["rule"].get("combine", "mean") != "sum":
            yield Issue(
                where,
                "申报难度系数只能用于求和方式（combine sum）的评价项，与“系数”一样相乘",
                "a declared difficulty multiplies like factor: only with combine sum",
            )
        if src == code or src not in aspects:
            if whole or src == code:
                yield Issue(
                    where,
                    f"难度系数来源“{src}”不是本项目的另一个评分项",
                    f"factor_from '{src}' is not another aspect of this event",
                )
        elif aspects[src][2] and _difficulties(aspects[src][1]) is None:
            yield Issue(
                where,
                f"难度系数来源“{src}”必须是满分为 0 的等级测量项，各等级为允许的难度系数（如 2.0、3.2）",
                f"factor_from '{src}' must be a grade-mode measurement aspect with max_mark 0 whose "
                "grade labels are the allowed difficulties (e.g. 2.0, 3.2)",
            )


def _counts_toward_max(a: dict[str, Any]) -> bool:
    """Penalty-only aspects (max 0: time over limit, conduct deductions) do not add to the maximum."""
    return _d(a["max_mark"]) > 0


class _Sound:
    """Which values the meaning checks may rely on: those not at or below a path that the structure
    check (or a reader) found broken. A check that needs a broken value is skipped, not guessed."""

    def __init__(self, broken: Iterable[Path]):
        self.broken = {tuple(p) for p in broken}

    def ok(self, path: Path) -> bool:
        return not self.broken or not any(path[:n] in self.broken for n in range(len(path) + 1))

    def clean(self, path: Path) -> bool:
        """ok, and nothing below it is broken either."""
        n = len(path)
        return self.ok(path) and not any(len(b) > n and b[:n] == path for b in self.broken)

    def code(self, node: dict[str, Any], path: Path, key: str = "code") -> str | None:
        value = node.get(key)
        return value if isinstance(value, str) and self.ok((*path, key)) else None

    def items(self, node: Any, key: str, path: Path) -> tuple[list[tuple[Path, dict[str, Any]]], bool]:
        """The objects of a list field with their paths, and whether the whole list could be read."""
        items = node.get(key, []) if isinstance(node, dict) else None
        if not isinstance(items, list):
            return [], False
        out = [((*path, key, i), x) for i, x in enumerate(items) if isinstance(x, dict)]
        whole = self.ok((*path, key)) and len(out) == len(items) and all(self.ok(p) for p, _ in out)
        return [(p, x) for p, x in out if self.ok(p)], whole


class _Codes:
    """The codes of one event's scheme by level, and whether every one of them could be read."""

    def __init__(self, sound: _Sound, whole: bool):
        self.s = sound
        self.whole = whole
        self.levels: dict[str, list[tuple[Path, str]]] = {
            "component": [],
            "criterion": [],
            "sub_criterion": [],
            "aspect": [],
        }

    def note(self, level: str, node: dict[str, Any], path: Path) -> str | None:
        code = self.s.code(node, path)
        if code is None:
            self.whole = False
        else:
            self.levels[level].append(((*path, "code"), code))
        return code


def _label(node: dict[str, Any]) -> str:
    name = node.get("name")
    return name if isinstance(name, str) else str(node.get("code", ""))


def check_meaning(
    data: dict[str, Any], broken: Iterable[Path] = (), partial: Iterable[Path] = ()
) -> list[Issue]:
    """Checks that need the whole package: unique codes, references, sums.

    They run on whatever could be read: `broken` paths (structure problems, unreadable cells) and
    everything below them are left out, and a check that depends on one is skipped, so that one
    round of import reports every problem without inventing consequences. An event in `partial`
    lost scheme rows while being read: its sums, weights and references to its codes are not checked.
    """
    s = _Sound(broken)
    partial = {tuple(p) for p in partial}
    issues: list[Issue] = []
    events, events_whole = s.items(data, "events", ())
    event_codes = [(((*ep, "code")), s.code(e, ep)) for ep, e in events]
    events_whole = events_whole and all(code is not None for _, code in event_codes)
    issues += _dupes([(p, code) for p, code in event_codes if code is not None], "项目代码", "event code")
    scopes: dict[str, set[str]] = {}
    whole_codes: dict[str, bool] = {}  # event code → every code of its scheme could be read
    for ep, e in events:
        read_whole = ep not in partial
        components, whole = s.items(e, "components", ep)
        codes = _Codes(s, read_whole and whole)
        types_whole = read_whole and whole
        weights_ok = read_whole and whole
        weights = Decimal(0)
        by_code: dict[str, tuple[Path, dict[str, Any], bool]] = {}
        has_time = False
        for cp, c in components:
            codes.note("component", c, cp)
            if s.ok((*cp, "weight")):
                weights += _d(c.get("weight", 1))
            else:
                weights_ok = False
            sum_ok = read_whole and "max_mark" in c and s.ok((*cp, "max_mark"))
            total = Decimal(0)
            criteria, whole = s.items(c, "criteria", cp)
            sum_ok = sum_ok and whole
            codes.whole = codes.whole and whole
            types_whole = types_whole and whole
            for kp, cr in criteria:
                codes.note("criterion", cr, kp)
                subs, whole = s.items(cr, "sub_criteria", kp)
                sum_ok, codes.whole, types_whole = (
                    sum_ok and whole,
                    codes.whole and whole,
                    types_whole and whole,
                )
                for sp, sub in subs:
                    codes.note("sub_criterion", sub, sp)
                    aspects, whole = s.items(sub, "aspects", sp)
                    sum_ok, codes.whole, types_whole = (
                        sum_ok and whole,
                        codes.whole and whole,
                        types_whole and whole,
                    )
                    for ap, a in aspects:
                        code = codes.note("aspect", a, ap)
                        mark_ok = "max_mark" in a and s.ok((*ap, "max_mark"))
                        type_ok = "type" in a and s.ok((*ap, "type"))
                        if not mark_ok:
                            sum_ok = False
                        elif _counts_toward_max(a):
                            total += _d(a["max_mark"])
                        if type_ok:
                            has_time = has_time or a["type"] == "time"
                        else:
                            types_whole = False
                        sound = mark_ok and type_ok and s.clean((*ap, "rule"))
                        if sound:
                            issues += _check_rule(ap, a)
                        if code is not None:
                            by_code.setdefault(code, (ap, a, sound))
            if sum_ok and total != _d(c["max_mark"]):
                issues.append(
                    Issue(
                        (*cp, "max_mark"),
                        f"“{_label(c)}”满分写的是 {c['max_mark']}，但各评分项满分之和是 {total}",
                        f"'{_label(c)}' says max {c['max_mark']} but its aspects add up to {total}",
                    )
                )
        if weights_ok and len(components) > 1 and weights != 1:
            issues.append(
                Issue(
                    (*ep, "components"),
                    f"项目“{_label(e)}”各组成部分权重之和是 {weights}，应为 1（例如 0.3 + 0.7）",
                    f"component weights of '{_label(e)}' add up to {weights}, not 1 (e.g. 0.3 + 0.7)",
                )
            )
        all_codes = [item for level in codes.levels.values() for item in level]
        issues += _dupes(all_codes, "代码", "code")
        kinds = {level: {code for _, code in items} for level, items in codes.levels.items()}
        event_code = s.code(e, ep)
        if event_code is not None:
            scopes.setdefault(event_code, {code for _, code in all_codes})
            whole_codes.setdefault(event_code, codes.whole)
        ranking = e.get("ranking", {})
        ties = ranking.get("tie_breaks", []) if isinstance(ranking, dict) else []
        for ti, tb in enumerate(ties if isinstance(ties, list) else []):
            where = (*ep, "ranking", "tie_breaks", ti)
            if not isinstance(tb, str) or not s.ok(where):
                continue
            if tb == "time":
                if types_whole and not has_time:
                    issues.append(
                        Issue(
                            where, "并列规则“time”需要一个计时评分项", "tie-break 'time' needs a time aspect"
                        )
                    )
                continue
            kind, _, code = tb.partition(":")
            if codes.whole and kind in kinds and code not in kinds[kind]:
                issues.append(
                    Issue(
                        where,
                        f"并列规则“{tb}”引用了不存在的{FIELD_ZH.get(kind, kind)}“{code}”",
                        f"tie-break '{tb}' refers to a {kind} '{code}' that does not exist",
                    )
                )
        issues += _check_declared(by_code, codes.whole)
    contestants, _ = s.items(data, "contestants", ())
    issues += _dupes(
        [((*p, "reg_no"), code) for p, x in contestants if (code := s.code(x, p, "reg_no")) is not None],
        "参赛证号",
        "registration number",
    )
    issues += _dupes(
        [((*p, "code"), code) for p, x in contestants if (code := s.code(x, p)) is not None], "加密号", "code"
    )
    stations = [
        ((*p, "station"), f"{x['event']}/{x['station']}")
        for p, x in contestants
        if x.get("station") and s.code(x, p, "station") is not None and s.code(x, p, "event") is not None
    ]
    issues += _dupes(stations, "机位号", "station")
    for p, x in contestants:
        event = s.code(x, p, "event")
        if event is not None and events_whole and event not in scopes:
            issues.append(Issue((*p, "event"), f"项目“{event}”不存在", f"event '{event}' does not exist"))
    judges, _ = s.items(data, "judges", ())
    issues += _dupes(
        [((*p, "code"), code) for p, j in judges if (code := s.code(j, p)) is not None],
        "裁判代码",
        "judge code",
    )
    for p, j in judges:
        pin_hash = s.code(j, p, "pin_hash")
        if pin_hash and not valid_pin_hash(pin_hash):
            issues.append(Issue((*p, "pin_hash"), "PIN 哈希已损坏", "the PIN hash is damaged"))
        assignments, _ = s.items(j, "assignments", p)
        for ap, asg in assignments:
            event = s.code(asg, ap, "event")
            if event is None:
                continue
            if event not in scopes:
                if events_whole:
                    issues.append(
                        Issue((*ap, "event"), f"项目“{event}”不存在", f"event '{event}' does not exist")
                    )
                continue
            scope = asg.get("scope", ["*"])
            if not whole_codes[event] or not isinstance(scope, list) or not s.ok((*ap, "scope")):
                continue
            for code in scope:
                if isinstance(code, str) and code != "*" and code not in scopes[event]:
                    issues.append(
                        Issue(
                            (*ap, "scope"),
                            f"分工里的“{code}”不是项目 {event} 的评分模块或评分项",
                            f"'{code}' in the assignment is not a criterion or aspect of event {event}",
                        )
                    )
    return issues


def check(data: Any, broken: Iterable[Path] = (), partial: Iterable[Path] = ()) -> list[Issue]:
    """Every problem of a package in one list: the structure's, then the meaning's.

    The meaning checks run even when the structure has problems, on the parts that could be read
    (see `check_meaning`); `broken` and `partial` add what a reader already knows to be unreadable.
    """
    issues, found = _structure(data)
    if not isinstance(data, dict):
        return issues
    try:
        meaning = check_meaning(data, found | {tuple(p) for p in broken}, partial)
    except ArithmeticError:  # a decimal with an absurd exponent or length
        meaning = [
            Issue((), "文件中有过大或无效的数值", "the file holds a number that is too large or invalid")
        ]
    except (KeyError, TypeError, AttributeError, ValueError):
        if not issues:
            raise  # a package with a sound structure must never get here: that is a bug to see
        meaning = []  # a shape no guard foresaw: the structure problems are reported on their own
    seen = {(i.path, i.zh) for i in issues}
    return [*issues, *(i for i in meaning if (i.path, i.zh) not in seen)]
