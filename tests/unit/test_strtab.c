/*
 * test_strtab.c: strings by number, in memory and spilled to a file:
 * every string comes back as added, in order and at random, across the
 * spill and across blocks; empty, long and binary-looking strings; out of
 * range is an error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strtab.h"
#include "../tap.h"

/* String i: its length varies with i, from 0 to a few blocks. */
static size_t
make(size_t i, char *buf)
{
	size_t	n, k;

	n = i % 97 == 0 ? 0 : i % 1000 == 1 ? 150000 + i % 7 : 1 + i * 7 % 61;
	for (k = 0; k < n; k++)
		buf[k] = (char)('a' + (i + k) % 26);
	if (n > 3)
		memcpy(buf, "\xe5\x8c\x97", 3);	/* 北 */
	buf[n] = '\0';
	return n;
}

static int
check(struct strtab *t, size_t i, char *want)
{
	struct imp_err	 err;
	const char	*s;
	size_t		 n, len;

	n = make(i, want);
	s = strtab_get(t, i, &len, &err);
	return s != NULL && len == n && memcmp(s, want, n) == 0 &&
	    s[n] == '\0';
}

static void
round_trip(size_t memory, size_t count, int spilled)
{
	struct strtab	*t = strtab_new(memory);
	struct imp_err	 err;
	char		*buf = malloc(200000), *want = malloc(200000);
	size_t		 i, bad = 0, n;

	for (i = 0; i < count; i++) {
		n = make(i, buf);
		if (strtab_add(t, buf, n, &err) == -1) {
			ok(0, "add %zu: %s", i, err.msg);
			goto out;
		}
	}
	is_int(strtab_count(t), count, "%zu strings counted", count);
	ok(strtab_spilled(t) == spilled, "memory %zu: %s", memory,
	    spilled ? "spilled to a file" : "kept in memory");
	for (i = 0; i < count; i++)
		if (!check(t, i, want))
			bad++;
	is_int(bad, 0, "every string back, in order");
	srand(7);
	for (i = 0, bad = 0; i < 20000; i++)
		if (!check(t, (size_t)rand() % count, want))
			bad++;
	is_int(bad, 0, "every string back, at random");
	for (i = count; i-- > 0; )
		if (!check(t, i, want))
			bad++;
	is_int(bad, 0, "every string back, backwards");
	ok(strtab_get(t, count, &n, &err) == NULL && err.code == 65,
	    "past the last: an error (65): %s", err.msg);
	/* Adding after reading: the spilled file is written and read. */
	n = make(count, buf);
	ok(strtab_add(t, buf, n, &err) == 0 && check(t, count, want) &&
	    check(t, 0, want), "a string added after reads comes back");
out:
	strtab_free(t);
	free(buf);
	free(want);
}

int
main(void)
{
	struct strtab	*t;
	struct imp_err	 err;
	size_t		 n;

	round_trip(0, 5000, 0);
	round_trip(64 * 1024, 5000, 1);
	round_trip(1, 30000, 1);
	t = strtab_new(0);
	ok(strtab_get(t, 0, &n, &err) == NULL, "an empty table has no string 0");
	strtab_free(t);
	strtab_free(NULL);
	return done_testing();
}
