#!/usr/bin/env python3
"""Random histories of processes for mkcrafted's kernel shape, on stdout.

Usage: lib-randmodel.py SEED [g]

A few processes and threads, in time order: COMMs and exec COMMs, user
MMAPs that overlap and replace each other (a few file names, anonymous
and special ones), FORKs of threads and of processes (a tid given again
after its thread exited among them), EXITs, and user samples at addresses
in and around the maps, now and then with a pid or tid that no FORK made.
With g, each sample has a user call
chain (for mkcrafted kernel-g) of up to four return addresses, in and out
of the maps. The same SEED gives the same history. The names of the commands are all
five bytes: perf sizes its command column by each thread's last command
and cuts longer ones (a known difference, pmukvm-report(1)).
"""
import random
import sys

NAMES = ["/usr/lib/rnd/liba.so", "/usr/lib/rnd/libb.so", "/usr/bin/rndprog",
         "/usr/lib/rnd/libc.so", "//anon", "[heap]", "/tmp/rnd/x (deleted)"]
COMMS = ["alpha", "bravo", "gamma", "delta", "omega"]
BASES = [0x400000, 0x401000, 0x500000, 0x7f0000000000, 0x7f0000001000, 0x7f0000003000]


def history(seed, chains=False):
    r = random.Random(seed)
    procs = {100: [100]}
    next_pid = 200
    out = ["comm 100 100 alpha"]
    for _ in range(r.randint(20, 120)):
        alive = [(p, t) for p, ts in procs.items() for t in ts]
        if not alive:
            procs[100] = [100]
            out.append("comm 100 100 alpha")
            continue
        p, t = r.choice(alive)
        k = r.random()
        if k < 0.25:
            start = r.choice(BASES) + r.choice([0, 0, 0x800, 0x1000, 0x2000])
            length = r.choice([0x1000, 0x2000, 0x3000, 0x10000, 0x800])
            out.append("%s %d %d %x %x %x %s" % (r.choice(["mmap", "mmap", "dmmap"]), p, t, start, length,
                                                  r.choice([0, 0, 0x1000, 0x2000]),
                                                  r.choice(NAMES)))
        elif k < 0.33:
            out.append("%s %d %d %s" % (r.choice(["comm", "exec"]), p, t, r.choice(COMMS)))
        elif k < 0.42:
            if r.random() < 0.5:
                child = next_pid
                next_pid += 1
                procs[p].append(child)
                out.append("fork %d %d %d %d" % (p, p, child, t))
            else:
                # 100 and 300 come back after their exit: a tid given again.
                child = r.choice([next_pid, next_pid, 100, 300])
                next_pid += 1
                if child in procs:
                    child = next_pid
                    next_pid += 1
                procs[child] = [child]
                out.append("fork %d %d %d %d" % (child, p, child, t))
        elif k < 0.47:
            out.append("exit %d %d %d %d" % (p, p, t, t))
            procs[p].remove(t)
            if not procs[p]:
                del procs[p]
        else:
            for _ in range(r.randint(1, 4)):
                ip = r.choice(BASES) + r.randrange(0, 0x3000, 0x10)
                if r.random() < 0.9:
                    sp, st = p, t
                else:
                    sp, st = r.choice([p, 999]), r.choice([t, 998])
                line = "usample %x %d %d %d" % (ip, sp, st, r.randrange(2))
                if chains:
                    frames = [ip] + [r.choice(BASES) + r.randrange(0, 0x3000, 0x8)
                                     for _ in range(r.randint(0, 4))]
                    line += " fffffffffffffe00 " + " ".join("%x" % f for f in frames)
                out.append(line)
    return out


if __name__ == "__main__":
    print("\n".join(history(int(sys.argv[1]), len(sys.argv) > 2 and sys.argv[2] == "g")))
