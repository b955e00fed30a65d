/*
 * checking.c: the check step against the service, and what both ways of
 * checking share. The accounts are read concurrently and each row is
 * planned as its account arrives (checking_snapshot.c reads a snapshot).
 */
#include "config.h"

#include "checking.h"
#include "checking_int.h"
#include "guid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
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

/* Byte k (0: the most significant) of a GUID as the index orders it. */
static unsigned
guid_byte(const struct want *w, int k)
{
	return (unsigned)(w->guid[k >> 3] >> (56 - 8 * (k & 7))) & 0xff;
}

/*
 * Sorts w in place by GUID: an American flag sort, spreading the entries
 * by one byte at a time into 256 buckets (each entry swapped straight
 * into its bucket, so the index is never held twice: at a million rows a
 * copy was a third of check's peak), and a few entries by insertion.
 * With 256 buckets the swaps write 256 runs in step, which the cache
 * keeps; 65,536 buckets, as before, missed it at every swap (four times
 * slower at a million). GUIDs that share their first bytes are spread by
 * the next ones, so crowded ones cost no more than random ones.
 */
static void
sort_wants(struct want *w, size_t n, int k)
{
	size_t		at[257], next[256], i, j;
	unsigned	b, d;
	struct want	v, t;

	if (k == 16)
		return;			/* all equal */
	if (n <= 32) {
		for (i = 1; i < n; i++) {
			v = w[i];
			for (j = i; j > 0 && cmp_want(&v, &w[j - 1]) < 0; j--)
				w[j] = w[j - 1];
			w[j] = v;
		}
		return;
	}
	memset(at, 0, sizeof at);
	for (i = 0; i < n; i++)
		at[guid_byte(&w[i], k) + 1]++;
	for (b = 1; b <= 256; b++)
		at[b] += at[b - 1];
	/* at[b] is where bucket b starts, at[b + 1] where it ends. */
	memcpy(next, at, sizeof next);
	for (b = 0; b < 256; b++) {
		while (next[b] < at[b + 1]) {
			v = w[next[b]];
			d = guid_byte(&v, k);
			/* Follow the cycle until an entry of bucket b. */
			while (d != b) {
				t = w[next[d]];
				w[next[d]++] = v;
				v = t;
				d = guid_byte(&v, k);
			}
			w[next[b]++] = v;
		}
	}
	for (b = 0; b < 256; b++)
		if (at[b + 1] - at[b] > 1)
			sort_wants(w + at[b], at[b + 1] - at[b], k + 1);
}

void
checking_sort_wants(struct want *w, size_t n)
{
	sort_wants(w, n, 0);
}

/*
 * Sorts the index and adds a directory by the top bits of the GUID, about
 * four entries a slot: a lookup then reads the directory and one or two
 * cache lines of the index, where a search of it all missed the cache at
 * every probe (a shuffled snapshot asks for the rows in random order).
 */
void
checking_index_wants(struct wants *ws)
{
	size_t		i = 0, slot, nslots;
	unsigned	bits = 1;

	free(ws->dir);
	ws->dir = NULL;
	if (ws->n > 1)
		checking_sort_wants(ws->w, ws->n);
	if (ws->n < 64 || ws->n > UINT32_MAX)
		return;		/* a search of it all is as quick */
	while (bits < 24 && ((size_t)1 << bits) < ws->n / 4)
		bits++;
	nslots = (size_t)1 << bits;
	ws->dirshift = 64 - bits;
	ws->dir = xreallocarray(NULL, nslots + 1, sizeof *ws->dir);
	/* dir[slot]: the first entry whose top bits are slot or more. */
	for (slot = 0; slot < nslots; slot++) {
		while (i < ws->n && (ws->w[i].guid[0] >> ws->dirshift) < slot)
			i++;
		ws->dir[slot] = (uint32_t)i;
	}
	ws->dir[nslots] = (uint32_t)ws->n;
}

void
checking_prefetch(const struct wants *ws, const uint64_t guid[2], int stage)
{
	size_t	slot;

	if (ws->dir == NULL)
		return;
	slot = (size_t)(guid[0] >> ws->dirshift);
	if (stage == 0)
		__builtin_prefetch(&ws->dir[slot]);
	else if (ws->dir[slot] < ws->n)
		__builtin_prefetch(&ws->w[ws->dir[slot]]);
}

void
checking_wants_free(struct wants *ws)
{
	free(ws->w);
	free(ws->dir);
	memset(ws, 0, sizeof *ws);
}

int
checking_wants(struct store *st, const struct store_runinfo *ri, int sorted,
    struct wants *ws, struct imp_err *err)
{
	if (store_ids_each(st, ri, OUTCOME_PENDING, add_want, ws, err) == -1)
		return -1;
	if (sorted)
		checking_index_wants(ws);
	return 0;
}

/*
 * GUIDs are uniformly random, so an interpolation search finds one in a
 * few probes where a binary search would take twenty cache misses; the
 * directory, when there is one, narrows it to a few entries first.
 */
struct want *
checking_find(const struct wants *ws, const uint64_t guid[2])
{
	struct want	key;
	size_t		lo = 0, hi = ws->n, mid, slot;
	uint64_t	a, b, k = guid[0];
	int		c, probes = 0;

	key.guid[0] = guid[0];
	key.guid[1] = guid[1];
	if (ws->dir != NULL) {
		slot = (size_t)(k >> ws->dirshift);
		lo = ws->dir[slot];
		hi = ws->dir[slot + 1];
	}
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
    const char *company, struct imp_err *err)
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
	    first, company, err);
}

int
checking_store_row(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur,
    const struct row_plan *rp, const char *company, struct imp_err *err)
{
	char	msg[1024], why[256];
	size_t	o = 0;
	int	col;

	if (rp->lost != 0)
		return store_lost(st, run, row, want, cur, rp->lost, company,
		    err);
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
	    rp->review != 0 ? msg : NULL, rp->changed ? company : NULL, err);
}

/* An answer of the service an earlier check kept. */
struct kept_rules {
	char	 cc[3];
	char	*body;
	char	*read_at;
};

static int
add_kept(const char *cc, const char *body, const char *read_at, void *arg)
{
	struct checking_rules	*cr = arg;
	struct kept_rules	*k;

	if (cc == NULL || strlen(cc) != 2 || body == NULL || read_at == NULL)
		return 0;
	cr->kept = xreallocarray(cr->kept, cr->nkept + 1, sizeof *cr->kept);
	k = &cr->kept[cr->nkept++];
	memcpy(k->cc, cc, 3);
	k->body = xstrdup(body);
	k->read_at = xstrdup(read_at);
	return 0;
}

int
checking_rules_init(struct checking_rules *cr, struct store *st,
    struct imp_err *err)
{
	memset(cr, 0, sizeof *cr);
	cr->book = country_book_new();
	return store_country_rules_each(st, add_kept, cr, err);
}

void
checking_rules_free(struct checking_rules *cr)
{
	size_t	i;

	country_book_free(cr->book);
	for (i = 0; i < cr->nkept; i++) {
		free(cr->kept[i].body);
		free(cr->kept[i].read_at);
	}
	free(cr->kept);
	memset(cr, 0, sizeof *cr);
}

/* "the service's rules for PT, read 2026-12-06 15:20 UTC" */
static void
service_source(struct country_rules *r, const char *read_at)
{
	snprintf(r->source, sizeof r->source, "the service's rules for %s, "
	    "read %.10s %.5s UTC", r->iso2, read_at, strlen(read_at) > 11 ?
	    read_at + 11 : "");
}

/* Parses an answer of the service; NULL if it is not rules. */
static struct country_rules *
parse_rules(const char *cc, const char *body, size_t len,
    const char *read_at)
{
	struct country_rules	*r;
	struct imp_err		 e;
	json_t			*j;

	j = billing_json_load(body, len, &e);
	if (j == NULL)
		return NULL;
	r = country_rules_from_json(j, cc, &e);
	json_decref(j);
	if (r == NULL || strcasecmp(r->iso2, cc) != 0) {
		country_rules_free(r);
		return NULL;
	}
	service_source(r, read_at);
	return r;
}

const struct country_rules *
checking_rules_get(struct checking_rules *cr, const char *cc)
{
	const struct country_rules	*got;
	struct country_rules		*r = NULL;
	size_t				 i;

	if (cc == NULL || strlen(cc) != 2)
		return NULL;
	got = country_book_get(cr->book, cc);
	if (got != NULL)
		return got->generic ? NULL : got;
	for (i = 0; i < cr->nkept && r == NULL; i++)
		if (strcasecmp(cr->kept[i].cc, cc) == 0)
			r = parse_rules(cc, cr->kept[i].body,
			    strlen(cr->kept[i].body), cr->kept[i].read_at);
	if (r == NULL)
		r = country_rules_bundled(cc);
	if (r == NULL) {
		/* None to judge by: remembered, so not looked for again. */
		r = country_rules_generic(cc);
		country_book_put(cr->book, r);
		return NULL;
	}
	country_book_put(cr->book, r);
	return r;
}

const char *
checking_row_country(const char *const *want, const char *const *cur,
    const struct row_plan *rp)
{
	const char	*cc;

	cc = (rp->changed & (1u << COL_COUNTRY)) ? want[COL_COUNTRY] :
	    cur[COL_COUNTRY];
	return cc != NULL && strlen(cc) == 2 ? cc : NULL;
}

/* The columns whose valid values a country decides. */
#define COUNTRY_COLUMNS	((1u << COL_CULTURE) | (1u << COL_LANGUAGE) | \
	(1u << COL_STATE) | (1u << COL_POSTAL_CODE) | (1u << COL_CITY) | \
	(1u << COL_PHONE_NUMBER))

int
checking_country(struct store *st, const struct country_rules *rules,
    int64_t run, int64_t row, const char *const *want,
    const char *const *cur, const struct row_plan *rp, struct imp_err *err)
{
	struct country_problem	 p[COUNTRY_MAX_PROBLEMS];
	struct store_problem	 sp;
	const char		*val[COL_COUNT];
	char			 msg[512], first[600];
	uint32_t		 mask;
	size_t			 n, i;
	int			 col, invalid = 0;

	if (rules == NULL || rp->changed == 0 || rp->lost != 0)
		return 0;
	mask = rp->changed;
	if (mask & (1u << COL_COUNTRY))
		mask |= COUNTRY_COLUMNS;
	for (col = 0; col < COL_COUNT; col++)
		val[col] = (rp->changed & (1u << col)) ? want[col] : cur[col];
	n = country_check(rules, val, mask, p, COUNTRY_MAX_PROBLEMS);
	first[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(msg, sizeof msg, "%s, by %s", p[i].msg,
		    rules->source);
		memset(&sp, 0, sizeof sp);
		sp.rule = p[i].rule;
		sp.value = val[p[i].col] != NULL ? val[p[i].col] : "";
		sp.valuelen = strlen(sp.value);
		sp.message = msg;
		sp.hint = p[i].hint;
		if (store_check_problem(st, row, p[i].col, &sp, err) == -1)
			return -1;
		if (p[i].warning)
			continue;
		invalid = 1;
		if (first[0] == '\0')
			snprintf(first, sizeof first, "%s: %s",
			    column_info[p[i].col].name, msg);
	}
	if (!invalid)
		return 0;
	if (store_plan_outcome(st, run, row, OUTCOME_INVALID, 0, 0, 0, first,
	    NULL, err) == -1)
		return -1;
	return 1;
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
	struct fetch		*next;	/* parked: waiting for its rules */
};

/* A country's rules read by the online check, and the rows that wait for
 * them. */
struct rules_read {
	struct client_req	 req;
	struct online		*on;
	char			 cc[3];
	int			 done;
	struct fetch		*parked;
	struct rules_read	*next;
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
	char			 why[440];	/* fits err's message */
	struct checking_rules	 rules;
	struct rules_read	*reads;
};

static void	read_rules(struct online *, const char *);
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
 * rejects makes the row invalid instead. Its country's rules judge it
 * first; 1 if the row was parked until they are read.
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
	struct rules_read	*rr;
	json_t			*o;
	const char		*want[COL_COUNT], *cc;
	int			 col, rc;

	billing_init(&bp);
	o = billing_json_load(body, bodylen, &on->err);
	if (o == NULL || billing_from_json(o, &bp, &on->err) == -1) {
		json_decref(o);
		billing_clear(&bp);
		return store_plan_outcome(on->ck.st, on->ck.ri->id, row,
		    OUTCOME_FAILED, 0, 0, 200, "the service's reply is not a "
		    "billing profile; check again", NULL, &on->err);
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
	cc = checking_row_country(want, (const char *const *)bp.field, &rp);
	/* A country no read was asked for yet: its rules are read now and
	 * the row waits for them. */
	if (v == NULL && f != NULL && rp.changed != 0 && rp.lost == 0 &&
	    cc != NULL && country_book_get(on->rules.book, cc) == NULL) {
		read_rules(on, cc);
		for (rr = on->reads; rr != NULL; rr = rr->next)
			if (strcasecmp(rr->cc, cc) == 0 && !rr->done) {
				billing_clear(&bp);
				f->next = rr->parked;
				rr->parked = f;
				return 1;
			}
	}
	/* Judged by the rules once, before its address is validated. */
	if (v == NULL) {
		rc = checking_country(on->ck.st, cc != NULL ?
		    checking_rules_get(&on->rules, cc) : NULL, on->ck.ri->id,
		    row, want, (const char *const *)bp.field, &rp, &on->err);
		if (rc != 0) {
			billing_clear(&bp);
			return rc == 1 ? 0 : -1;
		}
	}
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
	    (const char *const *)bp.field, &rp, NULL, &on->err);
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
	char	msg[440];

	switch (q->fate) {
	case CLIENT_STOPPED:
		return 1;
	case CLIENT_AUTH:
		/* The first reason to stop is the one told. */
		if (on->stop_code == 0) {
			on->stop_code = IMP_EXIT_NOPERM;
			if (billing_refusal(q->status, q->resp, q->resplen,
			    on->why, sizeof on->why) != BILLING_REFUSAL_MFA)
				snprintf(on->why, sizeof on->why, "the service "
				    "refused the token (HTTP 401); %.200s",
				    q->error);
		}
		client_stop(on->cl);
		return 1;
	case CLIENT_WAIT:
		if (on->stop_code == 0) {
			on->stop_code = IMP_EXIT_UNAVAILABLE;
			client_wait_text(q, on->why, sizeof on->why);
		}
		client_stop(on->cl);
		return 1;
	case CLIENT_UNREACHABLE:
	case CLIENT_UNKNOWN:
		if (on->stop_code == 0) {
			on->stop_code = IMP_EXIT_UNAVAILABLE;
			snprintf(on->why, sizeof on->why, "the service is "
			    "unreachable: %.200s", q->error);
		}
		client_stop(on->cl);
		return 1;
	case CLIENT_DONE:
		/* The partner's rights refused: every request would be. */
		if (billing_refusal(q->status, q->resp, q->resplen, msg,
		    sizeof msg) == BILLING_REFUSAL_RIGHTS) {
			if (on->stop_code == 0) {
				on->stop_code = IMP_EXIT_NOPERM;
				snprintf(on->why, sizeof on->why, "%s", msg);
			}
			client_stop(on->cl);
			return 1;
		}
		break;
	}
	return 0;
}

static void
fetched(struct client_req *q, void *arg)
{
	struct fetch	*f = arg;
	struct online	*on = (struct online *)f->ck;
	char		 msg[440];
	int		 rc = 0;

	if (stopping(on, q))
		goto out;
	on->ck.res->checked++;
	if (q->status == 200) {
		rc = plan_account(on, f, f->row, q->resp, q->resplen, q->etag,
		    NULL);
		if (rc == 1)
			return;	/* parked: its rules come first */
	} else if (q->status == 404)
		rc = store_plan_outcome(on->ck.st, on->ck.ri->id, f->row,
		    OUTCOME_NOT_FOUND, 0, 0, 404, "no such customer (HTTP 404)",
		    NULL, &on->err);
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
		    OUTCOME_FAILED, 0, 0, q->status, msg, NULL, &on->err);
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

/* The rules for rr's country are decided: the rows that waited for them
 * are planned. */
static void
unpark(struct online *on, struct rules_read *rr)
{
	struct fetch	*f;

	rr->done = 1;
	while ((f = rr->parked) != NULL) {
		rr->parked = f->next;
		if (!on->failed && on->stop_code == 0 &&
		    plan_account(on, f, f->row, f->req.resp,
		    f->req.resplen, f->req.etag, NULL) == -1) {
			on->failed = 1;
			client_stop(on->cl);
		}
		client_req_clear(&f->req);
		free(f);
	}
}

static void
rules_read(struct client_req *q, void *arg)
{
	struct rules_read	*rr = arg;
	struct online		*on = rr->on;
	struct country_rules	*r = NULL;
	struct tm		 tm;
	time_t			 now;
	char			 read_at[32];

	switch (q->fate) {
	case CLIENT_STOPPED:
	case CLIENT_AUTH:
	case CLIENT_WAIT:
		(void)stopping(on, q);
		break;
	case CLIENT_DONE:
		/* The partner's rights refused: the check stops. */
		if (stopping(on, q))
			break;
		/* FALLTHROUGH */
	case CLIENT_UNREACHABLE:
	case CLIENT_UNKNOWN:
		/* Any other answer: the kept or bundled rules stand in. */
		if (q->fate == CLIENT_DONE && q->status == 200 &&
		    q->resp != NULL) {
			now = time(NULL);
			gmtime_r(&now, &tm);
			strftime(read_at, sizeof read_at, "%Y-%m-%dT%H:%M:%SZ",
			    &tm);
			r = parse_rules(rr->cc, q->resp, q->resplen, read_at);
			if (r != NULL && store_country_rules_put(on->ck.st,
			    r->iso2, q->resp, read_at, &on->err) == -1) {
				country_rules_free(r);
				on->failed = 1;
				client_stop(on->cl);
				break;
			}
		}
		if (r != NULL)
			country_book_put(on->rules.book, r);
		else
			(void)checking_rules_get(&on->rules, rr->cc);
		unpark(on, rr);
		break;
	}
	client_req_clear(q);
}

/* Asks the service for cc's rules, once a check. */
static void
read_rules(struct online *on, const char *cc)
{
	struct rules_read	*rr;

	for (rr = on->reads; rr != NULL; rr = rr->next)
		if (strcasecmp(rr->cc, cc) == 0)
			return;
	rr = xcalloc(1, sizeof *rr);
	rr->on = on;
	rr->cc[0] = (char)toupper((unsigned char)cc[0]);
	rr->cc[1] = (char)toupper((unsigned char)cc[1]);
	rr->next = on->reads;
	on->reads = rr;
	rr->req.method = CLIENT_GET;
	snprintf(rr->req.path, sizeof rr->req.path,
	    "/v1/countryvalidationrules/%s", rr->cc);
	client_add(on->cl, &rr->req, rules_read, rr);
}

static int
add_country(const char *cc, void *arg)
{
	read_rules(arg, cc);
	return 0;
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
		    NULL, &on->err);
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
	struct online		 on;
	struct rules_read	*rr;
	struct fetch		*f;
	int			 rc = -1;

	memset(res, 0, sizeof *res);
	memset(&on, 0, sizeof on);
	on.ck.st = st;
	on.ck.ri = ri;
	on.ck.res = res;
	on.cl = cl;
	on.pf = pf;
	if (checking_refuse_sent(st, ri, err) == -1 ||
	    checking_rules_init(&on.rules, st, err) == -1 ||
	    checking_wants(st, ri, 0, &on.ck.ws, err) == -1)
		goto out;
	if (store_plan_begin(st, ri, 0, err) == -1)
		goto out;
	/* The rules of the countries the rows name are read first, with the
	 * accounts; an account in another country asks for its own. */
	if (store_run_countries(st, ri, add_country, &on, err) == -1) {
		store_rollback(st);
		goto out;
	}
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
	while ((rr = on.reads) != NULL) {
		on.reads = rr->next;
		while ((f = rr->parked) != NULL) {
			rr->parked = f->next;
			client_req_clear(&f->req);
			free(f);
		}
		client_req_clear(&rr->req);
		free(rr);
	}
	checking_rules_free(&on.rules);
	checking_wants_free(&on.ck.ws);
	free(on.ck.buf);
	return rc;
}
