"""Valid sample answers for every form: the demo data of ``vitrina setup`` and the tests' input.

``sample(form, **changes)`` returns a fresh dict, so callers can adjust a field freely.
"""
from __future__ import annotations

import copy

_ROADMAP = [
    {"stage": "1", "step": "Консультирование об условиях размещения", "responsible": "ЦПЭ, Иванова А. А.",
     "start": "2026-01-12", "due": "2026-02-02"},
    {"stage": "2", "step": "Предоставление Оператору материалов о товаре", "responsible": "Клиент, Петров П. П.",
     "start": "2026-02-03", "due": "2026-02-16"},
    {"stage": "3", "step": "Размещение товара на площадке, отчёт Клиенту и ЦПЭ",
     "responsible": "Оператор, Сидоров С. С.", "start": "2026-02-17", "due": "2026-03-16"},
]

# Appendix 2 answers of a well-prepared exporter: 70+ points with the shipped scoring.dmn.
_SCORING = {
    "ships_before_deal": True, "foreign_entity": False, "export_eaeu_only": True, "export_other_countries": True,
    "fea_specialist": True, "fea_specialist_languages": True, "fea_department": False,
    "marketplace_experience": True, "marketplace_experience_details": "Ozon Global, 1 млн руб. в 2024 г.",
    "marketplace_staff": True, "ready_to_hire_marketplace_staff": True, "no_certificates_needed": False,
    "certificates_available": True, "ready_for_certification": True, "foreign_language_materials": True,
    "finances_not_planned": False, "capacity_sufficient": True, "ecommerce_budget": True,
    "adaptation_resources": True, "relies_on_state_only": False, "needs_adaptation": True, "ready_to_adapt": True,
    "adapted": False, "adapt_when_demand": False, "china_packaging_adapted": False, "china_packaging_ready": True,
    "china_name_adapted": False, "china_name_ready": True, "china_trademark_registered": False,
    "china_trademark_filed": True, "product_group_1": "Дорогие продукты питания",
    "product_group_2": "Джемы", "product_group_3": "Ничего из вышеперечисленного", "shelf_life_9m": True,
    "needs_reefer": False, "dry_container_ok": True, "no_special_conditions": True,
}

_SAMPLES = {
    "scoring": _SCORING,
    "application_questionnaire": {**_SCORING,
        "company_name": "ООО «Ромашка»", "company_ogrn": "1027700132195", "company_inn": "7707083893",
        "legal_address": "г. Москва, ул. Тверская, д. 1", "actual_address": "г. Москва, ул. Тверская, д. 1",
        "website": "https://romashka.example", "head_name": "Петров Пётр Петрович", "head_position": "Генеральный директор",
        "contact_person": "Иванова Анна", "contact_phone": "+7 495 123-45-67", "contact_email": "anna@romashka.example",
        "export_experience": "one_off", "export_countries_volumes": "Казахстан, 2 млн руб. в 2024 г.",
        "products_description": "Мёд цветочный, 250 г", "okved_codes": ["10.89.9"], "tnved_codes": ["0409000000"],
        "application_field": "Пищевая продукция", "target_countries": "Китай, ОАЭ", "certified": True,
        "ecommerce_home": True, "ecommerce_home_marketplaces": "Ozon", "ecommerce_abroad": False,
        "trade_types": ["b2c"], "ready_to_pay": True, "budget": "50_150", "signatory_authorised": True,
    },
    "application_check": {"decision": "approve"},
    "remarks_to_client": {"remarks": "Укажите ОГРН и приложите доверенность подписанта"},
    "application_rework": {"answer": "ОГРН указан, доверенность приложена"},
    "refusal_notice": {"refusal_reason": "Компания не относится к субъектам МСП", "offer_consultation": True},
    "application_approval": {"decision": "approve"},
    "originals_receipt": {"received_on": "2025-11-20", "delivery_method": "courier", "complete_set": True},
    "selection": {"decision": "approve", "selection_protocol": "Протокол № 7 от 25.11.2025"},
    "agreement": {
        "decision": "approve", "operator_id": 1, "operator_name": "ООО «Экспорт Онлайн»", "agreement_number": "С-12/2025",
        "agreement_date": "2025-12-01", "agreement_end": "2026-05-31", "report_period_months": 1,
        "report_days": 10, "agreement_scan": "doc-agreement-1",
    },
    "service_approval": {"decision": "approve"},
    "service_remarks": {"changes": "Исправлены реквизиты Оператора", "agreement_scan": "doc-agreement-2"},
    "roadmap": {"roadmap_steps": _ROADMAP},
    "roadmap_approval": {"decision": "approve"},
    "roadmap_correction": {"roadmap_steps": _ROADMAP, "changes": "Сдвинуты сроки этапа 3"},
    "roadmap_execution": {"placed_on": ["Tmall Global"], "done_note": "Карточки товаров опубликованы"},
    "act_upload": {
        "act_date": "2026-03-20", "act_scan": "doc-act-1", "act_place": "г. Москва",
        "act_cpe_name": "Центр поддержки экспорта г. Москвы", "act_cpe_signatory": "директора Иванова И. И.",
        "act_cpe_basis": "устава", "act_operator_name": "ООО «Экспорт Онлайн»",
        "act_company_name": "ООО «Ромашка»", "act_agreement_number": "С-12/2025",
        "act_agreement_date": "2025-12-01",
        "act_goods": [{"name": "Мёд цветочный, 250 г", "tnved": "0409000000", "marketplace": "Tmall Global",
                       "link": "https://tmall.example/item/1"}],
    },
    "service_confirmation": {"confirmed": True, "rating": 5, "feedback": "Спасибо"},
    "crm_record": {"crm_id": "CRM-2026-0001", "recorded_on": "2026-03-25"},
    "sales_report": {
        "period_end": "2026-03-31",
        "sales": [{"product": "Мёд цветочный, 250 г", "tnved": "0409000000", "marketplace": "Tmall Global",
                   "link": "https://tmall.example/item/1", "transactions_total": 12,
                   "value_last_month": 18000, "value_total": 18000}],
        "responsible": {"name": "Сидоров С. С.", "phone": "+7 495 765-43-21", "email": "report@operator.example"},
    },
    "consultation_request": {"decision": "approve", "questions": "Какие площадки подходят для мёда в Китае?"},
    "consultation": {"held_on": "2025-12-10", "format": "online", "summary": "Рекомендованы Tmall Global и JD.com"},
    "complaint_submission": {"measure": "marketplace_support", "application_number": 1, "subject": "Нарушен срок",
                             "description": "Заявку не рассмотрели в срок"},
    "complaint_registration": {"registration_number": "Ж-77/2025-001", "registered_on": "2025-10-31"},
    "complaint_answer": {"outcome": "upheld", "answer": "Заявка рассмотрена, сотруднику указано на нарушение срока"},
}


def sample(form: str, **changes) -> dict:
    data = copy.deepcopy(_SAMPLES[form])
    data.update(changes)
    return data


def forms_with_samples() -> list[str]:
    return sorted(_SAMPLES)
