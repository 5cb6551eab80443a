"""The portal's support desk: its agents, and the assistance requests (Besoin d'aide) they answer."""
