/*
 * cmd_check.c: importer check [RUN]: compares a staged run with the
 * accounts as they are now and saves the plan.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "checking.h"
#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "service.h"
#include "store.h"

static int	cmd_check_exec(int, char **);

const struct cmd_entry cmd_check_entry = {
	"check",
	"check [RUN] [--snapshot FILE.csv | --endpoint URL]",
	"compare a staged run with the current accounts and save the plan",
	"  --snapshot FILE  a current-accounts CSV (same columns as an update "
	"file):\n"
	"                   check offline, without the service\n"
	CMD_SERVICE_HELP,
	cmd_check_exec
};

static int
cmd_check_exec(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "snapshot", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		CMD_SERVICE_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct checking_result	 res;
	struct store_runinfo	 ri;
	struct outcome_counts	 counts;
	struct profile		 pf;
	struct imp_err		 err;
	struct service_args	 sa;
	struct service		 sv;
	struct store		*st = NULL;
	const char		*snapshot = NULL, *source = NULL;
	json_t			*o;
	int64_t			 run;
	int			 c, rc;

	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	memset(&sa, 0, sizeof sa);
	memset(&sv, 0, sizeof sv);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			snapshot = optarg;
			break;
		case 'h':
			return cmd_help(&cmd_check_entry);
		default:
			rc = cmd_service_opt(c, optarg, &sa);
			if (rc == 1)
				break;
			if (rc == -1)
				return cmd_usage(&cmd_check_entry,
				    "bad value '%s'", optarg);
			return cmd_usage(&cmd_check_entry, NULL);
		}
	}
	if ((rc = cmd_run_operand(&cmd_check_entry, argc, argv, &run)) != 0)
		return rc;
	if (snapshot != NULL && sa.endpoint != NULL)
		return cmd_usage(&cmd_check_entry, "--snapshot or --endpoint, "
		    "not both");

	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (snapshot != NULL)
		rc = checking_snapshot(st, &ri, snapshot, &pf, &res, &err);
	else if ((rc = service_open(&sv, &sa, &pf, NULL, &err)) == 0) {
		rc = checking_online(st, &ri, sv.client, sv.base, &res, &err);
		source = sv.base;
	}
	if (rc == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	counts = res.counts;
	if (res.duplicate_accounts > 0 && !imp_opts.quiet)
		fprintf(stderr, "importer: %s: warning: %lld accounts appear "
		    "more than once; the first line of each was used\n",
		    snapshot, (long long)res.duplicate_accounts);
	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "run", json_integer(ri.id));
		cmd_counts_json(o, &counts);
		json_object_set_new(o, "plan_hash",
		    json_string(res.plan_hash));
		if (snapshot != NULL) {
			json_object_set_new(o, "snapshot",
			    json_string(snapshot));
			json_object_set_new(o, "snapshot_mtime",
			    json_string(res.snapshot.mtime));
			json_object_set_new(o, "snapshot_accounts",
			    json_integer(res.snapshot.accounts));
		} else
			json_object_set_new(o, "endpoint", json_string(source));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(o);
	} else if (!imp_opts.quiet) {
		if (snapshot != NULL)
			printf("checked run %lld against %s (%lld accounts, "
			    "file of %s)\n", (long long)ri.id, snapshot,
			    (long long)res.snapshot.accounts,
			    res.snapshot.mtime);
		else
			printf("checked run %lld against %s (%lld accounts "
			    "read)\n", (long long)ri.id, source,
			    (long long)res.checked);
		cmd_counts_print(&counts);
		printf("  plan %.16s saved: 'importer plan' shows it\n",
		    res.plan_hash);
	}
	rc = cmd_counts_exit(&counts);
out:
	service_close(&sv);
	store_close(st);
	profile_free(&pf);
	return rc;
}
