// SPDX-License-Identifier: GPL-2.0
/* The command a recording runs: fork held on a pipe, exec on a signal. */
#include "util/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

int workload__prepare(struct workload *w, char **argv, bool stdout_is_data)
{
	int go[2], ex[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	if (pipe2(ex, O_CLOEXEC)) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(go[0]);
		close(go[1]);
		close(ex[0]);
		close(ex[1]);
		return err;
	}
	if (!pid) {
		char c;
		int e;

		close(go[1]);
		close(ex[0]);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);	/* ignored signals stay ignored across exec */
		/* With -o - our stdout is the stream: the command's output goes to stderr. */
		if (stdout_is_data && dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
			_exit(127);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(ex[1]);
	w->pid = pid;
	w->go_fd = go[1];
	w->err_fd = ex[0];
	return 0;
}

int workload__start(struct workload *w)
{
	int e = 0;
	ssize_t n;

	if (write(w->go_fd, "g", 1) != 1)
		return -errno;
	do {
		n = read(w->err_fd, &e, sizeof(e));
	} while (n < 0 && errno == EINTR);
	return n == sizeof(e) ? -e : 0;
}

bool workload__exited(struct workload *w, int *status)
{
	if (w->pid <= 0)
		return false;
	if (waitpid(w->pid, status, WNOHANG) == w->pid) {
		w->pid = -1;
		return true;
	}
	return false;
}

void workload__exit(struct workload *w, int *status)
{
	if (w->go_fd >= 0)
		close(w->go_fd);
	if (w->err_fd >= 0)
		close(w->err_fd);
	w->go_fd = w->err_fd = -1;
	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		waitpid(w->pid, status, 0);
		w->pid = -1;
	}
}
