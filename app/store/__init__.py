"""SQLite storage: one module per aggregate; `fetch_*` only reads, `save_*` never does HTTP."""
