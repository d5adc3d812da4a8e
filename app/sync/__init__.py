"""The sync engine: import, polling, inbox and outbox processing (one thread, one loop)."""
