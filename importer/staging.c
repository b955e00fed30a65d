/*
 * staging.c: the stage step. csvin streams records in; the first is the
 * header (colmap), every other one is validated (rules) and stored at once
 * (store), so memory stays bounded by one record plus 16 bytes a row for
 * the duplicate search (dupindex), which runs after the last record.
 */
#include "config.h"

#include "staging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "colmap.h"
#include "dupindex.h"
#include "rules.h"
#include "xmalloc.h"

struct staging {
	struct store			*st;
	const struct isodata		*iso;
	const struct staging_opts	*opts;
	struct staging_result		*res;
	struct csvin			*in;
	struct colmap			*cm;
	struct rules			*rules;
	struct dupindex			*dups;
	struct rules_row		 row;
	unsigned char			*raw, *extra;
	size_t				 rawcap, extracap;
	const char			**xcells;
	size_t				*xlens;
	size_t				 nextra;
};

static int
start_run(struct staging *sg, const struct csvin_record *rec,
    struct imp_err *err)
{
	const struct profile	*pf = sg->opts->profile;
	struct store_run_info	 ri;
	json_t			*map;
	char			*mapping;
	size_t			 i, len;
	int			 col, rc;

	sg->cm = colmap_new(rec->fields, rec->nfields, pf->columns,
	    pf->ncolumns, pf->required, err);
	if (sg->cm == NULL)
		return -1;
	sg->rules = rules_new(sg->iso, sg->cm, pf->clear_token, pf->required);

	map = json_array();
	for (i = 0; i < rec->nfields; i++) {
		col = colmap_column(sg->cm, i);
		json_array_append_new(map, json_string(col >= 0 ?
		    colmap_name(col) : col == COLMAP_IGNORE ? "ignore" :
		    "extra"));
		if (col == COLMAP_EXTRA) {
			sg->res->unknown = xreallocarray(sg->res->unknown,
			    sg->res->nunknown + 1, sizeof *sg->res->unknown);
			sg->res->unknown[sg->res->nunknown++] =
			    xstrdup(colmap_header(sg->cm, i));
			sg->nextra++;
		}
	}
	mapping = json_dumps(map, JSON_COMPACT);
	json_decref(map);
	sg->xcells = xcalloc(sg->nextra + 1, sizeof *sg->xcells);
	sg->xlens = xcalloc(sg->nextra + 1, sizeof *sg->xlens);

	len = store_pack(rec->fields, rec->lens, rec->nfields, &sg->raw,
	    &sg->rawcap);
	memset(&ri, 0, sizeof ri);
	ri.file = sg->opts->file;
	ri.size = csvin_size(sg->in);
	ri.encoding = csvin_encoding(sg->in);
	ri.bom = csvin_bom(sg->in);
	ri.detected = csvin_detected(sg->in);
	ri.delimiter = csvin_delimiter(sg->in);
	ri.header = sg->raw;
	ri.headerlen = len;
	ri.mapping = mapping;
	ri.clear_token = pf->clear_token;
	ri.profile = pf->path;
	ri.version = PACKAGE_VERSION;
	rc = store_run_create(sg->st, &ri, &sg->res->run, err);
	free(mapping);
	return rc;
}

static int
add_row(struct staging *sg, const struct csvin_record *rec,
    struct imp_err *err)
{
	struct rules_row	*rr = &sg->row;
	struct store_row	 sr;
	struct store_problem	 sp;
	const struct rules_problem *p;
	size_t			 i, k;
	int64_t			 id;
	unsigned		 bit;

	rr->ncells = rec->nfields;
	rr->cells = rec->fields;
	rr->lens = rec->lens;
	rules_check(sg->rules, rr);
	if (rr->blank) {
		sg->res->blank++;
		return 0;
	}
	sg->res->rows++;

	memset(&sr, 0, sizeof sr);
	sr.line = rec->line;
	sr.state = rr->nerrors > 0 ? "invalid" : "pending";
	memcpy(sr.norm, rr->norm, sizeof sr.norm);
	memcpy(sr.normlen, rr->normlen, sizeof sr.normlen);
	sr.fixes = rr->fixes;
	sr.fixed = rr->fixed;
	if (rr->fixed != 0 || rr->nerrors > 0 ||
	    rec->nfields != colmap_ninput(sg->cm)) {
		sr.rawlen = store_pack(rec->fields, rec->lens, rec->nfields,
		    &sg->raw, &sg->rawcap);
		sr.raw = sg->raw;
	}
	if (sg->nextra > 0 && rec->nfields == colmap_ninput(sg->cm)) {
		for (i = 0, k = 0; i < rec->nfields; i++)
			if (colmap_column(sg->cm, i) == COLMAP_EXTRA) {
				sg->xcells[k] = rec->fields[i];
				sg->xlens[k++] = rec->lens[i];
			}
		sr.extralen = store_pack(sg->xcells, sg->xlens, k, &sg->extra,
		    &sg->extracap);
		sr.extra = sg->extra;
	}
	if (store_row_add(sg->st, sg->res->run, &sr, &id, err) == -1)
		return -1;

	for (bit = 0; bit < NORM_NKINDS; bit++)
		if (rr->fixes & (1u << bit))
			sg->res->fixed_rows[bit]++;
	if (rr->nerrors > 0)
		sg->res->invalid++;
	for (i = 0; i < rr->nprobs; i++) {
		p = &rr->probs[i];
		memset(&sp, 0, sizeof sp);
		sp.row = id;
		if (p->input != (size_t)-1 && p->input < rec->nfields) {
			sp.column = colmap_header(sg->cm, p->input);
			sp.value = rec->fields[p->input];
			sp.valuelen = rec->lens[p->input];
		}
		sp.rule = p->rule;
		sp.message = p->msg;
		sp.hint = p->hint;
		if (store_problem_add(sg->st, &sp, err) == -1)
			return -1;
	}
	if (rr->nerrors > rr->nprobs) {
		memset(&sp, 0, sizeof sp);
		sp.row = id;
		sp.rule = "more-problems";
		sp.message = "more problems in this row than are listed";
		if (store_problem_add(sg->st, &sp, err) == -1)
			return -1;
	}
	/* Rows with a valid customer ID take part in the duplicate search. */
	if (rr->norm[COL_CUSTOMER_ID] != NULL &&
	    rr->normlen[COL_CUSTOMER_ID] == 36) {
		for (i = 0; i < rr->nprobs; i++)
			if (rr->probs[i].col == COL_CUSTOMER_ID)
				break;
		if (i == rr->nprobs)
			dupindex_add(sg->dups, rr->norm[COL_CUSTOMER_ID], 36,
			    id);
	}
	return 0;
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct staging	*sg = arg;

	if (rec->index == 0)
		return start_run(sg, rec, err);
	return add_row(sg, rec, err);
}

/* A stored row's values, copied out of the store. */
struct staged {
	int64_t		 id;
	unsigned long	 line;
	int		 invalid;
	char		*v[COL_COUNT];
	int		 done;
};

static int
same_values(const struct staged *a, const struct staged *b)
{
	int	i;

	for (i = 0; i < COL_COUNT; i++) {
		if ((a->v[i] == NULL) != (b->v[i] == NULL))
			return 0;
		if (a->v[i] != NULL && strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	}
	return 1;
}

/* Settles one set of rows of the same customer: duplicates or conflict. */
static int
settle(struct staging *sg, struct staged *g, size_t n, struct imp_err *err)
{
	struct store_problem	 sp;
	const char		*hdr;
	char			 msg[192], lines[96];
	size_t			 i, k, o;
	int			 same = 1;

	for (i = 1; i < n; i++)
		if (!same_values(&g[0], &g[i]))
			same = 0;
	if (same) {
		for (i = 1; i < n; i++) {
			if (g[0].invalid)
				continue;	/* identical, so invalid too */
			if (store_row_set_state(sg->st, g[i].id, "duplicate",
			    g[0].id, err) == -1)
				return -1;
			sg->res->duplicate++;
		}
		return 0;
	}
	hdr = colmap_header(sg->cm, colmap_input(sg->cm, COL_CUSTOMER_ID));
	for (i = 0; i < n; i++) {
		for (k = 0, o = 0, lines[0] = '\0'; k < n && o < 80; k++) {
			if (k == i)
				continue;
			o += snprintf(lines + o, sizeof lines - o, "%s%lu",
			    o > 0 ? ", " : "", g[k].line);
		}
		snprintf(msg, sizeof msg, "the same customer is on line%s %s "
		    "with different values", n > 2 ? "s" : "", lines);
		memset(&sp, 0, sizeof sp);
		sp.row = g[i].id;
		sp.column = hdr;
		sp.rule = "conflicting-rows";
		sp.value = g[i].v[COL_CUSTOMER_ID];
		sp.valuelen = strlen(sp.value);
		sp.message = msg;
		sp.hint = "keep one row per customer, with all of its changes";
		if (store_problem_add(sg->st, &sp, err) == -1)
			return -1;
		if (!g[i].invalid) {
			if (store_row_set_state(sg->st, g[i].id, "invalid", 0,
			    err) == -1)
				return -1;
			sg->res->invalid++;
		}
	}
	return 0;
}

struct settle_ctx {
	struct staging	*sg;
	struct imp_err	*err;
};

static int
on_group(const int64_t *rows, size_t n, void *arg)
{
	struct settle_ctx	*ctx = arg;
	struct staged		*g, *same;
	struct store_row	 r;
	size_t			 i, k, m;
	int			 c, rc = 0;

	g = xcalloc(n, sizeof *g);
	same = xcalloc(n, sizeof *same);
	for (i = 0; i < n; i++) {
		if (store_row_get(ctx->sg->st, rows[i], &r) == -1) {
			rc = imp_errf(ctx->err, IMP_EXIT_SOFTWARE,
			    "row %lld vanished", (long long)rows[i]);
			goto out;
		}
		g[i].id = rows[i];
		g[i].line = r.line;
		g[i].invalid = strcmp(r.state, "invalid") == 0;
		for (c = 0; c < COL_COUNT; c++)
			if (r.norm[c] != NULL)
				g[i].v[c] = xstrdup(r.norm[c]);
	}
	/* Equal hashes of different IDs are split before settling. */
	for (i = 0; i < n && rc == 0; i++) {
		if (g[i].done)
			continue;
		for (k = i, m = 0; k < n; k++) {
			if (g[k].done || strcmp(g[k].v[COL_CUSTOMER_ID],
			    g[i].v[COL_CUSTOMER_ID]) != 0)
				continue;
			g[k].done = 1;
			same[m++] = g[k];
		}
		if (m > 1)
			rc = settle(ctx->sg, same, m, ctx->err);
	}
out:
	for (i = 0; i < n; i++)
		for (c = 0; c < COL_COUNT; c++)
			free(g[i].v[c]);
	free(g);
	free(same);
	return rc;
}

int
staging_run(struct store *st, const struct isodata *iso,
    const struct staging_opts *opts, struct staging_result *res,
    struct imp_err *err)
{
	struct staging		 sg;
	struct settle_ctx	 ctx;
	struct csvin_opts	 co;
	int			 rc = -1;

	memset(res, 0, sizeof *res);
	memset(&sg, 0, sizeof sg);
	sg.st = st;
	sg.iso = iso;
	sg.opts = opts;
	sg.res = res;

	co = opts->limits;
	co.encoding = opts->encoding;
	co.delimiter = opts->delimiter;
	sg.in = csvin_open(opts->file, &co, err);
	if (sg.in == NULL)
		return -1;
	snprintf(res->encoding, sizeof res->encoding, "%s",
	    csvin_encoding(sg.in));
	res->bom = csvin_bom(sg.in);
	res->detected = csvin_detected(sg.in);

	if (store_begin(st, err) == -1)
		goto out;
	sg.dups = dupindex_new();
	if (csvin_read(sg.in, on_record, &sg, err) == -1)
		goto out;
	res->delimiter = csvin_delimiter(sg.in);
	res->sniffed = csvin_delimiter_sniffed(sg.in);
	if (sg.cm == NULL) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: no header and no rows",
		    opts->file);
		goto out;
	}
	if (res->rows == 0) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: a header but no rows",
		    opts->file);
		goto out;
	}
	snprintf(res->sha256, sizeof res->sha256, "%s", csvin_sha256(sg.in));
	res->previous = store_run_by_sha(st, res->sha256, res->run);
	if (res->previous != 0 && !opts->force) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: this file was staged "
		    "before as run %lld (same SHA-256); use that run, or "
		    "--force to stage it again", opts->file,
		    (long long)res->previous);
		goto out;
	}

	ctx.sg = &sg;
	ctx.err = err;
	if (dupindex_groups(sg.dups, on_group, &ctx) == -1)
		goto out;
	res->valid = res->rows - res->invalid - res->duplicate;
	if (store_run_finish(st, res->run, res->sha256, res->rows, res->valid,
	    res->invalid, res->duplicate, res->blank, err) == -1)
		goto out;
	if (store_commit(st, err) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1) {
		store_rollback(st);
		res->run = 0;
	}
	rules_row_free(&sg.row);
	rules_free(sg.rules);
	colmap_free(sg.cm);
	dupindex_free(sg.dups);
	csvin_close(sg.in);
	free(sg.raw);
	free(sg.extra);
	free(sg.xcells);
	free(sg.xlens);
	return rc;
}

void
staging_result_free(struct staging_result *res)
{
	size_t	i;

	for (i = 0; i < res->nunknown; i++)
		free(res->unknown[i]);
	free(res->unknown);
	res->unknown = NULL;
	res->nunknown = 0;
}
