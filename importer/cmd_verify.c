/*
 * cmd_verify.c: importer verify [RUN]: the run's writes against the
 * service's own activity log (GET /v1/auditrecords, partner-center-api.md
 * §15), independent evidence of what the service did. Each applied row
 * is matched with an update_customer_billing_profile record for its
 * customer (with the run's MS-CorrelationId where the record carries
 * one); a record for a run customer that no applied row accounts for is
 * a write we did not make. The result is kept (store_verify_save) for the
 * report.
 */
#include "config.h"

#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "client.h"
#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "service.h"
#include "store.h"
#include "xmalloc.h"

/* The activity log keeps 90 days; a start date older is a 400. */
#define VERIFY_KEEP_DAYS	90
/* Clock allowance before the first write sent: the service stamps its
 * records with its own clock. */
#define VERIFY_SKEW		300
#define VERIFY_PAGE		500
/* Pages read at most: a service that keeps answering "next" is stopped. */
#define VERIFY_MAX_PAGES	20000
/* Row messages printed without -v. */
#define VERIFY_SHOWN		50

#define VERIFY_OPERATION	"update_customer_billing_profile"

static int	cmd_verify_exec(int, char **);

const struct cmd_entry cmd_verify_entry = {
	"verify",
	"verify [RUN] [--endpoint URL]",
	"match the run's writes with the service's activity log: matched, "
	"missing, unexpected",
	NULL,
	CMD_SERVICE,
	NULL,
	NULL,
	cmd_verify_exec
};

/* A row of the run that names a customer. */
struct vrow {
	int64_t		 row;
	int64_t		 line;
	char		 cid[40];	/* lower case */
	int		 applied;
	int		 matched;
	json_t		*record;	/* the matching one, borrowed */
};

struct verify {
	struct vrow	*rows;
	size_t		 n, cap;
	json_t		*records;	/* the run customers' records */
	int64_t		 read;		/* every record read */
	time_t		 start;
	char		 corr[128];
	struct store_verify_row *out;
	const struct vrow **who;	/* out[i]'s row */
	size_t		 nout, capout;
	char		**others;	/* other runs' correlation ids */
	size_t		 nothers;
};

static int
add_row(int64_t row, int64_t line, const char *cid, int applied, void *arg)
{
	struct verify	*v = arg;
	struct vrow	*r;
	char		*p;

	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->rows = xreallocarray(v->rows, v->cap, sizeof *v->rows);
	}
	r = &v->rows[v->n++];
	memset(r, 0, sizeof *r);
	r->row = row;
	r->line = line;
	r->applied = applied;
	snprintf(r->cid, sizeof r->cid, "%s", cid);
	for (p = r->cid; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

static int
by_cid(const void *a, const void *b)
{
	const struct vrow	*x = a, *y = b;
	int			 c = strcmp(x->cid, y->cid);

	if (c != 0)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* The first row of customer cid (in line order), or NULL. */
static struct vrow *
find_customer(const struct verify *v, const char *cid)
{
	char	 key[40], *p;
	size_t	 lo = 0, hi = v->n, mid;

	snprintf(key, sizeof key, "%s", cid);
	for (p = key; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(v->rows[mid].cid, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < v->n && strcmp(v->rows[lo].cid, key) == 0)
		return &v->rows[lo];
	return NULL;
}

/* An ISO 8601 UTC time (fractions and zone letter ignored): 0, or -1. */
static int
parse_time(const char *s, time_t *t)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec) != 6)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	*t = timegm(&tm);
	return 0;
}

/* A UTC day (YYYY-MM-DD), or with day 0 a time (ISO 8601). */
static void
format_time(time_t t, int day, char *buf, size_t size)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	if (day)
		strftime(buf, size, "%Y-%m-%d", &tm);
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
jstr(const json_t *o, const char *key)
{
	const char	*s = json_string_value(json_object_get(o, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* Keeps the page's records that are writes to a run customer in the
 * window; returns its next page's path and token, or "" at the end. */
static int
take_page(struct verify *v, const char *base, const char *body, size_t len,
    char *next, size_t nextsize, char *token, size_t tokensize,
    struct imp_err *err)
{
	json_t		*o, *items, *it, *l, *h;
	const char	*uri, *op, *cid;
	json_error_t	 je;
	time_t		 t;
	size_t		 i, bl;

	next[0] = token[0] = '\0';
	/* The China cloud starts its bodies with a BOM. */
	if (len >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0) {
		body += 3;
		len -= 3;
	}
	o = json_loadb(body, len, 0, &je);
	items = json_object_get(o, "items");
	if (o == NULL || !json_is_array(items)) {
		json_decref(o);
		return imp_errf(err, IMP_EXIT_UNAVAILABLE, "the service's "
		    "answer to GET /v1/auditrecords is not a collection of "
		    "activity records; nothing was verified");
	}
	json_array_foreach(items, i, it) {
		v->read++;
		op = jstr(it, "operationType");
		cid = jstr(it, "customerId");
		if (op == NULL || strcasecmp(op, VERIFY_OPERATION) != 0 ||
		    cid == NULL || find_customer(v, cid) == NULL)
			continue;
		if (parse_time(jstr(it, "operationDate"), &t) == 0 &&
		    t < v->start)
			continue;
		json_array_append(v->records, it);
	}
	l = json_object_get(json_object_get(o, "links"), "next");
	uri = jstr(l, "uri");
	if (uri != NULL) {
		/* Relative, with or without /v1; or absolute at the base. */
		bl = strlen(base);
		if (strncmp(uri, base, bl) == 0)
			uri += bl;
		if (strncmp(uri, "/v1/", 4) == 0)
			snprintf(next, nextsize, "%s", uri);
		else
			snprintf(next, nextsize, "/v1%s%s", *uri == '/' ? "" :
			    "/", uri);
		json_array_foreach(json_object_get(l, "headers"), i, h)
			if (jstr(h, "key") != NULL && jstr(h, "value") !=
			    NULL && strcasecmp(jstr(h, "key"),
			    "MS-ContinuationToken") == 0)
				snprintf(token, tokensize, "%s",
				    jstr(h, "value"));
		if (token[0] == '\0' && jstr(o, "continuationToken") != NULL)
			snprintf(token, tokensize, "%s",
			    jstr(o, "continuationToken"));
	}
	json_decref(o);
	return 0;
}

static void
page_done(struct client_req *req, void *arg)
{
	(void)req;
	(void)arg;
}

/* Reads every page of the log from day d0 to d1. 0, or -1 with err. */
static int
read_log(struct verify *v, struct service *sv, const char *d0,
    const char *d1, struct imp_err *err)
{
	struct client_req	*req;
	char			 next[sizeof req->path];
	uint64_t		*seen, h;
	const unsigned char	*c;
	int			 pages, k, rc = -1;

	req = xcalloc(1, sizeof *req);
	snprintf(req->path, sizeof req->path, "/v1/auditrecords?startDate=%s"
	    "&endDate=%s&size=%d", d0, d1, VERIFY_PAGE);
	seen = xcalloc(VERIFY_MAX_PAGES, sizeof *seen);
	for (pages = 0; pages < VERIFY_MAX_PAGES; pages++) {
		req->method = CLIENT_GET;
		client_add(sv->client, req, page_done, NULL);
		if (client_run(sv->client, err) == -1)
			goto out;
		switch (req->fate) {
		case CLIENT_DONE:
			break;
		case CLIENT_AUTH:
			imp_errf(err, IMP_EXIT_NOPERM, "the service refused "
			    "the token (HTTP 401); %.200s; nothing was "
			    "verified", req->error);
			goto out;
		case CLIENT_WAIT:
			client_wait_text(req, next, sizeof next);
			imp_errf(err, IMP_EXIT_UNAVAILABLE, "%s; nothing was "
			    "verified: try again later", next);
			goto out;
		default:
			imp_errf(err, IMP_EXIT_UNAVAILABLE, "reading the "
			    "activity log failed: %.200s; nothing was "
			    "verified: try again later", req->error[0] ?
			    req->error : "no answer");
			goto out;
		}
		if (req->status == 401 || req->status == 403) {
			imp_errf(err, IMP_EXIT_NOPERM, "the service refused to "
			    "show its activity log (HTTP %ld): %.300s; "
			    "nothing was verified", req->status,
			    req->resp != NULL ? req->resp : "");
			goto out;
		}
		if (req->status == 400) {
			imp_errf(err, IMP_EXIT_DATAERR, "the service refused "
			    "the activity log's query (HTTP 400): %.300s; "
			    "nothing was verified", req->resp != NULL ?
			    req->resp : "");
			goto out;
		}
		if (req->status != 200 || req->resp == NULL) {
			imp_errf(err, IMP_EXIT_UNAVAILABLE, "reading the "
			    "activity log failed: HTTP %ld; nothing was "
			    "verified: try again later", req->status);
			goto out;
		}
		if (take_page(v, sv->base, req->resp, req->resplen, next,
		    sizeof next, req->continuation,
		    sizeof req->continuation, err) == -1)
			goto out;
		client_req_clear(req);
		if (next[0] == '\0') {
			rc = 0;
			goto out;
		}
		/* A page seen before, however many pages ago: the log goes
		 * round in a circle. (FNV-1a of the next link and token.) */
		h = 14695981039346656037ULL;
		for (c = (const unsigned char *)next; *c != '\0'; c++)
			h = (h ^ *c) * 1099511628211ULL;
		for (c = (const unsigned char *)req->continuation; *c != '\0';
		    c++)
			h = (h ^ *c) * 1099511628211ULL;
		for (k = 0; k < pages && seen[k] != h; k++)
			;
		if (k < pages) {
			imp_errf(err, IMP_EXIT_UNAVAILABLE, "the activity log "
			    "gave a page it gave before; nothing was "
			    "verified");
			goto out;
		}
		seen[pages] = h;
		snprintf(req->path, sizeof req->path, "%s", next);
		req->request_id[0] = '\0';
	}
	imp_errf(err, IMP_EXIT_UNAVAILABLE, "the activity log did not end "
	    "after %d pages; nothing was verified", VERIFY_MAX_PAGES);
out:
	client_req_clear(req);
	free(req);
	free(seen);
	return rc;
}

static void
add_out(struct verify *v, const struct vrow *r, const char *cid,
    const char *state, const json_t *rec)
{
	struct store_verify_row	*o;

	if (v->nout == v->capout) {
		v->capout = v->capout ? v->capout * 2 : 64;
		v->out = xreallocarray(v->out, v->capout, sizeof *v->out);
		v->who = xreallocarray(v->who, v->capout, sizeof *v->who);
	}
	v->who[v->nout] = r;
	o = &v->out[v->nout++];
	o->row = r->row;
	o->customer_id = cid;
	o->state = state;
	o->record = rec != NULL ? json_dumps(rec, JSON_COMPACT) : NULL;
}

/* An applied, unmatched row of the record's customer, or NULL. */
static struct vrow *
open_row(struct verify *v, const char *cid)
{
	struct vrow	*r = find_customer(v, cid);

	for (; r != NULL && r < v->rows + v->n &&
	    strcasecmp(r->cid, cid) == 0; r++)
		if (r->applied && !r->matched)
			return r;
	return NULL;
}

/*
 * Records with the run's correlation id match first; then, when no
 * record carries it (a service that does not keep it), those that carry
 * none; a record left over, or with another correlation id, is a write
 * we did not make.
 */
static void
match(struct verify *v, struct store_verify *res)
{
	json_t		*rec;
	struct vrow	*r;
	const char	*corr;
	size_t		 i, pass, k;
	char		*used;
	int		 ours;

	/* A service that keeps correlation ids keeps ours: then a record
	 * without one is not ours. */
	ours = 0;
	json_array_foreach(v->records, i, rec) {
		corr = jstr(rec, "originalCorrelationId");
		if (corr != NULL && v->corr[0] != '\0' &&
		    strcasecmp(corr, v->corr) == 0)
			ours = 1;
	}
	used = xcalloc(json_array_size(v->records) + 1, 1);
	for (pass = 0; pass < (ours ? 1U : 2U); pass++)
		json_array_foreach(v->records, i, rec) {
			corr = jstr(rec, "originalCorrelationId");
			if (used[i] || (pass == 0 && (corr == NULL ||
			    v->corr[0] == '\0' ||
			    strcasecmp(corr, v->corr) != 0)) ||
			    (pass == 1 && corr != NULL))
				continue;
			r = open_row(v, jstr(rec, "customerId"));
			if (r == NULL)
				continue;
			r->matched = 1;
			r->record = rec;
			used[i] = 1;
		}
	for (i = 0; i < v->n; i++) {
		r = &v->rows[i];
		if (!r->applied)
			continue;
		if (r->matched) {
			res->matched++;
			add_out(v, r, r->cid, "matched", r->record);
		} else {
			res->missing++;
			add_out(v, r, r->cid, "missing", NULL);
		}
	}
	json_array_foreach(v->records, i, rec) {
		if (used[i])
			continue;
		/* Another run of ours wrote it (the window runs to now, and
		 * next month's run writes to the same customers). */
		corr = jstr(rec, "originalCorrelationId");
		for (k = 0; corr != NULL && k < v->nothers; k++)
			if (strcasecmp(corr, v->others[k]) == 0)
				break;
		if (corr != NULL && k < v->nothers) {
			res->other_runs++;
			continue;
		}
		r = find_customer(v, jstr(rec, "customerId"));
		res->unexpected++;
		add_out(v, r, r->cid, "unexpected", rec);
	}
	free(used);
}

/* One line per missing or unexpected row, as the row messages go. */
static void
print_rows(const struct verify *v, const char *file)
{
	const struct store_verify_row	*o;
	const struct vrow		*r;
	json_t				*rec;
	const char			*corr;
	size_t				 i, shown = 0, left = 0;
	int				 ours;

	for (i = 0; i < v->nout; i++) {
		o = &v->out[i];
		if (strcmp(o->state, "matched") == 0)
			continue;
		if (!imp_opts.verbose && shown == VERIFY_SHOWN) {
			left++;
			continue;
		}
		shown++;
		r = v->who[i];
		if (strcmp(o->state, "missing") == 0) {
			fprintf(stderr, "importer: %s: row %lld, customer %s: "
			    "verify-missing: applied, but the service's "
			    "activity log has no " VERIFY_OPERATION " record "
			    "of it (a write that did not land, or a log that "
			    "lags: verify again later)\n", file,
			    (long long)r->line, o->customer_id);
			continue;
		}
		rec = json_loads(o->record, 0, NULL);
		corr = jstr(rec, "originalCorrelationId");
		ours = corr != NULL && v->corr[0] != '\0' &&
		    strcasecmp(corr, v->corr) == 0;
		fprintf(stderr, "importer: %s: row %lld, customer %s: "
		    "verify-unexpected: %s: by %s at %s, correlation id %s%s\n",
		    file, (long long)r->line, o->customer_id, ours ?
		    "a write with this run's correlation id that no applied "
		    "row accounts for" : "a write this run did not make",
		    jstr(rec, "userPrincipalName") != NULL ?
		    jstr(rec, "userPrincipalName") : "(unknown)",
		    jstr(rec, "operationDate") != NULL ?
		    jstr(rec, "operationDate") : "(no date)",
		    corr != NULL ? corr : "(none)", r->applied ?
		    " (after or beside ours: check the account)" :
		    " (the row was not applied)");
		json_decref(rec);
	}
	if (left > 0)
		fprintf(stderr, "importer: %zu more rows not shown: -v shows "
		    "all\n", left);
}

static json_t *
result_json(const struct verify *v, const struct store_verify *res)
{
	json_t		*o = json_object(), *a = json_array(), *x, *rec;
	size_t		 i;

	json_object_set_new(o, "run", json_integer(res->run));
	json_object_set_new(o, "verified", json_boolean(res->note[0] ==
	    '\0'));
	if (res->note[0] != '\0') {
		json_object_set_new(o, "note", json_string(res->note));
		return o;
	}
	json_object_set_new(o, "window_start",
	    json_string(res->window_start));
	json_object_set_new(o, "window_end", json_string(res->window_end));
	json_object_set_new(o, "records", json_integer(res->records));
	json_object_set_new(o, "applied", json_integer(res->matched +
	    res->missing));
	json_object_set_new(o, "matched", json_integer(res->matched));
	json_object_set_new(o, "missing", json_integer(res->missing));
	json_object_set_new(o, "unexpected", json_integer(res->unexpected));
	json_object_set_new(o, "other_runs", json_integer(res->other_runs));
	for (i = 0; i < v->nout; i++) {
		x = json_object();
		json_object_set_new(x, "row", json_integer(v->who[i]->line));
		json_object_set_new(x, "customer_id",
		    json_string(v->out[i].customer_id));
		json_object_set_new(x, "state", json_string(v->out[i].state));
		if (v->out[i].record != NULL &&
		    (rec = json_loads(v->out[i].record, 0, NULL)) != NULL)
			json_object_set_new(x, "record", rec);
		json_array_append_new(a, x);
	}
	json_object_set_new(o, "rows", a);
	return o;
}

static int
cmd_verify_exec(int argc, char **argv)
{
	struct store_verify_window	 w;
	struct store_verify		 res;
	struct store_runinfo		 ri;
	struct verify			 v;
	struct profile			 pf;
	struct imp_err			 err;
	struct cmd_opts			 opts;
	struct service			 sv;
	struct store			*st = NULL;
	char				 d0[16], d1[16], when[32];
	int64_t				 run;
	time_t				 now, first;
	size_t				 i;
	int				 c, rc;

	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	memset(&opts, 0, sizeof opts);
	memset(&sv, 0, sizeof sv);
	memset(&v, 0, sizeof v);
	memset(&res, 0, sizeof res);
	/* No options of its own: anything but the end is CMD_EXIT. */
	while ((c = cmd_getopt(&cmd_verify_entry, argc, argv, &opts)) != -1)
		return opts.exit;
	if ((rc = cmd_run_operand(&cmd_verify_entry, argc, argv, &run)) != 0)
		return rc;
	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_lock(st, &err) == -1 ||
	    store_run_info(st, run, &ri, &err) == -1 ||
	    store_verify_window(st, ri.id, &w, &err) == -1)
		goto fail;
	res.run = ri.id;
	if (w.first_sent[0] == '\0' || parse_time(w.first_sent, &first) ==
	    -1) {
		imp_errf(&err, IMP_EXIT_USAGE, "run %lld has sent nothing "
		    "('importer submit' first): nothing to verify",
		    (long long)ri.id);
		goto fail;
	}
	/* 21Vianet: the docs' "Applies to" leaves the activity log out.
	 * Nothing failed, and there is nothing to check against: 0. */
	if (pf.cloud != NULL && strcmp(pf.cloud, "china") == 0) {
		snprintf(res.note, sizeof res.note, "not verified: the China "
		    "cloud (Partner Center operated by 21Vianet) has no "
		    "activity log");
		if (store_verify_save(st, &res, NULL, 0, &err) == -1)
			goto fail;
		if ((rc = cmd_audit(st, "verify", ri.id, json_pack("{s:s}",
		    "note", res.note))) != 0)
			goto out;
		if (imp_opts.json)
			cmd_json_print(result_json(&v, &res));
		else if (!imp_opts.quiet)
			printf("run %lld %s: the service's documentation of "
			    "its activity log (GET /v1/auditrecords) leaves "
			    "the China cloud out; nothing was verified\n",
			    (long long)ri.id, res.note);
		rc = IMP_EXIT_OK;
		goto out;
	}
	now = time(NULL);
	if (first < now - (time_t)VERIFY_KEEP_DAYS * 86400) {
		format_time(first, 1, d0, sizeof d0);
		imp_errf(&err, IMP_EXIT_DATAERR, "run %lld wrote on %s, more "
		    "than %d days ago: the service's activity log keeps %d "
		    "days, so it can no longer confirm this run's writes; "
		    "nothing was verified", (long long)ri.id, d0,
		    VERIFY_KEEP_DAYS, VERIFY_KEEP_DAYS);
		goto fail;
	}
	/* The window: from the first write (less the clock allowance, not
	 * before the log's first day) to now, so that a later change made
	 * in the portal shows too. The query takes whole UTC days. */
	v.start = first - VERIFY_SKEW;
	if (v.start < now - (time_t)VERIFY_KEEP_DAYS * 86400)
		v.start = now - (time_t)VERIFY_KEEP_DAYS * 86400;
	format_time(v.start, 1, d0, sizeof d0);
	format_time(now, 1, d1, sizeof d1);
	format_time(v.start, 0, res.window_start,
	    sizeof res.window_start);
	format_time(now, 0, res.window_end,
	    sizeof res.window_end);
	snprintf(v.corr, sizeof v.corr, "%s", w.correlation_id);
	if (store_verify_rows(st, &ri, add_row, &v, &err) == -1)
		goto fail;
	qsort(v.rows, v.n, sizeof *v.rows, by_cid);
	if (store_other_correlations(st, ri.id, &v.others, &v.nothers,
	    &err) == -1)
		goto fail;
	v.records = json_array();
	if (service_open(&sv, &opts.submit.sa, &pf, NULL, &err) == -1 ||
	    read_log(&v, &sv, d0, d1, &err) == -1)
		goto fail;
	res.records = v.read;
	match(&v, &res);
	if (store_verify_save(st, &res, v.out, v.nout, &err) == -1)
		goto fail;
	if ((rc = cmd_audit(st, "verify", ri.id, json_pack("{s:s, s:s, s:I, "
	    "s:I, s:I, s:I}", "window_start", res.window_start, "window_end",
	    res.window_end, "records", (json_int_t)res.records, "matched",
	    (json_int_t)res.matched, "missing", (json_int_t)res.missing,
	    "unexpected", (json_int_t)res.unexpected))) != 0)
		goto out;
	if (imp_opts.json)
		cmd_json_print(result_json(&v, &res));
	else if (!imp_opts.quiet) {
		print_rows(&v, ri.file);
		format_time(now, 0, when, sizeof when);
		printf("verified run %lld against the activity log of %s "
		    "(%s to %s, %lld record%s read)\n", (long long)ri.id,
		    sv.base, res.window_start, when, (long long)res.records,
		    res.records == 1 ? "" : "s");
		printf("  %lld applied row%s: %lld matched, %lld missing; "
		    "%lld unexpected write%s to the run's customers\n",
		    (long long)(res.matched + res.missing),
		    res.matched + res.missing == 1 ? "" : "s",
		    (long long)res.matched, (long long)res.missing,
		    (long long)res.unexpected, res.unexpected == 1 ? "" :
		    "s");
		if (res.other_runs > 0)
			printf("  %lld write%s by this database's other runs "
			    "to the same customers, not counted\n",
			    (long long)res.other_runs, res.other_runs == 1 ?
			    "" : "s");
		if (res.missing == 0 && res.unexpected == 0)
			printf("  the service's log confirms every write of "
			    "the run\n");
	}
	rc = res.missing == 0 && res.unexpected == 0 ? IMP_EXIT_OK :
	    IMP_EXIT_ROWS;
	goto out;
fail:
	rc = cmd_fail(&err);
out:
	for (i = 0; i < v.nothers; i++)
		free(v.others[i]);
	free(v.others);
	for (i = 0; i < v.nout; i++)
		free(v.out[i].record);
	free(v.out);
	free(v.who);
	free(v.rows);
	json_decref(v.records);
	service_close(&sv);
	store_close(st);
	profile_free(&pf);
	return rc;
}
