build-san/symbols/symtab.o: symbols/symtab.c symbols/symtab.h util/util.h
symbols/symtab.h:
util/util.h:
