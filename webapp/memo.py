"""Per-process memory of markup and choices that depend on no data, only on the app (its routes, its
script root, a role): built once, then read back by every request the worker serves."""


def remembered(app, table, key, build, kept):
    """build()'s value under key in the app's table of that name (app.extensions), built on first use.
    The table holds at most `kept` values: its keys are few (roles, tables of actions, script roots), so
    a full table means something unforeseen keys it, and it is emptied rather than left to grow."""
    return kept_in(app.extensions.setdefault(table, {}), key, build, kept)


def kept_in(values, key, build, kept):
    """build()'s value under key in the dict values, built on first use; values holds at most `kept`
    (emptied when full, rather than left to grow with keys nobody foresaw)."""
    value = values.get(key)
    if value is None:
        if len(values) >= kept:
            values.clear()
        value = values[key] = build()
    return value
