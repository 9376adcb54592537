build-san/tests/unit/hists.o: tests/unit/hists.c symbols/symtab.h \
 util/util.h tests/unit/unit.h util/hist.h util/machine.h util/event.h
symbols/symtab.h:
util/util.h:
tests/unit/unit.h:
util/hist.h:
util/machine.h:
util/event.h:
