/*
 * store_verify.c: verify's reads and writes: when a run wrote (its
 * correlation id, its first write sent and its last answered), the rows
 * to match, and the verification kept (tables verify and verify_row,
 * the last of each run).
 */
#include "config.h"

#include "store.h"

#include <stdio.h>
#include <string.h>

#include "store_int.h"
#include "xmalloc.h"

int
store_verify_window(struct store *st, int64_t run,
    struct store_verify_window *w, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(w, 0, sizeof *w);
	if (store_prepare(st, "SELECT ru.correlation_id, ru.submitted_at,"
	    " (SELECT min(o.sent_at) FROM outcome o WHERE o.run = ru.id"
	    "   AND o.sent_at IS NOT NULL),"
	    " (SELECT max(o.updated_at) FROM outcome o WHERE o.run = ru.id"
	    "   AND o.state = 'applied'),"
	    " (SELECT count(*) FROM outcome o WHERE o.run = ru.id"
	    "   AND o.state = 'applied')"
	    " FROM run ru WHERE ru.id = ?", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, run);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		store_copy_col(s, 0, w->correlation_id,
		    sizeof w->correlation_id);
		store_copy_col(s, 1, w->submitted_at, sizeof w->submitted_at);
		store_copy_col(s, 2, w->first_sent, sizeof w->first_sent);
		store_copy_col(s, 3, w->last_answered,
		    sizeof w->last_answered);
		w->applied = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "verify window");
	return 0;
}

int
store_verify_rows(struct store *st, const struct store_runinfo *ri,
    int (*fn)(int64_t row, int64_t line, const char *customer_id,
    int applied, void *arg), void *arg, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_prepare(st, "SELECT r.id, r.line, r.customer_id,"
	    " coalesce(o.state = 'applied', 0)"
	    " FROM run_row r LEFT JOIN outcome o ON o.row = r.id"
	    " WHERE r.id BETWEEN ? AND ? AND coalesce(r.customer_id, '') <> ''"
	    " ORDER BY r.line", &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, ri->row_first);
	sqlite3_bind_int64(s, 2, ri->row_last);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
		    store_col_text(s, 2), sqlite3_column_int(s, 3), arg) == -1)
			break;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "verify rows");
	return 0;
}

int
store_verify_save(struct store *st, const struct store_verify *v,
    const struct store_verify_row *rows, size_t n, struct imp_err *err)
{
	sqlite3_stmt	*s = NULL;
	size_t		 i;
	int		 rc;

	if (store_begin(st, err) == -1)
		return -1;
	if (store_prepare(st, "DELETE FROM verify_row WHERE run = ?", &s,
	    err) == -1)
		goto fail;
	sqlite3_bind_int64(s, 1, v->run);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE) {
		store_db_err(st, err, "verify");
		goto fail;
	}
	if (store_prepare(st, "INSERT OR REPLACE INTO verify (run, at,"
	    " window_start, window_end, records, matched, missing, unexpected,"
	    " note) VALUES (?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
	    " ?, ?, ?, ?, ?, ?, ?)", &s, err) == -1)
		goto fail;
	sqlite3_bind_int64(s, 1, v->run);
	store_bind_opt(s, 2, v->window_start);
	store_bind_opt(s, 3, v->window_end);
	sqlite3_bind_int64(s, 4, v->records);
	sqlite3_bind_int64(s, 5, v->matched);
	sqlite3_bind_int64(s, 6, v->missing);
	sqlite3_bind_int64(s, 7, v->unexpected);
	store_bind_opt(s, 8, v->note);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	s = NULL;
	if (rc != SQLITE_DONE) {
		store_db_err(st, err, "verify");
		goto fail;
	}
	if (store_prepare(st, "INSERT INTO verify_row (run, row, customer_id,"
	    " state, record) VALUES (?, ?, ?, ?, ?)", &s, err) == -1)
		goto fail;
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_int64(s, 1, v->run);
		sqlite3_bind_int64(s, 2, rows[i].row);
		sqlite3_bind_text(s, 3, rows[i].customer_id, -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(s, 4, rows[i].state, -1, SQLITE_STATIC);
		store_bind_opt(s, 5, rows[i].record);
		if (sqlite3_step(s) != SQLITE_DONE) {
			store_db_err(st, err, "verify row");
			goto fail;
		}
	}
	sqlite3_finalize(s);
	return store_commit(st, err);
fail:
	sqlite3_finalize(s);
	store_rollback(st);
	return -1;
}

int
store_verify_get(struct store *st, int64_t run, struct store_verify *v,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(v, 0, sizeof *v);
	if (store_prepare(st, "SELECT at, window_start, window_end, records,"
	    " matched, missing, unexpected, note FROM verify WHERE run = ?",
	    &s, err) == -1)
		return -1;
	sqlite3_bind_int64(s, 1, run);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		v->run = run;
		store_copy_col(s, 0, v->at, sizeof v->at);
		store_copy_col(s, 1, v->window_start, sizeof v->window_start);
		store_copy_col(s, 2, v->window_end, sizeof v->window_end);
		v->records = sqlite3_column_int64(s, 3);
		v->matched = sqlite3_column_int64(s, 4);
		v->missing = sqlite3_column_int64(s, 5);
		v->unexpected = sqlite3_column_int64(s, 6);
		store_copy_col(s, 7, v->note, sizeof v->note);
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "verify");
	return 0;
}

int
store_other_correlations(struct store *st, int64_t run, char ***ids,
    size_t *n, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	size_t		 cap = 0;
	int		 rc;

	*ids = NULL;
	*n = 0;
	if (store_prepare(st, "SELECT correlation_id FROM run WHERE id <> ?"
	    " AND coalesce(correlation_id, '') <> ''", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xreallocarray(*ids, cap, sizeof **ids);
		}
		(*ids)[(*n)++] = xstrdup(store_col_text(stmt, 0));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "correlation ids");
	return 0;
}
