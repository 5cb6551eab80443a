"""The chooser's rows built in Python (webapp/chooser_rows.py) write, byte for byte, what the Jinja macro
they replace wrote, for every kind of row: pending or not, ticked, closed, siège, absent from the
directory, with or without an enseigne, an address that French typography changes."""
import itertools
import pathlib

from flask import Flask

from db.clients.chooser import Row
from webapp import templating, typography
from webapp.chooser_rows import chooser_rows

# The macro of templates/clients/companies/establishments.html before its rows were built in Python.
MACRO = (pathlib.Path(__file__).parent / "chooser_row_macro.jinja").read_text(encoding="utf-8")


def rows():
    flags = itertools.product((False, True), repeat=5)
    return [Row(f"3560000000{n:04d}", "BUREAU D'O & <FILS>" if n % 3 else "",
                f"{n} RUE DE L'ÉGLISE : BAT A 22190 PLÉRIN", siege, active, registered, wanted, n * 641,
                missing) for n, (siege, active, registered, wanted, missing) in enumerate(flags)]


def test_rows_are_the_macros_markup():
    app = Flask(__name__)
    templating.init_app(app)
    typography.init_app(app)
    loop = ("    <tbody>\n      {% for r in rows %}\n      {{ chooser_row(r) }}\n      {% endfor %}\n"
            "    </tbody>\n")
    built = "    <tbody>\n      {{ chooser_rows(rows) }}\n    </tbody>\n"
    with app.app_context():
        old = app.jinja_env.from_string(MACRO + loop).render(rows=rows())
        new = app.jinja_env.from_string(built).render(rows=rows(), chooser_rows=chooser_rows)
    assert "is-pending" in new and "disabled" in new and "absent du référentiel" in new
    assert new == old
