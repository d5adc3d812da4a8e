"""Read-only reads for the GUI and the CLI: they read through here, never `app.store` itself.

Every function takes a connection opened by `db.open_readonly` (or any connection, for the
CLI's one-shot commands) and never writes. Writes are `app.ops`, run on the engine.
"""
