"""403 / 404 / 500 answered with French pages, and db/ domain errors mapped to them."""
import html

import pytest

from db.errors import Forbidden, NotFound


@pytest.fixture
def failing_app(app):
    @app.route("/_test/refus")
    def refuse():
        raise Forbidden("Cette action est réservée aux administrateurs.")

    @app.route("/_test/autre-cabinet")
    def other_firm():
        raise NotFound()

    @app.route("/_test/panne")
    def crash():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def page(response):
    return html.unescape(response.get_data(as_text=True))


def test_forbidden_says_why_in_french(failing_app):
    response = failing_app.test_client().get("/_test/refus")
    assert response.status_code == 403
    assert "Accès refusé" in page(response)
    assert "Cette action est réservée aux administrateurs." in page(response)


def test_another_firms_object_is_a_404(failing_app):
    response = failing_app.test_client().get("/_test/autre-cabinet")
    assert response.status_code == 404 and "Page introuvable" in page(response)


def test_a_crash_is_a_french_500_that_reveals_nothing(failing_app):
    response = failing_app.test_client().get("/_test/panne")
    assert response.status_code == 500
    assert "Une erreur inattendue s'est produite. Vos données n'ont pas été modifiées." in page(response)
    assert "boom" not in page(response)


def test_every_page_offers_besoin_d_aide(client):
    footer = page(client.get("/connexion")).split('<footer class="site-footer">')[1]
    assert 'href="/besoin-d-aide/"' in footer and "Besoin d’aide\u202f?" in footer
