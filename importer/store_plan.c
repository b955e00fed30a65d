/*
 * store_plan.c: the plan check writes: the accounts as read, the changes,
 * the outcomes check decides; the plan's hash (hashed as it is written
 * when rows come in order) and the run's counts.
 */
#include "config.h"

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include <jansson.h>

#include "cellpack.h"
#include "colmap.h"
#include "hex.h"
#include "store_int.h"
#include "xmalloc.h"

static EVP_MD_CTX	*sha256_new(void);
static struct hasher	*hasher_new(void);
static void		 hasher_free(struct hasher *);
static void		 hash_add(struct hasher *, const void *, size_t);
static void		 hash_value(struct hasher *, const char *, int);
static void		 hash_int(struct hasher *, int64_t);
static void		 hash_final(struct hasher *, struct hasher *,
			    struct hasher *, char [65]);

/*
 * The run's figures as staging left them; pending counts the valid rows
 * without an outcome (seen: the rows with one), and those sending.
 */
static void
counts_finish(struct outcome_counts *c, const struct store_runinfo *ri,
    int64_t seen)
{
	c->rows = ri->rows;
	c->valid = ri->valid;
	c->n[OUTCOME_INVALID] += ri->invalid;	/* staged + found at check */
	c->n[OUTCOME_DUPLICATE] = ri->duplicate;
	c->n[OUTCOME_PENDING] += ri->valid - seen + c->n[OUTCOME_SENDING];
}

int
store_counts(struct store *st, const struct store_runinfo *ri,
    struct outcome_counts *c, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	enum outcome	 o;
	int64_t		 n, seen = 0;
	int		 rc;

	memset(c, 0, sizeof *c);
	/* A run's outcomes are the rows of its range (no index by run). */
	if (store_prepare(st, "SELECT state, count(*), sum(review) FROM outcome"
	    " WHERE row BETWEEN ? AND ? GROUP BY state", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (store_col_outcome(stmt, 0, &o) == -1) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: unknown outcome "
			    "'%s'", st->path, store_col_text(stmt, 0));
			sqlite3_finalize(stmt);
			return -1;
		}
		n = sqlite3_column_int64(stmt, 1);
		seen += n;
		c->n[o] += n;
		if (o == OUTCOME_PENDING)
			c->review += sqlite3_column_int64(stmt, 2);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "counts");
	counts_finish(c, ri, seen);
	/* Rows check could not read failed with no plan and no attempt. */
	if (store_prepare(st, "SELECT (SELECT count(DISTINCT row)"
	    " FROM plan_change WHERE row BETWEEN ?1 AND ?2),"
	    " (SELECT count(*) FROM outcome WHERE row BETWEEN ?1 AND ?2"
	    " AND state = 'failed' AND attempts = 0)", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		c->changes = sqlite3_column_int64(stmt, 0);
		c->unread = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_db_err(st, err, "counts");
	return 0;
}

int
store_run_counts(struct store *st, int64_t run, struct outcome_counts *c,
    struct imp_err *err)
{
	struct store_runinfo	ri;

	if (store_run_info(st, run, &ri, err) == -1)
		return -1;
	return store_counts(st, &ri, c, err);
}

int
store_rows_each(struct store *st, const struct store_runinfo *ri,
    enum outcome state, int (*fn)(int64_t, const struct store_row *, void *),
    void *arg, struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_row	 r;
	int			 i, rc;

	if (store_prepare(st, "SELECT id, line, state" STORE_COLUMNS
	    " FROM run_row WHERE id BETWEEN ? AND ? AND state = ? ORDER BY id",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	sqlite3_bind_text(stmt, 3, outcome_name(state), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.line = sqlite3_column_int64(stmt, 1);
		r.state = state;
		for (i = 0; i < COL_COUNT; i++) {
			r.norm[i] = (const char *)sqlite3_column_text(stmt,
			    3 + i);
			r.normlen[i] = sqlite3_column_bytes(stmt, 3 + i);
		}
		if (fn(sqlite3_column_int64(stmt, 0), &r, arg) == -1) {
			sqlite3_finalize(stmt);
			return -1;
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "rows");
	return 0;
}

int
store_ids_each(struct store *st, const struct store_runinfo *ri,
    enum outcome state, int (*fn)(int64_t, const char *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_prepare(st, "SELECT id, customer_id FROM run_row"
	    " WHERE id BETWEEN ? AND ? AND state = ? ORDER BY id", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	sqlite3_bind_text(stmt, 3, outcome_name(state), -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (fn(sqlite3_column_int64(stmt, 0),
		    (const char *)sqlite3_column_text(stmt, 1), arg) == -1) {
			sqlite3_finalize(stmt);
			return -1;
		}
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "rows");
	return 0;
}

int
store_check_reset(struct store *st, const struct store_runinfo *ri,
    struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	const char	*sql[] = {
		"DELETE FROM account WHERE row BETWEEN ?2 AND ?3",
		"DELETE FROM plan_change WHERE row BETWEEN ?2 AND ?3",
		"DELETE FROM outcome WHERE row BETWEEN ?2 AND ?3",
		"DELETE FROM row_problem WHERE at_check = 1"
		" AND row BETWEEN ?2 AND ?3",
		"UPDATE run SET checked_at = NULL, check_source = NULL,"
		" snapshot_mtime = NULL, plan_hash = NULL WHERE id = ?1",
	};
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if (store_prepare(st, sql[i], &stmt, err) == -1)
			return -1;
		if (sqlite3_bind_parameter_count(stmt) != 2)
			sqlite3_bind_int64(stmt, 1, ri->id);
		if (sqlite3_bind_parameter_count(stmt) >= 2) {
			sqlite3_bind_int64(stmt, 2, ri->row_first);
			sqlite3_bind_int64(stmt, 3, ri->row_last);
		}
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return store_db_err(st, err, "reset check");
	}
	return 0;
}

int
store_sent_count(struct store *st, const struct store_runinfo *ri,
    int64_t *n, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	*n = 0;
	if (store_prepare(st, "SELECT count(*) FROM outcome"
	    " WHERE row BETWEEN ? AND ? AND attempts > 0", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_db_err(st, err, "rows sent");
	return 0;
}

/* The run's header name of each mapped column, for check's problems. */
static int
run_headers(struct store *st, int64_t run, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	json_t		*map;
	const void	*hdr;
	const char	*cell, *name;
	size_t		 i, n, len, clen;
	int		 col, rc;

	for (col = 0; col < COL_COUNT; col++) {
		free(st->hdr[col]);
		st->hdr[col] = NULL;
	}
	if (store_prepare(st, "SELECT header, mapping FROM run WHERE id = ?",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		hdr = sqlite3_column_blob(stmt, 0);
		len = sqlite3_column_bytes(stmt, 0);
		map = json_loads(store_col_text(stmt, 1), 0, NULL);
		n = hdr != NULL ? cellpack_unpack_count(hdr, len) : 0;
		for (i = 0; i < n && map != NULL; i++) {
			name = json_string_value(json_array_get(map, i));
			col = name != NULL ? colmap_lookup(name) : -1;
			if (col < 0 || col >= COL_COUNT || st->hdr[col] != NULL ||
			    cellpack_unpack(hdr, len, i, &cell, &clen) == -1)
				continue;
			st->hdr[col] = xstrndup(cell, clen);
		}
		json_decref(map);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "run header");
	return 0;
}

int
store_run_headers(struct store *st, int64_t run, struct imp_err *err)
{
	return run_headers(st, run, err);
}

int
store_plan_begin(struct store *st, const struct store_runinfo *ri,
    int ordered, struct imp_err *err)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(st->now, sizeof st->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	store_plan_clear(st);
	if (ordered) {
		st->hash_changes = hasher_new();
		st->hash_outcomes = hasher_new();
		st->hash_accounts = hasher_new();
	}
	memset(&st->plan_counts, 0, sizeof st->plan_counts);
	st->plan_changed = 0;
	if (run_headers(st, ri->id, err) == -1)
		return -1;
	if (store_begin_bulk(st, err) == -1)
		return -1;
	if (store_check_reset(st, ri, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_plan_clear(struct store *st)
{
	hasher_free(st->hash_changes);
	hasher_free(st->hash_outcomes);
	hasher_free(st->hash_accounts);
	st->hash_changes = st->hash_outcomes = st->hash_accounts = NULL;
}

int
store_plan_finish(struct store *st, const struct store_runinfo *ri,
    const char *source, const char *snapshot_mtime, char hash[65],
    struct outcome_counts *counts, struct imp_err *err)
{
	int64_t	seen = 0;
	int	o;

	if (st->hash_changes != NULL && st->hash_outcomes != NULL &&
	    st->hash_accounts != NULL) {
		/* Written in row order: hashed on the way. */
		hash_final(st->hash_changes, st->hash_outcomes,
		    st->hash_accounts, hash);
		store_plan_clear(st);
	} else if (store_plan_hash(st, ri, hash, err) == -1)
		goto fail;
	if (store_run_checked(st, ri->id, source, snapshot_mtime, hash,
	    err) == -1 || store_commit(st, err) == -1)
		goto fail;
	/* As store_counts() would count them, without reading them back. */
	if (counts != NULL) {
		*counts = st->plan_counts;
		for (o = 0; o < OUTCOME_COUNT; o++)
			seen += counts->n[o];
		counts_finish(counts, ri, seen);
	}
	return 0;
fail:
	store_rollback(st);
	return -1;
}

/* What a PUT is built from and sent to (store_plan_hash). */
static void
hash_target(struct store *st, int64_t row, const char *customer_id,
    const char *etag, const char *body)
{
	if (st->hash_accounts == NULL)
		return;
	hash_int(st->hash_accounts, row);
	hash_value(st->hash_accounts, customer_id, 0);
	hash_value(st->hash_accounts, etag, etag == NULL || *etag == '\0');
	hash_value(st->hash_accounts, body, body == NULL || *body == '\0');
	hash_add(st->hash_accounts, "\x1e", 1);
}

int
store_plan_account(struct store *st, int64_t run, int64_t row,
    const struct store_account *a, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 i, rc;

	s = store_cached(st, STORE_PLAN_ACCOUNT, "INSERT INTO account"
	    " (row, run, customer_id, etag, profile_id, fetched_at, body"
	    STORE_PROFILE_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?"
	    STORE_PROFILE_PARAMS ")", err);
	if (s == NULL)
		return -1;
	hash_target(st, row, a->customer_id, a->etag, a->body);
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int64(s, 2, run);
	sqlite3_bind_text(s, 3, a->customer_id, -1, SQLITE_STATIC);
	store_bind_opt(s, 4, a->etag);
	store_bind_opt(s, 5, a->profile_id);
	sqlite3_bind_text(s, 6, st->now, -1, SQLITE_STATIC);
	store_bind_opt(s, 7, a->body);
	for (i = 1; i < COL_COUNT; i++)
		store_bind_opt(s, 7 + i, a->value[i]);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "account");
	return 0;
}

void
store_plan_offline(struct store *st, int64_t row, const char *customer_id)
{
	hash_target(st, row, customer_id, NULL, NULL);
}

int
store_plan_change(struct store *st, int64_t row, int col, const char *old,
    const char *new, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_PLAN_CHANGE, "INSERT INTO plan_change"
	    " (row, col, old, new) VALUES (?, ?, ?, ?)", err);
	if (s == NULL)
		return -1;
	if (st->hash_changes != NULL) {
		hash_int(st->hash_changes, row);
		hash_int(st->hash_changes, col);
		hash_value(st->hash_changes, old, old == NULL || *old == '\0');
		hash_value(st->hash_changes, new, 0);
		hash_add(st->hash_changes, "\x1e", 1);
	}
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int(s, 2, col);
	store_bind_opt(s, 3, old);
	sqlite3_bind_text(s, 4, new, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "change");
	st->plan_changed = 1;
	return 0;
}

int
store_check_problem(struct store *st, int64_t row, int col,
    const struct store_problem *p, struct imp_err *err)
{
	sqlite3_stmt	*s;
	const char	*name;
	int		 rc;

	name = col >= 0 && col < COL_COUNT ? (st->hdr[col] != NULL ?
	    st->hdr[col] : column_info[col].name) : NULL;
	s = store_cached(st, STORE_CHECK_PROBLEM, "INSERT INTO row_problem"
	    " (row, col, rule, value, message, hint, at_check)"
	    " VALUES (?, ?, ?, ?, ?, ?, 1)", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	store_bind_opt(s, 2, name);
	sqlite3_bind_text(s, 3, p->rule, -1, SQLITE_STATIC);
	if (p->value != NULL)
		sqlite3_bind_text(s, 4, p->value, p->valuelen, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, p->message, -1, SQLITE_STATIC);
	store_bind_opt(s, 6, p->hint);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "problem");
	return 0;
}

int
store_country_rules_put(struct store *st, const char *cc, const char *body,
    const char *read_at, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_prepare(st, "INSERT OR REPLACE INTO country_rules"
	    " (country, body, read_at) VALUES (upper(?), ?, ?)", &s,
	    err) == -1)
		return -1;
	sqlite3_bind_text(s, 1, cc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, body, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, read_at, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "country rules");
	return 0;
}

int
store_country_rules_each(struct store *st, int (*fn)(const char *,
    const char *, const char *, void *), void *arg, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_prepare(st, "SELECT country, body, read_at"
	    " FROM country_rules ORDER BY country", &s, err) == -1)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1),
		    (const char *)sqlite3_column_text(s, 2), arg) == -1) {
			sqlite3_finalize(s);
			return -1;
		}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "country rules");
	return 0;
}

int
store_run_countries(struct store *st, const struct store_runinfo *ri,
    int (*fn)(const char *, void *), void *arg, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_prepare(st, "SELECT DISTINCT upper(country) FROM run_row"
	    " WHERE id BETWEEN ? AND ? AND state = ?"
	    " AND length(country) = 2 ORDER BY 1", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, ri->row_first);
	sqlite3_bind_int64(s, 2, ri->row_last);
	sqlite3_bind_text(s, 3, outcome_name(OUTCOME_PENDING), -1,
	    SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn((const char *)sqlite3_column_text(s, 0), arg) == -1) {
			sqlite3_finalize(s);
			return -1;
		}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "countries");
	return 0;
}

int
store_plan_request_id(struct store *st, int64_t row, const char *request_id,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	/* Only rows the service did not read well: a few, prepared once. */
	if (store_prepare(st, "UPDATE outcome SET request_id = ?2"
	    " WHERE row = ?1", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_text(s, 2, request_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "outcome request id");
	return 0;
}

int
store_plan_outcome(struct store *st, int64_t run, int64_t row,
    enum outcome state, int review, uint32_t normalized, long http_status,
    const char *message, const char *company, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_PLAN_OUTCOME, "INSERT INTO outcome"
	    " (row, run, state, review, normalized, message, updated_at,"
	    " http_status, company) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", err);
	if (s == NULL)
		return -1;
	if (st->hash_outcomes != NULL) {
		/* At check, a row with changes is exactly a pending one. */
		hash_int(st->hash_outcomes, row);
		hash_value(st->hash_outcomes, state == OUTCOME_PENDING ?
		    "planned" : outcome_name(state), 0);
		hash_int(st->hash_outcomes, review);
		hash_add(st->hash_outcomes, "\x1e", 1);
	}
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int64(s, 2, run);
	sqlite3_bind_text(s, 3, outcome_name(state), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, review);
	sqlite3_bind_int64(s, 5, normalized);
	store_bind_opt(s, 6, message);
	sqlite3_bind_text(s, 7, st->now, -1, SQLITE_STATIC);
	if (http_status > 0)
		sqlite3_bind_int64(s, 8, http_status);
	else
		sqlite3_bind_null(s, 8);
	store_bind_opt(s, 9, company);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "outcome");
	st->plan_counts.n[state]++;
	if (state == OUTCOME_FAILED)
		st->plan_counts.unread++;
	if (state == OUTCOME_PENDING)
		st->plan_counts.review += review;
	st->plan_counts.changes += st->plan_changed;
	st->plan_changed = 0;
	return 0;
}

int
store_run_checked(struct store *st, int64_t run, const char *source,
    const char *snapshot_mtime, const char *plan_hash, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_prepare(st, "UPDATE run SET checked_at ="
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), check_source = ?,"
	    " snapshot_mtime = ?, plan_hash = ? WHERE id = ?", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, source, -1, SQLITE_STATIC);
	store_bind_opt(stmt, 2, snapshot_mtime);
	sqlite3_bind_text(stmt, 3, plan_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, run);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "checked");
	/* A new plan: approvals of the old one no longer stand. */
	if (store_prepare(st, "UPDATE approval SET void = 1 WHERE run = ?"
	    " AND void = 0", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "approvals");
	return 0;
}

static void
hash_add(struct hasher *h, const void *p, size_t n)
{
	if (n == 0)
		return;		/* p may be NULL (an SQL NULL) */
	if (h->len + n > sizeof h->buf) {
		EVP_DigestUpdate(h->md, h->buf, h->len);
		h->len = 0;
		if (n > sizeof h->buf) {
			EVP_DigestUpdate(h->md, p, n);
			return;
		}
	}
	memcpy(h->buf + h->len, p, n);
	h->len += n;
}

/* The digest of what h was fed. */
static void
hasher_digest(struct hasher *h, unsigned char *d, unsigned int *dl)
{
	EVP_DigestUpdate(h->md, h->buf, h->len);
	h->len = 0;
	EVP_DigestFinal_ex(h->md, d, dl);
}

/* Feeds every column of every result row of stmt into h. */
static int
hash_rows(sqlite3_stmt *stmt, struct hasher *h)
{
	int	i, n, rc;

	n = sqlite3_column_count(stmt);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (i = 0; i < n; i++) {
			hash_add(h, sqlite3_column_blob(stmt, i),
			    sqlite3_column_bytes(stmt, i));
			hash_add(h, sqlite3_column_type(stmt, i) ==
			    SQLITE_NULL ? "\x1d" : "\x1f", 1);
		}
		hash_add(h, "\x1e", 1);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Feeds one value as hash_rows() does: its bytes, then its separator. */
static void
hash_value(struct hasher *h, const char *v, int null)
{
	if (!null)
		hash_add(h, v, strlen(v));
	hash_add(h, null ? "\x1d" : "\x1f", 1);
}

/* An integer as SQLite renders it as text ("%lld"). */
static void
hash_int(struct hasher *h, int64_t v)
{
	char		buf[24], *p = buf + sizeof buf;
	uint64_t	u = v < 0 ? -(uint64_t)v : (uint64_t)v;

	*--p = '\x1f';
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	hash_add(h, p, buf + sizeof buf - p);
}

static struct hasher *
hasher_new(void)
{
	struct hasher	*h;
	EVP_MD_CTX	*md = sha256_new();

	if (md == NULL)
		return NULL;
	h = xmalloc(sizeof *h);
	h->md = md;
	h->len = 0;
	return h;
}

static void
hasher_free(struct hasher *h)
{
	if (h == NULL)
		return;
	EVP_MD_CTX_free(h->md);
	free(h);
}

static EVP_MD_CTX *
sha256_new(void)
{
	EVP_MD_CTX	*md = EVP_MD_CTX_new();

	if (md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		md = NULL;
	}
	return md;
}

/*
 * The plan's hash: SHA-256 of the SHA-256 of its changes (row, col, old,
 * new in row and column order), the SHA-256 of its outcomes as check
 * decided them (row, 'planned' for a row with changes or its state, the
 * review flag, in row order) and the SHA-256 of what each PUT is built
 * from and where it goes (row, the row's customer ID, the account's etag
 * and body as read, in row order): every byte submit sends. Three streams,
 * so a check writing in row order can hash as it writes.
 */
static void
hash_final(struct hasher *changes, struct hasher *outcomes,
    struct hasher *accounts, char hash[65])
{
	EVP_MD_CTX	*md = sha256_new();
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl;

	hasher_digest(changes, d, &dl);
	EVP_DigestUpdate(md, d, dl);
	hasher_digest(outcomes, d, &dl);
	EVP_DigestUpdate(md, d, dl);
	hasher_digest(accounts, d, &dl);
	EVP_DigestUpdate(md, d, dl);
	EVP_DigestFinal_ex(md, d, &dl);
	hex_encode(d, dl < 32 ? dl : 32, hash);
	EVP_MD_CTX_free(md);
}

/* Feeds the rows sql selects over the run's range (?1, ?2) into h. */
static int
hash_query(struct store *st, const struct store_runinfo *ri, const char *sql,
    struct hasher *h, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	rc = hash_rows(stmt, h);
	sqlite3_finalize(stmt);
	if (rc == -1)
		return store_db_err(st, err, "plan hash");
	return 0;
}

int
store_plan_hash(struct store *st, const struct store_runinfo *ri,
    char hash[65], struct imp_err *err)
{
	struct hasher	*mc, *mo, *ma;
	int		 rc = -1;

	mc = hasher_new();
	mo = hasher_new();
	ma = hasher_new();
	if (mc == NULL || mo == NULL || ma == NULL) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "SHA-256 unavailable");
		goto out;
	}
	/*
	 * The changes; the outcomes as check decided them (a row with
	 * changes is 'planned' whatever submit has made of it since, the
	 * others keep the state check gave them); what each PUT is built
	 * from and where it goes (the URL's customer ID is the row's, the
	 * body and etag the account's), for each row with changes or an
	 * account (an offline check keeps none: store_plan_offline).
	 */
	if (hash_query(st, ri, "SELECT row, col, old, new FROM plan_change"
	    " WHERE row BETWEEN ?1 AND ?2 ORDER BY row, col", mc, err) == -1 ||
	    hash_query(st, ri, "SELECT o.row, CASE WHEN EXISTS (SELECT 1"
	    " FROM plan_change c WHERE c.row = o.row) THEN 'planned' ELSE"
	    " o.state END, o.review FROM outcome o"
	    " WHERE o.row BETWEEN ?1 AND ?2 ORDER BY o.row", mo, err) == -1 ||
	    hash_query(st, ri, "SELECT r.id, r.customer_id, a.etag, a.body"
	    " FROM run_row r LEFT JOIN account a ON a.row = r.id"
	    " WHERE r.id BETWEEN ?1 AND ?2 AND (a.row IS NOT NULL"
	    " OR EXISTS (SELECT 1 FROM plan_change c WHERE c.row = r.id))"
	    " ORDER BY r.id", ma, err) == -1)
		goto out;
	hash_final(mc, mo, ma, hash);
	rc = 0;
out:
	hasher_free(mc);
	hasher_free(mo);
	hasher_free(ma);
	return rc;
}

int
store_changes_each(struct store *st, const struct store_runinfo *ri,
    int (*fn)(const struct store_change *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_change	 c;
	int			 rc;

	if (store_prepare(st, "SELECT c.row, r.line, r.customer_id,"
	    " coalesce(r.company_name, o.company, a.company_name), c.col,"
	    " c.old, c.new,"
	    " coalesce(o.review, 0), CASE WHEN o.review THEN o.message END"
	    " FROM plan_change c"
	    " JOIN run_row r ON r.id = c.row"
	    " LEFT JOIN outcome o ON o.row = c.row"
	    " LEFT JOIN account a ON a.row = c.row"
	    " WHERE c.row BETWEEN ? AND ? ORDER BY r.line, c.col", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c.row = sqlite3_column_int64(stmt, 0);
		c.line = sqlite3_column_int64(stmt, 1);
		c.customer_id = store_col_text(stmt, 2);
		c.company = (const char *)sqlite3_column_text(stmt, 3);
		c.col = sqlite3_column_int(stmt, 4);
		c.old = (const char *)sqlite3_column_text(stmt, 5);
		c.new = store_col_text(stmt, 6);
		c.review = sqlite3_column_int(stmt, 7);
		c.why = (const char *)sqlite3_column_text(stmt, 8);
		if (fn(&c, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "changes");
	return 0;
}
