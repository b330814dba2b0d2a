"""Reading a model file's XML (BPMN, DMN) in Vitrina's own code: the model rules, the simulation.

BPMN and DMN need no DTD, and a DTD is how XML reaches local files and other servers (external
entities) or fills memory (nested entities). So no DTD is loaded, no entity is expanded and
nothing is fetched, and ``doctype`` tells the rules that a file declares one, which they refuse.
The engine reads the files its own way with the same parser settings (app/engine/parser.py).
"""
from __future__ import annotations

from lxml import etree


def parser() -> etree.XMLParser:
    # A new one each time: an lxml parser must not be used by two threads at once.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False)


def read(content: bytes):
    """The root element; raises etree.XMLSyntaxError for a file that is not well-formed."""
    return etree.fromstring(content, parser=parser())


def doctype(root) -> str:
    """The file's DOCTYPE declaration, "" when it has none."""
    return root.getroottree().docinfo.doctype or ""
