"""Blueprints of the portal, one package per area (accounts, people, support, clients,
habilitations) or one module for an area of one page family (declarations, journal, mail, menu).
Each module exposes `bp`; webapp.create_app registers them explicitly."""
