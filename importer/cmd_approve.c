/*
 * cmd_approve.c: importer approve [RUN]: a second person approves a
 * checked plan. The approval binds to the plan's hash: a new check makes
 * a new plan and voids it. Its preparer (who ran check) cannot approve
 * their own plan.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "store.h"

static int	cmd_approve_exec(int, char **);

static const struct option cmd_approve_options[] = {
	{ "as", required_argument, NULL, 'a' },
	{ "note", required_argument, NULL, 'n' },
	{ "yes", no_argument, NULL, 'y' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_approve_entry = {
	"approve",
	"approve [RUN] [--as NAME] [--note TEXT] [--yes]",
	"approve a checked plan as a second person (bound to its hash)",
	"  --as NAME        the approver (default: the operator: "
	"$IMPORTER_USER,\n"
	"                   the profile's [user] name, else login@host)\n"
	"  --note TEXT      kept with the approval (a ticket, a reason)\n"
	"  --yes            do not ask (needed without a terminal)\n",
	0,
	NULL,
	cmd_approve_options,
	cmd_approve_exec
};

#define APPROVE_LARGEST	5	/* the largest changes shown */

/* The rows that change the most fields, for the summary. */
struct largest {
	struct {
		int64_t		row;
		unsigned long	line;
		char		customer[64];
		char		company[64];
		int		fields;
	} top[APPROVE_LARGEST + 1], cur;
	int	n;
};

static void
largest_push(struct largest *l)
{
	int	i;

	if (l->cur.fields == 0)
		return;
	for (i = l->n; i > 0 && l->top[i - 1].fields < l->cur.fields; i--)
		l->top[i] = l->top[i - 1];
	l->top[i] = l->cur;
	if (l->n < APPROVE_LARGEST)
		l->n++;
	l->cur.fields = 0;
}

static int
largest_add(const struct store_change *ch, void *arg)
{
	struct largest	*l = arg;

	if (ch->row != l->cur.row)
		largest_push(l);
	if (l->cur.fields == 0) {
		l->cur.row = ch->row;
		l->cur.line = ch->line;
		snprintf(l->cur.customer, sizeof l->cur.customer, "%s",
		    ch->customer_id != NULL ? ch->customer_id : "");
		snprintf(l->cur.company, sizeof l->cur.company, "%s",
		    ch->company != NULL ? ch->company : "");
	}
	l->cur.fields++;
	return 0;
}

static void
print_summary(const struct store_runinfo *ri, const struct outcome_counts *c,
    const struct largest *l, const char *preparer)
{
	int	i;

	printf("run %lld: %s, checked %s by %s\n", (long long)ri->id,
	    ri->file, ri->checked_at, preparer[0] != '\0' ? preparer :
	    "(not recorded)");
	cmd_counts_print(c);
	if (c->review == 0)
		printf("  no rows flagged for review\n");
	if (l->n > 0)
		printf("  the largest changes:\n");
	for (i = 0; i < l->n; i++)
		printf("    row %lu, customer %s%s%s%s: %d field%s\n",
		    l->top[i].line, l->top[i].customer,
		    l->top[i].company[0] != '\0' ? " (" : "", l->top[i].company,
		    l->top[i].company[0] != '\0' ? ")" : "", l->top[i].fields,
		    l->top[i].fields == 1 ? "" : "s");
	printf("  plan hash %s\n", ri->plan_hash);
}

static int
cmd_approve_exec(int argc, char **argv)
{
	struct cmd_opts		 opts;
	struct store_runinfo	 ri;
	struct outcome_counts	 c;
	struct largest		 l;
	struct imp_err		 err;
	struct store		*st = NULL;
	const char		*note = NULL, *who;
	json_t			*o;
	char			 hash[65], preparer[320], q[160];
	int64_t			 run;
	int			 ch, rc, yes = 0;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	memset(&l, 0, sizeof l);
	while ((ch = cmd_getopt(&cmd_approve_entry, argc, argv, &opts)) != -1) {
		if (ch == 'a' && *optarg != '\0')
			imp_opts.as = optarg;
		else if (ch == 'a')
			return cmd_usage(&cmd_approve_entry, "--as needs a "
			    "name");
		else if (ch == 'n')
			note = optarg;
		else if (ch == 'y')
			yes = 1;
		else
			return opts.exit;
	}
	if ((rc = cmd_run_operand(&cmd_approve_entry, argc, argv, &run)) != 0)
		return rc;
	if ((st = store_open(imp_opts.db, &err)) == NULL ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (ri.checked_at[0] == '\0') {
		fprintf(stderr, "importer: run %lld is not checked yet: "
		    "'importer check %lld' first; an approval is of a plan\n",
		    (long long)ri.id, (long long)ri.id);
		rc = IMP_EXIT_USAGE;
		goto out;
	}
	/* What is approved is the plan in the database: it must be the one
	 * check saved. */
	if (store_plan_hash(st, &ri, hash, &err) == -1 ||
	    store_counts(st, &ri, &c, &err) == -1 ||
	    store_run_preparer(st, ri.id, preparer, sizeof preparer,
	    &err) == -1 ||
	    store_changes_each(st, &ri, largest_add, &l, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	largest_push(&l);
	if (strcmp(hash, ri.plan_hash) != 0) {
		fprintf(stderr, "importer: run %lld: the plan in the database "
		    "is not the one check saved (hash %.16s, saved %.16s); "
		    "check again\n", (long long)ri.id, hash, ri.plan_hash);
		rc = IMP_EXIT_DATAERR;
		goto out;
	}
	who = cmd_operator();
	if (preparer[0] == '\0') {
		fprintf(stderr, "importer: run %lld: the trail does not say who "
		    "prepared plan %.16s: 'importer check' it again, then "
		    "approve it\n", (long long)ri.id, ri.plan_hash);
		rc = IMP_EXIT_NOPERM;
		goto out;
	}
	if (cmd_same_person(who, preparer)) {
		fprintf(stderr, "importer: run %lld: %s prepared this plan (ran "
		    "check) and cannot approve it: the approval is a second "
		    "person's\n", (long long)ri.id, who);
		rc = IMP_EXIT_NOPERM;
		goto out;
	}
	if (!imp_opts.quiet && !imp_opts.json)
		print_summary(&ri, &c, &l, preparer);
	if (!yes) {
		if (!isatty(STDIN_FILENO)) {
			fprintf(stderr, "importer: not asking without a "
			    "terminal: give --yes to approve plan %.16s\n",
			    ri.plan_hash);
			rc = IMP_EXIT_USAGE;
			goto out;
		}
		snprintf(q, sizeof q, "Approve plan %.16s of run %lld as %s?",
		    ri.plan_hash, (long long)ri.id, who);
		if (!cmd_confirm(q)) {
			fprintf(stderr, "importer: not approved\n");
			rc = IMP_EXIT_OK;
			goto out;
		}
	}
	/* The approval and its trail entry: both or neither. */
	if (store_begin(st, &err) == -1 || store_approval_add(st, ri.id, who,
	    note, ri.plan_hash, &err) == -1) {
		store_rollback(st);
		rc = cmd_fail(&err);
		goto out;
	}
	o = json_object();
	cmd_counts_json(o, &c);
	if (note != NULL)
		json_object_set_new(o, "note", json_string(note));
	json_object_set_new(o, "preparer", json_string(preparer));
	if ((rc = cmd_audit(st, "approve", ri.id, o)) != 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "run", json_integer(ri.id));
		json_object_set_new(o, "approver", json_string(who));
		json_object_set_new(o, "preparer", json_string(preparer));
		json_object_set_new(o, "plan_hash", json_string(ri.plan_hash));
		json_object_set_new(o, "note", note != NULL ?
		    json_string(note) : json_null());
		cmd_counts_json(o, &c);
		cmd_json_print(o);
	} else if (!imp_opts.quiet)
		printf("approved run %lld as %s: plan %.16s\n",
		    (long long)ri.id, who, ri.plan_hash);
	rc = IMP_EXIT_OK;
out:
	store_close(st);
	return rc;
}
