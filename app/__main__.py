"""Entry point for `python -m app` and the `shopdesk` script."""

from __future__ import annotations

import sys


def main() -> None:
    """Run the command line (the GUI joins here when it exists)."""
    from app.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
