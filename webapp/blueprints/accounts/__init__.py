"""Accounts: logging in, the inscription, password recovery, activation, one's own profile."""
