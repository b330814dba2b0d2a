"""The application card's BPMN diagram: diagram.json, the card's markup and the vendored bpmn-js."""
from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

from app.views.vendor import BPMN_JS_FILES
from app.workflow.deployments import deploy_bundle, read_bundle
from app.workflow.instances import advance_instance, start_process
from tests.conftest import ROOT, login
from tests.helpers import complete

CHECK = "Проверка Заявки в ЦПЭ"
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


@pytest.fixture
def at_mo_approval(app, users):
    """An application of region 77 waiting for МО РЭЦ (step 3) after steps 1 and 2."""
    deploy_bundle(read_bundle(ROOT / "bpmn"), actor="owner")
    instance = start_process("marketplace_support", actor="client77@test.ru", region="77",
                             company_name="ООО «Ромашка»", company_inn="7707083893")
    instance = complete(instance, "Подача Заявки", actor="client77@test.ru")
    return complete(instance, CHECK, actor="cpe77@test.ru")


def test_diagram_json_has_the_process_xml_and_the_marked_steps(client, at_mo_approval):
    login(client, "mo@test.ru")
    response = client.get(f"/applications/{at_mo_approval.id}/diagram.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    root = etree.fromstring(data["xml"].encode())
    assert [p.get("id") for p in root.iterfind(f"{{{BPMN_NS}}}process")] == ["marketplace_support"]
    assert data["xml"] == (ROOT / "bpmn" / "marketplace_support.bpmn").read_text("utf-8")
    assert data["current"] == ["step_3_approval"]
    assert data["completed"] == ["step_1_submit", "scoring_points", "scoring_band", "scoring_advice", "step_2_check"]
    assert data["fired"] == []


def test_fired_timers_are_listed(client, app, clock, at_mo_approval):
    # Well past step 3's deadlines: the engine fires them when the instance is advanced.
    clock.advance(timedelta(days=30))
    advance_instance(at_mo_approval.id)
    login(client, "mo@test.ru")
    data = client.get(f"/applications/{at_mo_approval.id}/diagram.json").get_json()
    assert {"step_3_indicative", "step_3_normative"} <= set(data["fired"])
    assert data["current"] == ["step_3_approval"]


def test_diagram_json_follows_the_card_access_rule(client, at_mo_approval):
    url = f"/applications/{at_mo_approval.id}/diagram.json"
    assert client.get(url).status_code == 302  # login first
    for email, code in [("cpe66@test.ru", 404), ("client66@test.ru", 404), ("cpe77@test.ru", 200),
                        ("client77@test.ru", 200), ("mo@test.ru", 200)]:
        login(client, email)
        assert client.get(url).status_code == code, email
        assert client.get(f"/applications/{at_mo_approval.id}").status_code == code, email
        client.post("/logout")
    login(client, "mo@test.ru")
    assert client.get("/applications/999999/diagram.json").status_code == 404


def test_card_loads_the_viewer_from_the_app_not_a_cdn(client, at_mo_approval):
    login(client, "cpe77@test.ru")
    page = client.get(f"/applications/{at_mo_approval.id}").get_data(as_text=True)
    assert f'data-src="/applications/{at_mo_approval.id}/diagram.json"' in page
    assert '/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js?v=' in page
    assert '/static/js/diagram.js' in page
    assert "текущий шаг" in page and "выполнено" in page
    assert "https://" not in page.split("<main>")[0] and "unpkg" not in page and " onclick=" not in page


@pytest.mark.parametrize("path", sorted(BPMN_JS_FILES))
def test_vendor_serves_the_whitelisted_bpmn_js_files(client, path):
    response = client.get(f"/vendor/bpmn-js/{path}")
    assert response.status_code == 200, "run scripts/bootstrap: node_modules/bpmn-js is missing"
    assert response.mimetype == BPMN_JS_FILES[path]
    assert response.cache_control.max_age >= 30 * 24 * 3600 and response.cache_control.public
    assert response.data == (ROOT / "node_modules" / "bpmn-js" / "dist" / path).read_bytes()
    response.close()


@pytest.mark.parametrize("path", [
    "package.json", "../package.json", "..%2Fpackage.json", "../../bpmn-js/package.json", "dist/../package.json",
    "assets/../../package.json", "%2e%2e/%2e%2e/package-lock.json", "bpmn-modeler.development.js",
    "assets/", "assets/bpmn-font/font/", "/etc/passwd", "//etc/passwd", "assets\\bpmn-js.css",
])
def test_vendor_serves_nothing_else(client, path):
    # (a doubled slash is first redirected to the merged path by Werkzeug, which then is 404)
    assert client.get(f"/vendor/bpmn-js/{path}", follow_redirects=True).status_code == 404
    assert client.get("/vendor/other/x.js").status_code == 404
