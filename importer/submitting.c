/*
 * submitting.c: the submit step. Rows are taken up in batches: a batch is
 * marked 'sending' and committed, then its requests go to the client; each
 * answer moves its row on (applied, failed, conflict, not_found, or back to
 * pending), committed as soon as the client has handed out the answers of
 * that round.
 *
 * A row whose fate is unknown (reply lost, 5xx, left 'sending' by a
 * crash) and a row whose etag went stale are re-read before anything is
 * sent again, and compared three ways: the value at check, the value now,
 * the value wanted, for every property a PUT writes (a contact name in the
 * profile and in its defaultAddress). Wanted already there: nothing is
 * sent; the row is applied when a write of ours may have landed, else
 * unchanged (someone else made the same change). What may have landed is
 * evidence kept with the row (store_submit_answered): a PUT in flight, a
 * 2xx, a 5xx or no answer may have; a 412 proves it did not. A field this
 * row changes was changed by someone else: conflict, nothing sent.
 * Otherwise the row's fields are put on top of the account as it is now,
 * so that changes to other fields survive. No PUT leaves without the
 * account's etag in If-Match.
 */
#include "config.h"

#include "submitting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "billing.h"
#include "colmap.h"
#include "norm.h"
#include "plan.h"
#include "xmalloc.h"

enum job_phase {
	JOB_PUT,	/* the write */
	JOB_FETCH,	/* the account, when check read a snapshot */
	JOB_REREAD,	/* after a stale etag or an unknown fate */
	JOB_CONFIRM	/* after a 200 whose body did not show the values */
};

struct job {
	struct store_submit_row	 r;
	struct client_req	 req;
	enum job_phase		 phase;
	int			 merges;
	int			 merged;	/* counted in res->merged */
	int			 no_etag;	/* reads that gave no etag */
	int			 maybe_written;	/* a PUT may have landed */
	struct submitting	*sb;
};

struct submitting {
	struct store			*st;
	const struct store_runinfo	*ri;
	struct client			*cl;
	const struct submitting_opts	*opts;
	struct submitting_result	*res;
	int64_t				*rows;
	size_t				 nrows, next;
	int				 in_tx;
	int				 feeding;	/* in feed() */
	int				 failed;
	struct imp_err			 err;
	time_t				 last_progress;
	time_t				 started;
	int64_t				 done;
};

/* Commits the results so far (and opens no new transaction). */
static int
flush(struct submitting *sb)
{
	if (!sb->in_tx)
		return 0;
	sb->in_tx = 0;
	return store_commit(sb->st, &sb->err);
}

static int
tx(struct submitting *sb)
{
	if (sb->in_tx)
		return 0;
	if (store_begin(sb->st, &sb->err) == -1)
		return -1;
	sb->in_tx = 1;
	return 0;
}

static void
fail_run(struct submitting *sb)
{
	sb->failed = 1;
	client_stop(sb->cl);
}

static void
job_free(struct job *j)
{
	store_submit_row_free(&j->r);
	client_req_clear(&j->req);
	free(j->req.body);
	free(j);
}

static void	on_done(struct client_req *, void *);
static void	send_read(struct submitting *, struct job *, enum job_phase);
static void	settle(struct submitting *, struct job *, enum outcome, int,
		    const char *, const char *, const char *);

/*
 * The PUT of the row's planned values on top of body, conditional on etag.
 * Without an etag nothing is sent: the account is read again for one (a
 * PUT without If-Match could write over someone else's change), and the
 * row fails if the service gives none twice.
 */
static void
send_put(struct submitting *sb, struct job *j, const char *body,
    const char *etag, int new_id)
{
	if (etag == NULL || *etag == '\0') {
		if (j->no_etag++ < 2) {
			send_read(sb, j, JOB_REREAD);
			return;
		}
		settle(sb, j, OUTCOME_FAILED, 1, NULL, "the service gave no "
		    "etag for the account, so it could not be written safely "
		    "(If-Match); nothing was sent", NULL);
		return;
	}
	if (strlen(etag) >= sizeof j->req.if_match) {
		settle(sb, j, OUTCOME_FAILED, 0, NULL, "the service's etag for "
		    "the account is too long to send back whole (If-Match); "
		    "nothing was sent", NULL);
		return;
	}
	free(j->req.body);
	j->req.body = billing_put_body(body, (const char *const *)j->r.want,
	    j->r.planned, etag, &sb->err);
	if (j->req.body == NULL) {
		fail_run(sb);
		job_free(j);
		return;
	}
	j->phase = JOB_PUT;
	j->req.method = CLIENT_PUT;
	snprintf(j->req.if_match, sizeof j->req.if_match, "%s",
	    etag != NULL ? etag : "");
	if (new_id)
		j->req.request_id[0] = '\0';
	/* Queued only: it leaves when the client next starts requests. */
	client_add(sb->cl, &j->req, on_done, j);
	/*
	 * In flight on disk before it leaves: a PUT sent on top after a
	 * read is marked while answers are being handled, and a slot freed
	 * by another answer of the same round may send it at once, so its
	 * mark is committed now (a batch's are, before the feeder returns).
	 */
	if (tx(sb) == 0 && j->req.request_id[0] != '\0') {
		store_submit_mark(sb->st, j->r.row, j->req.request_id, NULL);
		if (!sb->feeding && flush(sb) == -1)
			fail_run(sb);
	}
}

static void
send_read(struct submitting *sb, struct job *j, enum job_phase phase)
{
	j->phase = phase;
	j->req.method = CLIENT_GET;
	j->req.if_match[0] = '\0';
	j->req.request_id[0] = '\0';
	client_add(sb->cl, &j->req, on_done, j);
}

/*
 * Ends a row: its outcome goes into the open transaction. retryable: a
 * failure that may pass, which retry sends again.
 */
static void
settle(struct submitting *sb, struct job *j, enum outcome state,
    int retryable, const char *code, const char *message, const char *etag)
{
	if (tx(sb) == -1 || store_submit_result(sb->st, j->r.row, state,
	    retryable, j->maybe_written, j->req.status, code, message, etag,
	    &sb->err) == -1) {
		fail_run(sb);
		job_free(j);
		return;
	}
	sb->res->settled.n[state]++;
	if (state != OUTCOME_PENDING)
		sb->done++;
	job_free(j);
}

/*
 * Nonzero if the account holds every planned value of the row, wherever a
 * PUT writes it (a contact name in defaultAddress too, where it has one).
 */
static int
holds_wanted(const struct store_submit_row *r,
    const struct billing_profile *now)
{
	int	col;

	for (col = 1; col < COL_COUNT; col++) {
		if (!(r->planned & (1u << col)))
			continue;
		if (plan_compare(col, r->want[col], now->field[col]) ==
		    PLAN_CHANGE)
			return 0;
		if (now->contact[col] != NULL && plan_compare(col,
		    r->want[col], now->contact[col]) == PLAN_CHANGE)
			return 0;
	}
	return 1;
}

/*
 * Nonzero if someone else changed col since check: its value at check
 * against its value now, in each place a PUT writes it. at_check is the
 * account as check read it (NULL: a snapshot, which has one value a
 * column, the plan's old one).
 */
static int
changed_since(const struct job *j, const struct billing_profile *at_check,
    const struct billing_profile *now, int col)
{
	const char	*then = j->r.at_check[col] != NULL ?
	    j->r.at_check[col] : "";
	const char	*then_addr;

	if (plan_compare(col, then, now->field[col]) == PLAN_CHANGE)
		return 1;
	if (column_info[col].place != COLUMN_CONTACT)
		return 0;
	then_addr = at_check != NULL && at_check->contact[col] != NULL ?
	    at_check->contact[col] : then;
	return plan_compare(col, then_addr, now->contact[col] != NULL ?
	    now->contact[col] : "") == PLAN_CHANGE;
}

/* "the service stored X for F (wanted Y)", for a read-back mismatch. */
static void
stored_message(const struct job *j, const struct billing_profile *now,
    char *buf, size_t len)
{
	size_t	o;
	int	col;

	o = snprintf(buf, len, "the service stored other values:");
	for (col = 1; col < COL_COUNT && o < len; col++) {
		if (!(j->r.planned & (1u << col)) ||
		    plan_compare(col, j->r.want[col], now->field[col]) !=
		    PLAN_CHANGE)
			continue;
		o += snprintf(buf + o, len - o, " %s '%s' (wanted '%s')",
		    plan_field_name(col), now->field[col] != NULL ?
		    now->field[col] : "", j->r.want[col]);
	}
	norm_fit(buf);	/* values cut whole */
}

/* After a read: applied, conflict, failed, or the row sent on top. */
static void
decide(struct submitting *sb, struct job *j)
{
	struct billing_profile	 now, then;
	struct imp_err		 e;
	json_t			*o, *c;
	char			 msg[256];
	int			 col, conflict = 0, read_then = 0, have_then = 0;

	billing_init(&now);
	billing_init(&then);
	o = billing_json_load(j->req.resp != NULL ? j->req.resp : "",
	    j->req.resplen, &e);
	if (o == NULL || billing_from_json(o, &now, &e) == -1) {
		json_decref(o);
		billing_clear(&now);
		settle(sb, j, OUTCOME_FAILED, 0, NULL, "the service's reply is "
		    "not a billing profile", NULL);
		return;
	}
	if (holds_wanted(&j->r, &now)) {
		/*
		 * Ours if a write of ours may have landed (a reply lost, a
		 * 5xx, a 2xx without a body, a PUT in flight at a crash);
		 * else someone else made the same change, or the snapshot
		 * was old: nothing of ours was written. A 412 is proof that
		 * a PUT did not land.
		 */
		if (j->maybe_written)
			settle(sb, j, OUTCOME_APPLIED, 0, NULL, j->phase ==
			    JOB_CONFIRM ? NULL : "confirmed by reading the "
			    "account back", now.etag != NULL ? now.etag :
			    j->req.etag);
		else {
			sb->res->already++;
			settle(sb, j, OUTCOME_UNCHANGED, 0, NULL, j->phase ==
			    JOB_FETCH ? "the account already held the wanted "
			    "values when submit read it" : "someone else made "
			    "the same change; nothing of ours was written",
			    NULL);
		}
		goto out;
	}
	if (j->phase == JOB_CONFIRM) {
		stored_message(j, &now, msg, sizeof msg);
		settle(sb, j, OUTCOME_FAILED, 0, NULL, msg, NULL);
		goto out;
	}
	/* Someone else changed a field this row changes: theirs stays. */
	for (col = 1; col < COL_COUNT; col++) {
		if (!(j->r.planned & (1u << col)))
			continue;
		/* A contact name's address copy at check: in the account
		 * as check read it, parsed once, when it is needed. */
		if (column_info[col].place == COLUMN_CONTACT && !read_then &&
		    j->r.body != NULL) {
			read_then = 1;
			c = billing_json_load(j->r.body, strlen(j->r.body), &e);
			have_then = c != NULL &&
			    billing_from_json(c, &then, &e) == 0;
			json_decref(c);
		}
		if (!changed_since(j, have_then ? &then : NULL, &now, col))
			continue;
		conflict = 1;
		if (store_submit_conflict(sb->st, j->r.row, col,
		    j->r.at_check[col], now.field[col], j->r.want[col],
		    &sb->err) == -1) {
			fail_run(sb);
			job_free(j);
			goto out;
		}
	}
	if (conflict) {
		snprintf(msg, sizeof msg, "someone else changed this account "
		    "since check; nothing was written (see the conflict's "
		    "values)");
		settle(sb, j, OUTCOME_CONFLICT, 0, NULL, msg, NULL);
		goto out;
	}
	if (j->merges++ >= sb->opts->merges) {
		settle(sb, j, OUTCOME_FAILED, 1, NULL, "the account kept "
		    "changing while we wrote to it; retry later", NULL);
		goto out;
	}
	/* Only other fields changed: ours on top of the account now. */
	if (j->phase == JOB_REREAD && !j->maybe_written && !j->merged) {
		sb->res->merged++;	/* rows, not attempts */
		j->merged = 1;
	}
	{
		char	*body = j->req.resp;
		char	*etag = xstrdup(now.etag != NULL ? now.etag :
		    j->req.etag);

		j->req.resp = NULL;
		j->req.resplen = 0;
		send_put(sb, j, body, etag, 1);
		free(body);
		free(etag);
	}
out:
	json_decref(o);
	billing_clear(&now);
	billing_clear(&then);
}

/*
 * Records that a PUT's answer is in (landed: it did or may have), with
 * the row, in the open transaction. Returns -1 after failing the run.
 */
static int
answered(struct submitting *sb, struct job *j, int landed)
{
	if (landed)
		j->maybe_written = 1;
	if (tx(sb) == -1 || store_submit_answered(sb->st, j->r.row, landed,
	    &sb->err) == -1) {
		fail_run(sb);
		job_free(j);
		return -1;
	}
	return 0;
}

/*
 * A refusal of the partner's rights (a 403 every customer would get):
 * the run stops at the first, saying what is missing, and the row, not
 * written, stays for the next submit. Returns 1 when it was one.
 */
static int
stop_refused(struct submitting *sb, struct job *j)
{
	char	why[sizeof sb->res->why];

	if (billing_refusal(j->req.status, j->req.resp, j->req.resplen, why,
	    sizeof why) != BILLING_REFUSAL_RIGHTS)
		return 0;
	if (!sb->res->stopped) {
		sb->res->stopped = IMP_EXIT_NOPERM;
		memcpy(sb->res->why, why, sizeof why);
	}
	client_stop(sb->cl);
	settle(sb, j, j->maybe_written ? OUTCOME_SENDING : OUTCOME_PENDING, 0,
	    NULL, NULL, NULL);
	return 1;
}

/*
 * The columns a refusal's data[] names (27002), each kept with the row
 * as a problem of its cell, so that the report and the fix-up say which
 * cell to fix and why. Returns -1 after failing the run.
 */
static int
refused_columns(struct submitting *sb, struct job *j,
    const struct billing_fault *f)
{
	char	msg[400];
	int	col;

	for (col = 1; col < COL_COUNT; col++) {
		if (!(f->columns & (1u << col)))
			continue;
		snprintf(msg, sizeof msg, "the service refused %s (HTTP %ld "
		    "code %s)%s%s", (j->r.planned & (1u << col)) ? "the value" :
		    "the account's value, which this row leaves as it is",
		    j->req.status, f->code, f->why[col][0] ? ": " : "",
		    f->why[col]);
		norm_fit(msg);
		if (tx(sb) == -1 || store_submit_problem(sb->st, j->r.row, col,
		    j->r.want[col], msg, "correct the cell in the fix-up CSV "
		    "and stage it again", &sb->err) == -1) {
			fail_run(sb);
			job_free(j);
			return -1;
		}
	}
	return 0;
}

/* Appends what data[] says of each column to msg: " (state: ...)". */
static void
refused_message(const struct billing_fault *f, char *msg, size_t size)
{
	size_t	o = strlen(msg);
	int	col, n = 0;

	for (col = 1; col < COL_COUNT && o < size; col++) {
		if (!(f->columns & (1u << col)))
			continue;
		o += snprintf(msg + o, size - o, "%s%s%s%s", n++ > 0 ? "; " :
		    " (", column_info[col].property, f->why[col][0] ? ": " :
		    "", f->why[col]);
	}
	if (o < size)
		snprintf(msg + o, size - o, ")");
	norm_fit(msg);
}

/* A PUT's answer. */
static void
put_done(struct submitting *sb, struct job *j)
{
	struct client_req	*q = &j->req;
	struct billing_fault	 f;
	struct billing_profile	 now;
	struct imp_err		 e;
	json_t			*o;
	char			 msg[1200];
	int			 stale = 0;

	memset(&f, 0, sizeof f);
	o = q->resp != NULL ? billing_json_load(q->resp, q->resplen, &e) :
	    NULL;
	if (o != NULL && q->status >= 400)
		billing_fault_from_json(o, &f);
	if (q->status == 412 || q->status == 409 ||
	    (q->status == 400 && strcmp(f.code, "2055") == 0))
		stale = 1;

	/*
	 * A 2xx landed; a refusal (4xx) proves this PUT did not. A row
	 * settled now records it with its outcome; one that goes on to a
	 * read records it first.
	 */
	if (q->status >= 200 && q->status < 300) {
		/* Read back: a reply with a body is the profile as stored;
		 * without one (204, 202, an empty 200), look. */
		j->maybe_written = 1;
		billing_init(&now);
		if (o != NULL && billing_from_json(o, &now, &e) == 0 &&
		    now.field[COL_COMPANY_NAME] != NULL) {
			if (holds_wanted(&j->r, &now))
				settle(sb, j, OUTCOME_APPLIED, 0, NULL, NULL,
				    now.etag != NULL ? now.etag : q->etag);
			else {
				stored_message(j, &now, msg, sizeof msg);
				settle(sb, j, OUTCOME_FAILED, 0, NULL, msg,
				    NULL);
			}
		} else if (answered(sb, j, 1) == 0)
			send_read(sb, j, JOB_CONFIRM);	/* no body: look */
		billing_clear(&now);
	} else if (stale) {
		if (answered(sb, j, 0) == 0)
			send_read(sb, j, JOB_REREAD);
	} else if (q->status == 404) {
		settle(sb, j, OUTCOME_NOT_FOUND, 0, f.code, f.description[0] ?
		    f.description : "no such customer", NULL);
	} else if (stop_refused(sb, j)) {
		/* The partner's rights: the run stops, the row waits. */
	} else {
		snprintf(msg, sizeof msg, "HTTP %ld%s%s%s%s", q->status,
		    f.code[0] ? " " : "", f.code, f.description[0] ? ": " : "",
		    f.description);
		if (q->status == 400 && f.columns != 0) {
			refused_message(&f, msg, sizeof msg);
			if (refused_columns(sb, j, &f) == -1)
				goto out;
		}
		/* No reply, a timeout, throttling or the service failing
		 * may pass; a refusal of the values will not. */
		settle(sb, j, OUTCOME_FAILED, q->status <= 0 ||
		    q->status == 408 || q->status == 429 || q->status >= 500,
		    f.code[0] ? f.code : NULL, msg, NULL);
	}
out:
	json_decref(o);
}

/* A re-read's answer. */
static void
read_done(struct submitting *sb, struct job *j)
{
	char	msg[256];

	if (j->req.status == 200) {
		decide(sb, j);
		return;
	}
	if (j->req.status == 404) {
		settle(sb, j, OUTCOME_NOT_FOUND, 0, NULL, "no such customer",
		    NULL);
		return;
	}
	if (stop_refused(sb, j))
		return;
	snprintf(msg, sizeof msg, "re-reading the account failed: HTTP %ld",
	    j->req.status);
	/* Its fate stays unknown: 'sending', for the next submit. */
	settle(sb, j, OUTCOME_SENDING, 0, NULL, msg, NULL);
}

static void
on_done(struct client_req *q, void *arg)
{
	struct job		*j = arg;
	struct submitting	*sb = j->sb;

	/*
	 * A row that was stopped stays 'sending' only when a write of it
	 * may have landed; otherwise nothing of it reached the service and
	 * it is pending again. A PUT stopped, refused (401), told to wait or
	 * never connected did not land: settling the row records that.
	 */
	switch (q->fate) {
	case CLIENT_STOPPED:
		break;
	case CLIENT_AUTH:
		/* The first reason to stop is the one told. No MFA claim:
		 * what to do instead; else the token's source's answer. */
		if (sb->res->stopped != 0)
			break;
		sb->res->stopped = IMP_EXIT_NOPERM;
		if (billing_refusal(q->status, q->resp, q->resplen,
		    sb->res->why, sizeof sb->res->why) != BILLING_REFUSAL_MFA)
			snprintf(sb->res->why, sizeof sb->res->why, "the "
			    "service refused the token (HTTP 401); %.200s",
			    q->error);
		break;
	case CLIENT_UNREACHABLE:
		if (sb->res->stopped != 0)
			break;
		sb->res->stopped = IMP_EXIT_UNAVAILABLE;
		snprintf(sb->res->why, sizeof sb->res->why, "the service is "
		    "unreachable: %.200s", q->error);
		break;
	case CLIENT_WAIT:
		if (sb->res->stopped != 0)
			break;
		sb->res->stopped = IMP_EXIT_UNAVAILABLE;
		client_wait_text(q, sb->res->why, sizeof sb->res->why);
		break;
	case CLIENT_UNKNOWN:
		/* The write may have happened: look before anything else. */
		if (answered(sb, j, 1) == 0)
			send_read(sb, j, JOB_REREAD);
		return;
	case CLIENT_DONE:
		if (j->phase == JOB_PUT)
			put_done(sb, j);
		else
			read_done(sb, j);
		return;
	}
	client_stop(sb->cl);	/* (already, for CLIENT_STOPPED) */
	settle(sb, j, j->maybe_written ? OUTCOME_SENDING : OUTCOME_PENDING, 0,
	    NULL, NULL, NULL);
}

/* Starts one row: a PUT from the account read at check, else a read. */
static int
start_row(struct submitting *sb, int64_t row)
{
	struct job	*j;

	j = xcalloc(1, sizeof *j);
	j->sb = sb;
	if (store_submit_load(sb->st, row, &j->r, &sb->err) == -1) {
		free(j);
		return -1;
	}
	snprintf(j->req.path, sizeof j->req.path,
	    "/v1/customers/%s/profiles/billing", j->r.customer_id);
	sb->res->rows++;
	/* What the database says of earlier writes: in flight, landed. */
	j->maybe_written = j->r.maybe_written;
	if (j->r.state == OUTCOME_SENDING) {
		/* Left 'sending' by an interrupted submit: look first. */
		sb->res->recovered++;
		send_read(sb, j, JOB_REREAD);
	} else if (j->r.body != NULL && j->r.etag != NULL) {
		send_put(sb, j, j->r.body, j->r.etag, 1);
	} else {
		/* Checked offline: read the account (and its etag) first. */
		if (tx(sb) == -1 || store_submit_mark(sb->st, j->r.row, "",
		    &sb->err) == -1) {
			job_free(j);
			return -1;
		}
		send_read(sb, j, JOB_FETCH);
	}
	return 0;
}

static void
progress(struct submitting *sb, int last)
{
	time_t	now = time(NULL);
	double	rate, eta;

	if (!sb->opts->progress || (!last && now == sb->last_progress))
		return;
	if (sb->started == 0)
		sb->started = now;
	sb->last_progress = now;
	rate = now > sb->started ? (double)sb->done / (now - sb->started) : 0;
	eta = rate > 0 ? (sb->nrows - sb->done) / rate : 0;
	fprintf(stderr, "\rimporter: %lld/%zu rows, %.0f/s, ETA %02d:%02d: "
	    "%lld applied, %lld failed, %lld conflicts, %lld not found ",
	    (long long)sb->done, sb->nrows, rate, (int)(eta / 60),
	    (int)eta % 60, (long long)sb->res->settled.n[OUTCOME_APPLIED],
	    (long long)sb->res->settled.n[OUTCOME_FAILED],
	    (long long)sb->res->settled.n[OUTCOME_CONFLICT],
	    (long long)sb->res->settled.n[OUTCOME_NOT_FOUND]);
	if (last)
		fputc('\n', stderr);
}

/* The client's feeder: the next batch, marked and committed first. */
static int
feed(void *arg)
{
	struct submitting	*sb = arg;
	size_t			 i, end;

	if (sb->failed)
		return 0;
	progress(sb, 0);
	end = sb->next + (size_t)sb->opts->batch;
	if (end > sb->nrows)
		end = sb->nrows;
	if (tx(sb) == -1) {
		fail_run(sb);
		return 0;
	}
	sb->feeding = 1;
	for (i = sb->next; i < end; i++) {
		if (start_row(sb, sb->rows[i]) == -1) {
			sb->feeding = 0;
			fail_run(sb);
			return 0;
		}
	}
	sb->feeding = 0;
	sb->next = end;
	/* The batch is 'sending' on disk before its requests leave. */
	if (flush(sb) == -1) {
		fail_run(sb);
		return 0;
	}
	return sb->next < sb->nrows;
}

/* Each round of answers is committed as soon as it is handed out. */
static void
after_answers(void *arg)
{
	struct submitting	*sb = arg;

	if (!sb->failed && flush(sb) == -1)
		fail_run(sb);
}

int
submitting_run(struct store *st, const struct store_runinfo *ri,
    struct client *cl, const struct submitting_opts *opts,
    struct submitting_result *res, struct imp_err *err)
{
	struct submitting	sb;
	size_t			nsending;
	int			rc;

	memset(res, 0, sizeof *res);
	memset(&sb, 0, sizeof sb);
	sb.st = st;
	sb.ri = ri;
	sb.cl = cl;
	sb.opts = opts;
	sb.res = res;
	if (store_submit_list(st, ri, opts->allow_flagged, &sb.rows, &sb.nrows,
	    &nsending, err) == -1)
		return -1;
	client_feed(cl, feed, &sb);
	client_after(cl, after_answers, &sb);
	rc = client_run(cl, &sb.err);
	if (flush(&sb) == -1)
		rc = -1;
	progress(&sb, 1);
	client_stats(cl, &res->stats);
	free(sb.rows);
	if (rc == -1 || sb.failed) {
		*err = sb.err;
		if (err->code == 0)
			err->code = IMP_EXIT_SOFTWARE;
		return -1;
	}
	return 0;
}
