/*
 * auth.h: the bearer token, from wherever the team keeps it: the
 * environment, a file, a command (a vault client), or OAuth2 client
 * credentials. The token lives in memory only and is wiped when freed:
 * never in the database, a log, a report or an error message.
 */
#ifndef IMPORTER_AUTH_H
#define IMPORTER_AUTH_H

#include "importer.h"

struct auth_opts {
	const char	*token;		/* $IMPORTER_TOKEN, or NULL */
	const char	*token_file;	/* --token-file */
	const char	*token_command;	/* profile [service] token_command */
	/* OAuth2 client credentials: all three, and token_url. */
	const char	*token_url;	/* ".../{tenant}/oauth2/token" */
	const char	*client_id;
	const char	*client_secret;
	const char	*resource;	/* the API's token resource */
	const char	*cacert;
};

struct auth;

/* Gets a first token. NULL with err (77 when none can be had). */
struct auth	*auth_new(const struct auth_opts *opts, struct imp_err *err);
/* Wipes the token and frees. */
void		 auth_free(struct auth *a);
/*
 * The "Authorization: Bearer ..." header line (borrowed until the next
 * auth call). Refreshes first when an OAuth token is about to expire.
 */
const char	*auth_header(struct auth *a, struct imp_err *err);
/* Gets a new token after a 401; -1 (77) when the source cannot. */
int		 auth_refresh(struct auth *a, struct imp_err *err);
/* Nonzero if s contains the token (for tests of what was written). */
int		 auth_leaks(const struct auth *a, const char *s);

#endif
