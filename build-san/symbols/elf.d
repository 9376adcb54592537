build-san/symbols/elf.o: symbols/elf.c symbols/elf.h symbols/symtab.h \
 util/util.h
symbols/elf.h:
symbols/symtab.h:
util/util.h:
