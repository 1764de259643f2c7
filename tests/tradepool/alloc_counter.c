/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Counting interposer for the heap and kernel memory calls; see
 * lfp_alloc_counter.h. The heap calls go to glibc's exported __libc_*
 * entry points, so the hot path never needs dlsym(); the kernel memory
 * calls find glibc's versions with dlsym(RTLD_NEXT) on first use, and
 * dlsym's own allocations land in the heap calls above, which is safe.
 */

/* meson sets 64-bit off_t, which renames mmap to mmap64 in <sys/mman.h>;
 * this file defines both names, so it needs the plain declarations
 * (off_t is 64 bits on LP64 either way). */
#undef _FILE_OFFSET_BITS
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lfp_alloc_counter.h"

#define SHIM_EXPORT __attribute__((visibility("default")))
/* Static TLS: no __tls_get_addr, which may itself call malloc. */
#define SHIM_TLS __thread __attribute__((tls_model("initial-exec")))

enum family {
	F_MALLOC,
	F_CALLOC,
	F_REALLOC,
	F_FREE,
	F_POSIX_MEMALIGN,
	F_ALIGNED_ALLOC,
	F_MEMALIGN,
	F_MMAP,
	F_MUNMAP,
	F_MREMAP,
	F_BRK,
	F_MAX,
};

static const struct {
	const char *name;
	size_t offset;
} fields[F_MAX] = {
#define FIELD(f, member) \
	[f] = {#member, offsetof(struct lfp_alloc_counts, member)}
	FIELD(F_MALLOC, malloc),
	FIELD(F_CALLOC, calloc),
	FIELD(F_REALLOC, realloc),
	FIELD(F_FREE, free),
	FIELD(F_POSIX_MEMALIGN, posix_memalign),
	FIELD(F_ALIGNED_ALLOC, aligned_alloc),
	FIELD(F_MEMALIGN, memalign),
	FIELD(F_MMAP, mmap),
	FIELD(F_MUNMAP, munmap),
	FIELD(F_MREMAP, mremap),
	FIELD(F_BRK, brk),
#undef FIELD
};

_Static_assert(sizeof(struct lfp_alloc_counts) == F_MAX * sizeof(uint64_t),
	"one counter per family");

static uint64_t process_counts[F_MAX];
static SHIM_TLS uint64_t thread_counts[F_MAX];

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);

static inline void
count(enum family f)
{
	/* Relaxed: a pure event count, read after the measured code has
	 * finished (joined or in the same thread); it orders nothing. */
	__atomic_fetch_add(&process_counts[f], 1, __ATOMIC_RELAXED);
	thread_counts[f]++;
}

/* glibc's definition of @name, looked up once. */
static void *
next_symbol(void **cache, const char *name)
{
	/* Relaxed: the pointer is the whole message (a function address
	 * that never changes); racing threads store the same value. */
	void *f = __atomic_load_n(cache, __ATOMIC_RELAXED);

	if (f == NULL) {
		f = dlsym(RTLD_NEXT, name);
		/* Relaxed, as the load above: nothing else is published. */
		__atomic_store_n(cache, f, __ATOMIC_RELAXED);
	}
	return f;
}

#define NEXT(type, name) \
	({ \
		static void *name##_cache; \
		(type) next_symbol(&name##_cache, #name); \
	})

SHIM_EXPORT void *
malloc(size_t size)
{
	count(F_MALLOC);
	return __libc_malloc(size);
}

SHIM_EXPORT void *
calloc(size_t nmemb, size_t size)
{
	count(F_CALLOC);
	return __libc_calloc(nmemb, size);
}

SHIM_EXPORT void *
realloc(void *ptr, size_t size)
{
	count(F_REALLOC);
	return __libc_realloc(ptr, size);
}

SHIM_EXPORT void *
reallocarray(void *ptr, size_t nmemb, size_t size)
{
	size_t bytes;

	count(F_REALLOC);
	if (__builtin_mul_overflow(nmemb, size, &bytes)) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(ptr, bytes);
}

SHIM_EXPORT void
free(void *ptr)
{
	count(F_FREE);
	__libc_free(ptr);
}

SHIM_EXPORT int
posix_memalign(void **memptr, size_t alignment, size_t size)
{
	void *p;

	count(F_POSIX_MEMALIGN);
	if (alignment % sizeof(void *) != 0 ||
		(alignment & (alignment - 1)) != 0 || alignment == 0)
		return EINVAL;
	p = __libc_memalign(alignment, size);
	if (p == NULL)
		return ENOMEM;
	*memptr = p;
	return 0;
}

SHIM_EXPORT void *
aligned_alloc(size_t alignment, size_t size)
{
	count(F_ALIGNED_ALLOC);
	return __libc_memalign(alignment, size);
}

SHIM_EXPORT void *
memalign(size_t alignment, size_t size)
{
	count(F_MEMALIGN);
	return __libc_memalign(alignment, size);
}

SHIM_EXPORT void *
valloc(size_t size)
{
	count(F_MEMALIGN);
	return __libc_valloc(size);
}

SHIM_EXPORT void *
pvalloc(size_t size)
{
	count(F_MEMALIGN);
	return __libc_pvalloc(size);
}

typedef void *(*mmap_t)(void *, size_t, int, int, int, off_t);
typedef int (*munmap_t)(void *, size_t);
typedef void *(*mremap_t)(void *, size_t, size_t, int, ...);
typedef int (*brk_t)(void *);
typedef void *(*sbrk_t)(intptr_t);

SHIM_EXPORT void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	count(F_MMAP);
	return NEXT(mmap_t, mmap)(addr, len, prot, flags, fd, off);
}

SHIM_EXPORT void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	count(F_MMAP);
	return NEXT(mmap_t, mmap64)(addr, len, prot, flags, fd, off);
}

SHIM_EXPORT int
munmap(void *addr, size_t len)
{
	count(F_MUNMAP);
	return NEXT(munmap_t, munmap)(addr, len);
}

SHIM_EXPORT void *
mremap(void *old, size_t old_size, size_t new_size, int flags, ...)
{
	void *new_addr = NULL;
	va_list ap;

	count(F_MREMAP);
	if (flags & MREMAP_FIXED) {
		va_start(ap, flags);
		new_addr = va_arg(ap, void *);
		va_end(ap);
	}
	return NEXT(mremap_t, mremap)(old, old_size, new_size, flags, new_addr);
}

SHIM_EXPORT int
brk(void *addr)
{
	count(F_BRK);
	return NEXT(brk_t, brk)(addr);
}

SHIM_EXPORT void *
sbrk(intptr_t increment)
{
	count(F_BRK);
	return NEXT(sbrk_t, sbrk)(increment);
}

static void
to_counts(const uint64_t *src, struct lfp_alloc_counts *c, int atomic)
{
	unsigned int f;

	for (f = 0; f < F_MAX; f++) {
		uint64_t *dst = (uint64_t *)((char *)c + fields[f].offset);

		/* Relaxed, pairs with count(): an untorn value suffices. */
		*dst = atomic ? __atomic_load_n(&src[f], __ATOMIC_RELAXED) :
				src[f];
	}
}

SHIM_EXPORT void
lfp_alloc_counter_read(struct lfp_alloc_counts *c)
{
	to_counts(process_counts, c, 1);
}

SHIM_EXPORT void
lfp_alloc_counter_read_thread(struct lfp_alloc_counts *c)
{
	to_counts(thread_counts, c, 0);
}

SHIM_EXPORT void
lfp_alloc_counter_reset(void)
{
	unsigned int f;

	for (f = 0; f < F_MAX; f++) {
		/* Relaxed, as in count(): resetting orders nothing. */
		__atomic_store_n(&process_counts[f], 0, __ATOMIC_RELAXED);
		thread_counts[f] = 0;
	}
}

SHIM_EXPORT uint64_t
lfp_alloc_counter_total(const struct lfp_alloc_counts *c)
{
	const uint64_t *v = (const uint64_t *)c;
	uint64_t sum = 0;
	unsigned int f;

	for (f = 0; f < F_MAX; f++)
		sum += v[f];
	return sum;
}

SHIM_EXPORT bool
lfp_alloc_counter_active(void)
{
	/* Through volatile pointers, so the compiler cannot see (and drop)
	 * the calls, and they go through the symbol lookup like any. */
	void *(*volatile do_malloc)(size_t) = malloc;
	void (*volatile do_free)(void *) = free;
	mmap_t volatile do_mmap = mmap;
	munmap_t volatile do_munmap = munmap;
	uint64_t heap = thread_counts[F_MALLOC];
	uint64_t maps = thread_counts[F_MMAP];
	void *p;

	p = do_malloc(16);
	do_free(p);
	p = do_mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED)
		do_munmap(p, 4096);
	return thread_counts[F_MALLOC] > heap && thread_counts[F_MMAP] > maps;
}

SHIM_EXPORT void
lfp_alloc_counter_format(
	const struct lfp_alloc_counts *c, char *buf, unsigned int len)
{
	const uint64_t *v = (const uint64_t *)c;
	unsigned int f, off = 0;

	buf[0] = '\0';
	for (f = 0; f < F_MAX && off < len; f++)
		if (v[f] != 0)
			off += snprintf(buf + off, len - off, "%s%s=%lu",
				off == 0 ? "" : " ", fields[f].name,
				(unsigned long)v[f]);
}
