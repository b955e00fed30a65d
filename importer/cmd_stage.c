/*
 * cmd_stage.c: importer stage FILE: stage a file as a new run and say what
 * was found in it.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "csvin.h"
#include "importer.h"
#include "isodata.h"
#include "norm.h"
#include "profile.h"
#include "staging.h"
#include "store.h"


static int	cmd_stage_exec(int, char **);

const struct cmd_entry cmd_stage_entry = {
	"stage",
	"stage FILE [--sheet NAME] [--encoding NAME] [--delimiter C] [--force]",
	"read, map and validate a CSV file or a workbook (.xlsx) and store it "
	"as a new run",
	"",
	CMD_STAGING,
	NULL,
	NULL,
	cmd_stage_exec
};

static int
print_rule(const struct store_rule_count *c, void *arg)
{
	(void)arg;
	printf("  %-20s %6lld   row%s %s%s\n", c->rule, (long long)c->count,
	    strchr(c->lines, ',') != NULL ? "s" : "", c->lines,
	    c->count > 5 ? ", ..." : "");
	return 0;
}

static int
json_rule(const struct store_rule_count *c, void *arg)
{
	json_object_set_new(arg, c->rule, json_integer(c->count));
	return 0;
}

json_t *
cmd_stage_json(struct store *st, const struct staging_result *r,
    const char *file)
{
	json_t	*o, *u, *p, *nz;
	size_t	 i;
	char	 d[2] = { (char)r->delimiter, '\0' };

	o = json_object();
	json_object_set_new(o, "run", json_integer(r->run));
	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "sha256", json_string(r->sha256));
	json_object_set_new(o, "format", json_string(r->sheet[0] != '\0' ?
	    "xlsx" : "csv"));
	if (r->sheet[0] != '\0')
		json_object_set_new(o, "sheet", json_string(r->sheet));
	json_object_set_new(o, "encoding", json_string(r->encoding));
	json_object_set_new(o, "bom", json_boolean(r->bom));
	json_object_set_new(o, "encoding_detected",
	    json_boolean(r->detected));
	if (r->encoding_run != 0)
		json_object_set_new(o, "encoding_of_run",
		    json_integer(r->encoding_run));
	json_object_set_new(o, "delimiter", json_string(d));
	json_object_set_new(o, "rows", json_integer(r->rows));
	json_object_set_new(o, "valid", json_integer(r->valid));
	json_object_set_new(o, "invalid", json_integer(r->invalid));
	json_object_set_new(o, "duplicate", json_integer(r->duplicate));
	json_object_set_new(o, "pending", json_integer(r->valid));
	json_object_set_new(o, "blank", json_integer(r->blank));
	json_object_set_new(o, "summary_rows", json_integer(r->summary));
	if (r->previous != 0)
		json_object_set_new(o, "previous_run",
		    json_integer(r->previous));
	u = json_array();
	for (i = 0; i < r->nunknown; i++)
		json_array_append_new(u, json_string(r->unknown[i]));
	json_object_set_new(o, "unknown_columns", u);
	u = json_array();
	for (i = 0; i < r->nwarnings; i++)
		json_array_append_new(u, json_string(r->warnings[i]));
	json_object_set_new(o, "warnings", u);
	nz = json_object();
	for (i = 0; i < NORM_NKINDS; i++)
		if (r->fixed_rows[i] > 0)
			json_object_set_new(nz, norm_kind_name(1u << i),
			    json_integer(r->fixed_rows[i]));
	json_object_set_new(o, "normalized", nz);
	p = json_object();
	store_rule_counts(st, r->run, json_rule, p, NULL);
	json_object_set_new(o, "problems", p);
	return o;
}

static void
print_summary(struct store *st, const struct staging_result *r,
    const char *file)
{
	size_t	i, n;

	printf("staged run %lld from %s\n", (long long)r->run, file);
	if (r->sheet[0] != '\0')
		printf("  workbook, sheet '%s'%s\n", r->sheet, r->nwarnings > 0 ?
		    " (see the warnings above)" : "");
	else
		printf("  %s%s%s, delimiter %s%s\n", r->encoding,
		    r->bom ? " with BOM" : "", r->detected ? " (detected)" :
		    "", csvin_delimiter_name(r->delimiter),
		    r->sniffed ? " (sniffed)" : "");
	if (r->encoding_run != 0)
		printf("  read as %s, the encoding of run %lld: the file's "
		    "bytes alone could not tell it for sure\n", r->encoding,
		    (long long)r->encoding_run);
	printf("  %lld row%s: %lld valid, %lld invalid, %lld duplicate",
	    (long long)r->rows, r->rows == 1 ? "" : "s", (long long)r->valid,
	    (long long)r->invalid,
	    (long long)r->duplicate);
	if (r->blank > 0)
		printf(" (%lld blank record%s skipped)", (long long)r->blank,
		    r->blank == 1 ? "" : "s");
	putchar('\n');
	if (r->summary > 0)
		printf("  %lld summary row%s skipped (not customers): row "
		    "%lu, '%s'%s\n", (long long)r->summary, r->summary == 1 ?
		    "" : "s", r->summary_line, r->summary_label,
		    r->summary > 1 ? ", ..." : "");
	if (r->previous != 0)
		printf("  the same file was staged before as run %lld\n",
		    (long long)r->previous);
	for (i = 0, n = 0; i < NORM_NKINDS; i++) {
		if (r->fixed_rows[i] == 0)
			continue;
		printf("%s %s %lld", n++ == 0 ? "  normalized (not counted "
		    "as changes):" : ",", norm_kind_name(1u << i),
		    (long long)r->fixed_rows[i]);
	}
	if (n > 0)
		printf(" row%s\n", n == 1 && r->fixed_rows[0] == 1 ? "" : "s");
	if (r->nunknown > 0) {
		printf("  unknown columns, kept for the report:");
		for (i = 0; i < r->nunknown && i < 20; i++)
			printf("%s %s", i ? "," : "", r->unknown[i]);
		if (r->nunknown > 20)
			printf(" and %zu more", r->nunknown - 20);
		putchar('\n');
	}
	if (r->invalid > 0) {
		printf("problems by rule:\n");
		store_rule_counts(st, r->run, print_rule, NULL, NULL);
	}
}

static int
cmd_stage_exec(int argc, char **argv)
{
	struct cmd_opts		 opts;
	struct staging_result	 res;
	struct profile		 pf;
	struct imp_err		 err;
	struct isodata		*iso = NULL;
	struct store		*st = NULL;
	int			 rc;

	memset(&opts, 0, sizeof opts);
	memset(&res, 0, sizeof res);
	memset(&err, 0, sizeof err);
	memset(&pf, 0, sizeof pf);
	/* No options of its own: any answer but -1 ends it. */
	if (cmd_getopt(&cmd_stage_entry, argc, argv, &opts) != -1)
		return opts.exit;
	if (argc - optind != 1)
		return cmd_usage(&cmd_stage_entry, argc - optind == 0 ?
		    "which file?" : "one file at a time");
	opts.staging.file = argv[optind];

	if (profile_load(&pf, imp_opts.profile, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}
	opts.staging.profile = &pf;
	if ((iso = isodata_load(NULL, &err)) == NULL ||
	    (st = store_open(imp_opts.db, &err)) == NULL) {
		rc = cmd_fail(&err);
		goto out;
	}
	if (staging_run(st, iso, &opts.staging, &res, &err) == -1) {
		rc = cmd_fail(&err);
		goto out;
	}

	if ((rc = cmd_audit_staged(st, &res, opts.staging.file)) != 0)
		goto out;
	cmd_print_problems(st, &res, opts.staging.file);
	if (imp_opts.json)
		cmd_json_print(cmd_stage_json(st, &res, opts.staging.file));
	else if (!imp_opts.quiet)
		print_summary(st, &res, opts.staging.file);
	rc = res.invalid > 0 ? IMP_EXIT_ROWS : IMP_EXIT_OK;
out:
	staging_result_free(&res);
	store_close(st);
	isodata_free(iso);
	profile_free(&pf);
	return rc;
}
