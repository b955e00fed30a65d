/*
 * snapshot.c: reads a current-accounts CSV through csvin and colmap, and
 * normalizes its values as staging does (norm.c), so that both sides of a
 * comparison went through the same steps.
 */
#include "config.h"

#include "snapshot.h"

#include <sys/stat.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csvin.h"
#include "guid.h"
#include "norm.h"
#include "xmalloc.h"

struct snapshot_ctx {
	const struct profile	 *pf;
	struct colmap		 *cm;
	int			(*fn)(const struct snapshot_account *, void *,
				    struct imp_err *);
	void			 *arg;
	struct snapshot_info	 *info;
	struct norm_buf		  buf[COL_COUNT];
	char			  id[40];
};

/* A customer id as staging stores it (guid.h), parsed into g. */
static const char *
norm_id(struct snapshot_ctx *ctx, const char *v, size_t n, uint64_t g[2])
{
	unsigned	how;

	if (guid_canonical(v, n, ctx->id, &how) == -1)
		return NULL;
	return guid_parse(ctx->id, g) == 0 ? ctx->id : NULL;
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct snapshot_ctx	*ctx = arg;
	struct snapshot_account	 a;
	const char		*v;
	size_t			 i, n;
	unsigned		 f;
	int			 col;

	if (rec->index == 0) {
		ctx->cm = colmap_new(rec->fields, rec->nfields,
		    ctx->pf->columns, ctx->pf->ncolumns, 0, err);
		return ctx->cm == NULL ? -1 : 0;
	}
	memset(&a, 0, sizeof a);
	a.line = rec->line;
	for (i = 0; i < rec->nfields && i < colmap_ninput(ctx->cm); i++) {
		col = colmap_column(ctx->cm, i);
		if (col < 0)
			continue;
		f = 0;
		v = norm_text(rec->fields[i], rec->lens[i], &ctx->buf[col], &n,
		    &f);
		if (n == 0)
			continue;
		if (v != ctx->buf[col].s) {
			/* Borrowed from the record; keep it NUL-ended. */
			if (ctx->buf[col].cap < n + 1) {
				ctx->buf[col].cap = n + 64;
				ctx->buf[col].s = xreallocarray(
				    ctx->buf[col].s, ctx->buf[col].cap, 1);
			}
			memcpy(ctx->buf[col].s, v, n);
			ctx->buf[col].s[n] = '\0';
		}
		a.value[col] = ctx->buf[col].s;
		/* A control character may be a NUL: the value ends there. */
		a.len[col] = (f & NORM_CONTROL) ? strlen(a.value[col]) : n;
	}
	if (a.value[COL_CUSTOMER_ID] == NULL || (a.value[COL_CUSTOMER_ID] =
	    norm_id(ctx, a.value[COL_CUSTOMER_ID], a.len[COL_CUSTOMER_ID],
	    a.guid)) == NULL) {
		ctx->info->bad_ids++;
		return 0;
	}
	a.len[COL_CUSTOMER_ID] = strlen(a.value[COL_CUSTOMER_ID]);
	ctx->info->accounts++;
	return ctx->fn(&a, ctx->arg, err) == -1 ? -1 : 0;
}

int
snapshot_read(const char *path, const struct profile *pf,
    int (*fn)(const struct snapshot_account *, void *, struct imp_err *),
	    void *arg,
    struct snapshot_info *info, struct imp_err *err)
{
	struct snapshot_ctx	 ctx;
	struct csvin_opts	 opts;
	struct csvin		*in;
	struct stat		 sb;
	struct tm		 tm;
	int			 i, rc = -1;

	memset(info, 0, sizeof *info);
	memset(&ctx, 0, sizeof ctx);
	memset(&opts, 0, sizeof opts);
	ctx.pf = pf;
	ctx.fn = fn;
	ctx.arg = arg;
	ctx.info = info;
	in = csvin_open(path, &opts, err);
	if (in == NULL)
		return -1;
	snprintf(info->encoding, sizeof info->encoding, "%s",
	    csvin_encoding(in));
	if (stat(path, &sb) == 0 && gmtime_r(&sb.st_mtime, &tm) != NULL)
		strftime(info->mtime, sizeof info->mtime,
		    "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (csvin_read(in, on_record, &ctx, err) == -1)
		goto out;
	if (ctx.cm == NULL) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: no header", path);
		goto out;
	}
	rc = 0;
out:
	csvin_close(in);
	colmap_free(ctx.cm);
	for (i = 0; i < COL_COUNT; i++)
		norm_buf_free(&ctx.buf[i]);
	return rc;
}
