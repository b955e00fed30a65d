/*
 * checking.c: the check step. Against a snapshot, in two passes so that
 * every write is an append in row order: the run's pending rows are
 * indexed by customer id (24 bytes a row, sorted) and the snapshot is
 * streamed past the index, each account found being spilled to an
 * unlinked temporary file; then the rows are read in order, each planned
 * against its spilled account (not_found where none). Against the service,
 * the accounts are read concurrently and planned as they arrive.
 */
#include "config.h"

#include "checking.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	char				*buf;	/* a row's values */
	size_t				 bufcap;
	struct spill			*spill;	/* the snapshot's pass */
	struct imp_err			*err;
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
add_want(int64_t id, const char *customer_id, void *arg)
{
	struct checking	*ck = arg;

	if (ck->n == ck->cap) {
		ck->cap = ck->cap ? ck->cap * 2 : 4096;
		ck->w = xreallocarray(ck->w, ck->cap, sizeof *ck->w);
	}
	if (customer_id == NULL ||
	    snapshot_guid(customer_id, ck->w[ck->n].guid) == -1)
		return 0;	/* staging lets no such row through */
	ck->w[ck->n++].row = id;
	return 0;
}

int
checking_plan_row(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur, uint32_t *changedp,
    struct imp_err *err)
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
	if (changedp != NULL)
		*changedp = changed;
	return store_plan_outcome(st, run, row, changed ? "pending" :
	    "unchanged", review, normalized, review ? "needs review: "
	    "changes both the billing email and the address" : NULL, err);
}

/* Copies the 16 values of a stored row into buf (grown); want[] points in. */
static void
copy_want(const struct store_row *r, char **buf, size_t *cap,
    const char *want[COL_COUNT])
{
	size_t	need = 0, o = 0;
	int	col;

	for (col = 0; col < COL_COUNT; col++)
		need += r->norm[col] != NULL ? r->normlen[col] + 1 : 0;
	if (need > *cap) {
		*cap = need * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	for (col = 0; col < COL_COUNT; col++) {
		want[col] = NULL;
		if (r->norm[col] == NULL)
			continue;
		memcpy(*buf + o, r->norm[col], r->normlen[col] + 1);
		want[col] = *buf + o;
		o += r->normlen[col] + 1;
	}
}

/*
 * The row wanting a customer. GUIDs are uniformly random, so an
 * interpolation search finds one in a few probes where a binary search
 * would take twenty cache misses.
 */
static struct want *
find_want(const struct checking *ck, const struct want *key)
{
	size_t		lo = 0, hi = ck->n, mid;
	uint64_t	a, b, k = key->guid[0];
	int		c, probes = 0;

	while (lo < hi) {
		a = ck->w[lo].guid[0];
		b = ck->w[hi - 1].guid[0];
		if (k < a || k > b)
			return NULL;
		if (probes++ < 8 && b > a)
			mid = lo + (size_t)((long double)(k - a) / (b - a) *
			    (hi - 1 - lo));
		else
			mid = lo + (hi - lo) / 2;
		c = cmp_want(key, &ck->w[mid]);
		if (c == 0)
			return &ck->w[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Where pass 1 put the account of a row. */
struct match {
	int64_t		row;
	uint64_t	off;
	uint32_t	len;
};

struct spill {
	int		 fd;
	uint64_t	 off;		/* bytes written */
	unsigned char	*buf;		/* write buffer */
	size_t		 len;
	unsigned char	*rec;		/* one packed account */
	size_t		 reccap;
	struct match	*m;
	size_t		 n, cap;
	size_t		 next;		/* pass 2's position in m */
};

#define SPILL_BUF	(1024 * 1024)
/* mkstemp's six placeholder characters. */
#define CHECK_TEMPLATE	"X" "X" "X" "X" "X" "X"

static int
spill_flush(struct spill *sp, struct imp_err *err)
{
	size_t	done = 0;
	ssize_t	n;

	while (done < sp->len) {
		n = write(sp->fd, sp->buf + done, sp->len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return imp_errf(err, IMP_EXIT_SOFTWARE, "temporary "
			    "file: %s", strerror(errno));
		done += n;
	}
	sp->len = 0;
	return 0;
}

/* Pass 1: an account of the snapshot; spilled if a row wants it. */
static int
on_account(const struct snapshot_account *a, void *arg, struct imp_err *err)
{
	struct checking		*ck = arg;
	struct spill		*sp = ck->spill;
	struct want		 key, *w;
	const char		*cells[COL_COUNT];
	size_t			 lens[COL_COUNT], len;
	int			 col;

	key.guid[0] = a->guid[0];
	key.guid[1] = a->guid[1];
	w = find_want(ck, &key);
	if (w == NULL)
		return 0;	/* an account the run does not touch */
	if (w->row < 0) {
		ck->res->duplicate_accounts++;
		return 0;	/* the first line of the snapshot wins */
	}
	for (col = 0; col < COL_COUNT; col++) {
		cells[col] = a->value[col] != NULL ? a->value[col] : "";
		lens[col] = strlen(cells[col]);
	}
	len = store_pack(cells, lens, COL_COUNT, &sp->rec, &sp->reccap);
	if (sp->len + len > SPILL_BUF && spill_flush(sp, err) == -1)
		return -1;
	if (len > SPILL_BUF)
		return imp_errf(err, IMP_EXIT_DATAERR, "an account of %zu "
		    "bytes", len);
	memcpy(sp->buf + sp->len, sp->rec, len);
	sp->len += len;
	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 4096;
		sp->m = xreallocarray(sp->m, sp->cap, sizeof *sp->m);
	}
	sp->m[sp->n].row = w->row;
	sp->m[sp->n].off = sp->off;
	sp->m[sp->n].len = len;
	sp->n++;
	sp->off += len;
	w->row = -w->row;
	return 0;
}

static int
cmp_match(const void *a, const void *b)
{
	const struct match	*x = a, *y = b;

	return x->row < y->row ? -1 : x->row > y->row;
}

/* Pass 2: a pending row, in row order, against its account or none. */
static int
plan_spilled(int64_t id, const struct store_row *r, void *arg)
{
	struct checking		*ck = arg;
	struct spill		*sp = ck->spill;
	struct store_account	 sa;
	const struct match	*m;
	const char		*cur[COL_COUNT], *cells[COL_COUNT];
	char			*out;
	size_t			 lens[COL_COUNT], k, o = 0;
	uint32_t		 changed = 0;
	int			 col;

	while (sp->next < sp->n && sp->m[sp->next].row < id)
		sp->next++;
	if (sp->next == sp->n || sp->m[sp->next].row != id)
		return store_plan_outcome(ck->st, ck->ri->id, id, "not_found",
		    0, 0, "no such customer in the snapshot", ck->err);
	m = &sp->m[sp->next++];
	/* The packed account, then its cells NUL-ended after it. */
	if (2 * (size_t)m->len + COL_COUNT > ck->bufcap) {
		ck->bufcap = (2 * (size_t)m->len + COL_COUNT) * 2;
		ck->buf = xreallocarray(ck->buf, ck->bufcap, 1);
	}
	if (pread(sp->fd, ck->buf, m->len, m->off) != (ssize_t)m->len)
		return imp_errf(ck->err, IMP_EXIT_SOFTWARE, "temporary file: "
		    "short read");
	out = ck->buf + m->len;
	k = store_unpack_all(ck->buf, m->len, cells, lens, COL_COUNT);
	for (col = 0; col < COL_COUNT; col++) {
		cur[col] = NULL;
		if ((size_t)col >= k || lens[col] == 0)
			continue;
		memcpy(out + o, cells[col], lens[col]);
		out[o + lens[col]] = '\0';
		cur[col] = out + o;
		o += lens[col] + 1;
	}
	if (checking_plan_row(ck->st, ck->ri->id, id, r->norm, cur, &changed,
	    ck->err) == -1)
		return -1;
	ck->res->checked++;
	if (changed == 0)
		return 0;
	/* The account as it was, for the rows that change it. */
	memset(&sa, 0, sizeof sa);
	sa.customer_id = r->norm[COL_CUSTOMER_ID];
	for (col = 1; col < COL_COUNT; col++)
		sa.value[col] = cur[col];
	return store_plan_account(ck->st, ck->ri->id, id, &sa, ck->err);
}

int
checking_snapshot(struct store *st, const struct store_runinfo *ri,
    const char *path, const struct profile *pf, struct checking_result *res,
    struct imp_err *err)
{
	struct checking	ck;
	struct spill	sp;
	char		tmp[4096];
	const char	*dir;
	int		rc = -1;

	memset(res, 0, sizeof *res);
	memset(&ck, 0, sizeof ck);
	memset(&sp, 0, sizeof sp);
	sp.fd = -1;
	ck.st = st;
	ck.ri = ri;
	ck.res = res;
	ck.spill = &sp;
	ck.err = err;
	if (store_sent_count(st, ri) > 0)
		return imp_errf(err, IMP_EXIT_USAGE, "run %lld has rows sent "
		    "already: its plan is fixed ('importer submit' resumes "
		    "it; stage the file again for a new plan)",
		    (long long)ri->id);

	/* Unlinked at once: nothing is left behind, even after kill -9. */
	dir = getenv("TMPDIR");
	snprintf(tmp, sizeof tmp, "%s/importer-check.%s",
	    dir != NULL && *dir != '\0' ? dir : "/tmp", CHECK_TEMPLATE);
	sp.fd = mkstemp(tmp);
	if (sp.fd == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", tmp,
		    strerror(errno));
	unlink(tmp);
	sp.buf = xmalloc(SPILL_BUF);

	if (store_ids_each(st, ri, "pending", add_want, &ck, err) == -1)
		goto out;
	if (ck.n > 1)
		qsort(ck.w, ck.n, sizeof *ck.w, cmp_want);
	if (snapshot_read(path, pf, on_account, &ck, &res->snapshot,
	    err) == -1 || spill_flush(&sp, err) == -1)
		goto out;
	if (sp.n > 1)
		qsort(sp.m, sp.n, sizeof *sp.m, cmp_match);

	if (store_plan_begin(st, ri, 1, err) == -1)
		goto out;
	if (store_rows_each(st, ri, "pending", plan_spilled, &ck,
	    err) == -1) {
		store_rollback(st);
		goto out;
	}
	if (store_plan_finish(st, ri, path, res->snapshot.mtime,
	    res->plan_hash, err) == -1)
		goto out;
	rc = 0;
out:
	if (sp.fd != -1)
		close(sp.fd);
	free(sp.buf);
	free(sp.rec);
	free(sp.m);
	free(ck.w);
	free(ck.buf);
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
	const char		*want[COL_COUNT];
	uint32_t		 changed = 0;
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
	copy_want(&r, &on->ck.buf, &on->ck.bufcap, want);
	rc = checking_plan_row(on->ck.st, on->ck.ri->id, f->row, want,
	    (const char *const *)bp.field, &changed, &on->err);
	if (rc == 0 && changed != 0) {
		/* What submit will PUT back, with the planned fields set. */
		memset(&sa, 0, sizeof sa);
		sa.customer_id = want[COL_CUSTOMER_ID];
		sa.etag = bp.etag != NULL ? bp.etag : f->req.etag;
		sa.profile_id = bp.id;
		sa.body = f->req.resp;
		for (col = 1; col < COL_COUNT; col++)
			sa.value[col] = bp.field[col];
		rc = store_plan_account(on->ck.st, on->ck.ri->id, f->row, &sa,
		    &on->err);
	}
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
			if (q->status == 0)
				snprintf(msg, sizeof msg, "reading the account "
				    "failed: %.250s", q->error);
			else
				snprintf(msg, sizeof msg, "reading the account "
				    "failed: HTTP %ld", q->status);
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
	if (store_ids_each(st, ri, "pending", add_want, &on.ck, err) == -1)
		goto out;
	if (store_plan_begin(st, ri, 0, err) == -1)
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
	free(on.ck.buf);
	return rc;
}
