/*
 * cmd_plan.c: importer plan [RUN]: what a checked run would change, field
 * by field, grouped by customer. Sends nothing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "importer.h"
#include "plan.h"
#include "store.h"

static int	cmd_plan_exec(int, char **);

const struct cmd_entry cmd_plan_entry = {
	"plan",
	"plan [RUN]",
	"show what a checked run would change, field by field (old -> new)",
	"",
	0,
	NULL,
	NULL,
	cmd_plan_exec
};

struct plan_print {
	int64_t	 row;		/* the row being printed */
	json_t	*list;		/* --json: one object per row */
	json_t	*fields;
	json_t	*invalid;	/* --json: the problems check found */
	long	 ninvalid;
};

static const char *
shown(const char *v)
{
	return v == NULL || *v == '\0' ? "(empty)" : v;
}

static int
print_change(const struct store_change *c, void *arg)
{
	struct plan_print	*pp = arg;
	json_t			*o, *f;

	if (pp->list != NULL) {
		if (c->row != pp->row) {
			o = json_object();
			json_object_set_new(o, "line", json_integer(c->line));
			json_object_set_new(o, "customer_id",
			    json_string(c->customer_id));
			json_object_set_new(o, "company", c->company != NULL ?
			    json_string(c->company) : json_null());
			json_object_set_new(o, "review",
			    json_boolean(c->review));
			if (c->why != NULL)
				json_object_set_new(o, "review_reason",
				    json_string(c->why));
			pp->fields = json_array();
			json_object_set_new(o, "changes", pp->fields);
			json_array_append_new(pp->list, o);
			pp->row = c->row;
		}
		f = json_object();
		json_object_set_new(f, "field",
		    json_string(plan_field_name(c->col)));
		json_object_set_new(f, "old", c->old != NULL ?
		    json_string(c->old) : json_null());
		json_object_set_new(f, "new", json_string(c->new));
		if (plan_field_note(c->col) != NULL)
			json_object_set_new(f, "note",
			    json_string(plan_field_note(c->col)));
		json_array_append_new(pp->fields, f);
		return 0;
	}
	if (c->row != pp->row) {
		printf("\n%s  row %lu%s%s%s\n", c->customer_id, c->line,
		    c->company != NULL ? "  " : "",
		    c->company != NULL ? c->company : "",
		    c->review ? "  [needs review]" : "");
		if (c->why != NULL)
			printf("    (%s)\n", c->why);
		pp->row = c->row;
	}
	printf("    %-28s %s -> %s\n", plan_field_name(c->col), shown(c->old),
	    *c->new == '\0' ? "(cleared)" : c->new);
	if (plan_field_note(c->col) != NULL)
		printf("      (%s)\n", plan_field_note(c->col));
	return 0;
}

/* An address the service rejected at check: the row is invalid and never
 * sent; its suggestion is the hint. */
static int
print_invalid(const struct store_problem_line *p, void *arg)
{
	struct plan_print	*pp = arg;
	json_t			*o;

	if (strcmp(p->rule, PLAN_RULE_ADDRESS) != 0)
		return 0;
	if (pp->list != NULL) {
		o = json_object();
		json_object_set_new(o, "line", json_integer(p->line));
		json_object_set_new(o, "customer_id", p->customer_id != NULL ?
		    json_string(p->customer_id) : json_null());
		json_object_set_new(o, "column", p->column != NULL ?
		    json_string(p->column) : json_null());
		json_object_set_new(o, "value", p->value != NULL ?
		    json_string(p->value) : json_null());
		json_object_set_new(o, "rule", json_string(p->rule));
		json_object_set_new(o, "message", json_string(p->message));
		json_object_set_new(o, "hint", p->hint != NULL ?
		    json_string(p->hint) : json_null());
		json_array_append_new(pp->invalid, o);
		return 0;
	}
	if (pp->ninvalid++ == 0)
		printf("\naddresses the service rejected at check (invalid, "
		    "never sent; the fix-up CSV has them):\n");
	printf("\n%s  row %lu\n    %s: '%s': %s: %s\n",
	    p->customer_id != NULL ? p->customer_id : "", p->line,
	    p->column != NULL ? p->column : "", p->value != NULL ? p->value :
	    "", p->rule, p->message);
	if (p->hint != NULL && *p->hint != '\0')
		printf("    (%s)\n", p->hint);
	return 0;
}

static int
cmd_plan_exec(int argc, char **argv)
{
	struct store_runinfo	 ri;
	struct outcome_counts	 counts;
	struct plan_print	 pp;
	struct cmd_opts		 opts;
	struct imp_err		 err;
	struct store		*st = NULL;
	json_t			*o = NULL;
	int64_t			 run;
	int			 rc;

	memset(&err, 0, sizeof err);
	memset(&pp, 0, sizeof pp);
	memset(&opts, 0, sizeof opts);
	/* No options of its own: any answer but -1 ends it. */
	if (cmd_getopt(&cmd_plan_entry, argc, argv, &opts) != -1)
		return opts.exit;
	if ((rc = cmd_run_operand(&cmd_plan_entry, argc, argv, &run)) != 0)
		return rc;

	if ((st = store_open(imp_opts.db, &err)) == NULL ||
	    store_run_info(st, run, &ri, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (ri.checked_at[0] == '\0') {
		fprintf(stderr, "importer: run %lld is not checked yet: "
		    "'importer check %lld --snapshot FILE' first\n",
		    (long long)ri.id, (long long)ri.id);
		rc = IMP_EXIT_USAGE;
		goto out;
	}
	if (imp_opts.json) {
		o = json_object();
		json_object_set_new(o, "run", json_integer(ri.id));
		pp.list = json_array();
		pp.invalid = json_array();
	} else if (!imp_opts.quiet)
		printf("run %lld: %s, checked %s against %s\n",
		    (long long)ri.id, ri.file, ri.checked_at,
		    ri.check_source);
	if (!imp_opts.quiet || imp_opts.json)
		if (store_changes_each(st, &ri, print_change, &pp,
		    &err) == -1 || store_check_problems(st, ri.id, -1,
		    print_invalid, &pp, &err) == -1) {
			rc = cmd_fail(&err);
			goto out;
		}
	if (store_counts(st, &ri, &counts, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (o != NULL) {
		cmd_counts_json(o, &counts);
		json_object_set_new(o, "plan_hash", json_string(ri.plan_hash));
		json_object_set_new(o, "checked_at",
		    json_string(ri.checked_at));
		json_object_set_new(o, "source", json_string(ri.check_source));
		json_object_set_new(o, "customers", pp.list);
		json_object_set_new(o, "rejected_addresses", pp.invalid);
		pp.invalid = NULL;
		cmd_json_print(o);
		o = NULL;
	} else if (!imp_opts.quiet) {
		printf("\n");
		cmd_counts_print(&counts);
		printf("  plan %s\n", ri.plan_hash);
	}
	rc = cmd_counts_exit(&counts);
out:
	json_decref(pp.invalid);
	json_decref(o);
	store_close(st);
	return rc;
}
