"""Known ways out of a Python sandbox, tried in every place model code runs.

Each escape would write a marker file or read a secret from the environment if it got through.
Every one must be refused when the model is loaded (deploy) or fail when it runs, and leave no
marker and no secret anywhere in what comes back.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

import pytest

from app.engine import EngineError, ModelInvalid
from tests.conftest import FIXTURES

SMALL = (FIXTURES / "small" / "small.bpmn").read_text()
SECRET = "sandbox-secret-4f9a"

_IMPORT = '(b["__import__"] if type(b) is dict else b.__import__)'
_WRAP_CLOSE = '[c for c in {base}.__subclasses__() if c.__name__ == "_wrap_close"][0].__init__.__globals__'
# Escapes that work in plain Python (test_the_corpus_escapes_plain_python shows it): each writes
# {marker} or reads SANDBOX_SECRET. The walk through a generator's frame is the one that was found.
ESCAPES = {
    "frame walk": f'[{_IMPORT}("os").system("touch {{marker}}") for g in [None] '
                  'for g in [(g.gi_frame.f_back for i in [1])] for f in [next(g)] for b in [f.f_globals["__builtins__"]]]',
    "frame walk with :=": '(g := (g.gi_frame.f_back for i in [1])) and (f := next(g)) and '
                          f'(b := f.f_globals["__builtins__"]) and {_IMPORT}("os").system("touch {{marker}}")',
    "format walk": '"{{0.__globals__[_months].sys.modules[os].environ[SANDBOX_SECRET]}}".format(deadline)',
    "class mro": _WRAP_CLOSE.format(base="().__class__.__mro__[1]") + '["system"]("touch {marker}")',
    "type()": _WRAP_CLOSE.format(base="type(()).__mro__[1]") + '["system"]("touch {marker}")',
    "lambda closure": '[c.cell_contents for c in deadline.__closure__][0].__class__.__init__.__globals__'
                      '["__builtins__"]["__import__"]("os").system("touch {marker}")',
    "getattr with a built string": 'getattr(deadline, "__glo" + "bals__")["_months"].sys.modules["os"]'
                                   '.system("touch {marker}")',
    "f-string": 'f"{{deadline.__globals__[\'_months\'].sys.modules[\'os\'].environ[\'SANDBOX_SECRET\']}}"',
    "vars": 'vars(__import__("os"))["system"]("touch {marker}")',
    "dir": '[getattr(deadline, n) for n in dir(deadline) if n == "__globals__"][0]["_months"].sys.modules["os"]'
           '.system("touch {marker}")',
    "import": '__import__("os").system("touch {marker}")',
    "open": 'open("{marker}", "w").write("x")',
    "function globals": 'deadline.__globals__["_months"].sys.modules["os"].environ["SANDBOX_SECRET"]',
}
SCRIPT_ESCAPES = {
    "frame walk": 'g = (g.gi_frame.f_back for i in [1])\nf = next(g)\nb = f.f_globals["__builtins__"]\n'
                  f'{_IMPORT}("os").system("touch {{marker}}")',
    "decorator": f'@(lambda f: [{_IMPORT}("os").system("touch {{marker}}") for b in [f.__globals__["__builtins__"]]])'
                 '\ndef f():\n    pass',
    "exception traceback": 'try:\n    1 / 0\nexcept ZeroDivisionError as e:\n'
                           '    e.__traceback__.tb_frame.f_globals["__builtins__"]["open"]("{marker}", "w")',
    "import statement": 'import os\nos.system("touch {marker}")',
}
# Probes of the same doors that would not get out even unguarded, kept so each door stays shut.
PROBES = {
    "format through the type": 'str.format("{{0.__globals__}}", deadline)',
    "f-string format spec": 'f"{{deadline:{{deadline.__globals__}}}}"',
    "generator frame": '(x for x in [1]).gi_frame.f_back',
    "generator code": '(x for x in [1]).gi_code',
    "eval": 'eval("1")',
    "globals": 'globals()',
    "private name": '_months',
    "builtins of a function": 'deadline.__builtins__',
    "class of an int": '(1).__class__.__base__.__subclasses__()',
    "string method's self": '"".join.__self__',
    "attribute of a built-in type": 'int.from_bytes',
}
SCRIPT_PROBES = {
    "exception with_traceback": 'try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    t = e.with_traceback',
    "class statement": 'class A:\n    pass',
    "generator function": 'def g():\n    yield 1\nx = g().gi_frame',
    "global": 'global deadline\ndeadline = 1',
    "catching everything": 'try:\n    x = 1\nexcept:\n    pass',
    "nested function reaching out": 'def f():\n    return f.__globals__\nx = f()',
    "setattr on a function": 'deadline.x = 1',
}
EXPRESSIONS = {**ESCAPES, **PROBES}
SCRIPTS = {**SCRIPT_ESCAPES, **SCRIPT_PROBES, **{name: f"x = {source}" for name, source in EXPRESSIONS.items()}}
PLACES = ["condition", "timer", "payload", "pre-script", "post-script"]


def _model(place: str, source: str) -> dict[str, bytes]:
    text = SMALL
    if place == "condition":
        text = text.replace('decision == "reject"', escape(source))
    elif place == "timer":
        text = text.replace(">deadline(1)<", f">{escape(source)}<")
    elif place == "payload":
        text = text.replace('{"region": region, "reason": comment}', escape(source))
    else:
        tag = "preScript" if place == "pre-script" else "postScript"
        text = text.replace('<spiffworkflow:property name="application_status" value="На рассмотрении ЦПЭ"/>\n'
                            '      </spiffworkflow:properties>',
                            '<spiffworkflow:property name="application_status" value="На рассмотрении ЦПЭ"/>\n'
                            f'      </spiffworkflow:properties><spiffworkflow:{tag}>{escape(source)}'
                            f'</spiffworkflow:{tag}>', 1)
    assert text != SMALL, place
    return {"small.bpmn": text.encode()}


def _run(engine, files) -> list[str]:
    """Load and drive the model over the place; what came back (data, errors) as text."""
    seen = []
    try:
        model = engine.load(files)
    except ModelInvalid as exc:
        return [str(exc)]
    try:
        step = engine.start(model, "small", {"region": "77"})
        seen.append(repr(step.data))
        decision = "reject"
        step = engine.complete(model, step.state, step.tasks[0].id, {"decision": decision, "comment": "нет"})
        seen += [repr(step.data), repr(step.messages)]
    except EngineError as exc:
        seen.append(str(exc))
        return seen
    raise AssertionError(f"the model ran through: {seen}")


def _cases():
    for place in PLACES:
        corpus = SCRIPTS if place.endswith("script") else EXPRESSIONS
        for name, source in corpus.items():
            yield pytest.param(place, source, id=f"{place}: {name}")


@pytest.mark.parametrize("place, source", list(_cases()))
def test_escape_is_refused_or_fails_without_side_effects(engine, tmp_path, monkeypatch, place, source):
    marker = tmp_path / "escaped"
    monkeypatch.setenv("SANDBOX_SECRET", SECRET)
    seen = _run(engine, _model(place, source.format(marker=marker)))
    assert not marker.exists()
    assert not any(SECRET in text for text in seen), seen


def test_an_escape_in_a_decision_table_is_refused_at_deploy(engine):
    dmn = (FIXTURES / "models" / "tiny.dmn") if (FIXTURES / "models" / "tiny.dmn").exists() else None
    if dmn is None:
        pytest.skip("no DMN fixture")
    text = dmn.read_text()
    broken = text.replace("<text>", "<text>().__class__.__mro__ or ", 1)
    with pytest.raises(ModelInvalid, match="недоступ"):
        engine.load({"tiny.dmn": broken.encode(), **_model("condition", "decision == 1")})


def test_plain_model_code_still_works(engine):
    script = ("total = sum([1, 2, 3])\nnames = [n.upper() for n in ['а', 'б']]\n"
              "label = ', '.join(names) + f' ({total})'\nd = dict(a=1)\nd['b'] = 2\n"
              "ok = isinstance(d, dict) and 'a' in d and len(d) == 2")
    model = engine.load(_model("pre-script", script))
    step = engine.start(model, "small", {"region": "77"})
    task_data = engine.complete(model, step.state, step.tasks[0].id, {"decision": "approve"}).data
    assert task_data["label"] == "А, Б (6)" and task_data["ok"] is True and task_data["d"] == {"a": 1, "b": 2}


@pytest.mark.parametrize("name", [*ESCAPES, *(f"script: {n}" for n in SCRIPT_ESCAPES)])
def test_the_corpus_escapes_plain_python(tmp_path, monkeypatch, name):
    """The escapes above are real: unguarded, each writes the marker or reads the secret."""
    from app.calendar import WorkingCalendar
    from app.clock import SystemClock
    from app.engine.functions import ClientWaits, model_functions
    monkeypatch.setenv("SANDBOX_SECRET", SECRET)
    marker = tmp_path / "escaped"
    names = dict(model_functions(SystemClock(), WorkingCalendar(), ClientWaits({})))
    if name.startswith("script: "):
        exec(SCRIPT_ESCAPES[name[8:]].format(marker=marker), names)  # noqa: S102  the point of the test
        result = None
    else:
        result = eval(ESCAPES[name].format(marker=marker), names)  # noqa: S307
    assert marker.exists() or SECRET in repr(result)
