#!/usr/bin/python3
"""A WebSocket client under test for `wsspec serve-cases --client-cmd`: connects to the URL in
argv[1] and echoes every message until the connection closes. python3-websockets (Debian 12:
10.4, asyncio API). Exit code 0 whatever the closing was: the verdict is wsspec's business."""
import asyncio
import sys

import websockets


async def main(url):
    try:
        # No compression offer, no size limit beyond wsspec's cases (16 MiB), no pings of its own.
        async with websockets.connect(url, compression=None, max_size=None,
                                      ping_interval=None) as ws:
            async for message in ws:
                await ws.send(message)
    except (websockets.WebSocketException, OSError):
        pass


asyncio.run(main(sys.argv[1]))
