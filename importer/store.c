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
#include <unistd.h>

#include <sqlite3.h>

#include "xmalloc.h"

struct store {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*ins_row;
	sqlite3_stmt	*ins_problem;
	sqlite3_stmt	*set_state;
	sqlite3_stmt	*get_row;
	int		 in_tx;
	int		 bulk;		/* in DELETE mode for a bulk load */
	int64_t		 first_row;	/* of the run being staged */
	int64_t		 last_row;
};

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
};

static int
db_err(struct store *st, struct imp_err *err, const char *what)
{
	return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s: %s", st->path, what,
	    sqlite3_errmsg(st->db));
}

static int
exec(struct store *st, const char *sql, struct imp_err *err)
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

static int
prepare(struct store *st, const char *sql, sqlite3_stmt **stmt,
    struct imp_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK)
		return db_err(st, err, "prepare");
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

	if (prepare(st, "PRAGMA user_version", &stmt, err) == -1)
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
	if (exec(st, "BEGIN IMMEDIATE", err) == -1)
		return -1;
	for (i = version; i < STORE_SCHEMA_VERSION; i++)
		if (exec(st, store_migrations[i], err) == -1)
			goto fail;
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (exec(st, sql, err) == -1 || exec(st, "COMMIT", err) == -1)
		goto fail;
	return 0;
fail:
	exec(st, "ROLLBACK", NULL);
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
		db_err(st, err, "open");
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (exec(st, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA cache_size = -8192;", err) == -1)
		goto fail;
	if (migrate(st, err) == -1)
		goto fail;
	if (prepare(st, "INSERT INTO run_row (run, line, state, customer_id,"
	    " company_name, first_name, last_name, email, phone_number,"
	    " address_line1, address_line2, address_line3, city, state_code,"
	    " region, postal_code, country, culture, language, fixes, fixed,"
	    " raw, extra) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?, ?, ?, ?, ?)", &st->ins_row, err) == -1)
		goto fail;
	if (prepare(st, "INSERT INTO row_problem (row, col, rule, value,"
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
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

int
store_begin(struct store *st, struct imp_err *err)
{
	if (exec(st, "BEGIN IMMEDIATE", err) == -1)
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
int
store_begin_bulk(struct store *st, struct imp_err *err)
{
	if (exec(st, "PRAGMA journal_mode = DELETE", NULL) == 0)
		st->bulk = 1;
	return store_begin(st, err);
}

static void
end_bulk(struct store *st)
{
	if (st->bulk) {
		exec(st, "PRAGMA journal_mode = WAL", NULL);
		st->bulk = 0;
	}
}

int
store_commit(struct store *st, struct imp_err *err)
{
	if (exec(st, "COMMIT", err) == -1)
		return -1;
	st->in_tx = 0;
	end_bulk(st);
	return 0;
}

void
store_rollback(struct store *st)
{
	exec(st, "ROLLBACK", NULL);
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

	if (prepare(st, "INSERT INTO run (file, size, encoding, bom,"
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
		return db_err(st, err, "new run");
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
	if (prepare(st, "UPDATE run SET sha256 = ?, n_rows = ?, n_valid = ?,"
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
		return db_err(st, err, "finish run");
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

static const char *
col_text(sqlite3_stmt *stmt, int i)
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

	if (prepare(st, "SELECT id, file, sha256, encoding, delimiter,"
	    " staged_at, n_rows, n_valid, n_invalid, n_duplicate, n_blank"
	    " FROM run WHERE staged_at IS NOT NULL ORDER BY id DESC", &stmt,
	    err) == -1)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(stmt, 0);
		r.file = col_text(stmt, 1);
		r.sha256 = col_text(stmt, 2);
		r.encoding = col_text(stmt, 3);
		r.delimiter = col_text(stmt, 4);
		r.staged_at = col_text(stmt, 5);
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
		return db_err(st, err, "history");
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
		return db_err(st, err, "insert row");
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
		return db_err(st, err, "insert problem");
	return 0;
}

int
store_row_set_state(struct store *st, int64_t row, const char *state,
    int64_t dup_of, struct imp_err *err)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (st->set_state == NULL && prepare(st, "UPDATE run_row SET state = ?,"
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
		return db_err(st, err, "update row");
	return 0;
}

int
store_row_get(struct store *st, int64_t row, struct store_row *r)
{
	sqlite3_stmt	*s;
	int		 i;

	if (st->get_row != NULL)
		sqlite3_reset(st->get_row);
	else if (prepare(st, "SELECT line, state, customer_id, company_name,"
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

	if (prepare(st, "SELECT p.rule, count(*) AS n,"
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
		c.rule = col_text(stmt, 0);
		c.count = sqlite3_column_int64(stmt, 1);
		c.lines = col_text(stmt, 2);
		if (fn(&c, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(st, err, "rule counts");
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

	if (prepare(st, "SELECT r.line, p.col, p.rule, p.value, p.message,"
	    " p.hint FROM row_problem p JOIN run_row r ON r.id = p.row"
	    " WHERE r.run = ? ORDER BY r.line, p.id LIMIT ?", &stmt,
	    err) == -1)
		return -1;
	sqlite3_bind_int64(stmt, 1, run);
	sqlite3_bind_int64(stmt, 2, limit);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		p.line = sqlite3_column_int64(stmt, 0);
		p.column = (const char *)sqlite3_column_text(stmt, 1);
		p.rule = col_text(stmt, 2);
		p.value = (const char *)sqlite3_column_text(stmt, 3);
		p.message = col_text(stmt, 4);
		p.hint = (const char *)sqlite3_column_text(stmt, 5);
		if (fn(&p, arg) == -1)
			break;
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_err(st, err, "problems");
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
