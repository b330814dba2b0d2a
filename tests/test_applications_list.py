"""The applications list: search by number, company or INN, status and region filters, pages."""
from __future__ import annotations

from tests.conftest import login
from tests.test_tasklist import GEMS, HONEY, at_check, model, new  # noqa: F401

CHECK = "Проверка Заявки в ЦПЭ"


def listing(client, **args) -> str:
    response = client.get("/applications", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed(html: str, instance) -> bool:
    return f'href="/applications/{instance.id}"' in html


def test_search_by_number_company_name_or_inn(client, users, model):
    romashka, honey = at_check(), at_check(HONEY)
    login(client, "mo@test.ru")
    by_number = listing(client, q=f"№ {honey.id}")
    assert listed(by_number, honey) and not listed(by_number, romashka) and "Всего: 1" in by_number
    by_name = listing(client, q="сибирский")
    assert listed(by_name, honey) and not listed(by_name, romashka)
    by_inn = listing(client, q="7707083893")
    assert listed(by_inn, romashka) and not listed(by_inn, honey)
    assert "Ничего не найдено" in listing(client, q="нет такой компании")


def test_status_and_region_filters(client, users, model):
    drafted, checked, urals = new(), at_check(), at_check(GEMS)
    login(client, "mo@test.ru")
    in_check = listing(client, status="На рассмотрении ЦПЭ")
    assert listed(in_check, checked) and listed(in_check, urals) and not listed(in_check, drafted)
    only_66 = listing(client, region="66")
    assert listed(only_66, urals) and not listed(only_66, checked) and 'name="region"' in only_66


def test_a_region_bound_user_cannot_widen_the_list_with_the_region_filter(client, users, model):
    ours, urals = at_check(), at_check(GEMS)
    login(client, "cpe77@test.ru")
    html = listing(client, region="66")  # ignored: a ЦПЭ user sees 77 only
    assert listed(html, ours) and not listed(html, urals) and 'name="region"' not in html


def test_pages_of_fifty_keep_the_search(client, users, model):
    for _ in range(51):
        new()
    new(HONEY)
    login(client, "mo@test.ru")
    first = listing(client, q="ромашка")
    assert "1–50 из 51" in first and "q=%D1%80%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0" in first
    second = listing(client, q="ромашка", page=2)
    assert "51–51 из 51" in second and "Предыдущая страница" in second and "Следующая страница" not in second


def test_the_region_filter_is_a_select_of_region_names(client, users, model):
    at_check(GEMS)
    login(client, "mo@test.ru")
    html = listing(client, region="66")
    region_select = html.split('<select id="region" name="region">')[1].split("</select>")[0]
    assert '<option value="66" selected>Свердловская область</option>' in region_select
    assert '<option value="77">г. Москва</option>' in region_select and region_select.count("<option") == 86
    assert "Свердловская область" in html.split("<tbody>")[1]  # the region column by name, too


def test_a_saved_filter_of_the_applications_list_reopens_it(client, users, model):
    romashka, urals = at_check(), at_check(GEMS)
    login(client, "mo@test.ru")
    response = client.post("/applications/filters", data={"name": "Урал", "region": "66", "q": "самоцветы",
                                                         "page": "2", "section": "mine"})
    assert response.status_code == 303 and response.headers["Location"] == "/applications?q=%D1%81%D0%B0%D0%BC%D0" \
        "%BE%D1%86%D0%B2%D0%B5%D1%82%D1%8B&region=66"
    html = listing(client)
    assert ">Урал</a>" in html
    reopened = client.get(response.headers["Location"]).get_data(as_text=True)
    assert listed(reopened, urals) and not listed(reopened, romashka)
    # The task list keeps its own filters: the same name is free there, and this one is not listed.
    assert ">Урал</a>" not in client.get("/tasks").get_data(as_text=True)
    assert client.post("/tasks/filters", data={"name": "Урал"}).status_code == 303
    saved_id = html.split('action="/applications/filters/')[1].split("/")[0]
    assert client.post(f"/tasks/filters/{saved_id}/delete").status_code == 404  # not the task list's
    assert client.post(f"/applications/filters/{saved_id}/delete").status_code == 303
    assert ">Урал</a>" not in listing(client)
