/*
 * service.c: settings resolution. The command line wins over the
 * environment, which wins over the profile, which wins over defaults. The
 * real services are paced at their documented limit unless the profile
 * says otherwise; a sandbox runs as fast as it is asked.
 */
#include "config.h"

#include "service.h"

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

int
service_open(struct service *sv, const struct service_args *args,
    const struct profile *pf, const char *correlation_id,
    struct imp_err *err)
{
	struct client_opts	 co;
	struct auth_opts	 ao;
	const char		*base, *login = SERVICE_GLOBAL_LOGIN;
	const char		*api = SERVICE_GLOBAL_API;
	char			*token_url = NULL;
	size_t			 n;
	int			 real;

	memset(sv, 0, sizeof *sv);
	if (pf->cloud != NULL && strcmp(pf->cloud, "china") == 0) {
		api = SERVICE_CHINA_API;
		login = SERVICE_CHINA_LOGIN;
	}
	base = args->endpoint;
	if (base == NULL)
		base = env("IMPORTER_ENDPOINT");
	if (base == NULL)
		base = pf->endpoint;
	if (base == NULL && pf->cloud != NULL)
		base = api;
	if (base == NULL)
		return imp_errf(err, IMP_EXIT_USAGE, "which service? give "
		    "--endpoint URL (or IMPORTER_ENDPOINT), or name the cloud "
		    "in the profile's [service]; 'importer sandbox' serves a "
		    "local one");
	sv->base = xstrdup(base);
	n = strlen(sv->base);
	while (n > 0 && sv->base[n - 1] == '/')
		sv->base[--n] = '\0';
	real = strcmp(sv->base, SERVICE_GLOBAL_API) == 0 ||
	    strcmp(sv->base, SERVICE_CHINA_API) == 0;

	memset(&ao, 0, sizeof ao);
	/* The command line wins over the environment. */
	ao.token_file = args->token_file;
	ao.token = ao.token_file == NULL ? env("IMPORTER_TOKEN") : NULL;
	ao.token_command = pf->token_command;
	ao.cacert = args->cacert != NULL ? args->cacert : pf->cacert;
	if (pf->tenant != NULL && pf->client_id != NULL &&
	    pf->client_secret_env != NULL) {
		token_url = xasprintf("%s/%s/oauth2/token",
		    env("IMPORTER_TOKEN_URL") != NULL ?
		    env("IMPORTER_TOKEN_URL") : login, pf->tenant);
		ao.token_url = token_url;
		ao.client_id = pf->client_id;
		ao.client_secret = env(pf->client_secret_env);
		ao.resource = api;
		if (ao.client_secret == NULL && ao.token == NULL &&
		    ao.token_file == NULL && ao.token_command == NULL) {
			free(token_url);
			service_close(sv);
			return imp_errf(err, IMP_EXIT_NOPERM, "the client "
			    "secret is not in $%s", pf->client_secret_env);
		}
	}

	memset(&co, 0, sizeof co);
	co.base = sv->base;
	co.cacert = ao.cacert;
	co.allow_http = args->allow_http;
	co.concurrency = args->concurrency > 0 ? args->concurrency :
	    pf->concurrency > 0 ? pf->concurrency : 8;
	co.rate = args->rate > 0 ? args->rate : pf->rate > 0 ? pf->rate :
	    real ? SERVICE_REAL_RATE : 0;
	co.retries = args->retries_given ? args->retries : pf->retries;
	co.timeout_ms = 1000L * (args->timeout > 0 ? args->timeout :
	    pf->timeout > 0 ? pf->timeout : 60);
	co.correlation_id = correlation_id;
	co.verbose = imp_opts.verbose;

	/* Check the URL before asking anyone for a token. */
	sv->client = client_new(&co, NULL, err);
	if (sv->client == NULL) {
		free(token_url);
		service_close(sv);
		return -1;
	}
	client_free(sv->client);
	sv->auth = auth_new(&ao, err);
	free(token_url);
	if (sv->auth == NULL) {
		sv->client = NULL;
		service_close(sv);
		return -1;
	}
	sv->client = client_new(&co, sv->auth, err);
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
	free(sv->base);
	memset(sv, 0, sizeof *sv);
}
