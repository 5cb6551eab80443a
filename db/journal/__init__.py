"""The journal of changes: reading it (filters, pages, CSV) and telling each change in French.
Writing an entry is db.audit, shared by every area."""
