/*
 * cmd_report.c: importer report [RUN] [-o FILE.xlsx] [--errors-csv FILE]:
 * the XLSX result report of a run and the fix-up CSV of the rows that need
 * a person, both written in one pass over the run's rows.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "fixup.h"
#include "importer.h"
#include "profile.h"
#include "report.h"
#include "report_feed.h"
#include "store.h"
#include "xmalloc.h"

static int	cmd_report_exec(int, char **);

static const struct option cmd_report_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "errors-csv", required_argument, NULL, 'e' },
	{ "sheet-rows", required_argument, NULL, 'S' },	/* tests */
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_report_entry = {
	"report",
	"report [RUN] [-o FILE.xlsx] [--errors-csv FILE.csv]",
	"write the XLSX result report of a run and the fix-up CSV of the "
	"rows that need a person",
	"  -o, --output FILE.xlsx   the report (default "
	"reports/<input>-run<N>.xlsx, or\n"
	"                           the profile's [report] folder and name; "
	"the folder\n"
	"                           is created)\n"
	"  --errors-csv FILE.csv    the fix-up CSV: invalid, failed, conflict "
	"and\n"
	"                           not-found rows in the input's columns, "
	"encoding and\n"
	"                           delimiter, plus an 'error' column "
	"(default: beside\n"
	"                           the report, when there are such rows)\n",
	0,
	"o:",
	cmd_report_options,
	cmd_report_exec
};

struct pass {
	struct report	*rep;
	struct fixup	*fx;
	struct imp_err	*err;
};

static int
on_row(const struct store_report_row *r, void *arg)
{
	struct pass	*p = arg;

	if (report_add_row(p->rep, r, p->err) == -1)
		return -1;
	if (p->fx != NULL && fixup_wanted(r->state) &&
	    fixup_add_row(p->fx, r, p->err) == -1)
		return -1;
	return 0;
}

/*
 * The profile's [report] folder and name (default
 * reports/<input name without extension>-run<N>.xlsx), its folders
 * created; caller frees.
 */
static char *
default_path(const struct store_report_run *rr, struct imp_err *err)
{
	struct profile	 pf;
	char		*path, *p;

	if (profile_load(&pf, imp_opts.profile, err) == -1) {
		profile_free(&pf);
		return NULL;
	}
	path = profile_report_path(&pf, rr->file, (long long)rr->id,
	    rr->staged_at);
	profile_free(&pf);
	for (p = strchr(path + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
			    strerror(errno));
			free(path);
			return NULL;
		}
		*p = '/';
	}
	return path;
}

/* FILE.xlsx -> FILE-fixup.csv, or FILE-fixup.xlsx for a workbook's run */
static char *
fixup_default(const char *xlsx, const struct store_report_run *rr)
{
	size_t	n = strlen(xlsx);

	if (n > 5 && strcasecmp(xlsx + n - 5, ".xlsx") == 0)
		n -= 5;
	return xasprintf("%.*s-fixup.%s", (int)n, xlsx, rr->sheet[0] != '\0' ?
	    "xlsx" : "csv");
}

/* A report's trail entry: the files and the outcomes they show. */
static json_t *
report_audit_detail(const char *xlsx, const char *csv,
    const struct report_result *res)
{
	json_t	*o = json_object(), *n = json_object();
	int	 k;

	json_object_set_new(o, "xlsx", json_string(xlsx));
	if (csv != NULL)
		json_object_set_new(o, "fixup_csv", json_string(csv));
	for (k = 0; k < REPORT_NOUTCOMES; k++)
		json_object_set_new(n, report_outcome_name(k),
		    json_integer(res->counts[k]));
	json_object_set_new(o, "outcomes", n);
	json_object_set_new(o, "rows", json_integer(res->rows_in));
	return o;
}

int
cmd_report_write(struct store *st, int64_t run, const char *o_arg,
    const char *e_arg, long long sheet_rows, struct cmd_reported *out)
{
	struct store_report_run		 rr;
	struct store_report_sizes	 sz;
	struct outcome_counts		 oc;
	struct report_opts		 ro;
	struct report_result		*res = &out->res;
	struct imp_err			 err;
	struct pass			 p;
	char				*path = NULL, *csv = NULL;
	int64_t				 fixrows = -1;
	int				 rc;

	memset(out, 0, sizeof *out);
	memset(&err, 0, sizeof err);
	memset(&rr, 0, sizeof rr);
	memset(&p, 0, sizeof p);
	p.err = &err;
	if (store_report_begin(st, &err) == -1 ||
	    store_report_run(st, run, &rr, &err) == -1 ||
	    store_report_sizes(st, &rr, &sz, &err) == -1 ||
	    store_run_counts(st, rr.id, &oc, &err) == -1)
		goto fail;
	path = o_arg != NULL ? xstrdup(o_arg) : default_path(&rr, &err);
	if (path == NULL)
		goto fail;
	if (e_arg != NULL)
		csv = xstrdup(e_arg);
	else if (oc.n[OUTCOME_INVALID] + oc.n[OUTCOME_FAILED] +
	    oc.n[OUTCOME_CONFLICT] + oc.n[OUTCOME_NOT_FOUND] > 0)
		csv = fixup_default(path, &rr);

	memset(&ro, 0, sizeof ro);
	ro.path = path;
	ro.sheet_rows = sheet_rows;
	ro.version = PACKAGE_VERSION;
	ro.fixup_path = csv;
	if ((p.rep = report_open(&ro, &rr, &sz, &oc, &err)) == NULL)
		goto fail;
	if (csv != NULL && (p.fx = fixup_open(csv, &rr, &err)) == NULL)
		goto fail;
	/* Read on a second thread while this one writes the workbook. */
	if (report_feed_rows(st, &rr, 0, on_row, &p, &err) == -1)
		goto fail;
	if (p.fx != NULL) {
		fixrows = fixup_rows(p.fx);
		rc = fixup_close(p.fx, &err);
		p.fx = NULL;
		if (rc == -1)
			goto fail;
	}
	rc = report_close(p.rep, st, fixrows, res, &err);
	p.rep = NULL;
	if (rc == -1)
		goto fail;
	store_report_end(st);
	if ((rc = cmd_audit(st, "report", rr.id, report_audit_detail(path,
	    csv, res))) != 0)
		goto out;

	out->run = rr.id;
	out->xlsx = path;
	out->csv = csv;
	out->csv_rows = fixrows < 0 ? 0 : fixrows;
	path = csv = NULL;
	if (res->sum != res->rows_in) {
		fprintf(stderr, "importer: run %lld: rows in (%lld) != sum of "
		    "outcomes (%lld): the database is inconsistent\n",
		    (long long)rr.id, (long long)res->rows_in,
		    (long long)res->sum);
		rc = IMP_EXIT_SOFTWARE;
	} else
		rc = res->counts[REPORT_INVALID] + res->counts[REPORT_FAILED] +
		    res->counts[REPORT_CONFLICT] +
		    res->counts[REPORT_NOT_FOUND] > 0 ? IMP_EXIT_ROWS :
		    IMP_EXIT_OK;
	goto out;
fail:
	fixup_abort(p.fx);
	report_abort(p.rep);
	rc = cmd_fail(&err);
out:
	store_report_run_free(&rr);
	free(path);
	free(csv);
	return rc;
}

void
cmd_reported_free(struct cmd_reported *r)
{
	free(r->xlsx);
	free(r->csv);
	memset(r, 0, sizeof *r);
}

json_t *
cmd_report_json(const struct cmd_reported *r)
{
	const struct report_result	*res = &r->res;
	json_t				*o, *c;
	int				 k;

	o = json_object();
	json_object_set_new(o, "run", json_integer(r->run));
	json_object_set_new(o, "report", json_string(r->xlsx));
	json_object_set_new(o, "errors_csv", r->csv != NULL ?
	    json_string(r->csv) : json_null());
	json_object_set_new(o, "errors_csv_rows", json_integer(r->csv_rows));
	json_object_set_new(o, "sheets", json_integer(res->sheets));
	json_object_set_new(o, "rows", json_integer(res->rows_in));
	c = json_object();
	for (k = 0; k < REPORT_NOUTCOMES; k++)
		json_object_set_new(c, report_outcome_name(k),
		    json_integer(res->counts[k]));
	json_object_set_new(o, "outcomes", c);
	json_object_set_new(o, "reconciled",
	    json_boolean(res->sum == res->rows_in));
	return o;
}

void
cmd_report_print(const struct cmd_reported *r)
{
	const struct report_result	*res = &r->res;
	int				 k;

	printf("report for run %lld: %s (%d sheet%s)\n", (long long)r->run,
	    r->xlsx, res->sheets, res->sheets == 1 ? "" : "s");
	if (r->csv != NULL)
		printf("fix-up %s: %s (%lld row%s that need%s a person)\n",
		    fixup_is_xlsx(r->csv) ? "workbook" : "CSV", r->csv,
		    (long long)r->csv_rows, r->csv_rows == 1 ? "" :
		    "s", r->csv_rows == 1 ? "s" : "");
	printf(" ");
	for (k = 0; k < REPORT_NOUTCOMES; k++)
		printf(" %s %lld%s", report_outcome_name(k),
		    (long long)res->counts[k],
		    k + 1 < REPORT_NOUTCOMES ? "," : "\n");
	printf("  rows in %lld = sum of outcomes %lld%s\n",
	    (long long)res->rows_in, (long long)res->sum,
	    res->sum == res->rows_in ? "" : "  MISMATCH");
}

static int
cmd_report_exec(int argc, char **argv)
{
	struct cmd_opts			 opts;
	struct cmd_reported		 rep;
	struct imp_err			 err;
	struct store			*st = NULL;
	char				*end;
	const char			*o_arg = NULL, *e_arg = NULL;
	int64_t				 run;
	long long			 sheet_rows = 0;
	int				 ch, rc;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	while ((ch = cmd_getopt(&cmd_report_entry, argc, argv,
	    &opts)) != -1) {
		switch (ch) {
		case 'o':
			o_arg = optarg;
			break;
		case 'e':
			e_arg = optarg;
			break;
		case 'S':
			sheet_rows = strtoll(optarg, &end, 10);
			if (*end != '\0' || sheet_rows < 2 ||
			    sheet_rows > REPORT_SHEET_ROWS)
				return cmd_usage(&cmd_report_entry,
				    "--sheet-rows: 2 to %d", REPORT_SHEET_ROWS);
			break;
		default:
			return opts.exit;
		}
	}
	if ((rc = cmd_run_operand(&cmd_report_entry, argc, argv, &run)) != 0)
		return rc;

	if ((st = store_open(imp_opts.db, &err)) == NULL) {
		rc = cmd_fail(&err);
		goto out;
	}
	rc = cmd_report_write(st, run, o_arg, e_arg, sheet_rows, &rep);
	if (rep.xlsx != NULL && imp_opts.json)
		cmd_json_print(cmd_report_json(&rep));
	else if (rep.xlsx != NULL && !imp_opts.quiet)
		cmd_report_print(&rep);
	cmd_reported_free(&rep);
out:
	store_close(st);
	return rc;
}
