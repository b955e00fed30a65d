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

const struct cmd_entry cmd_run_entry = {
	"run",
	"run FILE [--snapshot FILE.csv] [--yes] [--dry-run] [--allow-flagged] "
	"[--endpoint URL]",
	"stage, check, submit and report a file in one go (asks before "
	"sending unless --yes)",
	"  --encoding NAME, --delimiter C, --force    as for stage\n"
	"  --snapshot FILE  check against a current-accounts CSV instead of "
	"the service\n"
	"                   (the submit still reads each account before "
	"writing)\n"
	"  --yes, --dry-run, --allow-flagged, --allow-over-limit, "
	"--batch-size N\n"
	"                   as for submit\n"
	CMD_SERVICE_HELP,
	cmd_run_exec
};

static int
cmd_run_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "encoding", required_argument, NULL, 'e' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'F' },
		{ "snapshot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		CMD_SUBMIT_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct staging_opts	 so;
	struct staging_result	 sres;
	struct checking_result	 cres;
	struct submit_args	 a;
	struct store_runinfo	 ri;
	struct outcome_counts	 c;
	struct profile		 pf;
	struct service		 sv;
	struct imp_err		 err;
	struct isodata		*iso = NULL;
	struct store		*st = NULL;
	const char		*snapshot = NULL;
	int			 ch, rc;

	memset(&so, 0, sizeof so);
	memset(&sres, 0, sizeof sres);
	memset(&a, 0, sizeof a);
	memset(&pf, 0, sizeof pf);
	memset(&sv, 0, sizeof sv);
	memset(&err, 0, sizeof err);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			so.encoding = optarg;
			break;
		case 'd':
			if (strcmp(optarg, "tab") == 0)
				so.delimiter = '\t';
			else if (strlen(optarg) == 1 && *optarg != '"')
				so.delimiter = (unsigned char)*optarg;
			else
				return cmd_usage(&cmd_run_entry,
				    "bad delimiter '%s'", optarg);
			break;
		case 'F':
			so.force = 1;
			break;
		case 's':
			snapshot = optarg;
			break;
		case 'h':
			return cmd_help(&cmd_run_entry);
		default:
			rc = cmd_submit_opt(&cmd_run_entry, ch, optarg, &a);
			if (rc != 1)
				return rc == 0 ? cmd_usage(&cmd_run_entry,
				    NULL) : rc;
		}
	}
	if (argc - optind != 1)
		return cmd_usage(&cmd_run_entry, "which file?");
	so.file = argv[optind];

	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (iso = isodata_load(NULL, &err)) == NULL ||
	    (st = store_open(imp_opts.db, &err)) == NULL) {
		rc = cmd_fail(&err);
		goto out;
	}
	so.profile = &pf;
	if (staging_run(st, iso, &so, &sres, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	cmd_print_problems(st, sres.run, so.file, sres.unknown,
	    sres.nunknown);
	if (!imp_opts.quiet && !imp_opts.json)
		printf("staged run %lld from %s: %lld rows, %lld invalid, "
		    "%lld duplicate\n", (long long)sres.run, so.file,
		    (long long)sres.rows, (long long)sres.invalid,
		    (long long)sres.duplicate);
	if (store_run_info(st, sres.run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (snapshot != NULL)
		rc = checking_snapshot(st, &ri, snapshot, &pf, &cres, &err);
	else if ((rc = service_open(&sv, &a.sa, &pf, NULL, &err)) == 0)
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
	rc = cmd_submit_run(st, &ri, &pf, &a);
	/* The report, whatever the submit's end: it says where things are. */
	if (!a.dry_run && rc != IMP_EXIT_USAGE) {
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
