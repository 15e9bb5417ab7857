"""Result tables for the lab pages, as HTML: it renders the same in Jupyter and in the built book."""
from __future__ import annotations

import html

from IPython.display import HTML


def table(header: list[str], rows: list[list[str]], numeric_from: int = 1) -> HTML:
    """An HTML table; columns from ``numeric_from`` on are right-aligned (numbers line up)."""
    def cells(values, tag):
        return "".join(f'<{tag} style="text-align: {"right" if i >= numeric_from else "left"}">{html.escape(str(v))}</{tag}>'
                       for i, v in enumerate(values))

    body = "".join(f"<tr>{cells(row, 'td')}</tr>" for row in rows)
    return HTML(f"<table><thead><tr>{cells(header, 'th')}</tr></thead><tbody>{body}</tbody></table>")
