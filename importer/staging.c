/*
 * staging.c: the stage step. csvin (or xlsxin, for a workbook) streams
 * records in; the first is the header (colmap), every other one is
 * validated (rules) and stored at once (store), so memory stays bounded by
 * one record plus 16 bytes a row for the duplicate search (dupindex), which
 * runs after the last record.
 */
#include "config.h"

#include "staging.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cellpack.h"
#include "colmap.h"
#include "dupindex.h"
#include "norm.h"
#include "pipe.h"
#include "rules.h"
#include "xmalloc.h"

/*
 * The reading thread (CSV, rules) and the writing thread (SQLite) meet in
 * a pipe of BATCH_COUNT batches, so memory stays bounded and the two run
 * side by side on two cores.
 */
#define BATCH_ROWS	512
#define BATCH_COUNT	4
#define BATCH_NONE	((size_t)-1)

struct brow {
	unsigned long	 line;
	int		 invalid, dupkey, more;
	size_t		 off[COL_COUNT];	/* BATCH_NONE: NULL */
	size_t		 len[COL_COUNT];
	unsigned	 fixes;
	uint32_t	 fixed;
	size_t		 raw, rawlen, extra, extralen;
	size_t		 p0, np;		/* its problems */
};

struct bprob {
	size_t		 input;			/* BATCH_NONE: none */
	const char	*rule;			/* a static string */
	size_t		 value, valuelen, msg, hint;
};

struct batch {
	char		*arena;
	size_t		 alen, acap;
	struct brow	 rows[BATCH_ROWS];
	size_t		 nrows;
	struct bprob	*probs;
	size_t		 nprobs, pcap;
};

/* A cell that lost its digits in the customer's last run (rounded-number). */
struct flagged {
	char		 customer[37];
	int		 col;
	char		*value;
};

struct staging {
	struct store			*st;
	const struct isodata		*iso;
	const struct staging_opts	*opts;
	struct staging_result		*res;
	struct csvin			*in;
	struct xlsxin			*xin;		/* or a workbook */
	struct colmap			*cm;
	struct rules			*rules;
	struct dupindex			*dups;
	struct rules_row		 row;
	unsigned char			*raw, *extra;
	size_t				 rawcap, extracap;
	const char			**xcells;
	size_t				*xlens;
	const char			**rcells;	/* a record's, less */
	size_t				*rlens;		/* the formula guard */
	size_t				 rcap;
	size_t				 nextra;
	size_t				 nignored;	/* profile 'ignore's */
	struct flagged			*flagged;	/* by customer */
	size_t				 nflagged;
	struct pipe			 pipe;
	struct batch			 batches[BATCH_COUNT];
	struct batch			*filling;
	pthread_t			 writer;
	int				 writing;	/* writer started */
};

static void	*writer_main(void *);

/* Keeps one flagged cell whose column this file has. */
static int
on_flagged(const struct store_flagged *f, void *arg)
{
	struct staging		*sg = arg;
	const struct profile	*pf = sg->opts->profile;
	struct flagged		*fl;
	struct colmap		*cm;
	struct imp_err		 err;
	const char		*names[2];
	size_t			 i, n = colmap_ninput(sg->cm);
	int			 col = -1;

	if (strlen(f->customer_id) != 36)
		return 0;
	for (i = 0; i < n && col < 0; i++)
		if (strcmp(colmap_header(sg->cm, i), f->column) == 0)
			col = colmap_column(sg->cm, i);
	if (col < 0) {
		/* Another header for it: what this profile maps it to. */
		names[0] = colmap_name(COL_CUSTOMER_ID);
		names[1] = f->column;
		memset(&err, 0, sizeof err);
		cm = colmap_new(names, 2, pf->columns, pf->ncolumns, 0, &err);
		if (cm != NULL)
			col = colmap_column(cm, 1);
		colmap_free(cm);
	}
	if (col < 0 || colmap_input(sg->cm, col) == (size_t)-1)
		return 0;
	sg->flagged = xreallocarray(sg->flagged, sg->nflagged + 1,
	    sizeof *sg->flagged);
	fl = &sg->flagged[sg->nflagged++];
	memcpy(fl->customer, f->customer_id, 37);
	fl->col = col;
	fl->value = xstrdup(f->value);
	return 0;
}

static int
flagged_cmp(const void *a, const void *b)
{
	return strcmp(((const struct flagged *)a)->customer,
	    ((const struct flagged *)b)->customer);
}

/*
 * Holds the row's values that are what its customer's cell flagged last
 * run for lost digits becomes in a spreadsheet (the rule is rules').
 */
static void
check_flagged(struct staging *sg, struct rules_row *rr)
{
	const char	*id = rr->norm[COL_CUSTOMER_ID];
	size_t		 lo = 0, hi = sg->nflagged, mid;

	if (id == NULL || rr->normlen[COL_CUSTOMER_ID] != 36)
		return;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(sg->flagged[mid].customer, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < sg->nflagged && strcmp(sg->flagged[lo].customer, id) == 0;
	    lo++)
		rules_check_rounded(sg->rules, rr, sg->flagged[lo].col,
		    sg->flagged[lo].value, strlen(sg->flagged[lo].value));
}

/* Nonzero if rules already held input cell i as an error value. */
static int
held_as_error(const struct rules_row *rr, size_t i)
{
	size_t	k;

	for (k = 0; k < rr->nprobs; k++)
		if (rr->probs[k].input == i &&
		    strcmp(rr->probs[k].rule, "excel-error") == 0)
			return 1;
	return 0;
}

/*
 * What a workbook's cells say that their text cannot: a formula saved
 * without its result, a number whose format cannot be shown exactly, an
 * error value whatever its text (rules know Excel's errors by name; an
 * error cell is one by its type). Only cells that reach the billing
 * profile count.
 */
static void
check_cells(struct staging *sg, const struct csvin_record *rec,
    struct rules_row *rr)
{
	size_t	i;
	int	col;

	for (i = 0; i < rec->nfields; i++) {
		if (!(rec->flags[i] & (XLSXIN_NOVALUE | XLSXIN_UNSURE |
		    XLSXIN_ERROR)) || (col = colmap_column(sg->cm, i)) < 0)
			continue;
		if (rec->flags[i] & XLSXIN_ERROR) {
			if (!held_as_error(rr, i))
				rules_add(rr, i, col, "excel-error", "fix the "
				    "formula in the workbook, or paste the "
				    "column as values, and stage it again",
				    "'%.*s' is a spreadsheet's error value, "
				    "not data", (int)norm_cut(rec->fields[i],
				    rec->lens[i], 40), rec->fields[i]);
		} else if (rec->flags[i] & XLSXIN_NOVALUE)
			rules_add(rr, i, col, "formula-no-result", "open the "
			    "workbook in Excel or LibreOffice, let it "
			    "calculate, save it and stage it again",
			    "the cell holds a formula, and the workbook was "
			    "saved without its result");
		else
			rules_add(rr, i, col, "number-format", "format the "
			    "column as Text and type the value as it should "
			    "read, or give it a plain number format",
			    "a number shown with a format importer cannot "
			    "reproduce exactly; without it, it reads '%s'",
			    rec->fields[i]);
	}
}

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
	rules_set_encoding(sg->rules, sg->in != NULL ?
	    csvin_encoding(sg->in) : "UTF-8");

	map = json_array();
	for (i = 0; i < rec->nfields; i++) {
		col = colmap_column(sg->cm, i);
		json_array_append_new(map, json_string(col >= 0 ?
		    colmap_name(col) : col == COLMAP_IGNORE ? "ignore" :
		    "extra"));
		if (col == COLMAP_IGNORE)
			sg->nignored++;
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

	len = cellpack_pack(rec->fields, rec->lens, rec->nfields, &sg->raw,
	    &sg->rawcap);
	memset(&ri, 0, sizeof ri);
	ri.file = sg->opts->file;
	if (sg->in != NULL) {
		ri.size = csvin_size(sg->in);
		ri.encoding = csvin_encoding(sg->in);
		ri.bom = csvin_bom(sg->in);
		ri.detected = csvin_detected(sg->in);
		ri.delimiter = csvin_delimiter(sg->in);
	} else {
		ri.size = xlsxin_size(sg->xin);
		ri.encoding = "UTF-8";
		ri.delimiter = ',';
		ri.sheet = xlsxin_sheet(sg->xin);
	}
	ri.header = sg->raw;
	ri.headerlen = len;
	ri.mapping = mapping;
	ri.clear_token = pf->clear_token;
	ri.profile = pf->path;
	ri.version = PACKAGE_VERSION;
	rc = store_run_create(sg->st, &ri, &sg->res->run, err);
	free(mapping);
	/* What the last run held for lost digits, before the writer starts. */
	if (rc == 0)
		rc = store_flagged_each(sg->st, sg->res->run, on_flagged, sg,
		    err);
	if (rc == 0 && sg->nflagged > 1)
		qsort(sg->flagged, sg->nflagged, sizeof *sg->flagged,
		    flagged_cmp);
	return rc;
}

/* Copies n bytes into the batch's arena; returns their offset. */
static size_t
arena_put(struct batch *b, const char *s, size_t n)
{
	size_t	off = b->alen;

	if (b->alen + n + 1 > b->acap) {
		b->acap = (b->alen + n + 1) * 2;
		b->arena = xreallocarray(b->arena, b->acap, 1);
	}
	if (n > 0)
		memcpy(b->arena + off, s, n);
	b->arena[off + n] = '\0';
	b->alen += n + 1;
	return off;
}

/*
 * Validates one record and queues what is to be stored. Runs on the
 * reading thread; the writer stores it (write_batch).
 */
static int
add_row(struct staging *sg, const struct csvin_record *rec,
    struct imp_err *err)
{
	struct rules_row		*rr = &sg->row;
	const struct rules_problem	*p;
	struct batch			*b;
	struct brow			*br;
	struct bprob			*bp;
	size_t				 i, k, len, skip;
	unsigned			 bit;
	int				 c;

	rr->ncells = rec->nfields;
	rr->cells = rec->fields;
	rr->lens = rec->lens;
	rules_check(sg->rules, rr);
	if (rr->blank) {
		sg->res->blank++;
		return 0;
	}
	if (rr->summary) {
		/* A Total row sums the rows above it: not a customer. */
		if (sg->res->summary++ == 0) {
			sg->res->summary_line = rec->row;
			snprintf(sg->res->summary_label,
			    sizeof sg->res->summary_label, "%s",
			    rr->summary_label);
		}
		return 0;
	}
	if (rec->flags != NULL)
		check_cells(sg, rec, rr);
	if (sg->nflagged > 0)
		check_flagged(sg, rr);
	sg->res->rows++;
	for (bit = 0; bit < NORM_NKINDS; bit++)
		if (rr->fixes & (1u << bit))
			sg->res->fixed_rows[bit]++;
	if (rr->nerrors > 0)
		sg->res->invalid++;

	if ((b = sg->filling) == NULL) {
		if ((b = sg->filling = pipe_get_free(&sg->pipe)) == NULL)
			return imp_errf(err, sg->pipe.err.code, "%s",
			    sg->pipe.err.msg);
		b->alen = b->nrows = b->nprobs = 0;
	}
	br = &b->rows[b->nrows++];
	br->line = rec->row;
	br->invalid = rr->nerrors > 0;
	br->fixes = rr->fixes;
	br->fixed = rr->fixed;
	for (c = 0; c < COL_COUNT; c++) {
		br->len[c] = rr->normlen[c];
		br->off[c] = rr->norm[c] == NULL ? BATCH_NONE :
		    arena_put(b, rr->norm[c], rr->normlen[c]);
	}
	br->raw = br->extra = BATCH_NONE;
	/* The raw cells, where the values cannot give them back: fixed or
	 * invalid rows, and every row when the profile ignores a column
	 * (the fix-up CSV must give that column back too). */
	if (rr->fixed != 0 || rr->nerrors > 0 || sg->nignored > 0 ||
	    rec->nfields != colmap_ninput(sg->cm)) {
		/* As written, less the fix-up CSV's formula guard (it is
		 * added again on the way out, once). */
		if (rec->nfields > sg->rcap) {
			sg->rcap = rec->nfields + 16;
			sg->rcells = xreallocarray(sg->rcells, sg->rcap,
			    sizeof *sg->rcells);
			sg->rlens = xreallocarray(sg->rlens, sg->rcap,
			    sizeof *sg->rlens);
		}
		for (i = 0; i < rec->nfields; i++) {
			skip = norm_guard(rec->fields[i], rec->lens[i]);
			sg->rcells[i] = rec->fields[i] + skip;
			sg->rlens[i] = rec->lens[i] - skip;
		}
		len = cellpack_pack(sg->rcells, sg->rlens, rec->nfields,
		    &sg->raw, &sg->rawcap);
		br->raw = arena_put(b, (char *)sg->raw, len);
		br->rawlen = len;
	}
	if (sg->nextra > 0 && rec->nfields == colmap_ninput(sg->cm)) {
		for (i = 0, k = 0; i < rec->nfields; i++)
			if (colmap_column(sg->cm, i) == COLMAP_EXTRA) {
				/* Carried as written, less the fix-up CSV's
				 * formula guard (it is added again on the way
				 * out). */
				skip = norm_guard(rec->fields[i], rec->lens[i]);
				sg->xcells[k] = rec->fields[i] + skip;
				sg->xlens[k++] = rec->lens[i] - skip;
			}
		len = cellpack_pack(sg->xcells, sg->xlens, k, &sg->extra,
		    &sg->extracap);
		br->extra = arena_put(b, (char *)sg->extra, len);
		br->extralen = len;
	}

	br->p0 = b->nprobs;
	br->np = rr->nprobs;
	br->more = rr->nerrors + rr->nwarnings > rr->nprobs;
	if (b->nprobs + rr->nprobs > b->pcap) {
		b->pcap = (b->nprobs + rr->nprobs) * 2;
		b->probs = xreallocarray(b->probs, b->pcap, sizeof *b->probs);
	}
	for (i = 0; i < rr->nprobs; i++) {
		p = &rr->probs[i];
		bp = &b->probs[b->nprobs++];
		bp->input = BATCH_NONE;
		bp->value = BATCH_NONE;
		if (p->input != (size_t)-1 && p->input < rec->nfields) {
			bp->input = p->input;
			bp->value = arena_put(b, rec->fields[p->input],
			    rec->lens[p->input]);
			bp->valuelen = rec->lens[p->input];
		}
		bp->rule = p->rule;
		bp->msg = arena_put(b, p->msg, strlen(p->msg));
		bp->hint = arena_put(b, p->hint, strlen(p->hint));
	}

	/* Rows with a valid customer ID take part in the duplicate search. */
	br->dupkey = 0;
	if (rr->norm[COL_CUSTOMER_ID] != NULL &&
	    rr->normlen[COL_CUSTOMER_ID] == 36) {
		for (i = 0; i < rr->nprobs; i++)
			if (rr->probs[i].col == COL_CUSTOMER_ID)
				break;
		br->dupkey = i == rr->nprobs;
	}
	if (b->nrows == BATCH_ROWS) {
		pipe_put_full(&sg->pipe, b);
		sg->filling = NULL;
	}
	return 0;
}

/* Stores one batch. Runs on the writing thread. */
static int
write_batch(struct staging *sg, struct batch *b, struct imp_err *err)
{
	struct store_row	 sr;
	struct store_problem	 sp;
	const struct brow	*br;
	const struct bprob	*bp;
	size_t			 i, k;
	int64_t			 id;
	int			 c;

	for (i = 0; i < b->nrows; i++) {
		br = &b->rows[i];
		memset(&sr, 0, sizeof sr);
		sr.line = br->line;
		sr.state = br->invalid ? OUTCOME_INVALID : OUTCOME_PENDING;
		for (c = 0; c < COL_COUNT; c++) {
			if (br->off[c] == BATCH_NONE)
				continue;
			sr.norm[c] = b->arena + br->off[c];
			sr.normlen[c] = br->len[c];
		}
		sr.fixes = br->fixes;
		sr.fixed = br->fixed;
		if (br->raw != BATCH_NONE) {
			sr.raw = b->arena + br->raw;
			sr.rawlen = br->rawlen;
		}
		if (br->extra != BATCH_NONE) {
			sr.extra = b->arena + br->extra;
			sr.extralen = br->extralen;
		}
		if (store_row_add(sg->st, sg->res->run, &sr, &id, err) == -1)
			return -1;
		for (k = br->p0; k < br->p0 + br->np; k++) {
			bp = &b->probs[k];
			memset(&sp, 0, sizeof sp);
			sp.row = id;
			if (bp->input != BATCH_NONE) {
				sp.column = colmap_header(sg->cm, bp->input);
				sp.value = b->arena + bp->value;
				sp.valuelen = bp->valuelen;
			}
			sp.rule = bp->rule;
			sp.message = b->arena + bp->msg;
			sp.hint = b->arena + bp->hint;
			if (store_problem_add(sg->st, &sp, err) == -1)
				return -1;
		}
		if (br->more) {
			memset(&sp, 0, sizeof sp);
			sp.row = id;
			sp.rule = "more-problems";
			sp.message = "more problems in this row than are listed";
			if (store_problem_add(sg->st, &sp, err) == -1)
				return -1;
		}
		if (br->dupkey)
			dupindex_add(sg->dups, sr.norm[COL_CUSTOMER_ID], 36,
			    id);
	}
	return 0;
}

/* The writing thread: stores full batches until the reader is done. */
static void *
writer_main(void *arg)
{
	struct staging	*sg = arg;
	struct batch	*b;
	struct imp_err	 err;

	memset(&err, 0, sizeof err);
	while ((b = pipe_get_full(&sg->pipe)) != NULL) {
		if (write_batch(sg, b, &err) == -1) {
			pipe_fail(&sg->pipe, &err);
			pipe_put_free(&sg->pipe, b);
			break;
		}
		pipe_put_free(&sg->pipe, b);
	}
	return NULL;
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct staging	*sg = arg;

	if (rec->index == 0) {
		if (start_run(sg, rec, err) == -1)
			return -1;
		/* From here until it is joined, only the writer uses st. */
		if (pthread_create(&sg->writer, NULL, writer_main, sg) != 0)
			return imp_errf(err, IMP_EXIT_SOFTWARE,
			    "cannot start the writer thread");
		sg->writing = 1;
		return 0;
	}
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
			if (store_row_set_state(sg->st, g[i].id,
			    OUTCOME_DUPLICATE, g[0].id, err) == -1)
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
		snprintf(msg, sizeof msg, "the same customer is on row%s %s "
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
			if (store_row_set_state(sg->st, g[i].id,
			    OUTCOME_INVALID, 0, err) == -1)
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
		g[i].invalid = r.state == OUTCOME_INVALID;
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

/* Hands over the last batch and waits for the writer; -1 if it failed. */
static int
finish_writer(struct staging *sg, struct imp_err *err)
{
	if (!sg->writing)
		return 0;
	if (sg->filling != NULL && sg->filling->nrows > 0) {
		pipe_put_full(&sg->pipe, sg->filling);
		sg->filling = NULL;
	}
	pipe_close(&sg->pipe);
	pthread_join(sg->writer, NULL);
	sg->writing = 0;
	if (sg->pipe.failed) {
		if (err != NULL)
			*err = sg->pipe.err;
		return -1;
	}
	return 0;
}

/* Nonzero if path's name ends in ext, in any case. */
static int
named(const char *path, const char *ext)
{
	size_t	n = strlen(path), k = strlen(ext);

	return n > k && strcasecmp(path + n - k, ext) == 0;
}

/*
 * Which reader the file's first bytes call for: a zip is a workbook (1),
 * anything else CSV (0); an OLE2 file (a legacy .xls, an encrypted
 * workbook) is refused (-1, err filled). An unreadable file is left to
 * the reader to say so.
 */
static int
sniff(const char *path, struct imp_err *err)
{
	unsigned char	*head;
	size_t		 n;
	FILE		*f;
	int		 rc;

	if ((f = fopen(path, "rb")) == NULL)
		return 0;
	head = xmalloc(65536);
	n = fread(head, 1, 65536, f);
	fclose(f);
	if (xlsxin_refuse_ole(path, head, n, err) == -1)
		rc = -1;
	else if (xlsxin_is_zip(head, n))
		rc = 1;
	else if (named(path, ".xlsx") || named(path, ".xlsm"))
		rc = imp_errf(err, IMP_EXIT_DATAERR, "%s: named as a workbook "
		    "but not one (an .xlsx is a zip file): a damaged file, or "
		    "another file renamed; save it from the spreadsheet again",
		    path);
	else
		rc = 0;
	free(head);
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
	struct xlsxin_opts	 xo;
	void			*bp[BATCH_COUNT];
	char			 prefer[64];
	int64_t			 prefer_run;
	size_t			 k;
	int			 i, zip, rc = -1;

	memset(res, 0, sizeof *res);
	memset(&sg, 0, sizeof sg);
	sg.st = st;
	sg.iso = iso;
	sg.opts = opts;
	sg.res = res;
	for (i = 0; i < BATCH_COUNT; i++)
		bp[i] = &sg.batches[i];
	pipe_init(&sg.pipe, bp, BATCH_COUNT);

	if ((zip = sniff(opts->file, err)) == -1)
		return -1;
	if (zip) {
		if (opts->encoding != NULL || opts->delimiter != 0)
			return imp_errf(err, IMP_EXIT_USAGE, "%s: a workbook, "
			    "whose cells carry their own text: --encoding and "
			    "--delimiter are for CSV files", opts->file);
		xo = opts->xlimits;
		xo.sheet = opts->sheet;
		if ((sg.xin = xlsxin_open(opts->file, &xo, err)) == NULL)
			return -1;
		snprintf(res->encoding, sizeof res->encoding, "UTF-8");
		snprintf(res->sheet, sizeof res->sheet, "%s",
		    xlsxin_sheet(sg.xin));
	} else {
		if (opts->sheet != NULL)
			return imp_errf(err, IMP_EXIT_USAGE, "%s: --sheet is "
			    "for a workbook (.xlsx), and this file reads as "
			    "CSV", opts->file);
		co = opts->limits;
		co.encoding = opts->encoding;
		co.delimiter = opts->delimiter;
		/* A file whose charset cannot be told for sure (a fix-up
		 * CSV written in Shift_JIS or Windows-1252, as its input
		 * was) is read in the encoding this database's files came
		 * in, if it converts cleanly. */
		prefer_run = store_run_legacy(st, prefer, sizeof prefer);
		co.prefer = prefer_run != 0 ? prefer : NULL;
		sg.in = csvin_open(opts->file, &co, err);
		if (sg.in == NULL)
			return -1;
		snprintf(res->encoding, sizeof res->encoding, "%s",
		    csvin_encoding(sg.in));
		res->bom = csvin_bom(sg.in);
		res->detected = csvin_detected(sg.in);
		res->encoding_run = csvin_preferred(sg.in) ? prefer_run : 0;
	}

	if (store_begin_bulk(st, err) == -1)
		goto out;
	sg.dups = dupindex_new();
	if ((sg.in != NULL ? csvin_read(sg.in, on_record, &sg, err) :
	    xlsxin_read(sg.xin, on_record, &sg, err)) == -1)
		goto out;
	if (finish_writer(&sg, err) == -1)
		goto out;
	if (sg.in != NULL) {
		res->delimiter = csvin_delimiter(sg.in);
		res->sniffed = csvin_delimiter_sniffed(sg.in);
	} else {
		res->delimiter = ',';
		res->nwarnings = xlsxin_nwarnings(sg.xin);
		res->warnings = xcalloc(res->nwarnings + 1,
		    sizeof *res->warnings);
		for (k = 0; k < res->nwarnings; k++)
			res->warnings[k] = xstrdup(xlsxin_warning(sg.xin, k));
	}
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
	snprintf(res->sha256, sizeof res->sha256, "%s", sg.in != NULL ?
	    csvin_sha256(sg.in) : xlsxin_sha256(sg.xin));
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
	finish_writer(&sg, NULL);
	if (rc == -1) {
		store_rollback(st);
		res->run = 0;
	}
	rules_row_free(&sg.row);
	rules_free(sg.rules);
	colmap_free(sg.cm);
	dupindex_free(sg.dups);
	csvin_close(sg.in);
	xlsxin_close(sg.xin);
	free(sg.raw);
	free(sg.extra);
	free(sg.xcells);
	free(sg.xlens);
	free(sg.rcells);
	free(sg.rlens);
	for (k = 0; k < sg.nflagged; k++)
		free(sg.flagged[k].value);
	free(sg.flagged);
	for (i = 0; i < BATCH_COUNT; i++) {
		free(sg.batches[i].arena);
		free(sg.batches[i].probs);
	}
	pipe_destroy(&sg.pipe);
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
	for (i = 0; i < res->nwarnings; i++)
		free(res->warnings[i]);
	free(res->warnings);
	res->warnings = NULL;
	res->nwarnings = 0;
}
