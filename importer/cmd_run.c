/*
 * cmd_run.c: importer run FILE: the monthly job in one go: stage, check,
 * show the plan's counts, ask, submit, report. Each step prints its lines
 * as it ends; --json prints one object at the end, with a part a step.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checking.h"
#include "cmd.h"
#include "importer.h"
#include "isodata.h"
#include "profile.h"
#include "service.h"
#include "staging.h"
#include "store.h"

static int	cmd_run_exec(int, char **);

static const struct option cmd_run_options[] = {
	{ "snapshot", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_run_entry = {
	"run",
	"run FILE [--sheet NAME] [--snapshot FILE.csv] [--yes] [--dry-run] "
	"[--allow-flagged] [--endpoint URL]",
	"stage, check, submit and report a file in one go (asks before "
	"sending unless --yes)",
	"  --snapshot FILE  check against a current-accounts CSV instead of "
	"the service\n"
	"                   (the submit still reads each account before "
	"writing)\n",
	CMD_STAGING | CMD_SUBMIT | CMD_SERVICE,
	NULL,
	cmd_run_options,
	cmd_run_exec
};

/* A run's one JSON object: its counts as they stand, and a part a step. */
static void
print_json(struct store *st, const struct outcome_counts *c,
    const struct staging_result *sres, const char *file,
    const struct checking_result *cres, const char *snapshot,
    const char *source, const struct cmd_submitted *sub,
    const struct cmd_reported *rep)
{
	json_t	*o = json_object();

	json_object_set_new(o, "run", json_integer(sres->run));
	cmd_counts_json(o, c);
	json_object_set_new(o, "stage", cmd_stage_json(st, sres, file));
	json_object_set_new(o, "check", cmd_check_json(sres->run, cres,
	    snapshot, source));
	if (sub->done != 0)
		json_object_set_new(o, "submit", cmd_submit_json(sub));
	if (rep->xlsx != NULL)
		json_object_set_new(o, "report", cmd_report_json(rep));
	cmd_json_print(o);
}

static int
cmd_run_exec(int argc, char **argv)
{
	struct cmd_opts		 opts;
	struct staging_result	 sres;
	struct checking_result	 cres;
	struct cmd_submitted	 sub;
	struct cmd_reported	 rep;
	struct store_runinfo	 ri;
	struct outcome_counts	 c;
	struct profile		 pf;
	struct service		 sv;
	struct imp_err		 err;
	struct isodata		*iso = NULL;
	struct store		*st = NULL;
	const char		*snapshot = NULL, *file;
	int			 ch, rc, rrc;

	memset(&opts, 0, sizeof opts);
	memset(&sres, 0, sizeof sres);
	memset(&rep, 0, sizeof rep);
	memset(&pf, 0, sizeof pf);
	memset(&sv, 0, sizeof sv);
	memset(&err, 0, sizeof err);
	while ((ch = cmd_getopt(&cmd_run_entry, argc, argv, &opts)) != -1) {
		if (ch != 's')
			return opts.exit;
		snapshot = optarg;
	}
	if (argc - optind != 1)
		return cmd_usage(&cmd_run_entry, "which file?");
	file = opts.staging.file = argv[optind];

	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (iso = isodata_load(NULL, &err)) == NULL ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_lock(st, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	opts.staging.profile = &pf;
	if (staging_run(st, iso, &opts.staging, &sres, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if ((rc = cmd_audit_staged(st, &sres, file)) != 0)
		goto out;
	cmd_print_problems(st, &sres, file);
	if (!imp_opts.quiet && !imp_opts.json)
	{
		printf("staged run %lld from %s: %lld row%s, %lld invalid, "
		    "%lld duplicate", (long long)sres.run, file,
		    (long long)sres.rows, sres.rows == 1 ? "" : "s",
		    (long long)sres.invalid,
		    (long long)sres.duplicate);
		if (sres.summary > 0)
			printf(", %lld summary row%s skipped (row %lu, '%s')",
			    (long long)sres.summary, sres.summary == 1 ? "" :
			    "s", sres.summary_line, sres.summary_label);
		putchar('\n');
	}
	if (!imp_opts.quiet && !imp_opts.json && sres.encoding_run != 0)
		printf("  read as %s, the encoding of run %lld: the file's "
		    "bytes alone could not tell it for sure\n", sres.encoding,
		    (long long)sres.encoding_run);
	if (store_run_info(st, sres.run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (snapshot != NULL)
		rc = checking_snapshot(st, &ri, snapshot, &pf, &cres, &err);
	else if ((rc = service_open(&sv, &opts.submit.sa, &pf, NULL,
	    &err)) == 0)
		rc = checking_online(st, &ri, sv.client, sv.base, &pf, &cres,
		    &err);
	service_close(&sv);
	if (rc == -1 || store_run_info(st, sres.run, &ri, &err) == -1 ||
	    store_counts(st, &ri, &c, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	/* Whoever runs run prepares its plan. */
	if ((rc = cmd_audit_counts(st, "check", ri.id, &c)) != 0)
		goto out;
	if (c.n[OUTCOME_INVALID] > ri.invalid)
		cmd_print_check_problems(st, ri.id, file);
	/* The plan's counts before the question. */
	if (!imp_opts.quiet && !imp_opts.json) {
		printf("checked against %s\n", snapshot != NULL ? snapshot :
		    ri.check_source);
		cmd_counts_print(&c);
		printf("  'importer plan %lld' shows every change\n",
		    (long long)ri.id);
	}
	rc = cmd_submit_run(st, &ri, &pf, &opts.submit, &sub);
	if (sub.done != 0 && !imp_opts.json)
		cmd_submit_print(&sub);
	/* The report, whatever the submit's end: it says where things are. */
	if (!opts.submit.dry_run && rc != IMP_EXIT_USAGE) {
		rrc = cmd_report_write(st, ri.id, NULL, NULL, 0, &rep);
		if (rep.xlsx != NULL && !imp_opts.quiet && !imp_opts.json)
			cmd_report_print(&rep);
		if (rrc > rc)
			rc = rrc;
	}
	if (imp_opts.json)
		print_json(st, sub.done != 0 ? &sub.counts : &c, &sres, file,
		    &cres, snapshot, ri.check_source, &sub, &rep);
out:
	cmd_reported_free(&rep);
	staging_result_free(&sres);
	store_close(st);
	isodata_free(iso);
	profile_free(&pf);
	return rc;
}
