"""`db copy-to` and the references PostgreSQL checks once per statement instead of by a foreign key
(migration 0801: a habilitation's person, establishment and declaration, a journal line's event).

Those checks are triggers: they would run when each table's COPY ends, while the copy has set the
primary keys aside, and look up and lock every referenced row without an index. The copy turns them
off for its rows, then, once the keys are built again, turns them back on and checks each reference
in one anti-join, as adding a foreign key back validates it."""

CHECK_FUNCTION = "portal_references_exist"  # the function of migration 0801's statement triggers


def statement_checked(target):
    """[(table, trigger, [(column, referenced table), …])] of the target's schema."""
    rows = target.execute_sql(
        "SELECT c.relname, t.tgname, t.tgargs FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_proc p ON p.oid = t.tgfoid WHERE p.proname = %s "
        "AND c.relnamespace = current_schema()::regnamespace ORDER BY 1", (CHECK_FUNCTION,)).fetchall()
    return [(table, trigger, _pairs(arguments)) for table, trigger, arguments in rows]


def _pairs(arguments):
    names = [name.decode() for name in bytes(arguments).split(b"\0") if name]  # NUL-separated
    return list(zip(names[::2], names[1::2], strict=True))


def turn_off(target, references):
    for table, trigger, _ in references:
        target.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER "{trigger}"')


def turn_on_and_check(target, references):
    """Turn the checks back on; returns the references ("table.column") some copied row misses."""
    missing = []
    for table, trigger, pairs in references:
        target.execute_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER "{trigger}"')
        for column, referenced in pairs:
            orphan = target.execute_sql(
                f'SELECT EXISTS (SELECT 1 FROM "{table}" r WHERE NOT EXISTS '
                f'(SELECT 1 FROM "{referenced}" p WHERE p.id = r."{column}"))').fetchone()[0]
            if orphan:
                missing.append(f"{table}.{column}")
    return missing
