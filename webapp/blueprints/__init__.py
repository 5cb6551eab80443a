"""Blueprints of the portal, one module per area, each exposing `bp`. Registered in this order."""

BLUEPRINTS = [
    "input_guard",
    "auth",
    "inscription",
    "recovery",
    "outbox",
    "menu",
    "declarations",
    "journal",
    "declarants",
    "activation",
    "requests",
    "portfolios",
    "companies",
    "recap",
    "profile",
    "assistance",
    "support",
    "habilitations",
    "habilitation_files",
]
