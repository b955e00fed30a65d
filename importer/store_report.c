/*
 * store_report.c: the store's queries for the result report, the fix-up
 * CSV and history: one pass over a run's rows in input order, merged with
 * their changes, problems and conflicts (each read in row order, so no
 * lookup per row), and the comparisons across runs.
 */
#include "config.h"

#include "store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "store_int.h"
#include "xmalloc.h"

int
store_report_begin(struct store *st, struct imp_err *err)
{
	if (store_exec(st, "BEGIN", err) == -1)
		return -1;
	st->in_tx = 1;
	return 0;
}

void
store_report_end(struct store *st)
{
	if (st->in_tx) {
		store_exec(st, "COMMIT", NULL);
		st->in_tx = 0;
	}
}

int
store_report_run(struct store *st, int64_t run, struct store_report_run *rr,
    struct imp_err *err)
{
	struct store_runinfo	 ri;
	sqlite3_stmt		*stmt;
	const void		*h;
	int			 rc;

	memset(rr, 0, sizeof *rr);
	if (store_run_info(st, run, &ri, err) == -1)
		return -1;
	if (store_prepare(st, "SELECT id, coalesce(row_first, 0),"
	    " coalesce(row_last, -1), n_rows, n_blank, size, bom, detected,"
	    " profile IS NOT NULL, file, sha256, encoding, delimiter,"
	    " clear_token, profile, version, operator, staged_at, checked_at,"
	    " submitted_at, check_source, snapshot_mtime, correlation_id,"
	    " header, mapping, (SELECT max(p.id) FROM run p WHERE p.id < run.id"
	    "  AND p.staged_at IS NOT NULL AND p.profile IS run.profile),"
	    " sheet FROM run WHERE id = ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri.id);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		return store_db_err(st, err, "run");
	}
	rr->id = sqlite3_column_int64(stmt, 0);
	rr->row_first = sqlite3_column_int64(stmt, 1);
	rr->row_last = sqlite3_column_int64(stmt, 2);
	rr->rows = sqlite3_column_int64(stmt, 3);
	rr->blank = sqlite3_column_int64(stmt, 4);
	rr->size = sqlite3_column_int64(stmt, 5);
	rr->bom = sqlite3_column_int(stmt, 6);
	rr->detected = sqlite3_column_int(stmt, 7);
	rr->has_profile = sqlite3_column_int(stmt, 8);
	store_copy_col(stmt, 9, rr->file, sizeof rr->file);
	store_copy_col(stmt, 10, rr->sha256, sizeof rr->sha256);
	store_copy_col(stmt, 11, rr->encoding, sizeof rr->encoding);
	store_copy_col(stmt, 12, rr->delimiter, sizeof rr->delimiter);
	store_copy_col(stmt, 13, rr->clear_token, sizeof rr->clear_token);
	store_copy_col(stmt, 14, rr->profile, sizeof rr->profile);
	store_copy_col(stmt, 15, rr->version, sizeof rr->version);
	store_copy_col(stmt, 16, rr->operator, sizeof rr->operator);
	store_copy_col(stmt, 17, rr->staged_at, sizeof rr->staged_at);
	store_copy_col(stmt, 18, rr->checked_at, sizeof rr->checked_at);
	store_copy_col(stmt, 19, rr->submitted_at, sizeof rr->submitted_at);
	store_copy_col(stmt, 20, rr->check_source, sizeof rr->check_source);
	store_copy_col(stmt, 21, rr->snapshot_mtime,
	    sizeof rr->snapshot_mtime);
	store_copy_col(stmt, 22, rr->correlation_id,
	    sizeof rr->correlation_id);
	rr->headerlen = sqlite3_column_bytes(stmt, 23);
	h = sqlite3_column_blob(stmt, 23);
	rr->header = xmalloc(rr->headerlen + 1);
	if (rr->headerlen > 0)
		memcpy(rr->header, h, rr->headerlen);
	rr->mapping = xstrdup(store_col_text(stmt, 24));
	rr->prev = sqlite3_column_int64(stmt, 25);
	store_copy_col(stmt, 26, rr->sheet, sizeof rr->sheet);
	sqlite3_finalize(stmt);
	snprintf(rr->plan_hash, sizeof rr->plan_hash, "%s", ri.plan_hash);
	if (store_run_preparer(st, rr->id, rr->preparer, sizeof rr->preparer,
	    err) == -1 || store_prepare(st, "SELECT group_concat(approver ||"
	    " ' (' || at || ')', ', ') FROM approval WHERE run = ? AND"
	    " void = 0 AND plan_hash = ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, rr->id);
	sqlite3_bind_text(stmt, 2, ri.plan_hash, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		store_copy_col(stmt, 0, rr->approvers, sizeof rr->approvers);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_db_err(st, err, "approval");
	return 0;
}

void
store_report_run_free(struct store_report_run *rr)
{
	free(rr->header);
	free(rr->mapping);
	rr->header = NULL;
	rr->mapping = NULL;
}

/* Runs a query of one integer result with the run's bindings. */
static int
count_one(struct store *st, const struct store_report_run *rr,
    const char *sql, int64_t *n, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_prepare(st, sql, &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, rr->row_first);
	sqlite3_bind_int64(stmt, 2, rr->row_last);
	if (sqlite3_bind_parameter_count(stmt) >= 3)
		sqlite3_bind_int64(stmt, 3, rr->id);
	rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_db_err(st, err, "report counts");
	return 0;
}

/*
 * The display width of x in SQL: its characters, plus half its bytes
 * beyond one a character, so a CJK character (3 bytes) counts two; an
 * accented Latin one (2 bytes) a little more than one, which errs wide.
 */
#define W(x)	"coalesce(max(length(" x ") + (length(CAST(" x " AS BLOB))" \
		" - length(" x ")) / 2), 0)"

/*
 * The widest texts of the report, one cheap aggregate a table over what the
 * sheets will show (no pass over the cells themselves).
 */
static int
report_widths(struct store *st, const struct store_report_run *rr,
    struct store_report_sizes *sz, struct imp_err *err)
{
	static const struct {
		int		 w[4];		/* per result column; -1: end */
		const char	*sql;
	} q[] = {
		{ { STORE_W_COMPANY, -1 }, "SELECT max((SELECT "
		    W("company_name") " FROM run_row WHERE id BETWEEN ?1"
		    " AND ?2), (SELECT " W("company_name") " FROM account"
		    " WHERE row BETWEEN ?1 AND ?2), (SELECT " W("company")
		    " FROM outcome WHERE row BETWEEN ?1 AND ?2))" },
		{ { STORE_W_OLD, STORE_W_NEW, -1 }, "SELECT " W("old") ", "
		    W("new") " FROM plan_change WHERE row BETWEEN ?1 AND ?2" },
		{ { STORE_W_CONFLICT, -1 }, "SELECT max(" W("at_check") ", "
		    W("now") ", " W("wanted") ") FROM conflict"
		    " WHERE row BETWEEN ?1 AND ?2" },
		{ { STORE_W_CODE, STORE_W_MESSAGE, -1 }, "SELECT "
		    W("error_code") ", " W("message") " FROM outcome"
		    " WHERE run = ?3 AND ?1 <= ?2" },
		{ { STORE_W_PCOL, STORE_W_PVALUE, STORE_W_PMESSAGE,
		    STORE_W_PHINT }, "SELECT " W("col") ", " W("value") ", "
		    W("message") ", " W("hint") " FROM row_problem"
		    " WHERE row BETWEEN ?1 AND ?2" },
	};
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 c, rc;

	for (i = 0; i < sizeof q / sizeof q[0]; i++) {
		if (store_prepare(st, q[i].sql, &stmt, err) == -1)
			return -1;
		sqlite3_bind_int64(stmt, 1, rr->row_first);
		sqlite3_bind_int64(stmt, 2, rr->row_last);
		if (sqlite3_bind_parameter_count(stmt) >= 3)
			sqlite3_bind_int64(stmt, 3, rr->id);
		rc = sqlite3_step(stmt);
		for (c = 0; rc == SQLITE_ROW && c < 4 && q[i].w[c] != -1; c++)
			sz->width[q[i].w[c]] = sqlite3_column_int64(stmt, c);
		sqlite3_finalize(stmt);
		if (rc != SQLITE_ROW)
			return store_db_err(st, err, "report widths");
	}
	return 0;
}

#undef W

int
store_report_sizes(struct store *st, const struct store_report_run *rr,
    struct store_report_sizes *sz, struct imp_err *err)
{
	memset(sz, 0, sizeof *sz);
	if (count_one(st, rr, "SELECT count(*) FROM plan_change"
	    " WHERE row BETWEEN ?1 AND ?2", &sz->changes, err) == -1)
		return -1;
	/* An invalid row without a problem still gets a line. */
	if (count_one(st, rr, "SELECT count(*) FROM run_row r"
	    " LEFT JOIN row_problem p ON p.row = r.id"
	    " WHERE r.id BETWEEN ?1 AND ?2 AND (r.state = 'invalid'"
	    " OR p.at_check = 1)", &sz->problems, err) == -1)
		return -1;
	if (count_one(st, rr, "SELECT count(*) FROM outcome o"
	    " LEFT JOIN conflict c ON c.row = o.row"
	    " WHERE o.run = ?3 AND o.state = 'conflict'"
	    " AND ?1 <= ?2", &sz->conflicts, err) == -1)
		return -1;
	return report_widths(st, rr, sz, err);
}

/* The strings of one row's children, copied out of SQLite's buffers. */
#define ARENA_NULL	((size_t)-1)

static size_t
arena_add(struct buf *a, const unsigned char *s, int n)
{
	size_t	off = a->len;

	if (s == NULL)
		return ARENA_NULL;
	buf_add(a, s, (size_t)n);
	a->len++;		/* keeps its NUL */
	return off;
}

static const char *
arena_str(const struct buf *a, size_t off)
{
	return off == ARENA_NULL ? NULL : a->s + off;
}

static size_t
arena_col(struct buf *a, sqlite3_stmt *s, int i)
{
	return arena_add(a, sqlite3_column_text(s, i),
	    sqlite3_column_bytes(s, i));
}

/* A query read alongside the rows, in row order. */
struct cursor {
	sqlite3_stmt	*s;
	int		 rc;
};

static void
cursor_step(struct cursor *c)
{
	c->rc = sqlite3_step(c->s);
}

/* Skips to row id; nonzero while the cursor is on it. */
static int
cursor_at(struct cursor *c, int64_t id)
{
	while (c->rc == SQLITE_ROW && sqlite3_column_int64(c->s, 0) < id)
		cursor_step(c);
	return c->rc == SQLITE_ROW && sqlite3_column_int64(c->s, 0) == id;
}

struct row_kids {
	struct buf			 a;
	struct store_report_change	*ch;
	size_t				 nch, capch;
	size_t				(*choff)[2];
	struct store_report_problem	*pr;
	size_t				 npr, cappr;
	size_t				(*proff)[5];
	struct store_report_conflict	*cf;
	size_t				 ncf, capcf;
	size_t				(*cfoff)[3];
};

static void
kids_free(struct row_kids *k)
{
	buf_free(&k->a);
	free(k->ch);
	free(k->choff);
	free(k->pr);
	free(k->proff);
	free(k->cf);
	free(k->cfoff);
}

/* Reads the children of row id from the three cursors. */
static void
kids_read(struct row_kids *k, struct cursor *cur, int64_t id)
{
	size_t	i;

	k->a.len = 0;
	k->nch = k->npr = k->ncf = 0;
	while (cursor_at(&cur[0], id)) {
		if (k->nch == k->capch) {
			k->capch = k->capch * 2 + 16;
			k->ch = xreallocarray(k->ch, k->capch, sizeof *k->ch);
			k->choff = xreallocarray(k->choff, k->capch,
			    sizeof *k->choff);
		}
		k->ch[k->nch].col = sqlite3_column_int(cur[0].s, 1);
		k->choff[k->nch][0] = arena_col(&k->a, cur[0].s, 2);
		k->choff[k->nch][1] = arena_col(&k->a, cur[0].s, 3);
		k->nch++;
		cursor_step(&cur[0]);
	}
	while (cursor_at(&cur[1], id)) {
		if (k->npr == k->cappr) {
			k->cappr = k->cappr * 2 + 8;
			k->pr = xreallocarray(k->pr, k->cappr, sizeof *k->pr);
			k->proff = xreallocarray(k->proff, k->cappr,
			    sizeof *k->proff);
		}
		for (i = 0; i < 5; i++)
			k->proff[k->npr][i] = arena_col(&k->a, cur[1].s,
			    1 + i);
		k->npr++;
		cursor_step(&cur[1]);
	}
	while (cursor_at(&cur[2], id)) {
		if (k->ncf == k->capcf) {
			k->capcf = k->capcf * 2 + 8;
			k->cf = xreallocarray(k->cf, k->capcf, sizeof *k->cf);
			k->cfoff = xreallocarray(k->cfoff, k->capcf,
			    sizeof *k->cfoff);
		}
		k->cf[k->ncf].col = sqlite3_column_int(cur[2].s, 1);
		for (i = 0; i < 3; i++)
			k->cfoff[k->ncf][i] = arena_col(&k->a, cur[2].s,
			    2 + i);
		k->ncf++;
		cursor_step(&cur[2]);
	}
	/* The arena may have moved while it grew: pointers only now. */
	for (i = 0; i < k->nch; i++) {
		k->ch[i].old = arena_str(&k->a, k->choff[i][0]);
		k->ch[i].new = arena_str(&k->a, k->choff[i][1]);
		if (k->ch[i].new == NULL)
			k->ch[i].new = "";
	}
	for (i = 0; i < k->npr; i++) {
		k->pr[i].column = arena_str(&k->a, k->proff[i][0]);
		k->pr[i].rule = arena_str(&k->a, k->proff[i][1]);
		k->pr[i].value = arena_str(&k->a, k->proff[i][2]);
		k->pr[i].message = arena_str(&k->a, k->proff[i][3]);
		k->pr[i].hint = arena_str(&k->a, k->proff[i][4]);
		if (k->pr[i].rule == NULL)
			k->pr[i].rule = "";
		if (k->pr[i].message == NULL)
			k->pr[i].message = "";
	}
	for (i = 0; i < k->ncf; i++) {
		k->cf[i].at_check = arena_str(&k->a, k->cfoff[i][0]);
		k->cf[i].now = arena_str(&k->a, k->cfoff[i][1]);
		k->cf[i].wanted = arena_str(&k->a, k->cfoff[i][2]);
	}
}

int
store_report_rows(struct store *st, const struct store_report_run *rr,
    int only_fixup, int (*fn)(const struct store_report_row *, void *),
    void *arg, struct imp_err *err)
{
	static const char *const kid_sql[3] = {
		"SELECT row, col, old, new FROM plan_change"
		" WHERE row BETWEEN ?1 AND ?2 ORDER BY row, col",
		"SELECT row, col, rule, value, message, hint FROM row_problem"
		" WHERE row BETWEEN ?1 AND ?2 ORDER BY row, id",
		"SELECT row, col, at_check, now, wanted FROM conflict"
		" WHERE row BETWEEN ?1 AND ?2 ORDER BY row, col",
	};
	struct cursor			 cur[3];
	struct row_kids			 kids;
	struct store_report_row		 r;
	sqlite3_stmt			*s = NULL;
	enum outcome			 staged;
	char				 sql[1400];
	int				 i, src, rc = -1;

	memset(cur, 0, sizeof cur);
	memset(&kids, 0, sizeof kids);
	snprintf(sql, sizeof sql, "SELECT r.id, r.line, r.state, o.state,"
	    " o.review, o.attempts, o.http_status, o.error_code, o.message,"
	    " o.request_id, CASE WHEN r.company_name IS NULL THEN"
	    "  coalesce(o.company,"
	    "  (SELECT a.company_name FROM account a WHERE a.row = r.id)) END,"
	    " (SELECT d.line FROM run_row d WHERE d.id = r.dup_of),"
	    " r.raw, r.extra" STORE_R_COLUMNS
	    " FROM run_row r LEFT JOIN outcome o ON o.row = r.id"
	    " WHERE r.id BETWEEN ?1 AND ?2%s ORDER BY r.id",
	    only_fixup ? " AND (r.state = 'invalid' OR (r.state != 'duplicate'"
	    " AND o.state IN ('failed', 'conflict', 'not_found',"
	    " 'invalid')))" : "");
	if (store_prepare(st, sql, &s, err) == -1)
		goto out;
	sqlite3_bind_int64(s, 1, rr->row_first);
	sqlite3_bind_int64(s, 2, rr->row_last);
	for (i = 0; i < 3; i++) {
		if (store_prepare(st, kid_sql[i], &cur[i].s, err) == -1)
			goto out;
		sqlite3_bind_int64(cur[i].s, 1, rr->row_first);
		sqlite3_bind_int64(cur[i].s, 2, rr->row_last);
		cursor_step(&cur[i]);
	}
	while ((src = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(s, 0);
		r.line = sqlite3_column_int64(s, 1);
		r.checked = sqlite3_column_type(s, 3) != SQLITE_NULL;
		if (store_col_outcome(s, 2, &staged) == -1 || (r.checked &&
		    store_col_outcome(s, 3, &r.state) == -1)) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: row %lld: unknown "
			    "outcome", st->path, (long long)r.id);
			goto out;
		}
		/* Invalid and duplicate rows are never checked or sent. */
		if (staged == OUTCOME_INVALID || staged == OUTCOME_DUPLICATE)
			r.state = staged;
		else if (!r.checked)
			r.state = OUTCOME_PENDING;
		r.review = sqlite3_column_int(s, 4);
		r.attempts = sqlite3_column_int64(s, 5);
		r.http_status = sqlite3_column_int(s, 6);
		r.error_code = (const char *)sqlite3_column_text(s, 7);
		r.message = (const char *)sqlite3_column_text(s, 8);
		r.request_id = (const char *)sqlite3_column_text(s, 9);
		r.company = (const char *)sqlite3_column_text(s, 10);
		r.dup_line = sqlite3_column_int64(s, 11);
		r.raw = sqlite3_column_blob(s, 12);
		r.rawlen = sqlite3_column_bytes(s, 12);
		r.extra = sqlite3_column_blob(s, 13);
		r.extralen = sqlite3_column_bytes(s, 13);
		for (i = 0; i < COL_COUNT; i++)
			r.norm[i] = (const char *)sqlite3_column_text(s,
			    14 + i);
		if (r.norm[COL_COMPANY_NAME] != NULL &&
		    *r.norm[COL_COMPANY_NAME] != '\0')
			r.company = r.norm[COL_COMPANY_NAME];
		kids_read(&kids, cur, r.id);
		r.changes = kids.ch;
		r.nchanges = kids.nch;
		r.problems = kids.pr;
		r.nproblems = kids.npr;
		r.conflicts = kids.cf;
		r.nconflicts = kids.ncf;
		if (fn(&r, arg) == -1)
			goto out;
	}
	if (src != SQLITE_DONE) {
		store_db_err(st, err, "report rows");
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	for (i = 0; i < 3; i++)
		sqlite3_finalize(cur[i].s);
	kids_free(&kids);
	return rc;
}

int
store_report_reasons(struct store *st, const struct store_report_run *rr,
    int failed, int limit, int (*fn)(const struct store_reason *, void *),
    void *arg, struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_reason	 re;
	int			 rc;

	if (!failed)
		rc = store_prepare(st, "SELECT p.rule, min(p.message),"
		    " count(DISTINCT p.row) AS n,"
		    " (SELECT group_concat(line, ', ') FROM (SELECT DISTINCT"
		    "   r2.line FROM row_problem p2 JOIN run_row r2"
		    "   ON r2.id = p2.row WHERE p2.row BETWEEN ?1 AND ?2"
		    "   AND p2.rule = p.rule ORDER BY r2.line LIMIT 5))"
		    " FROM row_problem p JOIN run_row r ON r.id = p.row"
		    " WHERE p.row BETWEEN ?1 AND ?2 AND (r.state = 'invalid'"
		    " OR p.at_check = 1) AND ?3 = ?3"
		    " GROUP BY p.rule ORDER BY n DESC, p.rule LIMIT ?4",
		    &stmt, err);
	else
		rc = store_prepare(st, "SELECT CASE WHEN o.http_status IS NULL"
		    " THEN 'no response' ELSE 'HTTP ' || o.http_status END ||"
		    " coalesce(' ' || o.error_code, ''), min(o.message),"
		    " count(*) AS n,"
		    " (SELECT group_concat(line, ', ') FROM (SELECT r2.line"
		    "   FROM outcome o2 JOIN run_row r2 ON r2.id = o2.row"
		    "   WHERE o2.run = ?3 AND o2.state = 'failed'"
		    "   AND o2.http_status IS o.http_status"
		    "   AND o2.error_code IS o.error_code"
		    "   ORDER BY r2.line LIMIT 5))"
		    " FROM outcome o WHERE o.run = ?3 AND o.state = 'failed'"
		    " AND ?1 <= ?2 + 1"
		    " GROUP BY o.http_status, o.error_code"
		    " ORDER BY n DESC, 1 LIMIT ?4", &stmt, err);
	if (rc == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, rr->row_first);
	sqlite3_bind_int64(stmt, 2, rr->row_last);
	sqlite3_bind_int64(stmt, 3, rr->id);
	sqlite3_bind_int(stmt, 4, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		re.reason = store_col_text(stmt, 0);
		re.example = store_col_text(stmt, 1);
		re.count = sqlite3_column_int64(stmt, 2);
		re.lines = store_col_text(stmt, 3);
		if (fn(&re, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "reasons");
	return 0;
}

/* Earlier applied changes of the profile's runs, keyed for lookup. */
static const char store_applied_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS t_applied (customer_id TEXT,"
	" col INTEGER, old TEXT, new TEXT, run INTEGER);"
	"CREATE INDEX IF NOT EXISTS temp.t_applied_key"
	" ON t_applied (customer_id, col);"
	"DELETE FROM t_applied;";

static const char *const store_repeat_sql[STORE_NREPEAT] = {
	/* STORE_FAILED_AGAIN */
	"SELECT r.line, r.customer_id, CASE WHEN o.http_status IS NULL THEN"
	" 'no response' ELSE 'HTTP ' || o.http_status END ||"
	" coalesce(' ' || o.error_code, ''), ?3"
	" FROM outcome o JOIN run_row r ON r.id = o.row"
	" WHERE o.run = ?1 AND o.state = 'failed' AND r.customer_id IN"
	" (SELECT r2.customer_id FROM outcome o2 JOIN run_row r2"
	"  ON r2.id = o2.row WHERE o2.run = ?3 AND o2.state = 'failed')"
	" ORDER BY r.line",
	/* STORE_REJECTED_AGAIN: the customer, or the bad ID itself */
	"SELECT r.line, coalesce(r.customer_id, p.value), p.rule, ?3"
	" FROM row_problem p JOIN run_row r ON r.id = p.row"
	" WHERE p.row BETWEEN ?4 AND ?5 AND r.state = 'invalid'"
	" AND (coalesce(r.customer_id, p.value), p.rule) IN"
	" (SELECT coalesce(r2.customer_id, p2.value), p2.rule"
	"  FROM row_problem p2 JOIN run_row r2 ON r2.id = p2.row"
	"  WHERE p2.row BETWEEN (SELECT row_first FROM run WHERE id = ?3)"
	"  AND (SELECT row_last FROM run WHERE id = ?3)"
	"  AND r2.state = 'invalid')"
	" ORDER BY r.line, p.id",
	/* STORE_FLIP_FLOP */
	"SELECT r.line, r.customer_id, c.col, max(t.run)"
	" FROM plan_change c CROSS JOIN run_row r CROSS JOIN t_applied t"
	" WHERE c.row BETWEEN ?4 AND ?5 AND r.id = c.row"
	" AND t.customer_id = r.customer_id AND t.col = c.col"
	" AND t.old = c.new AND t.new != c.new AND ?1 = ?1 AND ?3 = ?3"
	" GROUP BY c.row, c.col ORDER BY r.line, c.col",
	/* STORE_ALREADY_APPLIED */
	"SELECT r.line, r.customer_id, c.col, max(t.run)"
	" FROM plan_change c CROSS JOIN run_row r CROSS JOIN t_applied t"
	" WHERE c.row BETWEEN ?4 AND ?5 AND r.id = c.row"
	" AND t.customer_id = r.customer_id AND t.col = c.col"
	" AND t.new = c.new AND ?1 = ?1 AND ?3 = ?3"
	" GROUP BY c.row, c.col ORDER BY r.line, c.col",
};

int
store_report_repeats(struct store *st, const struct store_report_run *rr,
    int limit, int64_t counts[STORE_NREPEAT],
    int (*fn)(const struct store_repeat_item *, void *), void *arg,
    struct imp_err *err)
{
	struct store_repeat_item	 it;
	sqlite3_stmt			*stmt;
	int64_t				 applied = 0;
	int				 k, rc;

	memset(counts, 0, STORE_NREPEAT * sizeof *counts);
	if (store_exec(st, store_applied_sql, err) == -1)
		return -1;
	if (store_prepare(st, "INSERT INTO t_applied SELECT r.customer_id,"
	    " c.col, coalesce(c.old, ''), c.new, o.run"
	    " FROM outcome o JOIN run_row r ON r.id = o.row"
	    " JOIN plan_change c ON c.row = o.row"
	    " WHERE o.state = 'applied' AND o.run IN (SELECT id FROM run"
	    "  WHERE id < ?1 AND profile IS (SELECT profile FROM run"
	    "  WHERE id = ?1))", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, rr->id);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "earlier changes");
	applied = sqlite3_changes(st->db);

	for (k = 0; k < STORE_NREPEAT; k++) {
		if (k <= STORE_REJECTED_AGAIN ? rr->prev == 0 : applied == 0)
			continue;
		if (store_prepare(st, store_repeat_sql[k], &stmt, err) == -1)
			return -1;
		sqlite3_bind_int64(stmt, 1, rr->id);
		sqlite3_bind_int64(stmt, 3, rr->prev);
		if (sqlite3_bind_parameter_count(stmt) >= 4) {
			sqlite3_bind_int64(stmt, 4, rr->row_first);
			sqlite3_bind_int64(stmt, 5, rr->row_last);
		}
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (counts[k]++ >= limit)
				continue;
			memset(&it, 0, sizeof it);
			it.kind = k;
			it.line = sqlite3_column_int64(stmt, 0);
			it.customer_id = store_col_text(stmt, 1);
			if (k >= STORE_FLIP_FLOP)
				it.detail = colmap_name(
				    sqlite3_column_int(stmt, 2));
			else
				it.detail = store_col_text(stmt, 2);
			it.earlier_run = sqlite3_column_int64(stmt, 3);
			if (fn(&it, arg) == -1)
				break;
		}
		sqlite3_finalize(stmt);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_db_err(st, err, "repeats");
	}
	return 0;
}

int
store_customer_trail(struct store *st, const char *customer,
    int (*fn)(const struct store_trail *, void *), void *arg,
    struct imp_err *err)
{
	struct store_trail	 t;
	sqlite3_stmt		*stmt;
	char			 id[64];
	size_t			 n = 0;
	int			 rc;

	/* The form staging stores: lower case, no braces or spaces. */
	for (; *customer != '\0' && n + 1 < sizeof id; customer++)
		if (*customer != '{' && *customer != '}' &&
		    !isspace((unsigned char)*customer))
			id[n++] = tolower((unsigned char)*customer);
	id[n] = '\0';
	if (store_prepare(st, "SELECT r.run, coalesce(ru.submitted_at,"
	    " ru.checked_at, ru.staged_at), ru.file, r.line,"
	    " CASE WHEN r.state IN ('invalid', 'duplicate') THEN r.state"
	    " ELSE coalesce(o.state, 'pending') END, coalesce(c.col, -1),"
	    " c.old, c.new, o.request_id"
	    " FROM run_row r JOIN run ru ON ru.id = r.run"
	    " LEFT JOIN outcome o ON o.row = r.id"
	    " LEFT JOIN plan_change c ON c.row = r.id"
	    " WHERE r.customer_id = ? AND ru.staged_at IS NOT NULL"
	    " ORDER BY r.run, r.line, c.col", &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		t.run = sqlite3_column_int64(stmt, 0);
		t.when = store_col_text(stmt, 1);
		t.file = store_col_text(stmt, 2);
		t.line = sqlite3_column_int64(stmt, 3);
		if (store_col_outcome(stmt, 4, &t.state) == -1) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: run %lld: "
			    "unknown outcome", st->path, (long long)t.run);
			sqlite3_finalize(stmt);
			return -1;
		}
		t.col = sqlite3_column_int(stmt, 5);
		t.old = (const char *)sqlite3_column_text(stmt, 6);
		t.new = (const char *)sqlite3_column_text(stmt, 7);
		t.request_id = (const char *)sqlite3_column_text(stmt, 8);
		if (fn(&t, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "customer history");
	return 0;
}
