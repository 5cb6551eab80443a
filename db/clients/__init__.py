"""Clients: the firm's portfolios, the companies and establishments they hold (composition,
the set-based writes, transfer and removal, the Sirene refresh) and the récapitulatif."""
