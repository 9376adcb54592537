#!/usr/bin/env python3
"""Random histories of processes for mkcrafted's kernel shape, on stdout.

Usage: lib-randmodel.py SEED [g|k]
       lib-randmodel.py SEED kallsyms

A few processes and threads, in time order: COMMs and exec COMMs, user
MMAPs that overlap and replace each other (a few file names, anonymous
and special ones), FORKs of threads and of processes (a tid given again
after its thread exited among them), EXITs, and user samples at addresses
in and around the maps, now and then with a pid or tid that no FORK made.
With g, each sample has a user call
chain (for mkcrafted kernel-g) of up to four return addresses, in and out
of the maps. With k, the host kernel is mapped (_text at KTEXT, two
modules) and samples are taken in it too (kaddr says where); "kallsyms"
prints the kallsyms copy those samples resolve against (random symbols
of the types perf keeps and of others, shared addresses, module symbols).
The same SEED gives the same history. The names of the commands are all
five bytes: perf sizes its command column by each thread's last command
and cuts longer ones (a known difference, pmukvm-report(1)).
"""
import random
import sys

NAMES = ["/usr/lib/rnd/liba.so", "/usr/lib/rnd/libb.so", "/usr/bin/rndprog",
         "/usr/lib/rnd/libc.so", "//anon", "[heap]", "/tmp/rnd/x (deleted)"]
COMMS = ["alpha", "bravo", "gamma", "delta", "omega"]
BASES = [0x400000, 0x401000, 0x500000, 0x7f0000000000, 0x7f0000001000, 0x7f0000003000]
KTEXT = 0xffffffff81000000
MODULES = [(0xffffffffc0000000, 0x4000, "moda"), (0xffffffffc0010000, 0x2000, "modb")]


def kallsyms(seed):
    """A kallsyms copy: random symbols from KTEXT on, then the modules'."""
    r = random.Random(seed * 7919 + 1)
    out = ["%016x T _text" % KTEXT]
    a = KTEXT
    for i in range(r.randint(20, 200)):
        a += r.choice([0, 0x10, 0x40, 0x100, 0x1000, 0x3000])
        out.append("%016x %s ksym_%d" % (a, r.choice("tTtTwWdDbBrRaA"), i))
    # Past the samples' reach: what is past the last symbol depends, in
    # perf, on the running kernel's layout.
    a = max(a, KTEXT + 0x20000)
    out.append("%016x T ksym_last" % a)
    out.append("%016x T _etext" % (a + 0x100))
    for base, length, name in MODULES:
        m = base
        for i in range(r.randint(0, 12)):
            m += r.choice([0, 0x20, 0x200, 0x800])
            if m >= base + length:
                break
            out.append("%016x %s %s_fn%d\t[%s]" % (m, r.choice("tTdb"), name, i, name))
    return out


def kaddr(r):
    """
    A kernel address: in the text (before, between and in its symbols, data
    ones too) or in a module. Not between the modules or past the text's
    last symbol: there perf 6.1 finds a map or none by the running
    kernel's layout, which the file does not give.
    """
    if r.random() < 0.65:
        return KTEXT + r.randrange(0, 0x20000, 4)
    base, length, _ = r.choice(MODULES)
    return base + r.randrange(0, length, 4)


def history(seed, chains=False, kernel=False):
    r = random.Random(seed)
    procs = {100: [100]}
    next_pid = 200
    out = ["comm 100 100 alpha"]
    if kernel:
        out.append("text %x" % KTEXT)
        out += ["module %x %x %s" % m for m in MODULES]
        # A core kernel sample first: perf 6.1 leaves the module samples
        # before it unresolved (a known difference, pmukvm-report(1)).
        out.append("sample %x 100 100 0" % (KTEXT + 0x10))
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
                if kernel and r.random() < 0.5:
                    line = "sample %x %d %d %d" % (kaddr(r), sp, st, r.randrange(2))
                if chains:
                    frames = [ip] + [r.choice(BASES) + r.randrange(0, 0x3000, 0x8)
                                     for _ in range(r.randint(0, 4))]
                    line += " fffffffffffffe00 " + " ".join("%x" % f for f in frames)
                out.append(line)
    return out


if __name__ == "__main__":
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    if mode == "kallsyms":
        print("\n".join(kallsyms(int(sys.argv[1]))))
    else:
        print("\n".join(history(int(sys.argv[1]), mode == "g", mode == "k")))
