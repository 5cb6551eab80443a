"""Clients: portfolios, their companies and establishments, the récapitulatif."""
