"""Synthetic competition packages of any size, for benchmarks (2,000 contestants × 40 aspects)."""

from __future__ import annotations

from typing import Any

SURNAMES = "张王李刘陈杨赵黄周吴徐孙朱胡郭何高林罗郑"
GIVEN = "伟秀英娜洋静怡帆磊晓燕俊婷强丽建华斌敏杰峰雪堃喆"


def aspect(i: int) -> dict[str, Any]:
    kind = i % 4
    if kind == 0:
        return {
            "code": f"A{i}",
            "name": f"外圆 {i}",
            "type": "measurement",
            "max_mark": "2.5",
            "rule": {
                "mode": "tolerance",
                "nominal": "24",
                "lower": "0",
                "upper": "0.021",
                "deduct": {"per": "0.01", "marks": "1"},
            },
        }
    if kind == 1:
        return {
            "code": f"A{i}",
            "name": f"工艺 {i}",
            "type": "judgement",
            "max_mark": "2.5",
            "rule": {"judges": 3},
        }
    if kind == 2:
        return {
            "code": f"A{i}",
            "name": f"粗糙度 {i}",
            "type": "measurement",
            "max_mark": "2.5",
            "rule": {
                "mode": "grade",
                "grades": [{"label": "1.6", "marks": "2.5"}, {"label": "3.2", "marks": "1"}],
            },
        }
    return {
        "code": f"A{i}",
        "name": f"螺纹 {i}",
        "type": "measurement",
        "max_mark": "2.5",
        "rule": {"mode": "gauge"},
    }


def judged_aspect(i: int) -> dict[str, Any]:
    return {
        "code": f"A{i}",
        "name": f"评价 {i}",
        "type": "judgement",
        "max_mark": "2.5",
        "rule": {"judges": 3},
    }


def package(contestants: int = 2000, aspects: int = 40, all_judged: bool = False) -> dict[str, Any]:
    make = judged_aspect if all_judged else aspect
    subs = [
        {"code": f"S{s}", "name": f"子模块 {s}", "aspects": [make(s * 10 + k) for k in range(10)]}
        for s in range(aspects // 10)
    ]
    return {
        "format": "scorer-competition",
        "format_version": 1,
        "competition": {"id": "bench", "name": "基准测试赛", "venue": "实训基地"},
        "events": [
            {
                "code": "E1",
                "name": "数控车工",
                "components": [
                    {
                        "code": "P",
                        "name": "操作技能",
                        "max_mark": str(aspects * 2.5),
                        "criteria": [{"code": "C1", "name": "加工", "sub_criteria": subs}],
                    }
                ],
            }
        ],
        "contestants": [
            {
                "reg_no": f"2026SH{i:05d}",
                "name": SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7) % len(GIVEN)],
                "organisation": "上海电气集团股份有限公司",
                "event": "E1",
                "code": f"K{i:05d}",
                "station": str(i + 1),
                "district": "闵行区",
            }
            for i in range(contestants)
        ],
        "judges": [
            {
                "code": f"J{j}",
                "name": f"裁判{j}",
                "role": "judge",
                "pin": f"{1000 + j}",
                "assignments": [{"event": "E1", "scope": ["*"]}],
            }
            for j in range(1, 6)
        ]
        + [
            {
                "code": "CHIEF",
                "name": "裁判长",
                "role": "chief",
                "pin": "9999",
                "assignments": [{"event": "E1", "scope": ["*"]}],
            },
            {"code": "COORD", "name": "赛务", "role": "coordinator", "pin": "8888"},
        ],
    }
