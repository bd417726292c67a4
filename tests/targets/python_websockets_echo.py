#!/usr/bin/python3
"""Echo server on python3-websockets (Debian), a real third-party target for wsspec's tests.

Usage: python_websockets_echo.py PORT [CERT KEY]
  Listens on 127.0.0.1 and prints "listening PORT"; with a PEM certificate and key it speaks
  TLS (a wss:// target).
"""
import asyncio
import ssl
import sys

import websockets


async def echo(ws, _path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def main(port, cert=None, key=None):
    tls = None
    if cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
    # 16 MiB messages are part of the suite (Autobahn 9.x). permessage-deflate is negotiated as
    # websockets does by default (compression="deflate"): the compression cases need it.
    async with websockets.serve(echo, "127.0.0.1", port, max_size=64 * 1024 * 1024,
                                ping_interval=None, ssl=tls):
        print("listening", port, flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), *sys.argv[2:4]))
