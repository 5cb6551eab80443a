"""The people mails through a real SMTP server (aiosmtpd on loopback), read as the recipient reads them."""
import re

from db.database import database
from db.models import OutgoingMail


def test_the_activation_mail_arrives_and_its_link_activates_the_account(client, auth, smtp_inbox):
    auth.login()
    client.post("/gestion/declarants/nouveau", data={"nom": "Martin", "prenom": "Léa", "email": "lea@cabinet.fr",
                                                     "role": "declarant"})
    [message] = smtp_inbox.to("lea@cabinet.fr")
    assert message["Subject"] == "Activation de votre compte sur le portail tiers déclarant"
    assert message["From"] == "Portail tiers déclarant <ne-pas-repondre@portail.test>"
    body = message.get_content()
    assert "À l'attention de MARTIN Léa" in body and "Siret : 977 850 965 00020" in body
    link = re.search(r"http://localhost(/activation/\S+)", body).group(1)
    with database.connection_context():
        assert OutgoingMail.get(OutgoingMail.to == "lea@cabinet.fr").sent_at is not None
    auth.logout()
    password = "Clé-Solide-2026!"
    response = client.post(link, data={"password": password, "confirmation": password,
                                       "secret_question": "Nom de mon premier chat ?", "secret_answer": "Félix"},
                           follow_redirects=True)
    assert "Votre compte est activé" in response.get_data(as_text=True)
    assert "MARTIN Léa" in auth.login(nom="Martin", prenom="Léa", password=password).get_data(as_text=True)
    assert client.get(link).status_code == 404  # single use


def test_deactivation_and_address_change_notices_arrive(client, auth, smtp_inbox, demo_users):
    auth.login()
    client.post(f"/gestion/declarants/{demo_users['DURAND'].id}/desactiver")
    [notice] = smtp_inbox.to("paul.durand@cabinet-demo.test")
    assert notice["Subject"] == "Désactivation de votre compte"
    assert "par MOUTIN Claire" in notice.get_content()
    client.post(f"/gestion/declarants/{demo_users['LEROY'].id}", data={
        "nom": "LEROY", "prenom": "Sophie", "email": "sophie@nouveau.fr"})
    assert [m["Subject"] for m in smtp_inbox.to("sophie.leroy@cabinet-demo.test")] == [
        "Modification de votre adresse électronique"]
    assert "nouvelle adresse : sophie@nouveau.fr" in smtp_inbox.to("sophie@nouveau.fr")[0].get_content()
