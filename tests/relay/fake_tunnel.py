"""A stand-in for `cloudflared tunnel --url ...`: a TCP forwarder that announces its URL the
way cloudflared's quick tunnel does, so Shopdesk's tunnel supervisor can be tested for real.

Usage: python -m tests.relay.fake_tunnel --url http://127.0.0.1:PORT
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import time
from urllib.parse import urlparse


def log(line: str) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"{stamp} INF {line}", file=sys.stderr, flush=True)


async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main(origin: str) -> None:
    target = urlparse(origin)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(target.hostname, target.port)
        except OSError:
            writer.close()
            return
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    log(f"Settings: map[url:{origin}]")
    log("Requesting new quick Tunnel on trycloudflare.com...")
    log("+" + "-" * 60 + "+")
    log(
        "|  Your quick Tunnel has been created! Visit it at (it may take some time to be "
        "reachable):  |"
    )
    log(f"|  http://127.0.0.1:{port}" + " " * 30 + "|")
    log("+" + "-" * 60 + "+")
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("tunnel", nargs="?")
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main(args.url))
