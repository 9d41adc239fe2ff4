"""`python -m samples [--generated N]`: serve the sample sites until interrupted and print
their base URLs as one JSON line (benchmarks run the server in its own process)."""

from __future__ import annotations

import argparse
import json
import threading

from samples.sites import serve_samples


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m samples")
    parser.add_argument("--generated", type=int, default=0, help="serve N synthetic articles")
    args = parser.parse_args()
    server = serve_samples(args.generated)
    print(json.dumps(server.urls), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
