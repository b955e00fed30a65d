/*
 * service.h: where the account service is and how to reach it, from the
 * command line, the environment and the profile (in that order): the API
 * base (an endpoint, or the cloud: global or the China cloud operated by
 * 21Vianet), the token source, TLS, and the pace.
 */
#ifndef IMPORTER_SERVICE_H
#define IMPORTER_SERVICE_H

#include "auth.h"
#include "client.h"
#include "importer.h"
#include "profile.h"

#define SERVICE_GLOBAL_API	"https://api.partnercenter.microsoft.com"
#define SERVICE_GLOBAL_LOGIN	"https://login.microsoftonline.com"
#define SERVICE_CHINA_API	"https://partner.partnercenterapi.microsoftonline.cn"
#define SERVICE_CHINA_LOGIN	"https://login.chinacloudapi.cn"
/* The documented limit of the Customer resource: 500 a minute. */
#define SERVICE_REAL_RATE	(500.0 / 60.0)

/* What the command line says; NULL or 0 where it says nothing. */
struct service_args {
	const char	*endpoint;
	const char	*token_file;
	const char	*cacert;
	int		 allow_http;
	int		 concurrency;
	double		 rate;
	int		 retries;
	int		 retries_given;	/* --retries was given (0 is a value) */
	int		 timeout;	/* seconds */
};

struct service {
	char		*base;		/* the API base in use */
	struct auth	*auth;
	struct client	*client;
};

/*
 * Resolves the settings and opens the client (getting a token). Returns 0,
 * or -1 with err: 64 without an endpoint or with a refused URL, 77 without
 * a token.
 */
int	service_open(struct service *sv, const struct service_args *args,
	    const struct profile *pf, const char *correlation_id,
	    struct imp_err *err);
void	service_close(struct service *sv);

#endif
