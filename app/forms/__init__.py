"""Task forms: JSON Schema files with layout hints — loading and validating (``schema``), the
cross-field rules they declare (``rules``), their sample answers (``examples``), the page's
widgets (``render``), reading a posted page back (``input``) and text limits (``text``)."""
