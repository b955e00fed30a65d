/*
 * checking.c: the check step. The run's pending rows are indexed by
 * customer id (24 bytes a row, sorted), the snapshot is streamed past the
 * index, and each account found is planned against its row at once.
 * Rows no account matched are not_found.
 */
#include "config.h"

#include "checking.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "billing.h"
#include "plan.h"
#include "xmalloc.h"

struct want {
	uint64_t	guid[2];
	int64_t		row;		/* negative once matched */
};

struct checking {
	struct store			*st;
	const struct store_runinfo	*ri;
	struct checking_result		*res;
	struct want			*w;
	size_t				 n, cap;
};

static int
cmp_want(const void *a, const void *b)
{
	const struct want	*x = a, *y = b;

	if (x->guid[0] != y->guid[0])
		return x->guid[0] < y->guid[0] ? -1 : 1;
	if (x->guid[1] != y->guid[1])
		return x->guid[1] < y->guid[1] ? -1 : 1;
	return 0;
}

static int
add_want(int64_t id, const struct store_row *r, void *arg)
{
	struct checking	*ck = arg;

	if (ck->n == ck->cap) {
		ck->cap = ck->cap ? ck->cap * 2 : 4096;
		ck->w = xreallocarray(ck->w, ck->cap, sizeof *ck->w);
	}
	if (r->norm[COL_CUSTOMER_ID] == NULL ||
	    snapshot_guid(r->norm[COL_CUSTOMER_ID], ck->w[ck->n].guid) == -1)
		return 0;	/* staging lets no such row through */
	ck->w[ck->n++].row = id;
	return 0;
}

int
checking_plan_row(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur, struct imp_err *err)
{
	uint32_t	changed = 0, normalized = 0;
	int		col, review;

	for (col = 1; col < COL_COUNT; col++) {
		switch (plan_compare(col, want[col], cur[col])) {
		case PLAN_CHANGE:
			if (store_plan_change(st, row, col, cur[col],
			    want[col], err) == -1)
				return -1;
			changed |= 1u << col;
			break;
		case PLAN_SAME_NORMALIZED:
			normalized |= 1u << col;
			break;
		case PLAN_SAME:
			break;
		}
	}
	review = plan_needs_review(changed);
	return store_plan_outcome(st, run, row, changed ? "pending" :
	    "unchanged", review, normalized, review ? "needs review: "
	    "changes both the billing email and the address" : NULL, err);
}

static int
on_account(const struct snapshot_account *a, void *arg, struct imp_err *err)
{
	struct checking		*ck = arg;
	struct store_account	 sa;
	struct store_row	 r;
	struct want		 key, *w;
	char			*want[COL_COUNT];
	int			 col, rc;

	if (snapshot_guid(a->value[COL_CUSTOMER_ID], key.guid) == -1)
		return 0;
	w = bsearch(&key, ck->w, ck->n, sizeof *ck->w, cmp_want);
	if (w == NULL)
		return 0;	/* an account the run does not touch */
	if (w->row < 0) {
		ck->res->duplicate_accounts++;
		return 0;	/* the first line of the snapshot wins */
	}
	if (store_row_get(ck->st, w->row, &r) == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "row %lld vanished",
		    (long long)w->row);
	/* The row's values are the store's until its next call: copy. */
	for (col = 0; col < COL_COUNT; col++)
		want[col] = r.norm[col] != NULL ? xstrdup(r.norm[col]) : NULL;

	memset(&sa, 0, sizeof sa);
	sa.customer_id = a->value[COL_CUSTOMER_ID];
	for (col = 1; col < COL_COUNT; col++)
		sa.value[col] = a->value[col];
	rc = store_plan_account(ck->st, ck->ri->id, w->row, &sa, err);
	if (rc == 0)
		rc = checking_plan_row(ck->st, ck->ri->id, w->row,
		    (const char *const *)want, a->value, err);
	for (col = 0; col < COL_COUNT; col++)
		free(want[col]);
	ck->res->checked++;
	w->row = -w->row;
	return rc;
}

int
checking_snapshot(struct store *st, const struct store_runinfo *ri,
    const char *path, const struct profile *pf, struct checking_result *res,
    struct imp_err *err)
{
	struct checking	ck;
	size_t		i;
	int		rc = -1;

	memset(res, 0, sizeof *res);
	memset(&ck, 0, sizeof ck);
	ck.st = st;
	ck.ri = ri;
	ck.res = res;
	if (store_sent_count(st, ri) > 0)
		return imp_errf(err, IMP_EXIT_USAGE, "run %lld has rows sent "
		    "already: its plan is fixed ('importer submit' resumes "
		    "it; stage the file again for a new plan)",
		    (long long)ri->id);

	if (store_rows_each(st, ri, "pending", add_want, &ck, err) == -1)
		goto out;
	qsort(ck.w, ck.n, sizeof *ck.w, cmp_want);

	if (store_plan_begin(st, ri, err) == -1)
		goto out;
	if (snapshot_read(path, pf, on_account, &ck, &res->snapshot,
	    err) == -1)
		goto fail;
	for (i = 0; i < ck.n; i++) {
		if (ck.w[i].row < 0)
			continue;
		if (store_plan_outcome(st, ri->id, ck.w[i].row, "not_found",
		    0, 0, "no such customer in the snapshot", err) == -1)
			goto fail;
	}
	if (store_plan_finish(st, ri, path, res->snapshot.mtime,
	    res->plan_hash, err) == -1)
		goto out;
	rc = 0;
	goto out;
fail:
	store_rollback(st);
out:
	free(ck.w);
	return rc;
}

/* One account read by the online check. */
struct fetch {
	struct client_req	 req;
	int64_t			 row;
	struct checking		*ck;
};

struct online {
	struct checking		 ck;
	struct client		*cl;
	size_t			 next;
	int			 stop_code;	/* 69, 77 */
	int			 failed;
	struct imp_err		 err;
	char			 why[256];
};

static void
guid_string(const uint64_t g[2], char out[37])
{
	snprintf(out, 37, "%08llx-%04llx-%04llx-%04llx-%012llx",
	    (unsigned long long)(g[0] >> 32),
	    (unsigned long long)(g[0] >> 16 & 0xffff),
	    (unsigned long long)(g[0] & 0xffff),
	    (unsigned long long)(g[1] >> 48),
	    (unsigned long long)(g[1] & 0xffffffffffffULL));
}

/* Plans a row against the account the service returned. */
static int
plan_fetched(struct online *on, struct fetch *f)
{
	struct billing_profile	 bp;
	struct store_account	 sa;
	struct store_row	 r;
	json_t			*o;
	char			*want[COL_COUNT];
	int			 col, rc;

	billing_init(&bp);
	o = billing_json_load(f->req.resp, f->req.resplen, &on->err);
	if (o == NULL || billing_from_json(o, &bp, &on->err) == -1) {
		json_decref(o);
		billing_clear(&bp);
		return store_plan_outcome(on->ck.st, on->ck.ri->id, f->row,
		    "failed", 0, 0, "the service's reply is not a billing "
		    "profile", &on->err);
	}
	json_decref(o);
	if (store_row_get(on->ck.st, f->row, &r) == -1) {
		billing_clear(&bp);
		return imp_errf(&on->err, IMP_EXIT_SOFTWARE, "row %lld "
		    "vanished", (long long)f->row);
	}
	for (col = 0; col < COL_COUNT; col++)
		want[col] = r.norm[col] != NULL ? xstrdup(r.norm[col]) : NULL;
	memset(&sa, 0, sizeof sa);
	sa.customer_id = want[COL_CUSTOMER_ID];
	sa.etag = bp.etag != NULL ? bp.etag : f->req.etag;
	sa.profile_id = bp.id;
	sa.body = f->req.resp;
	for (col = 1; col < COL_COUNT; col++)
		sa.value[col] = bp.field[col];
	rc = store_plan_account(on->ck.st, on->ck.ri->id, f->row, &sa,
	    &on->err);
	if (rc == 0)
		rc = checking_plan_row(on->ck.st, on->ck.ri->id, f->row,
		    (const char *const *)want, (const char *const *)bp.field,
		    &on->err);
	for (col = 0; col < COL_COUNT; col++)
		free(want[col]);
	billing_clear(&bp);
	return rc;
}

static void
fetched(struct client_req *q, void *arg)
{
	struct fetch	*f = arg;
	struct online	*on = (struct online *)f->ck;
	char		 msg[320];
	int		 rc = 0;

	switch (q->fate) {
	case CLIENT_STOPPED:
		break;
	case CLIENT_AUTH:
		on->stop_code = IMP_EXIT_NOPERM;
		snprintf(on->why, sizeof on->why, "the service refused the "
		    "token (HTTP 401), also after getting a new one");
		client_stop(on->cl);
		break;
	case CLIENT_UNREACHABLE:
	case CLIENT_UNKNOWN:
		on->stop_code = IMP_EXIT_UNAVAILABLE;
		snprintf(on->why, sizeof on->why, "the service is unreachable: "
		    "%.200s", q->error);
		client_stop(on->cl);
		break;
	case CLIENT_DONE:
		on->ck.res->checked++;
		if (q->status == 200)
			rc = plan_fetched(on, f);
		else if (q->status == 404)
			rc = store_plan_outcome(on->ck.st, on->ck.ri->id,
			    f->row, "not_found", 0, 0, "no such customer "
			    "(HTTP 404)", &on->err);
		else {
			snprintf(msg, sizeof msg, "reading the account failed: "
			    "HTTP %ld", q->status);
			rc = store_plan_outcome(on->ck.st, on->ck.ri->id,
			    f->row, "failed", 0, 0, msg, &on->err);
		}
		break;
	}
	if (rc == -1) {
		on->failed = 1;
		client_stop(on->cl);
	}
	client_req_clear(q);
	free(f);
}

static int
feed_fetches(void *arg)
{
	struct online	*on = arg;
	struct fetch	*f;
	char		 id[37];
	size_t		 end = on->next + 64;

	if (end > on->ck.n)
		end = on->ck.n;
	for (; on->next < end; on->next++) {
		f = xcalloc(1, sizeof *f);
		f->ck = &on->ck;
		f->row = on->ck.w[on->next].row;
		f->req.method = CLIENT_GET;
		guid_string(on->ck.w[on->next].guid, id);
		snprintf(f->req.path, sizeof f->req.path,
		    "/v1/customers/%s/profiles/billing", id);
		client_add(on->cl, &f->req, fetched, f);
	}
	return on->next < on->ck.n;
}

int
checking_online(struct store *st, const struct store_runinfo *ri,
    struct client *cl, const char *source, struct checking_result *res,
    struct imp_err *err)
{
	struct online	on;
	int		rc = -1;

	memset(res, 0, sizeof *res);
	memset(&on, 0, sizeof on);
	on.ck.st = st;
	on.ck.ri = ri;
	on.ck.res = res;
	on.cl = cl;
	if (store_sent_count(st, ri) > 0)
		return imp_errf(err, IMP_EXIT_USAGE, "run %lld has rows sent "
		    "already: its plan is fixed ('importer submit' resumes "
		    "it; stage the file again for a new plan)",
		    (long long)ri->id);
	if (store_rows_each(st, ri, "pending", add_want, &on.ck, err) == -1)
		goto out;
	if (store_plan_begin(st, ri, err) == -1)
		goto out;
	client_feed(cl, feed_fetches, &on);
	if (client_run(cl, &on.err) == -1 || on.failed) {
		*err = on.err;
		store_rollback(st);
		goto out;
	}
	if (on.stop_code != 0) {
		imp_errf(err, on.stop_code, "%s; nothing was saved: check "
		    "again later", on.why);
		store_rollback(st);
		goto out;
	}
	if (store_plan_finish(st, ri, source, NULL, res->plan_hash,
	    err) == -1)
		goto out;
	rc = 0;
out:
	free(on.ck.w);
	return rc;
}
