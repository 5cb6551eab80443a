"""The catalogue of social declarations (DSN, DPAE, SOLTéA – Employeurs, …)."""
from peewee import BooleanField, CharField, IntegerField, TextField

from db.database import BaseModel


class Declaration(BaseModel):
    code = CharField(max_length=40, unique=True)
    label = CharField(max_length=120)  # what tiles and lists show: "SOLTéA - Employeurs"
    description = TextField(default="")
    domain = CharField(max_length=80)
    has_payment = BooleanField(default=False)  # carries a *Payer* right
    access_delay_hours = IntegerField(default=24)
    position = IntegerField(default=0)
    is_active = BooleanField(default=True)

    @property
    def display_name(self):
        return f"{self.label} - {self.description}" if self.description else self.label
