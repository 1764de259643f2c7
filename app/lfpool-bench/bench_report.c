/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The lfpool authors
 */

/*
 * Results: a list of records keyed by scenario and configuration, each
 * holding one value per run for each metric. Written and read as JSON
 * (the malloc program's report is merged this way) and printed as tables.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench.h"

static struct bench_rec *recs;
static unsigned int n_recs, cap_recs;
/* Extra sections of the next report (scenario 8's "numa"). */
static json_t *sections;

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double
bench_median(const double *v, unsigned int n)
{
	double s[BENCH_MAX_RUNS];

	if (n == 0)
		return 0;
	n = RTE_MIN(n, (unsigned int)BENCH_MAX_RUNS);
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double
bench_min(const double *v, unsigned int n)
{
	double m = n ? v[0] : 0;
	unsigned int i;

	for (i = 1; i < n; i++)
		m = RTE_MIN(m, v[i]);
	return m;
}

double
bench_max(const double *v, unsigned int n)
{
	double m = n ? v[0] : 0;
	unsigned int i;

	for (i = 1; i < n; i++)
		m = RTE_MAX(m, v[i]);
	return m;
}

void
bench_key_init(struct bench_key *k, const char *scen,
	const struct bench_target *t, unsigned int bulk, unsigned int threads,
	const char *variant)
{
	memset(k, 0, sizeof(*k));
	snprintf(k->scen, sizeof(k->scen), "%s", scen);
	snprintf(k->alloc, sizeof(k->alloc), "%s", t->name);
	snprintf(k->family, sizeof(k->family), "%s", t->family);
	k->cache = t->cache;
	k->size = t->size;
	k->bulk = bulk;
	k->threads = threads;
	snprintf(k->variant, sizeof(k->variant), "%s", variant);
}

/* Keys are zeroed before they are filled (strings, padding): compare all. */
static bool
key_eq(const struct bench_key *a, const struct bench_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

const struct bench_rec *
bench_rec_find(const struct bench_key *k)
{
	unsigned int i;

	for (i = 0; i < n_recs; i++)
		if (key_eq(&recs[i].key, k))
			return &recs[i];
	return NULL;
}

static struct bench_rec *
rec_get(const struct bench_key *k)
{
	struct bench_rec *r = (struct bench_rec *)bench_rec_find(k);

	if (r != NULL)
		return r;
	if (n_recs == cap_recs) {
		unsigned int cap = cap_recs ? 2 * cap_recs : 256;
		struct bench_rec *n = realloc(recs, cap * sizeof(*n));

		if (n == NULL)
			return NULL;
		recs = n;
		cap_recs = cap;
	}
	r = &recs[n_recs++];
	memset(r, 0, sizeof(*r));
	r->key = *k;
	return r;
}

static struct bench_metric *
metric_get(struct bench_rec *r, const char *name)
{
	struct bench_metric *m;
	unsigned int i;

	for (i = 0; i < r->n_metrics; i++)
		if (strcmp(r->m[i].name, name) == 0)
			return &r->m[i];
	if (r->n_metrics == BENCH_MAX_METRICS)
		return NULL;
	m = &r->m[r->n_metrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->n = 0;
	return m;
}

void
bench_rec_add(const struct bench_key *k, const char *metric, double v)
{
	struct bench_rec *r = rec_get(k);
	struct bench_metric *m = r != NULL ? metric_get(r, metric) : NULL;

	if (m == NULL) {
		fprintf(stderr, "lfpool-bench: out of room for %s/%s\n",
			k->scen, metric);
		return;
	}
	if (m->n < BENCH_MAX_RUNS)
		m->v[m->n++] = v;
}

void
bench_rec_note(const struct bench_key *k, const char *fmt, ...)
{
	struct bench_rec *r = rec_get(k);
	va_list ap;

	if (r == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(r->note, sizeof(r->note), fmt, ap);
	va_end(ap);
}

unsigned int
bench_rec_count(void)
{
	return n_recs;
}

const struct bench_rec *
bench_rec_at(unsigned int i)
{
	return i < n_recs ? &recs[i] : NULL;
}

const struct bench_metric *
bench_rec_metric(const struct bench_rec *r, const char *name)
{
	unsigned int i;

	if (r == NULL)
		return NULL;
	for (i = 0; i < r->n_metrics; i++)
		if (strcmp(r->m[i].name, name) == 0 && r->m[i].n > 0)
			return &r->m[i];
	return NULL;
}

/*
 * Rates are kept twice: per second of wall-clock time ("mops"), and per
 * second of CPU time the measured threads got ("mops_cpu"), which other
 * processes on a shared machine do not skew. Tables and targets show one.
 */
const char *
bench_rate_metric(const struct bench_conf *c)
{
	return c->cpu_time ? "mops_cpu" : "mops";
}

void
bench_rec_free_all(void)
{
	json_decref(sections);
	sections = NULL;
	free(recs);
	recs = NULL;
	n_recs = cap_recs = 0;
}

/* --- JSON --- */

static json_t *
metric_json(const struct bench_metric *m)
{
	json_t *runs = json_array();
	unsigned int i;

	for (i = 0; i < m->n; i++)
		json_array_append_new(runs, json_real(m->v[i]));
	return json_pack("{s:f, s:f, s:f, s:o}", "median",
		bench_median(m->v, m->n), "min", bench_min(m->v, m->n), "max",
		bench_max(m->v, m->n), "runs", runs);
}

static json_t *
rec_json(const struct bench_rec *r)
{
	json_t *metrics = json_object(), *o;
	unsigned int i;

	for (i = 0; i < r->n_metrics; i++)
		json_object_set_new(
			metrics, r->m[i].name, metric_json(&r->m[i]));
	o = json_pack("{s:s, s:s, s:s, s:o, s:i, s:i, s:i, s:s, s:o}",
		"scenario", r->key.scen, "allocator", r->key.alloc, "family",
		r->key.family, "cache",
		r->key.cache < 0 ? json_null() : json_integer(r->key.cache),
		"size", (int)r->key.size, "bulk", (int)r->key.bulk, "threads",
		(int)r->key.threads, "variant", r->key.variant, "metrics",
		metrics);
	if (r->note[0] != '\0')
		json_object_set_new(o, "note", json_string(r->note));
	return o;
}

static json_t *
uint_list_json(const unsigned int *v, unsigned int n)
{
	json_t *a = json_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_integer(v[i]));
	return a;
}

static json_t *
conf_json(const struct bench_conf *c)
{
	json_t *allocs = json_array();
	unsigned int i;

	for (i = 0; i < c->n_allocs; i++)
		json_array_append_new(allocs, json_string(c->allocs[i]));
	return json_pack("{s:o, s:o, s:o, s:o, s:i, s:i, s:i, s:i, s:i, s:b}",
		"allocators", allocs, "sizes",
		uint_list_json(c->sizes, c->n_sizes), "bulks",
		uint_list_json(c->bulks, c->n_bulks), "caches",
		uint_list_json(c->caches, c->n_caches), "runs", (int)c->runs,
		"duration_ms", (int)c->duration_ms, "window", (int)c->window,
		"pool_size", (int)c->pool_size, "stops", (int)c->stops, "quick",
		c->quick);
}

void
bench_report_add_section(const char *name, json_t *v)
{
	if (sections == NULL)
		sections = json_object();
	json_object_set_new(sections, name, v);
}

/* Steals the references to machine and targets (either may be NULL). */
int
bench_report_write_json(const char *path, json_t *machine,
	const struct bench_conf *c, json_t *targets)
{
	json_t *root, *results = json_array();
	unsigned int i;
	int rc;

	for (i = 0; i < n_recs; i++)
		json_array_append_new(results, rec_json(&recs[i]));
	root = json_pack("{s:s, s:i, s:o, s:o, s:o, s:o}", "tool",
		"lfpool-bench", "schema", 1, "machine",
		machine ? machine : json_object(), "config", conf_json(c),
		"results", results, "targets",
		targets ? targets : json_array());
	if (root == NULL)
		return -ENOMEM;
	if (sections != NULL)
		json_object_update(root, sections);
	/* An interrupted run keeps what it measured, marked as such. */
	json_object_set_new(
		root, "incomplete", json_boolean(bench_interrupted()));
	if (bench_interrupted())
		json_object_set_new(root, "interrupted_by",
			json_string(strsignal(bench_interrupted())));
	/* Compact, 6 significant digits: a full run stays a few hundred KB. */
	rc = json_dump_file(root, path,
		JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
	json_decref(root);
	return rc == 0 ? 0 : -EIO;
}

static void
key_from_json(struct bench_key *k, json_t *o)
{
	json_t *cache = json_object_get(o, "cache");

	memset(k, 0, sizeof(*k));
	snprintf(k->scen, sizeof(k->scen), "%s",
		json_string_value(json_object_get(o, "scenario")));
	snprintf(k->alloc, sizeof(k->alloc), "%s",
		json_string_value(json_object_get(o, "allocator")));
	snprintf(k->family, sizeof(k->family), "%s",
		json_string_value(json_object_get(o, "family")));
	k->cache = json_is_integer(cache) ? (int)json_integer_value(cache) : -1;
	k->size = (unsigned int)json_integer_value(json_object_get(o, "size"));
	k->bulk = (unsigned int)json_integer_value(json_object_get(o, "bulk"));
	k->threads = (unsigned int)json_integer_value(
		json_object_get(o, "threads"));
	snprintf(k->variant, sizeof(k->variant), "%s",
		json_string_value(json_object_get(o, "variant")));
}

static json_t *
load_file(const char *path)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);

	if (root == NULL)
		fprintf(stderr, "lfpool-bench: %s:%d: %s\n", path, err.line,
			err.text);
	return root;
}

static void
load_results(json_t *root)
{
	json_t *res, *o, *m, *v;
	const char *name, *note;
	struct bench_key k;
	size_t i, j;

	res = json_object_get(root, "results");
	json_array_foreach(res, i, o)
	{
		key_from_json(&k, o);
		json_object_foreach(json_object_get(o, "metrics"), name, m)
			json_array_foreach(json_object_get(m, "runs"), j, v)
				bench_rec_add(&k, name, json_number_value(v));
		note = json_string_value(json_object_get(o, "note"));
		if (note != NULL)
			bench_rec_note(&k, "%s", note);
	}
}

/* Merge the results of another report (the malloc program's). */
int
bench_report_load_json(const char *path)
{
	json_t *root = load_file(path);

	if (root == NULL)
		return -EINVAL;
	load_results(root);
	json_decref(root);
	return 0;
}

static void
uint_list_load(json_t *a, unsigned int *v, unsigned int *n)
{
	json_t *x;
	size_t i;

	if (!json_is_array(a) || json_array_size(a) == 0)
		return;
	*n = 0;
	json_array_foreach(a, i, x) if (*n < BENCH_MAX_LIST)
		v[(*n)++] = (unsigned int)json_integer_value(x);
}

/*
 * Load a whole report to show it again: its results, the lists its tables
 * run over (into c), and its machine description (returned, a new
 * reference; NULL on error).
 */
json_t *
bench_report_reload(const char *path, struct bench_conf *c)
{
	json_t *root = load_file(path), *conf, *machine;

	if (root == NULL)
		return NULL;
	load_results(root);
	conf = json_object_get(root, "config");
	uint_list_load(json_object_get(conf, "sizes"), c->sizes, &c->n_sizes);
	uint_list_load(json_object_get(conf, "bulks"), c->bulks, &c->n_bulks);
	uint_list_load(
		json_object_get(conf, "caches"), c->caches, &c->n_caches);
	machine = json_incref(json_object_get(root, "machine"));
	json_decref(root);
	return machine;
}
