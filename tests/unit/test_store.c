/*
 * test_store.c: store.h on databases in a temporary folder: file modes,
 * the schema version, runs, rows and problems, and transactions. The
 * database is also read with the sqlite3 API directly.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cellpack.h"
#include "colmap.h"
#include "store.h"
#include "../tap.h"

#define SHA_A	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B	"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" \
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define GUID_A	"6f46114c-b741-4bd9-817a-fe071e83b92f"

static char	dir[1024];

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/* Fills path with dir/name. */
static char *
in_dir(char *path, size_t size, const char *name)
{
	snprintf(path, size, "%s/%s", dir, name);
	return path;
}

static int
file_mode(const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		return -1;
	return sb.st_mode & 07777;
}

/* Runs a one-value query on the database at path with sqlite3 itself;
 * returns the integer, or -1. */
static long long
query_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	long long	 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK &&
	    sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static int
exec_sql(const char *path, const char *sql)
{
	sqlite3	*db;
	int	 rc;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK ? 0 : -1;
}

static void
remove_dir(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[1400];

	d = opendir(dir);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		unlink(in_dir(path, sizeof path, de->d_name));
	}
	closedir(d);
	rmdir(dir);
}

static void
test_modes(void)
{
	struct store	*st;
	struct imp_err	 err;
	char		 path[1100], wal[1100];
	int		 fd;
	mode_t		 old;

	/* No help from the umask: the store must ask for 0600 itself. */
	old = umask(0);
	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "new.db"), &err);
	ok(st != NULL, "a new database opens: %s", err.msg);
	is_int(file_mode(path), 0600, "a new database is created mode 0600");
	/* The migration wrote through the WAL, which exists while open. */
	in_dir(wal, sizeof wal, "new.db-wal");
	is_int(file_mode(wal), 0600, "its -wal file is 0600 too");
	store_close(st);
	is_int(query_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	    "user_version is the schema version");
	is_int(query_int(path, "SELECT count(*) FROM sqlite_master WHERE "
	    "type = 'table' AND name IN ('run', 'run_row', 'row_problem')"),
	    3, "tables run, run_row and row_problem exist");
	ok(query_int(path, "SELECT count(*) FROM pragma_journal_mode WHERE "
	    "journal_mode = 'wal'") == 1, "the database is in WAL mode");

	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	ok(st != NULL, "an existing database opens again: %s", err.msg);
	store_close(st);
	is_int(query_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	    "reopening keeps the schema version");

	/* Others may write it: refused, not fixed behind their back. */
	fd = open(in_dir(path, sizeof path, "shared.db"), O_CREAT | O_WRONLY,
	    0600);
	close(fd);
	chmod(path, 0666);
	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	ok(st == NULL, "a world-writable database is refused");
	is_int(err.code, 77, "world-writable: code 77");
	ok(has(err.msg, path) && has(err.msg, "chmod 600"),
	    "the message names the file and the fix: %s", err.msg);
	is_int(file_mode(path), 0666, "and its mode is left alone");
	store_close(st);

	chmod(path, 0620);
	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	ok(st == NULL && err.code == 77, "a group-writable database is "
	    "refused with code 77");
	store_close(st);

	/* Readable by others, and ours: tightened. */
	chmod(path, 0644);
	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	ok(st != NULL, "a database readable by others opens: %s", err.msg);
	is_int(file_mode(path), 0600, "and is tightened to 0600");
	store_close(st);

	/* A newer schema than this build knows. */
	exec_sql(path, "PRAGMA user_version = 99");
	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	ok(st == NULL, "a database from a newer importer is refused");
	is_int(err.code, 70, "newer schema: code 70");
	ok(has(err.msg, "99"), "the message gives its version: %s", err.msg);
	store_close(st);

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "no-dir/x.db"), &err);
	ok(st == NULL && err.code == 70, "a database in a missing folder: "
	    "code 70 (%s)", err.msg);
	umask(old);
}

/* Fills ri for file; header is a packed header (borrowed). */
static void
run_info(struct store_run_info *ri, const char *file,
    const unsigned char *header, size_t headerlen)
{
	memset(ri, 0, sizeof *ri);
	ri->file = file;
	ri->size = 1234;
	ri->encoding = "UTF-8";
	ri->bom = 1;
	ri->delimiter = ';';
	ri->header = header;
	ri->headerlen = headerlen;
	ri->mapping = "[0, 4]";
	ri->clear_token = "<clear>";
	ri->profile = NULL;
	ri->version = "test";
}

struct listed {
	int	 n;
	int64_t	 ids[8];
	char	 file[64];
	char	 sha[65];
	char	 delim[4];
	char	 staged[32];
	char	 encoding[16];
	int64_t	 rows, valid, invalid, duplicate, blank;
	int	 stop_after;
};

static int
list_run(const struct store_run *r, void *arg)
{
	struct listed	*l = arg;

	if (l->n < 8)
		l->ids[l->n] = r->id;
	if (l->n == 0) {
		snprintf(l->file, sizeof l->file, "%s", r->file);
		snprintf(l->sha, sizeof l->sha, "%s", r->sha256);
		snprintf(l->delim, sizeof l->delim, "%s", r->delimiter);
		snprintf(l->staged, sizeof l->staged, "%s", r->staged_at);
		snprintf(l->encoding, sizeof l->encoding, "%s", r->encoding);
		l->rows = r->rows;
		l->valid = r->valid;
		l->invalid = r->invalid;
		l->duplicate = r->duplicate;
		l->blank = r->blank;
	}
	l->n++;
	return l->stop_after != 0 && l->n == l->stop_after ? -1 : 0;
}

static void
test_runs(void)
{
	static const char *const hnames[] = { "customer_id", "email" };
	static const size_t	 hlens[] = { 11, 5 };
	struct store		*st;
	struct store_run_info	 ri;
	struct imp_err		 err;
	struct listed		 l;
	unsigned char		*hbuf = NULL;
	size_t			 hcap = 0, hlen;
	char			 path[1100];
	int64_t			 r1 = 0, r2 = 0, r3 = 0;
	int			 rc;

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "runs.db"), &err);
	if (!ok(st != NULL, "runs.db opens: %s", err.msg))
		return;
	hlen = cellpack_pack(hnames, hlens, 2, &hbuf, &hcap);

	run_info(&ri, "march.csv", hbuf, hlen);
	rc = store_run_create(st, &ri, &r1, &err);
	ok(rc == 0 && r1 > 0, "run 1 created: %s", err.msg);
	rc = store_run_finish(st, r1, SHA_A, 10, 7, 2, 1, 3, &err);
	is_int(rc, 0, "run 1 finished");

	run_info(&ri, "april.csv", hbuf, hlen);
	store_run_create(st, &ri, &r2, &err);
	store_run_finish(st, r2, SHA_A, 20, 20, 0, 0, 0, &err);
	ok(r2 > r1, "run 2 has a later id");

	run_info(&ri, "may.csv", hbuf, hlen);
	store_run_create(st, &ri, &r3, &err);	/* never finished */

	is_int(store_run_by_sha(st, SHA_A, r2), r1,
	    "by_sha: the other run of the same file");
	is_int(store_run_by_sha(st, SHA_A, 0), r2,
	    "by_sha: the newest run of the file");
	is_int(store_run_by_sha(st, SHA_B, 0), 0, "by_sha: unknown file: 0");
	is_int(store_run_by_sha(st, SHA_A, r1), r2,
	    "by_sha excluding run 1: run 2");

	memset(&l, 0, sizeof l);
	rc = store_run_each(st, list_run, &l, &err);
	is_int(rc, 0, "store_run_each succeeds");
	is_int(l.n, 2, "only finished runs are listed");
	ok(l.ids[0] == r2 && l.ids[1] == r1, "newest first");
	is_str(l.file, "april.csv", "file");
	is_str(l.sha, SHA_A, "sha256");
	is_str(l.delim, ";", "delimiter as text");
	is_str(l.encoding, "UTF-8", "encoding");
	ok(strlen(l.staged) == 20 && l.staged[4] == '-' &&
	    l.staged[10] == 'T' && l.staged[19] == 'Z',
	    "staged_at is an ISO 8601 UTC time: %s", l.staged);
	ok(l.rows == 20 && l.valid == 20 && l.invalid == 0 &&
	    l.duplicate == 0 && l.blank == 0, "run 2's counts");

	store_run_finish(st, r3, SHA_B, 5, 4, 1, 0, 0, &err);
	memset(&l, 0, sizeof l);
	l.stop_after = 1;
	store_run_each(st, list_run, &l, &err);
	ok(l.n == 1 && l.ids[0] == r3 && l.rows == 5 && l.invalid == 1,
	    "a callback's -1 stops the listing after the newest run");
	memset(&l, 0, sizeof l);
	store_run_each(st, list_run, &l, &err);
	ok(l.n == 3 && l.ids[0] == r3 && l.ids[1] == r2 && l.ids[2] == r1,
	    "three runs, newest first");

	store_close(st);
	is_int(query_int(path, "SELECT count(*) FROM run WHERE id = 1 AND "
	    "file = 'march.csv' AND bom = 1 AND size = 1234 AND profile IS "
	    "NULL AND n_rows = 10 AND n_valid = 7 AND n_invalid = 2 AND "
	    "n_duplicate = 1 AND n_blank = 3 AND operator != ''"), 1,
	    "run 1 as stored, read with sqlite3");
	is_int(query_int(path, "SELECT length(header) FROM run WHERE id = 1"),
	    hlen, "the packed header is stored whole");
	free(hbuf);
}

struct plist {
	int		 n;
	unsigned long	 lines[8];
	char		 col[8][32];
	char		 rule[8][32];
	char		 value[8][32];
	int		 value_null[8];
	int		 hint_null[8];
	char		 rc_rule[8][32];
	int64_t		 rc_count[8];
	char		 rc_lines[8][64];
};

static int
list_problem(const struct store_problem_line *p, void *arg)
{
	struct plist	*l = arg;

	if (l->n < 8) {
		l->lines[l->n] = p->line;
		snprintf(l->col[l->n], 32, "%s", p->column ? p->column : "-");
		snprintf(l->rule[l->n], 32, "%s", p->rule);
		snprintf(l->value[l->n], 32, "%s", p->value ? p->value : "");
		l->value_null[l->n] = p->value == NULL;
		l->hint_null[l->n] = p->hint == NULL;
	}
	l->n++;
	return 0;
}

static int
list_count(const struct store_rule_count *c, void *arg)
{
	struct plist	*l = arg;

	if (l->n < 8) {
		snprintf(l->rc_rule[l->n], 32, "%s", c->rule);
		l->rc_count[l->n] = c->count;
		snprintf(l->rc_lines[l->n], 64, "%s", c->lines);
	}
	l->n++;
	return 0;
}

static void
test_rows(void)
{
	static const char *const cells[] = { "x", "", "Caf\303\251" };
	static const size_t	 cell_lens[] = { 1, 0, 5 };
	struct store		*st;
	struct store_run_info	 ri;
	struct store_row	 row, got;
	struct store_problem	 p;
	struct imp_err		 err;
	struct plist		 pl;
	unsigned char		*raw = NULL;
	size_t			 rawcap = 0;
	char			 path[1100];
	int64_t			 run = 0, id1 = 0, id2 = 0, id3 = 0;
	int			 rc, i, nulls_ok = 1;

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "rows.db"), &err);
	if (!ok(st != NULL, "rows.db opens: %s", err.msg))
		return;
	run_info(&ri, "rows.csv", (const unsigned char *)"\0", 1);
	store_begin(st, &err);
	store_run_create(st, &ri, &run, &err);

	memset(&row, 0, sizeof row);
	row.line = 2;
	row.state = OUTCOME_PENDING;
	row.norm[COL_CUSTOMER_ID] = "1f4e2b7c-0000-4000-8000-000000000000";
	row.normlen[COL_CUSTOMER_ID] = 36;
	row.norm[COL_CITY] = "\345\214\227\344\272\254";	/* 北京 */
	row.normlen[COL_CITY] = 6;
	row.norm[COL_ADDRESS_LINE2] = "";	/* clear */
	row.normlen[COL_ADDRESS_LINE2] = 0;
	row.norm[COL_EMAIL] = "a@b.com and more";	/* only 7 bytes */
	row.normlen[COL_EMAIL] = 7;
	row.fixes = 5;
	row.fixed = 1u << COL_CITY;
	row.rawlen = cellpack_pack(cells, cell_lens, 3, &raw, &rawcap);
	row.raw = raw;
	rc = store_row_add(st, run, &row, &id1, &err);
	ok(rc == 0 && id1 > 0, "a row is added: %s", err.msg);

	memset(&row, 0, sizeof row);
	row.line = 5;
	row.state = OUTCOME_INVALID;
	row.norm[COL_CUSTOMER_ID] = "x";
	row.normlen[COL_CUSTOMER_ID] = 1;
	store_row_add(st, run, &row, &id2, &err);
	row.line = 9;
	store_row_add(st, run, &row, &id3, &err);
	ok(id2 > id1 && id3 > id2, "row ids increase");

	rc = store_row_get(st, id1, &got);
	is_int(rc, 0, "the row is read back");
	is_int(got.line, 2, "line");
	is_int(got.state, OUTCOME_PENDING, "state");
	is_str(got.norm[COL_CUSTOMER_ID],
	    "1f4e2b7c-0000-4000-8000-000000000000", "customer_id");
	is_str(got.norm[COL_CITY], "\345\214\227\344\272\254", "UTF-8 city");
	is_int(got.normlen[COL_CITY], 6, "its length in bytes");
	ok(got.norm[COL_ADDRESS_LINE2] != NULL &&
	    *got.norm[COL_ADDRESS_LINE2] == '\0' &&
	    got.normlen[COL_ADDRESS_LINE2] == 0,
	    "\"\" (clear) comes back as \"\", not NULL");
	is_str(got.norm[COL_EMAIL], "a@b.com", "only normlen bytes stored");
	for (i = 0; i < COL_COUNT; i++)
		if (i != COL_CUSTOMER_ID && i != COL_CITY &&
		    i != COL_ADDRESS_LINE2 && i != COL_EMAIL &&
		    got.norm[i] != NULL)
			nulls_ok = 0;
	ok(nulls_ok, "NULL (unchanged) comes back as NULL");
	is_int(store_row_get(st, id3 + 100, &got), -1,
	    "no such row: -1");
	rc = store_row_get(st, id2, &got);
	ok(rc == 0 && got.line == 5 && got.state == OUTCOME_INVALID,
	    "a get after a failed get works");

	rc = store_row_set_state(st, id3, OUTCOME_DUPLICATE, id2, &err);
	is_int(rc, 0, "store_row_set_state succeeds");
	store_row_get(st, id3, &got);
	is_int(got.state, OUTCOME_DUPLICATE, "the new state is read back");

	memset(&p, 0, sizeof p);
	p.row = id2;
	p.column = "email";
	p.rule = "email";
	p.value = "bad@@x\0tail";
	p.valuelen = 6;
	p.message = "not a valid email address";
	p.hint = "";
	rc = store_problem_add(st, &p, &err);
	p.column = NULL;
	p.rule = "field-count";
	p.value = NULL;
	p.message = "3 fields, but the header has 4";
	p.hint = "a delimiter too many";
	rc |= store_problem_add(st, &p, &err);
	p.row = id1;
	p.column = "postal_code";
	p.rule = "email";
	p.value = "x";
	p.valuelen = 1;
	p.message = "m";
	rc |= store_problem_add(st, &p, &err);
	p.row = id3;
	rc |= store_problem_add(st, &p, &err);
	is_int(rc, 0, "problems are added: %s", err.msg);
	rc = store_commit(st, &err);
	is_int(rc, 0, "the transaction commits");

	memset(&pl, 0, sizeof pl);
	rc = store_problems(st, run, -1, list_problem, &pl, &err);
	ok(rc == 0 && pl.n == 4, "all 4 problems listed (%d)", pl.n);
	ok(pl.lines[0] == 2 && pl.lines[1] == 5 && pl.lines[2] == 5 &&
	    pl.lines[3] == 9, "in line order (%lu %lu %lu %lu)",
	    pl.lines[0], pl.lines[1], pl.lines[2], pl.lines[3]);
	ok(strcmp(pl.rule[1], "email") == 0 &&
	    strcmp(pl.rule[2], "field-count") == 0,
	    "and in insertion order within a line");
	is_str(pl.value[1], "bad@@x", "the value is stored with its length");
	ok(pl.hint_null[1], "an empty hint is stored as NULL");
	ok(strcmp(pl.col[2], "-") == 0 && pl.value_null[2] &&
	    !pl.hint_null[2], "NULL column and value, a hint");

	memset(&pl, 0, sizeof pl);
	store_problems(st, run, 2, list_problem, &pl, &err);
	is_int(pl.n, 2, "a limit of 2 lists 2");

	memset(&pl, 0, sizeof pl);
	rc = store_rule_counts(st, run, list_count, &pl, &err);
	ok(rc == 0 && pl.n == 2, "two rules counted");
	ok(strcmp(pl.rc_rule[0], "email") == 0 && pl.rc_count[0] == 3 &&
	    strcmp(pl.rc_rule[1], "field-count") == 0 && pl.rc_count[1] == 1,
	    "most frequent first: email 3, field-count 1");
	is_str(pl.rc_lines[0], "2, 5, 9", "the lines of a rule");

	store_close(st);
	is_int(query_int(path, "SELECT count(*) FROM run_row WHERE "
	    "address_line2 = '' AND city IS NOT NULL AND state_code IS NULL "
	    "AND fixes = 5 AND raw IS NOT NULL AND extra IS NULL"), 1,
	    "row 1 as stored, read with sqlite3");
	is_int(query_int(path, "SELECT dup_of FROM run_row WHERE state = "
	    "'duplicate'"), id2, "dup_of is stored");
	free(raw);
}

static void
test_rollback(void)
{
	struct store		*st;
	struct store_run_info	 ri;
	struct store_row	 row, got;
	struct imp_err		 err;
	char			 path[1100];
	int64_t			 run = 0, id = 0, kept = 0;

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "tx.db"), &err);
	if (!ok(st != NULL, "tx.db opens: %s", err.msg))
		return;
	run_info(&ri, "kept.csv", (const unsigned char *)"\0", 1);
	store_begin(st, &err);
	store_run_create(st, &ri, &kept, &err);
	store_run_finish(st, kept, SHA_A, 0, 0, 0, 0, 0, &err);
	store_commit(st, &err);

	memset(&row, 0, sizeof row);
	row.line = 2;
	row.state = OUTCOME_PENDING;
	is_int(store_begin(st, &err), 0, "begin");
	run_info(&ri, "dropped.csv", (const unsigned char *)"\0", 1);
	store_run_create(st, &ri, &run, &err);
	store_row_add(st, run, &row, &id, &err);
	store_run_finish(st, run, SHA_B, 1, 1, 0, 0, 0, &err);
	ok(store_row_get(st, id, &got) == 0, "inside the transaction the "
	    "row is there");
	store_rollback(st);
	is_int(store_row_get(st, id, &got), -1, "after rollback it is gone");
	is_int(store_run_by_sha(st, SHA_B, 0), 0,
	    "and so is its run");
	is_int(store_run_by_sha(st, SHA_A, 0), kept,
	    "the committed run stays");

	/* A transaction left open is rolled back by store_close. */
	store_begin(st, &err);
	store_run_create(st, &ri, &run, &err);
	store_row_add(st, run, &row, &id, &err);
	store_close(st);
	is_int(query_int(path, "SELECT count(*) FROM run"), 1,
	    "store_close rolls back an open transaction: one run");
	is_int(query_int(path, "SELECT count(*) FROM run_row"), 0,
	    "and no rows");
}

/*
 * The counts store_plan_finish gives as it writes a plan are the ones
 * store_counts reads back, whatever the outcomes; the hash computed on the
 * way equals the one store_plan_hash computes from the tables.
 */
static void
test_plan_counts(void)
{
	static const enum outcome states[] = {
		OUTCOME_PENDING, OUTCOME_PENDING, OUTCOME_UNCHANGED,
		OUTCOME_NOT_FOUND, OUTCOME_FAILED, OUTCOME_PENDING,
		OUTCOME_UNCHANGED
	};
	struct store		*st;
	struct store_run_info	 ri;
	struct store_runinfo	 info;
	struct outcome_counts	 wrote, read;
	struct store_account	 sa;
	struct store_row	 row;
	struct imp_err		 err;
	char			 path[1100], h1[65], h2[65];
	int64_t			 run = 0, id[9], sent;
	size_t			 i;
	int			 o;

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "plan.db"), &err);
	if (!ok(st != NULL, "plan.db opens: %s", err.msg))
		return;
	run_info(&ri, "plan.csv", (const unsigned char *)"\0", 1);
	store_begin(st, &err);
	store_run_create(st, &ri, &run, &err);
	memset(&row, 0, sizeof row);
	row.norm[COL_CUSTOMER_ID] = GUID_A;
	row.normlen[COL_CUSTOMER_ID] = strlen(GUID_A);
	for (i = 0; i < 9; i++) {
		row.line = 2 + i;
		row.state = i == 8 ? OUTCOME_INVALID : OUTCOME_PENDING;
		store_row_add(st, run, &row, &id[i], &err);
	}
	store_run_finish(st, run, SHA_A, 9, 8, 1, 0, 0, &err);
	store_commit(st, &err);
	if (!ok(store_run_info(st, run, &info, &err) == 0, "run info: %s",
	    err.msg))
		goto out;

	ok(store_plan_begin(st, &info, 1, &err) == 0, "plan begins");
	for (i = 0; i < 7; i++) {
		if (states[i] == OUTCOME_PENDING) {
			store_plan_change(st, id[i], COL_EMAIL, "a@x.example",
			    "b@x.example", &err);
			store_plan_change(st, id[i], COL_CITY, NULL, "Oslo",
			    &err);
		}
		store_plan_outcome(st, run, id[i], states[i], i == 0, 0, 0,
		    NULL, i == 5 ? "Fabrikam" : NULL, &err);
		/* The accounts: read online (0), else from a snapshot
		 * (5 keeps its company name with the outcome). */
		if (i == 0) {
			memset(&sa, 0, sizeof sa);
			sa.customer_id = GUID_A;
			sa.etag = "W/\"1\"";
			sa.body = "{\"companyName\":\"Contoso\"}";
			sa.value[COL_COMPANY_NAME] = "Contoso";
			ok(store_plan_account(st, run, id[i], &sa, &err) == 0,
			    "an account read online");
		} else if (states[i] == OUTCOME_PENDING)
			store_plan_offline(st, id[i], GUID_A);
	}
	/* id[7]: valid, left without an outcome (pending); id[8]: invalid. */
	ok(store_plan_finish(st, &info, "test", NULL, h1, &wrote, &err) == 0,
	    "plan finishes: %s", err.msg);
	ok(store_counts(st, &info, &read, &err) == 0, "counts read back");
	is_int(wrote.rows, read.rows, "rows as read back");
	is_int(wrote.valid, read.valid, "valid as read back");
	is_int(wrote.changes, read.changes, "changes as read back (3)");
	is_int(wrote.review, read.review, "review as read back (1)");
	for (o = 0; o < OUTCOME_COUNT; o++)
		is_int(wrote.n[o], read.n[o], "%s as read back (%lld)",
		    outcome_name(o), (long long)read.n[o]);
	ok(read.changes == 3 && read.review == 1 &&
	    read.n[OUTCOME_PENDING] == 4 && read.n[OUTCOME_UNCHANGED] == 2 &&
	    read.n[OUTCOME_FAILED] == 1 && read.n[OUTCOME_NOT_FOUND] == 1 &&
	    read.n[OUTCOME_INVALID] == 1, "and those are the plan's");
	ok(store_plan_hash(st, &info, h2, &err) == 0, "hash recomputed");
	is_str(h1, h2, "the hash written on the way is the hash of the tables");
	is_int(query_int(path, "SELECT count(*) FROM account"), 1,
	    "accounts kept: the one read online, none of a snapshot's");
	is_int(query_int(path, "SELECT count(company) FROM outcome WHERE"
	    " company = 'Fabrikam'"), 1,
	    "a snapshot's company name, with the row's outcome");

	ok(store_sent_count(st, &info, &sent, &err) == 0 && sent == 0,
	    "rows sent: none (check's failed read sent nothing)");
	exec_sql(path, "UPDATE outcome SET attempts = 1 WHERE state ="
	    " 'failed'");
	ok(store_sent_count(st, &info, &sent, &err) == 0 && sent == 1,
	    "rows sent: the one submit took up");
	/*
	 * 2026-12-06: a query error in the count of rows sent read as 0, so
	 * check would plan a run again over rows already sent.
	 */
	exec_sql(path, "ALTER TABLE outcome RENAME TO outcome_away");
	memset(&err, 0, sizeof err);
	sent = -1;
	ok(store_sent_count(st, &info, &sent, &err) == -1 && err.code == 70,
	    "a query error in the count of rows sent is an error (70)");
	ok(has(err.msg, "outcome"), "... with sqlite's message: %s", err.msg);
	exec_sql(path, "ALTER TABLE outcome_away RENAME TO outcome");
out:
	store_close(st);
}

/*
 * A database of schema version 2 migrates to 4: its failed rows are made
 * retryable once by the rule retry applied to version 2 (no status, 408,
 * 429, 5xx, a message saying the account kept changing) but for a row
 * check could not read (never taken up by submit: no plan, check reads it
 * again); after that, retry reads the column, not the message. A row left
 * 'sending' with a request id may have been written (put_in_flight).
 */
static void
test_migrate_retryable(void)
{
	struct store		*st;
	struct store_runinfo	 ri;
	struct imp_err		 err;
	char			 path[1100];

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "v2.db"), &err);
	if (!ok(st != NULL, "v2.db opens: %s", err.msg))
		return;
	store_close(st);
	/* Back to version 2, as an earlier importer left it. */
	ok(exec_sql(path, "ALTER TABLE outcome DROP COLUMN retryable;"
	    "ALTER TABLE outcome DROP COLUMN put_in_flight;"
	    "ALTER TABLE outcome DROP COLUMN put_landed;"
	    "ALTER TABLE row_problem DROP COLUMN at_check;"
	    "DROP TABLE country_rules;"
	    "DROP TABLE approval;"
	    "DROP TABLE audit;"
	    "ALTER TABLE run DROP COLUMN purged_at;"
	    "DROP TABLE verify;"
	    "DROP TABLE verify_row;"
	    "ALTER TABLE run DROP COLUMN sheet;"
	    "ALTER TABLE outcome DROP COLUMN company;"
	    "PRAGMA user_version = 2;"
	    "INSERT INTO outcome (row, run, state, http_status, message,"
	    " attempts, request_id)"
	    " VALUES (1, 1, 'failed', NULL, 'reading the account failed', 0,"
	    "  NULL),"
	    " (2, 1, 'failed', 503, 'HTTP 503', 1, 'r2'),"
	    " (3, 1, 'failed', 400, 'HTTP 400 2000: bad postal code', 1,"
	    "  'r3'),"
	    " (4, 1, 'failed', 200, 'the account kept changing while we"
	    "  wrote to it; retry later', 2, 'r4'),"
	    " (5, 1, 'failed', 408, 'HTTP 408', 1, 'r5'),"
	    " (6, 1, 'failed', 429, 'HTTP 429', 1, 'r6'),"
	    " (7, 1, 'applied', 200, NULL, 1, 'r7'),"
	    " (8, 1, 'failed', 200, 'the service stored other values', 1,"
	    "  'r8'),"
	    " (9, 1, 'pending', NULL, NULL, 0, NULL),"
	    " (10, 1, 'sending', NULL, NULL, 1, 'r10');"
	    "INSERT INTO plan_change (row, col, old, new) VALUES"
	    " (2, 9, 'a', 'b'), (3, 9, 'a', 'b'), (4, 9, 'a', 'b'),"
	    " (5, 9, 'a', 'b'), (6, 9, 'a', 'b'), (7, 9, 'a', 'b'),"
	    " (8, 9, 'a', 'b'), (9, 9, 'a', 'b'), (10, 9, 'a', 'b')") == 0,
	    "a version 2 database with ten outcomes");

	memset(&err, 0, sizeof err);
	st = store_open(path, &err);
	if (!ok(st != NULL, "it opens and migrates: %s", err.msg))
		return;
	is_int(query_int(path, "PRAGMA user_version"), STORE_SCHEMA_VERSION,
	    "now the current version");
	is_int(query_int(path, "SELECT sum(row) FROM outcome WHERE retryable"),
	    2 + 4 + 5 + 6, "retryable: 503, kept changing, 408, 429 (not "
	    "the row check could not read)");
	is_int(query_int(path, "SELECT sum(row) FROM outcome"
	    " WHERE put_in_flight"), 10, "the row left sending with a request "
	    "id may have been written");
	is_int(query_int(path, "SELECT count(*) FROM pragma_table_info("
	    "'row_problem') WHERE name = 'at_check'"), 1,
	    "row_problem gains at_check (version 5)");
	memset(&ri, 0, sizeof ri);
	ri.id = 1;
	ri.row_first = 1;
	ri.row_last = 10;
	is_int(store_retryable(st, &ri, 0, &err), 4, "retry counts them");
	exec_sql(path, "UPDATE outcome SET message = 'kept changing'"
	    " WHERE row = 3");
	is_int(store_retryable(st, &ri, 0, &err), 4,
	    "a message no longer makes a row retryable");
	exec_sql(path, "UPDATE outcome SET retryable = 1 WHERE row = 1");
	is_int(store_retryable(st, &ri, 0, &err), 4,
	    "a row without a plan is never retried");
	is_int(store_retryable(st, &ri, 1, &err), 4, "retry reopens them");
	is_int(query_int(path, "SELECT sum(row) FROM outcome"
	    " WHERE state = 'sending'"), 2 + 4 + 5 + 6 + 10,
	    "and they are sending again");
	store_close(st);
}

/*
 * verify's result: kept per run, a second verification replacing the
 * first with its rows; a run never verified says so.
 */
static void
test_verify(void)
{
	struct store_verify_row	 rows[2];
	struct store_verify	 v, got;
	struct store		*st;
	struct imp_err		 err;
	char			 path[1100], rec[] = "{\"customerId\":\"c2\"}";

	memset(&err, 0, sizeof err);
	st = store_open(in_dir(path, sizeof path, "verify.db"), &err);
	if (!ok(st != NULL, "verify.db opens: %s", err.msg))
		return;
	is_int(store_verify_get(st, 1, &got, &err), 0,
	    "a run never verified: 0");
	memset(&v, 0, sizeof v);
	v.run = 1;
	snprintf(v.window_start, sizeof v.window_start,
	    "2026-12-01T10:00:00Z");
	v.records = 3;
	v.matched = 1;
	v.unexpected = 1;
	rows[0].row = 10;
	rows[0].customer_id = "c1";
	rows[0].state = "matched";
	rows[0].record = NULL;
	rows[1].row = 11;
	rows[1].customer_id = "c2";
	rows[1].state = "unexpected";
	rows[1].record = rec;
	is_int(store_verify_save(st, &v, rows, 2, &err), 0, "saved: %s",
	    err.msg);
	v.matched = 2;
	v.unexpected = 0;
	rows[1].state = "matched";
	is_int(store_verify_save(st, &v, rows, 2, &err), 0,
	    "saved again: %s", err.msg);
	is_int(store_verify_get(st, 1, &got, &err), 1, "then it is found");
	is_int(got.matched, 2, "the last verification stands");
	is_int(got.records, 3, "with the records read");
	is_str(got.window_start, "2026-12-01T10:00:00Z", "and its window");
	store_close(st);
	is_int(query_int(path, "SELECT count(*) FROM verify_row"), 2,
	    "its rows replace the earlier ones");
	is_int(query_int(path, "SELECT count(*) FROM verify_row WHERE record"
	    " LIKE '%c2%' AND state = 'matched'"), 1,
	    "each with its state and record");
}

int
main(void)
{
	const char	*t = getenv("TMPDIR");

	snprintf(dir, sizeof dir, "%s/importer-store.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(dir) == NULL) {
		skip_all("cannot make a temporary folder");
		return 0;
	}
	store_close(NULL);
	test_modes();
	test_runs();
	test_rows();
	test_rollback();
	test_plan_counts();
	test_migrate_retryable();
	test_verify();
	remove_dir();
	return done_testing();
}
