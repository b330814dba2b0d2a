"""The Act of publication of goods (Appendix 5), step 11: from the act form's values to a DOCX.

The form's own fields carry the parties and the agreement (prefilled from step 6, so a typo in
the Act never moves the agreement's report timers); the marketplaces of point 1 are those of
the goods table, in the order they first appear, so the two cannot disagree.
"""
from __future__ import annotations

from . import layout

FORM = "act_upload"
GOODS_HEADERS = ["№", "Наименование товара", "Код ТН ВЭД", "Наименование площадки",
                 "Ссылка на страницу с размещенным товаром"]
GOODS_WIDTHS_CM = [1.0, 5.0, 2.6, 3.4, 5.0]
DEFAULT_PLACE = "г. Москва"


def marketplaces(goods: list[dict]) -> list[str]:
    return list(dict.fromkeys(str(g.get("marketplace", "")).strip() for g in goods if g.get("marketplace")))


def prefill(instance, agreement: dict | None) -> dict:
    """What the Act knows before anyone types: the company, the region's ЦПЭ and step 6's agreement."""
    agreement = agreement or {}
    return {"act_company_name": instance.company_name,
            "act_cpe_name": f"Центр поддержки экспорта (регион {instance.region})" if instance.region else None,
            "act_operator_name": agreement.get("operator_name"),
            "act_agreement_number": agreement.get("agreement_number"),
            "act_agreement_date": agreement.get("agreement_date")}


def render(values: dict) -> bytes:
    goods = [g for g in values.get("act_goods") or [] if isinstance(g, dict)]
    doc = layout.new_document()
    layout.heading(doc, "АКТ\nо публикации товаров")
    place = values.get("act_place") or DEFAULT_PLACE
    layout.paragraph(doc, f"{place}\t\t\t\t\t\t{layout.long_date(layout.parse_date(values.get('act_date')))}",
                     justify=False)
    agreement_date = layout.parse_date(values.get("act_agreement_date"))
    layout.paragraph(doc, (
        f"{_party(values, 'cpe')} (далее – «ЦПЭ»), {_represented(values, 'cpe')}, и "
        f"{_party(values, 'operator')} (далее – «Оператор»), {_represented(values, 'operator')}, и "
        f"{_party(values, 'company')} (далее – «Компания»), {_represented(values, 'company')}, "
        "далее совместно именуемые «Стороны», а по отдельности – «Сторона», подписали настоящий акт "
        f"к Соглашению № {values.get('act_agreement_number') or layout.BLANK} от "
        f"{layout.long_date(agreement_date)} (далее – «Соглашение») о нижеследующем:"))
    layout.paragraph(doc, "1. В соответствии с условиями Соглашения товары Компании были опубликованы на "
                          f"площадках {', '.join(marketplaces(goods)) or layout.BLANK}.")
    layout.paragraph(doc, "2. Номенклатура товаров:")
    layout.grid(doc, GOODS_HEADERS, [[str(i), _text(g.get("name")), _text(g.get("tnved")),
                                      _text(g.get("marketplace")), _text(g.get("link"))]
                                     for i, g in enumerate(goods, 1)], GOODS_WIDTHS_CM)
    layout.paragraph(doc, "3. Стороны не имеют претензий друг к другу.")
    layout.paragraph(doc, "4. Настоящий акт составлен в трех экземплярах, имеющих одинаковую юридическую силу, "
                          "по одному для каждой из Сторон.")
    layout.signatures(doc, [("От ЦПЭ", values.get("act_cpe_signatory")),
                            ("От Компании", values.get("act_company_signatory")),
                            ("От Оператора", values.get("act_operator_signatory"))])
    return layout.as_bytes(doc)


def _party(values: dict, who: str) -> str:
    return _text(values.get(f"act_{who}_name")) or layout.BLANK


def _represented(values: dict, who: str) -> str:
    signatory = values.get(f"act_{who}_signatory") or layout.BLANK
    basis = values.get(f"act_{who}_basis") or layout.BLANK
    return f"в лице {signatory}, действующего на основании {basis}"


def _text(value) -> str:
    return "" if value is None else str(value).strip()
