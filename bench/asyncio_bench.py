"""Python's asyncio.Queue on the benchmark's workloads (same shapes as bench/workloads.js).

    python3 bench/asyncio_bench.py <W1..W5> <runs> [quick]

Prints one JSON line: {"rates": [...items/s], "problems": [...], "timers": null}.
"""
import asyncio
import json
import os
import sys
import time

SCALE = 0.1 if len(sys.argv) > 3 and sys.argv[3] == "quick" else 1
WORKLOADS = {
    "W1": dict(producers=1, consumers=1, maxsize=100, items=int(1_000_000 * SCALE)),
    "W2": dict(producers=1, consumers=1, maxsize=0, items=int(1_000_000 * SCALE)),
    "W3": dict(producers=4, consumers=4, maxsize=64, items=int(1_000_000 * SCALE)),
    "W4": dict(producers=1, consumers=1, maxsize=1, items=int(200_000 * SCALE)),  # ~1.5 s: no repeat needed
    "W5": dict(producers=1, consumers=1, maxsize=100, items=int(1_000_000 * SCALE), timeout=0.05),
}


async def run_once(w):
    q = asyncio.Queue(maxsize=w["maxsize"])
    P = w["producers"]
    per_producer = w["items"] // P
    per_consumer = w["items"] // w["consumers"]
    timeout = w.get("timeout")
    totals = {"count": 0, "sum": 0, "bad": 0, "timeouts": 0}

    async def producer(p):
        for k in range(per_producer):
            await q.put(p + P * k)

    async def consumer():
        last = [-1] * P
        s = bad = 0
        k = 0
        while k < per_consumer:
            if timeout is None:
                v = await q.get()
            else:
                try:
                    async with asyncio.timeout(timeout):
                        v = await q.get()
                except TimeoutError:
                    totals["timeouts"] += 1  # a real consumer loops; a loaded machine can stall 50 ms
                    continue
            k += 1
            s += v
            if v <= last[v % P]:
                bad += 1
            last[v % P] = v
        totals["count"] += per_consumer
        totals["sum"] += s
        totals["bad"] += bad

    clock = time.perf_counter if os.environ.get("BENCH_CLOCK") == "wall" else time.process_time
    start = clock()
    tasks = [asyncio.create_task(producer(p)) for p in range(P)]
    tasks += [asyncio.create_task(consumer()) for _ in range(w["consumers"])]
    await asyncio.gather(*tasks)
    seconds = clock() - start
    n = w["items"]
    problems = []
    if totals["count"] != n:
        problems.append(f"received {totals['count']} of {n}")
    if totals["sum"] != n * (n - 1) // 2:
        problems.append("checksum mismatch")
    if totals["bad"]:
        problems.append(f"{totals['bad']} items out of order")
    return seconds, problems, totals["timeouts"]


async def main():
    w = WORKLOADS[sys.argv[1]]
    runs = int(sys.argv[2])
    problems = []
    rates = []
    repeat = w.get("repeat", 1)
    timeouts = 0
    for _ in range(runs):
        total = 0.0
        for _ in range(repeat):
            seconds, p, t = await run_once(w)
            total += seconds
            problems += p
            timeouts += t
        rates.append(w["items"] * repeat / total)
    print(json.dumps({"rates": rates, "problems": problems, "timers": None, "timeouts": timeouts, "info": f"Python {sys.version.split()[0]}"}))


asyncio.run(main())
