/*
 * cmd_submit.c: importer submit [RUN]: sends the changes check planned,
 * after the plan's hash and the profile's limits agree, and after a yes.
 */
#include "config.h"

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
	"",
	CMD_SUBMIT | CMD_SERVICE,
	NULL,
	NULL,
	cmd_submit_exec
};


int
cmd_submit_run(struct store *st, struct store_runinfo *ri,
    const struct profile *pf, const struct submit_args *a,
    struct cmd_submitted *out)
{
	struct submitting_opts	 so;
	struct outcome_counts	*c = &out->counts;
	struct service		 sv;
	struct imp_err		 err;
	char			 hash[65], q[512];
	int64_t			*rows = NULL;
	size_t			 nrows = 0, nsending = 0;
	int			 rc;

	memset(out, 0, sizeof *out);
	memset(&err, 0, sizeof err);
	memset(&sv, 0, sizeof sv);
	out->run = ri->id;
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
	if (store_counts(st, ri, c, &err) == -1 ||
	    store_submit_list(st, ri, a->allow_flagged, &rows, &nrows,
	    &nsending, &err) == -1)
		return cmd_fail(&err);
	free(rows);
	if (!a->over_limit && ((pf->max_changes >= 0 &&
	    c->changes > pf->max_changes) || (pf->max_change_percent >= 0 &&
	    c->valid > 0 && 100.0 * c->changes / c->valid >
	    pf->max_change_percent))) {
		fprintf(stderr, "importer: run %lld changes %lld accounts (%.1f%% "
		    "of the valid rows), over the profile's limit (max_changes "
		    "%ld, max_change_percent %g); --allow-over-limit sends it "
		    "anyway\n", (long long)ri->id, (long long)c->changes,
		    c->valid > 0 ? 100.0 * c->changes / c->valid : 0.0,
		    pf->max_changes, pf->max_change_percent);
		return IMP_EXIT_USAGE;
	}
	if (a->dry_run) {
		/* Rows retry would reopen are sent again, re-read first. */
		out->done = CMD_SUBMIT_DRY_RUN;
		out->nrows = nrows + (size_t)a->reopen;
		out->nsending = nsending + (size_t)a->reopen;
		return cmd_counts_exit(c);
	}
	/* Four eyes, where the profile asks for them: before the question. */
	if ((rc = cmd_approval_gate(st, ri, pf, c)) != 0)
		return rc;
	if (nrows > 0 && !a->yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "importer: not asking without a "
			    "terminal: give --yes to send %zu rows\n", nrows);
			return IMP_EXIT_USAGE;
		}
		snprintf(q, sizeof q, "Send %zu change%s of run %lld to the "
		    "service?", nrows, nrows == 1 ? "" : "s",
		    (long long)ri->id);
		if (!cmd_confirm(q)) {
			fprintf(stderr, "importer: nothing sent\n");
			return IMP_EXIT_OK;
		}
	}
	if (store_run_submitting(st, ri->id, out->corr, &err) == -1 ||
	    service_open(&sv, &a->sa, pf, out->corr, &err) == -1)
		return cmd_fail(&err);

	store_defer_checkpoints(st);
	memset(&so, 0, sizeof so);
	so.allow_flagged = a->allow_flagged;
	so.batch = a->batch > 0 ? a->batch : CMD_SUBMIT_BATCH;
	so.merges = 3;
	so.progress = !imp_opts.quiet && isatty(STDERR_FILENO);
	rc = submitting_run(st, ri, sv.client, &so, &out->res, &err);
	service_close(&sv);
	if (rc == -1)
		return cmd_fail(&err);
	if (store_counts(st, ri, c, &err) == -1)
		return cmd_fail(&err);
	out->done = CMD_SUBMIT_SENT;
	if ((rc = cmd_audit(st, a->what != NULL ? a->what : "submit", ri->id,
	    cmd_submit_json(out))) != 0)
		return rc;
	/* Cells the service refused, as stage and check name theirs. */
	if (out->res.settled.n[OUTCOME_FAILED] > 0)
		cmd_print_submit_problems(st, ri->id, ri->file);
	if (out->res.stopped) {
		fprintf(stderr, "importer: stopped: %s; the rest is kept: "
		    "'importer submit %lld' continues\n", out->res.why,
		    (long long)ri->id);
		return out->res.stopped;
	}
	rc = cmd_counts_exit(c);
	return rc == IMP_EXIT_OK && c->n[OUTCOME_PENDING] > 0 ? IMP_EXIT_ROWS :
	    rc;
}

json_t *
cmd_submit_json(const struct cmd_submitted *s)
{
	json_t	*o = json_object();

	json_object_set_new(o, "run", json_integer(s->run));
	cmd_counts_json(o, &s->counts);
	if (s->done == CMD_SUBMIT_DRY_RUN) {
		json_object_set_new(o, "would_send",
		    json_integer((json_int_t)s->nrows));
		return o;
	}
	json_object_set_new(o, "sent", json_integer(s->res.stats.sent));
	json_object_set_new(o, "throttled",
	    json_integer(s->res.stats.throttled));
	json_object_set_new(o, "merged", json_integer(s->res.merged));
	json_object_set_new(o, "recovered", json_integer(s->res.recovered));
	json_object_set_new(o, "correlation_id", json_string(s->corr));
	return o;
}

void
cmd_submit_print(const struct cmd_submitted *s)
{
	const struct submitting_result	*res = &s->res;

	/* The answer to --dry-run is what was asked for, even with -q. */
	if (s->done == CMD_SUBMIT_DRY_RUN) {
		printf("run %lld: would send %zu row%s (%zu to re-read "
		    "first); nothing sent\n", (long long)s->run, s->nrows,
		    s->nrows == 1 ? "" : "s", s->nsending);
		return;
	}
	if (imp_opts.quiet)
		return;
	printf("submitted run %lld: %lld row%s taken up, %llu request%s "
	    "(%llu throttled)\n", (long long)s->run, (long long)res->rows,
	    res->rows == 1 ? "" : "s", (unsigned long long)res->stats.sent,
	    res->stats.sent == 1 ? "" : "s",
	    (unsigned long long)res->stats.throttled);
	if (res->recovered > 0 || res->merged > 0 || res->already > 0)
		printf("  %lld re-read after an interruption, %lld re-applied "
		    "over other changes, %lld found holding the values "
		    "already\n", (long long)res->recovered,
		    (long long)res->merged, (long long)res->already);
	cmd_counts_print(&s->counts);
	printf("  MS-CorrelationId %s\n", s->corr);
}

int
cmd_submit_main(const struct cmd_entry *ce, int argc, char **argv,
    int (*prepare)(struct store *, const struct store_runinfo *,
    struct submit_args *))
{
	struct cmd_opts		 opts;
	struct cmd_submitted	 sub;
	struct store_runinfo	 ri;
	struct profile		 pf;
	struct imp_err		 err;
	struct store		*st = NULL;
	int64_t			 run;
	int			 rc;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	/* No options of its own: any answer but -1 ends it. */
	if (cmd_getopt(ce, argc, argv, &opts) != -1)
		return opts.exit;
	if ((rc = cmd_run_operand(ce, argc, argv, &run)) != 0)
		return rc;
	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    (!opts.submit.dry_run && store_lock(st, &err) == -1) ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	opts.submit.what = ce->name;
	/* retry reopens rows: not before an approval would let them go. */
	if (prepare != NULL && !opts.submit.dry_run) {
		struct outcome_counts	c;

		if (store_counts(st, &ri, &c, &err) == -1) {
			rc = cmd_fail(&err);
			goto out;
		}
		if ((rc = cmd_approval_gate(st, &ri, &pf, &c)) != 0)
			goto out;
	}
	if (prepare != NULL && (rc = prepare(st, &ri, &opts.submit)) != 0)
		goto out;
	rc = cmd_submit_run(st, &ri, &pf, &opts.submit, &sub);
	if (sub.done != 0 && imp_opts.json)
		cmd_json_print(cmd_submit_json(&sub));
	else if (sub.done != 0)
		cmd_submit_print(&sub);
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
