/*
 * sandbox.h: the local account service: an HTTP server (libmicrohttpd,
 * one thread per connection) speaking the Partner Center billing-profile
 * API over the accounts store, with bearer auth, seeded faults, and an
 * admin API for tests on loopback.
 */
#ifndef IMPORTER_SANDBOX_H
#define IMPORTER_SANDBOX_H

#include "accounts.h"
#include "fault.h"
#include "importer.h"
#include "isodata.h"

/* One finished request, for the access log. Borrowed for the call. */
struct sandbox_access {
	const char	*method;
	const char	*path;		/* without the query string */
	int		 status;	/* 0: connection dropped on purpose */
	double		 ms;		/* from first byte to completion */
	const char	*request_id;	/* MS-RequestId answered */
	int		 replayed;	/* PUT answered from a stored outcome */
};

typedef void (*sandbox_log_fn)(const struct sandbox_access *a, void *arg);

struct sandbox_opts {
	const char		*bind;		/* address; NULL: 127.0.0.1 */
	unsigned		 port;		/* 0: any free port */
	const char		*token;		/* the bearer token, required */
	const char		*client_secret;	/* OAuth2 client credentials
						 * accepted at /{tenant}/oauth2/
						 * token; NULL: no such endpoint */
	unsigned		 token_ttl;	/* its expires_in (0: 3600) */
	struct accounts		*accounts;	/* borrowed */
	const struct isodata	*iso;		/* borrowed */
	struct fault		*fault;		/* borrowed; NULL: none */
	unsigned		 max_page;	/* 0: 500 */
	unsigned		 threads;	/* 0: one per connection (needed
						 * when requests sleep); N: a
						 * pool of N event loops */
	sandbox_log_fn		 log;		/* NULL: no access log */
	void			*log_arg;
};

struct sandbox;

/* sandbox.c */
/* Starts serving. Returns NULL with err (code 69 on a bind failure). */
struct sandbox	*sandbox_start(const struct sandbox_opts *opts,
		    struct imp_err *err);
/* The port it listens on (the chosen one when started with 0). */
unsigned	 sandbox_port(const struct sandbox *sb);
/* Wakes sleeping requests, closes every connection, and frees sb. */
void		 sandbox_stop(struct sandbox *sb);

#endif
