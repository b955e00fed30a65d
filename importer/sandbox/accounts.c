/*
 * accounts.c: the sandbox's accounts in SQLite. One connection behind one
 * mutex: requests come from many threads, and a PUT's check-then-write
 * must be atomic. WAL with synchronous=NORMAL keeps writes cheap.
 */
#include "config.h"

#include "accounts.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "colmap.h"
#include "column.h"
#include "csvin.h"
#include "fault.h"
#include "xmalloc.h"

#define ACCOUNTS_APP_ID	0x53424f58	/* "SBOX" */

struct accounts {
	sqlite3		*db;
	pthread_mutex_t	 lock;
	uint64_t	 seed;
	sqlite3_stmt	*get;
	sqlite3_stmt	*list;
	sqlite3_stmt	*list_all;
	sqlite3_stmt	*insert;
	sqlite3_stmt	*update;
	sqlite3_stmt	*req_get;
	sqlite3_stmt	*req_put;
	sqlite3_stmt	*count;
	sqlite3_stmt	*audit_add;
	sqlite3_stmt	*audit_list;
};

/*
 * The account's columns come from the column table (column.h), under their
 * canonical names: the table's SQL names are the run database's
 * ("state_code"), and state files already written have "state". Each X
 * is followed by ", ".
 */
#define ACCOUNTS_NAME_X(e, name, sql, place, prop, max, flags)	name ", "
#define ACCOUNTS_DEF_X(e, name, sql, place, prop, max, flags)	name " TEXT, "
#define ACCOUNTS_SET_X(e, name, sql, place, prop, max, flags)	name " = ?, "
#define ACCOUNTS_COLUMNS	COLUMN_TABLE(ACCOUNTS_NAME_X)

/*
 * Every SELECT reads the columns in enum order (index col), then these,
 * from index COL_COUNT on.
 */
#define ACCOUNTS_META	"profile_id, etag, version, puts, updated_at"
enum {
	ACCOUNTS_PROFILE_ID = COL_COUNT,
	ACCOUNTS_ETAG,
	ACCOUNTS_VERSION,
	ACCOUNTS_PUTS,
	ACCOUNTS_UPDATED_AT
};

static const char accounts_schema[] =
    "CREATE TABLE IF NOT EXISTS sandbox_account ("
    " profile_id TEXT NOT NULL, etag TEXT NOT NULL,"
    " version INTEGER NOT NULL, puts INTEGER NOT NULL DEFAULT 0,"
    " updated_at TEXT NOT NULL, " COLUMN_TABLE(ACCOUNTS_DEF_X)
    "PRIMARY KEY (customer_id));"
    "CREATE TABLE IF NOT EXISTS sandbox_request ("
    " request_id TEXT NOT NULL, customer_id TEXT NOT NULL,"
    " profile TEXT NOT NULL, created_at TEXT NOT NULL,"
    " PRIMARY KEY (request_id, customer_id));"
    /* The activity log: one record per change applied (GET
     * /v1/auditrecords). */
    "CREATE TABLE IF NOT EXISTS sandbox_audit ("
    " id INTEGER PRIMARY KEY, customer_id TEXT NOT NULL,"
    " operation_date TEXT NOT NULL, correlation_id TEXT,"
    " user TEXT NOT NULL, application_id TEXT, old TEXT, new TEXT);";

static int
db_fail(struct accounts *a, struct imp_err *err, const char *what)
{
	return imp_errf(err, IMP_EXIT_SOFTWARE, "sandbox state: %s: %s", what,
	    sqlite3_errmsg(a->db));
}

/* FNV-1a, to derive stable ids from a customer id. */
static uint64_t
hash_str(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* An etag like the service's: a signed 64-bit integer as a string. */
static void
make_etag(const struct accounts *a, const char *cid, long long version,
    char *buf, size_t size)
{
	uint64_t	h;

	h = fault_mix64(hash_str(cid, 0xcbf29ce484222325ULL) ^ a->seed ^
	    fault_mix64((uint64_t)version));
	snprintf(buf, size, "%lld", (long long)h);
}

/* The profile id: a version-4-shaped GUID derived from the customer id. */
static void
make_profile_id(const char *cid, char *buf, size_t size)
{
	uint64_t	h1, h2;

	h1 = fault_mix64(hash_str(cid, 0xcbf29ce484222325ULL));
	h2 = fault_mix64(h1 ^ 0x5a5a5a5a5a5a5a5aULL);
	snprintf(buf, size, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffff,
	    (unsigned)h1 & 0xfff, (unsigned)(0x8000 | ((h2 >> 48) & 0x3fff)),
	    (unsigned long long)(h2 & 0xffffffffffffULL));
}

static void
now_iso(char *buf, size_t size)
{
	time_t		t = time(NULL);
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
prepare(struct accounts *a, const char *sql, sqlite3_stmt **st,
    struct imp_err *err)
{
	if (sqlite3_prepare_v2(a->db, sql, -1, st, NULL) != SQLITE_OK)
		return db_fail(a, err, "prepare");
	return 0;
}

/*
 * The statements. insert binds the columns at 1 + col, then profile id,
 * etag and time; update binds the profile's columns at col, then etag,
 * the puts increment, time and customer id (see insert_locked and
 * write_locked).
 */
static int
prepare_all(struct accounts *a, struct imp_err *err)
{
	if (prepare(a, "SELECT " ACCOUNTS_COLUMNS ACCOUNTS_META
	    " FROM sandbox_account WHERE customer_id = ?1", &a->get,
	    err) == -1)
		return -1;
	if (prepare(a, "SELECT " ACCOUNTS_COLUMNS ACCOUNTS_META
	    " FROM sandbox_account WHERE customer_id > ?1"
	    " ORDER BY customer_id LIMIT ?2", &a->list, err) == -1)
		return -1;
	if (prepare(a, "SELECT " ACCOUNTS_COLUMNS ACCOUNTS_META
	    " FROM sandbox_account ORDER BY customer_id LIMIT ?2",
	    &a->list_all, err) == -1)
		return -1;
	if (prepare(a, "INSERT OR IGNORE INTO sandbox_account ("
	    ACCOUNTS_COLUMNS ACCOUNTS_META ") VALUES (" COLUMN_SQL_PARAMS
	    "?, ?, 1, 0, ?)", &a->insert, err) == -1)
		return -1;
	if (prepare(a, "UPDATE sandbox_account SET "
	    COLUMN_PROFILE_TABLE(ACCOUNTS_SET_X) "etag = ?, "
	    "version = version + 1, puts = puts + ?, updated_at = ? "
	    "WHERE customer_id = ?", &a->update, err) == -1)
		return -1;
	if (prepare(a, "SELECT profile FROM sandbox_request WHERE "
	    "request_id = ?1 AND customer_id = ?2", &a->req_get, err) == -1)
		return -1;
	if (prepare(a, "INSERT OR REPLACE INTO sandbox_request (request_id, "
	    "customer_id, profile, created_at) VALUES (?1, ?2, ?3, ?4)",
	    &a->req_put, err) == -1)
		return -1;
	if (prepare(a, "SELECT count(*) FROM sandbox_account", &a->count,
	    err) == -1)
		return -1;
	if (prepare(a, "INSERT INTO sandbox_audit (customer_id,"
	    " operation_date, correlation_id, user, application_id, old, new)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", &a->audit_add, err) == -1)
		return -1;
	/* A day range: the dates compared by their first 10 characters. */
	if (prepare(a, "SELECT id, customer_id, operation_date,"
	    " correlation_id, user, application_id, old, new"
	    " FROM sandbox_audit WHERE id > ?1"
	    " AND substr(operation_date, 1, 10) >= ?2"
	    " AND substr(operation_date, 1, 10) <= ?3"
	    " ORDER BY id LIMIT ?4", &a->audit_list, err) == -1)
		return -1;
	return 0;
}

/* Refuses a database that is neither new nor a sandbox state file. */
static int
check_owner(struct accounts *a, struct imp_err *err, const char *path)
{
	sqlite3_stmt	*st = NULL;
	long long	 app = 0, tables = 0;

	if (prepare(a, "PRAGMA application_id", &st, err) == -1)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		app = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (prepare(a, "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name NOT LIKE 'sandbox_%'", &st, err) == -1)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		tables = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((app != 0 && app != ACCOUNTS_APP_ID) || tables > 0)
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: not a sandbox "
		    "state database (it belongs to something else)", path);
	return 0;
}

struct accounts *
accounts_open(const char *path, uint64_t seed, struct imp_err *err)
{
	struct accounts	*a;
	char		*msg = NULL, pragma[64];
	int		 fd;

	a = xcalloc(1, sizeof *a);
	a->seed = seed;
	pthread_mutex_init(&a->lock, NULL);
	if (path != NULL) {
		/* Personal data: the file is created private. */
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		if (fd == -1) {
			imp_errf(err, IMP_EXIT_NOINPUT, "%s: cannot create "
			    "the sandbox state", path);
			goto fail;
		}
		close(fd);
	}
	if (sqlite3_open_v2(path != NULL ? path : ":memory:", &a->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_fail(a, err, path != NULL ? path : "memory");
		goto fail;
	}
	sqlite3_busy_timeout(a->db, 5000);
	if (check_owner(a, err, path != NULL ? path : "memory") == -1)
		goto fail;
	if (sqlite3_exec(a->db, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;", NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(a->db, accounts_schema, NULL, NULL, &msg) !=
	    SQLITE_OK) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "sandbox state: %s",
		    msg != NULL ? msg : sqlite3_errmsg(a->db));
		sqlite3_free(msg);
		goto fail;
	}
	snprintf(pragma, sizeof pragma, "PRAGMA application_id = %d",
	    ACCOUNTS_APP_ID);
	sqlite3_exec(a->db, pragma, NULL, NULL, NULL);
	if (prepare_all(a, err) == -1)
		goto fail;
	return a;
fail:
	accounts_close(a);
	return NULL;
}

void
accounts_close(struct accounts *a)
{
	if (a == NULL)
		return;
	sqlite3_finalize(a->get);
	sqlite3_finalize(a->list);
	sqlite3_finalize(a->list_all);
	sqlite3_finalize(a->insert);
	sqlite3_finalize(a->update);
	sqlite3_finalize(a->req_get);
	sqlite3_finalize(a->req_put);
	sqlite3_finalize(a->count);
	sqlite3_finalize(a->audit_add);
	sqlite3_finalize(a->audit_list);
	sqlite3_close(a->db);
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static void
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL || *s == '\0')
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Reads the row st is on into bp and info. */
static void
read_row(sqlite3_stmt *st, struct billing_profile *bp,
    struct accounts_info *info)
{
	const char	*s;
	int		 i;

	billing_clear(bp);
	bp->id = xstrdup((const char *)sqlite3_column_text(st,
	    ACCOUNTS_PROFILE_ID));
	bp->etag = xstrdup((const char *)sqlite3_column_text(st,
	    ACCOUNTS_ETAG));
	for (i = 0; i < COL_COUNT; i++) {
		s = (const char *)sqlite3_column_text(st, i);
		billing_set(bp, i, s);
	}
	if (info != NULL) {
		info->version = sqlite3_column_int64(st, ACCOUNTS_VERSION);
		info->puts = sqlite3_column_int64(st, ACCOUNTS_PUTS);
		snprintf(info->updated_at, sizeof info->updated_at, "%s",
		    (const char *)sqlite3_column_text(st,
		    ACCOUNTS_UPDATED_AT));
	}
}

/* accounts_get without the lock. */
static int
get_locked(struct accounts *a, const char *cid, struct billing_profile *bp,
    struct accounts_info *info, struct imp_err *err)
{
	int	rc;

	sqlite3_bind_text(a->get, 1, cid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(a->get);
	if (rc == SQLITE_ROW) {
		read_row(a->get, bp, info);
		rc = 1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_fail(a, err, "read");
	sqlite3_reset(a->get);
	sqlite3_clear_bindings(a->get);
	return rc;
}

int
accounts_get(struct accounts *a, const char *customer_id,
    struct billing_profile *bp, struct accounts_info *info,
    struct imp_err *err)
{
	int	rc;

	pthread_mutex_lock(&a->lock);
	rc = get_locked(a, customer_id, bp, info, err);
	pthread_mutex_unlock(&a->lock);
	return rc;
}

long long
accounts_count(struct accounts *a, struct imp_err *err)
{
	long long	n = -1;

	pthread_mutex_lock(&a->lock);
	if (sqlite3_step(a->count) == SQLITE_ROW)
		n = sqlite3_column_int64(a->count, 0);
	else
		db_fail(a, err, "count");
	sqlite3_reset(a->count);
	pthread_mutex_unlock(&a->lock);
	return n;
}

int
accounts_list(struct accounts *a, const char *after, size_t limit,
    accounts_fn fn, void *arg, int *more, struct imp_err *err)
{
	struct billing_profile	 bp;
	struct accounts_info	 info;
	sqlite3_stmt		*st;
	size_t			 n = 0;
	int			 rc;

	billing_init(&bp);
	*more = 0;
	pthread_mutex_lock(&a->lock);
	st = after != NULL ? a->list : a->list_all;
	if (after != NULL)
		sqlite3_bind_text(st, 1, after, -1, SQLITE_TRANSIENT);
	/* One more than asked, to know whether a next page exists. */
	sqlite3_bind_int64(st, 2, limit >= (size_t)INT64_MAX ? -1 :
	    (sqlite3_int64)limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = 1;
			break;
		}
		read_row(st, &bp, &info);
		n++;
		if (fn(&bp, &info, arg) == -1)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = (size_t)db_fail(a, err, "list");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&a->lock);
	billing_clear(&bp);
	return (int)n;
}

/* Inserts a new account (no-op when present); 1 added, 0 present. */
static int
insert_locked(struct accounts *a, const char *const *vals,
    struct imp_err *err)
{
	char	pid[40], etag[24], now[32];
	int	i, rc;

	make_profile_id(vals[COL_CUSTOMER_ID], pid, sizeof pid);
	make_etag(a, vals[COL_CUSTOMER_ID], 1, etag, sizeof etag);
	now_iso(now, sizeof now);
	for (i = 0; i < COL_COUNT; i++)
		bind_text(a->insert, 1 + i, vals[i]);
	sqlite3_bind_text(a->insert, COL_COUNT + 1, pid, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(a->insert, COL_COUNT + 2, etag, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(a->insert, COL_COUNT + 3, now, -1,
	    SQLITE_TRANSIENT);
	rc = sqlite3_step(a->insert);
	sqlite3_reset(a->insert);
	sqlite3_clear_bindings(a->insert);
	if (rc != SQLITE_DONE)
		return db_fail(a, err, "insert");
	return sqlite3_changes(a->db) > 0;
}

struct seed_ctx {
	struct accounts	*a;
	struct colmap	*cm;
	const char	*path;
	size_t		 added;
	size_t		 present;
};

static int
seed_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct seed_ctx	*sc = arg;
	const char	*vals[COL_COUNT];
	size_t		 in;
	int		 i, rc;

	if (rec->index == 0) {
		sc->cm = colmap_new((const char *const *)rec->fields,
		    rec->nfields, NULL, 0, 0, err);
		return sc->cm != NULL ? 0 : -1;
	}
	for (i = 0; i < COL_COUNT; i++) {
		in = colmap_input(sc->cm, i);
		vals[i] = in != (size_t)-1 && in < rec->nfields &&
		    rec->fields[in][0] != '\0' ? rec->fields[in] : NULL;
	}
	if (vals[COL_CUSTOMER_ID] == NULL)
		return 0;	/* a blank line, or a row without an id */
	rc = insert_locked(sc->a, vals, err);
	if (rc == -1)
		return -1;
	if (rc == 1)
		sc->added++;
	else
		sc->present++;
	return 0;
}

int
accounts_seed(struct accounts *a, const char *csv, size_t *added,
    size_t *present, struct imp_err *err)
{
	struct csvin_opts	 opts;
	struct seed_ctx		 sc;
	struct csvin		*in;
	int			 rc = -1;

	memset(&opts, 0, sizeof opts);
	memset(&sc, 0, sizeof sc);
	sc.a = a;
	sc.path = csv;
	in = csvin_open(csv, &opts, err);
	if (in == NULL)
		return -1;
	pthread_mutex_lock(&a->lock);
	sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL);
	if (csvin_read(in, seed_record, &sc, err) == -1)
		sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	else if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		db_fail(a, err, "commit");
	else
		rc = 0;
	pthread_mutex_unlock(&a->lock);
	colmap_free(sc.cm);
	csvin_close(in);
	*added = sc.added;
	*present = sc.present;
	return rc;
}

/* Writes fields and a new etag; out gets the result. Lock held. */
static int
write_locked(struct accounts *a, const char *cid, const char *const *vals,
    long long version, int is_put, struct imp_err *err)
{
	char	etag[24], now[32];
	int	i, rc;

	make_etag(a, cid, version + 1, etag, sizeof etag);
	now_iso(now, sizeof now);
	for (i = 1; i < COL_COUNT; i++)
		bind_text(a->update, i, vals[i]);
	sqlite3_bind_text(a->update, COL_COUNT, etag, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(a->update, COL_COUNT + 1, is_put);
	sqlite3_bind_text(a->update, COL_COUNT + 2, now, -1,
	    SQLITE_TRANSIENT);
	sqlite3_bind_text(a->update, COL_COUNT + 3, cid, -1,
	    SQLITE_TRANSIENT);
	rc = sqlite3_step(a->update);
	sqlite3_reset(a->update);
	sqlite3_clear_bindings(a->update);
	if (rc != SQLITE_DONE)
		return db_fail(a, err, "update");
	return 0;
}

/* Looks up a stored outcome; 1 found (into out), 0 not, -1 error. */
static int
replay_locked(struct accounts *a, const char *rid, const char *cid,
    struct billing_profile *out, struct imp_err *err)
{
	json_t	*j;
	int	 rc;

	sqlite3_bind_text(a->req_get, 1, rid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->req_get, 2, cid, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(a->req_get);
	if (rc == SQLITE_ROW) {
		j = json_loads((const char *)sqlite3_column_text(a->req_get,
		    0), 0, NULL);
		rc = billing_from_json(j, out, err) == 0 ? 1 : -1;
		json_decref(j);
		billing_set(out, COL_CUSTOMER_ID, cid);
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = db_fail(a, err, "read request");
	sqlite3_reset(a->req_get);
	sqlite3_clear_bindings(a->req_get);
	return rc;
}

static int
remember_locked(struct accounts *a, const char *rid, const char *cid,
    const struct billing_profile *bp, struct imp_err *err)
{
	json_t	*j = billing_to_json(bp, NULL);
	char	*s, now[32];
	int	 rc;

	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	now_iso(now, sizeof now);
	sqlite3_bind_text(a->req_put, 1, rid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->req_put, 2, cid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->req_put, 3, s, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->req_put, 4, now, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(a->req_put);
	sqlite3_reset(a->req_put);
	sqlite3_clear_bindings(a->req_put);
	free(s);
	if (rc != SQLITE_DONE)
		return db_fail(a, err, "store request");
	return 0;
}

/* The profile as compact JSON (the activity log's old and new values);
 * free()d by the caller. */
static char *
profile_text(const struct billing_profile *bp)
{
	json_t	*j = billing_to_json(bp, NULL);
	char	*s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	return s;
}

/* Adds a record of a change to the activity log. Lock held. */
static int
audit_locked(struct accounts *a, const char *cid, const char *old,
    const struct billing_profile *now_bp, const char *correlation_id,
    const char *user, const char *app, struct imp_err *err)
{
	char	*nv = profile_text(now_bp), now[32];
	int	 rc;

	now_iso(now, sizeof now);
	sqlite3_bind_text(a->audit_add, 1, cid, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(a->audit_add, 2, now, -1, SQLITE_TRANSIENT);
	bind_text(a->audit_add, 3, correlation_id);
	sqlite3_bind_text(a->audit_add, 4, user, -1, SQLITE_TRANSIENT);
	bind_text(a->audit_add, 5, app);
	bind_text(a->audit_add, 6, old);
	bind_text(a->audit_add, 7, nv);
	rc = sqlite3_step(a->audit_add);
	sqlite3_reset(a->audit_add);
	sqlite3_clear_bindings(a->audit_add);
	free(nv);
	if (rc != SQLITE_DONE)
		return db_fail(a, err, "activity log");
	return 0;
}

int
accounts_audit_list(struct accounts *a, const char *start, const char *end,
    long long after, size_t limit, accounts_audit_fn fn, void *arg,
    int *more, struct imp_err *err)
{
	struct accounts_audit	 rec;
	sqlite3_stmt		*st = a->audit_list;
	size_t			 n = 0;
	int			 rc;

	*more = 0;
	pthread_mutex_lock(&a->lock);
	sqlite3_bind_int64(st, 1, after);
	sqlite3_bind_text(st, 2, start, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, end, -1, SQLITE_TRANSIENT);
	/* One more than asked, to know whether a next page exists. */
	sqlite3_bind_int64(st, 4, (sqlite3_int64)limit + 1);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == limit) {
			*more = 1;
			break;
		}
		rec.id = sqlite3_column_int64(st, 0);
		rec.customer_id = (const char *)sqlite3_column_text(st, 1);
		rec.operation_date = (const char *)sqlite3_column_text(st, 2);
		rec.correlation_id = (const char *)sqlite3_column_text(st, 3);
		rec.user = (const char *)sqlite3_column_text(st, 4);
		rec.application_id = (const char *)sqlite3_column_text(st, 5);
		rec.old = (const char *)sqlite3_column_text(st, 6);
		rec.now = (const char *)sqlite3_column_text(st, 7);
		n++;
		if (fn(&rec, arg) == -1)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		n = (size_t)db_fail(a, err, "activity log");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	pthread_mutex_unlock(&a->lock);
	return (int)n;
}

enum accounts_result
accounts_update(struct accounts *a, const char *customer_id,
    const struct billing_profile *in, const struct accounts_put *put,
    struct billing_profile *out, struct imp_err *err)
{
	struct accounts_info	info;
	enum accounts_result	res = ACCOUNTS_ERROR;
	char			*old = NULL;
	int			rc;

	billing_clear(out);
	pthread_mutex_lock(&a->lock);
	if (put->request_id != NULL) {
		rc = replay_locked(a, put->request_id, customer_id, out, err);
		if (rc != 0) {
			res = rc == 1 ? ACCOUNTS_REPLAYED : ACCOUNTS_ERROR;
			goto out;
		}
	}
	rc = get_locked(a, customer_id, out, &info, err);
	if (rc != 1) {
		res = rc == 0 ? ACCOUNTS_NOT_FOUND : ACCOUNTS_ERROR;
		goto out;
	}
	if (put->if_match != NULL && strcmp(put->if_match, "*") != 0 &&
	    strcmp(put->if_match, out->etag) != 0) {
		res = ACCOUNTS_STALE_IF_MATCH;
		goto out;
	}
	if (put->body_etag != NULL && strcmp(put->body_etag, out->etag) != 0) {
		res = ACCOUNTS_STALE_ETAG;
		goto out;
	}
	old = profile_text(out);
	sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL);
	if (write_locked(a, customer_id, (const char *const *)in->field,
	    info.version, 1, err) == -1)
		goto rollback;
	if (get_locked(a, customer_id, out, NULL, err) != 1)
		goto rollback;
	if (audit_locked(a, customer_id, old, out, put->correlation_id,
	    put->user != NULL ? put->user : "api@sandbox", put->application_id,
	    err) == -1)
		goto rollback;
	if (put->request_id != NULL &&
	    remember_locked(a, put->request_id, customer_id, out, err) == -1)
		goto rollback;
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		db_fail(a, err, "commit");
		goto rollback;
	}
	res = ACCOUNTS_OK;
	goto out;
rollback:
	sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
out:
	pthread_mutex_unlock(&a->lock);
	free(old);
	if (res != ACCOUNTS_OK && res != ACCOUNTS_REPLAYED &&
	    res != ACCOUNTS_STALE_ETAG && res != ACCOUNTS_STALE_IF_MATCH)
		billing_clear(out);
	return res;
}

int
accounts_patch(struct accounts *a, const char *customer_id,
    const char *const *vals, unsigned mask, int create,
    struct billing_profile *out, struct imp_err *err)
{
	struct accounts_info	 info;
	const char		*nv[COL_COUNT];
	char			*old = NULL;
	int			 i, rc, created = 0;

	billing_clear(out);
	pthread_mutex_lock(&a->lock);
	sqlite3_exec(a->db, "BEGIN", NULL, NULL, NULL);
	rc = get_locked(a, customer_id, out, &info, err);
	if (rc == 0 && create) {
		memset(nv, 0, sizeof nv);
		for (i = 0; i < COL_COUNT; i++)
			if (mask & (1U << i))
				nv[i] = vals[i];
		nv[COL_CUSTOMER_ID] = customer_id;
		if (insert_locked(a, nv, err) == -1) {
			rc = -1;
			goto fail;
		}
		rc = get_locked(a, customer_id, out, &info, err);
		created = 1;
	}
	if (rc != 1)
		goto fail;
	if (!created) {
		/* A change made by another user: in the activity log as a
		 * portal edit is, without our correlation id. */
		old = profile_text(out);
		for (i = 0; i < COL_COUNT; i++)
			nv[i] = mask & (1U << i) ? vals[i] : out->field[i];
		if (write_locked(a, customer_id, nv, info.version, 0,
		    err) == -1 ||
		    get_locked(a, customer_id, out, NULL, err) != 1 ||
		    audit_locked(a, customer_id, old, out, NULL,
		    "portal.user@sandbox", NULL, err) == -1) {
			rc = -1;
			goto fail;
		}
	}
	if (sqlite3_exec(a->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = db_fail(a, err, "commit");
		goto fail;
	}
	pthread_mutex_unlock(&a->lock);
	free(old);
	return created ? 2 : 1;
fail:
	sqlite3_exec(a->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&a->lock);
	free(old);
	billing_clear(out);
	return rc == 0 ? 0 : -1;
}
