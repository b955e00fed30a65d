/*
 * cmd.h: the command table. Each cmd_<verb>.c exports one entry; main.c
 * looks commands up by name, and prints help from the same table.
 */
#ifndef IMPORTER_CMD_H
#define IMPORTER_CMD_H

#include <getopt.h>

#include <jansson.h>

#include "checking.h"
#include "importer.h"
#include "profile.h"
#include "report.h"
#include "service.h"
#include "staging.h"
#include "store.h"
#include "submitting.h"

/* The groups of options several commands share; an entry says which it
 * takes, and cmd_getopt() parses them and prints their help. */
#define CMD_STAGING	0x1	/* --encoding, --delimiter, --force */
#define CMD_SUBMIT	0x2	/* --yes, --dry-run, ..., --batch-size */
#define CMD_SERVICE	0x4	/* --endpoint, ..., --timeout */

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "stage FILE [--force]" */
	const char	*summary;	/* one line for the command list */
	const char	*help;		/* its own options, by line */
	int		 groups;	/* CMD_*: the shared ones it takes */
	const char	*shortopts;	/* its own short ones, or NULL */
	/* Its own long options, { NULL } ended, or NULL. */
	const struct option *options;
	int		(*exec)(int argc, char **argv);	/* an exit code */
};

extern const struct cmd_entry cmd_stage_entry;
extern const struct cmd_entry cmd_history_entry;
extern const struct cmd_entry cmd_sandbox_entry;
extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_plan_entry;
extern const struct cmd_entry cmd_submit_entry;
extern const struct cmd_entry cmd_report_entry;
extern const struct cmd_entry cmd_run_entry;
extern const struct cmd_entry cmd_retry_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_config_entry;
extern const struct cmd_entry cmd_approve_entry;
extern const struct cmd_entry cmd_purge_entry;
extern const struct cmd_entry cmd_evidence_entry;

/* cmd_audit.c: who is working, and the trail's entries. */
/*
 * The operator's name: --as, else $IMPORTER_USER, else the profile's
 * [user] name, else login@host. Borrowed, valid until exit.
 */
const char *cmd_operator(void);
/* Nonzero if two operator names are one person's: case, compatibility
 * forms, invisible characters and runs of spaces aside. */
int	cmd_same_person(const char *a, const char *b);
/*
 * Appends a "what" entry for run (0: none) to the trail: the operator,
 * the run's input and plan hashes, and detail (a JSON object, consumed;
 * NULL: none). Returns 0, or prints the error and returns its exit code.
 */
int	cmd_audit(struct store *st, const char *what, int64_t run,
	    json_t *detail);
/* A staging's entry: the file and its counts. */
int	cmd_audit_staged(struct store *st, const struct staging_result *r,
	    const char *file);
/* cmd_audit(), with the run's counts as its detail. */
int	cmd_audit_counts(struct store *st, const char *what, int64_t run,
	    const struct outcome_counts *c);
/*
 * Whether the profile lets run's plan (counts c) be sent: when approval
 * is required, an approval of the plan as it stands by someone other
 * than its preparer. Returns 0, or prints what is missing and returns 77.
 */
int	cmd_approval_gate(struct store *st, const struct store_runinfo *ri,
	    const struct profile *pf, const struct outcome_counts *c);
extern const struct cmd_entry cmd_verify_entry;

/* Prints "importer: <msg>" on stderr and returns err->code (70 if unset). */
int	cmd_fail(const struct imp_err *err);
/* Prints the command's usage line on stderr and returns 64. */
int	cmd_usage(const struct cmd_entry *ce, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* cmd_columns.c: 'importer help columns' (--json: an array). Returns 0. */
int	cmd_help_columns(void);

/* cmd_util.c */
/* Prints o on stdout and drops it: the one JSON output of a command. */
void	cmd_json_print(json_t *o);
/* Prints a command's help (usage, summary, options) on stdout; returns 0. */
int	cmd_help(const struct cmd_entry *ce);
/* Adds the DESIGN.md counts of a run to a JSON object. */
void	cmd_counts_json(json_t *o, const struct outcome_counts *c);
/* Prints the counts of a run in one human line. */
void	cmd_counts_print(const struct outcome_counts *c);
/*
 * The RUN operand left after the options (none: the latest run, 0) into
 * *run. Returns 0, or prints ce's usage and returns 64.
 */
int	cmd_run_operand(const struct cmd_entry *ce, int argc, char **argv,
	    int64_t *run);
/* Asks what on the terminal (y/N); nonzero for yes. */
int	cmd_confirm(const char *what);
/* Prints the unknown columns, the sheet's warnings and the first problems
 * of a staged run (all with -v) on stderr, one line each: FILE: row N,
 * customer: column: 'value': rule. */
void	cmd_print_problems(struct store *st, const struct staging_result *r,
	    const char *file);
/* The problems check found in the run's values, as stage prints its own. */
void	cmd_print_check_problems(struct store *st, int64_t run,
	    const char *file);
/* The cells the service refused on submit, as the row messages. */
void	cmd_print_submit_problems(struct store *st, int64_t run,
	    const char *file);
/* The exit code the counts of a run call for (0 or 1). */
int	cmd_counts_exit(const struct outcome_counts *c);

/* cmd_report.c */
/* What a report wrote, for its printing. */
struct cmd_reported {
	int64_t			 run;
	char			*xlsx;		/* NULL: none written */
	char			*csv;		/* fix-up CSV, or NULL */
	int64_t			 csv_rows;
	struct report_result	 res;
};
/*
 * Writes run's report (and fix-up CSV) to the given paths, or the
 * defaults when NULL, into *out (free with cmd_reported_free()); prints
 * only errors; returns the exit code.
 */
int	cmd_report_write(struct store *st, int64_t run, const char *xlsx,
	    const char *errors_csv, long long sheet_rows,
	    struct cmd_reported *out);
void	cmd_reported_free(struct cmd_reported *r);
/* A report's result as JSON (new reference), or on stdout. */
json_t	*cmd_report_json(const struct cmd_reported *r);
void	 cmd_report_print(const struct cmd_reported *r);

/* cmd_stage.c: a staging's result as JSON (new reference). */
json_t	*cmd_stage_json(struct store *st, const struct staging_result *r,
	    const char *file);
/* cmd_check.c: a check's result as JSON (new reference); snapshot NULL:
 * checked against the service at endpoint. */
json_t	*cmd_check_json(int64_t run, const struct checking_result *res,
	    const char *snapshot, const char *endpoint);

/* What the options of CMD_SUBMIT say (and .sa, those of CMD_SERVICE). */
struct submit_args {
	int			yes, dry_run, allow_flagged, over_limit;
	int			batch;
	int64_t			reopen;	/* retry --dry-run: rows it would
					 * send again, not reopened */
	const char		*what;	/* its trail entry: "submit" (NULL)
					 * or "retry" */
	struct service_args	sa;
};
/* Rows committed as 'sending' at a time, without --batch-size. */
#define CMD_SUBMIT_BATCH	8

#define CMD_MAXOPTS	32	/* a command's long options, groups' too */
#define CMD_EXIT	(-2)	/* cmd_getopt(): the command ends at once */

/* What the options of the groups say. */
struct cmd_opts {
	struct staging_opts	 staging;	/* CMD_STAGING's three */
	struct submit_args	 submit;	/* CMD_SUBMIT, CMD_SERVICE */
	int			 exit;		/* after CMD_EXIT */
	struct option		 longopts[CMD_MAXOPTS];	/* all */
};

/*
 * getopt_long() for ce, with o zeroed before the first call: takes -h and
 * the options of ce's groups into o itself and returns the next of ce's own
 * options (optarg set) for the command, or -1 at the first operand. When
 * the command is to end at once (its help printed, or a usage message),
 * returns CMD_EXIT with the exit code in o->exit.
 */
int	cmd_getopt(const struct cmd_entry *ce, int argc, char **argv,
	    struct cmd_opts *o);

/* cmd_submit.c */
#define CMD_SUBMIT_DRY_RUN	1
#define CMD_SUBMIT_SENT		2
/* What a submit did, for its printing. */
struct cmd_submitted {
	int64_t			 run;
	int			 done;		/* CMD_SUBMIT_*, or 0 */
	struct outcome_counts	 counts;	/* the run's, after */
	size_t			 nrows;		/* dry run: to send */
	size_t			 nsending;	/* ... to re-read */
	struct submitting_result res;		/* sent */
	char			 corr[37];	/* its MS-CorrelationId */
};
/*
 * The whole of submit and retry: options, RUN, profile, store, then
 * prepare (if not NULL; returns 0 or an exit code; may count rows into
 * reopen), the submit, and its printing.
 */
int	cmd_submit_main(const struct cmd_entry *ce, int argc, char **argv,
	    int (*prepare)(struct store *, const struct store_runinfo *,
	    struct submit_args *));
/*
 * Sends a checked run's pending rows (or counts them, with --dry-run)
 * into *out, printing only refusals and errors; returns the exit code.
 */
int	cmd_submit_run(struct store *st, struct store_runinfo *ri,
	    const struct profile *pf, const struct submit_args *a,
	    struct cmd_submitted *out);
/* A submit's result as JSON (new reference), or on stdout. */
json_t	*cmd_submit_json(const struct cmd_submitted *s);
void	 cmd_submit_print(const struct cmd_submitted *s);

#endif
