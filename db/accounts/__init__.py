"""Accounts: the inscription of a firm, logging in, activation, password recovery, one's own
profile, passwords and their policy, and the single-use tokens of mailed links."""
