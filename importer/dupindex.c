/*
 * dupindex.c: an array of (hash, row) pairs, sorted once at the end; equal
 * hashes then sit side by side.
 */
#include "config.h"

#include "dupindex.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct dupindex_entry {
	uint64_t	hash;
	int64_t		row;
};

struct dupindex {
	struct dupindex_entry	*e;
	size_t			 n, cap;
};

/* FNV-1a, 64 bits. */
static uint64_t
hash(const char *s, size_t len)
{
	uint64_t	h = 0xcbf29ce484222325ULL;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct dupindex *
dupindex_new(void)
{
	return xcalloc(1, sizeof(struct dupindex));
}

void
dupindex_free(struct dupindex *di)
{
	if (di == NULL)
		return;
	free(di->e);
	free(di);
}

void
dupindex_add(struct dupindex *di, const char *key, size_t len, int64_t row)
{
	if (di->n == di->cap) {
		di->cap = di->cap ? di->cap * 2 : 4096;
		di->e = xreallocarray(di->e, di->cap, sizeof *di->e);
	}
	di->e[di->n].hash = hash(key, len);
	di->e[di->n].row = row;
	di->n++;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct dupindex_entry	*x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->row < y->row ? -1 : x->row > y->row;
}

/*
 * Sorts by hash without a second array (qsort would take one as large as
 * the index): an in-place partition on the top byte, American-flag style,
 * then qsort within each of the 256 buckets.
 */
static void
sort_entries(struct dupindex_entry *e, size_t n)
{
	struct dupindex_entry	t;
	size_t			count[256], next[256], end[256], i, b, d;

	if (n == 0)
		return;
	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++)
		count[e[i].hash >> 56]++;
	for (b = 0, i = 0; b < 256; b++) {
		next[b] = i;
		i += count[b];
		end[b] = i;
	}
	for (b = 0; b < 256; b++) {
		while (next[b] < end[b]) {
			d = e[next[b]].hash >> 56;
			if (d == b) {
				next[b]++;
				continue;
			}
			t = e[next[d]];
			e[next[d]++] = e[next[b]];
			e[next[b]] = t;
		}
	}
	for (b = 0, i = 0; b < 256; i += count[b], b++)
		if (count[b] > 1)
			qsort(e + i, count[b], sizeof *e, cmp_entry);
}

int
dupindex_groups(struct dupindex *di,
    int (*fn)(const int64_t *rows, size_t n, void *arg), void *arg)
{
	int64_t	*rows = NULL;
	size_t	 i, j, k, cap = 0;
	int	 rc = 0;

	sort_entries(di->e, di->n);
	for (i = 0; i < di->n; i = j) {
		for (j = i + 1; j < di->n && di->e[j].hash == di->e[i].hash;
		    j++)
			;
		if (j - i < 2)
			continue;
		if (cap < j - i) {
			cap = j - i;
			rows = xreallocarray(rows, cap, sizeof *rows);
		}
		for (k = i; k < j; k++)
			rows[k - i] = di->e[k].row;
		if (fn(rows, j - i, arg) == -1) {
			rc = -1;
			break;
		}
	}
	free(rows);
	return rc;
}
