/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#ifndef LFP_PROC_H
#define LFP_PROC_H

/*
 * Internal to the project, not installed. A process as shared memory
 * records it: its pid and its start time (field 22 of /proc/<pid>/stat,
 * clock ticks since boot), since pids are reused. A recorded process is
 * gone when kill(pid, 0) says ESRCH, when the pid is a zombie (killed,
 * not reaped yet: its memory is gone), or when the pid now names a
 * process that started at another time. Control path only: one kill(2)
 * and one read of /proc per check.
 */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Process state (field 3) and start time (field 22) of /proc/<pid>/stat. */
static inline int
lfp_proc_stat_read(pid_t pid, char *state, uint64_t *start)
{
	char path[64], buf[1024], *p;
	unsigned long long ticks;
	ssize_t len;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return -EIO;
	buf[len] = '\0';
	/* The command name (field 2) may hold spaces and ')': skip to the
	 * last ')': the n-th space after it opens field n + 2.
	 */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c", state) != 1)
		return -EIO;
	for (i = 0; i < 20 && p != NULL; i++)
		p = strchr(p + 1, ' ');
	if (p == NULL || sscanf(p + 1, "%llu", &ticks) != 1)
		return -EIO;
	*start = ticks;
	return 0;
}

/*
 * Whether the process recorded as (pid, low 32 bits of its start time)
 * still runs. An unreadable /proc entry of a live pid counts as alive:
 * adopting a live process's records would corrupt them.
 */
static inline bool
lfp_proc_alive(pid_t pid, uint32_t start_low)
{
	uint64_t start = 0;
	char state = 0;
	int ret;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return false;
	ret = lfp_proc_stat_read(pid, &state, &start);
	if (ret == -ENOENT || ret == -ESRCH)
		return false; /* Exited between kill() and open(). */
	if (ret < 0)
		return true; /* Cannot tell: keep the records. */
	if (state == 'Z' || state == 'X')
		return false; /* Killed, not yet reaped: runs nothing. */
	return (uint32_t)start == start_low;
}

#endif /* LFP_PROC_H */
