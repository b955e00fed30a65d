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

static const struct option cmd_check_options[] = {
	{ "snapshot", required_argument, NULL, 's' },
	{ "validate-addresses", no_argument, NULL, 'A' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_check_entry = {
	"check",
	"check [RUN] [--snapshot FILE.csv | --endpoint URL] "
	"[--validate-addresses]",
	"compare a staged run with the current accounts and save the plan",
	"  --snapshot FILE  a current-accounts CSV (same columns as an update "
	"file):\n"
	"                   check offline, without the service\n"
	"  --validate-addresses  have the service validate each address a "
	"row\n"
	"                   changes (POST /v1/validations/address); one it "
	"rejects\n"
	"                   makes the row invalid, with its reason and "
	"suggestion\n"
	"                   (also [validation] validate_addresses = yes)\n",
	CMD_SERVICE,
	NULL,
	cmd_check_options,
	cmd_check_exec
};

json_t *
cmd_check_json(int64_t run, const struct checking_result *res,
    const char *snapshot, const char *endpoint)
{
	json_t	*o = json_object();

	json_object_set_new(o, "run", json_integer(run));
	cmd_counts_json(o, &res->counts);
	json_object_set_new(o, "plan_hash", json_string(res->plan_hash));
	if (snapshot != NULL) {
		json_object_set_new(o, "snapshot", json_string(snapshot));
		json_object_set_new(o, "snapshot_mtime",
		    json_string(res->snapshot.mtime));
		json_object_set_new(o, "snapshot_accounts",
		    json_integer(res->snapshot.accounts));
	} else
		json_object_set_new(o, "endpoint", json_string(endpoint));
	return o;
}

static int
cmd_check_exec(int argc, char **argv)
{
	struct checking_result	 res;
	struct store_runinfo	 ri;
	struct outcome_counts	 counts;
	struct profile		 pf;
	struct imp_err		 err;
	struct cmd_opts		 opts;
	struct service		 sv;
	struct store		*st = NULL;
	const char		*snapshot = NULL, *source = NULL;
	int64_t			 run;
	int			 c, rc, validate = 0;

	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	memset(&opts, 0, sizeof opts);
	memset(&sv, 0, sizeof sv);
	while ((c = cmd_getopt(&cmd_check_entry, argc, argv, &opts)) != -1) {
		if (c == 'A')
			validate = 1;
		else if (c == 's')
			snapshot = optarg;
		else
			return opts.exit;
	}
	if ((rc = cmd_run_operand(&cmd_check_entry, argc, argv, &run)) != 0)
		return rc;
	if (snapshot != NULL && opts.submit.sa.endpoint != NULL)
		return cmd_usage(&cmd_check_entry, "--snapshot or --endpoint, "
		    "not both");
	if (snapshot != NULL && validate)
		return cmd_usage(&cmd_check_entry, "--validate-addresses asks "
		    "the service: not with --snapshot");

	if (profile_load(&pf, imp_opts.profile, &err) == -1 ||
	    (st = store_open(imp_opts.db, &err)) == NULL ||
	    store_lock(st, &err) == -1 ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (validate)
		pf.validate_addresses = 1;
	if (snapshot != NULL && pf.validate_addresses && !imp_opts.quiet)
		fprintf(stderr, "importer: addresses are not validated "
		    "offline (the profile's validate_addresses needs the "
		    "service)\n");
	if (snapshot != NULL)
		rc = checking_snapshot(st, &ri, snapshot, &pf, &res, &err);
	else if ((rc = service_open(&sv, &opts.submit.sa, &pf, NULL,
	    &err)) == 0) {
		rc = checking_online(st, &ri, sv.client, sv.base, &pf, &res,
		    &err);
		source = sv.base;
	}
	if (rc == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	counts = res.counts;
	/* Its operator is the plan's preparer (store_run_preparer). */
	if ((rc = cmd_audit_counts(st, "check", ri.id, &counts)) != 0)
		goto out;
	if (counts.n[OUTCOME_INVALID] > ri.invalid)
		cmd_print_check_problems(st, ri.id, ri.file);
	if (res.duplicate_accounts > 0 && !imp_opts.quiet)
		fprintf(stderr, "importer: %s: warning: %lld accounts appear "
		    "more than once; the first line of each was used\n",
		    snapshot, (long long)res.duplicate_accounts);
	if (imp_opts.json)
		cmd_json_print(cmd_check_json(ri.id, &res, snapshot, source));
	else if (!imp_opts.quiet) {
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
