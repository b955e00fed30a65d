/*
 * fuzz_rules.c: libFuzzer harness for row validation (rules.h). The input
 * is one row, its cells separated by '|' (so a row may have too few or too
 * many cells), checked against a header of the 16 canonical columns in
 * order, with the iso-codes data loaded once. The first byte picks the
 * required columns: none, or email and country.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "colmap.h"
#include "importer.h"
#include "isodata.h"
#include "rules.h"

#define FUZZ_MAX_CELLS	64

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct isodata	*iso;
static struct colmap	*cm;
static struct rules	*rules[2];

static void
teardown(void)
{
	rules_free(rules[0]);
	rules_free(rules[1]);
	colmap_free(cm);
	isodata_free(iso);
}

static void
setup(void)
{
	const char	*names[COL_COUNT];
	struct imp_err	 err;
	unsigned	 req = 1u << COL_EMAIL | 1u << COL_COUNTRY;
	int		 i;

	iso = isodata_load(NULL, &err);
	if (iso == NULL) {
		fprintf(stderr, "fuzz_rules: %s\n", err.msg);
		abort();
	}
	for (i = 0; i < COL_COUNT; i++)
		names[i] = colmap_name(i);
	cm = colmap_new(names, COL_COUNT, NULL, 0, 0, &err);
	if (cm == NULL) {
		fprintf(stderr, "fuzz_rules: %s\n", err.msg);
		abort();
	}
	rules[0] = rules_new(iso, cm, "<clear>", 0);
	rules[1] = rules_new(iso, cm, "<clear>", req);
	atexit(teardown);
}

/* What rules_check promises about a row it returns. */
static void
check_row(const struct rules_row *row, size_t nerrors)
{
	size_t	i;

	if (nerrors != row->nerrors || row->nprobs > RULES_MAX_PROBLEMS ||
	    row->nprobs > row->nerrors + row->nwarnings)
		abort();
	for (i = 0; i < row->nprobs; i++) {
		if (row->probs[i].rule == NULL ||
		    memchr(row->probs[i].msg, '\0',
		    sizeof row->probs[i].msg) == NULL ||
		    memchr(row->probs[i].hint, '\0',
		    sizeof row->probs[i].hint) == NULL)
			abort();
		(void)strlen(row->probs[i].rule);
	}
	for (i = 0; i < COL_COUNT; i++)
		if (row->norm[i] != NULL &&
		    row->norm[i][row->normlen[i]] != '\0')
			abort();	/* not NUL-terminated at its length */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_row	 row;
	char			*cells[FUZZ_MAX_CELLS];
	size_t			 lens[FUZZ_MAX_CELLS], n = 0, len, nerrors;
	const uint8_t		*p, *end, *bar;
	const struct rules	*r;
	int			 pass;

	if (iso == NULL)
		setup();
	if (size < 1)
		return 0;
	r = rules[data[0] & 1];
	p = data + 1;
	end = data + size;
	/* Every cell in its own allocation, so an over-read is caught. */
	for (;;) {
		bar = memchr(p, '|', end - p);
		len = (bar != NULL ? bar : end) - p;
		cells[n] = malloc(len + 1);
		memcpy(cells[n], p, len);
		cells[n][len] = '\0';
		lens[n++] = len;
		if (bar == NULL || n == FUZZ_MAX_CELLS)
			break;
		p = bar + 1;
	}

	memset(&row, 0, sizeof row);
	row.ncells = n;
	row.cells = (const char *const *)cells;
	row.lens = lens;
	/* Twice: staging reuses one row and its buffers for every record. */
	for (pass = 0; pass < 2; pass++) {
		nerrors = rules_check(r, &row);
		check_row(&row, nerrors);
	}
	rules_row_free(&row);
	while (n > 0)
		free(cells[--n]);
	return 0;
}
