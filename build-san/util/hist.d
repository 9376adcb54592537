build-san/util/hist.o: util/hist.c util/hist.h util/machine.h \
 util/event.h util/util.h symbols/symtab.h
util/hist.h:
util/machine.h:
util/event.h:
util/util.h:
symbols/symtab.h:
