// SPDX-License-Identifier: GPL-2.0
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/random.h>
#include <unistd.h>
#include <zlib.h>

#include "util/introsort.h"

int verbose;
void (*ui_msg_hook)(int level, const char *msg);

enum { MSG_ERR, MSG_WARN, MSG_INFO, MSG_DEBUG };

/*
 * The terminal guard: @c2 holds a 0xc2 byte (a C1 control's first byte
 * in UTF-8, or the start of a printable character) until the next byte
 * says which.
 */
struct term_guard {
	int fd;
	bool c2;
};

static FILE *term_plain_stdout;	/* stdout before term_guard_stdout, NULL: not guarded */
static struct term_guard term_out;
static int stderr_tty = -1;	/* isatty(2), once asked */

/* @in's @n bytes with control bytes as '?' into @out (room for @n + 1). */
static size_t term_clean(struct term_guard *g, const unsigned char *in, size_t n,
			 unsigned char *out)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		unsigned char b = in[i];

		if (g->c2) {
			g->c2 = false;
			if (b >= 0x80 && b <= 0x9f) {
				out[k++] = '?';
				continue;
			}
			out[k++] = 0xc2;
		}
		if (b == 0xc2) {
			g->c2 = true;
			continue;
		}
		out[k++] = (b < 0x20 && b != '\n' && b != '\t') || b == 0x7f ? '?' : b;
	}
	return k;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static ssize_t term_guard_write(void *cookie, const char *buf, size_t n)
{
	struct term_guard *g = cookie;
	unsigned char out[4097];
	size_t done = 0;

	while (done < n) {
		size_t chunk = n - done < 4096 ? n - done : 4096;
		size_t k = term_clean(g, (const unsigned char *)buf + done, chunk, out);

		if (write_all(g->fd, out, k))
			return -1;
		done += chunk;
	}
	return (ssize_t)n;
}

static int term_guard_close(void *cookie)
{
	struct term_guard *g = cookie;
	unsigned char c2 = 0xc2;

	if (g->c2) {
		g->c2 = false;
		return write_all(g->fd, &c2, 1);
	}
	return 0;
}

void term_guard_stdout(void)
{
	cookie_io_functions_t io = { .write = term_guard_write, .close = term_guard_close };
	FILE *f;

	if (term_plain_stdout || !isatty(STDOUT_FILENO))
		return;
	fflush(stdout);
	term_out = (struct term_guard){ .fd = STDOUT_FILENO };
	f = fopencookie(&term_out, "w", io);
	if (!f)
		return;
	setvbuf(f, NULL, _IOLBF, 0);
	term_plain_stdout = stdout;
	stdout = f;
}

void term_guard_off(void)
{
	if (!term_plain_stdout)
		return;
	fclose(stdout);
	stdout = term_plain_stdout;
	term_plain_stdout = NULL;
}

bool term_isatty(FILE *fp)
{
	return (term_plain_stdout && fp == stdout) || isatty(fileno(fp));
}

static void vmsg(int level, const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	if (ui_msg_hook) {
		ui_msg_hook(level, buf);
		return;
	}
	fflush(stdout);
	if (stderr_tty < 0)
		stderr_tty = isatty(STDERR_FILENO);
	if (stderr_tty) {
		struct term_guard g = { .fd = STDERR_FILENO };
		unsigned char clean[sizeof(buf) + 1];
		size_t k = term_clean(&g, (const unsigned char *)buf, strlen(buf), clean);

		if (g.c2)
			clean[k++] = 0xc2;	/* a lone 0xc2 at the end: not a control */
		clean[k] = '\0';
		fprintf(stderr, "pmukvm: %s%s\n", prefix, (char *)clean);
		return;
	}
	fprintf(stderr, "pmukvm: %s%s\n", prefix, buf);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(MSG_ERR, "", fmt, ap);
	va_end(ap);
}

void pr_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(MSG_WARN, "warning: ", fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(MSG_INFO, "", fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vmsg(MSG_DEBUG, "debug: ", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fflush(stdout);
	fputs("pmukvm: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(128);
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die("out of memory allocating %zu bytes", size);
	return p;
}

void *xzalloc(size_t size)
{
	return xcalloc(1, size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		die("out of memory reallocating %zu bytes", size);
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		die("out of memory duplicating a string");
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		die("out of memory duplicating a string");
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		die("out of memory formatting a string");
	va_end(ap);
	return p;
}

void *xgrow(void *arr, size_t *alloc, size_t nr, size_t elsize)
{
	size_t n;

	if (nr <= *alloc)
		return arr;
	n = *alloc ? *alloc : 16;
	while (n < nr)
		n = n * 3 / 2 + 16;
	if (n > SIZE_MAX / elsize)
		die("array size overflow");
	*alloc = n;
	return xrealloc(arr, n * elsize);
}

u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

size_t utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

char *utf8_clean(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n, bad = 0, len = 0;
	char *out, *o;

	while (s[len]) {
		n = utf8_seq_len(s + len);
		bad += !n;
		len += n ? n : 1;
	}
	if (!bad)
		return NULL;
	o = out = xmalloc(len + 2 * bad + 1);	/* each bad byte: 3 */
	while (*s) {
		n = utf8_seq_len(s);
		if (n) {
			memcpy(o, s, n);
			o += n;
			s += n;
		} else {
			memcpy(o, UTF8_REPLACEMENT, 3);
			o += 3;
			s++;
		}
	}
	*o = 0;
	return out;
}

void prefault_write(void *addr, size_t len)
{
#ifdef MADV_POPULATE_WRITE
	static bool unsupported;
	uintptr_t page = 4096, a = (uintptr_t)addr & ~(page - 1);
	uintptr_t b = ((uintptr_t)addr + len + page - 1) & ~(page - 1);
	int saved = errno;

	if (!len || __atomic_load_n(&unsupported, __ATOMIC_RELAXED))
		return;
	/* Not known to the kernel (EINVAL), or refused by a sandbox: not asked again. */
	if (madvise((void *)a, b - a, MADV_POPULATE_WRITE) &&
	    (errno == EINVAL || errno == ENOSYS || errno == EPERM))
		__atomic_store_n(&unsupported, true, __ATOMIC_RELAXED);
	errno = saved;
#else
	(void)addr, (void)len;
#endif
}

void *huge_alloc(size_t len)
{
	size_t size = (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	uintptr_t m, a;
	void *p;

	if (!len || size < len || size + HUGE_PAGE < size)
		die("out of memory allocating %zu bytes", len);
	p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("out of memory allocating %zu bytes", len);
	/* the aligned part kept, the rest given back */
	m = (uintptr_t)p;
	a = (m + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	if (a > m)
		munmap(p, a - m);
	munmap((void *)(a + size), m + HUGE_PAGE - a);	/* never empty: a < m + HUGE_PAGE */
#ifdef MADV_HUGEPAGE
	/* a kernel without them, or with them off: small pages, as before */
	madvise((void *)a, size, MADV_HUGEPAGE);
#endif
	return (void *)a;
}

void huge_free(void *p, size_t len)
{
	if (p)
		munmap(p, (len + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

size_t str_copy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len >= size ? size - 1 : len;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* ---- opening input files ---- */

/*
 * Guest trees: real paths (no symbolic link in them) under which nothing
 * is followed. Registered while options are set up, read afterwards.
 */
static pthread_mutex_t guest_trees_lock = PTHREAD_MUTEX_INITIALIZER;
static char **guest_trees;
static size_t nr_guest_trees;

static bool in_guest_tree(const char *path)
{
	bool found = false;
	size_t i;

	pthread_mutex_lock(&guest_trees_lock);
	for (i = 0; i < nr_guest_trees && !found; i++) {
		size_t n = strlen(guest_trees[i]);

		found = !strncmp(path, guest_trees[i], n) && (path[n] == '/' || !path[n]);
	}
	pthread_mutex_unlock(&guest_trees_lock);
	return found;
}

static void guest_tree__add(const char *real_root)
{
	size_t i;

	if (!strcmp(real_root, "/"))
		return;	/* not a guest's tree: the host's whole file system */
	pthread_mutex_lock(&guest_trees_lock);
	for (i = 0; i < nr_guest_trees; i++)
		if (!strcmp(guest_trees[i], real_root))
			break;
	if (i == nr_guest_trees) {
		guest_trees = xrealloc(guest_trees, (nr_guest_trees + 1) * sizeof(char *));
		guest_trees[nr_guest_trees++] = xstrdup(real_root);
	}
	pthread_mutex_unlock(&guest_trees_lock);
}

static int sys_openat2(int dirfd, const char *path, int flags, u64 resolve)
{
	struct open_how how = { .flags = (u64)flags, .resolve = resolve };

	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

bool file_open_without_openat2;

static bool openat2_missing(int err)
{
	/* An old kernel, or a sandbox that filters the call. */
	return file_open_without_openat2 || err == ENOSYS || err == EPERM || err == E2BIG;
}

/*
 * @path under @dirfd, one component at a time, following no symbolic
 * link and no "..": what openat2 would give where it is missing.
 */
static int open_nofollow_walk(int dirfd, const char *path, int flags)
{
	char *copy = xstrdup(path), *comp, *next;
	int fd = dirfd, nfd;

	for (comp = copy; comp; comp = next) {
		next = strchr(comp, '/');
		if (next)
			*next++ = '\0';
		if (!*comp || !strcmp(comp, "."))
			if (next)
				continue;
		if (!strcmp(comp, "..")) {
			nfd = -EXDEV;
		} else {
			struct stat st;

			nfd = openat(fd, *comp ? comp : ".", next ? O_PATH | O_DIRECTORY | O_NOFOLLOW |
				     O_CLOEXEC : flags | O_NOFOLLOW);
			if (nfd < 0)
				nfd = -errno;
			/* O_NOFOLLOW: a link is ENOTDIR on the way, an O_PATH to itself at the end. */
			if ((nfd == -ENOTDIR || nfd == -ELOOP) && *comp &&
			    !fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) && S_ISLNK(st.st_mode))
				nfd = -ELOOP;
			if (nfd >= 0 && !fstat(nfd, &st) && S_ISLNK(st.st_mode)) {
				close(nfd);
				nfd = -ELOOP;
			}
		}
		if (fd != dirfd)
			close(fd);
		if (nfd < 0) {
			free(copy);
			return nfd;
		}
		fd = nfd;
	}
	free(copy);
	if (fd == dirfd)
		fd = openat(dirfd, ".", flags);
	return fd < 0 ? -errno : fd;
}

int file__open_regular(const char *path, u64 max_size)
{
	char proc[64];
	struct stat st, st2;
	int pfd, fd, err;

	if (in_guest_tree(path)) {
		pfd = file_open_without_openat2 ? -1 :
		      sys_openat2(AT_FDCWD, path, O_PATH | O_CLOEXEC, RESOLVE_NO_SYMLINKS);
		if (pfd < 0 && openat2_missing(errno)) {
			int top = path[0] == '/' ? open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)
						 : AT_FDCWD;

			pfd = top == -1 ? -errno : open_nofollow_walk(top, path, O_PATH | O_CLOEXEC);
			if (top >= 0)
				close(top);
		} else if (pfd < 0) {
			pfd = -errno;
		}
	} else {
		pfd = open(path, O_PATH | O_CLOEXEC);
		if (pfd < 0)
			pfd = -errno;
	}
	if (pfd < 0)
		return pfd;
	if (fstat(pfd, &st)) {
		err = -errno;
		goto out;
	}
	if (S_ISLNK(st.st_mode)) {
		err = -ELOOP;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		err = -EISDIR;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = -ENOTREG;
		goto out;
	}
	if (max_size && (u64)st.st_size > max_size) {
		err = -EFBIG;
		goto out;
	}
	/* Reopen what was looked at, not whatever the path names by now. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		/* No /proc: open the path again and check it is the same file. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY |
			  (in_guest_tree(path) ? O_NOFOLLOW : 0));
		if (fd < 0) {
			err = -errno;
			goto out;
		}
	}
	if (fstat(fd, &st2) || st2.st_dev != st.st_dev || st2.st_ino != st.st_ino ||
	    !S_ISREG(st2.st_mode)) {
		close(fd);
		err = -ENOTREG;
		goto out;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	err = fd;
out:
	close(pfd);
	return err;
}

const char *file__strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOTREG:
		return "not a regular file (a FIFO, device or socket): refused";
	case EISDIR:
		return "is a directory";
	case ELOOP:
		return "a symbolic link where none may be followed";
	case EXDEV:
		return "leads out of its guest tree";
	case EBADMSG:
		return "truncated or corrupt gzip data";
	default:
		return strerror(err);
	}
}

char *guest_tree__resolve(const char *root, const char *path, int *errp)
{
	char proc[64], real[PATH_MAX];
	struct stat st;
	int rfd, fd;
	ssize_t n;

	rfd = open(root, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0) {
		/* O_NOFOLLOW|O_DIRECTORY on a symbolic link: ELOOP or ENOTDIR. */
		*errp = !lstat(root, &st) && S_ISLNK(st.st_mode) ? -ELOOP : -errno;
		return NULL;
	}
	fd = file_open_without_openat2 ? -1 :
	     sys_openat2(rfd, path, O_PATH | O_CLOEXEC, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
	if (fd < 0 && openat2_missing(errno))
		fd = open_nofollow_walk(rfd, path, O_PATH | O_CLOEXEC);
	else if (fd < 0)
		fd = -errno;
	if (fd < 0) {
		close(rfd);
		*errp = fd;
		return NULL;
	}
	/* The real root, so that later opens under it can refuse every link. */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", rfd);
	n = readlink(proc, real, sizeof(real) - 1);
	if (n > 0) {
		real[n] = '\0';
		guest_tree__add(real);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, real, sizeof(real) - 1);
	close(fd);
	close(rfd);
	if (n <= 0 || n >= (ssize_t)sizeof(real) - 1) {
		*errp = n < 0 ? -errno : -ENAMETOOLONG;
		return NULL;
	}
	real[n] = '\0';
	return xstrdup(real);
}

int read_file_maybe_gz(const char *path, size_t limit, char **bufp, size_t *lenp)
{
	int fd = file__open_regular(path, limit);

	if (fd < 0)
		return fd;
	return read_fd_maybe_gz(fd, limit, bufp, lenp);
}

int read_fd_maybe_gz(int fd, size_t limit, char **bufp, size_t *lenp)
{
	gzFile gz;
	char *buf = NULL;
	size_t len = 0, alloc = 0;
	int err = 0;

	/* gzdopen reads plain files through unchanged. */
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -ENOMEM;
	}
	gzbuffer(gz, 128 * 1024);
	for (;;) {
		int n;

		if (len + 65536 + 1 > alloc) {
			if (len >= limit) {
				err = -EFBIG;
				break;
			}
			alloc = alloc ? alloc * 2 : 262144;
			if (alloc > limit + 65536 + 1)
				alloc = limit + 65536 + 1;
			buf = xrealloc(buf, alloc);
		}
		n = gzread(gz, buf + len, 65536);
		if (n < 0) {
			int e;

			gzerror(gz, &e);
			err = e == Z_ERRNO ? -errno : -EIO;
			break;
		}
		if (n == 0) {
			int e;

			gzerror(gz, &e);
			if (e != Z_OK && e != Z_STREAM_END)
				err = -EBADMSG;	/* truncated or corrupt gzip data */
			break;
		}
		len += (size_t)n;
		if (len > limit) {
			err = -EFBIG;
			break;
		}
	}
	gzclose(gz);
	if (err) {
		free(buf);
		return err;
	}
	if (!buf)
		buf = xmalloc(1);
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

int gunzip_buf(const void *in, size_t inlen, size_t limit, char **outp, size_t *outlen)
{
	z_stream zs = { 0 };
	size_t alloc = inlen * 4 + 4096, len = 0;
	char *out;
	int zr, err = 0;

	if (alloc > limit + 1)
		alloc = limit + 1;
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	out = xmalloc(alloc + 1);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)inlen;
	for (;;) {
		if (len == alloc) {
			if (alloc > limit) {
				err = -EFBIG;
				break;
			}
			alloc = alloc * 2 > limit + 1 ? limit + 1 : alloc * 2;
			out = xrealloc(out, alloc + 1);
		}
		zs.next_out = (Bytef *)out + len;
		zs.avail_out = (uInt)(alloc - len);
		zr = inflate(&zs, Z_NO_FLUSH);
		len = alloc - zs.avail_out;
		if (zr == Z_STREAM_END)
			break;
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			err = -EBADMSG;
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
			err = -EBADMSG;	/* the input ended inside the stream */
			break;
		}
	}
	inflateEnd(&zs);
	if (!err && len > limit)
		err = -EFBIG;
	if (err) {
		free(out);
		return err;
	}
	out[len] = '\0';
	*outp = out;
	*outlen = len;
	return 0;
}

void sort_runs(void *base, size_t nmemb, size_t size,
	       bool (*before)(const void *a, const void *b))
{
	char *q = base, *tmp;
	size_t *runs, nr_runs = 0, i;

	if (nmemb < 2)
		return;
	runs = xmalloc((nmemb + 1) * sizeof(*runs));
	runs[nr_runs++] = 0;
	for (i = 1; i < nmemb; i++)
		if (before(q + i * size, q + (i - 1) * size))
			runs[nr_runs++] = i;
	runs[nr_runs] = nmemb;
	if (nr_runs == 1) {
		free(runs);
		return;
	}
	tmp = xmalloc(nmemb * size);
	while (nr_runs > 1) {
		size_t r, out = 0;

		for (r = 0; r + 1 < nr_runs; r += 2) {
			size_t a = runs[r], am = runs[r + 1], b = am, be = runs[r + 2], k = a;

			/* Ties take from the earlier run: stable. */
			while (a < am && b < be) {
				if (before(q + b * size, q + a * size))
					memcpy(tmp + k++ * size, q + b++ * size, size);
				else
					memcpy(tmp + k++ * size, q + a++ * size, size);
			}
			memcpy(tmp + k * size, q + a * size, (am - a) * size);
			k += am - a;
			memcpy(tmp + k * size, q + b * size, (be - b) * size);
			memcpy(q + runs[r] * size, tmp + runs[r] * size, (be - runs[r]) * size);
			runs[out++] = runs[r];
		}
		if (r < nr_runs)
			runs[out++] = runs[r];
		runs[out] = nmemb;
		nr_runs = out;
	}
	free(tmp);
	free(runs);
}

/*
 * Keyed hashing: SipHash-1-3 under a key drawn from the kernel once per
 * process. Every table keyed by values a file controls (ids, tids, names,
 * addresses) hashes through here, so that no file can choose keys that
 * share a slot: without the key the slots cannot be predicted.
 */
static u64 hash_key[2];
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;

static void hash_key_init(void)
{
	u8 *p = (u8 *)hash_key;
	size_t got = 0;

	while (got < sizeof(hash_key)) {
		ssize_t n = getrandom(p + got, sizeof(hash_key) - got, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (got < sizeof(hash_key)) {
		/* No getrandom: the clock and the address space layout. */
		hash_key[0] ^= now_ns() * 0x9e3779b97f4a7c15ull;
		hash_key[1] ^= (u64)(uintptr_t)&got ^ ((u64)getpid() << 32);
	}
}

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND(v0, v1, v2, v3) do {					\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

u64 hash_bytes(const void *data, size_t len)
{
	const u8 *p = data;
	u64 v0, v1, v2, v3, m, b = (u64)len << 56;
	size_t i, tail = len & 7;

	pthread_once(&hash_once, hash_key_init);
	v0 = hash_key[0] ^ 0x736f6d6570736575ull;
	v1 = hash_key[1] ^ 0x646f72616e646f6dull;
	v2 = hash_key[0] ^ 0x6c7967656e657261ull;
	v3 = hash_key[1] ^ 0x7465646279746573ull;
	for (i = 0; i + 8 <= len; i += 8) {
		memcpy(&m, p + i, 8);
		v3 ^= m;
		SIPROUND(v0, v1, v2, v3);
		v0 ^= m;
	}
	for (i = 0; i < tail; i++)
		b |= (u64)p[len - tail + i] << (8 * i);
	v3 ^= b;
	SIPROUND(v0, v1, v2, v3);
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	SIPROUND(v0, v1, v2, v3);
	return v0 ^ v1 ^ v2 ^ v3;
}

/* sort_u64's order, inlined into its introsort: no call per compare */
static inline __attribute__((always_inline)) bool u64_before(const void *a, const void *b,
							      const void *ctx __attribute__((unused)))
{
	return *(const u64 *)a < *(const u64 *)b;
}

void sort_u64(u64 *a, size_t n)
{
	introsort_inline(a, n, sizeof(*a), u64_before, NULL);
}

u64 hash_u64(u64 v)
{
	return hash_bytes(&v, sizeof(v));
}

u64 str_hash(const char *s)
{
	return hash_bytes(s, strlen(s));
}

/*
 * The strings' blocks. A set's first STR_ALONE strings take a block each
 * (a set of a few strings, as each of 50,000 guests' machines holds,
 * costs what a malloc each did); then each block is twice the last,
 * from STR_BLOCK_MIN up to STR_BLOCK, and a string past a quarter of
 * that size still takes one of its own. Names by the hundred thousand
 * (DSOs, comms) take their length and NUL each, where malloc took 15
 * bytes more on average for its header and rounding (bench-report.md,
 * 2026-12-07).
 */
#define STR_ALONE	4
#define STR_BLOCK_MIN	1024
#define STR_BLOCK	16384

/* A copy of @s in @set's blocks. */
static char *str_set__copy(struct str_set *set, const char *s)
{
	size_t len = strlen(s) + 1;
	char *b, *c;

	if (len > set->block_left) {
		bool own = set->nr < STR_ALONE;

		if (!own) {
			size_t size = set->block_size ? 2 * set->block_size : STR_BLOCK_MIN;

			set->block_size = size < STR_BLOCK ? size : STR_BLOCK;
			own = len > set->block_size / 4;
		}
		/* Every block goes at the list's head; the room left stays where it was. */
		b = xmalloc(sizeof(char *) + (own ? len : set->block_size));
		memcpy(b, &set->block, sizeof(char *));
		set->block = b;
		if (own)
			return memcpy(b + sizeof(char *), s, len);
		set->block_next = b + sizeof(char *);
		set->block_left = set->block_size;
	}
	c = set->block_next;
	set->block_next += len;
	set->block_left -= len;
	memcpy(c, s, len);
	return c;
}

/* The slot holding @s, or the empty one where it would go. */
static size_t str_set__slot(const struct str_set *set, const char *s)
{
	size_t mask = set->nr_slots - 1, i;

	for (i = str_hash(s) & mask; set->slots[i]; i = (i + 1) & mask)
		if (!strcmp(set->strs[set->slots[i] - 1], s))
			break;
	return i;
}

u32 str_set__add(struct str_set *set, const char *s)
{
	size_t i;

	if (2 * (set->nr + 1) > set->nr_slots) {
		set->nr_slots = set->nr_slots ? 2 * set->nr_slots : 16;
		free(set->slots);
		set->slots = xcalloc(set->nr_slots, sizeof(*set->slots));
		for (i = 0; i < set->nr; i++)
			set->slots[str_set__slot(set, set->strs[i])] = (u32)i + 1;
	}
	i = str_set__slot(set, s);
	if (set->slots[i])
		return set->slots[i] - 1;
	ALLOC_GROW(set->strs, set->nr + 1, set->alloc);
	set->strs[set->nr] = str_set__copy(set, s);
	set->slots[i] = (u32)++set->nr;
	return (u32)set->nr - 1;
}

long str_set__find(const struct str_set *set, const char *s)
{
	size_t i;

	if (!set->nr_slots)
		return -1;
	i = str_set__slot(set, s);
	return set->slots[i] ? (long)set->slots[i] - 1 : -1;
}

void str_set__exit(struct str_set *set)
{
	char *b = set->block;

	while (b) {
		char *prev;

		memcpy(&prev, b, sizeof(char *));
		free(b);
		b = prev;
	}
	free(set->strs);
	free(set->slots);
	memset(set, 0, sizeof(*set));
}

int thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int err;

	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(thread, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return err;
}

bool file_is_regular(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

int mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}
