"""Model files are read without DTDs or entities: a DOCTYPE is refused, nothing is fetched or expanded."""
from __future__ import annotations

import time

import pytest

from app.engine import ModelInvalid
from app.engine.xmlfile import DoctypeRefused, read_xml
from tests.conftest import FIXTURES

SMALL = (FIXTURES / "small" / "small.bpmn").read_text()
DOCTYPES = {
    "external entity": '<!DOCTYPE d [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
    "external DTD": '<!DOCTYPE d SYSTEM "http://127.0.0.1:9/evil.dtd">',
    "entity expansion": '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
}


def _with(doctype: str, body_entity: str = "&secret;") -> bytes:
    text = SMALL.replace('<?xml version="1.0" encoding="UTF-8"?>\n',
                         f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n', 1)
    tag = '<bpmn:process id="small" name="Малый процесс" isExecutable="true">'
    assert tag in text
    return text.replace(tag, f"{tag}<bpmn:documentation>{body_entity}</bpmn:documentation>", 1).encode()


@pytest.mark.parametrize("kind", list(DOCTYPES))
def test_a_doctype_is_refused_when_the_model_is_loaded(engine, kind):
    began = time.monotonic()
    with pytest.raises(ModelInvalid) as caught:
        engine.load({"small.bpmn": _with(DOCTYPES[kind], "&d;" if kind == "entity expansion" else "&secret;")})
    assert time.monotonic() - began < 2
    assert "DOCTYPE" in str(caught.value) and "root:" not in str(caught.value)


def test_the_reader_resolves_nothing_even_before_refusing():
    with pytest.raises(DoctypeRefused):
        read_xml(_with(DOCTYPES["external entity"]))
    root = read_xml(SMALL.encode())
    assert root.tag.endswith("definitions")
