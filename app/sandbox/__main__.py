"""`python -m app.sandbox`: the same command as `shopdesk sandbox`."""

from __future__ import annotations

import argparse
import sys

from app.sandbox.server import add_arguments, run_cli


def main() -> int:
    parser = argparse.ArgumentParser(
        prog="python -m app.sandbox",
        description="A local stand-in for TikTok Shop's Open API, with a seeded shop.",
    )
    add_arguments(parser)
    return run_cli(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
