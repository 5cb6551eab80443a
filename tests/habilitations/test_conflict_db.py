"""Two administrators on the same grid: a Valider computed on data changed meanwhile is refused
with the cells that changed, nothing is overwritten, and a reload lets it be applied again."""
import pytest

from db import habilitations
from db.accounts.firms import new_user
from db.errors import Conflict
from db.habilitations import grid
from db.models import Habilitation
from db.models.accounts import ROLE_ADMIN
from tests.factories.firms import PASSWORD
from tests.factories.habilitations import establishments, habilitation, key


@pytest.fixture
def bob(t):
    """A second administrator of the firm."""
    return new_user(t.firm, "BERNARD", "Bob", "bob@test.test", ROLE_ADMIN, password=PASSWORD)


def test_a_tick_on_a_cell_changed_meanwhile_is_refused_with_that_cell(t, bob):
    acme = establishments(t.acme)
    mine, theirs = key(acme[0], "DSN", t.paul), key(acme[1], "DSN", t.sophie)
    loaded = habilitations.search(t.admin, {"company": str(t.acme.id)}).grid.version
    habilitations.validate(bob, {}, {"changes": f"{mine}-d-1 {mine}-p-1", "version": str(grid.version())})
    with pytest.raises(Conflict) as refused:
        habilitations.validate(t.admin, {}, {"changes": f"{mine}-d-0 {theirs}-d-1", "version": str(loaded)})
    assert refused.value.details == ["100 000 001 00001 – DSN – DURAND Paul : Déclarer coché, Payer coché"]
    assert habilitation(acme[0], "DSN", t.paul).declare  # Bob's tick stays
    assert habilitation(acme[1], "DSN", t.sophie) is None  # and nothing of Alice's was written
    reloaded = habilitations.search(t.admin, {"company": str(t.acme.id)}).grid.version
    plan = habilitations.validate(
        t.admin, {}, {"changes": f"{mine}-d-0 {theirs}-d-1", "version": str(reloaded)}
    )
    assert (plan.added, plan.removed) == (1, 1)


def test_tout_cocher_is_refused_when_a_cell_of_the_search_changed(t, bob):
    acme, beta = establishments(t.acme), establishments(t.beta)
    loaded = grid.version()
    outside = key(beta[0], "DSN", t.paul)
    habilitations.validate(bob, {}, {"changes": f"{outside}-d-1", "version": str(loaded)})
    # a change outside the search does not stop Alice's "Tout cocher" over ACME
    habilitations.validate(t.admin, {"company": str(t.acme.id)}, {"bulk_pay": "1", "version": str(loaded)})
    loaded = grid.version()
    inside = key(acme[2], "DPAE", t.sophie)
    habilitations.validate(bob, {}, {"changes": f"{inside}-d-1", "version": str(grid.version())})
    before = Habilitation.select().count()
    with pytest.raises(Conflict) as refused:
        habilitations.validate(
            t.admin, {"company": str(t.acme.id)}, {"bulk_declare": "0", "version": str(loaded)}
        )
    assert refused.value.details == ["100 000 001 00003 – DPAE – LEROY Sophie : Déclarer coché"]
    assert Habilitation.select().count() == before and habilitation(acme[2], "DPAE", t.sophie).declare


def test_a_change_made_by_the_same_grid_in_another_tab_counts_too(t):
    k = key(establishments(t.acme)[0], "DSN", t.paul)
    loaded = grid.version()
    habilitations.validate(t.admin, {}, {"changes": f"{k}-d-1", "version": str(loaded)})
    with pytest.raises(Conflict):
        habilitations.validate(t.admin, {}, {"changes": f"{k}-d-1", "version": str(loaded)})
