"""Subcommands of `shopdesk`, one module per area; `app/cli.py` parses and dispatches."""
