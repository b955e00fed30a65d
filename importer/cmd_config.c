/*
 * cmd_config.c: importer config [service options]: the settings in effect
 * and where each comes from: the command line, the environment, the
 * profile (file and line) or the default, resolved in the order
 * service.c, auth.c and main.c use. Secrets are never printed.
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
	"effect:\n"
	CMD_SERVICE_HELP,
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

/* The profile's [section] key, or NULL if the profile does not set it. */
static json_t *
from_profile(const struct config *cf, const char *section, const char *key)
{
	json_t	*o;
	int	 line = profile_line(cf->pf, section, key);

	if (line == 0)
		return NULL;
	o = from("profile");
	json_object_set_new(o, "file", json_string(cf->pf->path));
	json_object_set_new(o, "line", json_integer(line));
	json_object_set_new(o, "key", json_string(key));
	return o;
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

/*
 * A number setting: the command line (arg, -1 when not given), the profile
 * (if it sets the key) or dflt.
 */
static void
set_number(struct config *cf, const char *key, const char *opt,
    double arg, double prof, const char *dflt)
{
	char	 buf[64], name[64];
	json_t	*o;

	snprintf(name, sizeof name, "submit.%s", key);
	if (arg >= 0) {
		snprintf(buf, sizeof buf, "%g", arg);
		set(cf, name, buf, from_option(opt));
	} else if ((o = from_profile(cf, "submit", key)) != NULL) {
		snprintf(buf, sizeof buf, "%g", prof);
		set(cf, name, buf, o);
	} else
		set(cf, name, dflt, from("default"));
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

static void
service_settings(struct config *cf, const struct service_args *sa)
{
	const struct profile	*pf = cf->pf;
	const char		*api = SERVICE_GLOBAL_API;
	const char		*login = SERVICE_GLOBAL_LOGIN, *v;
	char			*s;
	json_t			*o;
	int			 real = 0, creds;

	if (pf->cloud != NULL && strcmp(pf->cloud, "china") == 0) {
		api = SERVICE_CHINA_API;
		login = SERVICE_CHINA_LOGIN;
	}
	set_key(cf, "service", "cloud", pf->cloud, NULL);

	/* The order of service_open(). */
	if (sa->endpoint != NULL)
		set(cf, "service.endpoint", sa->endpoint,
		    from_option("--endpoint"));
	else if ((v = env("IMPORTER_ENDPOINT")) != NULL)
		set(cf, "service.endpoint", v, from_env("IMPORTER_ENDPOINT"));
	else if (pf->endpoint != NULL)
		set_key(cf, "service", "endpoint", pf->endpoint, NULL);
	else if (pf->cloud != NULL) {
		set(cf, "service.endpoint", api,
		    from_profile(cf, "service", "cloud"));
		set_note(cf, "service.endpoint", pf->cloud);
	} else {
		set(cf, "service.endpoint", NULL, from("default"));
		set_note(cf, "service.endpoint", "check and submit need "
		    "--endpoint, IMPORTER_ENDPOINT or a cloud; check "
		    "--snapshot needs none");
	}
	v = json_string_value(json_object_get(json_object_get(cf->all,
	    "service.endpoint"), "value"));
	if (v != NULL) {
		s = xstrdup(v);
		while (*s != '\0' && s[strlen(s) - 1] == '/')
			s[strlen(s) - 1] = '\0';
		real = strcmp(s, SERVICE_GLOBAL_API) == 0 ||
		    strcmp(s, SERVICE_CHINA_API) == 0;
		free(s);
	}

	if (sa->cacert != NULL)
		set(cf, "service.cacert", sa->cacert, from_option("--cacert"));
	else
		set_key(cf, "service", "cacert", pf->cacert, NULL);
	if (json_is_null(json_object_get(json_object_get(cf->all,
	    "service.cacert"), "value")))
		set_note(cf, "service.cacert", "the system's CAs");
	set(cf, "service.allow_http", sa->allow_http ? "yes" : "no",
	    sa->allow_http ? from_option("--allow-http") : from("default"));

	/* The token: the order of service.c (the command line first, then
	 * auth.c's obtain()). Never its value. */
	creds = pf->tenant != NULL && pf->client_id != NULL &&
	    pf->client_secret_env != NULL;
	if (sa->token_file != NULL) {
		s = xasprintf("read from %s", sa->token_file);
		set(cf, "service.token", s, from_option("--token-file"));
		free(s);
	} else if (env("IMPORTER_TOKEN") != NULL)
		set(cf, "service.token", "set (hidden)",
		    from_env("IMPORTER_TOKEN"));
	else if (pf->token_command != NULL)
		set(cf, "service.token", "from token_command",
		    from_profile(cf, "service", "token_command"));
	else if (creds) {
		s = xasprintf("OAuth2 client credentials, secret in $%s: %s",
		    pf->client_secret_env, env(pf->client_secret_env) != NULL ?
		    "set (hidden)" : "NOT SET");
		set(cf, "service.token", s,
		    from_profile(cf, "service", "client_secret_env"));
		free(s);
	} else {
		set(cf, "service.token", NULL, from("default"));
		set_note(cf, "service.token", "set IMPORTER_TOKEN, give "
		    "--token-file, or name a token_command or client "
		    "credentials in [service]");
	}
	set_key(cf, "service", "token_command", pf->token_command, NULL);
	set_key(cf, "service", "tenant", pf->tenant, NULL);
	set_key(cf, "service", "client_id", pf->client_id, NULL);
	set_key(cf, "service", "client_secret_env", pf->client_secret_env,
	    NULL);
	if (pf->client_secret_env != NULL)
		set_note(cf, "service.client_secret_env",
		    env(pf->client_secret_env) != NULL ? "variable set, "
		    "value hidden" : "variable not set");
	if (creds) {
		if ((v = env("IMPORTER_TOKEN_URL")) != NULL)
			o = from_env("IMPORTER_TOKEN_URL");
		else {
			v = login;
			o = from("default");
		}
		s = xasprintf("%s/%s/oauth2/token", v, pf->tenant);
		set(cf, "service.token_url", s, o);
		free(s);
	}

	/* Given on the command line: > 0, or retries_given (0 is a value). */
	set_number(cf, "concurrency", "--concurrency", sa->concurrency > 0 ?
	    sa->concurrency : -1, pf->concurrency, "8");
	set_number(cf, "rate", "--rate", sa->rate > 0 ? sa->rate : -1,
	    pf->rate, real ? "8.33" : NULL);
	if (sa->rate <= 0 && profile_line(pf, "submit", "rate") == 0)
		set_note(cf, "submit.rate", real ? "the service's documented "
		    "limit, 500 a minute" : "no limit: not a real cloud");
	set_number(cf, "retries", "--retries", sa->retries_given ?
	    sa->retries : -1, pf->retries, "4");
	set_number(cf, "timeout", "--timeout", sa->timeout > 0 ?
	    sa->timeout : -1, pf->timeout, "60");
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
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_SERVICE_OPTIONS,
		{ NULL, 0, NULL, 0 }
	};
	struct service_args	 sa;
	struct profile		 pf;
	struct imp_err		 err;
	struct config		 cf;
	const char		*v;
	int			 c, r;

	memset(&sa, 0, sizeof sa);
	memset(&err, 0, sizeof err);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(&cmd_config_entry);
		r = cmd_service_opt(c, optarg, &sa);
		if (r == -1)
			return cmd_usage(&cmd_config_entry, "bad value '%s'",
			    optarg);
		if (r == 0)
			return cmd_usage(&cmd_config_entry, NULL);
	}
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
	service_settings(&cf, &sa);
	other_settings(&cf);

	if (imp_opts.json) {
		json_dumpf(cf.all, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else
		print_human(cf.all);
	json_decref(cf.all);
	profile_free(&pf);
	return IMP_EXIT_OK;
}
