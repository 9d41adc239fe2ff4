"""A Scrapyd node on this machine with the shipped deploy/scrapyd.conf, on a port and in
folders of its own: how the tests and the cluster benchmark start nodes beside each other.
Scrapyd and its crawls are one process group, so a kill takes them all, as a machine that
dies does. (A real node is the systemd unit in deploy/.)"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from configparser import ConfigParser
from pathlib import Path
from urllib.request import urlopen

from procarchive.jobqueue.names import REDIS_URL_ENV

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LocalNode:
    def __init__(
        self, folder: Path, redis_url: str, env: dict[str, str] | None = None, **config: str
    ) -> None:
        """Scrapyd started in `folder` (its logs, dbs and, unless `config` says, its shards
        there); `config` overrides the shipped [scrapyd] options."""
        folder.mkdir(parents=True)
        self.folder, self.port = folder, free_port()
        parser = ConfigParser()
        parser.read(ROOT / "deploy" / "scrapyd.conf", encoding="utf-8")
        parser["scrapyd"].update({
            "http_port": str(self.port), "logs_dir": str(folder / "logs"),
            "dbs_dir": str(folder / "dbs"), "eggs_dir": str(folder / "eggs"),
            "jobqueue_shards": str(folder / "shards"), "jobqueue_seen": "", **config,
        })  # fmt: skip
        with open(folder / "scrapyd.conf", "w", encoding="utf-8") as handle:
            parser.write(handle)
        environment = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
                       "PYTHONPATH": str(ROOT), REDIS_URL_ENV: redis_url, **(env or {})}  # fmt: skip
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"], cwd=folder, env=environment,
            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def status(self) -> dict[str, int]:
        with urlopen(f"http://127.0.0.1:{self.port}/daemonstatus.json", timeout=5) as answer:
            return dict(json.load(answer))

    def wait_started(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.status()
                return
            except OSError:
                time.sleep(0.2)
        self.kill()
        raise RuntimeError(f"Scrapyd did not start in {self.folder}")

    def log(self, spider: str, job_id: str) -> str:
        path = self.folder / "logs" / "procarchive" / spider / f"{job_id}.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def kill(self) -> None:
        """SIGKILL to Scrapyd and its crawls: no close, no lease ended."""
        if self.process.poll() is None or self.group_alive():
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGTERM to Scrapyd and its crawls, and wait until every one has exited."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.group_alive():
            time.sleep(0.2)
        self.kill()

    def group_alive(self) -> bool:
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        return True
