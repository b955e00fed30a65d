/*
 * store.c: the SQLite store. Statements used per row are prepared once per
 * open; everything else is prepared at its call. The file is created 0600
 * before SQLite opens it, and SQLite gives its -wal and -shm files the same
 * mode.
 */
#include "config.h"

#include "store.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "store_int.h"
#include "xmalloc.h"


static EVP_MD_CTX	*sha256_new(void);
static struct hasher	*hasher_new(void);
static void		 hasher_free(struct hasher *);
static void		 hash_add(struct hasher *, const void *, size_t);
static void		 hash_value(struct hasher *, const char *, int);
static void		 hash_int(struct hasher *, int64_t);
static void		 hash_final(struct hasher *, struct hasher *, char [65]);

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
	"  customer_id TEXT, company_name TEXT, first_name TEXT,"
	"  last_name TEXT, email TEXT, phone_number TEXT,"
	"  address_line1 TEXT, address_line2 TEXT, address_line3 TEXT,"
	"  city TEXT, state_code TEXT, region TEXT, postal_code TEXT,"
	"  country TEXT, culture TEXT, language TEXT,"
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
	"  body TEXT,"
	"  company_name TEXT, first_name TEXT, last_name TEXT, email TEXT,"
	"  phone_number TEXT, address_line1 TEXT, address_line2 TEXT,"
	"  address_line3 TEXT, city TEXT, state_code TEXT, region TEXT,"
	"  postal_code TEXT, country TEXT, culture TEXT, language TEXT"
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
	if (store_exec(st, sql, err) == -1 || store_exec(st, "COMMIT", err) == -1)
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
	if (store_prepare(st, "INSERT INTO run_row (run, line, state, customer_id,"
	    " company_name, first_name, last_name, email, phone_number,"
	    " address_line1, address_line2, address_line3, city, state_code,"
	    " region, postal_code, country, culture, language, fixes, fixed,"
	    " raw, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st->ins_row, err) == -1)
		goto fail;
	if (store_prepare(st, "INSERT INTO row_problem (row, col, rule, value,"
	    " message, hint) VALUES (?, ?, ?, ?, ?, ?)", &st->ins_problem,
	    err) == -1)
		goto fail;
	return st;
fail:
	store_close(st);
	return NULL;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	if (st->in_tx)
		store_rollback(st);
	sqlite3_finalize(st->ins_row);
	sqlite3_finalize(st->ins_problem);
	sqlite3_finalize(st->set_state);
	sqlite3_finalize(st->get_row);
	sqlite3_finalize(st->ins_account);
	sqlite3_finalize(st->ins_change);
	sqlite3_finalize(st->ins_outcome);
	sqlite3_finalize(st->sub_load);
	sqlite3_finalize(st->sub_plan);
	sqlite3_finalize(st->sub_mark);
	sqlite3_finalize(st->sub_result);
	sqlite3_finalize(st->tx_begin);
	sqlite3_finalize(st->tx_commit);
	hasher_free(st->hash_changes);
	hasher_free(st->hash_outcomes);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

/* Runs one of the transaction statements, prepared once (submit runs them
 * for every round of answers). */
static int
tx_step(struct store *st, sqlite3_stmt **stmt, const char *sql,
    struct imp_err *err)
{
	int	rc;

	if (*stmt == NULL && store_prepare(st, sql, stmt, err) == -1)
		return -1;
	rc = sqlite3_step(*stmt);
	sqlite3_reset(*stmt);
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
	if (tx_step(st, &st->tx_begin, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	st->in_tx = 1;
	return 0;
}

/*
 * A bulk load writes mostly new pages. A rollback journal need not copy
 * those (they lie past the old end of the file), while WAL writes every
 * page twice, to the log and again at the checkpoint. So the load runs
 * in DELETE mode when no other connection is open, and WAL comes back at
 * commit (store_open restores it after a crash too). If another
 * connection holds the database, the switch fails and WAL stays.
 */
void
store_defer_checkpoints(struct store *st)
{
	/* Closing the last connection checkpoints the WAL anyway. */
	sqlite3_wal_autocheckpoint(st->db, 0);
}

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
	if (tx_step(st, &st->tx_commit, "COMMIT", err) == -1)
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
	    " version, operator) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
	if (store_prepare(st, "UPDATE run SET sha256 = ?, n_rows = ?, n_valid = ?,"
	    " n_invalid = ?, n_duplicate = ?, n_blank = ?,"
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

const char *
store_col_text(sqlite3_stmt *stmt, int i)
{
	const char	*s = (const char *)sqlite3_column_text(stmt, i);

	return s != NULL ? s : "";
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

int
store_row_add(struct store *st, int64_t run, const struct store_row *r,
    int64_t *id, struct imp_err *err)
{
	sqlite3_stmt	*s = st->ins_row;
	int		 i, rc;

	sqlite3_bind_int64(s, 1, run);
	sqlite3_bind_int64(s, 2, r->line);
	sqlite3_bind_text(s, 3, r->state, -1, SQLITE_STATIC);
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
	sqlite3_stmt	*s = st->ins_problem;
	int		 rc;

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
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "insert problem");
	return 0;
}

int
store_row_set_state(struct store *st, int64_t row, const char *state,
    int64_t dup_of, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->set_state == NULL && store_prepare(st, "UPDATE run_row SET state = ?,"
	    " dup_of = ? WHERE id = ?", &st->set_state, err) == -1)
		return -1;
	s = st->set_state;
	sqlite3_bind_text(s, 1, state, -1, SQLITE_STATIC);
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

	if (st->get_row != NULL)
		sqlite3_reset(st->get_row);
	else if (store_prepare(st, "SELECT line, state, customer_id, company_name,"
	    " first_name, last_name, email, phone_number, address_line1,"
	    " address_line2, address_line3, city, state_code, region,"
	    " postal_code, country, culture, language FROM run_row"
	    " WHERE id = ?", &st->get_row, NULL) == -1)
		return -1;
	s = st->get_row;
	sqlite3_bind_int64(s, 1, row);
	if (sqlite3_step(s) != SQLITE_ROW)
		return -1;
	memset(r, 0, sizeof *r);
	r->line = sqlite3_column_int64(s, 0);
	r->state = (const char *)sqlite3_column_text(s, 1);
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

int
store_problems(struct store *st, int64_t run, long limit,
    int (*fn)(const struct store_problem_line *, void *), void *arg,
    struct imp_err *err)
{
	sqlite3_stmt			*stmt;
	struct store_problem_line	 p;
	int				 rc;

	if (store_prepare(st, "SELECT r.line, p.col, p.rule, p.value, p.message,"
	    " p.hint FROM row_problem p JOIN run_row r ON r.id = p.row"
	    " WHERE r.run = ? ORDER BY r.line, p.id LIMIT ?", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_int64(stmt, 2, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.line = sqlite3_column_int64(stmt, 0);
		p.column = (const char *)sqlite3_column_text(stmt, 1);
		p.rule = store_col_text(stmt, 2);
		p.value = (const char *)sqlite3_column_text(stmt, 3);
		p.message = store_col_text(stmt, 4);
		p.hint = (const char *)sqlite3_column_text(stmt, 5);
		if (fn(&p, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "problems");
	return 0;
}

/* Copies a column's text into a fixed buffer. */
void
store_copy_col(sqlite3_stmt *stmt, int i, char *buf, size_t len)
{
	snprintf(buf, len, "%s", store_col_text(stmt, i));
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

/* Adds n outcomes in state (review of them flagged) to c. */
static void
count_state(struct store_counts *c, const char *state, int64_t n,
    int64_t review)
{
	if (strcmp(state, "pending") == 0)
		c->review += review;
	if (strcmp(state, "unchanged") == 0)
		c->unchanged += n;
	else if (strcmp(state, "not_found") == 0)
		c->not_found += n;
	else if (strcmp(state, "applied") == 0)
		c->applied += n;
	else if (strcmp(state, "failed") == 0)
		c->failed += n;
	else if (strcmp(state, "conflict") == 0)
		c->conflicts += n;
	else if (strcmp(state, "sending") == 0)
		c->sending += n;
	else
		c->pending += n;
}

int
store_counts(struct store *st, const struct store_runinfo *ri,
    struct store_counts *c, struct imp_err *err)
{
	sqlite3_stmt	*stmt;
	const char	*state;
	int64_t		 n, seen = 0;
	int		 rc;

	memset(c, 0, sizeof *c);
	c->rows = ri->rows;
	c->valid = ri->valid;
	c->invalid = ri->invalid;
	c->duplicate = ri->duplicate;
	/* A run's outcomes are the rows of its range (no index by run). */
	if (store_prepare(st, "SELECT state, count(*), sum(review) FROM outcome"
	    " WHERE row BETWEEN ? AND ? GROUP BY state", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		state = store_col_text(stmt, 0);
		n = sqlite3_column_int64(stmt, 1);
		seen += n;
		count_state(c, state, n, sqlite3_column_int64(stmt, 2));
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "counts");
	/* Valid rows without an outcome are not checked yet: pending. */
	c->pending += c->valid - seen + c->sending;
	if (store_prepare(st, "SELECT count(DISTINCT row) FROM plan_change"
	    " WHERE row BETWEEN ? AND ?", &stmt, err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		c->changes = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return 0;
}

int
store_rows_each(struct store *st, const struct store_runinfo *ri,
    const char *state, int (*fn)(int64_t, const struct store_row *, void *),
    void *arg, struct imp_err *err)
{
	sqlite3_stmt		*stmt;
	struct store_row	 r;
	int			 i, rc;

	if (store_prepare(st, "SELECT id, line, state, customer_id, company_name,"
	    " first_name, last_name, email, phone_number, address_line1,"
	    " address_line2, address_line3, city, state_code, region,"
	    " postal_code, country, culture, language FROM run_row"
	    " WHERE id BETWEEN ? AND ? AND state = ? ORDER BY id", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	sqlite3_bind_text(stmt, 3, state, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.line = sqlite3_column_int64(stmt, 1);
		r.state = store_col_text(stmt, 2);
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
store_plan_begin(struct store *st, const struct store_runinfo *ri,
    int ordered, struct imp_err *err)
{
	time_t		now = time(NULL);
	struct tm	tm;

	gmtime_r(&now, &tm);
	strftime(st->now, sizeof st->now, "%Y-%m-%dT%H:%M:%SZ", &tm);
	hasher_free(st->hash_changes);
	hasher_free(st->hash_outcomes);
	st->hash_changes = st->hash_outcomes = NULL;
	if (ordered) {
		st->hash_changes = hasher_new();
		st->hash_outcomes = hasher_new();
	}
	memset(&st->plan_counts, 0, sizeof st->plan_counts);
	st->plan_changed = 0;
	if (store_begin_bulk(st, err) == -1)
		return -1;
	if (store_check_reset(st, ri, err) == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

int
store_plan_finish(struct store *st, const struct store_runinfo *ri,
    const char *source, const char *snapshot_mtime, char hash[65],
    struct store_counts *counts, struct imp_err *err)
{
	struct store_counts	*c = &st->plan_counts;

	if (st->hash_changes != NULL && st->hash_outcomes != NULL) {
		/* Written in row order: hashed on the way. */
		hash_final(st->hash_changes, st->hash_outcomes, hash);
		hasher_free(st->hash_changes);
		hasher_free(st->hash_outcomes);
		st->hash_changes = st->hash_outcomes = NULL;
	} else if (store_plan_hash(st, ri, hash, err) == -1)
		goto fail;
	if (store_run_checked(st, ri->id, source, snapshot_mtime, hash,
	    err) == -1 || store_commit(st, err) == -1)
		goto fail;
	/* As store_counts() would count them, without reading them back. */
	if (counts != NULL) {
		*counts = *c;
		counts->rows = ri->rows;
		counts->valid = ri->valid;
		counts->invalid = ri->invalid;
		counts->duplicate = ri->duplicate;
		counts->pending += ri->valid - (c->pending + c->unchanged +
		    c->not_found + c->applied + c->failed + c->conflicts +
		    c->sending) + c->sending;
	}
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int
store_ids_each(struct store *st, const struct store_runinfo *ri,
    const char *state, int (*fn)(int64_t, const char *, void *), void *arg,
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
	sqlite3_bind_text(stmt, 3, state, -1, SQLITE_STATIC);
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

int64_t
store_sent_count(struct store *st, const struct store_runinfo *ri)
{
	sqlite3_stmt	*stmt;
	int64_t		 n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM outcome"
	    " WHERE row BETWEEN ? AND ? AND state NOT IN ('pending',"
	    " 'unchanged', 'not_found')", -1, &stmt, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
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
store_plan_account(struct store *st, int64_t run, int64_t row,
    const struct store_account *a, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 i, rc;

	if (st->ins_account == NULL && store_prepare(st, "INSERT INTO account"
	    " (row, run, customer_id, etag, profile_id, fetched_at, body,"
	    " company_name, first_name, last_name, email, phone_number,"
	    " address_line1, address_line2, address_line3, city, state_code,"
	    " region, postal_code, country, culture, language) VALUES (?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st->ins_account, err) == -1)
		return -1;
	s = st->ins_account;
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

int
store_plan_change(struct store *st, int64_t row, int col, const char *old,
    const char *new, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->ins_change == NULL && store_prepare(st, "INSERT INTO plan_change"
	    " (row, col, old, new) VALUES (?, ?, ?, ?)", &st->ins_change,
	    err) == -1)
		return -1;
	if (st->hash_changes != NULL) {
		hash_int(st->hash_changes, row);
		hash_int(st->hash_changes, col);
		hash_value(st->hash_changes, old, old == NULL || *old == '\0');
		hash_value(st->hash_changes, new, 0);
		hash_add(st->hash_changes, "\x1e", 1);
	}
	s = st->ins_change;
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
store_plan_outcome(struct store *st, int64_t run, int64_t row,
    const char *state, int review, uint32_t normalized, const char *message,
    struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->ins_outcome == NULL && store_prepare(st, "INSERT INTO outcome"
	    " (row, run, state, review, normalized, message, updated_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?)", &st->ins_outcome, err) == -1)
		return -1;
	if (st->hash_outcomes != NULL) {
		/* At check, a row with changes is exactly a pending one. */
		hash_int(st->hash_outcomes, row);
		hash_value(st->hash_outcomes, strcmp(state, "pending") == 0 ?
		    "planned" : state, 0);
		hash_int(st->hash_outcomes, review);
		hash_add(st->hash_outcomes, "\x1e", 1);
	}
	s = st->ins_outcome;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int64(s, 2, run);
	sqlite3_bind_text(s, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, review);
	sqlite3_bind_int64(s, 5, normalized);
	store_bind_opt(s, 6, message);
	sqlite3_bind_text(s, 7, st->now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_db_err(st, err, "outcome");
	count_state(&st->plan_counts, state, 1, review);
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
 * new in row and column order) and the SHA-256 of its outcomes as check
 * decided them (row, 'planned' for a row with changes or its state, the
 * review flag, in row order). Two streams, so a check writing in row order
 * can hash as it writes.
 */
static void
hash_final(struct hasher *changes, struct hasher *outcomes, char hash[65])
{
	EVP_MD_CTX	*md = sha256_new();
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dl, i;

	hasher_digest(changes, d, &dl);
	EVP_DigestUpdate(md, d, dl);
	hasher_digest(outcomes, d, &dl);
	EVP_DigestUpdate(md, d, dl);
	EVP_DigestFinal_ex(md, d, &dl);
	for (i = 0; i < dl && i < 32; i++)
		snprintf(hash + 2 * i, 3, "%02x", d[i]);
	EVP_MD_CTX_free(md);
}

int
store_plan_hash(struct store *st, const struct store_runinfo *ri,
    char hash[65], struct imp_err *err)
{
	sqlite3_stmt	*stmt = NULL;
	struct hasher	*mc, *mo;
	int		 rc = -1;

	mc = hasher_new();
	mo = hasher_new();
	if (mc == NULL || mo == NULL) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "SHA-256 unavailable");
		goto out;
	}
	if (store_prepare(st, "SELECT row, col, old, new FROM plan_change"
	    " WHERE row BETWEEN ? AND ? ORDER BY row, col", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	if (hash_rows(stmt, mc) == -1) {
		store_db_err(st, err, "plan hash");
		goto out;
	}
	sqlite3_finalize(stmt);
	/*
	 * Outcomes as check decided them: a row with changes is 'planned'
	 * whatever submit has made of it since (applied, not_found, ...);
	 * the others keep the state check gave them.
	 */
	if (store_prepare(st, "SELECT o.row, CASE WHEN EXISTS (SELECT 1"
	    " FROM plan_change c WHERE c.row = o.row) THEN 'planned' ELSE"
	    " o.state END, o.review FROM outcome o WHERE o.row BETWEEN ? AND ?"
	    " ORDER BY o.row", &stmt, err) == -1)
		goto out;
	sqlite3_bind_int64(stmt, 1, ri->row_first);
	sqlite3_bind_int64(stmt, 2, ri->row_last);
	if (hash_rows(stmt, mo) == -1) {
		store_db_err(st, err, "plan hash");
		goto out;
	}
	hash_final(mc, mo, hash);
	rc = 0;
out:
	sqlite3_finalize(stmt);
	hasher_free(mc);
	hasher_free(mo);
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
	    " coalesce(r.company_name, a.company_name), c.col, c.old, c.new,"
	    " coalesce(o.review, 0) FROM plan_change c"
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
		if (fn(&c, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_db_err(st, err, "changes");
	return 0;
}

static size_t
put_varint(unsigned char *p, uint64_t v)
{
	size_t	n = 0;

	do {
		p[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			p[n] |= 0x80;
		n++;
	} while (v != 0);
	return n;
}

static int
get_varint(const unsigned char *p, size_t len, size_t *off, uint64_t *v)
{
	unsigned	shift = 0;

	*v = 0;
	while (*off < len && shift < 64) {
		unsigned char	c = p[(*off)++];

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
		shift += 7;
	}
	return -1;
}

size_t
store_pack(const char *const *cells, const size_t *lens, size_t n,
    unsigned char **buf, size_t *cap)
{
	size_t	i, need = 10, o;

	for (i = 0; i < n; i++)
		need += lens[i] + 10;
	if (*cap < need) {
		*cap = need * 2;
		*buf = xreallocarray(*buf, *cap, 1);
	}
	o = put_varint(*buf, n);
	for (i = 0; i < n; i++) {
		o += put_varint(*buf + o, lens[i]);
		memcpy(*buf + o, cells[i], lens[i]);
		o += lens[i];
	}
	return o;
}

size_t
store_unpack_all(const void *blob, size_t len, const char **cells,
    size_t *lens, size_t max)
{
	const unsigned char	*p = blob;
	size_t			 off = 0, k;
	uint64_t		 n, l;

	if (blob == NULL || get_varint(p, len, &off, &n) == -1)
		return 0;
	for (k = 0; k < n && k < max; k++) {
		if (get_varint(p, len, &off, &l) == -1 || l > len - off)
			return k;
		cells[k] = (const char *)p + off;
		lens[k] = l;
		off += l;
	}
	return k;
}

size_t
store_unpack_count(const void *blob, size_t len)
{
	size_t		off = 0;
	uint64_t	n;

	if (blob == NULL || get_varint(blob, len, &off, &n) == -1)
		return 0;
	return n;
}

int
store_unpack(const void *blob, size_t len, size_t i, const char **cell,
    size_t *celllen)
{
	const unsigned char	*p = blob;
	size_t			 off = 0, k;
	uint64_t		 n, l;

	if (blob == NULL || get_varint(p, len, &off, &n) == -1 || i >= n)
		return -1;
	for (k = 0; ; k++) {
		if (get_varint(p, len, &off, &l) == -1 || l > len - off)
			return -1;
		if (k == i) {
			*cell = (const char *)p + off;
			*celllen = l;
			return 0;
		}
		off += l;
	}
}
