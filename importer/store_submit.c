/*
 * store_submit.c: the submit step's reads and writes. Every state change
 * of a row is one statement, committed by the caller's transactions: a
 * row is 'sending' on disk before its request leaves, and its outcome is
 * on disk after the answer.
 */
#include "config.h"

#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "guid.h"
#include "store_int.h"
#include "xmalloc.h"

static char *
dup_col(sqlite3_stmt *s, int i)
{
	const char	*v = (const char *)sqlite3_column_text(s, i);

	return v != NULL ? xstrdup(v) : NULL;
}

int
store_submit_list(struct store *st, const struct store_runinfo *ri,
    int allow_flagged, int64_t **rows, size_t *n, size_t *nsending,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	size_t		 cap = 0;
	int		 rc;

	*rows = NULL;
	*n = *nsending = 0;
	/* The header's names, for a cell the service refuses. */
	if (store_run_headers(st, ri->id, err) == -1)
		return -1;
	if (store_prepare(st, "SELECT o.row, o.state = 'sending' FROM outcome o"
	    " JOIN run_row r ON r.id = o.row WHERE o.row BETWEEN ?3 AND ?4 AND"
	    " (o.state = 'sending' OR (o.state = 'pending' AND"
	    "  (o.review = 0 OR ?2)))"
	    " ORDER BY o.state = 'sending' DESC, r.line", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, ri->id);
	sqlite3_bind_int(s, 2, allow_flagged);
	sqlite3_bind_int64(s, 3, ri->row_first);
	sqlite3_bind_int64(s, 4, ri->row_last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 1024;
			*rows = xreallocarray(*rows, cap, sizeof **rows);
		}
		(*rows)[(*n)++] = sqlite3_column_int64(s, 0);
		if (sqlite3_column_int(s, 1))
			(*nsending)++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE) {
		free(*rows);
		*rows = NULL;
		return store_db_err(st, err, "rows to send");
	}
	return 0;
}

void
store_submit_row_free(struct store_submit_row *r)
{
	int	i;

	free(r->customer_id);
	for (i = 0; i < COL_COUNT; i++) {
		free(r->want[i]);
		free(r->at_check[i]);
	}
	free(r->body);
	free(r->etag);
	free(r->request_id);
	memset(r, 0, sizeof *r);
}

int
store_submit_load(struct store *st, int64_t row, struct store_submit_row *r,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 i, col, rc;

	memset(r, 0, sizeof *r);
	r->row = row;
	s = store_cached(st, STORE_SUBMIT_LOAD, "SELECT r.line" STORE_R_COLUMNS
	    ", a.body, a.etag, o.state, o.request_id, o.attempts,"
	    " o.put_in_flight OR o.put_landed FROM run_row r"
	    " JOIN outcome o ON o.row = r.id"
	    " LEFT JOIN account a ON a.row = r.id WHERE r.id = ?", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_reset(s);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "row %lld has no "
		    "outcome", (long long)row);
	}
	if (store_col_outcome(s, 3 + COL_COUNT, &r->state) == -1) {
		sqlite3_reset(s);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: row %lld: "
		    "unknown outcome", st->path, (long long)row);
	}
	r->line = sqlite3_column_int64(s, 0);
	r->customer_id = dup_col(s, 1);
	for (i = 1; i < COL_COUNT; i++)
		r->want[i] = dup_col(s, 1 + i);
	r->body = dup_col(s, 1 + COL_COUNT);
	r->etag = dup_col(s, 2 + COL_COUNT);
	r->request_id = dup_col(s, 4 + COL_COUNT);
	r->attempts = sqlite3_column_int(s, 5 + COL_COUNT);
	r->maybe_written = sqlite3_column_int(s, 6 + COL_COUNT);
	sqlite3_reset(s);

	/* The values sent are the plan's (hashed at check), not run_row's. */
	s = store_cached(st, STORE_SUBMIT_PLAN, "SELECT col, old, new"
	    " FROM plan_change WHERE row = ?", err);
	if (s == NULL) {
		store_submit_row_free(r);
		return -1;
	}
	sqlite3_bind_int64(s, 1, row);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		col = sqlite3_column_int(s, 0);
		if (col <= 0 || col >= COL_COUNT)
			continue;
		r->planned |= 1u << col;
		r->at_check[col] = dup_col(s, 1);
		free(r->want[col]);
		r->want[col] = dup_col(s, 2);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_submit_row_free(r);
		return store_db_err(st, err, "plan of a row");
	}
	return 0;
}

int
store_submit_mark(struct store *st, int64_t row, const char *request_id,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_SUBMIT_MARK, "UPDATE outcome SET"
	    " state = 'sending', request_id = ?1, attempts = attempts + 1,"
	    " put_in_flight = ?1 <> '',"
	    " sent_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " WHERE row = ?2", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, request_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, row);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "mark sending");
	return 0;
}

int
store_submit_answered(struct store *st, int64_t row, int landed,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_SUBMIT_ANSWERED, "UPDATE outcome SET"
	    " put_in_flight = 0, put_landed = put_landed OR ? WHERE row = ?",
	    err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int(s, 1, landed != 0);
	sqlite3_bind_int64(s, 2, row);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "answer of a write");
	return 0;
}

int
store_submit_result(struct store *st, int64_t row, enum outcome state,
    int retryable, int landed, long http_status, const char *error_code,
    const char *message, const char *etag, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_SUBMIT_RESULT, "UPDATE outcome SET"
	    " state = ?, http_status = ?, error_code = ?, message = ?,"
	    " etag = coalesce(?, etag), retryable = ?, put_in_flight = 0,"
	    " put_landed = put_landed OR ?,"
	    " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " WHERE row = ?", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, outcome_name(state), -1, SQLITE_STATIC);
	if (http_status > 0)
		sqlite3_bind_int64(s, 2, http_status);
	else
		sqlite3_bind_null(s, 2);
	store_bind_opt(s, 3, error_code);
	store_bind_opt(s, 4, message);
	store_bind_opt(s, 5, etag);
	sqlite3_bind_int(s, 6, retryable);
	sqlite3_bind_int(s, 7, landed != 0);
	sqlite3_bind_int64(s, 8, row);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "outcome");
	return 0;
}

int
store_submit_problem(struct store *st, int64_t row, int col,
    const char *value, const char *message, const char *hint,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	const char	*name;
	int		 rc;

	/* Few rows are refused so: prepared each time. */
	name = col >= 0 && col < COL_COUNT ? (st->hdr[col] != NULL ?
	    st->hdr[col] : column_info[col].name) : NULL;
	if (store_prepare(st, "INSERT INTO row_problem (row, col, rule,"
	    " value, message, hint, at_check) VALUES (?, ?, '"
	    STORE_RULE_REFUSED "', ?, ?, ?, ?)", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	store_bind_opt(s, 2, name);
	store_bind_opt(s, 3, value);
	sqlite3_bind_text(s, 4, message, -1, SQLITE_STATIC);
	store_bind_opt(s, 5, hint);
	sqlite3_bind_int(s, 6, STORE_FOUND_SUBMIT);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "problem");
	return 0;
}

int
store_submit_conflict(struct store *st, int64_t row, int col,
    const char *at_check, const char *now, const char *wanted,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_prepare(st, "INSERT OR REPLACE INTO conflict (row, col,"
	    " at_check, now, wanted) VALUES (?, ?, ?, ?, ?)", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int(s, 2, col);
	store_bind_opt(s, 3, at_check);
	store_bind_opt(s, 4, now);
	store_bind_opt(s, 5, wanted);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "conflict");
	return 0;
}

int
store_run_submitting(struct store *st, int64_t run, char id[37],
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	id[0] = '\0';
	if (store_prepare(st, "SELECT correlation_id FROM run WHERE id = ?",
	    &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, run);
	if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) !=
	    SQLITE_NULL)
		snprintf(id, 37, "%s", store_col_text(s, 0));
	sqlite3_finalize(s);
	if (id[0] == '\0')
		guid_random(id);
	if (store_prepare(st, "UPDATE run SET correlation_id = ?,"
	    " submitted_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " WHERE id = ?", &s, err) == -1)
		return -1;
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, run);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "correlation id");
	return 0;
}

int64_t
store_retryable(struct store *st, const struct store_runinfo *ri, int reopen,
    struct imp_err *err)
{
	static const char	 where[] = " WHERE row BETWEEN ? AND ?"
	    " AND state = 'failed' AND retryable AND EXISTS (SELECT 1"
	    " FROM plan_change c WHERE c.row = outcome.row)";
	sqlite3_stmt		*s;
	char			 sql[512];
	int64_t			 n = 0;
	int			 rc;

	snprintf(sql, sizeof sql, reopen ? "UPDATE outcome SET state ="
	    " 'sending', updated_at = strftime('%%Y-%%m-%%dT%%H:%%M:%%SZ',"
	    " 'now')%s" : "SELECT count(*) FROM outcome%s", where);
	if (store_prepare(st, sql, &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, ri->row_first);
	sqlite3_bind_int64(s, 2, ri->row_last);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else if (rc == SQLITE_DONE)
		n = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "retryable rows");
	return n;
}
