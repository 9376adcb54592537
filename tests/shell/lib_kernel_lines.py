# The kallsyms and modules side of mkcrafted's kernel and kernel-g lines,
# for the tests that write them (t1179, t1181): imported with
# tests/shell on sys.path.
#
# Kernel(KALLSYMS, MODULES): .text (the _text address), .funcs, .objs
# (core kernel functions and data objects), .mfuncs (functions of the
# first three modules), each a list of (start, size, name) for symbols
# 0x80 bytes or more long; .header() the "text" and "module" lines.


class Kernel:
    def __init__(self, kallsyms, modules):
        rows = []
        for line in open(kallsyms):
            f = line.split()
            rows.append((int(f[0], 16), f[1], f[2], f[3] if len(f) > 3 else None))
        rows.sort(key=lambda r: r[0])
        self.rows = rows
        self.text = next(a for a, t, s, m in rows if s == '_text')
        self.modules = [l.split() for l in open(modules)][:3]
        names = ['[%s]' % m[0] for m in self.modules]
        self.funcs = self.sized(lambda t, m: t in 'Tt' and m is None)
        self.objs = self.sized(lambda t, m: t in 'Dd' and m is None)
        self.mfuncs = self.sized(lambda t, m: t in 'Tt' and m in names)

    def sized(self, pred):
        out = []
        for i, (a, t, s, m) in enumerate(self.rows[:-1]):
            nxt = self.rows[i + 1][0]
            if pred(t, m) and nxt - a >= 0x80 and (m is not None or nxt < self.text + (1 << 30)):
                out.append((a, nxt - a, s))
        return out

    def header(self):
        lines = ['text %x' % self.text]
        for m in self.modules:
            lines.append('module %x %x %s' % (int(m[5], 16), int(m[1]), m[0]))
        return '\n'.join(lines)


def from_argv(argv):
    """argv: KALLSYMS MODULES N SEED: the Kernel, N and a PRNG seeded by SEED."""
    import random
    return Kernel(argv[1], argv[2]), int(argv[3]), random.Random(int(argv[4]))
