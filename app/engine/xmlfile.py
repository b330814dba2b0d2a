"""The one way Vitrina reads a model file's XML: no DTD, no entities, no network.

A process owner uploads BPMN and DMN through the browser; an XML file may carry a DOCTYPE with
entities that read local files (``SYSTEM "file:///…"``) or multiply into gigabytes. BPMN and
DMN never need one, so a DOCTYPE is refused outright, and the parser resolves nothing.
"""
from __future__ import annotations

from lxml import etree


class DoctypeRefused(ValueError):
    """The file declares a DOCTYPE, which a BPMN or DMN file never needs."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def read_xml(content: bytes):
    """The root element of ``content``; etree.XMLSyntaxError when it is not XML, DoctypeRefused
    when it declares a DOCTYPE."""
    root = etree.fromstring(content, parser=_parser())
    if root.getroottree().docinfo.doctype:
        raise DoctypeRefused("объявление DOCTYPE в файле модели не допускается: удалите его "
                             "(BPMN и DMN обходятся без DTD и сущностей)")
    return root
