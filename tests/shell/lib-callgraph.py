# Compares pmukvm's call-graph reports with perf report's on the same file
# (t1070, t1071). Run from the repository root:
#   python3 tests/shell/lib-callgraph.py graphs PERF_REPORT PMUKVM_REPORT [may-be-empty]
#       each row's graph block has the same lines (rows, and branches, of
#       equal overhead may come in another order: rows are matched by their
#       line, a block's lines compared as a multiset); may-be-empty: both
#       may draw no graph at all.
#   python3 tests/shell/lib-callgraph.py forms PERF_OUT PMUKVM_OUT
#       the two -q reports (any -g form) agree, rows of equal overhead and
#       sibling paths of equal value in either order.
# Exit status 0 when they agree, 1 when not (what differs on stdout).
import collections, itertools, re, sys

PREFIX = re.compile(r'^[ |]*')


def untie(block, branch, columns=False):
    """A block's lines with what tied sibling branches leave open blanked.

    branch matches a branch line, its groups (indent, value) tell siblings
    apart. Of sibling branches with the same value either may be drawn last
    (" --" instead of "|--"): for those the marker becomes '?'. With
    columns, in a block with such ties, the "|" continuation columns in
    front of a line are not compared either: which tied sibling is drawn
    first decides them (perf orders ties by DSO object address, then symbol
    address), so there a line is compared by its depth and text.
    """
    ties = collections.Counter(m.groups() for m in map(branch.match, block) if m)
    tied = columns and any(n > 1 for n in ties.values())
    out = []
    for line in block:
        m = branch.match(line)
        if m and ties[m.groups()] > 1:
            line = m.group(1) + '?' + line[len(m.group(1)) + 1:]
        if tied:
            p = PREFIX.match(line).end()
            line = (line[:p].replace('|', ' ') + line[p:]).rstrip()
        out.append(line)
    return out


# ---------------------------------------------------------------- graphs

# graphs: a branch is told by its percentage.
GRAPHS_BRANCH = re.compile(r'^( *)[| ]--([0-9.]+%)--')

def blocks(path):
    out, row, block = {}, None, []
    for line in open(path, errors='replace'):
        line = line.rstrip()
        if line.startswith('#'):
            continue
        if line.startswith('  ') and '%' in line.split()[0] and not line.lstrip().startswith(('|', '-')):
            if row is not None and block:
                out.setdefault(row, []).append(block)
            row, block = line, []
        elif line and row is not None:
            block.append(line)
    if row is not None and block:
        out.setdefault(row, []).append(block)
    return {r: sorted(sum((untie(b, GRAPHS_BRANCH, columns=True) for b in bs), []))
            for r, bs in out.items()}

def main_graphs(args):
    want, got = blocks(args[0]), blocks(args[1])
    may_be_empty = args[2:] == ['may-be-empty']
    bad = [r for r in set(want) | set(got) if want.get(r) != got.get(r)]
    for r in bad[:3]:
        print('row: %s\nperf:\n%s\npmukvm:\n%s' % (r, '\n'.join(want.get(r, [])),
                                                 '\n'.join(got.get(r, []))))
    print('%d rows with graphs; %d differ' % (len(want), len(bad)))
    return 1 if bad or not (want or may_be_empty) else 0


# ---------------------------------------------------------------- forms

ROW = re.compile(r'^ +-?[0-9.]+%?( +-?[0-9.]+%?)? +\S')
# forms: a branch is told by its value, whatever its form.
FORMS_BRANCH = re.compile(r'^( *)[| ]--([^-]+)--')

GRAPH_BRANCH = re.compile(r'^([ |]*)([| ])--(.+?)--(.*)$')

def tree(block):
    # A graph block as a tree: (value, names, children sorted, the children's
    # last-branch markers in order); siblings of equal value in any order.
    root = {'val': None, 'names': [], 'kids': [], 'marks': [], 'lvl': 12}
    stack = [root]
    for line in block:
        if not line.strip() or not line.replace('|', '').strip():
            continue
        m = GRAPH_BRANCH.match(line)
        if m and not m.group(1).strip(' |') and (len(m.group(1)) - 12) % 11 in (0, 3):
            c = len(m.group(1))
            while len(stack) > 1 and stack[-1]['lvl'] > c:
                stack.pop()
            node = {'val': m.group(3), 'names': [m.group(4)], 'kids': [], 'marks': [],
                    'lvl': c + 11}
            stack[-1]['kids'].append(node)
            stack[-1]['marks'].append(m.group(2))
            stack.append(node)
            continue
        p = len(line) - len(line.lstrip(' |'))
        name = line[p:]
        if name.startswith('---') and len(stack) == 1:
            root['names'].append(name[3:])
            root['lvl'] = p + 3
            continue
        while len(stack) > 1 and stack[-1]['lvl'] > p:
            stack.pop()
        stack[-1]['names'].append(name)
    def freeze(n):
        return (n['val'], tuple(n['names']), tuple(sorted(freeze(k) for k in n['kids'])),
                tuple(n['marks']))
    return freeze(root)

def canon(block):
    if any(GRAPH_BRANCH.match(l) or l.strip().startswith('---') for l in block):
        return tree(block)
    if any(l.strip() == '' for l in block) and not any('--' in l or '|' in l for l in block):
        units, cur = [], []
        for l in block + ['']:
            if l.strip():
                cur.append(l)
            elif cur:
                units.append(tuple(cur)); cur = []
        return tuple(sorted(units))
    return tuple(sorted(untie(block, FORMS_BRANCH)))

def parse(path):
    rows = []
    for line in open(path, errors='replace'):
        line = re.sub(r' \(inlined\)$', '', line.rstrip())
        if line.startswith('#'):
            continue
        if ROW.match(line) and len(line.split()) > 2 and '--' not in line:
            rows.append([line, []])
        elif rows:
            rows[-1][1].append(line)
    out = []
    for r, b in rows:
        while b and not b[-1].strip():
            b.pop()
        key = r.split()[0]
        out.append((key, ' '.join(r.split()), canon(b)))
    res = []
    for k, grp in itertools.groupby(out, key=lambda x: x[0]):
        res.append(sorted(grp))
    return res

def main_forms(args):
    want, got = parse(args[0]), parse(args[1])
    nrows = sum(len(g) for g in want)
    if want != got:
        for w, g in zip(want, got):
            if w != g:
                print('perf:'); [print(x[1], *x[2], sep='\n') for x in w[:2]]
                print('pmukvm:'); [print(x[1], *x[2], sep='\n') for x in g[:2]]
                break
        else:
            print('row groups: perf %d, pmukvm %d' % (len(want), len(got)))
        print('%d rows; outputs differ' % nrows)
        return 1
    print('%d rows, %d with call paths; equal' % (nrows, sum(1 for g in want for x in g if x[2])))
    return 0 if nrows else 1


if __name__ == '__main__':
    modes = {'graphs': main_graphs, 'forms': main_forms}
    if len(sys.argv) < 4 or sys.argv[1] not in modes:
        sys.exit('usage: lib-callgraph.py graphs|forms PERF_OUT PMUKVM_OUT [may-be-empty]')
    sys.exit(modes[sys.argv[1]](sys.argv[2:]))
