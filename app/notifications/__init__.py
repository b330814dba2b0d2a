"""Notifications: in-app messages per user and the e-mail outbox behind them."""
