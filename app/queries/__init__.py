"""Read-only reads of the local database for the GUI and the CLI."""
