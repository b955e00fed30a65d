/*
 * store.h: the SQLite database every command reads a run's state from and
 * writes the next state to. Created mode 0600 (it holds personal data), WAL,
 * with a schema version and migrations.
 */
#ifndef IMPORTER_STORE_H
#define IMPORTER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "colmap.h"
#include "importer.h"

#define STORE_SCHEMA_VERSION	2

struct store;

/* What a run records about its input, at creation. All borrowed. */
struct store_run_info {
	const char	*file;
	uint64_t	 size;
	const char	*encoding;
	int		 bom;
	int		 detected;
	int		 delimiter;
	const void	*header;	/* store_pack() of the header names */
	size_t		 headerlen;
	const char	*mapping;	/* JSON array: column per header */
	const char	*clear_token;
	const char	*profile;	/* path or NULL */
	const char	*version;
};

/* A staged row. Strings are borrowed until store_row_add returns. */
struct store_row {
	unsigned long	 line;
	const char	*state;		/* "pending", "invalid", ... */
	const char	*norm[COL_COUNT];	/* NULL unchanged, "" clear */
	size_t		 normlen[COL_COUNT];
	unsigned	 fixes;
	uint32_t	 fixed;
	const void	*raw;		/* store_pack() of the cells, or NULL */
	size_t		 rawlen;
	const void	*extra;		/* store_pack() of unknown cells */
	size_t		 extralen;
};

/* A problem of a row; value is the cell as written. */
struct store_problem {
	int64_t		 row;
	const char	*column;	/* header name, or NULL */
	const char	*rule;
	const char	*value;
	size_t		 valuelen;
	const char	*message;
	const char	*hint;
};

/* A run as listed by history. Strings valid until the next call. */
struct store_run {
	int64_t		 id;
	const char	*file;
	const char	*sha256;
	const char	*encoding;
	const char	*delimiter;
	const char	*staged_at;
	int64_t		 rows, valid, invalid, duplicate, blank;
};

/*
 * Opens (creating, mode 0600) and migrates the database at path. Returns
 * NULL with err on failure (code 70, or 77 when other users may write it).
 */
struct store	*store_open(const char *path, struct imp_err *err);
void		 store_close(struct store *st);
int		 store_begin(struct store *st, struct imp_err *err);
/* Begins a transaction that adds much data (staging a file). */
int		 store_begin_bulk(struct store *st, struct imp_err *err);
int		 store_commit(struct store *st, struct imp_err *err);
void		 store_rollback(struct store *st);

/* Creates a run; its id in *run. */
int	store_run_create(struct store *st, const struct store_run_info *ri,
	    int64_t *run, struct imp_err *err);
/* Records the file's SHA-256 and the counts; stamps staged_at. */
int	store_run_finish(struct store *st, int64_t run, const char *sha256,
	    int64_t rows, int64_t valid, int64_t invalid, int64_t duplicate,
	    int64_t blank, struct imp_err *err);
/* The newest other run staged from a file with this SHA-256, or 0. */
int64_t	store_run_by_sha(struct store *st, const char *sha256, int64_t not);
/* Calls fn for each run, newest first; stops when fn returns -1. */
int	store_run_each(struct store *st, int (*fn)(const struct store_run *,
	    void *), void *arg, struct imp_err *err);

/* Adds a row; its id in *id. */
int	store_row_add(struct store *st, int64_t run, const struct store_row *r,
	    int64_t *id, struct imp_err *err);
int	store_problem_add(struct store *st, const struct store_problem *p,
	    struct imp_err *err);
/* Sets a row's state (and the row it duplicates, 0 for none). */
int	store_row_set_state(struct store *st, int64_t row, const char *state,
	    int64_t dup_of, struct imp_err *err);
/*
 * Reads a row's line and normalized values into r; the strings stay valid
 * until the next store call. Returns 0, or -1 when there is no such row.
 */
int	store_row_get(struct store *st, int64_t row, struct store_row *r);

/* Per-rule problem counts of a run, most frequent first. */
struct store_rule_count {
	const char	*rule;
	int64_t		 count;
	const char	*lines;		/* "12, 40, 77" (first few) */
};
int	store_rule_counts(struct store *st, int64_t run,
	    int (*fn)(const struct store_rule_count *, void *), void *arg,
	    struct imp_err *err);
/* The first limit problems of a run in line order (limit < 0: all). */
struct store_problem_line {
	unsigned long	 line;
	const char	*column;
	const char	*rule;
	const char	*value;
	const char	*message;
	const char	*hint;
};
int	store_problems(struct store *st, int64_t run, long limit,
	    int (*fn)(const struct store_problem_line *, void *), void *arg,
	    struct imp_err *err);


/* What later steps need to know of a run. */
struct store_runinfo {
	int64_t		 id;
	int64_t		 row_first, row_last;
	int64_t		 rows, valid, invalid, duplicate;
	char		 file[1024];
	char		 clear_token[64];
	char		 checked_at[32];	/* "" when never checked */
	char		 check_source[1024];
	char		 snapshot_mtime[32];
	char		 plan_hash[65];
};
/* Reads run (0: the latest staged run). Returns 0, or -1 with err (64
 * when there is no such run). */
int	store_run_info(struct store *st, int64_t run, struct store_runinfo *ri,
	    struct imp_err *err);

/* Outcome counts of a whole run, as DESIGN.md names them. */
struct store_counts {
	int64_t	rows, valid, invalid, duplicate;
	int64_t	changes, unchanged, not_found, applied, failed, conflicts;
	int64_t	pending, review, sending;
};
int	store_counts(struct store *st, const struct store_runinfo *ri,
	    struct store_counts *c, struct imp_err *err);

/* Calls fn for each row of the run in state ("pending", ...) in line
 * order with its id and values (valid during the call). */
int	store_rows_each(struct store *st, const struct store_runinfo *ri,
	    const char *state, int (*fn)(int64_t id, const struct store_row *r,
	    void *arg), void *arg, struct imp_err *err);

/* Forgets a run's earlier check: accounts, changes, outcomes. */
int	store_check_reset(struct store *st, const struct store_runinfo *ri,
	    struct imp_err *err);
/* Rows of the run sent or being sent (their outcome is past pending). */
int64_t	store_sent_count(struct store *st, const struct store_runinfo *ri);

/* An account as fetched or read from a snapshot. Borrowed strings. */
struct store_account {
	const char	*customer_id;
	const char	*etag;		/* NULL for a snapshot */
	const char	*profile_id;
	const char	*body;		/* the JSON as received, or NULL */
	const char	*value[COL_COUNT];	/* NULL: empty */
};

/*
 * Writing a plan: store_plan_begin opens a bulk transaction and forgets
 * the run's earlier check; accounts, changes and outcomes are added in any
 * order; store_plan_finish stores them, hashes the plan (the hash in
 * hash), marks the run checked against source and commits. On failure
 * everything is rolled back.
 */
int	store_plan_begin(struct store *st, const struct store_runinfo *ri,
	    struct imp_err *err);
int	store_plan_account(struct store *st, int64_t run, int64_t row,
	    const struct store_account *a, struct imp_err *err);
int	store_plan_change(struct store *st, int64_t row, int col,
	    const char *old, const char *new, struct imp_err *err);
/* A row's outcome as check decides it. message may be NULL. */
int	store_plan_outcome(struct store *st, int64_t run, int64_t row,
	    const char *state, int review, uint32_t normalized,
	    const char *message, struct imp_err *err);
int	store_plan_finish(struct store *st, const struct store_runinfo *ri,
	    const char *source, const char *snapshot_mtime, char hash[65],
	    struct imp_err *err);
/* Marks the run checked; source is the endpoint or the snapshot path. */
int	store_run_checked(struct store *st, int64_t run, const char *source,
	    const char *snapshot_mtime, const char *plan_hash,
	    struct imp_err *err);
/* The SHA-256 (hex) of a run's plan: every change and outcome. */
int	store_plan_hash(struct store *st, const struct store_runinfo *ri,
	    char hash[65], struct imp_err *err);

/* One planned change, for plan and report. Valid during the call. */
struct store_change {
	int64_t		 row;
	unsigned long	 line;
	const char	*customer_id;
	const char	*company;	/* wanted, else current, or NULL */
	int		 col;
	const char	*old;
	const char	*new;
	int		 review;
};
int	store_changes_each(struct store *st, const struct store_runinfo *ri,
	    int (*fn)(const struct store_change *, void *), void *arg,
	    struct imp_err *err);

/*
 * Cell lists are packed as a varint count, then per cell a varint length
 * and the bytes: exact for any content, NULs and all.
 */
/* Packs n cells into *buf (grown), returning the length. */
size_t	store_pack(const char *const *cells, const size_t *lens, size_t n,
	    unsigned char **buf, size_t *cap);
/* Unpacks cell i of a packed list; returns -1 when there is none. */
int	store_unpack(const void *blob, size_t len, size_t i, const char **cell,
	    size_t *celllen);
/* The number of cells in a packed list. */
size_t	store_unpack_count(const void *blob, size_t len);

#endif
