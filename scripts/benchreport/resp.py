"""A minimal blocking RESP2 client (stdlib only) for the report: enough to send
a command and read one reply, from one thread per connection."""
import socket


class RespError(Exception):
    pass


class Conn:
    """One connection to 127.0.0.1:port. Threads: one owner thread."""

    def __init__(self, port, timeout_s=30.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout_s)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def close(self):
        self.sock.close()

    def call(self, *args):
        """Sends one command; returns its reply (str, int, list, None) or raises RespError."""
        self.sock.sendall(encode(args))
        return self._reply()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("server closed the connection")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RespError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode(errors="replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RespError("unexpected reply %r" % line[:40])


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def call(port, *args, auth=None):
    """One command on a fresh connection (AUTH first when auth is given)."""
    c = Conn(port)
    try:
        if auth:
            c.call("AUTH", auth)
        return c.call(*args)
    finally:
        c.close()


def info(port, section, auth=None):
    """INFO <section> as a dict of strings."""
    text = call(port, "INFO", section, auth=auth) or ""
    return dict(l.split(":", 1) for l in text.splitlines() if ":" in l and not l.startswith("#"))
