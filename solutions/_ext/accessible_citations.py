"""Bibliography entries as plain blocks, without ARIA roles that assistive technology misreads.

docutils writes a bibliography as ``<div role="list">`` holding ``<div role="doc-biblioentry">``
entries with link targets between them. axe-core reports that as a critical violation (a list
whose children are not list items; ``doc-biblioentry`` is deprecated in ARIA 1.3), and
sphinxcontrib-bibtex's ``:list: bullet`` option, which would avoid it, stops ``{cite}`` from
resolving. So the entries are written as ``<div class="citation">`` in a
``<div class="citation-list">``: the same classes (and look), no roles.
"""
from __future__ import annotations

from docutils import nodes


def visit_citation(self, node):
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname]))


def depart_citation(self, node):
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
        self.body.append("</div>\n")


def setup(app):
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
