/*
 * cmd_purge.c: importer purge --before DATE: removes the personal data of
 * the runs staged before DATE. What a run was and how it ended stays:
 * its counts, its hashes, each row's outcome, and the audit trail.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "store.h"

static int	cmd_purge_exec(int, char **);

static const struct option cmd_purge_options[] = {
	{ "before", required_argument, NULL, 'b' },
	{ "yes", no_argument, NULL, 'y' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_purge_entry = {
	"purge",
	"purge --before DATE [--yes]",
	"remove the personal data of runs staged before DATE; counts, "
	"hashes stay",
	"  --before DATE    YYYY-MM-DD (UTC): the runs staged before this "
	"day\n"
	"  --yes            do not ask (needed without a terminal)\n",
	0,
	NULL,
	cmd_purge_options,
	cmd_purge_exec
};

/* A real calendar day as YYYY-MM-DD. */
static int
valid_date(const char *s)
{
	struct tm	tm;
	const char	*end;
	char		back[16];

	memset(&tm, 0, sizeof tm);
	if (strlen(s) != 10 || (end = strptime(s, "%Y-%m-%d", &tm)) == NULL ||
	    *end != '\0')
		return 0;
	/* strptime takes 2026-02-31: the day must survive normalizing. */
	tm.tm_isdst = 0;
	if (timegm(&tm) == (time_t)-1)
		return 0;
	strftime(back, sizeof back, "%Y-%m-%d", &tm);
	return strcmp(back, s) == 0;
}

static int
cmd_purge_exec(int argc, char **argv)
{
	struct cmd_opts	 opts;
	struct imp_err	 err;
	struct store	*st = NULL;
	const char	*before = NULL;
	json_t		*o;
	struct tm	 tm;
	time_t		 now;
	char		 q[160], today[16];
	int64_t		 runs = 0, rows = 0;
	int		 c, rc, yes = 0;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	while ((c = cmd_getopt(&cmd_purge_entry, argc, argv, &opts)) != -1) {
		if (c == 'b')
			before = optarg;
		else if (c == 'y')
			yes = 1;
		else
			return opts.exit;
	}
	if (optind != argc)
		return cmd_usage(&cmd_purge_entry, "no arguments expected");
	if (before == NULL)
		return cmd_usage(&cmd_purge_entry, "--before DATE is needed");
	if (!valid_date(before))
		return cmd_usage(&cmd_purge_entry, "'%s' is not a date "
		    "(YYYY-MM-DD)", before);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (strcmp(before, today) > 0)
		return cmd_usage(&cmd_purge_entry, "'%s' is after today (%s, "
		    "UTC): purge removes runs staged before a day that has "
		    "come", before, today);
	if ((st = store_open(imp_opts.db, &err)) == NULL ||
	    store_lock(st, &err) == -1 ||
	    store_purge(st, before, 1, &runs, &rows, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (runs == 0) {
		if (imp_opts.json) {
			o = json_object();
			json_object_set_new(o, "before", json_string(before));
			json_object_set_new(o, "runs", json_integer(0));
			json_object_set_new(o, "rows", json_integer(0));
			cmd_json_print(o);
		} else if (!imp_opts.quiet)
			printf("no runs staged before %s: nothing to purge\n",
			    before);
		rc = IMP_EXIT_OK;
		goto out;
	}
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "importer: not asking without a "
			    "terminal: give --yes to purge %lld runs\n",
			    (long long)runs);
			rc = IMP_EXIT_USAGE;
			goto out;
		}
		snprintf(q, sizeof q, "Remove the personal data of %lld run%s "
		    "(%lld rows) staged before %s?", (long long)runs,
		    runs == 1 ? "" : "s", (long long)rows, before);
		if (!cmd_confirm(q)) {
			fprintf(stderr, "importer: nothing purged\n");
			rc = IMP_EXIT_OK;
			goto out;
		}
	}
	if (store_purge(st, before, 0, &runs, &rows, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	o = json_object();
	json_object_set_new(o, "before", json_string(before));
	json_object_set_new(o, "runs", json_integer(runs));
	json_object_set_new(o, "rows", json_integer(rows));
	if ((rc = cmd_audit(st, "purge", 0, json_deep_copy(o))) != 0) {
		store_rollback(st);
		json_decref(o);
		goto out;
	}
	if (store_purge_commit(st, &err) == -1) {
		json_decref(o);
		rc = cmd_fail(&err);
		goto out;
	}
	if (imp_opts.json)
		cmd_json_print(o);
	else {
		json_decref(o);
		if (!imp_opts.quiet)
			printf("purged %lld run%s staged before %s: %lld rows' "
			    "cells, accounts and planned values removed; "
			    "counts, hashes, outcomes and the audit trail "
			    "kept\n", (long long)runs, runs == 1 ? "" : "s",
			    before, (long long)rows);
	}
	rc = IMP_EXIT_OK;
out:
	store_close(st);
	return rc;
}
