"""Gérer les habilitations: the grid, and the bulk files (export, template, import)."""
