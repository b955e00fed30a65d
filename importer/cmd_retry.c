/*
 * cmd_retry.c: importer retry [RUN]: sends again the rows that failed for
 * a reason that may pass (a timeout, throttling, a 5xx, an account that
 * kept changing), each re-read first: so a retry never writes over a
 * change made since.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "importer.h"
#include "store.h"

static int	cmd_retry_exec(int, char **);

const struct cmd_entry cmd_retry_entry = {
	"retry",
	"retry [RUN] [--yes] [--endpoint URL]",
	"send again the rows that failed for a retryable reason",
	"",
	CMD_SUBMIT | CMD_SERVICE,
	NULL,
	NULL,
	cmd_retry_exec
};

/* Reopens the retryable rows (counts them, with --dry-run) and says so. */
static int
reopen(struct store *st, const struct store_runinfo *ri,
    struct submit_args *a)
{
	struct imp_err	err;
	int64_t		n;

	memset(&err, 0, sizeof err);
	n = store_retryable(st, ri, !a->dry_run, &err);
	if (n < 0)
		return cmd_fail(&err);
	if (a->dry_run)
		a->reopen = n;
	if (!imp_opts.quiet && !imp_opts.json)
		printf("run %lld: %lld row%s to retry\n", (long long)ri->id,
		    (long long)n, n == 1 ? "" : "s");
	return 0;
}

static int
cmd_retry_exec(int argc, char **argv)
{
	return cmd_submit_main(&cmd_retry_entry, argc, argv, reopen);
}
