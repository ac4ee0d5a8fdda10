#!/usr/bin/env python3
"""Summary of one ops/bench/run.sh run: prints a table and updates the report (docs/benchmarks.md).

The report keeps hand-written text. Only two marked blocks are touched: the one between
<!-- bench:latest:start/end --> is replaced by this run, and a row is added before
<!-- bench:history:end -->. A missing report is created with a short introduction.
"""
import argparse
import bisect
import glob
import os
import re
import sys

LATEST = ("<!-- bench:latest:start -->", "<!-- bench:latest:end -->")
HISTORY_END = "<!-- bench:history:end -->"
HISTORY_HEADER = (
    "| date | reads/s | read p50 | read p99 | writes/s | write p50 | write p99 | floor/s | floor p99 "
    "| reads/floor | CPU µs per request, server + PostgreSQL (read/write/floor) "
    "| other processes' CPU (floor/read/write) | note |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n"
)

INTRO = """# ScaiVault benchmarks

Produced by `ops/bench/run.sh` (see the header of that script for its settings). Everything runs on
127.0.0.1 on one machine: PostgreSQL, ScaiVault, the floor app and the load generator (`wrk`) share
the same cores, so the figures are for comparing ScaiVault with the floor and with earlier runs on
the same machine, not absolute capacity figures.

- **read**: `GET /v1/secrets/bench/read`, a 1 KB json secret (the current version: one batched
  Marten query for the secret state and its key ring, an AES-GCM unwrap and open).
- **read, audit disabled**: the same read from a second ScaiVault process on the same database,
  started with the benchmark-only `SCAIVAULT_AUDIT_DISABLED_FOR_BENCHMARK` (docs/audit.md): what the
  audit guarantee (entry durable before the response, group commit) costs a read. Aim: audited reads
  ≥ 70% of unaudited.
- **write**: `PUT /v1/secrets/bench/write-NN`, the same 1 KB json body, no `cas`, spread round-robin
  over 64 new paths (each wrk thread writes its own half of them, so the requests in flight at one
  time almost always go to different paths; the warm-up writes go to `bench/warmup-NN`). Each write
  is a new version; the default `max_versions` (0 = keep every version) applies.
- **floor**: `ops/bench/Floor`, a bare ASP.NET Core minimal endpoint doing one primary-key SELECT of a
  1 KB row with Npgsql (pool 16, `Max Auto Prepare` on), under the same load.

"""


def parse_slice(path):
    """The BENCH_RESULT values and the BENCH_QUANTILES (0.1% .. 99.9%) of one wrk run."""
    result, quantiles = None, None
    with open(path) as f:
        for line in f:
            if line.startswith("BENCH_RESULT "):
                result = {k: float(v) for k, v in (kv.split("=", 1) for kv in line.split()[1:])}
            elif line.startswith("BENCH_QUANTILES "):
                quantiles = [float(v) for v in line.split()[1:]]
    if result is None or quantiles is None or len(quantiles) != 999:
        sys.exit(f"no BENCH_RESULT / BENCH_QUANTILES lines in {path}")
    result["quantiles"] = quantiles
    return result


def merged_percentile(slices, p):
    """The p-th percentile of the union of the slices' latencies, each slice's distribution taken
    from its quantiles at every 0.1%. With one slice this is that slice's own percentile."""
    total = sum(s["requests"] for s in slices)
    if total == 0:
        return 0.0
    for x in sorted({q for s in slices for q in s["quantiles"]}):
        # share of all requests at or below x: each slice contributes (its points <= x) / 1000
        at_or_below = sum(s["requests"] * bisect.bisect_right(s["quantiles"], x) / 1000 for s in slices)
        if at_or_below / total >= p / 100 - 1e-9:
            return x
    return max(s["max_us"] for s in slices)


def parse_cpu(path):
    """CPU ticks over one slice: [total, busy, ours, app, pg] (after - before); None when missing."""
    try:
        with open(path) as f:
            before, after = ([int(x) for x in line.split()] for line in f.read().strip().splitlines())
        return [a - b for a, b in zip(after, before)]
    except (OSError, ValueError):
        return None


def parse_load(results, name):
    """All measured slices of one load (NAME-1, NAME-2, ...) merged into one set of figures."""
    paths = sorted(glob.glob(os.path.join(results, f"{name}-[0-9]*.txt")))
    if not paths:
        sys.exit(f"no measured runs of {name} in {results}")
    slices = [parse_slice(p) for p in paths]
    r = {
        "slices": len(slices),
        "requests": sum(s["requests"] for s in slices),
        "duration_us": sum(s["duration_us"] for s in slices),
        "max_us": max(s["max_us"] for s in slices),
        "errors": int(sum(s["connect_errors"] + s["read_errors"] + s["write_errors"] + s["timeouts"] for s in slices)),
        "non2xx": int(sum(s["non2xx"] for s in slices)),
    }
    r["rps"] = r["requests"] / (r["duration_us"] / 1e6)
    for p in (50, 90, 99):
        r[f"p{p}_us"] = merged_percentile(slices, p)
    cpu = {}
    deltas = [parse_cpu(p[:-4] + ".cpu") for p in paths]
    if all(d is not None for d in deltas):
        total, busy, ours, app, pg = (sum(d[i] for d in deltas) for i in range(5))
        tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
        requests = max(1, r["requests"])
        cpu = {
            "busy_pct": round(100 * busy / max(1, total)),
            "other_pct": round(100 * max(0, busy - ours) / max(1, total)),
            "app_us": round(app * tick_us / requests),
            "pg_us": round(pg * tick_us / requests),
        }
    return r, cpu


def ms(us):
    return f"{us / 1000:.2f} ms"


def main():
    p = argparse.ArgumentParser()
    for name in ["results", "doc", "command", "date", "duration", "warmup", "connections", "threads", "put-paths",
                 "rounds", "pg-fast", "read-bytes", "floor-bytes", "nproc", "cpu", "mem", "free", "dotnet", "postgres", "wrk",
                 "kernel", "load-before", "load-after", "busy-before", "write-versions", "note"]:
        p.add_argument("--" + name, default="")
    a = p.parse_args()

    parsed = {name: parse_load(a.results, name) for name in ("floor", "read", "read-unaudited", "write")}
    runs = {name: parsed[name][0] for name in parsed}
    cpu = {name: parsed[name][1] for name in parsed}
    floor, read, write = runs["floor"], runs["read"], runs["write"]
    ratio = read["rps"] / floor["rps"]
    ratio_aim = ratio >= 0.5
    unaudited = runs["read-unaudited"]
    audit_ratio = read["rps"] / unaudited["rps"]
    audit_aim = audit_ratio >= 0.7
    p99_aim = read["p99_us"] < 10_000

    labels = {
        "floor": "floor: `GET /row/1` (bare minimal API + Npgsql PK SELECT)",
        "read": "ScaiVault read: `GET /v1/secrets/bench/read`",
        "read-unaudited": "same read, audit step disabled (benchmark-only switch)",
        "write": f"ScaiVault write: `PUT /v1/secrets/bench/write-NN` ({a.put_paths} paths, no cas)",
    }
    def c(name, key, unit=""):
        return f"{cpu[name][key]:,}{unit}" if key in cpu[name] else "?"

    rows = []
    for name in ("read", "read-unaudited", "write", "floor"):
        r = runs[name]
        rows.append(
            f"| {labels[name]} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | {ms(r['p99_us'])} "
            f"| {ms(r['max_us'])} | {r['requests']:,.0f} | {r['errors']} / {r['non2xx']} "
            f"| {c(name, 'app_us', ' µs')} | {c(name, 'pg_us', ' µs')} | {c(name, 'busy_pct', '%')} / {c(name, 'other_pct', '%')} |")

    def mark(ok):
        return "met" if ok else "**missed**"

    latest = f"""{LATEST[0]}
## Latest run

- Date: {a.date}
- Command: `{a.command}`
- Load: `wrk -t{a.threads} -c{a.connections} --latency --timeout 5s -s ops/bench/wrk.lua`, {a.duration} s measured per load after a {a.warmup} s warm-up with the same settings. The floor, the reads and the unaudited reads were measured in {a.rounds} rotating slices of {int(a.duration) // max(1, int(a.rounds))} s each (so that both see the same machine load; percentiles are merged over the slices), then the writes in one run. The processes stay up for the whole run.
- Machine: {a.nproc} cores ({a.cpu}), memory {a.mem}; Linux {a.kernel}; .NET SDK {a.dotnet}, PostgreSQL {a.postgres} ({'fsync off' if a.pg_fast == '1' else 'fsync on, default durability'}), wrk {a.wrk}.
- Machine before the loads: {a.busy_before} busy (load average {a.load_before}); after: load average {a.load_after}.
- Response sizes: ScaiVault read {a.read_bytes} bytes, floor {a.floor_bytes} bytes (the 1 KB value plus ScaiVault's version fields and metadata).

| load | requests/s | p50 | p90 | p99 | max | requests | socket errors / non-2xx | server CPU per request | PostgreSQL CPU per request | machine busy / taken by other processes |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{chr(10).join(rows)}

**Audited reads / unaudited reads: {audit_ratio:.1%}** ({read['rps']:,.0f}/s against {unaudited['rps']:,.0f}/s; aim ≥ 70%: {mark(audit_aim)}). The unaudited figure comes from a second ScaiVault process on the same database started with `SCAIVAULT_AUDIT_DISABLED_FOR_BENCHMARK` (benchmark-only, see docs/audit.md).

**ScaiVault reads / floor reads: {ratio:.1%}** (aim ≥ 50%: {mark(ratio_aim)}). Read p99 {ms(read['p99_us'])} at {a.connections} connections (aim < 10 ms: {mark(p99_aim)}).

The measured writes went to {a.put_paths} new paths; by the end each had about {a.write_versions} versions
(the warm-up wrote to other paths).

"Server CPU per request" and "PostgreSQL CPU per request" are the CPU time the server process (ScaiVault
or the floor app) and the whole PostgreSQL cluster used during the measured interval, divided by the
requests served: they depend much less on other work on the machine than requests/s do. "Taken by
other processes" is the share of all cores used during the interval by processes this run did not
start (other builds and test runs on the machine); the higher it is, the lower the figures of that
load are compared with a quiet machine.

<details><summary><code>free -h</code></summary>

```
{a.free}
```
</details>
{LATEST[1]}"""

    def cpu_cell(name):
        return c(name, "other_pct", "%")

    history_row = (
        f"| {a.date} | {read['rps']:,.0f} | {ms(read['p50_us'])} | {ms(read['p99_us'])} | {write['rps']:,.0f} "
        f"| {ms(write['p50_us'])} | {ms(write['p99_us'])} | {floor['rps']:,.0f} | {ms(floor['p99_us'])} | {ratio:.1%} "
        f"| {c('read', 'app_us')} + {c('read', 'pg_us')} / {c('write', 'app_us')} + {c('write', 'pg_us')} / {c('floor', 'app_us')} + {c('floor', 'pg_us')} "
        f"| {cpu_cell('floor')} / {cpu_cell('read')} / {cpu_cell('write')} | audited/unaudited reads {audit_ratio:.1%} ({unaudited['rps']:,.0f}/s unaudited); {a.note.replace('|', '/')} |\n")

    print()
    print(f"{'load':<15}{'requests/s':>12}{'p50':>11}{'p90':>11}{'p99':>11}{'max':>11}{'err/non2xx':>11}"
          f"{'app us/req':>11}{'pg us/req':>10}{'busy/other':>11}")
    for name in ("read", "read-unaudited", "write", "floor"):
        r = runs[name]
        print(f"{name:<15}{r['rps']:>12,.0f}{ms(r['p50_us']):>11}{ms(r['p90_us']):>11}{ms(r['p99_us']):>11}"
              f"{ms(r['max_us']):>11}{str(r['errors']) + '/' + str(r['non2xx']):>11}"
              f"{c(name, 'app_us'):>11}{c(name, 'pg_us'):>10}{c(name, 'busy_pct', '%') + '/' + c(name, 'other_pct', '%'):>11}")
    print(f"audited/unaudited reads = {audit_ratio:.1%} (aim >= 70%: {'met' if audit_aim else 'missed'})")
    print(f"reads/floor = {ratio:.1%} (aim >= 50%: {'met' if ratio_aim else 'missed'}); "
          f"read p99 {ms(read['p99_us'])} (aim < 10 ms: {'met' if p99_aim else 'missed'})")
    if any(runs[n]["errors"] or runs[n]["non2xx"] for n in runs):
        print("WARNING: some requests failed (socket errors or non-2xx answers); see the raw wrk output")

    if a.doc == "none":
        return
    text = open(a.doc).read() if os.path.exists(a.doc) else INTRO + LATEST[0] + "\n" + LATEST[1] + "\n"
    if LATEST[0] in text and LATEST[1] in text:
        text = re.sub(re.escape(LATEST[0]) + ".*?" + re.escape(LATEST[1]), lambda _: latest, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + latest + "\n"
    if HISTORY_END not in text:
        text = text.rstrip("\n") + "\n\n## Run history\n\n<!-- bench:history:start -->\n" + HISTORY_HEADER + HISTORY_END + "\n"
    text = text.replace(HISTORY_END, history_row + HISTORY_END)
    os.makedirs(os.path.dirname(os.path.abspath(a.doc)), exist_ok=True)
    with open(a.doc, "w") as f:
        f.write(text)
    print(f"updated {a.doc}")


if __name__ == "__main__":
    main()
