"""A host that accepts connections and then hangs: one never answers, the other (paths under
/stall/) sends its headers and the start of a body, then nothing more."""

from __future__ import annotations

import socket
import threading
from typing import Self


class HangingHost:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._listener = socket.create_server((host, 0))
        self.base_url = f"http://{host}:{self._listener.getsockname()[1]}"
        self._held: list[socket.socket] = []
        self._closing = threading.Event()
        self.requests: list[str] = []  # request lines, as received

    def __enter__(self) -> Self:
        threading.Thread(target=self._accept, daemon=True, name="hanging-host").start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()
        self._listener.close()
        for connection in self._held:
            connection.close()

    def _accept(self) -> None:
        while not self._closing.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._held.append(connection)
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        try:
            head = connection.recv(65536).decode("latin-1")
        except OSError:
            return
        line = head.split("\r\n", 1)[0]
        self.requests.append(line)
        if " /stall/" in line:
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n"
                + b"<html><body><p>awal halaman"
            )
        # then nothing: the connection stays open until the test ends
