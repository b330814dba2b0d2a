"""The Act of publication of goods (Appendix 5), step 11: from the act form's values to a DOCX.

The form's own fields carry the parties and the agreement (prefilled from step 6, so a typo in
the Act never moves the agreement's report timers); the marketplaces of point 1 are those of
the goods table, in the order they first appear, so the two cannot disagree.
"""
from __future__ import annotations

from . import centres, layout, names

FORM = "act_upload"
GOODS_HEADERS = ["№", "Наименование товара", "Код ТН ВЭД", "Наименование площадки",
                 "Ссылка на страницу с размещенным товаром"]
GOODS_WIDTHS_CM = [1.0, 5.0, 2.6, 3.4, 5.0]
DEFAULT_PLACE = "г. Москва"
GOODS_KEYS = ("name", "tnved", "marketplace", "link")


def marketplaces(goods: list[dict]) -> list[str]:
    return list(dict.fromkeys(str(g.get("marketplace", "")).strip() for g in goods if g.get("marketplace")))


def prefill(instance, agreement: dict | None, questionnaire: dict | None = None,
            execution: dict | None = None) -> dict:
    """What the Act knows before anyone types: the company and its head (the questionnaire), the
    region's ЦПЭ (reference data), step 6's agreement and the goods placed at step 10."""
    agreement, questionnaire = agreement or {}, questionnaire or {}
    values = {"act_company_name": instance.company_name, **centres.act_values(instance.region),
              "act_company_position": questionnaire.get("head_position"),
              "act_company_person": questionnaire.get("head_name"),
              "act_operator_name": agreement.get("operator_name"),
              "act_agreement_number": agreement.get("agreement_number"),
              "act_agreement_date": agreement.get("agreement_date")}
    goods = placed_goods(execution)
    if goods:
        values["act_goods"] = goods
    return {k: v for k, v in values.items() if v not in (None, "")}


def placed_goods(execution: dict | None) -> list[dict]:
    """The goods rows of step 10's entry: those it lists with their links, else one row per
    marketplace it names (the product and link then are the ЦПЭ's to type)."""
    execution = execution or {}
    rows = [{k: _text(g.get(k)) for k in GOODS_KEYS} for g in execution.get("placed_goods") or []
            if isinstance(g, dict)]
    if rows:
        return rows
    return [{"name": "", "tnved": "", "marketplace": m, "link": ""}
            for m in dict.fromkeys(_text(x) for x in execution.get("placed_on") or [] if _text(x))]


def render(values: dict, centre: centres.Centre | None = None) -> bytes:
    """The Act from the form's values; ``centre`` (the region's settings) adds the ЦПЭ's postal
    address and requisites under the text, above the signatures."""
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
    if centre is not None:
        layout.paragraph(doc, "Реквизиты ЦПЭ:", bold=True, justify=False)
        for line in centre.requisites():
            layout.paragraph(doc, line, justify=False)
    layout.signatures(doc, [("От ЦПЭ", signature(values, "cpe")), ("От Компании", signature(values, "company")),
                            ("От Оператора", signature(values, "operator"))])
    return layout.as_bytes(doc)


def _party(values: dict, who: str) -> str:
    return party_name(values, who) or layout.BLANK


def party_name(values: dict, who: str) -> str:
    return _text(values.get(f"act_{who}_name"))


def _represented(values: dict, who: str) -> str:
    """«в лице директора Соколовой Анны Викторовны, действующей на основании устава»: the position
    and the name typed in the nominative, declined here, the participle agreeing with the person."""
    person = names.parse(values.get(f"act_{who}_person"))
    position = names.position_genitive(values.get(f"act_{who}_position"))
    if person is not None:
        signatory = " ".join(x for x in (position, person.genitive()) if x)
    else:
        # Acts drafted before the name was asked in the nominative kept the whole phrase as typed.
        signatory = _text(values.get(f"act_{who}_signatory")) or " ".join(x for x in (position, layout.BLANK) if x)
    basis = _text(values.get(f"act_{who}_basis")) or layout.BLANK
    return f"в лице {signatory}, {names.acting(person)} на основании {basis}"


def signature(values: dict, who: str) -> str | None:
    """«А. В. Соколова» of the party ``who`` (cpe, operator, company) of act-like values."""
    person = names.parse(values.get(f"act_{who}_person"))
    return person.initials() if person else _text(values.get(f"act_{who}_signatory")) or None


def _text(value) -> str:
    return "" if value is None else str(value).strip()
