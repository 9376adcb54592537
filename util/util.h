/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UTIL_H
#define PMUKVM_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef uint64_t u64;
typedef uint32_t u32;
typedef uint16_t u16;
typedef uint8_t u8;
typedef int64_t s64;
typedef int32_t s32;

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PERF_ALIGN(x, a) (((x) + (a) - 1) & ~((u64)(a) - 1))
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))
#define max_t(t, a, b) ((t)(a) > (t)(b) ? (t)(a) : (t)(b))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __noreturn __attribute__((noreturn))

/* Debug verbosity, raised by -v. */
extern int verbose;

/*
 * Messages. All go to stderr, prefixed "pmukvm: "; pr_debug only with -v.
 * The TUI may install a hook that shows them in its own way (ui_msg_hook).
 */
void pr_err(const char *fmt, ...) __printf(1, 2);
void pr_warning(const char *fmt, ...) __printf(1, 2);
void pr_info(const char *fmt, ...) __printf(1, 2);
void pr_debug(const char *fmt, ...) __printf(1, 2);
extern void (*ui_msg_hook)(int level, const char *msg);

/*
 * Names a file or a guest chose (commands, symbols, modules, paths) are
 * printed as they are, as perf prints them, except on a terminal, where
 * a crafted one could drive it (move the cursor, retitle the window,
 * write the clipboard): there their control bytes (C0 but tab and
 * newline, DEL, and C1 written as UTF-8) show as '?'.
 *
 * term_guard_stdout - so guards standard output where it is a terminal
 * (a stream that filters into it replaces stdout); messages on a
 * terminal's stderr are guarded alike. term_guard_off - stdout as it was
 * (the TUI writes the terminal itself). term_isatty - isatty for a
 * stream, the guarded stdout included (its fileno is -1).
 */
void term_guard_stdout(void);
void term_guard_off(void);
bool term_isatty(FILE *fp);

/* Fatal: prints and exits 128. For programming errors and OOM only. */
void die(const char *fmt, ...) __printf(1, 2) __noreturn;
#define BUG_ON(c) do { if (c) die("BUG at %s:%d: %s", __FILE__, __LINE__, #c); } while (0)

/*
 * Allocation helpers that die on exhaustion. Use them for small, bounded
 * allocations; sizes that come from input must be bounded first.
 */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a malloc'ed string the caller frees. */
char *xasprintf(const char *fmt, ...) __printf(1, 2);

/* Grows *arr (of *alloc elements of elsize) to hold at least nr elements. */
void *xgrow(void *arr, size_t *alloc, size_t nr, size_t elsize);
#define ALLOC_GROW(arr, nr, alloc) \
	((arr) = xgrow((arr), &(alloc), (nr), sizeof(*(arr))))

/*
 * @part as a percentage of @total, 0 when @total is 0 (the shares that
 * report, top, diff, stat and the TUI print).
 */
static inline double percent(u64 part, u64 total)
{
	return total ? 100.0 * (double)part / (double)total : 0.0;
}

/*
 * round() of @x in [0, 2^64) as a u64: the nearest integer, halves away
 * from zero. Here rather than libm's round() so that pmukvm does not load
 * libm for it (0.3 MB of resident pages at start-up). Exact: @x's
 * fractional part is itself a double, so the comparison has no rounding.
 */
static inline u64 round_u64(double x)
{
	u64 t = (u64)x;

	return x - (double)t >= 0.5 ? t + 1 : t;
}

/* Monotonic time in nanoseconds. */
u64 now_ns(void);

/**
 * utf8_seq_len - the length of the well-formed UTF-8 sequence at @s (RFC
 * 3629: no overlong forms, no surrogates, nothing past U+10FFFF), or 0
 * when there is none. @s is NUL-terminated: nothing past a NUL is read.
 */
size_t utf8_seq_len(const unsigned char *s);

/* U+FFFD, what a byte that is not UTF-8 is written as, in UTF-8. */
#define UTF8_REPLACEMENT	"\xef\xbf\xbd"

/**
 * utf8_clean - @s with each byte that is not part of well-formed UTF-8
 * as U+FFFD, allocated; NULL where @s is well-formed already (names from
 * a data file or a guest may hold any byte; some outputs must be UTF-8).
 */
char *utf8_clean(const char *s);

/*
 * prefault_write - maps in, writable, the pages that hold [@addr, @addr +
 * @len), all of them the caller's private anonymous memory, which it is
 * about to fill: one call instead of a fault a page. On the virtual
 * machine pmukvm is developed on a fault costs 10.6 us; this call 0.8
 * us a page, and the page's first write 5 us more (bench/fault-cost.c).
 * On a bare host faults cost less, and the gain is smaller. Where the
 * kernel lacks MADV_POPULATE_WRITE (before 5.14) nothing is done and the
 * writes fault as before. Only for memory that will be written: its pages
 * count in the process's memory from then on.
 */
void prefault_write(void *addr, size_t len);

/*
 * Memory for large arrays read at random (a report's rows and its table
 * of rows by the million): huge_alloc maps @len bytes, zeroed, rounded up
 * to HUGE_PAGE and aligned to one, and asks for transparent huge pages
 * there (MADV_HUGEPAGE: most distributions give them only where asked).
 * A lookup anywhere in such an array then needs one TLB entry a 2 MiB
 * instead of one a 4 KiB page. The kernel fills a huge page at its first
 * write, so an array that is not written through soon counts up to 2 MiB
 * more in the process's memory than it uses: for arrays of several
 * HUGE_PAGEs only. Dies as xmalloc does when no memory is left;
 * huge_free takes the same @len back.
 */
#define HUGE_PAGE	((size_t)2 << 20)
void *huge_alloc(size_t len);
void huge_free(void *p, size_t len);

/*
 * Opening input files. Every symbol file (kallsyms, modules, vmlinux, .ko,
 * ELF) is opened through file__open_regular: a FIFO given by mistake or
 * planted in a guest tree must not block, a device node must not be read,
 * a size must be known before reading.
 */

/* The error for a FIFO, device node or socket where a file was wanted. */
#define ENOTREG EMEDIUMTYPE

/**
 * file__open_regular - opens @path read-only if it is a regular file. It
 * is looked at through an O_PATH descriptor first, so that nothing else
 * (FIFO, device) is ever opened for reading. A path under a guest tree
 * (guest_tree__add) is opened without following any symbolic link. Returns
 * a descriptor the caller closes, or -errno: -EISDIR, -ENOTREG, -ELOOP (a
 * symbolic link in a guest tree), -EFBIG when @max_size and the file is
 * larger.
 */
int file__open_regular(const char *path, u64 max_size);

/* Set by tests: resolve as where openat2 is missing (no link followed). */
extern bool file_open_without_openat2;

/** file__strerror - the message for file__open_regular's and the readers' errors. */
const char *file__strerror(int err);

/**
 * guest_tree__resolve - resolves @path inside the directory @root as if
 * @root were "/": symbolic links, absolute ones too, and ".." stay inside
 * it (openat2's RESOLVE_IN_ROOT; without openat2 no symbolic link is
 * followed). @root itself may not be a symbolic link. Registers @root as
 * a guest tree (see file__open_regular). Returns the malloc'ed real path
 * of what it found, which contains no symbolic link, or NULL with *errp
 * set to -errno (-ELOOP: @root is a symbolic link).
 */
char *guest_tree__resolve(const char *root, const char *path, int *errp);

/**
 * Reads a whole file, transparently gunzipping it when it starts with the
 * gzip magic. At most @limit bytes after decompression; larger is -EFBIG.
 * The file is opened by file__open_regular.
 * On success *buf is a NUL-terminated malloc'ed buffer owned by the caller.
 */
int read_file_maybe_gz(const char *path, size_t limit, char **buf, size_t *len);

/** file_is_regular - whether @path is (or links to) a regular file. */
bool file_is_regular(const char *path);

/** mkdir_p - makes directory @path (mode 0755) and those above it: 0 or -errno. */
int mkdir_p(char *path);

/** read_fd_maybe_gz - the same from a descriptor, which it closes. */
int read_fd_maybe_gz(int fd, size_t limit, char **buf, size_t *len);

/**
 * gunzip_buf - inflates gzip data held in memory, at most @limit bytes out
 * (-EFBIG past it, -EBADMSG on truncated or corrupt data). On success *out
 * is a NUL-terminated malloc'ed buffer of *outlen bytes the caller frees.
 */
int gunzip_buf(const void *in, size_t inlen, size_t limit, char **out, size_t *outlen);

/**
 * thread_start - pthread_create with every signal blocked in the new
 * thread, so that signals keep going to the caller's. Returns 0 or
 * pthread_create's error number.
 */
int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

/**
 * hash_bytes - a keyed hash (SipHash-1-3, key drawn at random once per
 * process) for tables keyed by values from input files: a file cannot pick
 * keys that collide. Equal inputs hash alike within one process only.
 */
u64 hash_bytes(const void *data, size_t len);
/**
 * sort_u64 - sorts @n numbers ascending, in place: no scratch memory and
 * no comparison callback (qsort's merge sort takes a copy of the array).
 */
void sort_u64(u64 *a, size_t n);
/** hash_u64 - hash_bytes of one u64. */
u64 hash_u64(u64 v);
/** str_hash - hash_bytes of a C string (without its NUL). */
u64 str_hash(const char *s);

/**
 * struct str_set - distinct strings, each copied once and numbered in the
 * order first seen (@strs[number]); found again through an open-addressing
 * table. The copies are packed in blocks, freed with the set.
 * Zero-initialized is empty.
 */
struct str_set {
	char **strs;
	size_t nr, alloc;
	u32 *slots;		/* number + 1; 0: empty */
	size_t nr_slots;
	char *block;		/* the newest block, its first bytes the one before's address */
	char *block_next;	/* where the next copy goes, @block_left bytes free there */
	size_t block_left;
	size_t block_size;	/* the size of the blocks made last, 0: none yet */
};

/** str_set__add - the number of @s, a copy of it added if new. */
u32 str_set__add(struct str_set *set, const char *s);
/** str_set__find - the number of @s, or -1 when it is not in the set. */
long str_set__find(const struct str_set *set, const char *s);
void str_set__exit(struct str_set *set);

/**
 * sort_runs - a stable sort for input that is mostly sorted already: one
 * pass finds the ascending runs, then runs are merged pairwise. @before
 * says whether a must come before b (strictly).
 */
void sort_runs(void *base, size_t nmemb, size_t size,
	       bool (*before)(const void *a, const void *b));

/* strlcpy-like: always NUL-terminates when size > 0. */
size_t str_copy(char *dst, const char *src, size_t size);

#endif
