/*
 * cmd_retry.c: importer retry [RUN]: sends again the rows that failed for
 * a reason that may pass (a timeout, throttling, a 5xx, an account that
 * kept changing), each re-read first: so a retry never writes over a
 * change made since.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "service.h"
#include "store.h"

static int	cmd_retry_exec(int, char **);

const struct cmd_entry cmd_retry_entry = {
	"retry",
	"retry [RUN] [--yes] [--endpoint URL]",
	"send again the rows that failed for a retryable reason",
	"  --yes, --dry-run, --allow-flagged, --allow-over-limit, "
	"--batch-size N\n"
	"                   as for submit\n"
	CMD_SERVICE_HELP,
	cmd_retry_exec
};

static int
cmd_retry_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_SUBMIT_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct submit_args	 a;
	struct store_runinfo	 ri;
	struct profile		 pf;
	struct imp_err		 err;
	struct store		*st = NULL;
	int64_t			 run, n;
	int			 c, rc;

	memset(&a, 0, sizeof a);
	memset(&pf, 0, sizeof pf);
	memset(&err, 0, sizeof err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(&cmd_retry_entry);
		rc = cmd_submit_opt(&cmd_retry_entry, c, optarg, &a);
		if (rc != 1)
			return rc == 0 ? cmd_usage(&cmd_retry_entry, NULL) :
			    rc;
	}
	if ((rc = cmd_run_operand(&cmd_retry_entry, argc, argv, &run)) != 0)
		return rc;
	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (a.dry_run)
		n = store_retryable(st, &ri, 0, &err);
	else
		n = store_retryable(st, &ri, 1, &err);
	if (n < 0) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (!imp_opts.quiet && !imp_opts.json)
		printf("run %lld: %lld row%s to retry\n", (long long)ri.id,
		    (long long)n, n == 1 ? "" : "s");
	rc = cmd_submit_run(st, &ri, &pf, &a);
out:
	store_close(st);
	profile_free(&pf);
	return rc;
}
