#!/usr/bin/python3
"""A minimal RFC 6455 echo server with one planted defect, to prove wsspec's judge fails it.

Usage: broken_server.py --defect DEFECT [--port PORT] [PORT]
  Listens on 127.0.0.1 (PORT 0, the default, picks a free port) and prints
  "listening on ws://127.0.0.1:PORT/" with the actual port once it accepts connections.
  A PORT given last without --port is accepted too (ci/wsspec-ci.sh appends the port).

DEFECT is one of:

  none                   correct for what the checks run (below): no defect.
  accepts-unmasked       a client frame that arrives unmasked is processed like a masked one
                         (text and binary echoed, ping answered, close echoed) instead of
                         failing the connection; RFC 6455 5.1: "a server MUST close the
                         connection upon receiving a frame that is not masked" (7.1.7, 1002).
  pongs-fragmented-ping  a ping with FIN clear is answered with a pong carrying its payload
                         and the connection is only failed (1002) when the continuation frame
                         that follows arrives; RFC 6455 5.4/5.5: control frames MUST NOT be
                         fragmented, so the ping itself is a protocol error and must not be
                         answered.
  bare-lf-101            ends the lines of its 101 with a bare LF ("\\n", as code written with
                         PHP_EOL or many tutorials does), otherwise correct: wsspec must read
                         it (RFC 9112 2.2 lets a recipient) and fail only handshake/response-crlf.
  odd-101                no defect at all, only an unusual 101: the reason phrase "OK",
                         header names in upper and lower case, "WebSocket" and
                         "keep-alive, Upgrade" as values. RFC 9112 4 and RFC 9110 5.1 make all
                         of it valid: every case must run and pass.
  tutorial-server        the first server many people write: its 101 ends lines with a bare
                         LF, it encodes lengths below 126 in 16 bits (5.2: the minimal number
                         of bytes MUST be used), echoes binary messages as text, sends text
                         echoes of 126 bytes or more one byte short of their length field,
                         and on a close frame drops TCP without answering it (5.5.1, 7.1.2).
                         wsspec must read the 101 and find each of these in its own case.
  hangs-after-20         serves its first 20 connections correctly, then stops answering:
                         every later connection is accepted and read, never answered (held
                         until the client closes it, at most 30 s). wsspec must say early
                         that the target went quiet, confirm on a new connection that it
                         hangs, stop the run, name the case after which it happened, and mark
                         the cases it did not reach as not run.
  garbage-handshake      answers every opening request with a line that is not HTTP and
                         closes: reachable, but no usable 101 (wsspec must still write its
                         reports, every case fail and marked not run, exit 1).
  accepts-any-deflate    answers any permessage-deflate offer with "Sec-WebSocket-Extensions:
                         permessage-deflate", however invalid the offer's parameters; RFC 7692
                         7: a server MUST decline an offer with an unknown parameter, an
                         invalid value or a duplicate. (Without the defect, and apart from it,
                         it never accepts an extension, so it declines every offer.)

Apart from its defect it is a correct echo server, strict where the checks look: it fails
the connection with close 1002 on an unmasked frame, a fragmented or over-long control
frame, RSV bits without an extension, a reserved opcode, a continuation without a message or
a new message inside one, a 64-bit length with the top bit set, and a bad close body; 1007
on invalid UTF-8 in text or a close reason; 1009 above 64 MiB. It echoes each message as one
unmasked frame, answers ping with pong, echoes a valid close code (an empty close with an
empty one), and after a close frame (sent or received) it half-closes TCP first and waits
up to 2 s for the client's end. The opening handshake is checked too (GET, HTTP/1.1, Host,
Upgrade, Connection, a 16-byte Sec-WebSocket-Key, version 13 else 426 naming 13).

tests/targets/broken_server_checks.sh runs wsspec's framing/unmasked-* and
fragmentation/fragmented-ping* cases against each defect. Standard library only; one
thread per connection, a 10 s idle time-out, at most 64 connections at a time.
"""
import base64
import binascii
import codecs
import hashlib
import socket
import struct
import sys
import threading

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
DEFECTS = ("none", "accepts-unmasked", "pongs-fragmented-ping", "bare-lf-101",
           "garbage-handshake", "hangs-after-20", "odd-101", "tutorial-server",
           "accepts-any-deflate")
MAX_HEAD = 16 * 1024
MAX_MESSAGE = 64 * 1024 * 1024
IDLE_TIMEOUT = 10.0
CLOSE_TIMEOUT = 2.0
MAX_CONNECTIONS = 64

OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA
KNOWN_OPCODES = (OP_CONT, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG)


class Closed(Exception):
    """The peer went away (or stayed silent too long): drop the connection."""


class Fail(Exception):
    """Fail the WebSocket connection (RFC 6455 7.1.7) with this close code."""

    def __init__(self, code, why):
        super().__init__(why)
        self.code = code


class Reader:
    """Bytes left over from the handshake first, then the socket."""

    def __init__(self, sock, rest):
        self.sock = sock
        self.buf = bytearray(rest)

    def read(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise Closed()
            self.buf += chunk
        out = bytes(self.buf[:n])
        del self.buf[:n]
        return out


def http_error(sock, status, extra=""):
    sock.sendall(("HTTP/1.1 " + status + "\r\n" + extra +
                  "Content-Length: 0\r\nConnection: close\r\n\r\n").encode("latin-1"))
    raise Closed()


def handshake(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise Closed()
        data += chunk
        if len(data) > MAX_HEAD:
            http_error(sock, "431 Request Header Fields Too Large")
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    request = lines[0].split(" ")
    headers = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip():
            http_error(sock, "400 Bad Request")
        name = name.lower()
        if name in headers:
            headers[name] += "," + value.strip()
        else:
            headers[name] = value.strip()
    if len(request) != 3 or request[0] != "GET":
        http_error(sock, "400 Bad Request")
    if request[2] not in ("HTTP/1.1",):
        http_error(sock, "400 Bad Request")
    tokens = lambda name: [t.strip().lower() for t in headers.get(name, "").split(",")]
    if "host" not in headers or "websocket" not in tokens("upgrade") \
            or "upgrade" not in tokens("connection"):
        http_error(sock, "400 Bad Request")
    if headers.get("sec-websocket-version") != "13":
        http_error(sock, "426 Upgrade Required", "Sec-WebSocket-Version: 13\r\n")
    key = headers.get("sec-websocket-key", "")
    try:
        if len(base64.b64decode(key, validate=True)) != 16:
            raise ValueError()
    except (ValueError, binascii.Error):
        http_error(sock, "400 Bad Request")
    if DEFECT == "garbage-handshake":
        sock.sendall(b"this is not an HTTP response\r\n\r\n")
        raise Closed()
    accept = base64.b64encode(hashlib.sha1(key.encode("latin-1") + GUID).digest()).decode()
    eol = "\n" if DEFECT in ("bare-lf-101", "tutorial-server") else "\r\n"
    if DEFECT == "odd-101":
        sock.sendall(("HTTP/1.1 101 OK\r\n"
                      "UPGRADE: WebSocket\r\n"
                      "connection: keep-alive, Upgrade\r\n"
                      "sec-websocket-ACCEPT: " + accept + "\r\n"
                      "server: broken_server.py (defect: odd-101)\r\n"
                      "\r\n").encode("latin-1"))
        return rest
    # The defect: the offer is accepted without a look at its parameters.
    extensions = ""
    if DEFECT == "accepts-any-deflate" and "permessage-deflate" in [
            t.split(";")[0].strip().lower() for t in tokens("sec-websocket-extensions")]:
        extensions = "Sec-WebSocket-Extensions: permessage-deflate" + eol
    sock.sendall(("HTTP/1.1 101 Switching Protocols" + eol +
                  "Upgrade: websocket" + eol +
                  "Connection: Upgrade" + eol +
                  "Sec-WebSocket-Accept: " + accept + eol + extensions +
                  "Server: broken_server.py (defect: " + DEFECT + ")" + eol +
                  eol).encode("latin-1"))
    return rest


def frame(opcode, payload):
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    return head + payload


def tutorial_echo(opcode, payload):
    """An echo as a hand-written server gets it wrong: a binary message as text; a text one
    with a length under 126 in the 16-bit field, a longer one a byte short of its length."""
    if opcode == OP_BINARY:
        return frame(OP_TEXT, payload)
    n = len(payload)
    if n < 126:
        return struct.pack("!BBH", 0x80 | OP_TEXT, 126, n) + payload
    return frame(OP_TEXT, payload)[:-1]


def unmask(data, key):
    if not data:
        return data
    # Word-at-a-time XOR through Python's big integers: fast enough for the 16 MiB cases.
    n = len(data)
    repeated = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(repeated, "big")).to_bytes(n, "big")


def valid_close_code(code):
    # RFC 6455 7.4.1 and the IANA registry: what may be sent in a close frame.
    return code in (1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014) \
        or 3000 <= code <= 4999


def read_frame(reader):
    """One frame: (fin, rsv, opcode, masked, payload), unmasked."""
    b0, b1 = reader.read(2)
    fin, rsv, opcode = bool(b0 & 0x80), b0 & 0x70, b0 & 0x0F
    masked, length = bool(b1 & 0x80), b1 & 0x7F
    if length == 126:
        length = struct.unpack("!H", reader.read(2))[0]
    elif length == 127:
        length = struct.unpack("!Q", reader.read(8))[0]
        if length >> 63:
            raise Fail(1002, "64-bit length with the most significant bit set (5.2)")
    if rsv:
        raise Fail(1002, "RSV bits set without a negotiated extension (5.2)")
    if opcode not in KNOWN_OPCODES:
        raise Fail(1002, "reserved opcode (5.2)")
    if opcode >= 0x8 and length > 125:
        raise Fail(1002, "control frame longer than 125 bytes (5.5)")
    if length > MAX_MESSAGE:
        raise Fail(1009, "frame too big")
    key = reader.read(4) if masked else None
    data = reader.read(length)
    return fin, opcode, masked, unmask(data, key) if masked else data


def serve(sock):
    sock.settimeout(IDLE_TIMEOUT)
    reader = Reader(sock, handshake(sock))
    message_opcode = None
    message = bytearray()
    utf8 = None
    try:
        while True:
            fin, opcode, masked, payload = read_frame(reader)
            if not masked and DEFECT != "accepts-unmasked":
                raise Fail(1002, "unmasked client frame (5.1)")
            if opcode >= 0x8 and not fin:
                if not (DEFECT == "pongs-fragmented-ping" and opcode == OP_PING):
                    raise Fail(1002, "fragmented control frame (5.4, 5.5)")
                # The defect: answered as if it were a whole ping. The continuation that
                # follows then has no message to continue and fails the connection below.
            if opcode == OP_CLOSE and DEFECT == "tutorial-server":
                raise Closed()
            if opcode == OP_CLOSE:
                reply = b""
                if len(payload) == 1:
                    raise Fail(1002, "close body of one byte (5.5.1)")
                if len(payload) >= 2:
                    code = struct.unpack("!H", payload[:2])[0]
                    if not valid_close_code(code):
                        raise Fail(1002, "invalid close code (7.4)")
                    try:
                        payload[2:].decode("utf-8")
                    except UnicodeDecodeError:
                        raise Fail(1007, "close reason not UTF-8 (5.5.1)") from None
                    reply = payload[:2]
                sock.sendall(frame(OP_CLOSE, reply))
                return
            if opcode == OP_PING:
                sock.sendall(frame(OP_PONG, payload))
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CONT:
                if message_opcode is None:
                    raise Fail(1002, "continuation frame without a message (5.4)")
            else:
                if message_opcode is not None:
                    raise Fail(1002, "new message inside a fragmented one (5.4)")
                message_opcode = opcode
                message = bytearray()
                utf8 = codecs.getincrementaldecoder("utf-8")() if opcode == OP_TEXT else None
            if len(message) + len(payload) > MAX_MESSAGE:
                raise Fail(1009, "message too big")
            message += payload
            if utf8 is not None:
                try:
                    utf8.decode(payload, final=fin)
                except UnicodeDecodeError:
                    raise Fail(1007, "invalid UTF-8 in a text message (8.1)") from None
            if fin and DEFECT == "tutorial-server":
                sock.sendall(tutorial_echo(message_opcode, bytes(message)))
                message_opcode, message, utf8 = None, bytearray(), None
            elif fin:
                sock.sendall(frame(message_opcode, bytes(message)))
                message_opcode, message, utf8 = None, bytearray(), None
    except Fail as failure:
        sock.sendall(frame(OP_CLOSE, struct.pack("!H", failure.code) +
                           str(failure).encode("ascii")[:120]))


def finish(sock):
    """After a close frame went out: the server closes TCP first (FIN), then waits a bounded
    time for the client's end, discarding what it sends (its close frame)."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(CLOSE_TIMEOUT)
        while sock.recv(65536):
            pass
    except OSError:
        pass


CONNECTIONS = 0
CONNECTIONS_LOCK = threading.Lock()


def hold(sock):
    """Reads and discards until the client closes, answering nothing (at most 30 s)."""
    sock.settimeout(30.0)
    while sock.recv(65536):
        pass


def handle(sock, slots):
    global CONNECTIONS
    try:
        with CONNECTIONS_LOCK:
            CONNECTIONS += 1
            n = CONNECTIONS
        if DEFECT == "hangs-after-20" and n > 20:
            hold(sock)
            return
        serve(sock)
        finish(sock)
    except (Closed, OSError):
        pass
    finally:
        try:
            sock.close()
        finally:
            slots.release()


DEFECT = "none"


def usage(message):
    print("broken_server.py: " + message, file=sys.stderr)
    print("usage: broken_server.py --defect {" + ",".join(DEFECTS) + "} [--port PORT] [PORT]",
          file=sys.stderr)
    sys.exit(2)


def main():
    global DEFECT
    args = sys.argv[1:]
    port = 0
    defect = None
    while args:
        arg = args.pop(0)
        if arg in ("--defect", "--port") and not args:
            usage(arg + " needs a value")
        if arg == "--defect":
            defect = args.pop(0)
        elif arg == "--port":
            port = args.pop(0)
        elif arg.isdigit() and not args:
            port = arg
        else:
            usage("unexpected argument " + arg)
    if defect not in DEFECTS:
        usage("--defect must be one of " + ", ".join(DEFECTS))
    if not str(port).isdigit():
        usage("the port must be a number")
    DEFECT = defect
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", int(port)))
    listener.listen(64)
    print("listening on ws://127.0.0.1:%d/" % listener.getsockname()[1], flush=True)
    slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
    while True:
        sock, _ = listener.accept()
        slots.acquire()
        threading.Thread(target=handle, args=(sock, slots), daemon=True).start()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
