"""A real HTTP server on localhost that receives webhooks, in a thread.

It refuses the first `failures` requests with a 500, as a receiver that is
down for a moment would, then accepts; it checks each signature as a real
receiver must, and keeps what it accepted.
"""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from api.signing import SIGNATURE_HEADER, verify


@dataclass
class Received:
    headers: dict  # by lower-case name
    body: bytes
    status: int

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str = ""
    failures: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks"

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.status < 300]

    def answer(self, headers: dict, body: bytes) -> int:
        with self.lock:
            if self.secret and not verify(
                secret=self.secret,
                body=body,
                header=headers.get(SIGNATURE_HEADER.lower(), ""),
                now=int(time.time()),
            ):
                status = 401
            elif self.failures > 0:
                self.failures -= 1
                status = 500
            else:
                status = 204
            self.requests.append(Received(headers, body, status))
            return status

    def __enter__(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {name.lower(): value for name, value in self.headers.items()}
                status = receiver.answer(headers, body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass  # quiet in the test output

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
