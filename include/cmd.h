/*
 * cmd.h: the command table. Each cmd_<verb>.c exports one entry; main.c
 * looks commands up by name, and prints help from the same table.
 */
#ifndef IMPORTER_CMD_H
#define IMPORTER_CMD_H

#include <jansson.h>

#include "importer.h"
#include "profile.h"
#include "service.h"
#include "store.h"

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "stage FILE [--encoding NAME] ..." */
	const char	*summary;	/* one line for the command list */
	const char	*help;		/* the options, one per line */
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
void	cmd_counts_json(json_t *o, const struct outcome_counts *c);
/* Prints the counts of a run in one human line. */
void	cmd_counts_print(const struct outcome_counts *c);
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
int	cmd_counts_exit(const struct outcome_counts *c);

/* The options every command that talks to the service takes. */
#define CMD_SERVICE_OPTIONS \
	{ "endpoint", required_argument, NULL, 1001 }, \
	{ "token-file", required_argument, NULL, 1002 }, \
	{ "cacert", required_argument, NULL, 1003 }, \
	{ "allow-http", no_argument, NULL, 1004 }, \
	{ "concurrency", required_argument, NULL, 1005 }, \
	{ "rate", required_argument, NULL, 1006 }, \
	{ "retries", required_argument, NULL, 1007 }, \
	{ "timeout", required_argument, NULL, 1008 }
#define CMD_SERVICE_HELP \
	"  --endpoint URL   the account service's API base (or " \
	"IMPORTER_ENDPOINT,\n" \
	"                   or the profile's [service] endpoint or cloud)\n" \
	"  --token-file F   read the bearer token from F (or IMPORTER_TOKEN, " \
	"or the\n" \
	"                   profile's token_command or client credentials)\n" \
	"  --cacert FILE    trust this CA (a private CA); TLS is always " \
	"verified\n" \
	"  --allow-http     allow plain http to a host other than this " \
	"machine\n" \
	"  --concurrency N  requests at once (default 8)\n" \
	"  --rate R         requests a second (default: the service's " \
	"documented\n" \
	"                   limit for the real clouds, none for others)\n" \
	"  --retries N      retries of a request (default 4)\n" \
	"  --timeout S      seconds a request may take (default 60)\n"
/* Handles an option of CMD_SERVICE_OPTIONS: 1 taken, 0 not one, -1 bad. */
int	cmd_service_opt(int c, const char *arg, struct service_args *sa);

/* cmd_report.c: writes run's report (and fix-up CSV) to the given paths,
 * or the defaults when NULL; prints; returns the exit code. */
int	cmd_report_write(struct store *st, int64_t run, const char *xlsx,
	    const char *errors_csv, long long sheet_rows);

/* cmd_submit.c: what submit, run and retry share. */
struct submit_args {
	int			yes, dry_run, allow_flagged, over_limit;
	int			batch;
	struct service_args	sa;
};
/* The options of submit that run and retry take too (with the service's). */
#define CMD_SUBMIT_OPTIONS \
	{ "yes", no_argument, NULL, 1101 }, \
	{ "dry-run", no_argument, NULL, 1102 }, \
	{ "allow-flagged", no_argument, NULL, 1103 }, \
	{ "allow-over-limit", no_argument, NULL, 1104 }, \
	{ "batch-size", required_argument, NULL, 1105 }, \
	CMD_SERVICE_OPTIONS
/*
 * Handles an option of CMD_SUBMIT_OPTIONS (for ce's messages): 1 taken,
 * 0 not one of them, or an exit code (64) after printing the usage.
 */
int	cmd_submit_opt(const struct cmd_entry *ce, int c, const char *arg,
	    struct submit_args *a);
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
