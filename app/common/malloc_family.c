/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/* The preloadable mallocs (lfp_malloc_family.h). */

#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lfp_malloc_family.h"

/*
 * Debian 13 renamed two of the packages (mimalloc 3; the 64-bit time_t
 * transition's t64 suffix); tools/lfpool.sh installs each release's.
 */
const struct lfp_malloc_family lfp_malloc_families[LFP_MALLOC_FAMILIES] = {
	{"jemalloc", "mallctl", {"libjemalloc.so.2"}, "libjemalloc2"},
	{"tcmalloc", "tc_malloc", {"libtcmalloc_minimal.so.4"},
		"libtcmalloc-minimal4t64, on Debian 12 libtcmalloc-minimal4"},
	{"mimalloc", "mi_malloc", {"libmimalloc.so.3", "libmimalloc.so.2"},
		"libmimalloc3, on Debian 12 libmimalloc2.0"},
};

const struct lfp_malloc_family *
lfp_malloc_family_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < LFP_MALLOC_FAMILIES; i++)
		if (strcmp(name, lfp_malloc_families[i].name) == 0)
			return &lfp_malloc_families[i];
	return NULL;
}

const char *
lfp_malloc_family_loaded(void)
{
	unsigned int i;

	for (i = 0; i < LFP_MALLOC_FAMILIES; i++)
		if (dlsym(RTLD_DEFAULT, lfp_malloc_families[i].symbol) != NULL)
			return lfp_malloc_families[i].name;
	return "glibc";
}

/* True if the dynamic loader's cache (ldconfig -p) lists @p soname. */
static bool
loader_has(const char *soname)
{
	char line[512], name[256];
	bool found = false;
	FILE *p = popen("/sbin/ldconfig -p 2>/dev/null", "r");

	if (p == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), p) != NULL)
		found = sscanf(line, " %255s", name) == 1 &&
			strcmp(name, soname) == 0;
	pclose(p);
	return found;
}

const char *
lfp_malloc_family_library(const struct lfp_malloc_family *f)
{
	unsigned int v;

	for (v = 0; v < LFP_MALLOC_SONAMES && f->sonames[v] != NULL; v++)
		if (loader_has(f->sonames[v]))
			return f->sonames[v];
	return NULL;
}

int
lfp_malloc_preload_env(
	char **env, size_t n, const char *lib, char *preload, size_t len)
{
	extern char **environ;
	size_t i, e = 0;
	int w;

	if (n < 2)
		return -EINVAL;
	for (i = 0; environ[i] != NULL && e < n - 2; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0)
			env[e++] = environ[i];
	if (lib != NULL) {
		w = snprintf(preload, len, "LD_PRELOAD=%s", lib);
		if (w < 0 || (size_t)w >= len)
			return -ENAMETOOLONG;
		env[e++] = preload;
	}
	env[e] = NULL;
	return 0;
}
