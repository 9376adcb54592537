build-san/util/data.o: util/data.c util/data.h util/event.h util/util.h
util/data.h:
util/event.h:
util/util.h:
