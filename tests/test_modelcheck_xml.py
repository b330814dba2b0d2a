"""`vitrina check` refuses what a model file must not carry: a DOCTYPE (DTD, entities: read with no
network and no file access) and message payloads outside the sandbox."""
from __future__ import annotations

import http.server
import threading

import pytest

from app.engine import ModelInvalid
from app.modelcheck import check_files
from app.workflow.deployments import read_bundle
from tests.conftest import ROOT
from tests.test_modelcheck import FORMS, tiny, validate

PAYLOAD = '"refusal_step": "2.2"}'


@pytest.fixture
def listener():
    """A local HTTP server that counts every request a parser might make for a DTD or an entity."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY leak "fetched">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()


def with_doctype(content: bytes, doctype: str, reference: str = "") -> bytes:
    text = content.decode()
    head, rest = text.split("?>", 1)
    if reference:  # the entity used as the text of the first element's documentation
        rest = rest.replace('name="Малая заявка" isExecutable="true">',
                            f'name="Малая заявка" isExecutable="true"><bpmn:documentation>{reference}</bpmn:documentation>', 1)
    return f"{head}?>\n{doctype}{rest}".encode()


def doctypes(url: str, secret_path) -> dict[str, tuple[str, str]]:
    return {
        "external DTD": (f'<!DOCTYPE bpmn:definitions SYSTEM "{url}/model.dtd">', ""),
        "file entity": (f'<!DOCTYPE bpmn:definitions [<!ENTITY secret SYSTEM "file://{secret_path}">]>', "&secret;"),
        "network entity": (f'<!DOCTYPE bpmn:definitions [<!ENTITY % remote SYSTEM "{url}/p.dtd"> %remote;]>', "&leak;"),
        "internal entity": ('<!DOCTYPE bpmn:definitions [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>', "&b;"),
    }


@pytest.mark.parametrize("kind", ["external DTD", "file entity", "network entity", "internal entity"])
def test_a_bpmn_file_with_a_doctype_is_refused_without_reading_files_or_the_network(engine, listener, tmp_path, kind):
    url, hits = listener
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE", "utf-8")
    doctype, reference = doctypes(url, secret)[kind]
    files = tiny()
    files["tiny.bpmn"] = with_doctype(files["tiny.bpmn"], doctype, reference)
    with pytest.raises(ModelInvalid) as caught:
        validate(engine, files)  # the rules and the engine's own parse, as vitrina check does
    [refusal] = [p for p in caught.value.problems if p.rule == "xml-doctype"]
    assert refusal.file == "tiny.bpmn" and refusal.blocking and "DOCTYPE" in refusal.reason
    assert hits == []
    assert not any("TOP-SECRET" in p.reason or "fetched" in p.reason for p in caught.value.problems)


def test_a_dmn_file_with_a_doctype_is_refused_too(listener):
    url, hits = listener
    files = tiny()
    files["tiny.dmn"] = with_doctype(files["tiny.dmn"], f'<!DOCTYPE definitions SYSTEM "{url}/dmn.dtd">')
    refusals = [p for p in check_files(files, FORMS) if p.rule == "xml-doctype"]
    assert [p.file for p in refusals] == ["tiny.dmn"] and hits == []


def test_a_payload_outside_the_sandbox_is_a_finding_and_never_runs(tmp_path):
    marker = tmp_path / "marker"
    files = read_bundle(ROOT / "bpmn")
    text = files["marketplace_support.bpmn"].decode()
    assert PAYLOAD in text
    escape = f'"refusal_step": __import__("os").system("touch {marker}")}}'
    files["marketplace_support.bpmn"] = text.replace(PAYLOAD, escape, 1).encode()
    found = [p for p in check_files(files, FORMS) if p.rule == "script-sandbox"]
    assert [(p.file, p.element_id) for p in found] == [("marketplace_support.bpmn", "end_refused_cpe_2_2")]
    assert "сообщения «consultation_offer»" in found[0].reason and found[0].blocking
    assert not marker.exists()


def test_a_payload_that_is_not_python_is_a_finding_too():
    files = read_bundle(ROOT / "bpmn")
    text = files["marketplace_support.bpmn"].decode()
    files["marketplace_support.bpmn"] = text.replace(PAYLOAD, '"refusal_step": }', 1).encode()
    found = [p for p in check_files(files, FORMS) if p.rule == "script-sandbox"]
    assert [p.element_id for p in found] == ["end_refused_cpe_2_2"]
