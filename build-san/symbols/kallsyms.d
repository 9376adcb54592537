build-san/symbols/kallsyms.o: symbols/kallsyms.c symbols/kallsyms.h \
 symbols/symtab.h util/util.h
symbols/kallsyms.h:
symbols/symtab.h:
util/util.h:
