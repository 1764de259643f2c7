/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * The EAL lcore callbacks of the pools this process created. EAL keeps
 * them per process, and a callback handle or argument is a pointer into
 * this process's heap: so they live here, never in the pool's shared
 * memory. Pools are created by the primary only (lfpool_alloc() refuses
 * a secondary), but any process may free one: a callback whose pool was
 * freed elsewhere finds it gone and does nothing, and the next pool
 * created here unregisters it.
 *
 * A callback acts on its pool only inside rte_mempool_walk(), which holds
 * the mempool list's lock: rte_mempool_free() takes the pool off that list
 * before it frees anything, so a pool found there is alive until the walk
 * returns. Control path only; callbacks_lock orders this process's
 * register/unregister calls.
 */

#include <stdbool.h>
#include <stdlib.h>
#include <sys/queue.h>

#include <rte_common.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "lfpool_private.h"

struct pool_callback {
	TAILQ_ENTRY(pool_callback) next;
	struct rte_mempool *mp;
	uint64_t gen; /* The pool's life this callback serves. */
	void *handle; /* From rte_lcore_callback_register(). */
};

static TAILQ_HEAD(, pool_callback) callbacks = TAILQ_HEAD_INITIALIZER(
	callbacks);
static rte_spinlock_t callbacks_lock = RTE_SPINLOCK_INITIALIZER;

struct live_call {
	const struct pool_callback *cb;
	unsigned int lcore_id;
	bool init;
	bool live; /* Out: the pool was found. */
};

static bool
is_live(const struct rte_mempool *mp, const struct pool_callback *cb)
{
	const struct lfpool *pool = mp->pool_data;

	return mp == cb->mp && lfpool_is_lfpool(mp) && pool != NULL &&
		pool->gen == cb->gen;
}

static void
call_if_live(struct rte_mempool *mp, void *arg)
{
	struct live_call *call = arg;

	if (!is_live(mp, call->cb))
		return;
	call->live = true;
	if (call->init)
		lfpool_lcore_init(call->lcore_id, mp);
	else if (call->lcore_id < RTE_MAX_LCORE)
		lfpool_lcore_uninit(call->lcore_id, mp);
}

static bool
call_live(const struct pool_callback *cb, unsigned int lcore_id, bool init)
{
	struct live_call call = {.cb = cb, .lcore_id = lcore_id, .init = init};

	rte_mempool_walk(call_if_live, &call);
	return call.live;
}

static int
on_lcore_init(unsigned int lcore_id, void *arg)
{
	call_live(arg, lcore_id, true);
	return 0;
}

static void
on_lcore_uninit(unsigned int lcore_id, void *arg)
{
	call_live(arg, lcore_id, false);
}

static void
callback_drop(struct pool_callback *cb)
{
	TAILQ_REMOVE(&callbacks, cb, next);
	rte_lcore_callback_unregister(cb->handle);
	free(cb);
}

/* Callbacks of pools freed by another process: nothing left to serve. */
static void
callbacks_prune(void)
{
	struct pool_callback *cb, *next;

	for (cb = TAILQ_FIRST(&callbacks); cb != NULL; cb = next) {
		next = TAILQ_NEXT(cb, next);
		if (!call_live(cb, RTE_MAX_LCORE, false))
			callback_drop(cb);
	}
}

int
lfpool_callbacks_register(struct rte_mempool *mp)
{
	struct pool_callback *cb = calloc(1, sizeof(*cb));

	if (cb == NULL)
		return -ENOMEM;
	cb->mp = mp;
	cb->gen = ((struct lfpool *)mp->pool_data)->gen;
	rte_spinlock_lock(&callbacks_lock);
	callbacks_prune();
	/* Runs on_lcore_init() for every lcore before it returns. */
	cb->handle = rte_lcore_callback_register(
		mp->name, on_lcore_init, on_lcore_uninit, cb);
	if (cb->handle != NULL)
		TAILQ_INSERT_TAIL(&callbacks, cb, next);
	rte_spinlock_unlock(&callbacks_lock);
	if (cb->handle == NULL) {
		free(cb);
		return -ENOMEM;
	}
	return 0;
}

void
lfpool_callbacks_unregister(struct rte_mempool *mp)
{
	const struct lfpool *pool = mp->pool_data;
	struct pool_callback *cb;

	rte_spinlock_lock(&callbacks_lock);
	TAILQ_FOREACH(cb, &callbacks, next)
	if (cb->mp == mp && cb->gen == pool->gen)
		break;
	/* None in a process that did not create the pool. */
	if (cb != NULL)
		callback_drop(cb);
	rte_spinlock_unlock(&callbacks_lock);
}
