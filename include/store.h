/*
 * store.h: the SQLite database every command reads a run's state from and
 * writes the next state to. Created mode 0600 (it holds personal data), WAL,
 * with a schema version and migrations.
 */
#ifndef IMPORTER_STORE_H
#define IMPORTER_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "colmap.h"
#include "importer.h"
#include "outcome.h"

#define STORE_SCHEMA_VERSION	10

struct store;

/* What a run records about its input, at creation. All borrowed. */
struct store_run_info {
	const char	*file;
	uint64_t	 size;
	const char	*encoding;
	int		 bom;
	int		 detected;
	int		 delimiter;
	const char	*sheet;		/* a workbook's sheet, or NULL */
	const void	*header;	/* packed header names (cellpack.h) */
	size_t		 headerlen;
	const char	*mapping;	/* JSON array: column per header */
	const char	*clear_token;
	const char	*profile;	/* path or NULL */
	const char	*version;
};

/* A staged row. Strings are borrowed until store_row_add returns. */
struct store_row {
	unsigned long	 line;
	enum outcome	 state;		/* pending, invalid or duplicate */
	const char	*norm[COL_COUNT];	/* NULL unchanged, "" clear */
	size_t		 normlen[COL_COUNT];
	unsigned	 fixes;
	uint32_t	 fixed;
	const void	*raw;		/* packed cells (cellpack.h), or NULL */
	size_t		 rawlen;
	const void	*extra;		/* packed unknown cells */
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
/*
 * Takes the database for this process alone until store_close (the steps
 * that talk to the service: check, submit, retry, run). Returns 0, or -1
 * with err: 75 while another importer process holds it.
 */
int		 store_lock(struct store *st, struct imp_err *err);
int		 store_begin(struct store *st, struct imp_err *err);
/*
 * Many small commits ahead (submit): no WAL checkpoint until close, so
 * that none stalls a commit on the way.
 */
void		 store_defer_checkpoints(struct store *st);
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
/* The newest run read in a legacy encoding (neither UTF-8 nor UTF-16),
 * its encoding copied into enc[size]; 0 when there is none. */
int64_t	store_run_legacy(struct store *st, char *enc, size_t size);
/* Calls fn for each run, newest first; stops when fn returns -1. */
int	store_run_each(struct store *st, int (*fn)(const struct store_run *,
	    void *), void *arg, struct imp_err *err);

/* Adds a row; its id in *id. */
int	store_row_add(struct store *st, int64_t run, const struct store_row *r,
	    int64_t *id, struct imp_err *err);
int	store_problem_add(struct store *st, const struct store_problem *p,
	    struct imp_err *err);
/* Sets a row's state (and the row it duplicates, 0 for none). */
int	store_row_set_state(struct store *st, int64_t row, enum outcome state,
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
	unsigned long	 line;		/* the spreadsheet's row */
	const char	*customer_id;	/* as staged; NULL when blank */
	const char	*column;
	const char	*rule;
	const char	*value;
	const char	*message;
	const char	*hint;
};
int	store_problems(struct store *st, int64_t run, long limit,
	    int (*fn)(const struct store_problem_line *, void *), void *arg,
	    struct imp_err *err);
/* Only those check found (store_check_problem). */
int	store_check_problems(struct store *st, int64_t run, long limit,
	    int (*fn)(const struct store_problem_line *, void *), void *arg,
	    struct imp_err *err);
/* Only the cells the service refused (store_submit_problem). */
int	store_submit_problems(struct store *st, int64_t run, long limit,
	    int (*fn)(const struct store_problem_line *, void *), void *arg,
	    struct imp_err *err);
/*
 * The cells that lost their digits (rule excel-scientific) in each
 * customer's latest run before run: what staging remembers from the last
 * run. Strings valid during the call; stops when fn returns -1.
 */
struct store_flagged {
	const char	*customer_id;
	const char	*column;	/* the header as written */
	const char	*value;		/* the cell as written */
};
int	store_flagged_each(struct store *st, int64_t run,
	    int (*fn)(const struct store_flagged *, void *), void *arg,
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

/* The counts of a whole run, as DESIGN.md names them. */
int	store_counts(struct store *st, const struct store_runinfo *ri,
	    struct outcome_counts *c, struct imp_err *err);
/* The same for run (0: the latest staged run). */
int	store_run_counts(struct store *st, int64_t run,
	    struct outcome_counts *c, struct imp_err *err);

/* Calls fn for each row of the run staged as state in line order with its
 * id and values (valid during the call). */
int	store_rows_each(struct store *st, const struct store_runinfo *ri,
	    enum outcome state, int (*fn)(int64_t id,
	    const struct store_row *r, void *arg), void *arg,
	    struct imp_err *err);

/* The same, with the row id and customer id only (cheaper). */
int	store_ids_each(struct store *st, const struct store_runinfo *ri,
	    enum outcome state, int (*fn)(int64_t id, const char *customer_id,
	    void *arg), void *arg, struct imp_err *err);

/* Forgets a run's earlier check: accounts, changes, outcomes. */
int	store_check_reset(struct store *st, const struct store_runinfo *ri,
	    struct imp_err *err);
/* The number of rows of the run submit has taken up (a request of theirs
 * may have left) in *n. A row check could not read was never sent. */
int	store_sent_count(struct store *st, const struct store_runinfo *ri,
	    int64_t *n, struct imp_err *err);

/* An account as fetched from the service. Borrowed strings. */
struct store_account {
	const char	*customer_id;
	const char	*etag;
	const char	*profile_id;
	const char	*body;		/* the JSON as received, or NULL */
	const char	*value[COL_COUNT];	/* NULL: empty */
};

/*
 * Writing a plan: store_plan_begin opens a bulk transaction and forgets
 * the run's earlier check; accounts, changes and outcomes are added (in
 * row order they are appends, the fastest; each row with changes is given
 * its account: store_plan_account or store_plan_offline);
 * store_plan_finish hashes the plan (the hash in hash), marks the run
 * checked against source, commits and gives the run's counts as
 * store_counts() would (counts may be NULL). On failure everything is
 * rolled back.
 */
/* ordered: rows will come in row order (each row's changes in column
 * order, before its outcome), so the plan is hashed as it is written. */
int	store_plan_begin(struct store *st, const struct store_runinfo *ri,
	    int ordered, struct imp_err *err);
int	store_plan_account(struct store *st, int64_t run, int64_t row,
	    const struct store_account *a, struct imp_err *err);
/*
 * A row with changes planned against a snapshot's account: nothing is
 * stored (the plan holds the values it changes, and submit reads the
 * account again before any write; its company name, where the row gives
 * none, goes with the outcome). Hashed as store_plan_account hashes an
 * account without etag or body, so the plan's hash is the one it was
 * when the snapshot's accounts were kept.
 */
void	store_plan_offline(struct store *st, int64_t row,
	    const char *customer_id);
int	store_plan_change(struct store *st, int64_t row, int col,
	    const char *old, const char *new, struct imp_err *err);
/*
 * A row's outcome as check decides it. A failure at check is one to read
 * the account, which retry may read again: it is recorded as retryable.
 * message may be NULL; company is the account's company name for a row
 * that gives none and keeps no account (store_plan_offline), else NULL.
 */
int	store_plan_outcome(struct store *st, int64_t run, int64_t row,
	    enum outcome state, int review, uint32_t normalized,
	    long http_status, const char *message, const char *company,
	    struct imp_err *err);
/*
 * A problem check found in the row's value of column col (p->column is
 * not used: the run's header names it), listed with the staged ones
 * until the next check. The row's outcome is then stored as 'invalid'.
 */
int	store_check_problem(struct store *st, int64_t row, int col,
	    const struct store_problem *p, struct imp_err *err);
/* A problem's origin, row_problem.at_check: staging, check, the service's
 * refusal of a write (store_submit_problem). */
#define STORE_FOUND_STAGE	0
#define STORE_FOUND_CHECK	1
#define STORE_FOUND_SUBMIT	2
/* The rule of a cell the service refused (store_submit_problem). */
#define STORE_RULE_REFUSED	"service-refused"
/*
 * The service's rules for country cc as read at read_at (UTC, ISO 8601):
 * kept, replacing earlier ones, for later checks and offline ones.
 */
int	store_country_rules_put(struct store *st, const char *cc,
	    const char *body, const char *read_at, struct imp_err *err);
/* Each kept answer; strings valid during the call; stops when fn
 * returns -1. */
int	store_country_rules_each(struct store *st,
	    int (*fn)(const char *cc, const char *body, const char *read_at,
	    void *arg), void *arg, struct imp_err *err);
/* Each distinct country the run's pending rows name (upper case). */
int	store_run_countries(struct store *st, const struct store_runinfo *ri,
	    int (*fn)(const char *cc, void *arg), void *arg,
	    struct imp_err *err);
/* The MS-RequestId of the read that decided a row's outcome at check. */
int	store_plan_request_id(struct store *st, int64_t row,
	    const char *request_id, struct imp_err *err);
int	store_plan_finish(struct store *st, const struct store_runinfo *ri,
	    const char *source, const char *snapshot_mtime, char hash[65],
	    struct outcome_counts *counts, struct imp_err *err);
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
	const char	*why;		/* of the review, or NULL */
};
int	store_changes_each(struct store *st, const struct store_runinfo *ri,
	    int (*fn)(const struct store_change *, void *), void *arg,
	    struct imp_err *err);


/*
 * store_report.c: what the report, the fix-up CSV and history read. A
 * report reads in one transaction (store_report_begin/_end), so its
 * counts and its rows agree even while another process writes.
 */
int	store_report_begin(struct store *st, struct imp_err *err);
void	store_report_end(struct store *st);

/* Everything the Summary says about a run's input and steps. */
struct store_report_run {
	int64_t		 id;
	int64_t		 row_first, row_last;
	int64_t		 rows, blank;
	int64_t		 size;
	int		 bom, detected;
	int		 has_profile;		/* profile not NULL */
	char		 file[1024];
	char		 sha256[65];
	char		 encoding[64];
	char		 delimiter[8];
	char		 sheet[256];		/* a workbook's, or "" for CSV */
	char		 clear_token[64];
	char		 profile[1024];
	char		 version[64];
	char		 operator[320];
	char		 staged_at[32], checked_at[32], submitted_at[32];
	char		 check_source[1024];
	char		 snapshot_mtime[32];
	char		 correlation_id[128];
	char		 plan_hash[65];		/* "" before check */
	char		 preparer[320];		/* who ran check, or "" */
	char		 approvers[1024];	/* of the plan as it stands:
						   "name (time), ..." or "" */
	void		*header;	/* packed names (cellpack.h); owned */
	size_t		 headerlen;
	char		*mapping;	/* JSON array; owned */
	int64_t		 prev;		/* previous run of the profile, or 0 */
};
/* Reads run (0: the latest); free with store_report_run_free. */
int	store_report_run(struct store *st, int64_t run,
	    struct store_report_run *rr, struct imp_err *err);
void	store_report_run_free(struct store_report_run *rr);

/*
 * The widest value of each kind of text the report shows, in display
 * columns (a wide CJK character counts two): the sheets' column widths,
 * set before any row is written (constant memory).
 */
enum store_width {
	STORE_W_COMPANY,	/* the row's company, or the account's */
	STORE_W_OLD,		/* a change's value before */
	STORE_W_NEW,		/* a change's value after */
	STORE_W_CONFLICT,	/* a conflict's three values */
	STORE_W_CODE,		/* the service's error code */
	STORE_W_MESSAGE,	/* an outcome's message */
	STORE_W_PCOL,		/* a problem's column */
	STORE_W_PVALUE,		/* a problem's value */
	STORE_W_PMESSAGE,	/* a problem's message */
	STORE_W_PHINT,		/* a problem's hint */
	STORE_NWIDTH
};

/* Lines each part of the report will have (for autofilter, splits). */
struct store_report_sizes {
	int64_t	changes;	/* plan_change rows */
	int64_t	problems;	/* lines of the Invalid sheet */
	int64_t	conflicts;	/* lines of the Conflicts sheet */
	int64_t	width[STORE_NWIDTH];	/* enum store_width */
};
int	store_report_sizes(struct store *st, const struct store_report_run *rr,
	    struct store_report_sizes *sz, struct imp_err *err);

/* One staged row with all that is known of it, for the report. */
struct store_report_change {
	int		 col;
	const char	*old;		/* NULL: was empty */
	const char	*new;		/* "": cleared */
};
struct store_report_problem {
	const char	*column;	/* header name, or NULL */
	const char	*rule;
	const char	*value;
	const char	*message;
	const char	*hint;
};
struct store_report_conflict {
	int		 col;
	const char	*at_check, *now, *wanted;
};
struct store_report_row {
	int64_t		 id;
	unsigned long	 line;
	enum outcome	 state;		/* invalid or duplicate as staged,
					 * else its outcome (or pending) */
	const char	*norm[COL_COUNT];	/* NULL unchanged, "" clear */
	const char	*company;	/* wanted, else current, or NULL */
	const void	*raw;
	size_t		 rawlen;
	const void	*extra;
	size_t		 extralen;
	unsigned long	 dup_line;	/* line of the row it repeats */
	int		 checked;	/* has an outcome */
	int		 review;
	int64_t		 attempts;
	int		 http_status;	/* 0: none */
	const char	*error_code, *message, *request_id;
	const struct store_report_change	*changes;
	size_t					 nchanges;
	const struct store_report_problem	*problems;
	size_t					 nproblems;
	const struct store_report_conflict	*conflicts;
	size_t					 nconflicts;
};
/*
 * Calls fn for every staged row of the run in input order (all strings
 * valid during the call only); with only_fixup, only the rows that need
 * a person (invalid, failed, conflict, not_found). Stops when fn
 * returns -1 (and returns -1; fn fills err).
 */
int	store_report_rows(struct store *st, const struct store_report_run *rr,
	    int only_fixup, int (*fn)(const struct store_report_row *, void *),
	    void *arg, struct imp_err *err);

/* A reason and how many rows it holds back, most frequent first. */
struct store_reason {
	const char	*reason;	/* rule, or "HTTP 400 code" */
	const char	*example;	/* a message */
	int64_t		 count;
	const char	*lines;		/* "12, 40, 77" (first few) */
};
/* Top limit reasons for invalid (failed = 0) or failed rows. */
int	store_report_reasons(struct store *st, const struct store_report_run *rr,
	    int failed, int limit, int (*fn)(const struct store_reason *,
	    void *), void *arg, struct imp_err *err);

/* The comparison with the previous run of the same profile. */
enum store_repeat {
	STORE_FAILED_AGAIN,	/* customers failed in both runs */
	STORE_REJECTED_AGAIN,	/* same customer, same rule */
	STORE_FLIP_FLOP,	/* a field set back to its value before an
				 * earlier applied change */
	STORE_ALREADY_APPLIED,	/* an earlier run applied the same change */
	STORE_NREPEAT
};
struct store_repeat_item {
	enum store_repeat	 kind;
	unsigned long		 line;
	const char		*customer_id;
	const char		*detail;	/* rule, or field */
	int64_t			 earlier_run;
};
/* Calls fn for each repeat (at most limit per kind) and counts them all
 * in counts[kind]. Earlier runs are those of the same profile. */
int	store_report_repeats(struct store *st, const struct store_report_run *rr,
	    int limit, int64_t counts[STORE_NREPEAT],
	    int (*fn)(const struct store_repeat_item *, void *), void *arg,
	    struct imp_err *err);

/* One line of a customer's audit trail across runs. */
struct store_trail {
	int64_t		 run;
	const char	*when;		/* submitted, else checked, else staged */
	const char	*file;
	unsigned long	 line;
	enum outcome	 state;
	int		 col;		/* -1: the row changed nothing */
	const char	*old, *new;
	const char	*request_id;
};
/* Every row of customer (a tenant GUID, any case, braces allowed) in
 * every run, oldest first. */
int	store_customer_trail(struct store *st, const char *customer,
	    int (*fn)(const struct store_trail *, void *), void *arg,
	    struct imp_err *err);

/* --- submit (store_submit.c) --- */

/* A row as submit needs it. Owned strings: store_submit_row_free. */
struct store_submit_row {
	int64_t		 row;
	unsigned long	 line;
	char		*customer_id;
	char		*want[COL_COUNT];	/* NULL unchanged, "" clear */
	uint32_t	 planned;		/* 1 << col of plan_change */
	char		*at_check[COL_COUNT];	/* plan_change.old */
	char		*body;			/* account JSON, or NULL */
	char		*etag;			/* account etag, or NULL */
	enum outcome	 state;
	char		*request_id;
	int		 attempts;
	int		 maybe_written;		/* a PUT of it may have landed */
};

/*
 * The rows submit takes up, in line order: those left 'sending' by an
 * interrupted submit first (their fate is unknown), then 'pending' ones
 * (those needing review only with allow_flagged). *rows is allocated.
 */
int	store_submit_list(struct store *st, const struct store_runinfo *ri,
	    int allow_flagged, int64_t **rows, size_t *n, size_t *nsending,
	    struct imp_err *err);
int	store_submit_load(struct store *st, int64_t row,
	    struct store_submit_row *r, struct imp_err *err);
void	store_submit_row_free(struct store_submit_row *r);
/*
 * 'sending', with one more attempt. request_id: a PUT's, which may land
 * once this is committed (in flight until its answer is recorded); "" for
 * a read, which writes nothing.
 */
int	store_submit_mark(struct store *st, int64_t row, const char *request_id,
	    struct imp_err *err);
/*
 * A PUT's answer is in: no longer in flight; landed when the answer says
 * it landed or may have (a 2xx, a 5xx, no answer), not for a refusal (a
 * 412 proves it did not). Evidence that stays with the row.
 */
int	store_submit_answered(struct store *st, int64_t row, int landed,
	    struct imp_err *err);
/*
 * A row's outcome after an answer (or back to pending): no PUT of it is in
 * flight any more. retryable: a failure that may pass, which retry sends
 * again; landed: a write of it may have landed (kept with the row).
 */
int	store_submit_result(struct store *st, int64_t row, enum outcome state,
	    int retryable, int landed, long http_status,
	    const char *error_code, const char *message, const char *etag,
	    struct imp_err *err);
/*
 * A cell the service named when it refused a write (a 400's data[]):
 * listed with the row's problems (STORE_RULE_REFUSED), kept with the
 * failed row for the report and the fix-up. value may be NULL.
 */
int	store_submit_problem(struct store *st, int64_t row, int col,
	    const char *value, const char *message, const char *hint,
	    struct imp_err *err);
int	store_submit_conflict(struct store *st, int64_t row, int col,
	    const char *at_check, const char *now, const char *wanted,
	    struct imp_err *err);
/* The run's MS-CorrelationId, made on the first submit; stamps it. */
int	store_run_submitting(struct store *st, int64_t run, char id[37],
	    struct imp_err *err);

/*
 * Rows with a plan that failed for a reason that may pass (recorded as
 * retryable when they failed: no reply, 408, 429, 5xx, an account that
 * kept changing). With reopen, they go back to 'sending', so that submit
 * re-reads each before writing. A row check could not read has no plan:
 * check reads it again. Returns their number, or -1.
 */
int64_t	store_retryable(struct store *st, const struct store_runinfo *ri,
	    int reopen, struct imp_err *err);

/* store_audit.c: the audit trail, approvals and purging. */
/*
 * Appends e to the trail (e->at, e->prev and e->hash are set here: now,
 * the last entry's hash, and audit_entry_hash()). Returns 0 or -1.
 */
int	store_audit_add(struct store *st, const struct audit_entry *e,
	    struct imp_err *err);
/* Calls fn for each entry in order (run 0: all; else that run's only);
 * the entry is valid during the call; stops when fn returns -1. */
int	store_audit_each(struct store *st, int64_t run,
	    int (*fn)(const struct audit_entry *, void *), void *arg,
	    struct imp_err *err);
/* The input SHA-256 and plan hash of run ("" where none). */
int	store_run_hashes(struct store *st, int64_t run, char sha256[65],
	    char plan_hash[65], struct imp_err *err);
/* Who last ran check on run (its latest 'check' entry), or "". */
int	store_run_preparer(struct store *st, int64_t run, char *who,
	    size_t size, struct imp_err *err);
/* An approval of run's plan; a new check voids it (store_run_checked). */
int	store_approval_add(struct store *st, int64_t run, const char *approver,
	    const char *note, const char *plan_hash, struct imp_err *err);
struct store_approval {
	int64_t		 id;
	const char	*approver;
	const char	*at;
	const char	*note;		/* NULL: none */
	const char	*plan_hash;
	int		 void_;		/* voided by a later check */
};
/* Calls fn for each approval of run, oldest first. */
int	store_approval_each(struct store *st, int64_t run,
	    int (*fn)(const struct store_approval *, void *), void *arg,
	    struct imp_err *err);
/*
 * Removes the personal data of the runs staged before date (YYYY-MM-DD,
 * UTC): cells, raw cells, accounts, planned, conflicting and problem
 * values. Counts, hashes, outcomes and the trail stay. Then VACUUM and a
 * checkpoint, so that the file itself no longer holds them. The runs'
 * count in *runs and rows in *rows (with dry: counted only).
 */
int	store_purge(struct store *st, const char *date, int dry,
	    int64_t *runs, int64_t *rows, struct imp_err *err);
/* After store_purge (not dry, runs found: its transaction is left open
 * for the trail's entry): commits, rebuilds the file and empties the
 * log. */
int	store_purge_commit(struct store *st, struct imp_err *err);
/* store_verify.c: verify, the run's writes against the service's activity
 * log. */

/* When and how a run wrote: the window verify reads the log for. */
struct store_verify_window {
	char	correlation_id[128];	/* "": never submitted */
	char	submitted_at[32];	/* the last submit or retry */
	char	first_sent[40];		/* the first write sent; "": none */
	char	last_answered[40];	/* the last applied row's answer */
	int64_t	applied;		/* rows applied */
};
int	store_verify_window(struct store *st, int64_t run,
	    struct store_verify_window *w, struct imp_err *err);

/* Calls fn for each row of the run that names a customer, in line order:
 * its id, line, customer ID and whether it was applied. */
int	store_verify_rows(struct store *st, const struct store_runinfo *ri,
	    int (*fn)(int64_t row, int64_t line, const char *customer_id,
	    int applied, void *arg), void *arg, struct imp_err *err);

/* A run's verification, as stored. */
struct store_verify {
	int64_t	run;
	char	at[32];			/* when verify ran (UTC) */
	char	window_start[40], window_end[40];
	int64_t	records;		/* activity records read */
	int64_t	matched, missing, unexpected;
	int64_t	other_runs;		/* records of this database's other
					   runs (not kept) */
	char	note[512];		/* why nothing was verified, or "" */
};
/* The MS-CorrelationIds of the database's runs other than run, in *ids
 * (each and the array freed by the caller), *n of them. */
int	store_other_correlations(struct store *st, int64_t run, char ***ids,
	    size_t *n, struct imp_err *err);
/* One row's verdict: state "matched", "missing" or "unexpected"; record:
 * the activity record's JSON, or NULL. */
struct store_verify_row {
	int64_t		 row;
	const char	*customer_id;
	const char	*state;
	char		*record;
};
/* Replaces run's verification with v and its rows, in one transaction. */
int	store_verify_save(struct store *st, const struct store_verify *v,
	    const struct store_verify_row *rows, size_t n,
	    struct imp_err *err);
/* The run's last verification into v: 1, 0 when never verified, or -1. */
int	store_verify_get(struct store *st, int64_t run, struct store_verify *v,
	    struct imp_err *err);

#endif
