build/util/machine.o: util/machine.c util/machine.h util/event.h \
 util/util.h symbols/elf.h symbols/symtab.h symbols/kallsyms.h \
 symbols/kmod.h util/data.h util/guestfiles.h
util/machine.h:
util/event.h:
util/util.h:
symbols/elf.h:
symbols/symtab.h:
symbols/kallsyms.h:
symbols/kmod.h:
util/data.h:
util/guestfiles.h:
