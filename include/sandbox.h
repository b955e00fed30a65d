/*
 * sandbox.h: the local account service: an HTTP server (libmicrohttpd,
 * one thread per connection) speaking the Partner Center billing-profile
 * API over its own account store, with bearer auth, seeded faults, and an
 * admin API for tests on loopback. This is the library's whole interface;
 * its modules' headers stay in importer/sandbox/.
 */
#ifndef IMPORTER_SANDBOX_H
#define IMPORTER_SANDBOX_H

#include <stddef.h>
#include <stdint.h>

#include "importer.h"

struct isodata;

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

/*
 * What to inject; probabilities are 0..1, times in milliseconds. The
 * fault plan's (fault.c) own options, here because the command fills them
 * from its flags.
 */
struct fault_opts {
	uint64_t	seed;		/* also varies the etags */
	double		latency_ms;	/* mean added to every request */
	double		spread_ms;	/* uniform +- around the mean */
	double		rate;		/* tokens per second; 0: off */
	double		burst;		/* bucket size */
	double		p503;		/* 503 before applying */
	double		p500_after;	/* PUT applied, then 500 */
	double		pdrop_after;	/* PUT applied, connection dropped */
	double		pslow;		/* reply held back slow_ms */
	double		slow_ms;
	double		pbom;		/* UTF-8 BOM before a JSON body */
	/* Refusals of every customer request (writes only with the _puts
	 * flag): the partner's rights, the token's MFA claim. */
	enum sandbox_forbid {
		SANDBOX_FORBID_NONE,
		SANDBOX_FORBID_RELATIONSHIP,	/* 403, 20002 */
		SANDBOX_FORBID_ROLE,		/* 403, "the supplied role
						 * does not have the rights" */
		SANDBOX_FORBID_ACTION,		/* 403, 600006 */
		SANDBOX_FORBID_MFA		/* 401, 900421 */
	}		forbid;
	int		forbid_puts;
	/* A 403 about one customer only (its id, lower case; "" none). */
	char		forbid_customer[40];
	int		forbid_customer_puts;
};

struct sandbox_opts {
	const char		*bind;		/* address; NULL: 127.0.0.1 */
	unsigned		 port;		/* 0: any free port */
	const char		*token;		/* the bearer token, required */
	const char		*client_secret;	/* OAuth2 client secret
						 * accepted at /{tenant}/
						 * oauth2/token; NULL: no
						 * such endpoint */
	unsigned		 token_ttl;	/* its expires_in (0: 3600) */
	int			 china;		/* as the 21Vianet cloud: a BOM
						 * before every body, tokens
						 * for its resource only */
	const char		*state;		/* the accounts' SQLite file;
						 * NULL: in memory */
	const struct isodata	*iso;		/* borrowed */
	const char		*country_rules;	/* a JSON file of country
						 * rules over the bundled
						 * ones, or NULL */
	struct fault_opts	 faults;
	unsigned		 max_page;	/* 0: 500 */
	unsigned		 threads;	/* 0: one per connection (needed
						 * when requests sleep); N: a
						 * pool of N event loops */
	sandbox_log_fn		 log;		/* NULL: no access log */
	void			*log_arg;
};

struct sandbox;

/* sandbox_http.c */
/*
 * Opens the account store (opts->state, created mode 0600) and the fault
 * plan; does not listen yet. opts is copied; the strings and iso it points
 * to must outlive the sandbox. NULL with err on failure.
 */
struct sandbox	*sandbox_open(const struct sandbox_opts *opts,
		    struct imp_err *err);
/*
 * Adds the accounts of a current-accounts CSV that the store does not hold
 * yet. Returns 0 with the counts, or -1 with err (CSV codes 65/66, else 70).
 */
int		 sandbox_seed(struct sandbox *sb, const char *csv,
		    size_t *added, size_t *present, struct imp_err *err);
/* The number of accounts, or -1. */
long long	 sandbox_count(struct sandbox *sb);
/* Starts serving. Returns -1 with err (code 69 on a bind failure). */
int		 sandbox_start(struct sandbox *sb, struct imp_err *err);
/* The port it listens on (the chosen one when started with 0). */
unsigned	 sandbox_port(const struct sandbox *sb);
/*
 * Stops serving if started (wakes sleeping requests, closes every
 * connection), closes the store and frees sb. NULL is allowed.
 */
void		 sandbox_close(struct sandbox *sb);

#endif
