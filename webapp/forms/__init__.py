"""WTForms forms, one module per area, and what they share: the mark of a required field and
the one helper that puts db/'s domain errors on a form."""


class Required:
    """Marks a field as required (asterisk, `required` attribute) without validating it here:
    db/ checks the value and says what is wrong."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        pass


def apply_errors(form, invalid):
    """Put an Invalid's French messages next to the form's fields; returns the message of the
    form as a whole (the "__all__" message, then those of names that are not fields), or None."""
    general = [invalid.errors["__all__"]] if "__all__" in invalid.errors else []
    for name, message in invalid.errors.items():
        if name == "__all__":
            continue
        if name in form:
            form[name].errors = [message]
        else:
            general.append(message)
    return " ".join(general) or None
