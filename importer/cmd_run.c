/*
 * cmd_run.c: importer run FILE: the monthly job in one go: stage, check,
 * show the plan's counts, ask, submit.
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
	"run FILE [--snapshot FILE.csv] [--yes] [--dry-run] [--allow-flagged] "
	"[--endpoint URL]",
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

static int
cmd_run_exec(int argc, char **argv)
{
	struct cmd_opts		 opts;
	struct staging_result	 sres;
	struct checking_result	 cres;
	struct store_runinfo	 ri;
	struct store_counts	 c;
	struct profile		 pf;
	struct service		 sv;
	struct imp_err		 err;
	struct isodata		*iso = NULL;
	struct store		*st = NULL;
	const char		*snapshot = NULL;
	int			 ch, rc;

	memset(&opts, 0, sizeof opts);
	memset(&sres, 0, sizeof sres);
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
	opts.staging.file = argv[optind];

	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (iso = isodata_load(NULL, &err)) == NULL ||
	    (st = store_open(imp_opts.db, &err)) == NULL) {
		rc = cmd_fail(&err);
		goto out;
	}
	opts.staging.profile = &pf;
	if (staging_run(st, iso, &opts.staging, &sres, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	cmd_print_problems(st, sres.run, opts.staging.file, sres.unknown,
	    sres.nunknown);
	if (!imp_opts.quiet && !imp_opts.json)
		printf("staged run %lld from %s: %lld rows, %lld invalid, "
		    "%lld duplicate\n", (long long)sres.run, opts.staging.file,
		    (long long)sres.rows, (long long)sres.invalid,
		    (long long)sres.duplicate);
	if (store_run_info(st, sres.run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (snapshot != NULL)
		rc = checking_snapshot(st, &ri, snapshot, &pf, &cres, &err);
	else if ((rc = service_open(&sv, &opts.submit.sa, &pf, NULL,
	    &err)) == 0)
		rc = checking_online(st, &ri, sv.client, sv.base, &cres, &err);
	service_close(&sv);
	if (rc == -1 || store_run_info(st, sres.run, &ri, &err) == -1 ||
	    store_counts(st, &ri, &c, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (!imp_opts.quiet && !imp_opts.json) {
		printf("checked against %s\n", snapshot != NULL ? snapshot :
		    ri.check_source);
		cmd_counts_print(&c);
		printf("  'importer plan %lld' shows every change\n",
		    (long long)ri.id);
	}
	rc = cmd_submit_run(st, &ri, &pf, &opts.submit);
	/* The report, whatever the submit's end: it says where things are. */
	if (!opts.submit.dry_run && rc != IMP_EXIT_USAGE) {
		int	rrc;

		rrc = cmd_report_write(st, ri.id, NULL, NULL, 0);
		if (rrc > rc)
			rc = rrc;
	}
out:
	staging_result_free(&sres);
	store_close(st);
	isodata_free(iso);
	profile_free(&pf);
	return rc;
}
