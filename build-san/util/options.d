build-san/util/options.o: util/options.c util/options.h util/util.h
util/options.h:
util/util.h:
