build-san/pmukvm.o: pmukvm.c builtin-kvm/builtin.h util/options.h \
 util/util.h
builtin-kvm/builtin.h:
util/options.h:
util/util.h:
