/*
 * cmd_util.c: what the commands share: error and usage messages, help,
 * and how a run's counts are printed.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "importer.h"
#include "service.h"

int
cmd_fail(const struct imp_err *err)
{
	fprintf(stderr, "importer: %s\n", err->msg);
	return err->code != 0 ? err->code : IMP_EXIT_SOFTWARE;
}

int
cmd_usage(const struct cmd_entry *ce, const char *fmt, ...)
{
	va_list	ap;

	if (fmt != NULL) {
		fprintf(stderr, "importer %s: ", ce->name);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "usage: importer %s\n", ce->usage);
	return IMP_EXIT_USAGE;
}

int
cmd_help(const struct cmd_entry *ce)
{
	printf("usage: importer %s\n\n%s\n", ce->usage, ce->summary);
	if (ce->help != NULL && *ce->help != '\0')
		printf("\noptions:\n%s", ce->help);
	return IMP_EXIT_OK;
}

void
cmd_counts_json(json_t *o, const struct outcome_counts *c)
{
	const int64_t	*n = c->n;

	json_object_set_new(o, "rows", json_integer(c->rows));
	json_object_set_new(o, "valid", json_integer(c->valid));
	json_object_set_new(o, "invalid", json_integer(n[OUTCOME_INVALID]));
	json_object_set_new(o, "duplicate", json_integer(n[OUTCOME_DUPLICATE]));
	json_object_set_new(o, "changes", json_integer(c->changes));
	json_object_set_new(o, "unchanged", json_integer(n[OUTCOME_UNCHANGED]));
	json_object_set_new(o, "not_found", json_integer(n[OUTCOME_NOT_FOUND]));
	json_object_set_new(o, "applied", json_integer(n[OUTCOME_APPLIED]));
	json_object_set_new(o, "failed", json_integer(n[OUTCOME_FAILED]));
	json_object_set_new(o, "conflicts", json_integer(n[OUTCOME_CONFLICT]));
	json_object_set_new(o, "pending", json_integer(n[OUTCOME_PENDING]));
	json_object_set_new(o, "review", json_integer(c->review));
}

void
cmd_counts_print(const struct outcome_counts *c)
{
	const int64_t	*n = c->n;

	printf("  %lld rows: %lld invalid, %lld duplicate, %lld unchanged, "
	    "%lld not found, %lld to change", (long long)c->rows,
	    (long long)n[OUTCOME_INVALID], (long long)n[OUTCOME_DUPLICATE],
	    (long long)n[OUTCOME_UNCHANGED], (long long)n[OUTCOME_NOT_FOUND],
	    (long long)c->changes);
	if (n[OUTCOME_APPLIED] + n[OUTCOME_FAILED] + n[OUTCOME_CONFLICT] > 0)
		printf(" (%lld applied, %lld failed, %lld conflicts)",
		    (long long)n[OUTCOME_APPLIED], (long long)n[OUTCOME_FAILED],
		    (long long)n[OUTCOME_CONFLICT]);
	printf(", %lld pending\n", (long long)n[OUTCOME_PENDING]);
	if (c->review > 0)
		printf("  %lld row%s change both the billing email and the "
		    "address: they need review and are sent only with "
		    "--allow-flagged\n", (long long)c->review,
		    c->review == 1 ? "" : "s");
}

int
cmd_run_operand(const struct cmd_entry *ce, int argc, char **argv,
    int64_t *run)
{
	char		*end;
	long long	 v;

	*run = 0;
	if (argc - optind > 1)
		return cmd_usage(ce, "one run at a time");
	if (argc - optind == 0)
		return 0;
	v = strtoll(argv[optind], &end, 10);
	if (*argv[optind] == '\0' || *end != '\0' || v <= 0)
		return cmd_usage(ce, "'%s' is not a run number",
		    argv[optind]);
	*run = v;
	return 0;
}

int
cmd_counts_exit(const struct outcome_counts *c)
{
	return c->n[OUTCOME_INVALID] + c->n[OUTCOME_NOT_FOUND] +
	    c->n[OUTCOME_FAILED] + c->n[OUTCOME_CONFLICT] > 0 ?
	    IMP_EXIT_ROWS : IMP_EXIT_OK;
}

static int
number(const char *s, double lo, double hi, double *out)
{
	char	*end;

	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= lo && *out <= hi ? 0 : -1;
}

int
cmd_service_opt(int c, const char *arg, struct service_args *sa)
{
	double	v;

	switch (c) {
	case 1001:
		sa->endpoint = arg;
		return 1;
	case 1002:
		sa->token_file = arg;
		return 1;
	case 1003:
		sa->cacert = arg;
		return 1;
	case 1004:
		sa->allow_http = 1;
		return 1;
	case 1005:
		if (number(arg, 1, 256, &v) == -1)
			return -1;
		sa->concurrency = (int)v;
		return 1;
	case 1006:
		if (number(arg, 0.01, 100000, &v) == -1)
			return -1;
		sa->rate = v;
		return 1;
	case 1007:
		if (number(arg, 0, 20, &v) == -1)
			return -1;
		sa->retries = (int)v;
		sa->retries_given = 1;
		return 1;
	case 1008:
		if (number(arg, 1, 3600, &v) == -1)
			return -1;
		sa->timeout = (int)v;
		return 1;
	}
	return 0;
}

#define CMD_SHOWN	50	/* problems printed without -v */
#define CMD_SHOWN_COLUMNS 20	/* unknown columns named */

/* A cell on one line: control characters escaped, long ones cut. */
static void
print_value(const char *v, size_t max)
{
	size_t	n;

	for (n = 0; *v != '\0' && n < max; v++, n++) {
		if (*v == '\n')
			fputs("\\n", stderr);
		else if (*v == '\r')
			fputs("\\r", stderr);
		else if (*v == '\t')
			fputs("\\t", stderr);
		else if ((unsigned char)*v < 0x20 || *v == 0x7f)
			fprintf(stderr, "\\x%02x", (unsigned char)*v);
		else
			fputc(*v, stderr);
	}
	if (*v != '\0')
		fputs("...", stderr);
}

struct shown {
	const char	*file;
	long		 n;
};

static int
print_problem(const struct store_problem_line *p, void *arg)
{
	struct shown	*sh = arg;
	const char	*file = sh->file;

	sh->n++;
	fprintf(stderr, "importer: %s:%lu: ", file, p->line);
	if (p->column != NULL)
		fprintf(stderr, "column %s: ", p->column);
	if (p->value != NULL) {
		fputc('\'', stderr);
		print_value(p->value, 60);
		fputs("': ", stderr);
	}
	fprintf(stderr, "%s: %s", p->rule, p->message);
	if (p->hint != NULL && *p->hint != '\0')
		fprintf(stderr, " (%s)", p->hint);
	fputc('\n', stderr);
	return 0;
}

void
cmd_print_problems(struct store *st, int64_t run, const char *file,
    char *const *unknown, size_t nunknown)
{
	struct shown	shown;
	size_t		i;

	if (imp_opts.quiet)
		return;
	for (i = 0; i < nunknown && i < CMD_SHOWN_COLUMNS; i++)
		fprintf(stderr, "importer: %s: warning: unknown column '%s' is "
		    "kept for the report (map it in the profile's [columns], "
		    "or 'ignore' it)\n", file, unknown[i]);
	if (nunknown > CMD_SHOWN_COLUMNS)
		fprintf(stderr, "importer: %s: warning: and %zu more unknown "
		    "columns\n", file, nunknown - CMD_SHOWN_COLUMNS);
	shown.file = file;
	shown.n = 0;
	store_problems(st, run, imp_opts.verbose ? -1 : CMD_SHOWN,
	    print_problem, &shown, NULL);
	if (!imp_opts.verbose && shown.n == CMD_SHOWN)
		fprintf(stderr, "importer: (only the first %d problems are "
		    "shown; -v shows all)\n", CMD_SHOWN);
}
