/*
 * cmd_history.c: importer history: the runs in the database, newest first.
 */
#include "config.h"

#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "cmd.h"
#include "colmap.h"
#include "importer.h"
#include "store.h"

static int	cmd_history_exec(int, char **);

static const struct option cmd_history_options[] = {
	{ "customer", required_argument, NULL, 'c' },
	{ "audit", no_argument, NULL, 'a' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_history_entry = {
	"history",
	"history [--customer ID] [--audit [RUN]]",
	"list past runs with their counts, newest first; or one customer's "
	"changes across all runs",
	"  --customer ID   the audit trail of one customer (tenant ID): when, "
	"run,\n"
	"                  row, outcome, field, before -> after, request id\n"
	"  --audit [RUN]   the audit trail (every step: who, when, what, the "
	"hashes),\n"
	"                  of one run or all, and whether its chain of hashes "
	"holds\n"
	"                  (exit 65 where an entry was edited, removed or "
	"inserted)\n",
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

/* The trail read in order: the chain checked on every entry, those of
 * the run asked for (0: all) printed. */
struct trail {
	int64_t			 run;
	int			 n;
	struct audit_chain	 chain;
	json_t			*list;
};

static int
print_audit(const struct audit_entry *e, void *arg)
{
	struct trail	*t = arg;
	json_t		*o;
	int		 bad;

	bad = audit_chain_next(&t->chain, e) == -1;
	if (t->run != 0 && e->run != t->run)
		return 0;
	if (t->list != NULL) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(e->id));
		json_object_set_new(o, "at", json_string(e->at));
		json_object_set_new(o, "who", json_string(e->who));
		json_object_set_new(o, "what", json_string(e->what));
		json_object_set_new(o, "run", e->run != 0 ?
		    json_integer(e->run) : json_null());
		json_object_set_new(o, "input_sha256", e->input_sha256 !=
		    NULL ? json_string(e->input_sha256) : json_null());
		json_object_set_new(o, "plan_hash", e->plan_hash != NULL ?
		    json_string(e->plan_hash) : json_null());
		json_object_set_new(o, "detail", e->detail != NULL ?
		    json_loads(e->detail, 0, NULL) : json_null());
		json_object_set_new(o, "prev", json_string(e->prev));
		json_object_set_new(o, "hash", json_string(e->hash));
		json_object_set_new(o, "holds", json_boolean(!bad));
		json_array_append_new(t->list, o);
		return 0;
	}
	if (t->n++ == 0)
		printf("%5s  %-20s  %-24s  %-8s  %5s  %-16s  %s\n", "entry",
		    "at (UTC)", "who", "what", "run", "plan", "detail");
	printf("%5lld  %-20s  %-24s  %-8s  ", (long long)e->id, e->at, e->who,
	    e->what);
	if (e->run != 0)
		printf("%5lld", (long long)e->run);
	else
		printf("%5s", "-");
	printf("  %-16.16s  %s%s\n", e->plan_hash != NULL ? e->plan_hash : "-",
	    e->detail != NULL ? e->detail : "", bad ? "  << does not hold" :
	    "");
	return 0;
}

/* history --audit [RUN]: 0, or 65 when the chain does not hold. */
static int
history_audit(struct store *st, int64_t run)
{
	struct imp_err	err;
	struct trail	t;
	json_t		*o;

	memset(&err, 0, sizeof err);
	memset(&t, 0, sizeof t);
	audit_chain_init(&t.chain);
	t.run = run;
	if (imp_opts.json)
		t.list = json_array();
	if (store_audit_each(st, 0, print_audit, &t, &err) == -1) {
		json_decref(t.list);
		return cmd_fail(&err);
	}
	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "entries", t.list);
		json_object_set_new(o, "chain_holds",
		    json_boolean(t.chain.broken_id == 0));
		json_object_set_new(o, "chain_entries",
		    json_integer(t.chain.entries));
		if (t.chain.broken_id != 0)
			json_object_set_new(o, "broken_at",
			    json_integer(t.chain.broken_id));
		cmd_json_print(o);
	} else if (t.chain.broken_id == 0 && !imp_opts.quiet)
		printf("the chain holds: %lld entr%s, each carrying the hash "
		    "of the one before\n", (long long)t.chain.entries,
		    t.chain.entries == 1 ? "y" : "ies");
	if (t.chain.broken_id != 0) {
		fprintf(stderr, "importer: %s: the audit trail does not hold "
		    "at entry %lld: %s\n", imp_opts.db,
		    (long long)t.chain.broken_id, t.chain.why);
		return IMP_EXIT_DATAERR;
	}
	return IMP_EXIT_OK;
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
	int64_t		 run = 0;
	int		 c, rc = IMP_EXIT_OK, audit = 0;

	memset(&err, 0, sizeof err);
	memset(&h, 0, sizeof h);
	memset(&opts, 0, sizeof opts);
	while ((c = cmd_getopt(&cmd_history_entry, argc, argv,
	    &opts)) != -1) {
		if (c == 'a')
			audit = 1;
		else if (c == 'c')
			customer = optarg;
		else
			return opts.exit;
	}
	if (audit && customer != NULL)
		return cmd_usage(&cmd_history_entry, "--audit or --customer, "
		    "not both");
	if (audit && (rc = cmd_run_operand(&cmd_history_entry, argc, argv,
	    &run)) != 0)
		return rc;
	if (!audit && optind != argc)
		return cmd_usage(&cmd_history_entry, "no arguments expected");
	if (audit) {
		if (stat(imp_opts.db, &sb) == -1) {
			fprintf(stderr, "importer: %s: no database\n",
			    imp_opts.db);
			return IMP_EXIT_NOINPUT;
		}
		if ((st = store_open(imp_opts.db, &err)) == NULL)
			return cmd_fail(&err);
		rc = history_audit(st, run);
		store_close(st);
		return rc;
	}

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
