# A stackcollapse of perf script's default output, written for the tests
# from the documented rules of FlameGraph's stackcollapse-perf.pl:
#  - a sample starts with a line "comm tid ...", the command's spaces
#    become '_';
#  - stack lines "ip func+0xoff (dso)": the offset is dropped; "[unknown]"
#    with a known dso becomes "[basename(dso)]"; ';' becomes ':';
#    everything from the first '(' not opening "(anonymous namespace)" is
#    dropped unless the name looks like a Go method; quotes are dropped; a
#    name starting with '(' is skipped; for comm "java" a leading 'L' of a
#    name with '/' goes;
#  - the stack is the command, then the frames outermost first, counted
#    once per sample; lines are printed sorted.
# Without callchains perf script right-aligns the command and prints the
# sample's "ip sym (dso)" on the header line, samples not separated by
# blank lines: there the header is read without its leading blanks and
# its "ip sym (dso)" is the stack's one frame (pmukvm's comm;sym).
# Usage: python3 lib-collapse.py < perf-script-output
import collections, re, sys

HEAD = re.compile(r'^(\S.+?)\s+(\d+)/*(\d+)*\s+')
STACK = re.compile(r'^\s*(\w+)\s*(.+) \((\S*)\)')
# "comm tid time: period event: ip sym (dso)"
TAIL = re.compile(r'^\S.*?\s+\d+\s+[\d.]+:\s+\d+\s+\S+:\s+([0-9a-f]+)\s+(.+) \((\S*)\)\s*$')

def tidy(func, mod, pname):
    func = re.sub(r'\+0x[\da-f]+$', '', func)
    if func.startswith('('):
        return None
    if func == '[unknown]' and mod != '[unknown]':
        func = '[' + re.sub(r'.*/', '', mod) + ']'
    func = func.replace(';', ':')
    if not re.search(r'\.\(.*\)\.', func):
        func = re.sub(r'\((?!anonymous namespace\)).*', '', func)
    func = func.replace('"', '').replace("'", '')
    if pname == 'java' and '/' in func:
        func = re.sub(r'^L', '', func)
    return func

out = collections.Counter()
stack, pname = [], None

def flush():
    global stack, pname
    if pname is not None or stack:
        out[';'.join([pname or ''] + stack)] += 1
    stack, pname = [], None

for line in sys.stdin:
    if line.startswith('#'):
        continue
    line = line.rstrip('\n')
    if not line.strip():
        flush()
        continue
    m = HEAD.match(line if line.startswith('\t') else line.lstrip(' '))
    if m:
        if pname is not None:
            flush()
        pname = m.group(1).replace(' ', '_')
        # A sample of a thread perf never saw: ":-1 -1 ...", comm ":-1".
        if re.match(r'^\s*:-1\s+-1\s', line):
            pname = ':-1'
        t = TAIL.match(line.lstrip(' '))
        if t:
            f = tidy(t.group(2), t.group(3), pname)
            if f is not None:
                stack.insert(0, f)
        continue
    m = STACK.match(line)
    if m:
        f = tidy(m.group(2), m.group(3), pname)
        if f is not None:
            stack.insert(0, f)
flush()
for k in sorted(out, key=lambda s: s.encode()):
    print('%s %d' % (k, out[k]))
