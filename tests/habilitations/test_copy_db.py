"""Mêmes habilitations que…: a person gets exactly another's habilitations, previewed first."""
import pytest

from db import habilitations
from db.errors import Conflict, Invalid, NotFound
from db.habilitations import grid
from tests.factories.habilitations import establishments, habilitation, key


def tick(t, *tokens):
    habilitations.validate(t.admin, {}, {"changes": " ".join(tokens), "version": str(grid.version())})


def test_preview_then_valider_mirrors_the_source(t):
    acme, gamma = establishments(t.acme), establishments(t.gamma)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", f"{key(acme[0], 'DSN', t.paul)}-p-1",
         f"{key(acme[1], 'DPAE', t.paul)}-d-1", f"{key(gamma[0], 'DSN', t.paul)}-d-1",
         f"{key(acme[2], 'DSN', t.sophie)}-d-1")
    args = {"target": str(t.sophie.id), "source": str(t.paul.id)}
    screen = habilitations.copy_preview(t.admin, args)
    plan = screen.plan
    assert (plan.added, plan.removed) == (3, 1)  # Paul's three boxes on ACME; Sophie's own goes
    assert plan.not_copied == 1  # GAMMA: Sophie is not a déclarant of its portfolio
    assert habilitation(acme[0], "DSN", t.sophie) is None  # a preview writes nothing
    habilitations.copy_apply(t.admin, args, screen.version)
    assert habilitation(acme[0], "DSN", t.sophie).pay and habilitation(acme[1], "DPAE", t.sophie).declare
    assert habilitation(acme[2], "DSN", t.sophie) is None
    assert habilitations.copy_preview(t.admin, args).plan.changes == []


def test_copy_within_the_search_only(t):
    acme, beta = establishments(t.acme), establishments(t.beta)
    tick(t, f"{key(acme[0], 'DSN', t.paul)}-d-1", f"{key(beta[0], 'DSN', t.paul)}-d-1")
    screen = habilitations.copy_preview(t.admin, {"company": str(t.beta.id), "target": str(t.sophie.id),
                                                  "source": str(t.paul.id)})
    assert [c.siret for c in screen.plan.changes] == [beta[0].siret]


def test_copy_refused_when_the_people_changed_since_the_preview(t):
    args = {"target": str(t.sophie.id), "source": str(t.paul.id)}
    screen = habilitations.copy_preview(t.admin, args)
    tick(t, f"{key(establishments(t.acme)[0], 'DSN', t.paul)}-d-1")
    with pytest.raises(Conflict):
        habilitations.copy_apply(t.admin, args, screen.version)


@pytest.mark.parametrize("target, source, error", [
    ("other", "paul", NotFound), ("sophie", "other", NotFound), ("sophie", "sophie", Invalid),
    ("", "paul", Invalid), ("x", "paul", NotFound),
])
def test_copy_people_must_be_two_people_of_the_firm(t, target, source, error):
    people = {"paul": t.paul.id, "sophie": t.sophie.id, "other": t.other.people[0].id}
    with pytest.raises(error):
        habilitations.copy_preview(t.admin, {"target": str(people.get(target, target)),
                                             "source": str(people.get(source, source))})
