build/symbols/elf.o: symbols/elf.c symbols/elf.h symbols/symtab.h \
 util/util.h symbols/demangle.h
symbols/elf.h:
symbols/symtab.h:
util/util.h:
symbols/demangle.h:
