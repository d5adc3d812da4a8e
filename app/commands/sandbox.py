"""`shopdesk sandbox`: the server loads only when this command runs."""

from __future__ import annotations

import argparse

from app.config import Paths
from app.sandbox.server import run_cli


def run(args: argparse.Namespace, p: Paths) -> int:
    """Serve the local TikTok Shop until interrupted (the data folder is not used)."""
    return run_cli(args)
