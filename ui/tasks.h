/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMUKVM_UI_TASKS_H
#define PMUKVM_UI_TASKS_H

#include <stdbool.h>
#include <stdio.h>

#include "util/event.h"

/*
 * report --tasks and --mmaps: the host's threads (pid, tid, parent, comm)
 * and each one's maps, built from COMM, FORK, EXIT, MMAP and MMAP2 records
 * in time order by perf's rules (a thread's process leader exists as soon
 * as it does, a new process copies its parent's maps and a new thread
 * shares them, a FORK for a tid in use replaces that thread, a new map cuts
 * what it overlaps), and printed as perf report --tasks prints its tree.
 */
struct tasks;

/** tasks__new - an empty host with its idle thread (0/0 "swapper"). */
struct tasks *tasks__new(bool mmaps);
void tasks__delete(struct tasks *tasks);

/** tasks__event - takes in one delivered record (others are ignored). */
void tasks__event(struct tasks *tasks, const union perf_event *event);

/** tasks__fprintf - the tree, roots and children in perf's order. */
void tasks__fprintf(const struct tasks *tasks, FILE *fp);

#endif
