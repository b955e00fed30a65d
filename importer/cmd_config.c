/*
 * cmd_config.c: importer config [service options]: the settings in effect
 * and where each comes from: the command line, the environment, the
 * profile (file and line) or the default. The service's settings are
 * service.c's own resolution (service_settings()); the database's is
 * main.c's. Secrets are never printed.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cmd.h"
#include "colmap.h"
#include "importer.h"
#include "profile.h"
#include "service.h"
#include "xmalloc.h"

static int	cmd_config_exec(int, char **);

const struct cmd_entry cmd_config_entry = {
	"config",
	"config [--endpoint URL] [--token-file F] [--cacert FILE] "
	"[--concurrency N] ...",
	"show the settings in effect and where each comes from (secrets "
	"hidden)",
	"  takes the service options of check and submit, to show their "
	"effect:\n",
	CMD_SERVICE,
	NULL,
	NULL,
	cmd_config_exec
};

static const char *const config_proxies[] = {
	"http_proxy", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
	"no_proxy", "NO_PROXY"
};

struct config {
	json_t			*all;	/* name -> { value, source, ... } */
	const struct profile	*pf;
};

static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Adds a setting; value NULL: not set. Takes the reference of from. */
static void
set(struct config *cf, const char *name, const char *value, json_t *from)
{
	json_t	*o = json_object();

	json_object_set_new(o, "value", value != NULL ? json_string(value) :
	    json_null());
	json_object_update(o, from);
	json_decref(from);
	json_object_set_new(cf->all, name, o);
}

static json_t *
from(const char *source)
{
	json_t	*o = json_object();

	json_object_set_new(o, "source", json_string(source));
	return o;
}

static json_t *
from_env(const char *var)
{
	json_t	*o = from("environment");

	json_object_set_new(o, "variable", json_string(var));
	return o;
}

static json_t *
from_option(const char *opt)
{
	json_t	*o = from("command line");

	json_object_set_new(o, "option", json_string(opt));
	return o;
}

/* The profile's line that sets key. */
static json_t *
from_line(const struct config *cf, const char *key, int line)
{
	json_t	*o = from("profile");

	json_object_set_new(o, "file", json_string(cf->pf->path));
	json_object_set_new(o, "line", json_integer(line));
	json_object_set_new(o, "key", json_string(key));
	return o;
}

/* The profile's [section] key, or NULL if the profile does not set it. */
static json_t *
from_profile(const struct config *cf, const char *section, const char *key)
{
	int	line = profile_line(cf->pf, section, key);

	return line != 0 ? from_line(cf, key, line) : NULL;
}

/* A profile key, else its default (value NULL: none). */
static void
set_key(struct config *cf, const char *section, const char *key,
    const char *value, const char *dflt)
{
	json_t	*o = from_profile(cf, section, key);
	char	 name[128];

	snprintf(name, sizeof name, "%s.%s", section, key);
	if (o != NULL)
		set(cf, name, value, o);
	else
		set(cf, name, dflt, from("default"));
}

static void
set_note(struct config *cf, const char *name, const char *note)
{
	json_object_set_new(json_object_get(cf->all, name), "note",
	    json_string(note));
}

/* A proxy URL without its user and password. Caller frees. */
static char *
redact_url(const char *url)
{
	const char	*host, *at, *end;

	host = strstr(url, "://");
	host = host != NULL ? host + 3 : url;
	end = host + strcspn(host, "/");
	at = memchr(host, '@', end - host);
	if (at == NULL)
		return xstrdup(url);
	return xasprintf("%.*s(hidden)%s", (int)(host - url), url, at);
}

/* The service's and the pace's settings, as service_open() resolves them. */
static void
add_service(struct config *cf, const struct service_args *sa)
{
	struct service_settings	 ss;
	const struct service_setting *s;
	json_t			*o;
	size_t			 i;

	service_settings(&ss, sa, cf->pf);
	for (i = 0; i < ss.n; i++) {
		s = &ss.list[i];
		if (s->source == SERVICE_OPTION)
			o = from_option(s->from);
		else if (s->source == SERVICE_ENV)
			o = from_env(s->from);
		else if (s->source == SERVICE_PROFILE)
			o = from_line(cf, s->from, s->line);
		else
			o = from("default");
		set(cf, s->name, s->value, o);
		if (s->note != NULL)
			set_note(cf, s->name, s->note);
	}
	service_settings_free(&ss);
}

static void
other_settings(struct config *cf)
{
	const struct profile	*pf = cf->pf;
	char			 buf[64], *s;
	const char		*v;
	size_t			 i;
	int			 any = 0;

	buf[0] = '\0';
	if (pf->max_changes >= 0)
		snprintf(buf, sizeof buf, "%ld", pf->max_changes);
	set_key(cf, "submit", "max_changes", buf, NULL);
	if (pf->max_change_percent >= 0)
		snprintf(buf, sizeof buf, "%g", pf->max_change_percent);
	set_key(cf, "submit", "max_change_percent", buf, NULL);

	set_key(cf, "approval", "required",
	    pf->approval == PROFILE_APPROVAL_ALWAYS ? "always" :
	    pf->approval == PROFILE_APPROVAL_FLAGGED ? "flagged" : "never",
	    "never");
	buf[0] = '\0';
	if (pf->approval_min_rows > 0)
		snprintf(buf, sizeof buf, "%ld", pf->approval_min_rows);
	set_key(cf, "approval", "min_rows", buf, NULL);
	/* The operator, as cmd_operator() resolves it. */
	if (imp_opts.as != NULL)
		set(cf, "operator", imp_opts.as, from_option("--as"));
	else if ((v = env("IMPORTER_USER")) != NULL)
		set(cf, "operator", v, from_env("IMPORTER_USER"));
	else if (pf->user_name != NULL)
		set(cf, "operator", pf->user_name, from_profile(cf, "user",
		    "name"));
	else
		set(cf, "operator", cmd_operator(), from("default"));

	set_key(cf, "report", "folder", pf->report_folder,
	    PROFILE_REPORT_FOLDER);
	set_key(cf, "report", "name", pf->report_name, PROFILE_REPORT_NAME);

	if ((v = env("IMPORTER_ISO_CODES_DIR")) != NULL)
		set(cf, "iso_codes_dir", v, from_env("IMPORTER_ISO_CODES_DIR"));
	else
		set(cf, "iso_codes_dir", ISO_CODES_DIR, from("default"));
	if ((v = env("TMPDIR")) != NULL)
		set(cf, "tmpdir", v, from_env("TMPDIR"));
	else
		set(cf, "tmpdir", "/tmp", from("default"));
	for (i = 0; i < sizeof config_proxies / sizeof config_proxies[0];
	    i++) {
		if ((v = env(config_proxies[i])) == NULL)
			continue;
		snprintf(buf, sizeof buf, "proxy.%s", config_proxies[i]);
		s = redact_url(v);
		set(cf, buf, s, from_env(config_proxies[i]));
		free(s);
		any = 1;
	}
	if (!any) {
		set(cf, "proxy", NULL, from("default"));
		set_note(cf, "proxy", "direct: none of libcurl's proxy "
		    "variables is set");
	}
}

static void
profile_settings(struct config *cf)
{
	const struct profile	*pf = cf->pf;
	char			 name[1100], list[512];
	json_t			*o;
	size_t			 i;
	int			 col;

	for (i = 0; i < pf->ncolumns; i++) {
		snprintf(name, sizeof name, "columns.%s",
		    pf->columns[i].header);
		o = from_profile(cf, "columns", pf->columns[i].header);
		set(cf, name, pf->columns[i].col == COLMAP_IGNORE ? "ignore" :
		    colmap_name(pf->columns[i].col), o != NULL ? o :
		    from("profile"));
	}
	set_key(cf, "validation", "clear_token", pf->clear_token,
	    PROFILE_CLEAR_TOKEN);
	snprintf(list, sizeof list, "customer_id");
	for (col = 0; col < COL_COUNT; col++)
		if ((pf->required & (1u << col)) != 0 &&
		    strcmp(colmap_name(col), "customer_id") != 0)
			snprintf(list + strlen(list), sizeof list -
			    strlen(list), ", %s", colmap_name(col));
	set_key(cf, "validation", "required", list, "customer_id");
}

/* One line a setting: name, value, where it comes from. */
static void
print_human(json_t *all)
{
	const char	*name, *src;
	json_t		*o, *v;
	char		 where[1200];

	json_object_foreach(all, name, o) {
		src = json_string_value(json_object_get(o, "source"));
		if (strcmp(src, "profile") == 0)
			snprintf(where, sizeof where, "%s:%lld",
			    json_string_value(json_object_get(o, "file")),
			    (long long)json_integer_value(json_object_get(o,
			    "line")));
		else if (strcmp(src, "environment") == 0)
			snprintf(where, sizeof where, "environment %s",
			    json_string_value(json_object_get(o, "variable")));
		else if (strcmp(src, "command line") == 0)
			snprintf(where, sizeof where, "command line %s",
			    json_string_value(json_object_get(o, "option")));
		else
			snprintf(where, sizeof where, "%s", src);
		v = json_object_get(o, "value");
		printf("%-26s %-34s %s", name, json_is_string(v) ?
		    json_string_value(v) : "(none)", where);
		if (json_object_get(o, "note") != NULL)
			printf(" (%s)", json_string_value(json_object_get(o,
			    "note")));
		putchar('\n');
	}
}

static int
cmd_config_exec(int argc, char **argv)
{
	struct cmd_opts		 opts;
	struct profile		 pf;
	struct imp_err		 err;
	struct config		 cf;
	const char		*v;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	/* No options of its own: any answer but -1 ends it. */
	if (cmd_getopt(&cmd_config_entry, argc, argv, &opts) != -1)
		return opts.exit;
	if (optind < argc)
		return cmd_usage(&cmd_config_entry, "unexpected argument '%s'",
		    argv[optind]);
	if (profile_load(&pf, imp_opts.profile, &err) == -1) {
		profile_free(&pf);
		return cmd_fail(&err);
	}

	cf.all = json_object();
	cf.pf = &pf;
	if (imp_opts.db_given)
		set(&cf, "db", imp_opts.db, from_option("--db"));
	else if ((v = env("IMPORTER_DB")) != NULL)
		set(&cf, "db", v, from_env("IMPORTER_DB"));
	else
		set(&cf, "db", imp_opts.db, from("default"));
	set(&cf, "profile", imp_opts.profile, imp_opts.profile != NULL ?
	    from_option("--profile") : from("default"));
	profile_settings(&cf);
	add_service(&cf, &opts.submit.sa);
	other_settings(&cf);

	if (imp_opts.json)
		cmd_json_print(cf.all);
	else {
		print_human(cf.all);
		json_decref(cf.all);
	}
	profile_free(&pf);
	return IMP_EXIT_OK;
}
