/*
 * cmd_history.c: importer history: the runs in the database, newest first.
 */
#include "config.h"

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "colmap.h"
#include "importer.h"
#include "store.h"

static int	cmd_history_exec(int, char **);

static const struct option cmd_history_options[] = {
	{ "customer", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_history_entry = {
	"history",
	"history [--customer ID]",
	"list past runs with their counts, newest first; or one customer's "
	"changes across all runs",
	"  --customer ID   the audit trail of one customer (tenant ID): when, "
	"run,\n"
	"                  row, outcome, field, before -> after, request id\n",
	0,
	NULL,
	cmd_history_options,
	cmd_history_exec
};

struct history {
	struct store	*st;
	json_t		*list;
	int		 n;
	struct imp_err	*err;
};

static int
add_json(const struct store_run *r, void *arg)
{
	struct history		*h = arg;
	struct outcome_counts	 oc;
	json_t			*o = json_object();

	json_object_set_new(o, "run", json_integer(r->id));
	json_object_set_new(o, "file", json_string(r->file));
	json_object_set_new(o, "staged_at", json_string(r->staged_at));
	json_object_set_new(o, "sha256", json_string(r->sha256));
	json_object_set_new(o, "encoding", json_string(r->encoding));
	json_object_set_new(o, "delimiter", json_string(r->delimiter));
	json_array_append_new(h->list, o);
	if (store_run_counts(h->st, r->id, &oc, h->err) == -1)
		return -1;
	/* The counts as every other command's --json has them. */
	cmd_counts_json(o, &oc);
	return 0;
}

static int
print_run(const struct store_run *r, void *arg)
{
	struct history		*h = arg;
	struct outcome_counts	 oc;

	if (store_run_counts(h->st, r->id, &oc, h->err) == -1)
		return -1;
	if (h->n++ == 0)
		printf("%5s  %-20s  %8s %8s %8s %9s %9s %9s %8s %7s %8s "
		    "%8s  %s\n", "run", "staged", "rows", "valid", "invalid",
		    "duplicate", "unchanged", "not_found", "applied", "failed",
		    "conflict", "pending", "file");
	printf("%5lld  %-20s  %8lld %8lld %8lld %9lld %9lld %9lld %8lld %7lld "
	    "%8lld %8lld  %s\n", (long long)r->id, r->staged_at,
	    (long long)r->rows, (long long)r->valid, (long long)r->invalid,
	    (long long)r->duplicate, (long long)oc.n[OUTCOME_UNCHANGED],
	    (long long)oc.n[OUTCOME_NOT_FOUND],
	    (long long)oc.n[OUTCOME_APPLIED],
	    (long long)oc.n[OUTCOME_FAILED], (long long)oc.n[OUTCOME_CONFLICT],
	    (long long)oc.n[OUTCOME_PENDING], r->file);
	return 0;
}

/* One line of history --customer. */
static int
print_trail(const struct store_trail *t, void *arg)
{
	struct history	*h = arg;
	json_t		*o;

	if (h->list != NULL) {
		o = json_object();
		json_object_set_new(o, "when", json_string(t->when));
		json_object_set_new(o, "run", json_integer(t->run));
		json_object_set_new(o, "file", json_string(t->file));
		json_object_set_new(o, "line", json_integer(t->line));
		json_object_set_new(o, "outcome",
		    json_string(outcome_name(t->state)));
		json_object_set_new(o, "field", t->col >= 0 ?
		    json_string(colmap_name(t->col)) : json_null());
		json_object_set_new(o, "old", t->old != NULL ?
		    json_string(t->old) : json_null());
		json_object_set_new(o, "new", t->new != NULL ?
		    json_string(t->new) : json_null());
		json_object_set_new(o, "request_id", t->request_id != NULL ?
		    json_string(t->request_id) : json_null());
		json_array_append_new(h->list, o);
		return 0;
	}
	if (h->n++ == 0)
		printf("%-20s  %5s  %6s  %-9s  %-16s  %s\n", "when", "run",
		    "row", "outcome", "field", "before -> after  [request id]");
	printf("%-20s  %5lld  %6lu  %-9s  %-16s", t->when, (long long)t->run,
	    t->line, outcome_name(t->state),
	    t->col >= 0 ? colmap_name(t->col) : "-");
	if (t->col >= 0)
		printf("  %s -> %s", t->old != NULL && *t->old ? t->old :
		    "(empty)", t->new != NULL && *t->new ? t->new :
		    "(cleared)");
	if (t->request_id != NULL)
		printf("  [%s]", t->request_id);
	printf("\n");
	return 0;
}

static int
cmd_history_exec(int argc, char **argv)
{
	struct cmd_opts	 opts;
	struct imp_err	 err;
	struct history	 h;
	struct store	*st = NULL;
	struct stat	 sb;
	const char	*customer = NULL;
	json_t		*list;
	int		 c, rc = IMP_EXIT_OK;

	memset(&err, 0, sizeof err);
	memset(&h, 0, sizeof h);
	memset(&opts, 0, sizeof opts);
	while ((c = cmd_getopt(&cmd_history_entry, argc, argv,
	    &opts)) != -1) {
		if (c != 'c')
			return opts.exit;
		customer = optarg;
	}
	if (optind != argc)
		return cmd_usage(&cmd_history_entry, "no arguments expected");

	list = json_array();
	/* No database yet is an empty history, not a new file. */
	if (stat(imp_opts.db, &sb) == 0) {
		if ((st = store_open(imp_opts.db, &err)) == NULL) {
			rc = cmd_fail(&err);
			goto out;
		}
		h.st = st;
		h.err = &err;
		h.list = imp_opts.json ? list : NULL;
		if (customer != NULL)
			rc = store_customer_trail(st, customer, print_trail,
			    &h, &err);
		else
			rc = store_run_each(st, imp_opts.json ? add_json :
			    print_run, &h, &err);
		if (rc == -1 || err.msg[0] != '\0') {
			rc = cmd_fail(&err);
			goto out;
		}
	}
	if (imp_opts.json) {
		cmd_json_print(list);
		list = NULL;
	} else if (h.n == 0 && !imp_opts.quiet && customer != NULL)
		printf("no rows for customer %s in %s\n", customer,
		    imp_opts.db);
	else if (h.n == 0 && !imp_opts.quiet)
		printf("no runs in %s\n", imp_opts.db);
out:
	json_decref(list);
	store_close(st);
	return rc;
}
