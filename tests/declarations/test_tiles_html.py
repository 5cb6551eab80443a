"""The tiles written in Python (webapp/tiles_html.py) are byte for byte what the template's loop wrote
(tiles_loop.jinja, templates/declarations/_tiles.html before): tiles of every kind, both headings."""
import datetime
import pathlib

from db.database import database
from db.declarations.tiles import Tile, TileDeclaration
from db.models import Declaration
from webapp.tiles_html import tiles_html

LOOP = (pathlib.Path(__file__).parent / "tiles_loop.jinja").read_text(encoding="utf-8")
NOW = datetime.datetime(2026, 11, 22, 13, 5)
HOUR = datetime.timedelta(hours=1)


def _tiles():
    with database.connection_context():
        found = [TileDeclaration(d.id, d.code, d.label, d.description, d.position)
                 for d in Declaration.select().order_by(Declaration.position)]
    odd = TileDeclaration(99, "A&B", "L’« impôt » <b>&</b>", "Dépôt : « l'avis » ; d’accord ? oui !", 99)
    soon = [(NOW + HOUR * 23.5, 1), (NOW + HOUR * 48, 1_250_000), (NOW + HOUR * 200, 3),
            (NOW + HOUR * 900, 7)]
    ending = [(NOW + HOUR * 30, 2), (NOW + HOUR * 60, 5)]
    return [
        Tile(found[0], 1, 1, [], NOW),  # one establishment, accessible
        Tile(found[1], 0, 0, [], NOW),  # zero counts
        Tile(found[2], 1_250_003, 1_250_000, soon[:1], NOW, ending),  # large counts, one coming, ending
        Tile(found[3], 4, 0, soon[:1], NOW),  # pending: first right in under an hour's rounding
        Tile(found[4], 1_250_011, 0, soon, NOW, ending[:1]),  # pending, two shown and « plus tard »
        Tile(found[5], 12, 2, soon[:3], NOW),  # accessible, two coming and one later
        Tile(odd, 2, 0, [(NOW + HOUR / 60, 2)], NOW, [(NOW + HOUR * 2, 2)]),  # escaping, one hour
        Tile(odd, 3, 3, soon[:2], NOW),
    ]


def test_the_writer_writes_what_the_template_wrote(app):
    tiles = _tiles()
    with app.test_request_context("/menu"):
        template = app.jinja_env.from_string(LOOP)
        for heading in (None, "h2", "h3"):
            for chosen in (tiles, tiles[:1], tiles[3:4], []):
                assert str(tiles_html(chosen, heading)) == template.render(tiles=chosen, tile_heading=heading)
    with app.test_request_context("/menu", base_url="http://localhost/portail"):  # a script root
        assert str(tiles_html(tiles, "h3")) == template.render(tiles=tiles, tile_heading="h3")
