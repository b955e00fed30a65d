/*
 * cmd.h: the command table. Each cmd_<verb>.c exports one entry; main.c
 * looks commands up by name, and prints help from the same table.
 */
#ifndef IMPORTER_CMD_H
#define IMPORTER_CMD_H

#include <getopt.h>

#include <jansson.h>

#include "importer.h"
#include "profile.h"
#include "service.h"
#include "staging.h"
#include "store.h"

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

/* Prints "importer: <msg>" on stderr and returns err->code (70 if unset). */
int	cmd_fail(const struct imp_err *err);
/* Prints the command's usage line on stderr and returns 64. */
int	cmd_usage(const struct cmd_entry *ce, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* cmd_util.c */
/* Prints a command's help (usage, summary, options) on stdout; returns 0. */
int	cmd_help(const struct cmd_entry *ce);
/* Adds the DESIGN.md counts of a run to a JSON object. */
void	cmd_counts_json(json_t *o, const struct store_counts *c);
/* Prints the counts of a run in one human line. */
void	cmd_counts_print(const struct store_counts *c);
/*
 * The RUN operand left after the options (none: the latest run, 0) into
 * *run. Returns 0, or prints ce's usage and returns 64.
 */
int	cmd_run_operand(const struct cmd_entry *ce, int argc, char **argv,
	    int64_t *run);
/* Prints the unknown columns and the first problems of a staged run (all
 * with -v) on stderr, one line each: FILE:LINE: column: 'value': rule. */
void	cmd_print_problems(struct store *st, int64_t run, const char *file,
	    char *const *unknown, size_t nunknown);
/* The exit code the counts of a run call for (0 or 1). */
int	cmd_counts_exit(const struct store_counts *c);

/* cmd_report.c: writes run's report (and fix-up CSV) to the given paths,
 * or the defaults when NULL; prints; returns the exit code. */
int	cmd_report_write(struct store *st, int64_t run, const char *xlsx,
	    const char *errors_csv, long long sheet_rows);

/* What the options of CMD_SUBMIT say (and .sa, those of CMD_SERVICE). */
struct submit_args {
	int			yes, dry_run, allow_flagged, over_limit;
	int			batch;
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
/*
 * The whole of submit and retry: options, RUN, profile, store, then
 * prepare (if not NULL; returns 0 or an exit code) and the submit.
 */
int	cmd_submit_main(const struct cmd_entry *ce, int argc, char **argv,
	    int (*prepare)(struct store *, const struct store_runinfo *,
	    const struct submit_args *));
/* Sends a checked run's pending rows; prints; returns the exit code. */
int	cmd_submit_run(struct store *st, struct store_runinfo *ri,
	    const struct profile *pf, const struct submit_args *a);

#endif
