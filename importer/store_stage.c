/*
 * store_stage.c: what the stage step writes and reads back: the run and
 * its input, its rows (one range of ids: they are inserted in one
 * transaction), their problems and states.
 */
#include "config.h"

#include "store.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"

static void
operator_name(char *buf, size_t len)
{
	struct passwd	*pw;
	const char	*user = NULL;
	char		 host[256];

	pw = getpwuid(getuid());
	if (pw != NULL)
		user = pw->pw_name;
	if (user == NULL)
		user = getenv("USER");
	if (gethostname(host, sizeof host) == -1)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	snprintf(buf, len, "%s@%s", user != NULL ? user : "?", host);
}

int
store_run_create(struct store *st, const struct store_run_info *ri,
    int64_t *run, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	char		 op[320], delim[2];
	int		 rc;

	if (store_prepare(st, "INSERT INTO run (file, size, encoding, bom,"
	    " detected, delimiter, header, mapping, clear_token, profile,"
	    " version, operator, sheet) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?)",
	    &stmt, err) == -1)
		return -1;
	operator_name(op, sizeof op);
	delim[0] = ri->delimiter;
	delim[1] = '\0';
	sqlite3_bind_text(stmt, 1, ri->file, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, ri->size);
	sqlite3_bind_text(stmt, 3, ri->encoding, -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 4, ri->bom);
	sqlite3_bind_int(stmt, 5, ri->detected);
	sqlite3_bind_text(stmt, 6, delim, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 7, ri->header, ri->headerlen, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, ri->mapping, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, ri->clear_token, -1, SQLITE_STATIC);
	if (ri->profile != NULL)
		sqlite3_bind_text(stmt, 10, ri->profile, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 11, ri->version, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 12, op, -1, SQLITE_STATIC);
	if (ri->sheet != NULL)
		sqlite3_bind_text(stmt, 13, ri->sheet, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "new run");
	*run = sqlite3_last_insert_rowid(st->db);
	st->first_row = st->last_row = 0;
	return 0;
}

int
store_run_finish(struct store *st, int64_t run, const char *sha256,
    int64_t rows, int64_t valid, int64_t invalid, int64_t duplicate,
    int64_t blank, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	/* A run's rows are inserted in one transaction, so their ids are
	 * one range: queries by run use it instead of an index. */
	if (store_prepare(st, "UPDATE run SET sha256 = ?, n_rows = ?,"
	    " n_valid = ?, n_invalid = ?, n_duplicate = ?, n_blank = ?,"
	    " staged_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
	    " row_first = ?, row_last = ? WHERE id = ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, rows);
	sqlite3_bind_int64(stmt, 3, valid);
	sqlite3_bind_int64(stmt, 4, invalid);
	sqlite3_bind_int64(stmt, 5, duplicate);
	sqlite3_bind_int64(stmt, 6, blank);
	sqlite3_bind_int64(stmt, 7, st->first_row);
	sqlite3_bind_int64(stmt, 8, st->last_row);
	sqlite3_bind_int64(stmt, 9, run);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "finish run");
	return 0;
}

int64_t
store_run_by_sha(struct store *st, const char *sha256, int64_t not)
{
	sqlite3_stmt	*stmt;
	int64_t		 id = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM run WHERE"
	    " sha256 = ? AND id != ?", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(stmt, 1, sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, not);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return id;
}

int64_t
store_run_legacy(struct store *st, char *enc, size_t size)
{
	sqlite3_stmt	*stmt;
	int64_t		 id = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT id, encoding FROM run WHERE"
	    " upper(encoding) NOT LIKE 'UTF%' AND upper(encoding) NOT IN"
	    " ('ASCII', 'US-ASCII') ORDER BY id DESC LIMIT 1", -1, &stmt,
	    NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		id = sqlite3_column_int64(stmt, 0);
		snprintf(enc, size, "%s", store_col_text(stmt, 1));
	}
	sqlite3_finalize(stmt);
	return id;
}

int
store_row_add(struct store *st, int64_t run, const struct store_row *r,
    int64_t *id, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 i, rc;

	s = store_cached(st, STORE_ROW_ADD, "INSERT INTO run_row (run, line,"
	    " state, " COLUMN_SQL_NAMES "fixes, fixed, raw, extra) VALUES"
	    " (?, ?, ?, " COLUMN_SQL_PARAMS "?, ?, ?, ?)", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, r->line);
	sqlite3_bind_text(s, 3, outcome_name(r->state), -1, SQLITE_STATIC);
	for (i = 0; i < COL_COUNT; i++) {
		if (r->norm[i] == NULL)
			sqlite3_bind_null(s, 4 + i);
		else
			sqlite3_bind_text(s, 4 + i, r->norm[i], r->normlen[i],
			    SQLITE_STATIC);
	}
	sqlite3_bind_int(s, 4 + COL_COUNT, r->fixes);
	sqlite3_bind_int64(s, 5 + COL_COUNT, r->fixed);
	if (r->raw != NULL)
		sqlite3_bind_blob(s, 6 + COL_COUNT, r->raw, r->rawlen,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 6 + COL_COUNT);
	if (r->extra != NULL)
		sqlite3_bind_blob(s, 7 + COL_COUNT, r->extra, r->extralen,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 7 + COL_COUNT);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "insert row");
	*id = sqlite3_last_insert_rowid(st->db);
	if (st->first_row == 0)
		st->first_row = *id;
	st->last_row = *id;
	return 0;
}

int
store_problem_add(struct store *st, const struct store_problem *p,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_PROBLEM_ADD, "INSERT INTO row_problem (row,"
	    " col, rule, value, message, hint) VALUES (?, ?, ?, ?, ?, ?)", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, p->row);
	if (p->column != NULL)
		sqlite3_bind_text(s, 2, p->column, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_text(s, 3, p->rule, -1, SQLITE_STATIC);
	if (p->value != NULL)
		sqlite3_bind_text(s, 4, p->value, p->valuelen, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 4);
	sqlite3_bind_text(s, 5, p->message, -1, SQLITE_STATIC);
	if (p->hint != NULL && *p->hint != '\0')
		sqlite3_bind_text(s, 6, p->hint, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 6);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "insert problem");
	return 0;
}

int
store_row_set_state(struct store *st, int64_t row, enum outcome state,
    int64_t dup_of, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, STORE_ROW_SET_STATE, "UPDATE run_row SET"
	    " state = ?, dup_of = ? WHERE id = ?", err);
	if (s == NULL)
		return -1;
	sqlite3_bind_text(s, 1, outcome_name(state), -1, SQLITE_STATIC);
	if (dup_of != 0)
		sqlite3_bind_int64(s, 2, dup_of);
	else
		sqlite3_bind_null(s, 2);
	sqlite3_bind_int64(s, 3, row);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "update row");
	return 0;
}

int
store_row_get(struct store *st, int64_t row, struct store_row *r)
{
	sqlite3_stmt	*s;
	int		 i;

	s = store_cached(st, STORE_ROW_GET, "SELECT line, state" STORE_COLUMNS
	    " FROM run_row WHERE id = ?", NULL);
	if (s == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	if (sqlite3_step(s) != SQLITE_ROW)
		return -1;
	memset(r, 0, sizeof *r);
	r->line = sqlite3_column_int64(s, 0);
	if (store_col_outcome(s, 1, &r->state) == -1)
		return -1;
	for (i = 0; i < COL_COUNT; i++) {
		r->norm[i] = (const char *)sqlite3_column_text(s, 2 + i);
		r->normlen[i] = sqlite3_column_bytes(s, 2 + i);
	}
	return 0;
}

int
store_rule_counts(struct store *st, int64_t run,
    int (*fn)(const struct store_rule_count *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_rule_count	 c;
	int			 rc;

	if (store_prepare(st, "SELECT p.rule, count(*) AS n,"
	    " (SELECT group_concat(line, ', ') FROM (SELECT DISTINCT r2.line"
	    "   FROM row_problem p2 JOIN run_row r2 ON r2.id = p2.row"
	    "   WHERE r2.run = ?1 AND p2.rule = p.rule ORDER BY r2.line"
	    "   LIMIT 5))"
	    " FROM row_problem p JOIN run_row r ON r.id = p.row"
	    " WHERE r.run = ?1 GROUP BY p.rule ORDER BY n DESC, p.rule",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		c.rule = store_col_text(stmt, 0);
		c.count = sqlite3_column_int64(stmt, 1);
		c.lines = store_col_text(stmt, 2);
		if (fn(&c, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "rule counts");
	return 0;
}

static int
problems(struct store *st, int64_t run, long limit, int at_check,
    int (*fn)(const struct store_problem_line *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt			*stmt;
	struct store_problem_line	 p;
	int				 rc;

	if (store_prepare(st, "SELECT r.line, p.col, p.rule, p.value,"
	    " p.message, p.hint, r.customer_id FROM row_problem p JOIN run_row r ON r.id = p.row"
	    " WHERE r.run = ?1 AND (?2 = 0 OR p.at_check = ?2)"
	    " ORDER BY r.line, p.id LIMIT ?3", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_int(stmt, 2, at_check);
	sqlite3_bind_int64(stmt, 3, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.line = sqlite3_column_int64(stmt, 0);
		p.column = (const char *)sqlite3_column_text(stmt, 1);
		p.rule = store_col_text(stmt, 2);
		p.value = (const char *)sqlite3_column_text(stmt, 3);
		p.message = store_col_text(stmt, 4);
		p.hint = (const char *)sqlite3_column_text(stmt, 5);
		p.customer_id = (const char *)sqlite3_column_text(stmt, 6);
		if (fn(&p, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "problems");
	return 0;
}

int
store_problems(struct store *st, int64_t run, long limit,
    int (*fn)(const struct store_problem_line *, void *), void *arg,
    struct imp_err *err)
{
	return problems(st, run, limit, 0, fn, arg, err);
}

int
store_check_problems(struct store *st, int64_t run, long limit,
    int (*fn)(const struct store_problem_line *, void *), void *arg,
    struct imp_err *err)
{
	return problems(st, run, limit, 1, fn, arg, err);
}

int
store_submit_problems(struct store *st, int64_t run, long limit,
    int (*fn)(const struct store_problem_line *, void *), void *arg,
    struct imp_err *err)
{
	return problems(st, run, limit, STORE_FOUND_SUBMIT, fn, arg, err);
}

int
store_flagged_each(struct store *st, int64_t run,
    int (*fn)(const struct store_flagged *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_flagged	 f;
	int			 rc;

	/* Few cells are flagged: find them first, then each one's
	 * customer's latest earlier run in one pass over the rows. */
	if (store_prepare(st, "WITH f AS (SELECT r.customer_id AS c,"
	    "   r.run AS run, p.col AS col, p.value AS value"
	    "   FROM row_problem p JOIN run_row r ON r.id = p.row"
	    "   WHERE p.rule = 'excel-scientific' AND r.run < ?1"
	    "   AND r.customer_id IS NOT NULL AND p.value IS NOT NULL),"
	    " latest AS (SELECT customer_id AS c, max(run) AS run"
	    "   FROM run_row WHERE run < ?1"
	    "   AND customer_id IN (SELECT c FROM f) GROUP BY customer_id)"
	    " SELECT f.c, f.col, f.value FROM f JOIN latest"
	    "   ON latest.c = f.c AND latest.run = f.run", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		f.customer_id = store_col_text(stmt, 0);
		f.column = store_col_text(stmt, 1);
		f.value = store_col_text(stmt, 2);
		if (fn(&f, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "flagged cells");
	return 0;
}
