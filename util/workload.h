/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_WORKLOAD_H
#define PMUKVM_WORKLOAD_H

/*
 * The command a recording runs (record -- COMMAND): forked at once and
 * held on a pipe until the events are set up, so that it execs into
 * events opened with enable_on_exec and nothing before its exec counts.
 */
#include <stdbool.h>
#include <sys/types.h>

/**
 * struct workload - a command forked and held, then running.
 * @pid: the child, -1 when there is none (not started, or reaped).
 * @go_fd: writing a byte lets the child exec; -1 once used.
 * @err_fd: reads EOF once the exec worked (close-on-exec), or the
 *	child's errno if not; -1 once used.
 */
struct workload {
	pid_t pid;
	int go_fd, err_fd;
};

#define WORKLOAD_INIT { .pid = -1, .go_fd = -1, .err_fd = -1 }

/**
 * workload__prepare - forks @argv[0] held before its exec. With
 * @stdout_is_data (record -o -: our stdout is the stream) the command's
 * stdout goes to stderr. SIGINT, SIGTERM and SIGPIPE are back to their
 * defaults in the child. Returns 0 or a negative errno.
 */
int workload__prepare(struct workload *w, char **argv, bool stdout_is_data);

/** workload__start - lets the command exec; returns 0 or the exec's negative errno. */
int workload__start(struct workload *w);

/**
 * workload__exited - whether the command has exited (reaped, its status
 * in *@status); false while it runs or when there is none.
 */
bool workload__exited(struct workload *w, int *status);

/**
 * workload__exit - closes the pipes and, when the command still runs
 * (stopped early: a signal, --duration, an error), sends it SIGTERM and
 * reaps it, its status in *@status.
 */
void workload__exit(struct workload *w, int *status);

#endif
