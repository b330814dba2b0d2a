"""Outputs of a run: a self-contained HTML report, the JSON summary, the event log as CSV."""
from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

from datetime import date, timedelta

from ..roles import Role
from . import changes, charts, diagram, runner
from .model import compile_files

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;line-height:1.4}p{max-width:72rem}
table{border-collapse:collapse;margin:.5rem 0 1.2rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}td:last-child{white-space:nowrap}.bad{color:#b03a2e;font-weight:600}.sig{font-weight:600}
.chart{width:100%;max-width:960px;display:block;margin:.5rem 0}.half{max-width:480px}
.t{font-size:14px;font-weight:600}.a{font-size:12px}.lane{font-size:22px;font-weight:600;fill:#555}
.diagram-wrap{width:100%;overflow-x:auto;border:1px solid #ddd}.diagram{display:block}
.label{font-size:13px;text-align:center;line-height:1.1}.label b{display:block;margin-top:2px;font-size:12px}
.grid{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#666}.summary{font-size:1.05rem;background:#f5f7fb;
padding:.6rem .8rem;border-left:4px solid #2f6db5}
@media(max-width:640px){body{margin:.6rem}table{display:block;overflow-x:auto}}"""


def num(value, digits: int = 1, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        value = value * 100
    return f"{value:.{digits}f}".replace(".", ",").replace("-", "−")


def ci(cell: dict, digits: int = 1, percent: bool = False) -> str:
    if not cell or cell.get("mean") is None:
        return "—"
    text = num(cell["mean"], digits, percent)
    if cell.get("ci") is not None:
        text += f" ± {num(cell['ci'], digits, percent)}"
    return text + ("\u00a0%" if percent else "")


def _headline(results: list[dict]) -> str:
    head = "".join(f"<th>{escape(r['name'])}</th>" for r in results)
    rows = [("Заявок в статистике (за прогон)", "cases", 0, False), ("Цикл, среднее, дн.", "cycle_mean", 1, False),
            ("Цикл, медиана, дн.", "cycle_p50", 1, False), ("Цикл, 90-й процентиль, дн.", "cycle_p90", 1, False),
            ("Цикл, 95-й процентиль, дн.", "cycle_p95", 1, False),
            ("Пропускная способность, заявок в неделю", "throughput_week", 2, False)]
    body = "".join(f"<tr><td>{label}</td>" + "".join(f"<td>{ci(r[key], d, p)}</td>" for r in results) + "</tr>"
                   for label, key, d, p in rows)
    outcomes = sorted({k for r in results for k in r["outcomes"]})
    for key in outcomes:
        label = next(r["outcomes"][key]["label"] for r in results if key in r["outcomes"])
        body += f"<tr><td>Исход «{escape(label)}»</td>" + "".join(
            f"<td>{ci(r['outcomes'].get(key), 1, True)}</td>" for r in results) + "</tr>"
    little = results[0]["little"]
    return (f"<table><tr><th>Показатель (среднее ± 95% интервал по прогонам)</th>{head}</tr>{body}</table>"
            f"<p class=muted>Закон Литтла (первый сценарий): в работе в среднем {num(little['L']['mean'], 2)} заявки, "
            f"λ·W = {num(little['lambda_per_day']['mean'] * (little['W_days']['mean'] or 0), 2)}.</p>")


def _cell(cell: dict, unit: str) -> str:
    return ci(cell, 1, True) if unit == "share" else ci(cell, 2)


def _comparison(comparison: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(r['label'])}</td><td>{_cell(r['a'], r['unit'])}</td><td>{_cell(r['b'], r['unit'])}</td>"
        f"<td class='{'sig' if r['diff'].get('significant') else ''}'>{changes.diff_text(r['diff'], r['unit'])}</td></tr>"
        for r in comparison["rows"])
    return (f"<h2>Сравнение: «{escape(comparison['other'])}» против «{escape(comparison['base'])}»</h2>"
            "<p class=muted>Разность — второй сценарий минус первый, с 95% интервалом; жирным — различие значимо "
            "(интервал не содержит ноль). Для долей разность — в процентных пунктах.</p>"
            f"<table><tr><th>Показатель</th><th>{escape(comparison['base'])}</th><th>{escape(comparison['other'])}</th>"
            f"<th>Разность</th></tr>{rows}</table>")


def _steps(result: dict) -> str:
    rows = []
    for s in result["steps"].values():
        if not s["n"] and not s["timeouts"]:
            continue
        rows.append(f"<tr><td>{escape(_step(s))}</td><td>{escape(_role(s['role']))}</td><td>{num(s['n'], 1)}</td>"
                    f"<td>{num(s['timeouts'], 1)}</td><td>{ci(s['client_days'], 2)}</td><td>{ci(s['wait_days'], 2)}</td>"
                    f"<td>{ci(s['work_days'], 2)}</td><td>{ci(s['indicative_breach'], 1, True)}</td>"
                    f"<td>{ci(s['normative_breach'], 1, True)}</td></tr>")
    return ("<table><tr><th>Шаг</th><th>Исполнитель</th><th>Выполнено за прогон</th><th>Истекло ожидание</th>"
            "<th>Ответ клиента, дн.</th><th>Очередь, дн.</th><th>Работа, дн.</th><th>Нарушен индикативный срок</th>"
            "<th>Нарушен нормативный срок</th></tr>" + "".join(rows) + "</table>")


def _step(s: dict) -> str:
    return f"Шаг {s['step']}. {s['name']}" if s.get("step") else s["name"]


def _role(role: str) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role


def _utilisation(results: list[dict]) -> str:
    labels = sorted({k for r in results for k in r["utilisation"]}, key=runner.pool_name)
    rows = [(runner.pool_name(label), [r["utilisation"].get(label, {}).get("mean") for r in results],
             [r["utilisation"].get(label, {}).get("ci") for r in results]) for label in labels]
    flagged = [f"{runner.pool_name(label)} («{r['name']}»)" for r in results
               for label, u in r["utilisation"].items() if u["overloaded"]]
    warning = (f"<p class=bad>Перегружены (загрузка выше 85\u00a0%): {escape(', '.join(flagged))}</p>" if flagged
               else "<p>Перегруженных исполнителей нет (порог 85\u00a0%).</p>")
    return warning + charts.bars(rows, "Загрузка исполнителей по ролям и регионам", [r["name"] for r in results],
                                 limit=1.0, mark=0.85)


def _period(p: dict) -> str:
    start = date.fromisoformat(str(p["start"]))
    last = start + timedelta(days=float(p["horizon_days"]) - 1)
    return (f"заявки поступают с {start:%d.%m.%Y} по {last:%d.%m.%Y} ({num(p['horizon_days'], 0)} дн.), "
            f"начатые дорабатываются; первые {num(p['warmup_days'], 0)} дн. — разгон, в статистику не входят")


def html(results: list[dict], files: dict[str, bytes], comparison: dict | None = None) -> str:
    first = results[0]
    names = [r["name"] for r in results]
    process = first.get("process_name") or first["process"]
    steps = [tid for tid, s in first["steps"].items() if s["n"]]
    breach_rows = []
    for kind, word in (("normative_breach", "нормативный"), ("indicative_breach", "индикативный")):
        for tid in steps:
            cells = [r["steps"].get(tid, {}).get(kind) or {} for r in results]
            breach_rows.append((f"{_step(first['steps'][tid])} — {word}", [c.get("mean") for c in cells],
                                [c.get("ci") for c in cells]))
    parts = [f"<!doctype html><html lang=ru><head><meta charset=utf-8>"
             f"<meta name=viewport content='width=device-width, initial-scale=1'>"
             f"<title>Симуляция: {escape(' / '.join(names))}</title>"
             f"<style>{STYLE}</style></head><body><h1>Симуляция процесса «{escape(process)}»</h1>"]
    p = first["params"]
    parts.append(f"<p>Сценарии: {escape(', '.join(f'«{n}»' for n in names))}. Прогонов каждого: "
                 f"{first['replications']}; {_period(p)}.</p>")
    if comparison:
        parts.append(changes.summary(comparison, results[0], results[1], compile_files(files, first["process"])))
    for note in first["notes"]:
        parts.append(f"<p class=muted>{escape(note)}</p>")
    parts.append(_headline(results))
    if comparison:
        parts.append(_comparison(comparison))
    parts.append("<h2>Длительность цикла</h2><div class=grid>")
    for r in results:
        parts.append(charts.histogram(r["histogram"]["edges"], r["histogram"]["counts"], f"Цикл: {r['name']}"))
    parts.append("</div><h2>Нарушения сроков по шагам</h2>")
    parts.append(charts.bars(breach_rows, "Доля задач с нарушенным сроком", names))
    parts.append("<h2>Загрузка</h2>" + _utilisation(results))
    parts.append("<h2>Заявки в работе</h2>")
    parts.append(charts.line([r["wip"]["mean"] for r in results], first["wip"]["interval_days"],
                             "Заявок в работе (среднее по прогонам); серым — разгон", names,
                             shade_until=first["wip"]["warmup_days"], start=date.fromisoformat(str(p["start"]))))
    for r in results:
        figures = {tid: {"share": s["normative_breach"]["mean"], "wait": s["wait_days"]["mean"],
                         "client": s["client_days"]["mean"] if s["role"] == Role.CLIENT.value else None}
                   if s["n"] else None for tid, s in r["steps"].items()}
        parts.append(f"<h2>Схема: нарушения нормативного срока и ожидание в очереди — «{escape(r['name'])}»</h2>"
                     "<p class=muted>Цвет шага — доля нарушений нормативного срока (белый — нет, красный — все); "
                     "«ждёт» — среднее время в очереди к исполнителю. Схему можно прокручивать вбок.</p>")
        parts.append(diagram.render(files, r["process"], figures))
        parts.append(f"<h2>Шаги — «{escape(r['name'])}»</h2>" + _steps(r))
    parts.append("</body></html>")
    return "".join(parts)


def write(out: str | Path, results: list[dict], files: dict[str, bytes], comparison: dict | None = None) -> dict:
    """report.html and summary.json in `out`; returns their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.html").write_text(html(results, files, comparison), "utf-8")
    summary = {"scenarios": results, "comparison": comparison}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str), "utf-8")
    return {"report": out / "report.html", "summary": out / "summary.json"}


class EventLog:
    """The steps of the first replication as CSV (case, activity, resource, start, end), written as
    they end: pm4py reads it with ``format_dataframe(case_id="case", activity_key="activity",
    timestamp_key="end", start_timestamp_key="start")``."""

    def __init__(self, path: str | Path, time):
        self.file = open(path, "w", newline="", encoding="utf-8")
        self.writer = csv.writer(self.file)
        self.writer.writerow(["case", "activity", "resource", "start", "end", "region", "ready"])
        self.time = time

    def write(self, task, t) -> None:
        at = self.time.at
        pool = task.pool
        resource = pool.label if pool is not None else task.plan.role
        start = task.ready if task.plan.duration is None else task.start  # a client works from the moment asked
        self.writer.writerow([task.case.id, task.plan.label, resource, at(start).isoformat(timespec="seconds"),
                              at(t).isoformat(timespec="seconds"), task.case.region,
                              at(task.ready).isoformat(timespec="seconds")])

    def close(self) -> None:
        self.file.close()
