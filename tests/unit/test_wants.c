/*
 * test_wants.c: the snapshot check's index of pending rows by GUID
 * (checking_int.h): sorted in place, every entry kept, each one found by
 * checking_find() and none that is absent, with and without the
 * directory; with GUIDs spread at random, crowded into a few top-16-bit
 * buckets, equal in their first half, and at the ends of the range.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checking.h"
#include "../../importer/checking_int.h"
#include "../tap.h"

static uint64_t	rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

static int
sorted(const struct want *w, size_t n)
{
	size_t	i;

	for (i = 1; i < n; i++)
		if (w[i - 1].guid[0] > w[i].guid[0] ||
		    (w[i - 1].guid[0] == w[i].guid[0] &&
		    w[i - 1].guid[1] >= w[i].guid[1]))
			return 0;
	return 1;
}

/* Each entry found at its row, and the same GUIDs made even never. */
static void
lookups(const char *kind, size_t n, const struct wants *ws, const char *how)
{
	uint64_t	g[2];
	size_t		i, found = 0, wrong = 0, ghost = 0;

	for (i = 0; i < n; i++) {
		struct want	*f = checking_find(ws, ws->w[i].guid);

		if (f == NULL)
			continue;
		found++;
		if (f->row != ws->w[i].row)
			wrong++;
		/* The same first half, an even second: not in the index. */
		g[0] = ws->w[i].guid[0];
		g[1] = ws->w[i].guid[1] & ~(uint64_t)1;
		if (checking_find(ws, g) != NULL)
			ghost++;
	}
	is_int(found, n, "%s, %zu, %s: each found", kind, n, how);
	is_int(wrong, 0, "%s, %zu, %s: each found at its own row", kind, n,
	    how);
	is_int(ghost, 0, "%s, %zu, %s: no GUID found that is not there",
	    kind, n, how);
}

/* Sorts n entries made by kind and checks order, content and lookups. */
static void
check_kind(const char *kind, size_t n)
{
	struct wants	 ws;
	struct want	*w;
	unsigned char	*seen;
	uint64_t	 g[2];
	size_t		 i, lost = 0;

	w = calloc(n ? n : 1, sizeof *w);
	seen = calloc(n ? n : 1, 1);
	for (i = 0; i < n; i++) {
		if (strcmp(kind, "crowded") == 0)
			/* Three top-16-bit buckets hold them all. */
			w[i].guid[0] = (rnd() % 3) << 48 | (rnd() >> 16);
		else if (strcmp(kind, "same-half") == 0)
			w[i].guid[0] = 0x1234000000000000ULL;
		else if (strcmp(kind, "ends") == 0)
			/* The lowest and highest first halves there are. */
			w[i].guid[0] = i % 2 ? UINT64_MAX - i / 2 : i / 2;
		else
			w[i].guid[0] = rnd();
		w[i].guid[1] = rnd() | 1;	/* odd: distinct from ghosts */
		w[i].row = (int64_t)i + 1;
	}
	memset(&ws, 0, sizeof ws);
	ws.w = w;
	ws.n = ws.cap = n;
	checking_index_wants(&ws);
	ok(sorted(w, n), "%s, %zu: sorted by GUID", kind, n);
	for (i = 0; i < n; i++) {
		if (w[i].row < 1 || (size_t)w[i].row > n ||
		    seen[w[i].row - 1])
			lost++;
		else
			seen[w[i].row - 1] = 1;
	}
	ok(lost == 0, "%s, %zu: every row once", kind, n);
	ok((ws.dir != NULL) == (n >= 64), "%s, %zu: a directory %s", kind, n,
	    n >= 64 ? "built" : "not needed");
	lookups(kind, n, &ws, ws.dir != NULL ? "directory" : "no directory");
	if (ws.dir != NULL) {
		/* Outside the range: below the first, above the last. */
		g[0] = 0;
		g[1] = 0;
		ok(checking_find(&ws, g) == NULL,
		    "%s, %zu: the lowest GUID is not there", kind, n);
		g[0] = UINT64_MAX;
		g[1] = UINT64_MAX - 1;
		ok(checking_find(&ws, g) == NULL, "%s, %zu: nor the highest",
		    kind, n);
		free(ws.dir);
		ws.dir = NULL;
		lookups(kind, n, &ws, "no directory");
	}
	free(seen);
	checking_wants_free(&ws);
}

int
main(void)
{
	struct want	two[2];

	check_kind("random", 0);
	check_kind("random", 1);
	check_kind("random", 1000);
	check_kind("random", 200000);
	check_kind("crowded", 50000);
	check_kind("same-half", 5000);
	check_kind("same-half", 200000);	/* never quadratic */
	check_kind("ends", 3000);
	check_kind("random", 63);
	check_kind("random", 64);

	/* Two entries in reverse order swap. */
	memset(two, 0, sizeof two);
	two[0].guid[0] = 0xffff000000000000ULL;
	two[0].row = 1;
	two[1].guid[0] = 0x0001000000000000ULL;
	two[1].row = 2;
	checking_sort_wants(two, 2);
	ok(two[0].row == 2 && two[1].row == 1, "two buckets: swapped");
	return done_testing();
}
