"""The pagination written in Python (webapp/pagination.py) is, byte for byte, what the Jinja macros it
replaces wrote: links with and without htmx, push or not, other query arguments kept (None dropped),
submit buttons, every position of the current page among one to a hundred pages."""
import pathlib

from webapp.pagination import items

# templates/_macros/pager.html before its markup was written in Python.
MACROS = (pathlib.Path(__file__).parent / "pager_macros.jinja").read_text(encoding="utf-8")


def calls(macros, page, pages):
    return [
        macros.pager("journal.index", page, pages, {"q": "a & b", "who": None}, "#journal-resultats",
                     "Pages du « journal »"),
        macros.pager("notifications.index", page, pages, {}),
        macros.pager("journal.index", page, pages, {}, "#lignes-3", push=False, swap="innerHTML"),
        macros.pager_buttons(page, pages, label="Pages des résultats"),
        macros.pager_buttons(page, pages, "aller"),
    ]


def test_pagers_are_the_macros_markup(app):
    cases = [(page, pages) for pages in (1, 2, 3, 4, 5, 6, 7, 100) for page in range(1, pages + 1)]
    with app.test_request_context():
        old_macros = app.jinja_env.from_string(MACROS).module
        new_macros = app.jinja_env.get_template("_macros/pager.html").module
        for page, pages in cases + [(1, 0)]:
            assert calls(new_macros, page, pages) == calls(old_macros, page, pages), (page, pages)
        shown = "".join(calls(new_macros, 50, 100))
    assert 'aria-current="page"' in shown and 'rel="prev"' in shown and "q=a+%26+b" in shown
    assert 'value="49" class="button-link"' in shown and 'aria-label="Pages du « journal »"' in shown


def test_items_show_the_ends_the_current_page_and_its_neighbours():
    assert items(1, 1) == [(1, "current")]
    assert items(5, 9) == [(4, "prev"), (1, "number"), (None, "gap"), (4, "number"), (5, "current"),
                           (6, "number"), (None, "gap"), (9, "number"), (6, "next")]
    assert items(3, 5) == [(2, "prev"), (1, "number"), (2, "number"), (3, "current"), (4, "number"),
                           (5, "number"), (4, "next")]
