"""Outputs of a run: a self-contained HTML report, the JSON summary, the event log as CSV."""
from __future__ import annotations

import csv
import json
from html import escape
from pathlib import Path

from . import charts, diagram

STYLE = """body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.2rem}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
td:first-child,th:first-child{text-align:left}.bad{color:#b03a2e;font-weight:600}.sig{font-weight:600}
.chart{width:100%;max-width:680px;display:block;margin:.5rem 0}.t{font-size:13px;font-weight:600}.a{font-size:10px}
.diagram{width:100%;border:1px solid #ddd}.label{font-size:11px;text-align:center;line-height:1.1}
.grid{display:flex;flex-wrap:wrap;gap:1rem}.muted{color:#666}"""


def num(value, digits: int = 1, percent: bool = False) -> str:
    if value is None:
        return "—"
    if percent:
        value = value * 100
    return f"{value:.{digits}f}".replace(".", ",")


def ci(cell: dict, digits: int = 1, percent: bool = False) -> str:
    if not cell or cell.get("mean") is None:
        return "—"
    text = num(cell["mean"], digits, percent)
    if cell.get("ci") is not None:
        text += f" ± {num(cell['ci'], digits, percent)}"
    return text + ("%" if percent else "")


def _headline(results: list[dict]) -> str:
    head = "".join(f"<th>{escape(r['name'])}</th>" for r in results)
    rows = [("Заявок в статистике (за прогон)", "cases", 0, False), ("Цикл, среднее, дн.", "cycle_mean", 1, False),
            ("Цикл, медиана, дн.", "cycle_p50", 1, False), ("Цикл, p90, дн.", "cycle_p90", 1, False),
            ("Цикл, p95, дн.", "cycle_p95", 1, False), ("Пропускная способность, заявок/нед.", "throughput_week", 2, False)]
    body = "".join(f"<tr><td>{label}</td>" + "".join(f"<td>{ci(r[key], d, p)}</td>" for r in results) + "</tr>"
                   for label, key, d, p in rows)
    outcomes = sorted({k for r in results for k in r["outcomes"]})
    for key in outcomes:
        label = next(r["outcomes"][key]["label"] for r in results if key in r["outcomes"])
        body += f"<tr><td>Исход «{escape(label)}»</td>" + "".join(
            f"<td>{ci(r['outcomes'].get(key), 1, True)}</td>" for r in results) + "</tr>"
    little = results[0]["little"]
    return (f"<table><tr><th>Показатель (95% ДИ по прогонам)</th>{head}</tr>{body}</table>"
            f"<p class=muted>Закон Литтла (первый сценарий): L = {num(little['L']['mean'], 2)} заявок в работе, "
            f"λ·W = {num(little['lambda_per_day']['mean'] * (little['W_days']['mean'] or 0), 2)}.</p>")


def _comparison(comparison: dict) -> str:
    rows = "".join(
        f"<tr><td>{escape(r['label'])}</td><td>{ci(r['a'], 3)}</td><td>{ci(r['b'], 3)}</td>"
        f"<td class='{'sig' if r['diff'].get('significant') else ''}'>{ci(r['diff'], 3)}</td></tr>"
        for r in comparison["rows"])
    return (f"<h2>Сравнение: «{escape(comparison['other'])}» против «{escape(comparison['base'])}»</h2>"
            "<p class=muted>Разность — второй минус первый, с 95% интервалом; жирным — интервал не содержит 0. "
            "Доли — от 0 до 1.</p>"
            f"<table><tr><th>Показатель</th><th>{escape(comparison['base'])}</th><th>{escape(comparison['other'])}</th>"
            f"<th>Разность</th></tr>{rows}</table>")


def _steps(result: dict) -> str:
    rows = []
    for tid, s in result["steps"].items():
        if not s["n"] and not s["timeouts"]:
            continue
        rows.append(f"<tr><td>{escape(s['step'] or '')} {escape(s['name'])}</td><td>{num(s['n'], 1)}</td>"
                    f"<td>{num(s['timeouts'], 1)}</td><td>{ci(s['client_days'], 2)}</td><td>{ci(s['wait_days'], 2)}</td>"
                    f"<td>{ci(s['work_days'], 2)}</td><td>{ci(s['indicative_breach'], 1, True)}</td>"
                    f"<td>{ci(s['normative_breach'], 1, True)}</td></tr>")
    return ("<table><tr><th>Шаг</th><th>Выполнено</th><th>Истекло ожидание</th><th>Ответ клиента, дн.</th>"
            "<th>Очередь, дн.</th><th>Работа, дн.</th><th>Нарушен индикативный</th><th>Нарушен нормативный</th></tr>"
            + "".join(rows) + "</table>")


def _utilisation(results: list[dict]) -> str:
    labels = sorted({k for r in results for k in r["utilisation"]})
    rows = [(label, [r["utilisation"].get(label, {}).get("mean") for r in results],
             [r["utilisation"].get(label, {}).get("ci") for r in results]) for label in labels]
    flagged = [f"{label} ({r['name']})" for r in results for label, u in r["utilisation"].items() if u["overloaded"]]
    warning = (f"<p class=bad>Перегружены (загрузка выше 85%): {escape(', '.join(flagged))}</p>" if flagged
               else "<p>Перегруженных ресурсов нет (порог 85%).</p>")
    return warning + charts.bars(rows, "Загрузка исполнителей по ролям и регионам", [r["name"] for r in results],
                                 limit=1.0, mark=0.85)


def html(results: list[dict], files: dict[str, bytes], comparison: dict | None = None) -> str:
    first = results[0]
    names = [r["name"] for r in results]
    steps = [tid for tid, s in first["steps"].items() if s["n"]]
    breach_rows = []
    for kind, word in (("normative_breach", "норм."), ("indicative_breach", "инд.")):
        for tid in steps:
            cells = [r["steps"].get(tid, {}).get(kind) or {} for r in results]
            breach_rows.append((f"{first['steps'][tid]['name']} ({word})", [c.get("mean") for c in cells],
                                [c.get("ci") for c in cells]))
    parts = [f"<!doctype html><html lang=ru><head><meta charset=utf-8><title>Симуляция: {escape(' / '.join(names))}</title>"
             f"<style>{STYLE}</style></head><body><h1>Симуляция процесса «{escape(first['process'])}»</h1>"]
    p = first["params"]
    parts.append(f"<p>Прогонов: {first['replications']}; горизонт {p['horizon_days']} дн. с {escape(str(p['start']))}, "
                 f"разгон {p['warmup_days']} дн. (не входит в статистику); seed {p['seed']}.</p>")
    for note in first["notes"]:
        parts.append(f"<p class=muted>{escape(note)}</p>")
    parts.append(_headline(results))
    if comparison:
        parts.append(_comparison(comparison))
    parts.append("<h2>Длительность цикла</h2><div class=grid>")
    for r in results:
        parts.append(charts.histogram(r["histogram"]["edges"], r["histogram"]["counts"], f"Цикл: {r['name']}"))
    parts.append("</div><h2>Нарушения сроков по шагам</h2>")
    parts.append(charts.bars(breach_rows, "Доля нарушений сроков", names))
    parts.append("<h2>Загрузка</h2>" + _utilisation(results))
    parts.append("<h2>Заявки в работе</h2>")
    parts.append(charts.line([r["wip"]["mean"] for r in results], first["wip"]["interval_days"],
                             "Заявок в работе (среднее по прогонам)", names, shade_until=first["wip"]["warmup_days"]))
    for r in results:
        shares = {tid: s["normative_breach"]["mean"] for tid, s in r["steps"].items()}
        parts.append(f"<h2>Схема: доля нарушений нормативного срока — {escape(r['name'])}</h2>")
        parts.append(diagram.render(files, r["process"], shares))
        parts.append(f"<h2>Шаги — {escape(r['name'])}</h2>" + _steps(r))
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
