"""What a what-if changes against its baseline, and the report's one-paragraph summary of it:
the parameters that differ, in the analysts' words, then what the difference did to the cycle,
the deadlines and the load, and whether it is significant (the 95% interval of the difference
of replication means, ``runner.difference``, leaves out 0)."""
from __future__ import annotations

from html import escape

from ..regions import region_name
from ..roles import Role
from .charts import fmt, share
from .distributions import mean_of
from .wording import DECISION_WORDS, KIND_WORDS, step_title
from .model import SimModel

MOST = 4  # significant changes named in the summary; the table below has them all


def _staff(params: dict) -> dict[str, int | str]:
    out = {}
    regions = list(params["arrivals"]["regions"])
    for role, spec in params["staff"].items():
        label = Role(role).label
        if spec.get("unlimited"):
            out[label] = "без очереди"
        elif spec.get("per_region"):
            regional = spec.get("regions") or {}
            for code in regions:
                entry = regional.get(code, spec.get("count"))
                out[f"{label} — {region_name(code)}"] = entry.get("count", spec.get("count")) \
                    if isinstance(entry, dict) else entry
        else:
            out[label] = spec.get("count")
    return out


def _deadlines(params: dict, model: SimModel) -> dict[str, int | None]:
    out = {}
    for node in model.tasks():
        for kind, timer in node.timer_ids.items():
            days = params["deadlines"].get(timer, getattr(node, kind))
            if isinstance(days, str):
                days = params["variables"].get(days)
            out[f"{step_title(node)}, {KIND_WORDS.get(kind, kind)}"] = days
    return out


def _branches(params: dict, model: SimModel) -> dict[str, float]:
    out = {}
    for gw in (n for n in model.nodes.values() if n.kind == "xor"):
        for fid, target, value in gw.branches:
            if fid == gw.default:
                continue
            key = value or fid
            where = model.nodes[target].name if target in model.nodes else ""
            word = DECISION_WORDS.get(value, f"«{where}»")
            out[f"доля «{gw.name}» → {word}"] = (params["branches"].get(gw.id) or {}).get(key, 0.0)
    return out


def _clients(params: dict, model: SimModel) -> dict[str, tuple[float, float]]:
    out = {}
    default = params["client"]["default"]
    for node in (n for n in model.tasks() if n.role == Role.CLIENT.value or n.wait):
        spec = {**default, **params["client"]["tasks"].get(node.id, {})}
        out[f"ответ клиента, {step_title(node)}"] = (mean_of(spec["respond"]) / 24, spec.get("late_share", 0))
    return out


def changes(base: dict, other: dict, model: SimModel) -> list[str]:
    """The parameters the second scenario sets differently, each as «что: было → стало»."""
    out = []
    a, b = _staff(base), _staff(other)
    out += [f"{k}: {a.get(k, '—')} → {b.get(k, '—')} исп." for k in b if a.get(k) != b.get(k)]
    a, b = _deadlines(base, model), _deadlines(other, model)
    out += [f"{k}: {a[k]} → {b[k]} р.д." for k in b if a.get(k) != b[k]]
    a = {r: s["per_day"] for r, s in base["arrivals"]["regions"].items()}
    b = {r: s["per_day"] for r, s in other["arrivals"]["regions"].items()}
    out += [f"поток заявок, {region_name(r)}: {fmt(a.get(r, 0), 3)} → {fmt(b.get(r, 0), 3)} в день"
            for r in sorted(set(a) | set(b)) if a.get(r, 0) != b.get(r, 0)]
    a, b = _branches(base, model), _branches(other, model)
    out += [f"{k}: {share(a[k])} → {share(b[k])}" for k in b if abs(a.get(k, 0) - b[k]) > 1e-9]
    a, b = _clients(base, model), _clients(other, model)
    for k in b:
        (ma, la), (mb, lb) = a[k], b[k]
        if abs(ma - mb) > 1e-9:
            out.append(f"{k}: в среднем {fmt(ma, 1)} → {fmt(mb, 1)} дн.")
        if abs(la - lb) > 1e-9:
            out.append(f"{k}: опаздывают {share(la)} → {share(lb)}")
    if (base["horizon_days"], base["replications"]) != (other["horizon_days"], other["replications"]):
        out.append(f"период {fmt(base['horizon_days'])} → {fmt(other['horizon_days'])} дн., прогонов "
                   f"{base['replications']} → {other['replications']}")
    return out


def value(cell: dict | None, unit: str) -> str:
    if not cell or cell.get("mean") is None:
        return "—"
    return share(cell["mean"]) if unit == "share" else fmt(cell["mean"], 1) + (" дн." if unit == "days" else "")


def diff_text(diff: dict, unit: str) -> str:
    if diff.get("mean") is None:
        return "—"
    if unit == "share":
        text = f"{'+' if diff['mean'] >= 0 else ''}{fmt(diff['mean'] * 100, 1)} п.п."
        half = f" ± {fmt(diff['ci'] * 100, 1)}" if diff.get("ci") is not None else ""
        return text.replace(" п.п.", half + "\u00a0п.п.")
    text = f"{'+' if diff['mean'] >= 0 else ''}{fmt(diff['mean'], 2)}"
    return text + (f" ± {fmt(diff['ci'], 2)}" if diff.get("ci") is not None else "") + (" дн." if unit == "days" else "")


def summary(comparison: dict, base: dict, other: dict, model: SimModel) -> str:
    """One paragraph of HTML: what changed, what it did, whether that is significant."""
    changed = changes(base["params"], other["params"], model)
    what = ("; ".join(changed) if changed else "параметры не отличаются").rstrip(".") + "."
    rows = comparison["rows"]
    cycle = next(r for r in rows if r["label"].startswith("Длительность цикла"))
    verdict = ("различие значимо (95% интервал разности не содержит ноль)" if cycle["diff"].get("significant")
               else "различие не значимо: при таком числе прогонов оно может быть случайным")
    text = (f"«{escape(comparison['other'])}» против «{escape(comparison['base'])}». Изменено: {escape(what)} "
            f"Средняя длительность цикла: {value(cycle['a'], 'days')} → {value(cycle['b'], 'days')} "
            f"(разность {diff_text(cycle['diff'], 'days')}) — {verdict}.")
    significant = sorted((r for r in rows if r is not cycle and r["diff"].get("significant")),
                         key=lambda r: -abs(r["diff"]["mean"] / (r["diff"]["ci"] or 1)))
    if significant:
        named = "; ".join(f"{escape(r['label'][0].lower() + r['label'][1:])}: {value(r['a'], r['unit'])} → "
                          f"{value(r['b'], r['unit'])}" for r in significant[:MOST])
        more = f" и ещё {len(significant) - MOST} (см. таблицу)" if len(significant) > MOST else ""
        text += f" Значимо изменились: {named}{more}."
    else:
        text += " Других значимых изменений нет."
    return f'<p class="summary">{text}</p>'
