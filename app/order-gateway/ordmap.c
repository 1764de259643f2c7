/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

#include <errno.h>
#include <stdbool.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_prefetch.h>

#include <lfp_tradepool.h>

#include "ordmap.h"

#define ORDMAP_MAX_CAPACITY (UINT32_C(1) << 30)

/*
 * 16 bytes, four to a cache line. The symbol is not in the slot: it is in
 * the node (node->user, set by the book), which the caller reads next
 * anyway; ids are hashed alone so that moving entries during a delete
 * never touches a node.
 */
struct slot {
	uint64_t id;
	struct lfp_order_node *node; /* NULL: empty slot */
};

struct gw_ordmap {
	uint32_t mask;
	uint32_t count;
	uint32_t capacity;
	struct slot *slots;
};

/* splitmix64's finaliser: ids are often sequential. */
static inline uint32_t
home(const struct gw_ordmap *m, uint64_t id)
{
	uint64_t z = id;

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return (uint32_t)(z ^ (z >> 31)) & m->mask;
}

struct gw_ordmap *
gw_ordmap_create(uint32_t capacity, int socket)
{
	struct gw_ordmap *m;
	uint32_t slots;

	if (capacity == 0 || capacity > ORDMAP_MAX_CAPACITY) {
		rte_errno = EINVAL;
		return NULL;
	}
	/* At least twice the capacity: load factor <= 1/2. */
	slots = rte_align32pow2(capacity * 2);
	m = rte_zmalloc_socket("gw_ordmap", sizeof(*m), 0, socket);
	if (m == NULL)
		goto no_map;
	m->slots = rte_zmalloc_socket("gw_ordmap_slots",
		sizeof(*m->slots) * slots, RTE_CACHE_LINE_SIZE, socket);
	if (m->slots == NULL)
		goto no_slots;
	m->mask = slots - 1;
	m->capacity = capacity;
	return m;

no_slots:
	rte_free(m);
no_map:
	rte_errno = ENOMEM;
	return NULL;
}

void
gw_ordmap_free(struct gw_ordmap *m)
{
	if (m == NULL)
		return;
	rte_free(m->slots);
	rte_free(m);
}

static inline bool
match(const struct slot *s, uint32_t sym, uint64_t id)
{
	return s->id == id && s->node->user == sym;
}

/* Index of the key's slot, or of the empty slot that ends its probe. */
static inline uint32_t
probe(const struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	uint32_t i = home(m, id);

	while (m->slots[i].node != NULL && !match(&m->slots[i], sym, id))
		i = (i + 1) & m->mask;
	return i;
}

void
gw_ordmap_prefetch(const struct gw_ordmap *m, uint64_t id)
{
	rte_prefetch0(&m->slots[home(m, id)]);
}

struct lfp_order_node *
gw_ordmap_peek(const struct gw_ordmap *m, uint64_t id)
{
	uint32_t i = home(m, id);

	while (m->slots[i].node != NULL && m->slots[i].id != id)
		i = (i + 1) & m->mask;
	return m->slots[i].node;
}

struct lfp_order_node *
gw_ordmap_find(const struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	return m->slots[probe(m, sym, id)].node;
}

int
gw_ordmap_add(struct gw_ordmap *m, uint32_t sym, uint64_t id,
	struct lfp_order_node *node)
{
	uint32_t i;

	if (m->count >= m->capacity) {
		rte_errno = ENOSPC;
		return -ENOSPC;
	}
	i = probe(m, sym, id);
	if (m->slots[i].node != NULL) {
		rte_errno = EEXIST;
		return -EEXIST;
	}
	/* The book's field, given to the map: see struct slot. */
	node->user = sym;
	m->slots[i] = (struct slot){.id = id, .node = node};
	m->count++;
	return 0;
}

/* True when @p h (a home slot) lies cyclically in (@p lo, @p hi]. */
static inline bool
cyclic_between(uint32_t lo, uint32_t h, uint32_t hi)
{
	if (lo <= hi)
		return lo < h && h <= hi;
	return lo < h || h <= hi;
}

int
gw_ordmap_del(struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	uint32_t hole = probe(m, sym, id);
	uint32_t j = hole;
	uint32_t h;

	if (m->slots[hole].node == NULL) {
		rte_errno = ENOENT;
		return -ENOENT;
	}
	/*
	 * Backward shift: move into the hole each later entry of the run
	 * whose home is not between the hole and itself, so every key stays
	 * reachable from its home without tombstones.
	 */
	for (;;) {
		j = (j + 1) & m->mask;
		if (m->slots[j].node == NULL)
			break;
		h = home(m, m->slots[j].id);
		if (cyclic_between(hole, h, j))
			continue;
		m->slots[hole] = m->slots[j];
		hole = j;
	}
	m->slots[hole].node = NULL;
	m->count--;
	return 0;
}

uint32_t
gw_ordmap_count(const struct gw_ordmap *m)
{
	return m->count;
}

int
gw_ordmap_full(const struct gw_ordmap *m)
{
	return m->count >= m->capacity;
}
