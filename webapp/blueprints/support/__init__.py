"""The support desk (its agents' space) and Besoin d'aide."""
