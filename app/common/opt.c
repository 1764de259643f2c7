/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/* The option checks of lfp_opt.h. */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lfp_opt.h"

/* "prog: --opt: <message>" on stderr; returns -EINVAL. */
static int __attribute__((format(printf, 2, 3)))
refuse(const char *opt, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: %s: ", program_invocation_short_name, opt);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/*
 * One decimal integer at the start of @p s, up to @p end. strtoull()
 * alone would take "-5" as 2^64 - 5 and skip leading blanks: only digits
 * are accepted here.
 */
static int
scan_u64(const char *s, char **end, uint64_t *v)
{
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, end, 10);
	return errno == 0 ? 0 : -errno;
}

static int
refuse_int(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	return refuse(opt, "'%s' is not an integer in %" PRIu64 "..%" PRIu64,
		arg, min, max);
}

int
lfp_opt_u64(const char *opt, const char *arg, uint64_t min, uint64_t max,
	uint64_t *v)
{
	char *end;
	uint64_t x;

	if (scan_u64(arg, &end, &x) != 0 || *end != '\0' || x < min || x > max)
		return refuse_int(opt, arg, min, max);
	*v = x;
	return 0;
}

int
lfp_opt_uint(const char *opt, const char *arg, unsigned int min,
	unsigned int max, unsigned int *v)
{
	uint64_t x;
	int rc = lfp_opt_u64(opt, arg, min, max, &x);

	if (rc == 0)
		*v = (unsigned int)x;
	return rc;
}

int
lfp_opt_double(
	const char *opt, const char *arg, double min, double max, double *v)
{
	char *end;
	double x;

	errno = 0;
	x = strtod(arg, &end);
	if (end == arg || *end != '\0' || errno != 0 || !isfinite(x) ||
		x < min || x > max)
		return refuse(
			opt, "'%s' is not a number in %g..%g", arg, min, max);
	*v = x;
	return 0;
}

int
lfp_opt_uint_list(const char *opt, const char *arg, unsigned int min,
	unsigned int max, unsigned int *v, unsigned int max_n, unsigned int *n)
{
	const char *s = arg;
	unsigned int count = 0;
	char *end;
	uint64_t x;

	for (;;) {
		if (count == max_n)
			return refuse(opt, "'%s' has more than %u values", arg,
				max_n);
		if (scan_u64(s, &end, &x) != 0 ||
			(*end != ',' && *end != '\0') || x < min || x > max)
			return refuse(opt,
				"'%s' is not a list of integers in %u..%u", arg,
				min, max);
		v[count++] = (unsigned int)x;
		if (*end == '\0')
			break;
		s = end + 1;
	}
	*n = count;
	return 0;
}

int
lfp_opt_unknown(const char *opt, const char *arg, const char *const *names,
	unsigned int n)
{
	char known[512];
	size_t off = 0;
	unsigned int i;

	known[0] = '\0';
	for (i = 0; i < n && off < sizeof(known); i++)
		off += snprintf(known + off, sizeof(known) - off, "%s%s",
			i ? ", " : "", names[i]);
	return refuse(opt, "unknown name '%s' (known: %s)", arg, known);
}

int
lfp_opt_name(const char *opt, const char *arg, const char *const *names,
	unsigned int n, unsigned int *idx)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strcmp(arg, names[i]) == 0) {
			*idx = i;
			return 0;
		}
	return lfp_opt_unknown(opt, arg, names, n);
}

int
lfp_opt_out_file(const char *opt, const char *path)
{
	int fd;

	if (path[0] == '\0')
		return refuse(opt, "empty file name");
	/* An existing file: writable, and left as it is until the end. */
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	if (errno != ENOENT)
		return refuse(
			opt, "cannot write '%s': %s", path, strerror(errno));
	/* A new file: the directory takes one, which goes away again. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return refuse(
			opt, "cannot create '%s': %s", path, strerror(errno));
	close(fd);
	unlink(path);
	return 0;
}

int
lfp_opt_out_dir(const char *opt, const char *path)
{
	char probe[4096];
	struct stat st;
	int fd;

	if (path[0] == '\0')
		return refuse(opt, "empty directory name");
	if (mkdir(path, 0755) != 0 && errno != EEXIST)
		return refuse(opt, "cannot create directory '%s': %s", path,
			strerror(errno));
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		return refuse(opt, "'%s' is not a directory", path);
	if ((size_t)snprintf(probe, sizeof(probe), "%s/.lfp_opt_probe_XXXXXX",
		    path) >= sizeof(probe))
		return refuse(opt, "directory name too long");
	fd = mkstemp(probe);
	if (fd < 0)
		return refuse(
			opt, "cannot write in '%s': %s", path, strerror(errno));
	close(fd);
	unlink(probe);
	return 0;
}
