#!/usr/bin/env python3
"""CPU accounting for ops/bench/run.sh: what a load cost the server and PostgreSQL, and how much of the
machine other work (builds, test runs) took meanwhile. Times are in clock ticks from /proc.

    cpu.py snap SELF POSTMASTER APP     one line of numbers: machine total and busy ticks, the ticks of
        everything this run started (SELF, the bench script, with its live children such as ScaiVault and
        the floor app and the children it reaped such as wrk; the PostgreSQL cluster: POSTMASTER, its live
        backends and those it reaped), of APP alone and of the PostgreSQL cluster alone
    cpu.py diff "BEFORE" "AFTER" REQUESTS   prints key=value pairs: busy_pct (the machine's busy share of all
        cores over the interval), other_pct (the share taken by processes this run did not start),
        app_us and pg_us (CPU microseconds per request of APP and of PostgreSQL)
"""
import os
import sys


def machine():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return total, total - idle


def stat(pid):
    """(ppid, own ticks, reaped children's ticks) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    rest = raw[raw.rindex(")") + 2:].split()
    # after the command: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
    return int(rest[1]), int(rest[11]) + int(rest[12]), int(rest[13]) + int(rest[14])


def tree(root, children):
    """The ticks of root (own and reaped) and of its live children (own; theirs are counted when reaped)."""
    s = stat(root)
    if s is None:
        return 0
    return s[1] + s[2] + sum(c[1] for c in children.get(root, []))


def snap(self_pid, postmaster, app):
    total, busy = machine()
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            s = stat(entry)
            if s:
                children.setdefault(s[0], []).append(s)
    pg = tree(postmaster, children)
    ours = tree(self_pid, children) + pg
    a = stat(app)
    print(total, busy, ours, a[1] if a else 0, pg)


def diff(before, after, requests):
    b = [int(x) for x in before.split()]
    a = [int(x) for x in after.split()]
    d = [x - y for x, y in zip(a, b)]
    total = max(1, d[0])
    tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
    requests = max(1, requests)
    print(f"busy_pct={100.0 * d[1] / total:.0f} other_pct={100.0 * max(0, d[1] - d[2]) / total:.0f} "
          f"app_us={d[3] * tick_us / requests:.0f} pg_us={d[4] * tick_us / requests:.0f}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "snap":
        snap(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "diff":
        diff(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        sys.exit(__doc__)
