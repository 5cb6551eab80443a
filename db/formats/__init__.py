"""How the portal writes values for people to read: French typography of plain text (typography.py, shared
by the pages and the mails) and the one CSV layout of every export (csv_files.py)."""
