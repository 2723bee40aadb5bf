#!/usr/bin/env python3
"""Closed-loop load driver for `custval serve` (benchmarks/load/run.sh).

N connections (HTTP/1.1 keep-alive, one request in flight each) mix list pages, customer 360
pages, CSV exports and plan edits for a fixed time, as admin, manager and sales users (pages
with a session cookie, plan edits with a bearer token). Per request kind it records latency
and status; every acknowledged plan edit is remembered and read back at the end, so a write
the server acknowledged but lost is counted. Python's standard library only (asyncio
streams), so nothing has to be installed; wrk cannot tell request kinds apart in its latency
figures nor check a write by reading it back.

Prints one JSON object (also written to --out).
"""

import argparse
import asyncio
import json
import random
import time
import urllib.parse

KINDS = ("list", "customer360", "export_csv", "plan_edit")


class Conn:
    """One keep-alive HTTP/1.1 connection with a minimal response reader."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def open(self):
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self):
        if self.writer:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except Exception:
                pass
        self.reader = self.writer = None

    async def request(self, method, path, headers, body=b""):
        if self.writer is None:
            await self.open()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        if body or method in ("PUT", "POST"):
            lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("connection closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            k, _, v = line.decode("latin-1").partition(":")
            k, v = k.strip().lower(), v.strip()
            if k == "content-length":
                length = int(v)
            elif k == "transfer-encoding" and "chunked" in v.lower():
                chunked = True
            elif k == "connection" and v.lower() == "close":
                close = True
        if chunked:
            parts = []
            while True:
                size = int((await self.reader.readline()).split(b";")[0], 16)
                if size == 0:
                    while (await self.reader.readline()) not in (b"\r\n", b"\n", b""):
                        pass
                    break
                parts.append(await self.reader.readexactly(size))
                await self.reader.readexactly(2)
            data = b"".join(parts)
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data = await self.reader.read()
            close = True
        if close:
            await self.close()
        return status, data


def percentile(sorted_ms, q):
    if not sorted_ms:
        return None
    k = min(len(sorted_ms) - 1, max(0, int(round(q / 100 * len(sorted_ms) + 0.5)) - 1))
    return round(sorted_ms[k], 1)


class Stats:
    def __init__(self):
        self.ms = {k: [] for k in KINDS}
        self.status = {k: {} for k in KINDS}
        self.errors = {k: 0 for k in KINDS}
        self.failures = []  # first few error descriptions
        self.bytes = {k: 0 for k in KINDS}

    def record(self, kind, ms, status, nbytes):
        self.ms[kind].append(ms)
        self.status[kind][status] = self.status[kind].get(status, 0) + 1
        self.bytes[kind] += nbytes
        if not 200 <= status < 300:
            self.errors[kind] += 1

    def fail(self, kind, what):
        self.errors[kind] += 1
        self.status[kind]["exception"] = self.status[kind].get("exception", 0) + 1
        if len(self.failures) < 20:
            self.failures.append(f"{kind}: {what}")


async def worker(i, a, users, stats, writes, deadline, seq):
    """Connection `i`: acts as one user; writes only the customers it was dealt."""
    user = users[i % len(users)]
    rng = random.Random(a.seed * 1000 + i)
    conn = Conn(a.host, a.port)
    page_headers = {"Cookie": f"custval_session={user['session']}"}
    api_headers = {"Authorization": f"Bearer {user['token']}", "Content-Type": "application/json"}
    mine = user["write_ids"][user["writers"].index(i) :: len(user["writers"])]
    weights = [a.w_list, a.w_360, a.w_export, a.w_plan]
    while time.monotonic() < deadline:
        kind = rng.choices(KINDS, weights)[0]
        if kind == "plan_edit" and not mine:
            kind = "customer360"
        try:
            t0 = time.perf_counter()
            if kind == "list":
                q = {"page": rng.randint(1, a.max_page)}
                if rng.random() < 0.3:
                    q["tier"] = rng.choice(["A", "B", "C"])
                status, body = await conn.request(
                    "GET", "/customers?" + urllib.parse.urlencode(q), page_headers
                )
            elif kind == "customer360":
                cid = rng.choice(user["read_ids"])
                status, body = await conn.request("GET", f"/customers/{cid}", page_headers)
            elif kind == "export_csv":
                q = {"tier": "A"}
                if user["role"] != "sales":
                    q["owner"] = rng.choice(a.owners)
                status, body = await conn.request(
                    "GET", "/export/customers.csv?" + urllib.parse.urlencode(q), page_headers
                )
            else:
                cid = rng.choice(mine)
                n = next(seq)
                goal = f"load-test write {n} by connection {i}"
                doc = {"customer_id": cid, "goals": [goal]}
                status, body = await conn.request(
                    "PUT",
                    f"/api/v1/customers/{cid}/plan",
                    api_headers,
                    json.dumps(doc).encode(),
                )
                if 200 <= status < 300:
                    writes[cid] = goal
            ms = (time.perf_counter() - t0) * 1000
            stats.record(kind, ms, status, len(body))
            if not 200 <= status < 300 and len(stats.failures) < 20:
                stats.failures.append(f"{kind} {status}: {body[:200]!r}")
        except Exception as e:  # noqa: BLE001 - every failure is counted, then reconnect
            stats.fail(kind, repr(e))
            await conn.close()
    await conn.close()


async def read_back(a, token, writes):
    """Reads every written plan back; returns (checked, lost, examples)."""
    conn = Conn(a.host, a.port)
    lost, examples = 0, []
    headers = {"Authorization": f"Bearer {token}"}
    for cid, goal in writes.items():
        status, body = await conn.request("GET", f"/api/v1/customers/{cid}/plan", headers)
        goals = json.loads(body).get("plan", {}).get("goals", []) if status == 200 else None
        if goals != [goal]:
            lost += 1
            if len(examples) < 5:
                examples.append({"customer": cid, "wrote": goal, "read": goals, "status": status})
    await conn.close()
    return len(writes), lost, examples


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--users", required=True, help="JSON file: list of users (run.sh writes it)")
    p.add_argument("--duration", type=float, default=300)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--max-page", type=int, default=200)
    p.add_argument("--w-list", type=float, default=40)
    p.add_argument("--w-360", type=float, default=40)
    p.add_argument("--w-export", type=float, default=2)
    p.add_argument("--w-plan", type=float, default=18)
    p.add_argument("--out")
    a = p.parse_args()
    u = urllib.parse.urlsplit(a.url)
    a.host, a.port = u.hostname, u.port
    with open(a.users) as f:
        spec = json.load(f)
    users, a.owners = spec["users"], spec["owners"]
    # Connections are dealt to users round robin; each user's writable customers are split
    # between its connections, so that no two connections write the same plan (the last
    # acknowledged write of each customer is then the one to read back).
    for u_ in users:
        u_["writers"] = [i for i in range(a.connections) if i % len(users) == users.index(u_)]
    taken = set()
    for u_ in users:
        u_["write_ids"] = [c for c in u_["write_ids"] if c not in taken]
        taken.update(u_["write_ids"])
    stats, writes = Stats(), {}
    counter = iter(range(1, 1 << 62))
    start = time.monotonic()
    deadline = start + a.duration
    await asyncio.gather(
        *(worker(i, a, users, stats, writes, deadline, counter) for i in range(a.connections))
    )
    elapsed = time.monotonic() - start
    admin = next(u_ for u_ in users if u_["role"] == "admin")
    checked, lost, examples = await read_back(a, admin["token"], writes)
    out = {
        "seconds": round(elapsed, 1),
        "connections": a.connections,
        "requests": sum(len(v) for v in stats.ms.values()),
        "kinds": {},
        "errors": sum(stats.errors.values()),
        "failures": stats.failures,
        "plan_writes_acknowledged_customers": checked,
        "plan_writes_lost": lost,
        "lost_examples": examples,
    }
    for k in KINDS:
        ms = sorted(stats.ms[k])
        out["kinds"][k] = {
            "requests": len(ms),
            "per_second": round(len(ms) / elapsed, 1),
            "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95),
            "p99_ms": percentile(ms, 99),
            "max_ms": round(ms[-1], 1) if ms else None,
            "errors": stats.errors[k],
            "status": {str(s): n for s, n in stats.status[k].items()},
            "mean_kib": round(stats.bytes[k] / max(1, len(ms)) / 1024, 1),
        }
    every = sorted(x for v in stats.ms.values() for x in v)
    out["all"] = {
        "p50_ms": percentile(every, 50),
        "p95_ms": percentile(every, 95),
        "p99_ms": percentile(every, 99),
    }
    text = json.dumps(out, indent=1, ensure_ascii=False)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text + "\n")
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
