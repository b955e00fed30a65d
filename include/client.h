/*
 * client.h: the account service over HTTP(S), with the libcurl multi
 * interface: many requests at once under a concurrency limit and a rate,
 * keep-alive and HTTP/2 where offered. The service's asks are obeyed: after
 * a 429 or 503 no request starts until Retry-After has passed, and the
 * concurrency drops. Transport failures and 5xx replies to reads are
 * retried with backoff and jitter; a write whose reply was lost (or was a
 * 5xx) is handed back as "fate unknown" for the caller to re-read.
 */
#ifndef IMPORTER_CLIENT_H
#define IMPORTER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "importer.h"

/* The longest etag kept whole: a longer one is refused, never cut. */
#define CLIENT_ETAG_MAX		1024
struct client_opts {
	const char	*base;		/* API base URL, no trailing '/' */
	const char	*cacert;	/* NULL: the system's CAs */
	int		 allow_http;	/* plain http to a non-loopback host */
	int		 concurrency;	/* requests at once (default 8) */
	double		 rate;		/* requests a second (0: no limit) */
	int		 retries;	/* per request (default 4) */
	long		 timeout_ms;	/* per request (default 60000) */
	int		 max_wait;	/* seconds of Retry-After waited out;
					 * more: the request ends CLIENT_WAIT
					 * (service_settings() gives it) */
	const char	*correlation_id;	/* MS-CorrelationId, or NULL */
	int		 verbose;	/* log requests on stderr */
};

enum client_method {
	CLIENT_GET,
	CLIENT_PUT,
	CLIENT_POST	/* a question with a body (an address to validate):
			 * changes nothing, retried as a read is */
};

enum client_fate {
	CLIENT_DONE,		/* a reply: status and body */
	CLIENT_UNKNOWN,		/* a write whose reply was lost or a 5xx */
	CLIENT_UNREACHABLE,	/* no connection after the retries */
	CLIENT_AUTH,		/* 401 after a new token (error: why) */
	CLIENT_STOPPED,		/* never sent: the run was stopped */
	CLIENT_WAIT		/* the service asked for a longer wait than
				 * max_wait (retry_after): not sent */
};

/* One request. The caller owns it, and must keep it alive until done. */
struct client_req {
	/* in */
	enum client_method	 method;
	char			 path[512];	/* "/v1/customers/.../..." */
	char			*body;		/* PUT, POST: JSON; caller's */
	char			 if_match[CLIENT_ETAG_MAX + 1];	/* unquoted;
							 * "" none */
	char			 request_id[40];	/* "": a new GUID */
	char			 continuation[1024];	/* a collection's next
						 * page: its
						 * MS-ContinuationToken;
						 * "" none */
	void			*arg;
	/* out */
	enum client_fate	 fate;
	long			 status;	/* HTTP status, 0 if none */
	char			*resp;		/* body (NUL-ended) or NULL */
	size_t			 resplen;
	char			 etag[CLIENT_ETAG_MAX + 1];	/* ETag reply
							 * header, unquoted;
							 * "" none or longer */
	char			 error[256];	/* transport error text */
	double			 retry_after;	/* CLIENT_WAIT: seconds */
	int			 attempts;
	/* the client's */
	void			*priv;
};

/* What a run of the client did, for progress and benchmarks. */
struct client_stats {
	uint64_t	sent;		/* requests sent, retries included */
	uint64_t	throttled;	/* 429 and 503 replies */
	uint64_t	retried;
	uint64_t	paused_ms;	/* time spent waiting for Retry-After */
	int		concurrency;	/* as it is now */
};

typedef void	(*client_done_fn)(struct client_req *req, void *arg);

struct client;

/* NULL with err (64 for a refused URL). */
struct client	*client_new(const struct client_opts *opts, struct auth *auth,
		    struct imp_err *err);
void		 client_free(struct client *cl);
/* Queues req; done is called once with its result (from client_run). */
void		 client_add(struct client *cl, struct client_req *req,
		    client_done_fn done, void *arg);
/*
 * Sets a feeder, called whenever few requests are queued: it adds some
 * with client_add and returns nonzero while it has more. Keeps memory
 * bounded when a run has many rows.
 */
void		 client_feed(struct client *cl, int (*feed)(void *arg),
		    void *arg);
/* Sets a hook called after each round of answers has been handed out
 * (to commit their outcomes at once). */
void		 client_after(struct client *cl, void (*after)(void *arg),
		    void *arg);
/* Sends until nothing is queued or in flight. 0, or -1 with err. */
int		 client_run(struct client *cl, struct imp_err *err);
/* Starts nothing more: the queued requests end CLIENT_STOPPED. */
void		 client_stop(struct client *cl);
void		 client_stats(const struct client *cl, struct client_stats *s);
/* "the service asked to wait N s (until HH:MM UTC), longer than M s"
 * for a CLIENT_WAIT request, into buf. */
void		 client_wait_text(const struct client_req *req, char *buf,
		    size_t size);
/* Frees a finished request's reply. */
void		 client_req_clear(struct client_req *req);

#endif
