build-san/util/session.o: util/session.c util/session.h util/data.h \
 util/event.h util/util.h util/machine.h util/options.h
util/session.h:
util/data.h:
util/event.h:
util/util.h:
util/machine.h:
util/options.h:
