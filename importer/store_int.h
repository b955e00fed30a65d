/*
 * store_int.h: what the store's files share (store.c, and any other
 * store_*.c): the handle and the SQL helpers. Private to the store: every
 * other module goes through store.h.
 */
#ifndef IMPORTER_STORE_INT_H
#define IMPORTER_STORE_INT_H

#include <stdint.h>

#include <openssl/evp.h>
#include <sqlite3.h>

#include "column.h"
#include "importer.h"
#include "outcome.h"

/*
 * Column lists for statements, from the column table: each column after a
 * comma, so that a list follows the columns before it, as in
 * "SELECT id, line" STORE_COLUMNS " FROM run_row". STORE_R_COLUMNS names
 * run_row's as "r.column"; the _PROFILE_ forms leave out the customer ID
 * (the account table's columns); STORE_PROFILE_DEFS defines them.
 */
#define STORE_COLUMN_X(e, name, sql, place, prop, max, flags)	", " sql
#define STORE_R_COLUMN_X(e, name, sql, place, prop, max, flags)	", r." sql
#define STORE_PARAM_X(e, name, sql, place, prop, max, flags)	", ?"
#define STORE_DEF_X(e, name, sql, place, prop, max, flags)	", " sql " TEXT"
#define STORE_COLUMNS		COLUMN_TABLE(STORE_COLUMN_X)
#define STORE_R_COLUMNS		COLUMN_TABLE(STORE_R_COLUMN_X)
#define STORE_PROFILE_COLUMNS	COLUMN_PROFILE_TABLE(STORE_COLUMN_X)
#define STORE_PROFILE_PARAMS	COLUMN_PROFILE_TABLE(STORE_PARAM_X)
#define STORE_PROFILE_DEFS	COLUMN_PROFILE_TABLE(STORE_DEF_X)

/*
 * The statements run once per row or per round of answers, prepared at
 * their first use and kept until store_close: store_cached() hands them
 * out. Each names its slot here; its SQL stays at its call.
 */
enum store_stmt {
	STORE_TX_BEGIN,		/* store.c */
	STORE_TX_COMMIT,
	STORE_ROW_ADD,		/* store_stage.c */
	STORE_PROBLEM_ADD,
	STORE_ROW_SET_STATE,
	STORE_ROW_GET,
	STORE_PLAN_ACCOUNT,	/* store_plan.c */
	STORE_PLAN_CHANGE,
	STORE_PLAN_OUTCOME,
	STORE_CHECK_PROBLEM,
	STORE_SUBMIT_LOAD,	/* store_submit.c */
	STORE_SUBMIT_PLAN,
	STORE_SUBMIT_MARK,
	STORE_SUBMIT_RESULT,
	STORE_SUBMIT_ANSWERED,
	STORE_NSTMT
};

struct store {
	sqlite3		*db;
	char		*path;
	int		 lock_fd;	/* store_lock's, or -1 */
	sqlite3_stmt	*stmt[STORE_NSTMT];
	int		 in_tx;
	int		 bulk;		/* in DELETE mode for a bulk load */
	int64_t		 first_row;	/* of the run being staged */
	int64_t		 last_row;
	char		 now[32];	/* the plan's time, UTC */
	struct hasher	*hash_changes;	/* a plan hashed as it is written */
	struct hasher	*hash_outcomes;
	struct hasher	*hash_accounts;
	struct outcome_counts plan_counts;	/* of the plan being written */
	int		 plan_changed;	/* the row has changes so far */
	char		*hdr[COL_COUNT];	/* the run's header names, for
						   problems found at check */
};

/* SHA-256 fed through a buffer: many small values, few digest calls. */
struct hasher {
	EVP_MD_CTX	*md;
	size_t		 len;
	unsigned char	 buf[8192];
};

/* store_plan.c: frees the hashers of a plan being written. */
void		 store_plan_clear(struct store *st);
/* store_plan.c: reads the run's header name of each column into hdr. */
int		 store_run_headers(struct store *st, int64_t run,
		    struct imp_err *err);

/* Fills err with "path: what: sqlite's message"; returns -1. */
int		 store_db_err(struct store *st, struct imp_err *err,
		    const char *what);
/* Runs SQL without results; -1 with err (may be NULL) on failure. */
int		 store_exec(struct store *st, const char *sql,
		    struct imp_err *err);
int		 store_prepare(struct store *st, const char *sql,
		    sqlite3_stmt **stmt, struct imp_err *err);
/*
 * The statement of slot k, prepared from sql at its first use, else reset
 * with its bindings cleared. Borrowed: the store finalizes it. NULL with
 * err (may be NULL) when it does not prepare.
 */
sqlite3_stmt	*store_cached(struct store *st, enum store_stmt k,
		    const char *sql, struct imp_err *err);
/* A column's text, "" for NULL; valid until the next step. */
const char	*store_col_text(sqlite3_stmt *stmt, int i);
/* Reads the outcome named in column i into *o; -1 for another name. */
int		 store_col_outcome(sqlite3_stmt *stmt, int i,
		    enum outcome *o);
/* Binds v, or NULL when v is NULL or empty. */
void		 store_bind_opt(sqlite3_stmt *s, int i, const char *v);
void		 store_copy_col(sqlite3_stmt *stmt, int i, char *buf,
		    size_t len);

#endif
