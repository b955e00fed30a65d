/*
 * profile.c: reads a profile with inih. The handler refuses what it does
 * not know, which makes ini_parse() return that line number.
 */
#include "config.h"

#include "profile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "xmalloc.h"

struct profile_ctx {
	struct profile	*pf;
	FILE		*fp;
	int		 line;		/* lines read so far */
	int		 why_line;	/* the first line refused here */
	char		 why[256];	/* and what was wrong with it */
};

static const char *const profile_sections[] = {
	"columns", "validation", "service", "submit", "report", "approval",
	"user"
};

/* Keeps the reason for the first refused line. */
static int
refuse(struct profile_ctx *ctx, const char *why)
{
	if (ctx->why[0] == '\0') {
		snprintf(ctx->why, sizeof ctx->why, "%s", why);
		ctx->why_line = ctx->line;
	}
	return 0;
}

/*
 * inih's line reader, counting lines, so that a refusal names its own
 * line, and checking section names, which inih reports only through their
 * keys (an empty misspelt section would pass unseen).
 */
static char *
reader(char *str, int num, void *stream)
{
	struct profile_ctx	*ctx = stream;
	const char		*p, *e;
	char			 why[256];
	size_t			 i;

	if (fgets(str, num, ctx->fp) == NULL)
		return NULL;
	ctx->line++;
	for (p = str; *p == ' ' || *p == '\t'; p++)
		;
	if (*p != '[' || (e = strchr(p, ']')) == NULL)
		return str;
	for (i = 0; i < sizeof profile_sections / sizeof profile_sections[0];
	    i++)
		if ((size_t)(e - p - 1) == strlen(profile_sections[i]) &&
		    strncmp(p + 1, profile_sections[i], e - p - 1) == 0)
			return str;
	snprintf(why, sizeof why, "unknown section [%.*s] (known: [columns], "
	    "[validation], [service], [submit], [report], [approval], [user])", (int)(e - p - 1),
	    p + 1);
	refuse(ctx, why);
	return str;
}

static int
set_required(struct profile_ctx *ctx, const char *value)
{
	char	*list, *tok, *save = NULL;
	int	 col;

	list = xstrdup(value);
	for (tok = strtok_r(list, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		col = colmap_lookup(tok);
		if (col < 0) {
			char	why[256];

			snprintf(why, sizeof why,
			    "required: unknown column '%s'", tok);
			free(list);
			return refuse(ctx, why);
		}
		ctx->pf->required |= 1u << col;
	}
	free(list);
	return 1;
}

static int
set_string(char **dst, const char *value)
{
	free(*dst);
	*dst = xstrdup(value);
	return 1;
}

/* yes/no (true/false, on/off, 1/0) into *out; 0 (refused) otherwise. */
static int
set_bool(struct profile_ctx *ctx, const char *name, const char *value,
    int *out)
{
	char	why[256];

	if (strcasecmp(value, "yes") == 0 || strcasecmp(value, "true") == 0 ||
	    strcasecmp(value, "on") == 0 || strcmp(value, "1") == 0)
		*out = 1;
	else if (strcasecmp(value, "no") == 0 ||
	    strcasecmp(value, "false") == 0 || strcasecmp(value, "off") == 0 ||
	    strcmp(value, "0") == 0)
		*out = 0;
	else {
		snprintf(why, sizeof why, "%s: '%s' is not yes or no", name,
		    value);
		return refuse(ctx, why);
	}
	return 1;
}

static int
service_key(struct profile_ctx *ctx, const char *name, const char *value)
{
	struct profile	*pf = ctx->pf;
	char		 why[256];

	if (strcmp(name, "cloud") == 0) {
		if (strcmp(value, "global") != 0 && strcmp(value, "china") != 0)
			return refuse(ctx, "cloud is 'global' or 'china' (the "
			    "service operated by 21Vianet)");
		return set_string(&pf->cloud, value);
	}
	if (strcmp(name, "endpoint") == 0)
		return set_string(&pf->endpoint, value);
	if (strcmp(name, "cacert") == 0)
		return set_string(&pf->cacert, value);
	if (strcmp(name, "token_command") == 0)
		return set_string(&pf->token_command, value);
	if (strcmp(name, "tenant") == 0)
		return set_string(&pf->tenant, value);
	if (strcmp(name, "client_id") == 0)
		return set_string(&pf->client_id, value);
	if (strcmp(name, "client_secret_env") == 0)
		return set_string(&pf->client_secret_env, value);
	if (strcmp(name, "client_secret") == 0 || strcmp(name, "token") == 0)
		return refuse(ctx, "secrets never go in a profile: name the "
		    "environment variable that holds it (client_secret_env), "
		    "or a token_command");
	snprintf(why, sizeof why, "unknown key '%s' in [service] (known: "
	    "cloud, endpoint, cacert, token_command, tenant, client_id, "
	    "client_secret_env)", name);
	return refuse(ctx, why);
}

/* A whole number in [lo, hi] into *out; 0 (refused) otherwise. */
static int
set_number(struct profile_ctx *ctx, const char *name, const char *value,
    double lo, double hi, double *out)
{
	char	*end, why[256];
	double	 v;

	v = strtod(value, &end);
	/* Written so that "nan" fails too: NaN compares false to all. */
	if (end == value || *end != '\0' || !(v >= lo && v <= hi)) {
		snprintf(why, sizeof why, "%s: '%s' is not a number from %g "
		    "to %g", name, value, lo, hi);
		return refuse(ctx, why);
	}
	*out = v;
	return 1;
}

static int
submit_key(struct profile_ctx *ctx, const char *name, const char *value)
{
	struct profile	*pf = ctx->pf;
	char		 why[256];
	double		 v;

	if (strcmp(name, "concurrency") == 0) {
		if (!set_number(ctx, name, value, 1, 256, &v))
			return 0;
		pf->concurrency = (int)v;
		return 1;
	}
	if (strcmp(name, "rate") == 0)
		return set_number(ctx, name, value, 0.01, 100000, &pf->rate);
	if (strcmp(name, "retries") == 0) {
		if (!set_number(ctx, name, value, 0, 20, &v))
			return 0;
		pf->retries = (int)v;
		return 1;
	}
	if (strcmp(name, "timeout") == 0) {
		if (!set_number(ctx, name, value, 1, 3600, &v))
			return 0;
		pf->timeout = (int)v;
		return 1;
	}
	if (strcmp(name, "max_wait") == 0) {
		if (!set_number(ctx, name, value, 1, 86400, &v))
			return 0;
		pf->max_wait = (int)v;
		return 1;
	}
	if (strcmp(name, "max_changes") == 0) {
		if (!set_number(ctx, name, value, 0, 1e12, &v))
			return 0;
		pf->max_changes = (long)v;
		return 1;
	}
	if (strcmp(name, "max_change_percent") == 0)
		return set_number(ctx, name, value, 0, 100,
		    &pf->max_change_percent);
	if (strcmp(name, "send_country_changes") == 0)
		return set_bool(ctx, name, value, &pf->send_country_changes);
	snprintf(why, sizeof why, "unknown key '%s' in [submit] (known: "
	    "concurrency, rate, retries, timeout, max_wait, max_changes, "
	    "max_change_percent, send_country_changes)", name);
	return refuse(ctx, why);
}

/*
 * The placeholders of [report] name; the report's default path is
 * profile_report_path()'s.
 */
static const char *const report_fields[] = { "{input}", "{run}", "{date}" };

/* Why a [report] name pattern is refused, or NULL. */
static const char *
report_name_why(const char *v)
{
	size_t	i;
	int	run = 0;

	for (; *v != '\0'; v++) {
		if (*v == '/' || *v == '\\')
			return "name is a file name, without a folder (put "
			    "that in folder)";
		if (*v != '{')
			continue;
		for (i = 0; i < sizeof report_fields / sizeof report_fields[0];
		    i++)
			if (strncmp(v, report_fields[i],
			    strlen(report_fields[i])) == 0)
				break;
		if (i == sizeof report_fields / sizeof report_fields[0])
			return "name knows {input}, {run} and {date} only";
		run |= i == 1;		/* {run} */
		v += strlen(report_fields[i]) - 1;
	}
	if (!run)
		return "name must contain {run}, so that a run's report never "
		    "overwrites another's";
	return NULL;
}

static int
report_key(struct profile_ctx *ctx, const char *name, const char *value)
{
	struct profile	*pf = ctx->pf;
	const char	*why;
	char		 buf[256];

	if (strcmp(name, "folder") == 0) {
		if (*value == '\0')
			return refuse(ctx, "folder cannot be empty (the "
			    "current folder is '.')");
		return set_string(&pf->report_folder, value);
	}
	if (strcmp(name, "name") == 0) {
		if ((why = report_name_why(value)) != NULL)
			return refuse(ctx, why);
		return set_string(&pf->report_name, value);
	}
	snprintf(buf, sizeof buf, "unknown key '%s' in [report] (known: "
	    "folder, name)", name);
	return refuse(ctx, buf);
}

/* [approval]: when submit needs a second person's approval. */
static int
approval_key(struct profile_ctx *ctx, const char *name, const char *value)
{
	struct profile	*pf = ctx->pf;
	double		 v;
	char		 why[256];

	if (strcmp(name, "required") == 0) {
		if (strcmp(value, "never") == 0)
			pf->approval = PROFILE_APPROVAL_NEVER;
		else if (strcmp(value, "flagged") == 0)
			pf->approval = PROFILE_APPROVAL_FLAGGED;
		else if (strcmp(value, "always") == 0)
			pf->approval = PROFILE_APPROVAL_ALWAYS;
		else
			return refuse(ctx, "required is never, flagged or "
			    "always");
		return 1;
	}
	if (strcmp(name, "min_rows") == 0) {
		if (!set_number(ctx, name, value, 1, 1e12, &v))
			return 0;
		pf->approval_min_rows = (long)v;
		return 1;
	}
	snprintf(why, sizeof why, "unknown key '%s' in [approval] (known: "
	    "required, min_rows)", name);
	return refuse(ctx, why);
}

static int
set_key(struct profile_ctx *ctx, const char *section, const char *name,
    const char *value)
{
	struct profile		*pf = ctx->pf;
	struct colmap_rule	*r;
	char			 why[256];
	int			 col;

	if (strcmp(section, "columns") == 0) {
		if (strcmp(value, "ignore") == 0)
			col = COLMAP_IGNORE;
		else if ((col = colmap_lookup(value)) < 0) {
			snprintf(why, sizeof why,
			    "'%s' is not a column (use a canonical name such "
			    "as customer_id, postal_code, or 'ignore')", value);
			return refuse(ctx, why);
		}
		pf->columns = xreallocarray(pf->columns, pf->ncolumns + 1,
		    sizeof *pf->columns);
		r = &pf->columns[pf->ncolumns++];
		r->header = xstrdup(name);
		r->col = col;
		return 1;
	}
	if (strcmp(section, "validation") == 0) {
		if (strcmp(name, "clear_token") == 0) {
			if (*value == '\0') {
				return refuse(ctx, "clear_token cannot be "
				    "empty (an empty cell means 'leave "
				    "unchanged')");
			}
			free(pf->clear_token);
			pf->clear_token = xstrdup(value);
			return 1;
		}
		if (strcmp(name, "required") == 0)
			return set_required(ctx, value);
		if (strcmp(name, "validate_addresses") == 0)
			return set_bool(ctx, name, value,
			    &pf->validate_addresses);
		snprintf(why, sizeof why,
		    "unknown key '%s' in [validation] (known: clear_token, "
		    "required, validate_addresses)", name);
		return refuse(ctx, why);
	}
	if (strcmp(section, "service") == 0)
		return service_key(ctx, name, value);
	if (strcmp(section, "submit") == 0)
		return submit_key(ctx, name, value);
	if (strcmp(section, "report") == 0)
		return report_key(ctx, name, value);
	if (strcmp(section, "approval") == 0)
		return approval_key(ctx, name, value);
	if (strcmp(section, "user") == 0) {
		if (strcmp(name, "name") == 0) {
			if (*value == '\0')
				return refuse(ctx, "name cannot be empty");
			return set_string(&pf->user_name, value);
		}
		snprintf(why, sizeof why, "unknown key '%s' in [user] (known: "
		    "name)", name);
		return refuse(ctx, why);
	}
	if (*section == '\0')
		return refuse(ctx, "a key before any [section]");
	/* reader() has refused the section line already. */
	return 0;
}

/* inih's handler: sets the key and remembers its line. */
static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct profile_ctx	*ctx = user;
	struct profile		*pf = ctx->pf;
	struct profile_origin	*o;

	if (!set_key(ctx, section, name, value))
		return 0;
	pf->origins = xreallocarray(pf->origins, pf->norigins + 1,
	    sizeof *pf->origins);
	o = &pf->origins[pf->norigins++];
	o->section = xstrdup(section);
	o->key = xstrdup(name);
	o->line = ctx->line;
	return 1;
}

int
profile_load(struct profile *pf, const char *path, struct imp_err *err)
{
	struct profile_ctx	 ctx;
	FILE			*fp;
	int			 line;

	memset(pf, 0, sizeof *pf);
	pf->clear_token = xstrdup(PROFILE_CLEAR_TOKEN);
	pf->retries = -1;
	pf->max_changes = -1;
	pf->max_change_percent = -1;
	if (path == NULL)
		return 0;
	pf->path = xstrdup(path);

	fp = fopen(path, "r");
	if (fp == NULL)
		return imp_errf(err, IMP_EXIT_USAGE, "%s: %s", path,
		    strerror(errno));
	memset(&ctx, 0, sizeof ctx);
	ctx.pf = pf;
	ctx.fp = fp;
	/* An indented line is a line like any other, not a continuation. */
	ini_allow_multiline = false;
	line = ini_parse_stream(reader, &ctx, handler, &ctx);
	fclose(fp);
	if (line == -1)
		return imp_errf(err, IMP_EXIT_USAGE, "%s: cannot read",
		    path);
	/* The first bad line: inih's (syntax) or ours (meaning). */
	if (ctx.why_line > 0 && (line == 0 || ctx.why_line <= line))
		return imp_errf(err, IMP_EXIT_USAGE, "%s:%d: %s", path,
		    ctx.why_line, ctx.why);
	if (line > 0)
		return imp_errf(err, IMP_EXIT_USAGE, "%s:%d: not a 'key = "
		    "value' line or a [section]", path, line);
	return 0;
}

void
profile_free(struct profile *pf)
{
	size_t	i;

	for (i = 0; i < pf->ncolumns; i++)
		free(pf->columns[i].header);
	free(pf->columns);
	free(pf->clear_token);
	free(pf->path);
	free(pf->cloud);
	free(pf->endpoint);
	free(pf->cacert);
	free(pf->token_command);
	free(pf->tenant);
	free(pf->client_id);
	free(pf->client_secret_env);
	free(pf->report_folder);
	free(pf->report_name);
	free(pf->user_name);
	for (i = 0; i < pf->norigins; i++) {
		free(pf->origins[i].section);
		free(pf->origins[i].key);
	}
	free(pf->origins);
	memset(pf, 0, sizeof *pf);
}

int
profile_line(const struct profile *pf, const char *section, const char *key)
{
	size_t	i;

	for (i = pf->norigins; i > 0; i--)
		if (strcmp(pf->origins[i - 1].section, section) == 0 &&
		    strcmp(pf->origins[i - 1].key, key) == 0)
			return pf->origins[i - 1].line;
	return 0;
}

char *
profile_report_path(const struct profile *pf, const char *input,
    long long run, const char *date)
{
	const char	*folder, *name, *base, *dot, *p;
	char		*out, *t;
	size_t		 n;

	folder = pf->report_folder != NULL ? pf->report_folder :
	    PROFILE_REPORT_FOLDER;
	name = pf->report_name != NULL ? pf->report_name :
	    PROFILE_REPORT_NAME;
	base = strrchr(input, '/');
	base = base != NULL ? base + 1 : input;
	dot = strrchr(base, '.');
	n = dot != NULL && dot != base ? (size_t)(dot - base) : strlen(base);

	out = xasprintf("%s/", folder);
	for (p = name; *p != '\0'; p++) {
		if (strncmp(p, "{input}", 7) == 0) {
			t = xasprintf("%s%.*s", out, (int)n, base);
			p += 6;
		} else if (strncmp(p, "{run}", 5) == 0) {
			t = xasprintf("%s%lld", out, run);
			p += 4;
		} else if (strncmp(p, "{date}", 6) == 0) {
			t = xasprintf("%s%.10s", out, date != NULL ? date : "");
			p += 5;
		} else
			t = xasprintf("%s%c", out, *p);
		free(out);
		out = t;
	}
	n = strlen(out);
	if (n < 5 || strcasecmp(out + n - 5, ".xlsx") != 0) {
		t = xasprintf("%s.xlsx", out);
		free(out);
		out = t;
	}
	return out;
}
