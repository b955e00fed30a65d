/*
 * checking.c: the check step against the service, and what both ways of
 * checking share. The accounts are read concurrently and each row is
 * planned as its account arrives (checking_snapshot.c reads a snapshot).
 */
#include "config.h"

#include "checking.h"
#include "checking_int.h"
#include "guid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "billing.h"
#include "plan.h"
#include "xmalloc.h"

struct checking {
	struct store			*st;
	const struct store_runinfo	*ri;
	struct checking_result		*res;
	struct wants			 ws;
	char				*buf;	/* a row's values */
	size_t				 bufcap;
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
	struct wants	*ws = arg;

	if (ws->n == ws->cap) {
		ws->cap = ws->cap ? ws->cap * 2 : 4096;
		ws->w = xreallocarray(ws->w, ws->cap, sizeof *ws->w);
	}
	if (customer_id == NULL ||
	    guid_parse(customer_id, ws->w[ws->n].guid) == -1)
		return 0;	/* staging lets no such row through */
	ws->w[ws->n++].row = id;
	return 0;
}

/*
 * GUIDs are mostly random: spread by their top 16 bits, then each bucket
 * sorted on its own (a few entries each), in linear time where one qsort
 * of them all would take n log n.
 */
static void
sort_wants(struct want *w, size_t n)
{
	size_t		*at, i, b, lo;
	struct want	*out;

	at = xcalloc(65536 + 1, sizeof *at);
	out = xreallocarray(NULL, n, sizeof *out);
	for (i = 0; i < n; i++)
		at[(w[i].guid[0] >> 48) + 1]++;
	for (b = 1; b <= 65536; b++)
		at[b] += at[b - 1];
	for (i = 0; i < n; i++)
		out[at[w[i].guid[0] >> 48]++] = w[i];
	/* at[b] is now where bucket b ends. */
	for (b = 0, lo = 0; b < 65536; lo = at[b++])
		if (at[b] - lo > 1)
			qsort(out + lo, at[b] - lo, sizeof *out, cmp_want);
	memcpy(w, out, n * sizeof *w);
	free(out);
	free(at);
}

int
checking_wants(struct store *st, const struct store_runinfo *ri, int sorted,
    struct wants *ws, struct imp_err *err)
{
	if (store_ids_each(st, ri, OUTCOME_PENDING, add_want, ws, err) == -1)
		return -1;
	if (sorted && ws->n > 1)
		sort_wants(ws->w, ws->n);
	return 0;
}

/*
 * GUIDs are uniformly random, so an interpolation search finds one in a
 * few probes where a binary search would take twenty cache misses.
 */
struct want *
checking_find(const struct wants *ws, const uint64_t guid[2])
{
	struct want	key;
	size_t		lo = 0, hi = ws->n, mid;
	uint64_t	a, b, k = guid[0];
	int		c, probes = 0;

	key.guid[0] = guid[0];
	key.guid[1] = guid[1];
	while (lo < hi) {
		a = ws->w[lo].guid[0];
		b = ws->w[hi - 1].guid[0];
		if (k < a || k > b)
			return NULL;
		if (probes++ < 8 && b > a)
			mid = lo + (size_t)((long double)(k - a) / (b - a) *
			    (hi - 1 - lo));
		else
			mid = lo + (hi - lo) / 2;
		c = cmp_want(&key, &ws->w[mid]);
		if (c == 0)
			return &ws->w[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

int
checking_refuse_sent(struct store *st, const struct store_runinfo *ri,
    struct imp_err *err)
{
	int64_t	sent;

	if (store_sent_count(st, ri, &sent, err) == -1)
		return -1;
	if (sent > 0)
		return imp_errf(err, IMP_EXIT_USAGE, "run %lld has rows sent "
		    "already: its plan is fixed ('importer submit' resumes "
		    "it; stage the file again for a new plan)",
		    (long long)ri->id);
	return 0;
}

void
checking_compare(const char *const *want, const char *const *cur,
    struct row_plan *rp)
{
	char	why[2];
	int	col;

	rp->changed = rp->normalized = rp->lost = 0;
	rp->review = 0;
	for (col = 1; col < COL_COUNT; col++) {
		switch (plan_compare(col, want[col], cur[col])) {
		case PLAN_CHANGE:
			rp->changed |= 1u << col;
			if (!column_has(col, COLUMN_CODE) &&
			    plan_lost_characters(want[col], cur[col]))
				rp->lost |= 1u << col;
			break;
		case PLAN_SAME_NORMALIZED:
			rp->normalized |= 1u << col;
			break;
		case PLAN_SAME:
			break;
		}
	}
	if (plan_needs_review(rp->changed))
		rp->review |= CHECK_REVIEW_FRAUD;
	if ((rp->changed & (1u << COL_PHONE_NUMBER)) &&
	    plan_phone_mangled(want[COL_PHONE_NUMBER], cur[COL_PHONE_NUMBER],
	    why, sizeof why))
		rp->review |= CHECK_REVIEW_PHONE;
	/* The partner's own country cannot change (tied to the tenant and
	 * its currency); a customer's is high risk (reference §15). */
	if (rp->changed & (1u << COL_COUNTRY))
		rp->review |= CHECK_REVIEW_COUNTRY;
}

/* A value that lost characters the account holds is never sent. */
static int
store_lost(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur, uint32_t lost,
    struct imp_err *err)
{
	struct store_problem	sp;
	char			msg[512], first[600];
	int			col;

	first[0] = '\0';
	for (col = 1; col < COL_COUNT; col++) {
		if (!(lost & (1u << col)))
			continue;
		snprintf(msg, sizeof msg, "'?' stands where the account holds "
		    "'%.200s': characters were lost when the file was saved "
		    "in an encoding that cannot hold them", cur[col]);
		memset(&sp, 0, sizeof sp);
		sp.rule = "lost-character";
		sp.value = want[col];
		sp.valuelen = strlen(want[col]);
		sp.message = msg;
		sp.hint = "save the file as \"CSV UTF-8\" (Excel) or with the "
		    "character set Unicode (UTF-8) (LibreOffice), then stage "
		    "it again";
		if (store_check_problem(st, row, col, &sp, err) == -1)
			return -1;
		if (first[0] == '\0')
			snprintf(first, sizeof first, "%s: %s",
			    column_info[col].name, msg);
	}
	return store_plan_outcome(st, run, row, OUTCOME_INVALID, 0, 0, 0,
	    first, err);
}

int
checking_store_row(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur,
    const struct row_plan *rp, struct imp_err *err)
{
	char	msg[1024], why[256];
	size_t	o = 0;
	int	col;

	if (rp->lost != 0)
		return store_lost(st, run, row, want, cur, rp->lost, err);
	for (col = 1; col < COL_COUNT; col++)
		if ((rp->changed & (1u << col)) && store_plan_change(st, row,
		    col, cur[col], want[col], err) == -1)
			return -1;
	msg[0] = '\0';
	if (rp->review & CHECK_REVIEW_FRAUD)
		o += snprintf(msg + o, sizeof msg - o, "needs review: changes "
		    "both the billing email and the address");
	if ((rp->review & CHECK_REVIEW_PHONE) && o < sizeof msg &&
	    plan_phone_mangled(want[COL_PHONE_NUMBER],
	    cur[COL_PHONE_NUMBER], why, sizeof why))
		o += snprintf(msg + o, sizeof msg - o, "%s%s: a phone typed "
		    "into a spreadsheet as a number loses its '+' and leading "
		    "zeros (format the column as Text and enter it again, or "
		    "send it as it is with --allow-flagged)", o > 0 ? "; " :
		    "needs review: ", why);
	if ((rp->review & CHECK_REVIEW_COUNTRY) && o < sizeof msg)
		snprintf(msg + o, sizeof msg - o, "%schanges the country "
		    "(%.40s -> %.40s): the country decides the account's "
		    "billing, tax and currency, and may not be changeable "
		    "for a customer (send it with --allow-flagged, or set "
		    "[submit] send_country_changes = yes in the profile)",
		    o > 0 ? "; " : "needs review: ",
		    cur[COL_COUNTRY] != NULL ? cur[COL_COUNTRY] : "(empty)",
		    want[COL_COUNTRY]);
	return store_plan_outcome(st, run, row, rp->changed ? OUTCOME_PENDING :
	    OUTCOME_UNCHANGED, rp->review != 0, rp->normalized, 0,
	    rp->review != 0 ? msg : NULL, err);
}

int
checking_plan_row(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur, uint32_t *changedp,
    struct imp_err *err)
{
	struct row_plan	rp;

	checking_compare(want, cur, &rp);
	if (changedp != NULL)
		*changedp = rp.changed;
	return checking_store_row(st, run, row, want, cur, &rp, err);
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

/* One account read by the online check. */
struct fetch {
	struct client_req	 req;
	int64_t			 row;
	struct checking		*ck;
};

/* An address sent for validation, with the account it was read from. */
struct addr_fetch {
	struct client_req	 req;
	int64_t			 row;
	struct checking		*ck;
	char			*account;	/* the account's body */
	size_t			 accountlen;
	char			 etag[CLIENT_ETAG_MAX + 1];
};

struct online {
	struct checking		 ck;
	struct client		*cl;
	const struct profile	*pf;
	size_t			 next;
	int			 stop_code;	/* 69, 77 */
	int			 failed;
	struct imp_err		 err;
	char			 why[256];
};

static void	validated(struct client_req *, void *);

/* Sends the row's address as it will be to the service's validation;
 * the account's body goes with it, to be planned when it answers. */
static void
queue_validation(struct online *on, struct fetch *f, const char *etag,
    const char *const *want, const char *const *cur)
{
	struct addr_fetch	*a;

	a = xcalloc(1, sizeof *a);
	a->ck = &on->ck;
	a->row = f->row;
	a->account = f->req.resp;
	a->accountlen = f->req.resplen;
	f->req.resp = NULL;
	f->req.resplen = 0;
	snprintf(a->etag, sizeof a->etag, "%s", etag);
	a->req.method = CLIENT_POST;
	snprintf(a->req.path, sizeof a->req.path, "/v1/validations/address");
	a->req.body = checking_address_body(want, cur);
	client_add(on->cl, &a->req, validated, a);
}

/*
 * Plans a row against the account the service returned (body, etag):
 * queues its address for validation first when that is asked for and the
 * row changes it (v NULL); with the answer (v), an address the service
 * rejects makes the row invalid instead.
 */
static int
plan_account(struct online *on, struct fetch *f, int64_t row,
    const char *body, size_t bodylen, const char *etag,
    const struct address_verdict *v)
{
	struct billing_profile	 bp;
	struct store_account	 sa;
	struct store_row	 r;
	struct row_plan		 rp;
	json_t			*o;
	const char		*want[COL_COUNT];
	int			 col, rc;

	billing_init(&bp);
	o = billing_json_load(body, bodylen, &on->err);
	if (o == NULL || billing_from_json(o, &bp, &on->err) == -1) {
		json_decref(o);
		billing_clear(&bp);
		return store_plan_outcome(on->ck.st, on->ck.ri->id, row,
		    OUTCOME_FAILED, 0, 0, 200, "the service's reply is not a "
		    "billing profile; check again", &on->err);
	}
	json_decref(o);
	if (store_row_get(on->ck.st, row, &r) == -1) {
		billing_clear(&bp);
		return imp_errf(&on->err, IMP_EXIT_SOFTWARE, "row %lld "
		    "vanished", (long long)row);
	}
	copy_want(&r, &on->ck.buf, &on->ck.bufcap, want);
	checking_compare(want, (const char *const *)bp.field, &rp);
	if (on->pf->send_country_changes)
		rp.review &= ~CHECK_REVIEW_COUNTRY;
	if (v == NULL && f != NULL && on->pf->validate_addresses &&
	    rp.lost == 0 && checking_address_changes(rp.changed)) {
		queue_validation(on, f, bp.etag != NULL ? bp.etag : etag, want,
		    (const char *const *)bp.field);
		billing_clear(&bp);
		return 0;
	}
	if (v != NULL && v->invalid && rp.lost == 0) {
		rc = checking_address_store(on->ck.st, on->ck.ri->id, row,
		    want, (const char *const *)bp.field, rp.changed, v,
		    &on->err);
		billing_clear(&bp);
		return rc;
	}
	rc = checking_store_row(on->ck.st, on->ck.ri->id, row, want,
	    (const char *const *)bp.field, &rp, &on->err);
	if (rc == 0 && rp.changed != 0) {
		/* What submit will PUT back, with the planned fields set. */
		memset(&sa, 0, sizeof sa);
		sa.customer_id = want[COL_CUSTOMER_ID];
		sa.etag = bp.etag != NULL ? bp.etag : etag;
		sa.profile_id = bp.id;
		sa.body = body;
		for (col = 1; col < COL_COUNT; col++)
			sa.value[col] = bp.field[col];
		rc = store_plan_account(on->ck.st, on->ck.ri->id, row, &sa,
		    &on->err);
	}
	billing_clear(&bp);
	return rc;
}

/* A request that ends the check: 1 (the run stops), else 0. */
static int
stopping(struct online *on, const struct client_req *q)
{
	switch (q->fate) {
	case CLIENT_STOPPED:
		return 1;
	case CLIENT_AUTH:
		on->stop_code = IMP_EXIT_NOPERM;
		snprintf(on->why, sizeof on->why, "the service refused the "
		    "token (HTTP 401); %.200s", q->error);
		client_stop(on->cl);
		return 1;
	case CLIENT_WAIT:
		on->stop_code = IMP_EXIT_UNAVAILABLE;
		client_wait_text(q, on->why, sizeof on->why);
		client_stop(on->cl);
		return 1;
	case CLIENT_UNREACHABLE:
	case CLIENT_UNKNOWN:
		on->stop_code = IMP_EXIT_UNAVAILABLE;
		snprintf(on->why, sizeof on->why, "the service is unreachable: "
		    "%.200s", q->error);
		client_stop(on->cl);
		return 1;
	case CLIENT_DONE:
		break;
	}
	return 0;
}

static void
fetched(struct client_req *q, void *arg)
{
	struct fetch	*f = arg;
	struct online	*on = (struct online *)f->ck;
	char		 msg[320];
	int		 rc = 0;

	if (stopping(on, q))
		goto out;
	on->ck.res->checked++;
	if (q->status == 200)
		rc = plan_account(on, f, f->row, q->resp, q->resplen, q->etag,
		    NULL);
	else if (q->status == 404)
		rc = store_plan_outcome(on->ck.st, on->ck.ri->id, f->row,
		    OUTCOME_NOT_FOUND, 0, 0, 404, "no such customer (HTTP 404)",
		    &on->err);
	else {
		/* Nothing was sent: check may run again. */
		if (q->status == 0)
			snprintf(msg, sizeof msg, "reading the account failed: "
			    "%.200s; nothing was sent: check again", q->error);
		else
			snprintf(msg, sizeof msg, "reading the account failed: "
			    "HTTP %ld; nothing was sent: check again",
			    q->status);
		rc = store_plan_outcome(on->ck.st, on->ck.ri->id, f->row,
		    OUTCOME_FAILED, 0, 0, q->status, msg, &on->err);
	}
	/* The read's MS-RequestId, for a question to the service about a
	 * row it did not give. */
	if (rc == 0 && q->status != 200 && q->request_id[0] != '\0')
		rc = store_plan_request_id(on->ck.st, f->row, q->request_id,
		    &on->err);
out:
	if (rc == -1) {
		on->failed = 1;
		client_stop(on->cl);
	}
	client_req_clear(q);
	free(f);
}

/* The service's verdict on an address: the row is planned with it. */
static void
validated(struct client_req *q, void *arg)
{
	struct addr_fetch	*a = arg;
	struct online		*on = (struct online *)a->ck;
	struct address_verdict	 v;
	struct billing_profile	 bp;
	struct store_row	 r;
	json_t			*o;
	const char		*want[COL_COUNT];
	char			 msg[320];
	int			 rc = 0;

	if (stopping(on, q))
		goto out;
	if (q->status == 200) {
		/* The verdict needs the row's values and the account's. */
		billing_init(&bp);
		o = billing_json_load(a->account, a->accountlen, &on->err);
		if (o != NULL && billing_from_json(o, &bp, &on->err) == 0 &&
		    store_row_get(on->ck.st, a->row, &r) == 0) {
			copy_want(&r, &on->ck.buf, &on->ck.bufcap, want);
			if (checking_address_read(q->resp, q->resplen, want,
			    (const char *const *)bp.field, &v) == -1)
				q->status = -1;
		} else
			q->status = -1;
		json_decref(o);
		billing_clear(&bp);
	}
	if (q->status == 200)
		rc = plan_account(on, NULL, a->row, a->account, a->accountlen,
		    a->etag, &v);
	else {
		/* Not validated, so not planned: check may run again. */
		if (q->status == -1)
			snprintf(msg, sizeof msg, "validating the address "
			    "failed: the service's answer is not an address "
			    "validation; nothing was sent: check again");
		else if (q->status == 0)
			snprintf(msg, sizeof msg, "validating the address "
			    "failed: %.200s; nothing was sent: check again",
			    q->error);
		else
			snprintf(msg, sizeof msg, "validating the address "
			    "failed: HTTP %ld; nothing was sent: check again",
			    q->status);
		rc = store_plan_outcome(on->ck.st, on->ck.ri->id, a->row,
		    OUTCOME_FAILED, 0, 0, q->status > 0 ? q->status : 0, msg,
		    &on->err);
		if (rc == 0 && q->request_id[0] != '\0')
			rc = store_plan_request_id(on->ck.st, a->row,
			    q->request_id, &on->err);
	}
out:
	if (rc == -1) {
		on->failed = 1;
		client_stop(on->cl);
	}
	client_req_clear(q);
	free(a->req.body);
	free(a->account);
	free(a);
}

static int
feed_fetches(void *arg)
{
	struct online	*on = arg;
	struct fetch	*f;
	char		 id[37];
	size_t		 end = on->next + 64;

	if (end > on->ck.ws.n)
		end = on->ck.ws.n;
	for (; on->next < end; on->next++) {
		f = xcalloc(1, sizeof *f);
		f->ck = &on->ck;
		f->row = on->ck.ws.w[on->next].row;
		f->req.method = CLIENT_GET;
		guid_format(on->ck.ws.w[on->next].guid, id);
		snprintf(f->req.path, sizeof f->req.path,
		    "/v1/customers/%s/profiles/billing", id);
		client_add(on->cl, &f->req, fetched, f);
	}
	return on->next < on->ck.ws.n;
}

int
checking_online(struct store *st, const struct store_runinfo *ri,
    struct client *cl, const char *source, const struct profile *pf,
    struct checking_result *res, struct imp_err *err)
{
	struct online	on;
	int		rc = -1;

	memset(res, 0, sizeof *res);
	memset(&on, 0, sizeof on);
	on.ck.st = st;
	on.ck.ri = ri;
	on.ck.res = res;
	on.cl = cl;
	on.pf = pf;
	if (checking_refuse_sent(st, ri, err) == -1 ||
	    checking_wants(st, ri, 0, &on.ck.ws, err) == -1)
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
	    &res->counts, err) == -1)
		goto out;
	rc = 0;
out:
	free(on.ck.ws.w);
	free(on.ck.buf);
	return rc;
}
