#!/usr/bin/python3
"""A hostile WebSocket server: each attack is something a broken or malicious target may send,
to prove that wsspec stays bounded and still writes a complete report (DESIGN.md, "Robustness
of wsspec itself").

Usage: hostile_server.py --attack ATTACK [--port PORT]
  Listens on 127.0.0.1 (PORT 0, the default, picks a free port) and prints
  "listening on ws://127.0.0.1:PORT/" with the actual port once it accepts connections.

ATTACK is one of:

  garbage-101         answers the opening request with bytes that are not HTTP at all (a
                      banner, control bytes, some markup) and closes.
  endless-head        "HTTP/1.1 101 Switching Protocols", then a new header line every 3 ms,
                      never the blank line that ends the head.
  trickled-101        a correct 101, one byte every 0.6 s (always less than the idle time-out
                      of 1 s hostile_checks.py gives, so only a bound on the whole case ends
                      it); after the last byte it would be a plain echo server.
  html-403            "HTTP/1.1 403 Forbidden" with an HTML body holding <script> and an
                      <img onerror>, then closes.
  huge-frame-trickle  a correct 101, then a binary frame header announcing 2^63-1 bytes
                      (82 7f 7f ff ff ff ff ff ff ff) and then payload bytes, one every 0.6 s.
  endless-frames      a correct 101, then small valid unmasked text frames as fast as the
                      socket takes them, without waiting for anything.
  reset-mid-frame     a correct 101; the first frame the client sends is answered with the
                      first half of its echo (a pong for a ping, a close for a close), then
                      the connection is reset (SO_LINGER 0, a TCP RST).
  close-storm         a correct 101, then 20000 close frames back to back (code 1000, each
                      with its own reason), then FIN.
  markup-everywhere   a working echo server in shape whose every word is markup: its 101 has
                      Server: <script>window.__pwned=1</script> and X-Hostile: <img src=x
                      onerror="window.__pwned=1">; every text message is answered with the
                      text "<script>window.__pwned=1</script>", every binary one with
                      "<img src=x onerror=\\"window.__pwned=1\\">", a ping with a pong whose
                      payload is "<svg onload=window.__pwned=1>", a close with a close 1000
                      whose reason is "</pre><script>window.__pwned=1</script>", and a
                      protocol error (unmasked frame, fragmented or long control frame, RSV
                      bits, reserved opcode) with a close 1002 whose reason is
                      "<iframe src=javascript:window.__pwned=1>". Every report field that
                      shows target data gets markup.

  deflate-bomb        to a request that offers permessage-deflate (RFC 7692), a 101 that
                      accepts it, then at once one binary frame with RSV1 whose 4 MiB of
                      DEFLATE data inflate to 4 GiB of zeros, written in 64 KiB pieces; to any
                      other request, a plain echo server.
  deflate-bomb-fragments
                      the same 101, then one compressed binary message that never ends: its
                      first frame (RSV1) and then continuation frames of about 1 KiB, each
                      inflating to 1 MiB more zeros, until a bound or the client leaves.
  The bombs repeat one precomputed piece of DEFLATE data (1 MiB of zeros after a sync flush,
  which comes out the same every time), so this server never holds more than it sends.

Every attack is bounded: a connection lasts at most 30 s (CONNECTION_SECONDS) and sends at
most 512 MiB (CONNECTION_BYTES); the opening request is read with a 10 s time-out and at most
16 KiB; at most 64 connections at a time. Writes wait at most 1 s at a time, so a client that
stops reading cannot hold a thread beyond the connection's time. The attacks that trickle or
stream also stop as soon as the client closes or resets the connection.

tests/targets/hostile_checks.py runs wsspec against each attack (ctest hostile_ATTACK).
Standard library only; one thread per connection.
"""
import base64
import hashlib
import select
import socket
import struct
import sys
import threading
import time
import zlib

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
ATTACKS = ("garbage-101", "endless-head", "trickled-101", "html-403", "huge-frame-trickle",
           "endless-frames", "reset-mid-frame", "close-storm", "markup-everywhere",
           "deflate-bomb", "deflate-bomb-fragments")
CONNECTION_SECONDS = 30.0
CONNECTION_BYTES = 512 * 1024 * 1024
REQUEST_TIMEOUT = 10.0
MAX_REQUEST = 16 * 1024
MAX_CONNECTIONS = 64
TRICKLE_INTERVAL = 0.6
HEADER_INTERVAL = 0.003
CLOSE_STORM_FRAMES = 20000
MAX_FRAME = 1024 * 1024  # markup-everywhere and reset-mid-frame read no bigger client frame
BOMB_COMPRESSED = 4 * 1024 * 1024  # deflate-bomb: the frame's payload, inflating to ~4 GiB
BOMB_PIECE = 64 * 1024

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = "<svg onload=window.__pwned=1>"
CLOSE_REASON = "</pre><script>window.__pwned=1</script>"
ERROR_REASON = "<iframe src=javascript:window.__pwned=1>"

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class Done(Exception):
    """The connection is over: the client left, or a bound was reached."""


class Conn:
    """One accepted connection with its bounds: a deadline and a byte budget for what is sent."""

    def __init__(self, sock):
        self.sock = sock
        self.deadline = time.monotonic() + CONNECTION_SECONDS
        self.sent = 0
        self.buf = bytearray()
        self.extensions = ""  # the request's Sec-WebSocket-Extensions, all of them joined

    def left(self):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Done()
        return left

    def send(self, data):
        """Sends all of data, or raises Done at a bound or when the client is gone."""
        if self.sent + len(data) > CONNECTION_BYTES:
            raise Done()
        view = memoryview(data)
        while view:
            self.sock.settimeout(min(1.0, self.left()))
            try:
                n = self.sock.send(view)
            except socket.timeout:
                continue
            except OSError:
                raise Done() from None
            self.sent += n
            view = view[n:]

    def client_left(self, wait):
        """Waits up to `wait` seconds for input; reads and drops it. True if the client closed."""
        try:
            readable, _, _ = select.select([self.sock], [], [], max(0.0, wait))
            if not readable:
                return False
            self.sock.settimeout(0)
            return not self.sock.recv(65536)
        except OSError:
            return True

    def read(self, n):
        """n bytes from the client (the handshake's leftovers first)."""
        while len(self.buf) < n:
            self.sock.settimeout(min(REQUEST_TIMEOUT, self.left()))
            try:
                chunk = self.sock.recv(65536)
            except OSError:
                raise Done() from None
            if not chunk:
                raise Done()
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def read_request(conn):
    """Reads the opening request; returns its Sec-WebSocket-Key (empty when it has none)."""
    data = bytearray()
    conn.sock.settimeout(REQUEST_TIMEOUT)
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.sock.recv(4096)
        except OSError:
            raise Done() from None
        if not chunk:
            raise Done()
        data += chunk
        if len(data) > MAX_REQUEST:
            raise Done()
    head, rest = bytes(data).split(b"\r\n\r\n", 1)
    conn.buf += rest
    key = ""
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "sec-websocket-key":
            key = value.strip()
        elif name == "sec-websocket-extensions":
            conn.extensions += ("," if conn.extensions else "") + value.strip()
    return key


def response_101(key, extra=""):
    accept = base64.b64encode(hashlib.sha1(key.encode("latin-1") + GUID).digest()).decode()
    return ("HTTP/1.1 101 Switching Protocols\r\n"
            "Upgrade: websocket\r\n"
            "Connection: Upgrade\r\n"
            "Sec-WebSocket-Accept: " + accept + "\r\n" +
            extra + "\r\n").encode("utf-8")


def frame(opcode, payload, fin=True):
    n = len(payload)
    b0 = (0x80 if fin else 0) | opcode
    if n < 126:
        head = struct.pack("!BB", b0, n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, 126, n)
    else:
        head = struct.pack("!BBQ", b0, 127, n)
    return head + payload


def compressed_frame(opcode, payload, fin=True, rsv1=True):
    """A frame whose header has RSV1 (RFC 7692 6.1) when rsv1 is set."""
    head = frame(opcode, payload, fin)
    return bytes([head[0] | (0x40 if rsv1 else 0)]) + head[1:]


def close_frame(code, reason):
    return frame(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8"))


class ProtocolError(Exception):
    pass


def read_frame(conn):
    """One client frame: (fin, rsv, opcode, masked, payload), unmasked. A frame this server
    will not read (longer than MAX_FRAME) ends the connection."""
    b0, b1 = conn.read(2)
    fin, rsv, opcode = bool(b0 & 0x80), b0 & 0x70, b0 & 0x0F
    masked, length = bool(b1 & 0x80), b1 & 0x7F
    if length == 126:
        length = struct.unpack("!H", conn.read(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", conn.read(8))[0]
    if length > MAX_FRAME:
        raise ProtocolError("frame too big for this server")
    key = conn.read(4) if masked else None
    payload = conn.read(length)
    if key:
        payload = bytes(b ^ key[i % 4] for i, b in enumerate(payload))
    return fin, rsv, opcode, masked, payload


def finish(conn):
    """FIN, then a bounded wait for the client's end, dropping what it sends."""
    try:
        conn.sock.shutdown(socket.SHUT_WR)
    except OSError:
        return
    end = time.monotonic() + 2.0
    while time.monotonic() < end and not conn.client_left(end - time.monotonic()):
        pass


def reset(conn):
    """Closes with a TCP RST instead of a FIN."""
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.sock.close()


# ----- the attacks -----

def garbage_101(conn):
    read_request(conn)
    conn.send(b"SSH-2.0-OpenSSH_9.6 \x00\x01\x02\xff\xfe\x1b[2J not HTTP at all " +
              SCRIPT.encode() + b"\r\n\r\n")
    finish(conn)


def endless_head(conn):
    read_request(conn)
    conn.send(b"HTTP/1.1 101 Switching Protocols\r\n")
    n = 0
    while not conn.client_left(HEADER_INTERVAL):
        n += 1
        conn.send(b"X-Endless-%d: %s\r\n" % (n, b"a" * 40))


def trickled_101(conn):
    key = read_request(conn)
    for byte in response_101(key, "Server: hostile_server.py (trickled-101)\r\n"):
        conn.send(bytes([byte]))
        if conn.client_left(TRICKLE_INTERVAL):
            return
    echo(conn, markup=False)


def html_403(conn):
    read_request(conn)
    body = ("<!DOCTYPE html><html><head><title>Forbidden</title>" + SCRIPT +
            "</head><body><h1>403 Forbidden</h1>" + IMG +
            "<iframe src=\"javascript:window.__pwned=1\"></iframe></body></html>\n").encode()
    head = ("HTTP/1.1 403 Forbidden\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            "Server: " + SCRIPT + "\r\n"
            "Content-Length: " + str(len(body)) + "\r\n"
            "Connection: close\r\n\r\n")
    conn.send(head.encode() + body)
    finish(conn)


def huge_frame_trickle(conn):
    key = read_request(conn)
    conn.send(response_101(key, "Server: hostile_server.py (huge-frame-trickle)\r\n"))
    conn.send(bytes([0x82, 0x7F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]))
    while not conn.client_left(TRICKLE_INTERVAL):
        conn.send(b"A")


def endless_frames(conn):
    key = read_request(conn)
    conn.send(response_101(key, "Server: hostile_server.py (endless-frames)\r\n"))
    chunk = frame(OP_TEXT, b"flood") * 8192  # 56 KiB of 7-byte frames
    while True:
        conn.send(chunk)
        if conn.client_left(0):
            return


def reset_mid_frame(conn):
    key = read_request(conn)
    conn.send(response_101(key, "Server: hostile_server.py (reset-mid-frame)\r\n"))
    try:
        fin, _, opcode, _, payload = read_frame(conn)
    except ProtocolError:
        opcode, payload = OP_CLOSE, struct.pack("!H", 1009)
    reply = {OP_PING: OP_PONG}.get(opcode, opcode)
    whole = frame(reply, payload if payload else b"reset-mid-frame", fin=True)
    conn.send(whole[:max(1, len(whole) // 2)])
    time.sleep(0.05)  # let the half frame leave before the RST
    reset(conn)


def close_storm(conn):
    key = read_request(conn)
    conn.send(response_101(key, "Server: hostile_server.py (close-storm)\r\n"))
    storm = b"".join(close_frame(1000, "storm %d" % i) for i in range(CLOSE_STORM_FRAMES))
    conn.send(storm)
    finish(conn)


def zero_pieces():
    """(first, next): raw DEFLATE data of 1 MiB of zeros, each ending in a sync flush. After
    the first, every further MiB compresses to the same bytes (the window holds only zeros
    and the flush leaves nothing pending), so `next` repeated continues the stream."""
    z = zlib.compressobj(9, zlib.DEFLATED, -15, 9)
    zeros = bytes(1 << 20)
    first = z.compress(zeros) + z.flush(zlib.Z_SYNC_FLUSH)
    second = z.compress(zeros) + z.flush(zlib.Z_SYNC_FLUSH)
    third = z.compress(zeros) + z.flush(zlib.Z_SYNC_FLUSH)
    assert second == third, "zlib's output for repeated zeros changed: recompute per piece"
    return first, second


FIRST_PIECE, NEXT_PIECE = zero_pieces()


def deflate_answer(conn):
    """The Sec-WebSocket-Extensions value accepting the request's permessage-deflate offer
    (with server_no_context_takeover when offered: RFC 7692 7.1.1.1 requires it in the answer);
    None when nothing was offered."""
    offers = [o.strip() for o in conn.extensions.split(",")]
    offer = next((o for o in offers if o.split(";")[0].strip() == "permessage-deflate"), None)
    if offer is None:
        return None
    params = [p.strip() for p in offer.split(";")[1:]]
    answer = "permessage-deflate" + ("; server_no_context_takeover"
                                     if "server_no_context_takeover" in params else "")
    return answer


def deflate_bomb(conn):
    key = read_request(conn)
    answer = deflate_answer(conn)
    if not answer:
        conn.send(response_101(key, "Server: hostile_server.py (deflate-bomb)\r\n"))
        echo(conn, markup=False)
        return
    conn.send(response_101(key, "Server: hostile_server.py (deflate-bomb)\r\n"
                                "Sec-WebSocket-Extensions: " + answer + "\r\n"))
    count = (BOMB_COMPRESSED - len(FIRST_PIECE)) // len(NEXT_PIECE)
    # RFC 7692 7.2.1: the message's data without the final 00 00 ff ff.
    length = len(FIRST_PIECE) + count * len(NEXT_PIECE) - 4
    head = compressed_frame(OP_BINARY, b"")[:1] + bytes([127]) + struct.pack("!Q", length)
    conn.send(head)
    pending = bytearray(FIRST_PIECE)
    for i in range(count):
        pending += NEXT_PIECE if i + 1 < count else NEXT_PIECE[:-4]
        if len(pending) >= BOMB_PIECE or i + 1 == count:
            conn.send(bytes(pending))
            pending = bytearray()
    finish(conn)


def deflate_bomb_fragments(conn):
    key = read_request(conn)
    answer = deflate_answer(conn)
    if not answer:
        conn.send(response_101(key, "Server: hostile_server.py (deflate-bomb-fragments)\r\n"))
        echo(conn, markup=False)
        return
    conn.send(response_101(key, "Server: hostile_server.py (deflate-bomb-fragments)\r\n"
                                "Sec-WebSocket-Extensions: " + answer + "\r\n"))
    conn.send(compressed_frame(OP_BINARY, FIRST_PIECE, fin=False))
    more = frame(OP_CONT, NEXT_PIECE, fin=False) * 64  # 64 frames, 64 MiB inflated
    while True:
        conn.send(more)
        if conn.client_left(0):
            return


def markup_everywhere(conn):
    key = read_request(conn)
    conn.send(response_101(key, "Server: " + SCRIPT + "\r\n"
                                "X-Hostile: " + IMG + "\r\n"))
    echo(conn, markup=True)


def echo(conn, markup):
    """An echo server; with markup, every answer is replaced by markup."""
    message_opcode, message = None, bytearray()
    try:
        while True:
            fin, rsv, opcode, masked, payload = read_frame(conn)
            if not masked or rsv or opcode not in (OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE,
                                                    OP_PING, OP_PONG) \
                    or (opcode >= 0x8 and (not fin or len(payload) > 125)):
                raise ProtocolError("protocol error")
            if opcode == OP_CLOSE:
                conn.send(close_frame(1000, CLOSE_REASON) if markup else frame(OP_CLOSE, payload[:2]))
                finish(conn)
                return
            if opcode == OP_PING:
                conn.send(frame(OP_PONG, SVG.encode() if markup else payload))
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CONT:
                if message_opcode is None:
                    raise ProtocolError("continuation without a message")
            else:
                if message_opcode is not None:
                    raise ProtocolError("new message inside a fragmented one")
                message_opcode, message = opcode, bytearray()
            message += payload
            if len(message) > MAX_FRAME:
                raise ProtocolError("message too big for this server")
            if fin:
                if markup:
                    answer = SCRIPT if message_opcode == OP_TEXT else IMG
                    conn.send(frame(message_opcode, answer.encode()))
                else:
                    conn.send(frame(message_opcode, bytes(message)))
                message_opcode, message = None, bytearray()
    except ProtocolError:
        conn.send(close_frame(1002, ERROR_REASON if markup else "protocol error"))
        finish(conn)


HANDLERS = {
    "garbage-101": garbage_101,
    "endless-head": endless_head,
    "trickled-101": trickled_101,
    "html-403": html_403,
    "huge-frame-trickle": huge_frame_trickle,
    "endless-frames": endless_frames,
    "reset-mid-frame": reset_mid_frame,
    "close-storm": close_storm,
    "markup-everywhere": markup_everywhere,
    "deflate-bomb": deflate_bomb,
    "deflate-bomb-fragments": deflate_bomb_fragments,
}


def handle(sock, attack, slots):
    try:
        HANDLERS[attack](Conn(sock))
    except (Done, OSError):
        pass
    finally:
        try:
            sock.close()
        except OSError:
            pass
        slots.release()


def usage(message):
    print("hostile_server.py: " + message, file=sys.stderr)
    print("usage: hostile_server.py --attack {" + ",".join(ATTACKS) + "} [--port PORT]",
          file=sys.stderr)
    sys.exit(2)


def main():
    args = sys.argv[1:]
    port = "0"
    attack = None
    while args:
        arg = args.pop(0)
        if arg in ("--attack", "--port") and not args:
            usage(arg + " needs a value")
        if arg == "--attack":
            attack = args.pop(0)
        elif arg == "--port":
            port = args.pop(0)
        else:
            usage("unexpected argument " + arg)
    if attack not in ATTACKS:
        usage("--attack must be one of " + ", ".join(ATTACKS))
    if not port.isdigit():
        usage("the port must be a number")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(port)))
    listener.listen(64)
    print("listening on ws://127.0.0.1:%d/" % listener.getsockname()[1], flush=True)
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    while True:
        sock, _ = listener.accept()
        slots.acquire()
        threading.Thread(target=handle, args=(sock, attack, slots), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
