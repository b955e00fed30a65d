/*
 * cmd_util.c: what the commands share: error and usage messages, help,
 * the groups of options several commands take (each parsed here, once),
 * and how a run's counts are printed.
 */
#include "config.h"

#include <assert.h>
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

void
cmd_json_print(json_t *o)
{
	json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	json_decref(o);
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
	json_object_set_new(o, "unread", json_integer(c->unread));
}

void
cmd_counts_print(const struct outcome_counts *c)
{
	const int64_t	*n = c->n;

	printf("  %lld row%s: %lld invalid, %lld duplicate, %lld unchanged, "
	    "%lld not found, %lld to change", (long long)c->rows,
	    c->rows == 1 ? "" : "s",
	    (long long)n[OUTCOME_INVALID], (long long)n[OUTCOME_DUPLICATE],
	    (long long)n[OUTCOME_UNCHANGED], (long long)n[OUTCOME_NOT_FOUND],
	    (long long)c->changes);
	/* A row check could not read is no change: said apart. */
	if (n[OUTCOME_APPLIED] + n[OUTCOME_FAILED] - c->unread +
	    n[OUTCOME_CONFLICT] > 0)
		printf(" (%lld applied, %lld failed, %lld conflicts)",
		    (long long)n[OUTCOME_APPLIED],
		    (long long)(n[OUTCOME_FAILED] - c->unread),
		    (long long)n[OUTCOME_CONFLICT]);
	printf(", %lld pending", (long long)n[OUTCOME_PENDING]);
	if (c->unread > 0)
		printf(", %lld could not be read (nothing sent: check again)",
		    (long long)c->unread);
	putchar('\n');
	if (c->review > 0)
		printf("  %lld row%s need%s review (the plan says why: the "
		    "billing email and the address change together, a "
		    "phone lost its '+' or leading 0, or the country "
		    "changes) and %s sent only with --allow-flagged\n", (long long)c->review,
		    c->review == 1 ? "" : "s", c->review == 1 ? "s" : "",
		    c->review == 1 ? "is" : "are");
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

/* A --delimiter: a name, or the one character itself; -1 if neither. */
static int
delimiter(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 ||
	    strcmp(s, "\t") == 0)
		return '\t';
	if (strcmp(s, "comma") == 0)
		return ',';
	if (strcmp(s, "semicolon") == 0)
		return ';';
	if (strcmp(s, "pipe") == 0)
		return '|';
	if (strlen(s) == 1 && s[0] != '"' && s[0] != '\n' && s[0] != '\r')
		return (unsigned char)s[0];
	return -1;
}

static const struct option staging_options[] = {
	{ "sheet", required_argument, NULL, 1004 },
	{ "encoding", required_argument, NULL, 1001 },
	{ "delimiter", required_argument, NULL, 1002 },
	{ "force", no_argument, NULL, 1003 },
	{ NULL, 0, NULL, 0 }
};

static int
staging_opt(const struct cmd_entry *ce, int c, const char *arg,
    struct cmd_opts *o)
{
	switch (c) {
	case 1001:
		o->staging.encoding = arg;
		return 1;
	case 1002:
		o->staging.delimiter = delimiter(arg);
		if (o->staging.delimiter == -1) {
			o->exit = cmd_usage(ce, "bad delimiter '%s'", arg);
			return CMD_EXIT;
		}
		return 1;
	case 1003:
		o->staging.force = 1;
		return 1;
	case 1004:
		o->staging.sheet = arg;
		return 1;
	}
	return 0;
}

static const struct option submit_options[] = {
	{ "yes", no_argument, NULL, 1101 },
	{ "dry-run", no_argument, NULL, 1102 },
	{ "allow-flagged", no_argument, NULL, 1103 },
	{ "allow-over-limit", no_argument, NULL, 1104 },
	{ "batch-size", required_argument, NULL, 1105 },
	{ NULL, 0, NULL, 0 }
};

static int
submit_opt(const struct cmd_entry *ce, int c, const char *arg,
    struct cmd_opts *o)
{
	struct submit_args	*a = &o->submit;

	switch (c) {
	case 1101:
		a->yes = 1;
		return 1;
	case 1102:
		a->dry_run = 1;
		return 1;
	case 1103:
		a->allow_flagged = 1;
		return 1;
	case 1104:
		a->over_limit = 1;
		return 1;
	case 1105:
		a->batch = atoi(arg);
		if (a->batch < 1 || a->batch > 10000) {
			o->exit = cmd_usage(ce, "--batch-size is 1 to 10000");
			return CMD_EXIT;
		}
		return 1;
	}
	return 0;
}

static const struct option service_options[] = {
	{ "endpoint", required_argument, NULL, 1201 },
	{ "token-file", required_argument, NULL, 1202 },
	{ "cacert", required_argument, NULL, 1203 },
	{ "allow-http", no_argument, NULL, 1204 },
	{ "concurrency", required_argument, NULL, 1205 },
	{ "rate", required_argument, NULL, 1206 },
	{ "retries", required_argument, NULL, 1207 },
	{ "timeout", required_argument, NULL, 1208 },
	{ NULL, 0, NULL, 0 }
};

static int
service_opt(const struct cmd_entry *ce, int c, const char *arg,
    struct cmd_opts *o)
{
	struct service_args	*sa = &o->submit.sa;
	double			 v = 0;
	int			 bad = 0;

	switch (c) {
	case 1201:
		sa->endpoint = arg;
		return 1;
	case 1202:
		sa->token_file = arg;
		return 1;
	case 1203:
		sa->cacert = arg;
		return 1;
	case 1204:
		sa->allow_http = 1;
		return 1;
	case 1205:
		bad = number(arg, 1, 256, &v);
		sa->concurrency = (int)v;
		break;
	case 1206:
		bad = number(arg, 0.01, 100000, &v);
		sa->rate = v;
		break;
	case 1207:
		bad = number(arg, 0, 20, &v);
		sa->retries = (int)v;
		sa->retries_given = 1;
		break;
	case 1208:
		bad = number(arg, 1, 3600, &v);
		sa->timeout = (int)v;
		break;
	default:
		return 0;
	}
	if (bad) {
		o->exit = cmd_usage(ce, "bad value '%s'", arg);
		return CMD_EXIT;
	}
	return 1;
}

/* The shared groups: their options, their help, their parser. */
static const struct cmd_group {
	int			 group;
	const struct option	*options;
	const char		*help;
	/* 1: taken into o, 0: not one of the group's, or CMD_EXIT */
	int			(*take)(const struct cmd_entry *, int,
				    const char *, struct cmd_opts *);
} cmd_groups[] = {
	{ CMD_STAGING, staging_options,
	  "  --sheet NAME     a workbook's sheet, by name or position (1 "
	  "for the first);\n"
	  "                   default: the first visible sheet\n"
	  "  --encoding NAME  a CSV file's charset (UTF-8, UTF-16, GB18030, "
	  "SHIFT_JIS,\n"
	  "                   WINDOWS-1252, any iconv name); default: "
	  "BOM, UTF-8, or detected\n"
	  "  --delimiter C    ',' ';' '|' or 'tab'; default: sniffed (or "
	  "Excel's sep= line)\n"
	  "  --force          stage a file that was staged before\n",
	  staging_opt },
	{ CMD_SUBMIT, submit_options,
	  "  --yes            do not ask (needed without a terminal)\n"
	  "  --dry-run        say what would be sent; send nothing\n"
	  "  --allow-flagged  also send the rows flagged for review (the "
	  "billing email\n"
	  "                   and the address together; a phone that lost "
	  "its '+' or 0)\n"
	  "  --allow-over-limit  send more changes than the profile's "
	  "max_changes or\n"
	  "                   max_change_percent allow\n"
	  "  --batch-size N   rows committed as 'sending' at a time (default "
	  SERVICE_TEXT(CMD_SUBMIT_BATCH) ")\n",
	  submit_opt },
	{ CMD_SERVICE, service_options,
	  "  --endpoint URL   the account service's API base (or "
	  "IMPORTER_ENDPOINT,\n"
	  "                   or the profile's [service] endpoint or cloud)\n"
	  "  --token-file F   read the bearer token from F (or IMPORTER_TOKEN, "
	  "or the\n"
	  "                   profile's token_command or client credentials)\n"
	  "  --cacert FILE    trust this CA (a private CA); TLS is always "
	  "verified\n"
	  "  --allow-http     allow plain http to a host other than this "
	  "machine\n"
	  "  --concurrency N  requests at once (default "
	  SERVICE_TEXT(SERVICE_CONCURRENCY) ")\n"
	  "  --rate R         requests a second (default: the service's "
	  "documented\n"
	  "                   limit for the real clouds, none for others)\n"
	  "  --retries N      retries of a request (default "
	  SERVICE_TEXT(SERVICE_RETRIES) ")\n"
	  "  --timeout S      seconds a request may take (default "
	  SERVICE_TEXT(SERVICE_TIMEOUT) ")\n",
	  service_opt },
};
#define CMD_NGROUPS (sizeof cmd_groups / sizeof cmd_groups[0])

/* Appends a NULL-ended list of options to o's. */
static void
add_options(struct cmd_opts *o, size_t *n, const struct option *list)
{
	for (; list != NULL && list->name != NULL; list++) {
		assert(*n + 1 < CMD_MAXOPTS);
		o->longopts[(*n)++] = *list;
	}
}

int
cmd_getopt(const struct cmd_entry *ce, int argc, char **argv,
    struct cmd_opts *o)
{
	static const struct option help[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char	 shortopts[16];
	size_t	 i, n = 0;
	int	 c, r;

	if (o->longopts[0].name == NULL) {
		add_options(o, &n, help);
		add_options(o, &n, ce->options);
		for (i = 0; i < CMD_NGROUPS; i++)
			if ((ce->groups & cmd_groups[i].group) != 0)
				add_options(o, &n, cmd_groups[i].options);
	}
	snprintf(shortopts, sizeof shortopts, "h%s", ce->shortopts != NULL ?
	    ce->shortopts : "");
	while ((c = getopt_long(argc, argv, shortopts, o->longopts,
	    NULL)) != -1) {
		if (c == 'h') {
			o->exit = cmd_help(ce);
			return CMD_EXIT;
		}
		if (c == '?' || c == ':') {
			o->exit = cmd_usage(ce, NULL);
			return CMD_EXIT;
		}
		for (i = 0, r = 0; i < CMD_NGROUPS && r == 0; i++)
			if ((ce->groups & cmd_groups[i].group) != 0)
				r = cmd_groups[i].take(ce, c, optarg, o);
		if (r == 0)
			return c;
		if (r == CMD_EXIT)
			return CMD_EXIT;
	}
	return -1;
}

int
cmd_help(const struct cmd_entry *ce)
{
	size_t	i;
	int	any = ce->help != NULL && *ce->help != '\0';

	printf("usage: importer %s\n\n%s\n", ce->usage, ce->summary);
	if (any || ce->groups != 0)
		printf("\noptions:\n%s", any ? ce->help : "");
	for (i = 0; i < CMD_NGROUPS; i++)
		if ((ce->groups & cmd_groups[i].group) != 0)
			fputs(cmd_groups[i].help, stdout);
	return IMP_EXIT_OK;
}

#define CMD_SHOWN	50	/* problems printed without -v */
#define CMD_SHOWN_COLUMNS 20	/* unknown columns named */

/* A cell on one line: control characters escaped, long ones cut after
 * max characters (whole ones: a continuation byte never starts a cut). */
static void
print_value(const char *v, size_t max)
{
	size_t	n;

	for (n = 0; *v != '\0'; v++) {
		if (((unsigned char)*v & 0xc0) != 0x80 && n++ == max)
			break;
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
	fprintf(stderr, "importer: %s: row %lu", file, p->line);
	/* The customer, unless the problem's value is the ID itself. */
	if (p->customer_id != NULL && *p->customer_id != '\0' &&
	    (p->value == NULL || strcmp(p->value, p->customer_id) != 0)) {
		fputs(", customer ", stderr);
		print_value(p->customer_id, 40);
	}
	fputs(": ", stderr);
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

typedef int (*problem_list)(struct store *, int64_t, long,
    int (*)(const struct store_problem_line *, void *), void *,
    struct imp_err *);

/* One of the run's problem lists, the first CMD_SHOWN without -v. */
static void
print_list(struct store *st, int64_t run, const char *file, problem_list list)
{
	struct shown	shown;

	shown.file = file;
	shown.n = 0;
	list(st, run, imp_opts.verbose ? -1 : CMD_SHOWN, print_problem,
	    &shown, NULL);
	if (!imp_opts.verbose && shown.n == CMD_SHOWN)
		fprintf(stderr, "importer: (only the first %d problems are "
		    "shown; -v shows all)\n", CMD_SHOWN);
}

void
cmd_print_problems(struct store *st, const struct staging_result *r,
    const char *file)
{
	size_t	i;

	if (imp_opts.quiet)
		return;
	for (i = 0; i < r->nunknown && i < CMD_SHOWN_COLUMNS; i++)
		fprintf(stderr, "importer: %s: warning: unknown column '%s' is "
		    "kept for the report (map it in the profile's [columns], "
		    "or 'ignore' it)\n", file, r->unknown[i]);
	if (r->nunknown > CMD_SHOWN_COLUMNS)
		fprintf(stderr, "importer: %s: warning: and %zu more unknown "
		    "columns\n", file, r->nunknown - CMD_SHOWN_COLUMNS);
	for (i = 0; i < r->nwarnings; i++)
		fprintf(stderr, "importer: %s: sheet '%s': warning: %s\n",
		    file, r->sheet, r->warnings[i]);
	print_list(st, r->run, file, store_problems);
}

void
cmd_print_check_problems(struct store *st, int64_t run, const char *file)
{
	if (!imp_opts.quiet)
		print_list(st, run, file, store_check_problems);
}

void
cmd_print_submit_problems(struct store *st, int64_t run, const char *file)
{
	if (!imp_opts.quiet)
		print_list(st, run, file, store_submit_problems);
}

int
cmd_confirm(const char *what)
{
	char	buf[32];

	fprintf(stderr, "%s [y/N] ", what);
	fflush(stderr);
	if (fgets(buf, sizeof buf, stdin) == NULL)
		return 0;
	return buf[0] == 'y' || buf[0] == 'Y';
}
