/*
 * cmd_submit.c: importer submit [RUN]: sends the changes check planned,
 * after the plan's hash and the profile's limits agree, and after a yes.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "service.h"
#include "store.h"
#include "submitting.h"

static int	cmd_submit_exec(int, char **);

const struct cmd_entry cmd_submit_entry = {
	"submit",
	"submit [RUN] [--yes] [--dry-run] [--allow-flagged] [--batch-size N] "
	"[--concurrency N] [--rate R] [--endpoint URL]",
	"send a checked run's planned changes in batches (resumable)",
	"  --yes            do not ask (needed without a terminal)\n"
	"  --dry-run        say what would be sent; send nothing\n"
	"  --allow-flagged  also send rows that change both the billing email "
	"and the\n"
	"                   address (they need review)\n"
	"  --allow-over-limit  send more changes than the profile's "
	"max_changes or\n"
	"                   max_change_percent allow\n"
	"  --batch-size N   rows committed as 'sending' at a time (default "
	"8)\n"
	CMD_SERVICE_HELP,
	cmd_submit_exec
};

/* Asks on the terminal; nonzero for yes. */
static int
confirm(const char *what)
{
	char	buf[32];

	fprintf(stderr, "%s [y/N] ", what);
	fflush(stderr);
	if (fgets(buf, sizeof buf, stdin) == NULL)
		return 0;
	return buf[0] == 'y' || buf[0] == 'Y';
}


int
cmd_submit_run(struct store *st, struct store_runinfo *ri,
    const struct profile *pf, const struct submit_args *a)
{
	struct submitting_opts	 so;
	struct submitting_result res;
	struct outcome_counts	 c;
	struct service		 sv;
	struct imp_err		 err;
	char			 hash[65], corr[37], q[512];
	int64_t			*rows = NULL;
	size_t			 nrows = 0, nsending = 0;
	json_t			*o;
	int			 rc;

	memset(&err, 0, sizeof err);
	memset(&sv, 0, sizeof sv);
	if (ri->checked_at[0] == '\0') {
		fprintf(stderr, "importer: run %lld is not checked yet: "
		    "'importer check %lld' first\n", (long long)ri->id,
		    (long long)ri->id);
		return IMP_EXIT_USAGE;
	}
	/* Exactly the plan check computed, or nothing. */
	if (store_plan_hash(st, ri, hash, &err) == -1)
		return cmd_fail(&err);
	if (strcmp(hash, ri->plan_hash) != 0) {
		fprintf(stderr, "importer: run %lld: the plan in the database "
		    "is not the one check saved (hash %.16s, saved %.16s); "
		    "check again\n", (long long)ri->id, hash, ri->plan_hash);
		return IMP_EXIT_DATAERR;
	}
	if (store_counts(st, ri, &c, &err) == -1 ||
	    store_submit_list(st, ri, a->allow_flagged, &rows, &nrows,
	    &nsending, &err) == -1)
		return cmd_fail(&err);
	free(rows);
	if (!a->over_limit && ((pf->max_changes >= 0 &&
	    c.changes > pf->max_changes) || (pf->max_change_percent >= 0 &&
	    c.valid > 0 && 100.0 * c.changes / c.valid >
	    pf->max_change_percent))) {
		fprintf(stderr, "importer: run %lld changes %lld accounts (%.1f%% "
		    "of the valid rows), over the profile's limit (max_changes "
		    "%ld, max_change_percent %g); --allow-over-limit sends it "
		    "anyway\n", (long long)ri->id, (long long)c.changes,
		    c.valid > 0 ? 100.0 * c.changes / c.valid : 0.0,
		    pf->max_changes, pf->max_change_percent);
		return IMP_EXIT_USAGE;
	}
	if (a->dry_run) {
		if (imp_opts.json) {
			o = json_object();
			json_object_set_new(o, "run", json_integer(ri->id));
			cmd_counts_json(o, &c);
			json_object_set_new(o, "would_send",
			    json_integer((json_int_t)nrows));
			json_dumpf(o, stdout, JSON_INDENT(2) |
			    JSON_PRESERVE_ORDER);
			fputc('\n', stdout);
			json_decref(o);
		} else
			printf("run %lld: would send %zu row%s (%zu to "
			    "re-read after an interruption); nothing sent\n",
			    (long long)ri->id, nrows, nrows == 1 ? "" : "s",
			    nsending);
		return cmd_counts_exit(&c);
	}
	if (nrows > 0 && !a->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "importer: not asking without a "
			    "terminal: give --yes to send %zu rows\n", nrows);
			return IMP_EXIT_USAGE;
		}
		snprintf(q, sizeof q, "Send %zu change%s of run %lld to the "
		    "service?", nrows, nrows == 1 ? "" : "s",
		    (long long)ri->id);
		if (!confirm(q)) {
			fprintf(stderr, "importer: nothing sent\n");
			return IMP_EXIT_OK;
		}
	}
	if (store_run_submitting(st, ri->id, corr, &err) == -1 ||
	    service_open(&sv, &a->sa, pf, corr, &err) == -1)
		return cmd_fail(&err);

	store_defer_checkpoints(st);
	memset(&so, 0, sizeof so);
	so.allow_flagged = a->allow_flagged;
	so.batch = a->batch > 0 ? a->batch : 8;
	so.merges = 3;
	so.progress = !imp_opts.quiet && isatty(STDERR_FILENO);
	rc = submitting_run(st, ri, sv.client, &so, &res, &err);
	service_close(&sv);
	if (rc == -1)
		return cmd_fail(&err);
	if (store_counts(st, ri, &c, &err) == -1)
		return cmd_fail(&err);
	if (res.stopped)
		fprintf(stderr, "importer: stopped: %s; the rest is kept: "
		    "'importer submit %lld' continues\n", res.why,
		    (long long)ri->id);
	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "run", json_integer(ri->id));
		cmd_counts_json(o, &c);
		json_object_set_new(o, "sent", json_integer(res.stats.sent));
		json_object_set_new(o, "throttled",
		    json_integer(res.stats.throttled));
		json_object_set_new(o, "merged", json_integer(res.merged));
		json_object_set_new(o, "recovered",
		    json_integer(res.recovered));
		json_object_set_new(o, "correlation_id", json_string(corr));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (!imp_opts.quiet) {
		printf("submitted run %lld: %lld rows taken up, %llu requests "
		    "(%llu throttled)\n", (long long)ri->id,
		    (long long)res.rows, (unsigned long long)res.stats.sent,
		    (unsigned long long)res.stats.throttled);
		if (res.recovered > 0 || res.merged > 0 || res.already > 0)
			printf("  %lld re-read after an interruption, %lld "
			    "re-applied over other changes, %lld found "
			    "holding the values already\n",
			    (long long)res.recovered,
			    (long long)res.merged, (long long)res.already);
		cmd_counts_print(&c);
		printf("  MS-CorrelationId %s\n", corr);
	}
	if (res.stopped)
		return res.stopped;
	rc = cmd_counts_exit(&c);
	return rc == IMP_EXIT_OK && c.n[OUTCOME_PENDING] > 0 ? IMP_EXIT_ROWS :
	    rc;
}

int
cmd_submit_opt(const struct cmd_entry *ce, int c, const char *arg,
    struct submit_args *a)
{
	int	rc;

	switch (c) {
	case 1101:
		a->yes = 1;
		return 1;
	case 1102:
		a->dry_run = 1;
		return 1;
	case 1103:
		a->allow_flagged = 1;
		return 1;
	case 1104:
		a->over_limit = 1;
		return 1;
	case 1105:
		a->batch = atoi(arg);
		if (a->batch < 1 || a->batch > 10000)
			return cmd_usage(ce, "--batch-size is 1 to 10000");
		return 1;
	}
	rc = cmd_service_opt(c, arg, &a->sa);
	if (rc == -1)
		return cmd_usage(ce, "bad value '%s'", arg);
	return rc;
}

int
cmd_submit_main(const struct cmd_entry *ce, int argc, char **argv,
    int (*prepare)(struct store *, const struct store_runinfo *,
    const struct submit_args *))
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
	int64_t			 run;
	int			 c, rc;

	memset(&a, 0, sizeof a);
	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(ce);
		rc = cmd_submit_opt(ce, c, optarg, &a);
		if (rc != 1)
			return rc == 0 ? cmd_usage(ce, NULL) : rc;
	}
	if ((rc = cmd_run_operand(ce, argc, argv, &run)) != 0)
		return rc;
	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (prepare == NULL || (rc = prepare(st, &ri, &a)) == 0)
		rc = cmd_submit_run(st, &ri, &pf, &a);
out:
	store_close(st);
	profile_free(&pf);
	return rc;
}

static int
cmd_submit_exec(int argc, char **argv)
{
	return cmd_submit_main(&cmd_submit_entry, argc, argv, NULL);
}
