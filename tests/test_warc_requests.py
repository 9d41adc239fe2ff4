"""WARC request records are the requests as sent (Host, Content-Length, a POST's form), so
that replay tells the POST captures of one URL apart: the sample SPSE crawled, then its
DataTables listing pages replayed from the WARCs by pywb and looked up in a cdxj index."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import surt
from cdxj_indexer.postquery import append_method_query
from scrapy import FormRequest, Request
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders

from archive.warc import Exchange, WarcFiles
from samples.server import FORM_TYPE, Page, SampleRequest, SampleServer
from samples.spse_content import sample_lpses, sample_packages
from samples.spse_site import SpseSite
from scrapers.capture import sent_headers
from tests.conftest import ROOT, procarchive, write_registry

# pywb lives in a venv of its own (make install): its brotlipy would shadow Scrapy's brotli.
PYWB = Path(os.environ.get("PROCARCHIVE_PYWB", ROOT / ".venv" / "pywb")) / "bin"


def test_sent_headers_add_what_twisted_sends() -> None:
    get = Request("http://127.0.0.1:8701/berita?page=2", headers={"Accept": "text/html"})
    assert sent_headers(get) == [("Accept", "text/html"), ("Host", "127.0.0.1:8701")]
    https = Request("https://lpse.example.go.id/eproc4")  # the scheme's default port: not named
    assert sent_headers(https)[-1] == ("Host", "lpse.example.go.id")
    post = FormRequest("http://spse.example:8080/lkpp/dt/lelang", formdata={"start": "10"})
    assert sent_headers(post) == [
        ("Content-Length", "8"),
        ("Content-Type", FORM_TYPE),
        ("Host", "spse.example:8080"),
    ]
    empty = Request("http://h.example/", method="POST", headers={"Host": "other.example"})
    assert sent_headers(empty) == [("Content-Length", "0"), ("Host", "other.example")]


def test_a_post_and_a_revisit_keep_their_requests(tmp_path: Path) -> None:
    files = WarcFiles(tmp_path, "unit", "procarchive-test")
    url, form = "http://127.0.0.1:8705/lkpp/dt/lelang?tahun=2026", b"draw=2&start=10"
    headers = sent_headers(FormRequest(url, body=form, headers={"Content-Type": FORM_TYPE}))
    post = Exchange(url, "POST", headers, 200, "OK", [("Content-Type", "application/json")],
                    b'{"data": []}', form)  # fmt: skip
    first = files.write(post)
    files.write(post, (url, first.warc_date))
    files.close()
    records = read_warcs(sorted(tmp_path.glob("*.warc.gz")))
    pairs = exchanges(records)
    assert [response.type for response, _ in pairs] == ["response", "revisit"]
    for _, request in pairs:
        assert request.http.protocol == "POST" and request.payload == form
        assert request.http.headers == headers
        assert request.http.get_header("Content-Length") == str(len(form))
        assert request.warc.get_header("WARC-Payload-Digest") == sha1(form)
        block = request.http.to_bytes() + form
        assert request.warc.get_header("WARC-Block-Digest") == sha1(block)
        assert request.warc.get_header("Content-Length") == str(len(block))


class RecordingSpse(SpseSite):
    """The sample SPSE site, keeping each request as it arrived and the page it got."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.served: list[tuple[SampleRequest, Page]] = []

    def handle(self, request: SampleRequest) -> Page:
        page = super().handle(request)
        self.served.append((request, page))
        return page


@dataclass
class Record:
    type: str
    warc: StatusAndHeaders
    http: StatusAndHeaders
    payload: bytes  # as received: content-encoded

    @property
    def decoded(self) -> bytes:
        gzipped = self.http.get_header("Content-Encoding") == "gzip"
        return gzip.decompress(self.payload) if gzipped else self.payload

    @property
    def timestamp(self) -> str:
        return "".join(c for c in self.warc.get_header("WARC-Date") if c.isdigit())[:14]


def read_warcs(warcs: list[Path]) -> list[Record]:
    records = []
    for path in warcs:
        with open(path, "rb") as handle:
            for r in ArchiveIterator(handle):
                if r.rec_type != "warcinfo":
                    records.append(Record(r.rec_type, r.rec_headers, r.http_headers, r.raw_stream.read()))  # fmt: skip
    return records


def exchanges(records: list[Record]) -> list[tuple[Record, Record]]:
    """Each response or revisit with the one request record concurrent to it."""
    requests = [r for r in records if r.type == "request"]
    by_id = {r.warc.get_header("WARC-Record-ID"): r for r in records if r.type != "request"}
    concurrent = Counter(r.warc.get_header("WARC-Concurrent-To") for r in requests)
    assert set(concurrent) == set(by_id) and set(concurrent.values()) == {1}
    return [(by_id[r.warc.get_header("WARC-Concurrent-To")], r) for r in requests]


def sha1(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RecordingSpse]:
    """The sample SPSE crawled once; the site is stopped after, so replay is the WARCs'."""
    site = RecordingSpse(sample_lpses(), sample_packages())
    workdir = tmp_path_factory.mktemp("warc-requests")
    with SampleServer({"spse": site}) as server:
        registry = write_registry(workdir / "sources.yml", server.urls, only=("spse",))
        run = procarchive(
            "crawl", "spse", "--registry", str(registry), "--db", str(workdir / "archive.db"),
            "-s", "AUTOTHROTTLE_START_DELAY=0", cwd=workdir,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return workdir, site


def crawl_exchanges(crawled: tuple[Path, RecordingSpse]) -> list[tuple[Record, Record]]:
    return exchanges(read_warcs(sorted((crawled[0] / "warcs").glob("*.warc.gz"))))


def posts(crawled: tuple[Path, RecordingSpse]) -> list[tuple[Record, Record, bytes]]:
    """The POST captures: response, request, and the page the site sent for that request."""
    sent = {
        (r.path, tuple(sorted(r.query.items())), r.body): page
        for r, page in crawled[1].served
        if r.method == "POST"
    }
    found = []
    for response, request in crawl_exchanges(crawled):
        if request.http.protocol == "POST":
            url = urlsplit(response.warc.get_header("WARC-Target-URI"))
            key = (url.path, tuple(sorted(parse_qsl(url.query))), request.payload)
            found.append((response, request, sent[key].body))
    assert len(found) == len(sent) >= 10
    return found


def test_request_records_are_the_requests_the_site_received(crawled: Any) -> None:
    def key(method: str, path: str, headers: list[tuple[str, str]], body: bytes) -> Any:
        return method, path, tuple(headers), body

    recorded = Counter(
        key(req.http.protocol, urlsplit(req.http.statusline.split()[0]).path, req.http.headers,
            req.payload)
        for _, req in crawl_exchanges(crawled)
    )  # fmt: skip
    received = Counter(
        key(r.method, r.path, r.received, r.body) for r, _ in crawled[1].served
    )  # every header line, in order, and every body
    assert recorded == received
    host = urlsplit(crawled[1].base_url).netloc
    assert host.startswith("127.0.0.1:")
    assert {req.http.get_header("Host") for _, req in crawl_exchanges(crawled)} == {host}


def test_post_records_hold_the_form(crawled: Any) -> None:
    for _, request, _ in posts(crawled):
        assert request.payload.startswith(b"draw=") and b"&start=" in request.payload
        assert request.http.get_header("Content-Length") == str(len(request.payload))
        assert request.http.get_header("Content-Type") == FORM_TYPE
        assert request.warc.get_header("WARC-Payload-Digest") == sha1(request.payload)
    check = subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", *map(str, (crawled[0] / "warcs").iterdir())],
        capture_output=True,
        text=True,
    )  # block and payload digests
    assert check.returncode == 0, check.stdout + check.stderr


def two_pages_of_one_listing(found: list[tuple[Record, Record, bytes]]) -> tuple[bytes, bytes]:
    """Two different listing pages of one URL (their `start` differs): what replay must not
    mix up."""
    by_url: dict[str, set[bytes]] = {}
    for response, _, sent in found:
        by_url.setdefault(response.warc.get_header("WARC-Target-URI"), set()).add(sent)
    first, second, *_ = next(sorted(pages) for pages in by_url.values() if len(pages) > 1)
    return first, second


@pytest.fixture(scope="module")
def wayback(crawled: Any) -> Iterator[int]:
    """pywb serving the crawl's WARCs on 127.0.0.1: its port."""
    if not (PYWB / "wayback").exists():
        pytest.skip(f"pywb not installed at {PYWB}: `make install` puts it in .venv/pywb")
    root = crawled[0] / "pywb"
    root.mkdir()
    manager = str(PYWB / "wb-manager")
    subprocess.run([manager, "init", "procarchive"], cwd=root, check=True, capture_output=True)
    warcs = [str(p) for p in sorted((crawled[0] / "warcs").glob("*.warc.gz"))]
    subprocess.run([manager, "add", "procarchive", *warcs], cwd=root, check=True, capture_output=True)  # fmt: skip
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    server = subprocess.Popen(
        [str(PYWB / "wayback"), "--bind", "127.0.0.1", "--port", str(port)],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "pywb did not start"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_pywb_replays_each_post_capture(crawled: Any, wayback: int) -> None:
    replayed = {}
    found = posts(crawled)
    for response, request, sent in found:
        url = response.warc.get_header("WARC-Target-URI")
        connection = http.client.HTTPConnection("127.0.0.1", wayback, timeout=30)
        connection.request(
            "POST", f"/procarchive/{response.timestamp}id_/{url}", request.payload,
            {"Content-Type": request.http.get_header("Content-Type")},
        )  # fmt: skip
        answer = connection.getresponse()
        body = answer.read()
        if answer.getheader("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        connection.close()
        assert answer.status == 200, (url, request.payload, body[:200])
        assert body == sent == response.decoded, (url, request.payload)
        replayed[sent] = body
    first, second = two_pages_of_one_listing(found)
    assert replayed[first] != replayed[second]
    assert json.loads(replayed[first])["data"] != json.loads(replayed[second])["data"]


def test_a_cdxj_index_keys_each_post_by_its_form(crawled: Any) -> None:
    warcs = crawled[0] / "warcs"
    index = subprocess.run(
        [sys.executable, "-m", "cdxj_indexer.main", "--post-append", "--sort",
         *map(str, sorted(warcs.glob("*.warc.gz")))],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    lines: dict[str, list[dict[str, str]]] = {}
    for line in index.splitlines():
        key, _, fields = line.split(" ", 2)
        lines.setdefault(key, []).append(json.loads(fields))
    found = posts(crawled)
    for response, request, sent in found:
        url = response.warc.get_header("WARC-Target-URI")
        _, appended = append_method_query(
            "POST", request.http.get_header("Content-Type"), len(request.payload),
            BytesIO(request.payload), url,
        )  # the key a replay tool looks the POST up by  # fmt: skip
        (entry,) = lines[surt.surt(url + appended)]
        assert entry["method"] == "POST" and entry["requestBody"]
        with open(warcs / entry["filename"], "rb") as handle:
            handle.seek(int(entry["offset"]))
            record = next(iter(ArchiveIterator(handle)))
            assert record.content_stream().read() == sent == response.decoded
    first, second = two_pages_of_one_listing(found)
    assert json.loads(first)["data"] != json.loads(second)["data"]
