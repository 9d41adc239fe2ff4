"""Hostile documents read as a crawl reads them, against a plain reading without limits
(`python -m benchmarks.hostile_documents`).

Each document of samples.hostile_documents is read twice, each time in a process of its
own: by read_document in a LimitedPool with the crawl's settings (PROCARCHIVE_WORKER_TIMEOUT,
_WORKER_MEMORY_MB, _DOCUMENT_MAX_CHARS, from the environment too), and, as the baseline
measured in the same run, by a plain reader (pypdf on every page, ElementTree trees of the
parts) with no limit but a 120 s outer timeout. Printed: wall time of the reading, peak RSS
of the reading process (for the limited reading: the crawl's side, and its worker), and the
problem or how much text came out.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from samples.hostile_documents import (
    amplifying_xlsx,
    many_elements_docx,
    many_pages_pdf,
    slow_text_pdf,
)

OUTER_TIMEOUT = 120.0
DOCUMENTS: dict[str, Callable[[], bytes]] = {
    "many-pages.pdf": lambda: many_pages_pdf(150_000),
    "slow-text.pdf": slow_text_pdf,
    "amplifying.xlsx": amplifying_xlsx,
    "many-elements.docx": many_elements_docx,
}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def read_limited(path: Path) -> dict[str, Any]:
    """In a process of its own: the crawl's reading, in a worker with the crawl's limits."""
    import asyncio

    from scrapers import settings
    from scrapers.documents import read_document
    from scrapers.offload import LimitedPool

    pool = LimitedPool(
        1, settings.PROCARCHIVE_WORKER_TIMEOUT, settings.PROCARCHIVE_WORKER_MEMORY_MB
    )
    body = path.read_bytes()
    started = time.monotonic()
    try:
        read = asyncio.run(
            read_document(pool, body, None, path.name, settings.PROCARCHIVE_DOCUMENT_MAX_CHARS)
        )
    finally:
        pool.close()  # its workers reaped: their peak is in RUSAGE_CHILDREN
    return {
        "seconds": time.monotonic() - started,
        "outcome": read.problem or "ok",
        "chars": len(read.text),
        # At least this process's size when it spawned the worker (ru_maxrss survives exec).
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
    }


def read_plain(path: Path) -> dict[str, Any]:
    """In a process of its own: every page or part read whole, as a reader without limits does."""
    body = path.read_bytes()
    started = time.monotonic()
    try:
        text = plain_text(body, path.suffix)
        outcome = "ok"
    except Exception as error:
        text, outcome = "", f"error {type(error).__name__}"
    return {"seconds": time.monotonic() - started, "outcome": outcome, "chars": len(text)}


def plain_text(body: bytes, suffix: str) -> str:
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        if suffix == ".docx":
            root = ElementTree.fromstring(archive.read("word/document.xml"))
            return "\n\n".join(
                "".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")
            )
        strings = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
        shared = ["".join(t.text or "" for t in si.iter(f"{S}t")) for si in strings.iter(f"{S}si")]
        sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
        rows = (
            "\t".join(shared[int(c.findtext(f"{S}v") or 0)] for c in row.iter(f"{S}c"))
            for row in sheet.iter(f"{S}row")
        )
        return "\n".join(rows)


def measured(mode: str, path: Path) -> dict[str, Any]:
    """Run one reading in a child process, watching its peak RSS (VmHWM) until it ends or
    the outer timeout kills it."""
    child = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.hostile_documents", "--read", mode, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + OUTER_TIMEOUT
    peak_kb = 0
    while child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)  # first: until it has exec'd, /proc shows this process's memory
        peak_kb = max(peak_kb, _vm_hwm_kb(child.pid))
    if child.poll() is None:
        child.kill()
        child.wait()
        return {"seconds": None, "outcome": "killed", "chars": 0, "peak_mb": peak_kb // 1024}
    assert child.stdout is not None
    result: dict[str, Any] = json.loads(child.stdout.read())
    result["peak_mb"] = result.pop("own_mb")  # its own figure, exact where it could report
    return result


def _vm_hwm_kb(pid: int | str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--read", nargs=2, metavar=("MODE", "PATH"))
    args = parser.parse_args()
    if args.read:
        mode, path = args.read
        result = (read_limited if mode == "limited" else read_plain)(Path(path))
        # Not ru_maxrss, which keeps the high-water mark of the process it was forked from.
        result["own_mb"] = _vm_hwm_kb("self") // 1024
        print(json.dumps(result))
        return
    print(
        f"{'document':<20} {'size':>9} {'reader':<8} {'wall':>8} {'peak RSS':>9} "
        f"{'worker':>8}  outcome"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in DOCUMENTS.items():
            path = Path(tmp) / name
            path.write_bytes(make())
            size = f"{path.stat().st_size / 1024:.0f} KB"
            for mode in ("limited", "plain"):
                result = measured(mode, path)
                seconds = result["seconds"]
                wall = f"> {OUTER_TIMEOUT:.0f} s" if seconds is None else f"{seconds:.1f} s"
                worker = f"{result['worker_mb']} MB" if "worker_mb" in result else ""
                outcome = f"{result['outcome']}, {result['chars']:,} chars"
                print(
                    f"{name:<20} {size:>9} {mode:<8} {wall:>8} {result['peak_mb']:>6} MB "
                    f"{worker:>8}  {outcome}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
