/*
 * service.c: settings resolution. The command line wins over the
 * environment, which wins over the profile, which wins over defaults. The
 * real services are paced at their documented limit unless the profile
 * says otherwise; a sandbox runs as fast as it is asked.
 */
#include "config.h"

#include "service.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static struct service_setting *
add(struct service_settings *ss, const char *name, const char *value,
    enum service_source source, const char *from, int line)
{
	struct service_setting	*s;

	assert(ss->n < SERVICE_NSETTINGS);
	s = &ss->list[ss->n++];
	s->name = name;
	s->value = value != NULL ? xstrdup(value) : NULL;
	s->source = source;
	s->from = from;
	s->line = line;
	s->note = NULL;
	return s;
}

/* A key the profile may set (name is "section.key"), else none. */
static struct service_setting *
add_key(struct service_settings *ss, const struct profile *pf,
    const char *name, const char *value)
{
	const char	*key = strchr(name, '.') + 1;
	char		 section[16];

	if (value == NULL)
		return add(ss, name, NULL, SERVICE_DEFAULT, NULL, 0);
	snprintf(section, sizeof section, "%.*s", (int)(key - 1 - name),
	    name);
	return add(ss, name, value, SERVICE_PROFILE, key,
	    profile_line(pf, section, key));
}

/*
 * A number of [submit] (name is "submit.key"): the command line's arg if
 * given, the profile's prof if it sets the key, else dflt, into *out.
 */
static struct service_setting *
add_number(struct service_settings *ss, const struct profile *pf,
    const char *name, const char *option, int given, double arg,
    double prof, double dflt, double *out)
{
	const char	*key = name + strlen("submit.");
	char		 buf[64];
	int		 line;

	if (given) {
		*out = arg;
		snprintf(buf, sizeof buf, "%g", arg);
		return add(ss, name, buf, SERVICE_OPTION, option, 0);
	}
	if ((line = profile_line(pf, "submit", key)) != 0) {
		*out = prof;
		snprintf(buf, sizeof buf, "%g", prof);
		return add(ss, name, buf, SERVICE_PROFILE, key, line);
	}
	*out = dflt;
	snprintf(buf, sizeof buf, "%g", dflt);
	return add(ss, name, buf, SERVICE_DEFAULT, NULL, 0);
}

/* Where the service is, and whether it is a real cloud. */
static void
resolve_endpoint(struct service_settings *ss, const struct service_args *args,
    const struct profile *pf, const char *api)
{
	struct service_setting	*s;
	const char		*v;
	size_t			 n;

	if (args->endpoint != NULL)
		s = add(ss, "service.endpoint", args->endpoint, SERVICE_OPTION,
		    "--endpoint", 0);
	else if ((v = env("IMPORTER_ENDPOINT")) != NULL)
		s = add(ss, "service.endpoint", v, SERVICE_ENV,
		    "IMPORTER_ENDPOINT", 0);
	else if (pf->endpoint != NULL)
		s = add_key(ss, pf, "service.endpoint", pf->endpoint);
	else if (pf->cloud != NULL) {
		s = add(ss, "service.endpoint", api, SERVICE_PROFILE, "cloud",
		    profile_line(pf, "service", "cloud"));
		s->note = pf->cloud;
	} else {
		s = add(ss, "service.endpoint", NULL, SERVICE_DEFAULT, NULL, 0);
		s->note = "check and submit need --endpoint, IMPORTER_ENDPOINT "
		    "or a cloud; check --snapshot needs none";
	}
	if (s->value == NULL)
		return;
	ss->base = xstrdup(s->value);
	n = strlen(ss->base);
	while (n > 0 && ss->base[n - 1] == '/')
		ss->base[--n] = '\0';
	ss->client.base = ss->base;
}

/*
 * Where the token comes from, in the order of auth.c's obtain() once the
 * command line has had its say: --token-file, IMPORTER_TOKEN,
 * token_command, client credentials. Never its value.
 */
static void
resolve_token(struct service_settings *ss, const struct service_args *args,
    const struct profile *pf, const char *api, const char *login)
{
	struct auth_opts	*ao = &ss->auth;
	struct service_setting	*s;
	const char		*v;
	char			*text;
	int			 creds;

	ao->token_file = args->token_file;
	ao->token = ao->token_file == NULL ? env("IMPORTER_TOKEN") : NULL;
	ao->token_command = pf->token_command;
	creds = pf->tenant != NULL && pf->client_id != NULL &&
	    pf->client_secret_env != NULL;
	if (ao->token_file != NULL) {
		text = xasprintf("read from %s", ao->token_file);
		add(ss, "service.token", text, SERVICE_OPTION, "--token-file",
		    0);
		free(text);
	} else if (ao->token != NULL)
		add(ss, "service.token", "set (hidden)", SERVICE_ENV,
		    "IMPORTER_TOKEN", 0);
	else if (pf->token_command != NULL)
		add(ss, "service.token", "from token_command", SERVICE_PROFILE,
		    "token_command", profile_line(pf, "service",
		    "token_command"));
	else if (creds) {
		text = xasprintf("OAuth2 client credentials, secret in $%s: %s",
		    pf->client_secret_env, env(pf->client_secret_env) != NULL ?
		    "set (hidden)" : "NOT SET");
		add(ss, "service.token", text, SERVICE_PROFILE,
		    "client_secret_env", profile_line(pf, "service",
		    "client_secret_env"));
		free(text);
	} else {
		s = add(ss, "service.token", NULL, SERVICE_DEFAULT, NULL, 0);
		s->note = "set IMPORTER_TOKEN, give --token-file, or name a "
		    "token_command or client credentials in [service]";
	}
	add_key(ss, pf, "service.token_command", pf->token_command);
	add_key(ss, pf, "service.tenant", pf->tenant);
	add_key(ss, pf, "service.client_id", pf->client_id);
	s = add_key(ss, pf, "service.client_secret_env", pf->client_secret_env);
	if (pf->client_secret_env != NULL)
		s->note = env(pf->client_secret_env) != NULL ? "variable set, "
		    "value hidden" : "variable not set";
	if (!creds)
		return;
	v = env("IMPORTER_TOKEN_URL");
	ss->token_url = xasprintf("%s/%s/oauth2/token", v != NULL ? v : login,
	    pf->tenant);
	add(ss, "service.token_url", ss->token_url, v != NULL ? SERVICE_ENV :
	    SERVICE_DEFAULT, v != NULL ? "IMPORTER_TOKEN_URL" : NULL, 0);
	ao->token_url = ss->token_url;
	ao->client_id = pf->client_id;
	ao->client_secret = env(pf->client_secret_env);
	ao->resource = api;
}

void
service_settings(struct service_settings *ss, const struct service_args *args,
    const struct profile *pf)
{
	struct service_setting	*s;
	const char		*api = SERVICE_GLOBAL_API;
	const char		*login = SERVICE_GLOBAL_LOGIN;
	double			 v;
	int			 real;

	memset(ss, 0, sizeof *ss);
	if (pf->cloud != NULL && strcmp(pf->cloud, "china") == 0) {
		api = SERVICE_CHINA_API;
		login = SERVICE_CHINA_LOGIN;
	}
	add_key(ss, pf, "service.cloud", pf->cloud);
	resolve_endpoint(ss, args, pf, api);
	real = ss->base != NULL && (strcmp(ss->base, SERVICE_GLOBAL_API) == 0 ||
	    strcmp(ss->base, SERVICE_CHINA_API) == 0);

	if (args->cacert != NULL)
		s = add(ss, "service.cacert", args->cacert, SERVICE_OPTION,
		    "--cacert", 0);
	else
		s = add_key(ss, pf, "service.cacert", pf->cacert);
	if (s->value == NULL)
		s->note = "the system's CAs";
	ss->auth.cacert = ss->client.cacert = args->cacert != NULL ?
	    args->cacert : pf->cacert;
	ss->client.allow_http = args->allow_http;
	add(ss, "service.allow_http", args->allow_http ? "yes" : "no",
	    args->allow_http ? SERVICE_OPTION : SERVICE_DEFAULT,
	    args->allow_http ? "--allow-http" : NULL, 0);
	resolve_token(ss, args, pf, api, login);

	add_number(ss, pf, "submit.concurrency", "--concurrency",
	    args->concurrency > 0, args->concurrency, pf->concurrency,
	    SERVICE_CONCURRENCY, &v);
	ss->client.concurrency = (int)v;
	s = add_number(ss, pf, "submit.rate", "--rate", args->rate > 0,
	    args->rate, pf->rate, real ? SERVICE_REAL_RATE : 0,
	    &ss->client.rate);
	if (s->source == SERVICE_DEFAULT) {
		/* 500 a minute, shown as 8.33 a second. */
		free(s->value);
		s->value = real ? xasprintf("%.2f", SERVICE_REAL_RATE) : NULL;
		s->note = real ? "the service's documented limit, 500 a "
		    "minute" : "no limit: not a real cloud";
	}
	add_number(ss, pf, "submit.retries", "--retries", args->retries_given,
	    args->retries, pf->retries, SERVICE_RETRIES, &v);
	ss->client.retries = (int)v;
	add_number(ss, pf, "submit.timeout", "--timeout", args->timeout > 0,
	    args->timeout, pf->timeout, SERVICE_TIMEOUT, &v);
	ss->client.timeout_ms = 1000L * (long)v;
	add_number(ss, pf, "submit.max_wait", NULL, 0, 0, pf->max_wait,
	    SERVICE_MAX_WAIT, &v);
	ss->client.max_wait = (int)v;
}

void
service_settings_free(struct service_settings *ss)
{
	size_t	i;

	for (i = 0; i < ss->n; i++)
		free(ss->list[i].value);
	free(ss->base);
	free(ss->token_url);
	memset(ss, 0, sizeof *ss);
}

int
service_open(struct service *sv, const struct service_args *args,
    const struct profile *pf, const char *correlation_id,
    struct imp_err *err)
{
	struct service_settings	*ss = &sv->settings;
	const struct auth_opts	*ao = &ss->auth;

	memset(sv, 0, sizeof *sv);
	service_settings(ss, args, pf);
	if (ss->base == NULL) {
		service_close(sv);
		return imp_errf(err, IMP_EXIT_USAGE, "which service? give "
		    "--endpoint URL (or IMPORTER_ENDPOINT), or name the cloud "
		    "in the profile's [service]; 'importer sandbox' serves a "
		    "local one");
	}
	sv->base = ss->base;
	if (ao->token_url != NULL && ao->client_secret == NULL &&
	    ao->token == NULL && ao->token_file == NULL &&
	    ao->token_command == NULL) {
		service_close(sv);
		return imp_errf(err, IMP_EXIT_NOPERM, "the client secret is "
		    "not in $%s", pf->client_secret_env);
	}
	ss->client.correlation_id = correlation_id;
	ss->client.verbose = imp_opts.verbose;

	/* Check the URL before asking anyone for a token. */
	sv->client = client_new(&ss->client, NULL, err);
	if (sv->client == NULL) {
		service_close(sv);
		return -1;
	}
	client_free(sv->client);
	sv->client = NULL;
	sv->auth = auth_new(ao, err);
	if (sv->auth == NULL) {
		service_close(sv);
		return -1;
	}
	sv->client = client_new(&ss->client, sv->auth, err);
	if (sv->client == NULL) {
		service_close(sv);
		return -1;
	}
	return 0;
}

void
service_close(struct service *sv)
{
	client_free(sv->client);
	auth_free(sv->auth);
	service_settings_free(&sv->settings);
	memset(sv, 0, sizeof *sv);
}
