"""WTForms forms, one module per area."""
