#!/usr/bin/python3
"""Autobahn-style test driver for the python3-websockets client against `wsspec serve-cases`:
the loop client projects run against Autobahn's fuzzingserver, so it tests serve-cases' URL
protocol as well as the client.

    /usr/bin/python3 python_driver.py [--agent NAME] URL

URL is serve-cases' base URL (ws://127.0.0.1:PORT/). getCaseCount, then runCase for every case
in order (echo each message as it came: str as text, bytes as binary; until the connection
ends), then updateReports. Debian 12's python3-websockets is 10.4, which has only the asyncio
client (websockets.sync came in 11.0). Exit code: 0 when the protocol worked (the verdicts are
serve-cases' business), 1 when an endpoint did not answer."""
import argparse
import asyncio
import sys
import urllib.parse

import websockets

# No compression offer (the client cases without compression); 64 MiB messages so the 16 MiB
# cases fit; no keepalive pings of its own, which would add frames the cases do not expect.
OPTIONS = dict(compression=None, max_size=64 << 20, ping_interval=None)


async def ask(url):
    """One endpoint connection: the first message it sends, once the connection has closed."""
    async with websockets.connect(url, **OPTIONS) as ws:
        answer = None
        try:
            async for message in ws:
                if answer is None:
                    answer = message
        except websockets.ConnectionClosedError:
            pass
        return answer


async def run_case(url):
    # However the case ends (a refused handshake, a failed connection) is what the case judges,
    # not the driver.
    try:
        async with websockets.connect(url, **OPTIONS) as ws:
            async for message in ws:
                await ws.send(message)
    except (websockets.WebSocketException, OSError, asyncio.TimeoutError):
        pass


async def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agent", default="python-websockets-" + websockets.__version__)
    parser.add_argument("url")
    args = parser.parse_args()
    base = args.url if args.url.endswith("/") else args.url + "/"
    agent = urllib.parse.quote(args.agent, safe="")

    count = int(await ask(base + "getCaseCount"))
    print(f"python_driver: websockets {websockets.__version__}, agent {args.agent}, {count} cases",
          flush=True)
    for n in range(1, count + 1):
        await run_case(f"{base}runCase?case={n}&agent={agent}")
    await ask(f"{base}updateReports?agent={agent}")


try:
    asyncio.run(main())
except (OSError, ValueError, TypeError, websockets.WebSocketException) as e:
    print(f"python_driver: {e}", file=sys.stderr)
    sys.exit(1)
