"""Raw captures as WARC 1.1 (ISO 28500) files, written and read back with warcio.

Each crawl writes its own file set: `<source>-<UTC time>-<n>.warc.gz`, one gzip member a
record, so a record is addressed by (file, offset, length) and read without the rest.
A response whose payload the archive already holds (same SHA-256) is written as a
`revisit` record (identical-payload-digest profile) that refers to the first capture.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

WARC_VERSION = "WARC/1.1"
MAX_FILE_BYTES = 1024**3


@dataclass(frozen=True)
class Written:
    warc_file: str
    offset: int
    length: int
    record_type: str
    warc_date: str


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and its response, as Scrapy saw them on the wire."""

    url: str
    method: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    response_headers: list[tuple[str, str]]
    body: bytes  # the payload as received (still content-encoded)
    request_body: bytes = b""  # a POST's form, so that replay can tell the requests apart


def payload_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class WarcFiles:
    """Append records to a crawl's WARC files, rotating at `max_bytes`."""

    def __init__(
        self, directory: Path, prefix: str, software: str, max_bytes: int = MAX_FILE_BYTES
    ):
        self.directory = directory
        self.prefix = prefix
        self.software = software
        self.max_bytes = max_bytes
        self.sequence = 0
        self._file: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self.name = ""

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.name = f"{self.prefix}-{self.sequence:05d}.warc.gz"
        self._file = open(self.directory / self.name, "ab")  # noqa: SIM115 (closed in close())
        self._writer = WARCWriter(self._file, gzip=True, warc_version=WARC_VERSION)
        info = self._writer.create_warcinfo_record(
            self.name, {"software": self.software, "format": "WARC File Format 1.1"}
        )
        self._writer.write_record(info)

    def write(self, exchange: Exchange, revisit_of: tuple[str, str] | None = None) -> Written:
        """Write the response (or a revisit of `revisit_of` = (uri, date)) and its request."""
        if self._file is None or self._file.tell() > self.max_bytes:
            self.close()
            self.sequence += 1 if self._file is not None else 0
            self._open()
        assert self._file is not None and self._writer is not None
        writer = self._writer
        status_line = f"{exchange.status} {exchange.reason}".strip()
        http_headers = StatusAndHeaders(status_line, exchange.response_headers, protocol="HTTP/1.1")
        offset = self._file.tell()
        if revisit_of is None:
            record = writer.create_warc_record(
                exchange.url, "response", payload=BytesIO(exchange.body), length=len(exchange.body),
                http_headers=http_headers,
            )  # fmt: skip
        else:
            digest = Digester("sha1")
            digest.update(exchange.body)
            record = writer.create_revisit_record(
                exchange.url, str(digest), revisit_of[0], revisit_of[1], http_headers=http_headers
            )
        writer.write_record(record)
        length = self._file.tell() - offset
        request = writer.create_warc_record(
            exchange.url, "request",
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_path(exchange.url)} HTTP/1.1", exchange.request_headers,
                is_http_request=True,
            ),
            payload=BytesIO(exchange.request_body) if exchange.request_body else None,
            length=len(exchange.request_body) if exchange.request_body else None,
            warc_headers_dict={"WARC-Concurrent-To": record.rec_headers.get_header("WARC-Record-ID")},
        )  # fmt: skip
        writer.write_record(request)
        self._file.flush()
        return Written(
            self.name, offset, length, record.rec_type, record.rec_headers.get_header("WARC-Date")
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self._writer = None


def _path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


@dataclass(frozen=True)
class Record:
    type: str
    headers: list[tuple[str, str]]  # the HTTP response headers as received
    received: bytes  # the payload as received (content-encoded)
    decoded: bytes  # the payload with its content-encoding undone


def read_record(path: Path, offset: int) -> Record:
    with open(path, "rb") as handle:
        handle.seek(offset)
        if not handle.read(5).startswith((b"\x1f\x8b", b"WARC/")):  # warcio reads anything
            raise ValueError("not the start of a WARC record (gzipped or not)")
        handle.seek(offset)
        record = next(iter(ArchiveIterator(handle)))
        raw = record.raw_stream.read()
        headers = list(record.http_headers.headers) if record.http_headers else []
        handle.seek(offset)
        decoded = next(iter(ArchiveIterator(handle))).content_stream().read()
    return Record(record.rec_type, headers, raw, decoded)


def now_warc_prefix(source: str) -> str:
    return f"{source}-{datetime.now(UTC):%Y%m%d%H%M%S}"
