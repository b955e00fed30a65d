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

/* The defaults of the pace; a help or profile text shows them with
 * SERVICE_TEXT(SERVICE_RETRIES). */
#define SERVICE_CONCURRENCY	8	/* requests at once */
#define SERVICE_RETRIES		4	/* retries of one request */
#define SERVICE_TIMEOUT		60	/* seconds one request may take */
#define SERVICE_MAX_WAIT	300	/* seconds of Retry-After waited out */
#define SERVICE_TEXT(n)		SERVICE_TEXT_(n)
#define SERVICE_TEXT_(n)	#n

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

/* Where a setting comes from, strongest first. */
enum service_source {
	SERVICE_OPTION,		/* the command line */
	SERVICE_ENV,		/* the environment */
	SERVICE_PROFILE,
	SERVICE_DEFAULT
};

/* One setting as 'importer config' shows it. */
struct service_setting {
	const char		*name;		/* "service.endpoint" */
	char			*value;		/* secrets hidden; NULL: none */
	enum service_source	 source;
	const char		*from;		/* option, variable or key */
	int			 line;		/* SERVICE_PROFILE: its line */
	const char		*note;		/* or NULL */
};

#define SERVICE_NSETTINGS	15

/*
 * Every setting of the service and of the pace, resolved: the values the
 * client and the token source take, and each setting with its origin.
 * Borrows from the service_args and the profile it was made from.
 */
struct service_settings {
	char			*base;		/* no '/' at the end, or NULL */
	char			*token_url;	/* auth.token_url's */
	struct auth_opts	 auth;
	struct client_opts	 client;	/* but the id and verbosity */
	struct service_setting	 list[SERVICE_NSETTINGS];
	size_t			 n;
};

struct service {
	char			*base;		/* the API base in use */
	struct auth		*auth;
	struct client		*client;
	struct service_settings	 settings;	/* what both point into */
};

/*
 * Resolves every setting: the command line wins over the environment,
 * which wins over the profile, which wins over the defaults. Nothing is
 * checked here (service_open does). Free with service_settings_free().
 */
void	service_settings(struct service_settings *ss,
	    const struct service_args *args, const struct profile *pf);
void	service_settings_free(struct service_settings *ss);

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
