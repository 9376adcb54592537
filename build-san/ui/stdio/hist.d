build-san/ui/stdio/hist.o: ui/stdio/hist.c ui/stdio.h util/hist.h \
 util/machine.h util/event.h util/util.h symbols/symtab.h
ui/stdio.h:
util/hist.h:
util/machine.h:
util/event.h:
util/util.h:
symbols/symtab.h:
