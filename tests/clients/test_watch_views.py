"""The Veille Sirene page: the report's changes listed with their actions, « Appliquer » and
« Ignorer » posted, and the notice of the import leading there."""
from db.database import database
from db.models import Company, DirectoryEstablishment, Establishment, Notification, SireneChange
from db.sirene import import_files
from tests.clients.test_watch_db import sites_file
from tests.factories.directory import DANONE


def test_the_report_lists_the_changes_and_applies_or_dismisses_them(app, admin_client, tmp_path):
    with database.connection_context():
        first = Establishment.get(Establishment.company == Company.get(Company.siren == DANONE).id)
        second = Establishment.select().join(DirectoryEstablishment, on=(
            DirectoryEstablishment.siret == Establishment.siret)).where(
            Establishment.company != first.company_id).first()
        moved = Establishment.id.in_([first.id, second.id])
        Establishment.update(address="ANCIENNE ADRESSE").where(moved).execute()
        import_files([sites_file(tmp_path, [])])  # an import that changes nothing in the directory
        notice = Notification.get(Notification.kind == "sirene_changes")
        changes = {c.siret: c.id for c in SireneChange.select()}
    page = admin_client.get("/gestion/veille-sirene").get_data(as_text=True)
    assert "Veille Sirene" in page and "Nouvelle adresse" in page and "ANCIENNE ADRESSE" in page
    assert "À traiter (2)" in page and "Appliquer" in page and "Ignorer" in page
    assert "/gestion/veille-sirene" in admin_client.get("/notifications").get_data(as_text=True)
    assert notice.link.startswith("watch.report?report_id=")

    done = admin_client.post(f"/gestion/veille-sirene/{changes[first.siret]}/ignorer", follow_redirects=True)
    assert "ignoré\u202f: il ne sera plus proposé" in done.get_data(as_text=True).replace(" :", "\u202f:")
    applied = admin_client.post(f"/gestion/veille-sirene/{changes[second.siret]}/appliquer",
                                follow_redirects=True).get_data(as_text=True)
    assert "mise à jour depuis le référentiel Sirene" in applied and "Aucun changement à traiter" in applied
    with database.connection_context():
        assert Establishment.get_by_id(second.id).address != "ANCIENNE ADRESSE"
        assert Establishment.get_by_id(first.id).address == "ANCIENNE ADRESSE"
    treated = admin_client.get("/gestion/veille-sirene?etat=traites").get_data(as_text=True)
    assert "Appliqué le" in treated and "Ignoré le" in treated
