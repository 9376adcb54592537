build-san/builtin-kvm/report.o: builtin-kvm/report.c \
 builtin-kvm/builtin.h ui/stdio.h util/hist.h util/machine.h util/event.h \
 util/util.h util/data.h util/options.h util/session.h
builtin-kvm/builtin.h:
ui/stdio.h:
util/hist.h:
util/machine.h:
util/event.h:
util/util.h:
util/data.h:
util/options.h:
util/session.h:
