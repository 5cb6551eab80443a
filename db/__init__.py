"""Data layer of the portal: models, scoped queries and transactional operations.

Pure Python: nothing here imports flask or webapp. Every operation on firm data takes
the acting user and scopes its queries to that user's firm.
"""
