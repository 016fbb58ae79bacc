"""A small load generator, run as a separate process (`python -m rectify.bench.load`) so that it
does not share the interpreter lock with anything measured. Threads + http.client, loopback only,
bounded by a request count and a time limit. Prints one JSON object: latencies in seconds per URL.

    python -m rectify.bench.load --port 8765 --cookie "sessionid=..." --threads 4 \
        --requests 200 --seconds 60 /enforcement/case/ /api/enforcement/case/
"""
from __future__ import annotations

import argparse
import http.client
import json
import threading
import time

LOOPBACK = "127.0.0.1"


def _load_one(port: int, cookie: str, target: str, threads: int, requests: int, seconds: float) -> dict:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    issued = [0]

    def worker() -> None:
        conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
        while True:
            with lock:
                if issued[0] >= requests or time.monotonic() > deadline:
                    break
                issued[0] += 1
            started = time.perf_counter()
            try:
                conn.request("GET", target, headers={"Cookie": cookie, "Host": LOOPBACK})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection(LOOPBACK, port, timeout=30)
                status = 0
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    began = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join(seconds + 60)
    return {"latencies": latencies, "statuses": statuses, "wall": time.perf_counter() - began}


def run(port: int, cookie: str, paths: list[str], threads: int, requests: int, seconds: float,
        rounds: int = 1) -> dict:
    """Each path is loaded in turn by `threads` concurrent clients until `requests` responses
    (or `seconds`) — so each path's percentiles are measured under the same concurrency. With
    `rounds` > 1 the paths take turns in that many blocks (a page, its baseline, the next page...,
    then again), so a slow spell of the machine falls on a page and its baseline alike."""
    merged: dict[str, dict] = {}
    rounds = max(1, rounds)
    for _round in range(rounds):
        for target in paths:
            block = _load_one(port, cookie, target, threads, max(1, requests // rounds), seconds / rounds)
            into = merged.setdefault(target, {"latencies": [], "statuses": {}, "wall": 0.0})
            into["latencies"] += block["latencies"]
            into["wall"] += block["wall"]
            for status, n in block["statuses"].items():
                into["statuses"][status] = into["statuses"].get(status, 0) + n
    return merged


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    print(json.dumps(run(args.port, args.cookie, args.paths, args.threads, min(args.requests, 5000),
                         min(args.seconds, 600), min(args.rounds, 20))))


if __name__ == "__main__":
    main()
