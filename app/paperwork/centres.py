"""The regions' ЦПЭ as the documents name them, from the regional settings (``app.regional``).

``centre_of(region)`` is the one reading for every document (the Act, the sales report): a region
without settings gets None, and the Act the generic name it always had.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..regional.settings import of_region
from ..regions import region_name


@dataclass(frozen=True)
class Centre:
    region: str
    full_name: str
    short_name: str
    address: str | None
    head_position: str | None  # nominative: «директор»
    head_name: str | None  # nominative, in full: «Соколова Анна Викторовна»
    basis: str | None  # genitive, after «на основании»: «устава»
    inn: str | None
    kpp: str | None
    ogrn: str | None
    bank_name: str | None
    bank_bik: str | None
    bank_account: str | None
    bank_corr_account: str | None

    def requisites(self) -> list[str]:
        """The lines a document's requisites block shows, those that are known."""
        lines = [self.full_name]
        if self.address:
            lines.append(f"Почтовый адрес: {self.address}")
        ids = ", ".join(f"{label} {value}" for label, value in
                        (("ИНН", self.inn), ("КПП", self.kpp), ("ОГРН", self.ogrn)) if value)
        if ids:
            lines.append(ids)
        bank = ", ".join(f"{label} {value}" for label, value in
                         (("р/с", self.bank_account), ("в", self.bank_name), ("БИК", self.bank_bik),
                          ("к/с", self.bank_corr_account)) if value)
        if bank:
            lines.append(bank)
        return lines


def fallback_name(region: str | None) -> str | None:
    return f"Центр поддержки экспорта ({region_name(region)})" if region else None


def centre_of(region: str | None) -> Centre | None:
    row = of_region(region)
    if row is None:
        return None
    return Centre(**{name: getattr(row, name) for name in Centre.__dataclass_fields__})


def act_values(region: str | None) -> dict:
    """What the Act's ЦПЭ fields start from: the region's settings, else the generic name."""
    return reference_values(region) or {"act_cpe_name": fallback_name(region)}


def reference_values(region: str | None) -> dict:
    """The ЦПЭ party of a document as the regional settings name it now (blanks left out); {} when
    the region has no settings. The sales report signs with the head in office now."""
    centre = centre_of(region)
    if centre is None:
        return {}
    values = {"act_cpe_name": centre.full_name, "act_cpe_position": centre.head_position,
              "act_cpe_person": centre.head_name, "act_cpe_basis": centre.basis}
    return {k: v for k, v in values.items() if v}
