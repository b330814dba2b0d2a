"""Demo data: the accounts and applications a first run creates, and the sample answers of forms."""
