"""What a user can do (ship, set stock, answer a cancellation, connect, import, export...).

The GUI and the CLI call these small keyword-only functions; each returns a typed result (with
the `Changes` it made, when it writes) or raises `ProblemsError` with typed `Problem`s. Writes
run on the engine thread (`SyncEngine.run_write`), which publishes their changes. Reads are in
`app.queries`.
"""
