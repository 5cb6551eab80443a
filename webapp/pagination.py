"""Numbered pagination, « Précédente 1 … 7 8 9 … 45 Suivante » (templates/_macros/pager.html: pager and
pager_buttons), its markup written here in Python: as Jinja macros calling back a macro per item (its
link, its words, its attributes) a pager of five items cost ~860 Python calls, a tenth of a paged page's
rendering. The markup is byte for byte what the macros wrote (tests/app/test_pagination.py renders
both). The first, the last, the current page and its neighbours are shown; a gap of one page shows that
page rather than « … » hiding a single number. Screen readers hear « Page 8 » and « Page suivante »; the
current page carries aria-current="page"."""
from markupsafe import Markup, escape

from webapp.templating import cached_url_for, number_fr

_HIDDEN = '<span class="visually-hidden">Page </span>'
_WORDS = {"prev": f"{_HIDDEN}Précédente", "next": f"{_HIDDEN}Suivante"}
_ITEM_CLASS = {"prev": ' class="pagination-prev"', "next": ' class="pagination-next"'}
_GAP = '    <li class="pagination-gap" aria-hidden="true">…</li>'


def items(page, pages):
    """(page number, kind) of each item, kind "prev", "number", "current", "next" or "gap"."""
    shown = sorted({n for n in (1, page - 1, page, page + 1, pages) if 1 <= n <= pages})
    out = [(page - 1, "prev")] if page > 1 else []
    previous = None
    for n in shown:
        if previous is not None and n - previous == 2:
            out.append((n - 1, "number"))
        elif previous is not None and n - previous > 2:
            out.append((None, "gap"))
        out.append((n, "current" if n == page else "number"))
        previous = n
    if page < pages:
        out.append((page + 1, "next"))
    return out


def _numbered(page, pages, label, item):
    if pages <= 1:
        return Markup("")
    lis = [_GAP if kind == "gap" else f"    <li{_ITEM_CLASS.get(kind, '')}>{item(n, kind)}</li>"
           for n, kind in items(page, pages)]
    return Markup(f'<nav class="pagination" aria-label="{escape(label)}">\n  <ul>{"".join(lis)}'
                  '  </ul>\n</nav>')


def _words(n, kind):
    return _WORDS.get(kind) or f"{_HIDDEN}{number_fr(n)}"


def _attributes(kind, links=True):
    if kind == "current":
        return ' aria-current="page"'
    return f' rel="{kind}"' if links and kind in ("prev", "next") else ""


def pager_links(endpoint, page, pages, args, target=None, label="Pagination", push=True, swap="outerHTML"):
    """The links of a paged result (the macro pager: args are the other query arguments, kept on every
    link; with a target, htmx swaps only the result and the address bar follows)."""
    htmx = (f' hx-target="{escape(target)}" hx-swap="{escape(swap)}"'
            f' hx-push-url="{escape(str(push).lower())}"' if target else "")

    def link(n, kind):
        href = escape(cached_url_for(endpoint, **dict(args, page=n)))
        get = f' hx-get="{href}"{htmx}' if target else ""
        return f'<a href="{href}"{get}{_attributes(kind)}>{_words(n, kind)}</a>'

    return _numbered(page, pages, label, link)


def pager_buttons(page, pages, name="goto", label="Pagination"):
    """The same as submit buttons of the surrounding form (name=value of the page)."""
    def button(n, kind):
        return (f'<button type="submit" name="{escape(name)}" value="{escape(n)}" class="button-link"'
                f'{_attributes(kind, links=False)}>{_words(n, kind)}</button>')

    return _numbered(page, pages, label, button)
