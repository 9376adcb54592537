// SPDX-License-Identifier: GPL-2.0
/*
 * The tracing-data parser on a blob made here: a kvm_exit format with the
 * field shapes libtraceevent treats apart (arrays, dynamic arrays, and an
 * attribute in a copy) parses and its fields are found; the format cut at every
 * byte, and each byte turned into each of the tokenizer's punctuation,
 * parses or is refused (the sanitizer build checks that nothing in the
 * library goes wrong on the way); a byte that is not text is refused
 * with its offset.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/unit.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/trace-event.h"

/*
 * libtraceevent 1.7 loses a token or two on some of the malformed formats
 * below (its error paths); its frames, without frame pointers, hide it
 * from the suppressions. The mutated parses run with leak checking off.
 */
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#define library_leaks_begin()	__lsan_disable()
#define library_leaks_end()	__lsan_enable()
#else
#define library_leaks_begin()	do { } while (0)
#define library_leaks_end()	do { } while (0)
#endif

#define FORMAT_HEAD								\
	"name: kvm_exit\n"							\
	"ID: 75\n"								\
	"format:\n"								\
	"\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"	\
	"\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"	\
	"\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n" \
	"\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n"		\
	"\n"									\
	"\tfield:unsigned int exit_reason;\toffset:8;\tsize:4;\tsigned:0;\n"	\
	"\tfield:unsigned long guest_rip;\toffset:16;\tsize:8;\tsigned:0;\n"	\
	"\tfield:char comm[16];\toffset:24;\tsize:16;\tsigned:0;\n"		\
	"\tfield:__data_loc char[] name;\toffset:40;\tsize:4;\tsigned:0;\n"
#define FORMAT_TAIL								\
	"\n"									\
	"print fmt: \"reason %u rip 0x%lx\", REC->exit_reason, REC->guest_rip\n"

static const char kvm_exit_format[] = FORMAT_HEAD FORMAT_TAIL;
/* With a field of an attribute, which the library parses losing two tokens. */
static const char kvm_exit_format_attr[] = FORMAT_HEAD
	"\tfield:u32 __attribute__((user)) user_val;\toffset:44;\tsize:4;\tsigned:0;\n"
	FORMAT_TAIL;

/* The blob's offset of the format's first byte (fixed by the layout below). */
static size_t format_at;

/* Tracing data in perf's layout, version 0.6, with @len bytes of @fmt as system kvm's one format. */
static void make_blob(struct buf *b, const char *fmt, size_t len)
{
	static const u8 magic[] = { 0x17, 0x08, 'D', 't', 'r', 'a', 'c', 'i', 'n', 'g' };
	static const char hp[] = "\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n";

	b->len = 0;
	buf__append(b, magic, sizeof(magic));
	buf__append(b, "0.6", 4);
	buf__append(b, "\0\x08", 2);	/* little-endian, long size 8 */
	buf__append_u32(b, 4096);
	buf__append(b, "header_page", 12);
	buf__append_u64(b, sizeof(hp) - 1);
	buf__append(b, hp, sizeof(hp) - 1);
	buf__append(b, "header_event", 13);
	buf__append_u64(b, 0);
	buf__append_u32(b, 0);		/* ftrace formats */
	buf__append_u32(b, 1);		/* systems */
	buf__append(b, "kvm", 4);
	buf__append_u32(b, 1);
	buf__append_u64(b, len);
	format_at = b->len;
	buf__append(b, fmt, len);
	buf__append_u32(b, 0);		/* kallsyms */
	buf__append_u32(b, 0);		/* printk formats */
}

/* Parses @len bytes of @fmt; returns trace_events__parse's result, @e its message. */
static int parse(const char *fmt, size_t len, struct err *e)
{
	struct buf b = { 0 };
	struct trace_events te;
	int r;

	make_blob(&b, fmt, len);
	err__init(e);
	r = trace_events__parse(&te, b.data, b.len, "t.data", 0x1000, e);
	if (!r)
		trace_events__exit(&te);
	free(b.data);
	return r;
}

void test_trace_event_parse(void)
{
	static const char punct[] = "[]:;()\"*\n ";
	size_t len = sizeof(kvm_exit_format) - 1, alen = sizeof(kvm_exit_format_attr) - 1;
	size_t i, k, parsed = 0;
	char *fmt = malloc(alen);
	struct trace_events te;
	struct tep_event *ev;
	struct buf b = { 0 };
	struct err e;
	char name[64], want[64];

	/* The whole format: the event and its fields. */
	make_blob(&b, kvm_exit_format, len);
	CHECK(trace_events__parse(&te, b.data, b.len, "t.data", 0x1000, &e) == 0);
	CHECK(te.nr_events == 1);
	CHECK_STR(te.version, "0.6");
	ev = trace_events__find(&te, 75);
	CHECK(ev != NULL);
	if (ev) {
		CHECK_STR(trace_event__name(ev, name, sizeof(name)), "kvm:kvm_exit");
		CHECK(trace_event__field(ev, "exit_reason") != NULL);
		CHECK(trace_event__field(ev, "guest_rip") != NULL);
		CHECK(trace_event__field(ev, "comm") != NULL);
		CHECK(trace_event__field(ev, "name") != NULL);
		CHECK(trace_event__field(ev, "no_such_field") == NULL);
	}
	CHECK(trace_events__find(&te, 76) == NULL);
	trace_events__exit(&te);
	free(b.data);

	/* Cut at every byte: parsed or refused, never worse. */
	library_leaks_begin();
	CHECK(parse(kvm_exit_format_attr, alen, &e) == 0);
	for (k = 0; k <= alen; k++)
		parsed += parse(kvm_exit_format_attr, k, &e) == 0;
	CHECK(parsed > 0);

	/* Each byte made each punctuation mark in turn. */
	for (i = 0; i < alen; i++)
		for (k = 0; k < sizeof(punct) - 1; k++) {
			memcpy(fmt, kvm_exit_format_attr, alen);
			fmt[i] = punct[k];
			parse(fmt, alen, &e);
		}
	library_leaks_end();

	/*
	 * A byte that is not text, anywhere (after a field's "[" the library
	 * would compare a NULL token): refused, at its offset.
	 */
	for (i = 0; i < len; i += 7) {
		memcpy(fmt, kvm_exit_format, len);
		fmt[i] = i % 2 ? '\x01' : '\x80';
		CHECK(parse(fmt, len, &e) == -EINVAL);
		snprintf(want, sizeof(want), "offset %#zx: ", 0x1000 + format_at + i);
		CHECK(strstr(e.msg, want) && strstr(e.msg, "a byte that is not text"));
	}
	memcpy(fmt, kvm_exit_format, len);
	memcpy(strstr(fmt, "comm[16]") + 5, "\x01", 1);
	CHECK(parse(fmt, len, &e) == -EINVAL);
	free(fmt);
}
