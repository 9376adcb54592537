build-san/tests/unit/symbols.o: tests/unit/symbols.c symbols/kallsyms.h \
 symbols/symtab.h util/util.h tests/unit/unit.h
symbols/kallsyms.h:
symbols/symtab.h:
util/util.h:
tests/unit/unit.h:
