/*
 * store_audit.c: the audit trail (append-only, each entry chained to the
 * one before by its hash: audit.c), the approvals of a run's plan, and
 * purging the personal data of old runs while their counts, hashes,
 * outcomes and trail stay.
 */
#include "config.h"

#include "store.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "audit.h"
#include "store_int.h"

static void
utc_now(char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = time(NULL);

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
opt_text(const char *v)
{
	return v != NULL && *v != '\0' ? v : NULL;
}

int
store_audit_add(struct store *st, const struct audit_entry *in,
    struct imp_err *err)
{
	struct audit_entry	 e = *in;
	sqlite3_stmt		*stmt = NULL;
	char			 at[32], prev[65], hash[65];
	int			 own = !st->in_tx, rc;

	/* The last hash and the new entry in one write transaction, so
	 * that two processes never chain to the same entry. */
	if (own && store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	snprintf(prev, sizeof prev, "%s", AUDIT_GENESIS);
	if (store_prepare(st, "SELECT hash FROM audit ORDER BY id DESC"
	    " LIMIT 1", &stmt, err) == -1)
		goto fail;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_copy_col(stmt, 0, prev, sizeof prev);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_db_err(st, err, "audit");
		goto fail;
	}
	utc_now(at, sizeof at);
	e.at = at;
	e.prev = prev;
	e.input_sha256 = opt_text(e.input_sha256);
	e.plan_hash = opt_text(e.plan_hash);
	e.detail = opt_text(e.detail);
	if (audit_entry_hash(&e, hash) == -1) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: audit: SHA-256 failed",
		    st->path);
		goto fail;
	}
	if (store_prepare(st, "INSERT INTO audit (at, who, what, run,"
	    " input_sha256, plan_hash, detail, prev, hash)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", &stmt, err) == -1)
		goto fail;
	sqlite3_bind_text(stmt, 1, e.at, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, e.who, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, e.what, -1, SQLITE_STATIC);
	if (e.run != 0)
		sqlite3_bind_int64(stmt, 4, e.run);
	store_bind_opt(stmt, 5, e.input_sha256);
	store_bind_opt(stmt, 6, e.plan_hash);
	store_bind_opt(stmt, 7, e.detail);
	sqlite3_bind_text(stmt, 8, prev, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 9, hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE) {
		store_db_err(st, err, "audit");
		goto fail;
	}
	if (own && store_exec(st, "COMMIT", err) == -1)
		goto fail;
	return 0;
fail:
	if (own)
		store_exec(st, "ROLLBACK", NULL);
	return -1;
}

static const char *
col_opt(sqlite3_stmt *stmt, int i)
{
	return (const char *)sqlite3_column_text(stmt, i);
}

int
store_audit_each(struct store *st, int64_t run,
    int (*fn)(const struct audit_entry *, void *), void *arg,
    struct imp_err *err)
{
	struct audit_entry	 e;
	sqlite3_stmt		*stmt;
	int			 rc;

	if (store_prepare(st, "SELECT id, at, who, what, run, input_sha256,"
	    " plan_hash, detail, prev, hash FROM audit"
	    " WHERE ?1 = 0 OR run = ?1 ORDER BY id", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&e, 0, sizeof e);
		e.id = sqlite3_column_int64(stmt, 0);
		e.at = col_opt(stmt, 1);
		e.who = col_opt(stmt, 2);
		e.what = col_opt(stmt, 3);
		e.run = sqlite3_column_int64(stmt, 4);
		e.input_sha256 = col_opt(stmt, 5);
		e.plan_hash = col_opt(stmt, 6);
		e.detail = col_opt(stmt, 7);
		e.prev = col_opt(stmt, 8);
		e.hash = col_opt(stmt, 9);
		if (fn(&e, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "audit");
	return 0;
}

int
store_run_hashes(struct store *st, int64_t run, char sha256[65],
    char plan_hash[65], struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	sha256[0] = plan_hash[0] = '\0';
	if (store_prepare(st, "SELECT sha256, plan_hash FROM run WHERE id = ?",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_copy_col(stmt, 0, sha256, 65);
		store_copy_col(stmt, 1, plan_hash, 65);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "run");
	return 0;
}

int
store_run_preparer(struct store *st, int64_t run, char *who, size_t size,
    struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	who[0] = '\0';
	if (store_prepare(st, "SELECT who FROM audit WHERE run = ?"
	    " AND what = 'check' ORDER BY id DESC LIMIT 1", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_copy_col(stmt, 0, who, size);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "audit");
	return 0;
}

int
store_approval_add(struct store *st, int64_t run, const char *approver,
    const char *note, const char *plan_hash, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	char		 at[32];
	int		 rc;

	utc_now(at, sizeof at);
	if (store_prepare(st, "INSERT INTO approval (run, approver, at, note,"
	    " plan_hash) VALUES (?, ?, ?, ?, ?)", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_text(stmt, 2, approver, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, at, -1, SQLITE_STATIC);
	store_bind_opt(stmt, 4, note);
	sqlite3_bind_text(stmt, 5, plan_hash, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "approval");
	return 0;
}

int
store_approval_each(struct store *st, int64_t run,
    int (*fn)(const struct store_approval *, void *), void *arg,
    struct imp_err *err)
{
	struct store_approval	 a;
	sqlite3_stmt		*stmt;
	int			 rc;

	if (store_prepare(st, "SELECT id, approver, at, note, plan_hash, void"
	    " FROM approval WHERE run = ? ORDER BY id", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		a.id = sqlite3_column_int64(stmt, 0);
		a.approver = store_col_text(stmt, 1);
		a.at = store_col_text(stmt, 2);
		a.note = col_opt(stmt, 3);
		a.plan_hash = store_col_text(stmt, 4);
		a.void_ = sqlite3_column_int(stmt, 5);
		if (fn(&a, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "approval");
	return 0;
}

#define STORE_NULL_X(e, name, sql, place, prop, max, flags)	", " sql " = NULL"

/* The purged runs, as a subquery on ?1 (the date). */
#define PURGED	"(SELECT id FROM run WHERE staged_at IS NOT NULL" \
		" AND staged_at < ?1)"
#define PURGED_ROWS "(SELECT id FROM run_row WHERE run IN " PURGED ")"

int
store_purge(struct store *st, const char *date, int dry, int64_t *runs,
    int64_t *rows, struct imp_err *err)
{
	static const char *const sql[] = {
		"UPDATE run_row SET raw = NULL, extra = NULL"
		    COLUMN_PROFILE_TABLE(STORE_NULL_X)
		    " WHERE run IN " PURGED,
		"UPDATE account SET body = NULL"
		    COLUMN_PROFILE_TABLE(STORE_NULL_X)
		    " WHERE run IN " PURGED,
		"UPDATE plan_change SET old = NULL, new = ''"
		    " WHERE row IN " PURGED_ROWS,
		"UPDATE conflict SET at_check = NULL, now = NULL,"
		    " wanted = NULL WHERE row IN " PURGED_ROWS,
		/* A message may quote a value: the rule stays. */
		"UPDATE row_problem SET value = NULL, hint = NULL,"
		    " message = 'removed by purge' WHERE row IN " PURGED_ROWS,
		"UPDATE outcome SET message = NULL, company = NULL"
		    " WHERE row IN " PURGED_ROWS,
		"UPDATE verify_row SET record = NULL WHERE run IN " PURGED,

		"UPDATE run SET purged_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
		    " 'now') WHERE id IN " PURGED,
	};
	sqlite3_stmt	*stmt;
	size_t		 i;
	int		 rc;

	*runs = *rows = 0;
	if (store_prepare(st, "SELECT count(*), coalesce(sum(n_rows), 0)"
	    " FROM run WHERE id IN " PURGED, &stmt, err) == -1)
		return -1;
	sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		*runs = sqlite3_column_int64(stmt, 0);
		*rows = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return store_db_err(st, err, "purge");
	if (dry || *runs == 0)
		return 0;
	if (store_exec(st, "PRAGMA secure_delete = ON", err) == -1 ||
	    store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	for (i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		if (store_prepare(st, sql[i], &stmt, err) == -1)
			goto fail;
		sqlite3_bind_text(stmt, 1, date, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE) {
			store_db_err(st, err, "purge");
			goto fail;
		}
	}
	/* Left open: the caller's trail entry goes in the same commit
	 * (store_purge_commit), or neither (store_rollback). */
	st->in_tx = 1;
	return 0;
fail:
	store_exec(st, "ROLLBACK", NULL);
	return -1;
}

int
store_purge_commit(struct store *st, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc, busy = 1;

	if (store_commit(st, err) == -1)
		return -1;
	/* The old pages go with a rebuilt file, and the log is emptied:
	 * neither keeps a copy of what was removed. */
	if (store_exec(st, "VACUUM", err) == -1 ||
	    store_prepare(st, "PRAGMA wal_checkpoint(TRUNCATE)", &stmt,
	    err) == -1)
		return -1;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		busy = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW || busy != 0)
		return imp_errf(err, IMP_EXIT_TEMPFAIL, "%s: the purged data "
		    "is gone from the database, but its write-ahead log could "
		    "not be emptied (another process is reading it): run "
		    "'importer purge' again when it is done", st->path);
	return 0;
}
