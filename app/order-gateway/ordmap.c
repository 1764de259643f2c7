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
/* Odd (2^64 / golden ratio): sym * SYM_STRIDE is a bijection mod 2^k. */
#define SYM_STRIDE UINT64_C(0x9E3779B97F4A7C15)

/* splitmix64's finaliser and its multipliers' inverses mod 2^64. */
#define MIX_M1 UINT64_C(0xBF58476D1CE4E5B9)
#define MIX_M2 UINT64_C(0x94D049BB133111EB)

/*
 * 24 bytes. The key and the home slot are in the slot: a lookup never
 * reads a node to compare, and a delete's backward shift never hashes.
 */
struct slot {
	uint64_t id;
	struct lfp_order_node *node; /* NULL: empty slot */
	uint32_t sym;
	uint32_t home;
};

/*
 * The last keys hashed and their home slots. A request looks its key up
 * three or four times (prefetch, peek, find, add or delete), and SipHash
 * costs more than the rest of a lookup: the memo makes that one hash, done
 * with the burst's others in gw_ordmap_prefetch_burst(). A key's home never
 * changes, so an entry never goes stale; entries indexed by client-chosen
 * bits may evict each other, which costs a hash, no more. 256 entries
 * (4 KB): a burst's keys rarely share one.
 */
#define MEMO_SIZE 256

struct memo {
	uint64_t id;
	uint32_t sym;
	uint32_t home;
};

struct gw_ordmap {
	uint32_t mask;
	uint32_t count;
	uint32_t capacity;
	enum gw_ordmap_hash hash;
	struct gw_sip13_pre sip; /* the key, prepared */
	uint64_t probes;
	struct slot *slots;
	struct memo memo[MEMO_SIZE];
};

static inline uint64_t
unkeyed_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * MIX_M1;
	z = (z ^ (z >> 27)) * MIX_M2;
	return z ^ (z >> 31);
}

/* The home of (sym, id) from the SipHash of id. */
static inline uint32_t
keyed_home_of(const struct gw_ordmap *m, uint32_t sym, uint64_t sip)
{
	return (uint32_t)(sip + sym * SYM_STRIDE) & m->mask;
}

static inline uint32_t
keyed_home(const struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	return keyed_home_of(m, sym, gw_siphash13_u64_pre(&m->sip, id));
}

static inline uint32_t
home(struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	struct memo *e;

	/* The former table: the id alone, through a public bijection. */
	if (unlikely(m->hash == GW_ORDMAP_UNKEYED))
		return (uint32_t)unkeyed_mix(id) & m->mask;
	e = &m->memo[(id + sym) & (MEMO_SIZE - 1)];
	if (e->id != id || e->sym != sym)
		*e = (struct memo){
			.id = id, .sym = sym, .home = keyed_home(m, sym, id)};
	return e->home;
}

/* Every memo entry valid from the start: the key (0, 0) and its home. */
static void
memo_init(struct gw_ordmap *m)
{
	unsigned int i;

	for (i = 0; i < MEMO_SIZE; i++)
		m->memo[i] = (struct memo){.home = keyed_home(m, 0, 0)};
}

/* Inverse of x ^= x >> s. */
static uint64_t
unxorshift(uint64_t x, unsigned int s)
{
	uint64_t y = x;
	unsigned int k;

	for (k = s; k < 64; k += s)
		y = x ^ (y >> s);
	return y;
}

/* Inverse of an odd multiplier mod 2^64 (Newton: each step doubles the
 * correct low bits, 3 -> 6 -> ... -> 96).
 */
static uint64_t
mul_inverse(uint64_t a)
{
	uint64_t x = a;
	int i;

	for (i = 0; i < 5; i++)
		x *= 2 - a * x;
	return x;
}

uint64_t
gw_ordmap_unkeyed_preimage(uint64_t h)
{
	uint64_t z = unxorshift(h, 31);

	z = unxorshift(z * mul_inverse(MIX_M2), 27);
	return unxorshift(z * mul_inverse(MIX_M1), 30);
}

struct gw_ordmap *
gw_ordmap_create_hashed(uint32_t capacity, int socket, enum gw_ordmap_hash hash,
	const struct gw_sipkey *key)
{
	struct gw_sipkey drawn = {{0, 0}};
	struct gw_ordmap *m;
	uint32_t slots;
	int rc;

	if (capacity == 0 || capacity > ORDMAP_MAX_CAPACITY ||
		(hash != GW_ORDMAP_KEYED && hash != GW_ORDMAP_UNKEYED)) {
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
	m->hash = hash;
	if (hash == GW_ORDMAP_KEYED && key != NULL)
		drawn = *key;
	else if (hash == GW_ORDMAP_KEYED) {
		rc = gw_sipkey_random(&drawn);
		if (rc < 0) {
			gw_ordmap_free(m);
			rte_errno = -rc;
			return NULL;
		}
	}
	gw_sip13_prepare(&m->sip, &drawn);
	memo_init(m);
	return m;

no_slots:
	rte_free(m);
no_map:
	rte_errno = ENOMEM;
	return NULL;
}

struct gw_ordmap *
gw_ordmap_create(uint32_t capacity, int socket)
{
	return gw_ordmap_create_hashed(capacity, socket, GW_ORDMAP_KEYED, NULL);
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
	return s->id == id && s->sym == sym;
}

/*
 * Index of the key's slot, or of the empty slot that ends its probe; the
 * slots read in @p probes.
 */
static inline uint32_t
probe_from(const struct gw_ordmap *m, uint32_t i, uint32_t sym, uint64_t id,
	uint64_t *probes)
{
	uint64_t n = 1;

	while (m->slots[i].node != NULL && !match(&m->slots[i], sym, id)) {
		i = (i + 1) & m->mask;
		n++;
	}
	*probes += n;
	return i;
}

static inline uint32_t
probe(struct gw_ordmap *m, uint32_t h, uint32_t sym, uint64_t id)
{
	return probe_from(m, h, sym, id, &m->probes);
}

/* Do the keys of a burst all go to one keyed table? */
static bool
one_keyed_map(struct gw_ordmap *const *maps, unsigned int n)
{
	unsigned int i;

	if (n == 0 || maps[0]->hash != GW_ORDMAP_KEYED)
		return false;
	for (i = 1; i < n; i++)
		if (maps[i] != maps[0])
			return false;
	return true;
}

void
gw_ordmap_prefetch_burst(struct gw_ordmap **maps, uint32_t *syms, uint64_t *ids,
	unsigned int n)
{
	uint64_t sip[GW_ORDMAP_BURST_MAX];
	struct gw_ordmap *m;
	bool together;
	unsigned int i;
	uint32_t h;

	n = RTE_MIN(n, (unsigned int)GW_ORDMAP_BURST_MAX);
	/* A worker's books share its table: their keys are hashed side by
	 * side in vector lanes, and kept for the lookups that follow.
	 */
	together = one_keyed_map(maps, n);
	if (together)
		gw_siphash13_u64_many(&maps[0]->sip, ids, sip, n);
	for (i = 0; i < n; i++) {
		m = maps[i];
		if (m->hash != GW_ORDMAP_KEYED) {
			rte_prefetch0(&m->slots[home(m, syms[i], ids[i])]);
			continue;
		}
		h = together ? keyed_home_of(m, syms[i], sip[i]) :
			       keyed_home(m, syms[i], ids[i]);
		m->memo[(ids[i] + syms[i]) & (MEMO_SIZE - 1)] = (struct memo){
			.id = ids[i], .sym = syms[i], .home = h};
		rte_prefetch0(&m->slots[h]);
	}
}

struct lfp_order_node *
gw_ordmap_peek(struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	uint64_t uncounted = 0;

	return m->slots[probe_from(m, home(m, sym, id), sym, id, &uncounted)]
		.node;
}

struct lfp_order_node *
gw_ordmap_find(struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	return m->slots[probe(m, home(m, sym, id), sym, id)].node;
}

int
gw_ordmap_add(struct gw_ordmap *m, uint32_t sym, uint64_t id,
	struct lfp_order_node *node)
{
	uint32_t h, i;

	if (m->count >= m->capacity) {
		rte_errno = ENOSPC;
		return -ENOSPC;
	}
	h = home(m, sym, id);
	i = probe(m, h, sym, id);
	if (m->slots[i].node != NULL) {
		rte_errno = EEXIST;
		return -EEXIST;
	}
	m->slots[i] = (struct slot){
		.id = id, .node = node, .sym = sym, .home = h};
	node->user = h;
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

static int
del_from(struct gw_ordmap *m, uint32_t h, uint32_t sym, uint64_t id)
{
	uint32_t hole = probe(m, h, sym, id);
	uint32_t j = hole;

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
		m->probes++;
		if (m->slots[j].node == NULL)
			break;
		if (cyclic_between(hole, m->slots[j].home, j))
			continue;
		m->slots[hole] = m->slots[j];
		hole = j;
	}
	m->slots[hole].node = NULL;
	m->count--;
	return 0;
}

int
gw_ordmap_del(struct gw_ordmap *m, uint32_t sym, uint64_t id)
{
	return del_from(m, home(m, sym, id), sym, id);
}

int
gw_ordmap_del_node(
	struct gw_ordmap *m, uint32_t sym, const struct lfp_order_node *node)
{
	return del_from(m, (uint32_t)node->user & m->mask, sym, node->order->id);
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

uint64_t
gw_ordmap_probes(const struct gw_ordmap *m)
{
	return m->probes;
}

uint32_t
gw_ordmap_slots(const struct gw_ordmap *m)
{
	return m->mask + 1;
}
