"""The kinds of notices: what each is called on « Vos notifications », and whether the portal already
mails it anyway (those mails stay as they were: the choice "also by mail" is offered for the others)."""
from dataclasses import dataclass

HABILITATIONS_GRANTED = "habilitations_granted"
HABILITATIONS_REMOVED = "habilitations_removed"
REQUEST_WAITING = "request_waiting"
REQUEST_ANSWERED = "request_answered"
IMPORT_DONE = "import_done"
SIRENE_CHANGES = "sirene_changes"
RIGHTS_ENDING = "rights_ending"


@dataclass(frozen=True)
class Kind:
    label: str
    always_mailed: bool = False  # the portal's own mail already tells it: no second mail
    admins_only: bool = False  # only administrators receive it (the choices page hides it otherwise)


KINDS = {
    HABILITATIONS_GRANTED: Kind("Habilitations accordées"),
    HABILITATIONS_REMOVED: Kind("Habilitations retirées"),
    REQUEST_WAITING: Kind("Demandes à traiter", always_mailed=True, admins_only=True),
    REQUEST_ANSWERED: Kind("Réponses à vos demandes", always_mailed=True),
    IMPORT_DONE: Kind("Imports de fichiers terminés", admins_only=True),
    SIRENE_CHANGES: Kind("Changements Sirene de vos clients", admins_only=True),
    RIGHTS_ENDING: Kind("Habilitations arrivant à leur fin", admins_only=True),
}
