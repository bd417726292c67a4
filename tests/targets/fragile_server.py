#!/usr/bin/python3
"""A deliberately broken WebSocket echo server (RFC 6455), for wsspec's own tests.

Usage: fragile_server.py PORT [--crash-on-long-control-length | --hang-on-long-control-length
                               | --crash-on-rsv1-continuation]
(listens on 127.0.0.1; PORT 0 picks a free port; prints "listening PORT" with the actual port
once it accepts connections)

It does the opening handshake, unmasks client frames, echoes text and binary messages (as one
unmasked frame each), answers ping with pong and close with close. It has three bugs on
purpose, so tests can prove that wsspec's verdicts fail and that its liveness check works:

  (a) it does not validate UTF-8: invalid text is echoed;
  (b) it ignores the RSV bits: a frame with RSV1-3 set is echoed like any other;
  (c) a frame with a reserved opcode (3-7, 11-15) makes the whole process exit, as if it had
      crashed: the next connection is refused.

With --crash-on-long-control-length (for `wsspec fuzz`'s own tests) bug (c) is replaced by
one that no case of the catalogue triggers, so only a mutation finds it:

  (d) a control frame (close, ping, pong) whose length is written in the 16- or 64-bit form
      although it is at most 125 bytes makes the whole process exit (the control-frame path
      trusts the extended length). A reserved opcode then just ends the connection.

With --hang-on-long-control-length the same frame makes the server hang instead: from then on
it accepts TCP connections but answers nothing on any connection, old or new (a deadlock).

With --crash-on-rsv1-continuation it also accepts permessage-deflate (RFC 7692) when offered,
inflates compressed messages and echoes them uncompressed, and has one more bug:

  (e) once permessage-deflate is agreed, a continuation frame with RSV1 set (which RFC 7692
      6.1 forbids) makes the whole process exit: only compressed traffic can show it. It
      replaces bug (c), as (d) does.

Being minimal, it checks nothing else either (close codes, control frame sizes, the
handshake's version): only the utf8/, reserved/ and opcodes/reserved-opcode-* cases are meant
to be run against it.

Standard library only. Each connection has its own thread and a 10 s idle time-out; frames
and messages are limited to 16 MiB.
"""
import base64
import hashlib
import os
import socket
import struct
import sys
import threading
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HEAD = 16 * 1024
MAX_SIZE = 16 * 1024 * 1024
IDLE_TIMEOUT = 10.0
MAX_CONNECTIONS = 64


class Closed(Exception):
    pass


def read_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(min(n - len(buf), 65536))
        if not chunk:
            raise Closed()
        buf += chunk
    return bytes(buf)


def handshake(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise Closed()
        data += chunk
        if len(data) > MAX_HEAD:
            raise Closed()
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    key = None
    offers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "sec-websocket-key":
            key = value.strip()
        elif name.strip().lower() == "sec-websocket-extensions":
            offers += [[p.strip() for p in o.split(";")] for o in value.split(",")]
    if not lines[0].startswith("GET ") or key is None:
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        raise Closed()
    accept = base64.b64encode(hashlib.sha1(key.encode("latin-1") + GUID).digest()).decode()
    # The first permessage-deflate offer, answered with its server_no_context_takeover and
    # server_max_window_bits if it has them (RFC 7692 7.1.1.1, 7.1.2.1: accepting an offer
    # means echoing those; this server never compresses, so it keeps them for free); the
    # client's parameters may go unanswered.
    offer = next((o for o in offers if o[0] == "permessage-deflate"), None)
    deflate = CRASH_ON_RSV1_CONTINUATION and offer is not None
    answer = "permessage-deflate"
    for param in offer[1:] if deflate else []:
        if param.split("=")[0].strip() in ("server_no_context_takeover", "server_max_window_bits"):
            answer += "; " + param
    sock.sendall(
        (
            "HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " + accept + "\r\n"
            "Server: fragile_server.py\r\n"
            + ("Sec-WebSocket-Extensions: " + answer + "\r\n" if deflate else "") +
            "\r\n"
        ).encode("latin-1")
    )
    return rest, deflate


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


class Reader:
    """Bytes left over from the handshake first, then the socket."""

    def __init__(self, sock, rest):
        self.sock = sock
        self.buf = bytearray(rest)

    def read(self, n):
        if len(self.buf) >= n:
            out = bytes(self.buf[:n])
            del self.buf[:n]
            return out
        out = bytes(self.buf) + read_exact(self.sock, n - len(self.buf))
        self.buf.clear()
        return out


CRASH_ON_RSV1_CONTINUATION = False
CRASH_ON_LONG_CONTROL_LENGTH = False
HANG_ON_LONG_CONTROL_LENGTH = False
HUNG = threading.Event()
NEVER = threading.Event()


def crash():
    sys.stdout.flush()
    os._exit(3)


def serve(sock):
    sock.settimeout(IDLE_TIMEOUT)
    rest, deflate = handshake(sock)
    reader = Reader(sock, rest)
    inflater = zlib.decompressobj(-15) if deflate else None
    message_opcode = None
    message = bytearray()
    compressed = False
    while True:
        b0, b1 = read_exact_pair(reader)
        fin = b0 & 0x80
        # Bug (b): b0 & 0x70 (RSV1-3) is never looked at.
        opcode = b0 & 0x0F
        masked = b1 & 0x80
        length = b1 & 0x7F
        extended = length >= 126
        if length == 126:
            length = struct.unpack("!H", reader.read(2))[0]
        elif length == 127:
            length = struct.unpack("!Q", reader.read(8))[0]
        if length > MAX_SIZE:
            raise Closed()
        key = reader.read(4) if masked else b"\0\0\0\0"
        data = reader.read(length)
        payload = bytes(c ^ key[i % 4] for i, c in enumerate(data)) if masked else data

        if HUNG.is_set():
            NEVER.wait()
        if inflater and opcode == 0x0 and b0 & 0x40:
            crash()  # Bug (e).
        if CRASH_ON_LONG_CONTROL_LENGTH or HANG_ON_LONG_CONTROL_LENGTH or \
                CRASH_ON_RSV1_CONTINUATION:
            if opcode >= 0x8 and extended and length <= 125 and not CRASH_ON_RSV1_CONTINUATION:
                if CRASH_ON_LONG_CONTROL_LENGTH:
                    crash()  # Bug (d).
                HUNG.set()
                NEVER.wait()
            if opcode in (3, 4, 5, 6, 7, 11, 12, 13, 14, 15):
                raise Closed()
        elif opcode in (3, 4, 5, 6, 7, 11, 12, 13, 14, 15):
            # Bug (c): a "crash" that takes the whole server down.
            crash()
        if opcode == 0x8:
            body = payload[:2] if len(payload) >= 2 else b""
            sock.sendall(frame(0x8, body))
            raise Closed()
        if opcode == 0x9:
            sock.sendall(frame(0xA, payload))
            continue
        if opcode == 0xA:
            continue
        if opcode in (0x1, 0x2):
            message_opcode = opcode
            message = bytearray(payload)
            compressed = bool(inflater and b0 & 0x40)
        elif opcode == 0x0 and message_opcode is not None:
            message += payload
        else:
            raise Closed()
        if len(message) > MAX_SIZE:
            raise Closed()
        if fin:
            if compressed:
                try:
                    message = inflater.decompress(bytes(message) + b"\x00\x00\xff\xff", MAX_SIZE)
                except zlib.error:
                    raise Closed() from None
                if inflater.unconsumed_tail:
                    raise Closed()
            # Bug (a): text is echoed without any UTF-8 check.
            sock.sendall(frame(message_opcode, bytes(message)))
            message_opcode = None
            message = bytearray()


def read_exact_pair(reader):
    two = reader.read(2)
    return two[0], two[1]


def handle(sock, slots):
    try:
        serve(sock)
    except (Closed, OSError):
        pass
    finally:
        try:
            sock.close()
        finally:
            slots.release()


def main():
    global CRASH_ON_LONG_CONTROL_LENGTH, HANG_ON_LONG_CONTROL_LENGTH, CRASH_ON_RSV1_CONTINUATION
    args = sys.argv[1:]
    if "--crash-on-rsv1-continuation" in args:
        CRASH_ON_RSV1_CONTINUATION = True
        args.remove("--crash-on-rsv1-continuation")
    if "--crash-on-long-control-length" in args:
        CRASH_ON_LONG_CONTROL_LENGTH = True
        args.remove("--crash-on-long-control-length")
    if "--hang-on-long-control-length" in args:
        HANG_ON_LONG_CONTROL_LENGTH = True
        args.remove("--hang-on-long-control-length")
    port = int(args[0]) if args else 0
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    print("listening", listener.getsockname()[1], flush=True)
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    stuck = []
    while True:
        sock, _ = listener.accept()
        if HUNG.is_set():
            stuck.append(sock)  # accepted, never answered
            continue
        slots.acquire()
        threading.Thread(target=handle, args=(sock, slots), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
