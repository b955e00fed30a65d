/*
 * store.c: the SQLite store proper: opening (the file is created 0600
 * before SQLite opens it, and SQLite gives its -wal and -shm files the same
 * mode), the schema and its migrations, transactions, the SQL helpers the
 * store's files share, and the run as every later step reads it.
 * Statements run for every row are kept prepared (store_cached);
 * everything else is prepared at its call.
 */
#include "config.h"

#include "store.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store_int.h"
#include "xmalloc.h"

/* Migrations: index i brings the schema from version i to i + 1. */
static const char *const store_migrations[] = {
	"CREATE TABLE run ("
	"  id INTEGER PRIMARY KEY,"
	"  file TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  sha256 TEXT,"
	"  encoding TEXT NOT NULL,"
	"  bom INTEGER NOT NULL,"
	"  detected INTEGER NOT NULL,"
	"  delimiter TEXT NOT NULL,"
	"  header BLOB NOT NULL,"
	"  mapping TEXT NOT NULL,"
	"  clear_token TEXT NOT NULL,"
	"  profile TEXT,"
	"  version TEXT NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  created_at TEXT NOT NULL"
	"    DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),"
	"  staged_at TEXT,"
	"  n_rows INTEGER NOT NULL DEFAULT 0,"
	"  n_valid INTEGER NOT NULL DEFAULT 0,"
	"  n_invalid INTEGER NOT NULL DEFAULT 0,"
	"  n_duplicate INTEGER NOT NULL DEFAULT 0,"
	"  n_blank INTEGER NOT NULL DEFAULT 0,"
	"  row_first INTEGER,"
	"  row_last INTEGER"
	");"
	"CREATE INDEX run_sha256 ON run(sha256);"
	"CREATE TABLE run_row ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  line INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  dup_of INTEGER,"
	COLUMN_SQL_DEFS		/* "customer_id TEXT, ..., language TEXT, " */
	"  fixes INTEGER NOT NULL DEFAULT 0,"
	"  fixed INTEGER NOT NULL DEFAULT 0,"
	"  raw BLOB,"
	"  extra BLOB"
	");"
	"CREATE TABLE row_problem ("
	"  id INTEGER PRIMARY KEY,"
	"  row INTEGER NOT NULL,"
	"  col TEXT,"
	"  rule TEXT NOT NULL,"
	"  value TEXT,"
	"  message TEXT NOT NULL,"
	"  hint TEXT"
	");"
	"CREATE INDEX row_problem_row ON row_problem(row);",

	/* 2: check and plan */
	"ALTER TABLE run ADD COLUMN checked_at TEXT;"
	"ALTER TABLE run ADD COLUMN check_source TEXT;"
	"ALTER TABLE run ADD COLUMN snapshot_mtime TEXT;"
	"ALTER TABLE run ADD COLUMN plan_hash TEXT;"
	"CREATE TABLE account ("
	"  row INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  customer_id TEXT NOT NULL,"
	"  etag TEXT,"
	"  profile_id TEXT,"
	"  fetched_at TEXT NOT NULL,"
	"  body TEXT"
	STORE_PROFILE_DEFS	/* ", company_name TEXT, ..." */
	");"
	"CREATE TABLE plan_change ("
	"  row INTEGER NOT NULL,"
	"  col INTEGER NOT NULL,"
	"  old TEXT,"
	"  new TEXT NOT NULL,"
	"  PRIMARY KEY (row, col)"
	") WITHOUT ROWID;"
	"CREATE TABLE outcome ("
	"  row INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  state TEXT NOT NULL,"
	"  review INTEGER NOT NULL DEFAULT 0,"
	"  normalized INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  http_status INTEGER,"
	"  error_code TEXT,"
	"  message TEXT,"
	"  request_id TEXT,"
	"  updated_at TEXT NOT NULL"
	"    DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))"
	");"
	"ALTER TABLE run ADD COLUMN correlation_id TEXT;"
	"ALTER TABLE run ADD COLUMN submitted_at TEXT;"
	"ALTER TABLE outcome ADD COLUMN sent_at TEXT;"
	"ALTER TABLE outcome ADD COLUMN etag TEXT;"
	"CREATE TABLE conflict ("
	"  row INTEGER NOT NULL,"
	"  col INTEGER NOT NULL,"
	"  at_check TEXT,"
	"  now TEXT,"
	"  wanted TEXT,"
	"  PRIMARY KEY (row, col)"
	") WITHOUT ROWID;",

	/*
	 * 3: whether a failed row may be retried, recorded when it fails.
	 * Rows failed before are set once by the rule retry used to apply:
	 * no status (no reply, or check could not read the account), 408,
	 * 429, 5xx, or an account that kept changing.
	 */
	"ALTER TABLE outcome ADD COLUMN retryable INTEGER NOT NULL DEFAULT 0;"
	"UPDATE outcome SET retryable = 1 WHERE state = 'failed'"
	" AND (http_status IS NULL OR http_status IN (408, 429)"
	"  OR http_status >= 500 OR message LIKE '%kept changing%');",

	/*
	 * 4: the evidence of a row's writes. put_in_flight: a PUT of the row
	 * was handed to the client and its answer is not recorded, so it may
	 * have landed; put_landed: an answer said one landed or may have (a
	 * 2xx, a 5xx, no answer). A 412 proves a PUT did not land. A row
	 * that failed at check was never taken up by submit and has no plan:
	 * not retryable, check reads it again.
	 */
	"ALTER TABLE outcome ADD COLUMN put_in_flight INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE outcome ADD COLUMN put_landed INTEGER NOT NULL"
	" DEFAULT 0;"
	"UPDATE outcome SET put_in_flight = 1 WHERE state = 'sending'"
	" AND coalesce(request_id, '') <> '';"
	"UPDATE outcome SET retryable = 0 WHERE state = 'failed'"
	" AND attempts = 0;",

	/*
	 * 5: problems found at check (a value check proves damaged against
	 * the account): the row's outcome is 'invalid'; a new check clears
	 * them with the rest of its plan.
	 */
	"ALTER TABLE row_problem ADD COLUMN at_check INTEGER NOT NULL"
	" DEFAULT 0;",

	/*
	 * 6: the service's country validation rules as check last read them
	 * (GET /v1/countryvalidationrules/{ISO2}): the answer's JSON and when
	 * it was read (UTC), for an offline check to judge by.
	 */
	"CREATE TABLE country_rules ("
	"  country TEXT PRIMARY KEY,"
	"  body TEXT NOT NULL,"
	"  read_at TEXT NOT NULL"
	") WITHOUT ROWID;",

	/*
	 * 7: four eyes and the trail. An approval binds to a run's plan
	 * hash; a new check voids it. The audit trail is append-only, here
	 * too: each entry carries the hash of the one before (audit.c).
	 * purged_at: when a run's personal data was removed (purge).
	 */
	"CREATE TABLE approval ("
	"  id INTEGER PRIMARY KEY,"
	"  run INTEGER NOT NULL,"
	"  approver TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  note TEXT,"
	"  plan_hash TEXT NOT NULL,"
	"  void INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX approval_run ON approval(run);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  who TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  run INTEGER,"
	"  input_sha256 TEXT,"
	"  plan_hash TEXT,"
	"  detail TEXT,"
	"  prev TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	" BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
	"ALTER TABLE run ADD COLUMN purged_at TEXT;",

	/*
	 * 8: verify: a run's writes matched against the service's activity
	 * log (GET /v1/auditrecords), the last verification of each run.
	 * verify_row: each applied row (matched or missing) and each write
	 * to a run customer we did not make (unexpected), with the record's
	 * JSON.
	 */
	"CREATE TABLE verify ("
	"  run INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  window_start TEXT,"
	"  window_end TEXT,"
	"  records INTEGER NOT NULL DEFAULT 0,"
	"  matched INTEGER NOT NULL DEFAULT 0,"
	"  missing INTEGER NOT NULL DEFAULT 0,"
	"  unexpected INTEGER NOT NULL DEFAULT 0,"
	"  note TEXT"
	");"
	"CREATE TABLE verify_row ("
	"  run INTEGER NOT NULL,"
	"  row INTEGER NOT NULL,"
	"  customer_id TEXT NOT NULL,"
	"  state TEXT NOT NULL,"
	"  record TEXT"
	");"
	"CREATE INDEX verify_row_run ON verify_row(run);",

	/*
	 * 9: a run staged from a workbook names its sheet (NULL: a CSV
	 * file); its fix-up is a workbook too.
	 */
	"ALTER TABLE run ADD COLUMN sheet TEXT;",

	/*
	 * 10: an offline check keeps no account (the plan holds the values
	 * it changes; submit reads the account again): the snapshot's
	 * company name of a row with changes that gives none is kept with
	 * its outcome, for plan and report to show.
	 */
	"ALTER TABLE outcome ADD COLUMN company TEXT;",
};

int
store_db_err(struct store *st, struct imp_err *err, const char *what)
{
	return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

int
store_exec(struct store *st, const char *sql, struct imp_err *err)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", st->path,
		    msg != NULL ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
    struct imp_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return store_db_err(st, err, "prepare");
	return 0;
}

/* Creates the file 0600 if missing; refuses one others may write. */
static int
secure_file(const char *path, struct imp_err *err)
{
	struct stat	sb;
	int		fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
		    strerror(errno));
	if (fstat(fd, &sb) == -1) {
		close(fd);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
		    strerror(errno));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return imp_errf(err, IMP_EXIT_SOFTWARE,
		    "%s: not a regular file", path);
	}
	if (sb.st_mode & (S_IWGRP | S_IWOTH)) {
		close(fd);
		return imp_errf(err, IMP_EXIT_NOPERM,
		    "%s: other users can write this database; it holds "
		    "personal data: 'chmod 600 %s' if that is safe", path,
		    path);
	}
	/* Readable by others: ours to tighten, it holds personal data. */
	if ((sb.st_mode & (S_IRGRP | S_IROTH)) && sb.st_uid == getuid())
		fchmod(fd, sb.st_mode & ~(S_IRWXG | S_IRWXO));
	close(fd);
	return 0;
}

static int
migrate(struct store *st, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	char		 sql[64];
	int		 version = 0;
	size_t		 i;

	if (store_prepare(st, "PRAGMA user_version", &stmt, err) == -1)
		return -1;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (version > STORE_SCHEMA_VERSION)
		return imp_errf(err, IMP_EXIT_SOFTWARE,
		    "%s: schema version %d is newer than this importer "
		    "knows (%d); use a newer importer", st->path, version,
		    STORE_SCHEMA_VERSION);
	if (version == STORE_SCHEMA_VERSION)
		return 0;
	if (store_exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	for (i = version; i < STORE_SCHEMA_VERSION; i++)
		if (store_exec(st, store_migrations[i], err) == -1)
			goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (store_exec(st, sql, err) == -1 ||
	    store_exec(st, "COMMIT", err) == -1)
		goto fail;
	return 0;
fail:
	store_exec(st, "ROLLBACK", NULL);
	return -1;
}

struct store *
store_open(const char *path, struct imp_err *err)
{
	struct store	*st;

	/* Single-threaded use: no global memory statistics (and mutex). */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (secure_file(path, err) == -1)
		return NULL;
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->lock_fd = -1;
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		store_db_err(st, err, "open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (store_exec(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA cache_size = -8192;", err) == -1)
		goto fail;
	if (migrate(st, err) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	int	k;

	if (st == NULL)
		return;
	if (st->in_tx)
		store_rollback(st);
	for (k = 0; k < STORE_NSTMT; k++)
		sqlite3_finalize(st->stmt[k]);
	store_plan_clear(st);
	sqlite3_close(st->db);
	/* After SQLite's close: closing a descriptor of the file drops the
	 * process's POSIX locks on it, SQLite's included. */
	if (st->lock_fd != -1)
		close(st->lock_fd);
	for (k = 0; k < COL_COUNT; k++)
		free(st->hdr[k]);
	free(st->path);
	free(st);
}

int
store_lock(struct store *st, struct imp_err *err)
{
	if (st->lock_fd != -1)
		return 0;
	/* flock(2), not fcntl: SQLite's own locks are fcntl's, and the two
	 * do not meet on Linux. Released by the kernel when the process
	 * ends, kill -9 included. */
	st->lock_fd = open(st->path, O_RDONLY | O_CLOEXEC);
	if (st->lock_fd == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", st->path,
		    strerror(errno));
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		return imp_errf(err, IMP_EXIT_TEMPFAIL, "%s: another importer "
		    "process is working on this database (check, submit, "
		    "retry or run); nothing was done: try again when it has "
		    "finished", st->path);
	return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: lock: %s", st->path,
	    strerror(errno));
}

sqlite3_stmt *
store_cached(struct store *st, enum store_stmt k, const char *sql,
    struct imp_err *err)
{
	sqlite3_stmt	*s = st->stmt[k];

	if (s != NULL) {
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return s;
	}
	if (store_prepare(st, sql, &st->stmt[k], err) == -1)
		return NULL;
	return st->stmt[k];
}

/* Runs one of the transaction statements, kept prepared (submit runs them
 * for every round of answers). */
static int
tx_step(struct store *st, enum store_stmt k, const char *sql,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_cached(st, k, sql, err);
	if (s == NULL)
		return -1;
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", st->path,
		    sqlite3_errmsg(st->db));
		return -1;
	}
	return 0;
}

int
store_begin(struct store *st, struct imp_err *err)
{
	if (tx_step(st, STORE_TX_BEGIN, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	st->in_tx = 1;
	return 0;
}

void
store_defer_checkpoints(struct store *st)
{
	/* Closing the last connection checkpoints the WAL anyway. */
	sqlite3_wal_autocheckpoint(st->db, 0);
}

/*
 * A bulk load writes mostly new pages. A rollback journal need not copy
 * those (they lie past the old end of the file), while WAL writes every
 * page twice, to the log and again at the checkpoint. So the load runs
 * in DELETE mode when no other connection is open, and WAL comes back at
 * commit (store_open restores it after a crash too). If another
 * connection holds the database, the switch fails and WAL stays.
 */
int
store_begin_bulk(struct store *st, struct imp_err *err)
{
	if (store_exec(st, "PRAGMA journal_mode = DELETE", NULL) == 0)
		st->bulk = 1;
	return store_begin(st, err);
}

static void
end_bulk(struct store *st)
{
	if (st->bulk) {
		store_exec(st, "PRAGMA journal_mode = WAL", NULL);
		st->bulk = 0;
	}
}

int
store_commit(struct store *st, struct imp_err *err)
{
	if (tx_step(st, STORE_TX_COMMIT, "COMMIT", err) == -1)
		return -1;
	st->in_tx = 0;
	end_bulk(st);
	return 0;
}

void
store_rollback(struct store *st)
{
	store_exec(st, "ROLLBACK", NULL);
	st->in_tx = 0;
	end_bulk(st);
}

const char *
store_col_text(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? s : "";
}

/* Copies a column's text into a fixed buffer. */
void
store_copy_col(sqlite3_stmt *stmt, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", store_col_text(stmt, i));
}

int
store_col_outcome(sqlite3_stmt *stmt, int i, enum outcome *o)
{
	return outcome_parse(store_col_text(stmt, i), o);
}

void
store_bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL && *v != '\0')
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

int
store_run_info(struct store *st, int64_t run, struct store_runinfo *ri,
    struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (store_prepare(st, "SELECT id, row_first, row_last, n_rows, n_valid,"
	    " n_invalid, n_duplicate, file, clear_token, checked_at,"
	    " check_source, snapshot_mtime, plan_hash FROM run"
	    " WHERE staged_at IS NOT NULL AND (id = ?1 OR (?1 = 0 AND id ="
	    "  (SELECT max(id) FROM run WHERE staged_at IS NOT NULL)))",
	    &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(stmt);
		if (rc != SQLITE_DONE)
			return store_db_err(st, err, "run");
		if (run == 0)
			return imp_errf(err, IMP_EXIT_USAGE, "%s: no run "
			    "staged yet; 'importer stage FILE' first",
			    st->path);
		return imp_errf(err, IMP_EXIT_USAGE, "%s: no run %lld "
		    "('importer history' lists them)", st->path,
		    (long long)run);
	}
	memset(ri, 0, sizeof *ri);
	ri->id = sqlite3_column_int64(stmt, 0);
	ri->row_first = sqlite3_column_int64(stmt, 1);
	ri->row_last = sqlite3_column_int64(stmt, 2);
	ri->rows = sqlite3_column_int64(stmt, 3);
	ri->valid = sqlite3_column_int64(stmt, 4);
	ri->invalid = sqlite3_column_int64(stmt, 5);
	ri->duplicate = sqlite3_column_int64(stmt, 6);
	store_copy_col(stmt, 7, ri->file, sizeof ri->file);
	store_copy_col(stmt, 8, ri->clear_token, sizeof ri->clear_token);
	store_copy_col(stmt, 9, ri->checked_at, sizeof ri->checked_at);
	store_copy_col(stmt, 10, ri->check_source, sizeof ri->check_source);
	store_copy_col(stmt, 11, ri->snapshot_mtime, sizeof ri->snapshot_mtime);
	store_copy_col(stmt, 12, ri->plan_hash, sizeof ri->plan_hash);
	sqlite3_finalize(stmt);
	return 0;
}

int
store_run_each(struct store *st, int (*fn)(const struct store_run *, void *),
    void *arg, struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_run	 r;
	int			 rc;

	if (store_prepare(st, "SELECT id, file, sha256, encoding, delimiter,"
	    " staged_at, n_rows, n_valid, n_invalid, n_duplicate, n_blank"
	    " FROM run WHERE staged_at IS NOT NULL ORDER BY id DESC", &stmt,
	    err) == -1)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(stmt, 0);
		r.file = store_col_text(stmt, 1);
		r.sha256 = store_col_text(stmt, 2);
		r.encoding = store_col_text(stmt, 3);
		r.delimiter = store_col_text(stmt, 4);
		r.staged_at = store_col_text(stmt, 5);
		r.rows = sqlite3_column_int64(stmt, 6);
		r.valid = sqlite3_column_int64(stmt, 7);
		r.invalid = sqlite3_column_int64(stmt, 8);
		r.duplicate = sqlite3_column_int64(stmt, 9);
		r.blank = sqlite3_column_int64(stmt, 10);
		if (fn(&r, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "history");
	return 0;
}
