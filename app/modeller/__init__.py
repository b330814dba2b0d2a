"""The modeller's server side: which bundle to open, what an upload may contain, drafts, and the
words the properties panel offers (forms, statuses, deadline kinds)."""
