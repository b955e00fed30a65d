/*
 * client.c: the request engine. One curl multi handle; requests wait in a
 * ready queue (FIFO) or, while backing off, in a delayed list; a loop
 * starts them as concurrency, rate and Retry-After allow, and hands each
 * finished one to its callback.
 */
#include "config.h"

#include "client.h"

#include <sys/random.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "billing.h"
#include "buf.h"
#include "guid.h"
#include "xmalloc.h"

#define CLIENT_MAX_BODY		(8 * 1024 * 1024)
#define CLIENT_MAX_THROTTLES	12	/* 429/503 replies per request */

struct pending {
	struct client_req	*req;
	client_done_fn		 done;
	void			*arg;
	CURL			*easy;
	struct curl_slist	*hdrs;
	char			*url;
	struct buf		 body;		/* the reply's, as it comes */
	double			 not_before;
	double			 retry_after;	/* from the reply, or 0 */
	int			 retries;
	int			 throttles;
	int			 reauthed;
	size_t			 sent;		/* of a PUT's body, this send */
	size_t			 bodylen;
	int			 resent;	/* libcurl sent a PUT again */
	char			 errbuf[CURL_ERROR_SIZE];
	struct pending		*next;
};

struct client {
	CURLM			*multi;
	struct client_opts	 opts;
	struct auth		*auth;
	struct pending		*head, *tail;	/* ready */
	struct pending		*delayed;	/* backing off */
	size_t			 queued;
	int			 active, max_active;
	double			 next_start, pause_until;
	int			 stopped, fatal;
	struct imp_err		 ferr;
	struct client_stats	 st;
	unsigned		 streak;
	CURL			*spare[64];
	int			 nspare;
	int			(*feed)(void *);
	void			*feed_arg;
	void			(*after)(void *);
	void			*after_arg;
	int			 fed_all;
	uint64_t		 rng;
	struct pollfd		*pfd;		/* the sockets curl watches */
	size_t			 npfd, pfdcap;
	double			 timer_at;	/* curl's timeout; < 0: none */
	int			 tls;		/* the base is https */
};

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Nonzero for localhost, an IPv4 literal in 127/8, or ::1. */
static int
loopback(const char *host)
{
	struct in_addr	a4;
	struct in6_addr	a6;
	char		buf[64];
	size_t		n = strlen(host);

	if (strcasecmp(host, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (n >= 2 && n < sizeof buf && host[0] == '[' && host[n - 1] == ']') {
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	return inet_pton(AF_INET6, host, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Plain http is for loopback (the sandbox) unless asked for. */
static int
check_url(const char *base, int allow_http, struct imp_err *err)
{
	CURLU	*u;
	char	*scheme = NULL, *host = NULL;
	int	 rc = 0;

	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, base, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		rc = imp_errf(err, IMP_EXIT_USAGE, "'%s' is not a URL", base);
	} else if (strcasecmp(scheme, "https") != 0 &&
	    strcasecmp(scheme, "http") != 0) {
		rc = imp_errf(err, IMP_EXIT_USAGE, "%s: only https (or http "
		    "to this machine) is spoken", base);
	} else if (strcasecmp(scheme, "http") == 0 && !allow_http &&
	    !loopback(host)) {
		rc = imp_errf(err, IMP_EXIT_USAGE, "%s: plain http to another "
		    "machine would send the token and personal data in the "
		    "clear; use https (or --allow-http)", base);
	}
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return rc;
}

/*
 * curl tells which sockets to watch and when to call it back; the loop
 * polls those and hands curl only the sockets that are ready, so a round
 * costs what happened in it, not a look at every transfer.
 */
static int
on_socket(CURL *e, curl_socket_t s, int what, void *arg, void *sockp)
{
	struct client	*cl = arg;
	size_t		 i;

	(void)e;
	(void)sockp;
	for (i = 0; i < cl->npfd && cl->pfd[i].fd != s; i++)
		;
	if (what == CURL_POLL_REMOVE) {
		if (i < cl->npfd)
			cl->pfd[i] = cl->pfd[--cl->npfd];
		return 0;
	}
	if (i == cl->npfd) {
		if (cl->npfd == cl->pfdcap) {
			cl->pfdcap = cl->pfdcap ? cl->pfdcap * 2 : 16;
			cl->pfd = xreallocarray(cl->pfd, cl->pfdcap,
			    sizeof *cl->pfd);
		}
		cl->pfd[cl->npfd++].fd = s;
	}
	cl->pfd[i].events = (short)(((what & CURL_POLL_IN) ? POLLIN : 0) |
	    ((what & CURL_POLL_OUT) ? POLLOUT : 0));
	cl->pfd[i].revents = 0;
	return 0;
}

static int
on_timer(CURLM *m, long ms, void *arg)
{
	struct client	*cl = arg;

	(void)m;
	cl->timer_at = ms < 0 ? -1 : now_s() + ms / 1000.0;
	return 0;
}

/* Lets curl act on its expired timeouts (new transfers start so). */
static void
kick(struct client *cl)
{
	int	running;

	if (cl->timer_at >= 0 && cl->timer_at <= now_s()) {
		cl->timer_at = -1;
		curl_multi_socket_action(cl->multi, CURL_SOCKET_TIMEOUT, 0,
		    &running);
	}
}

struct client *
client_new(const struct client_opts *opts, struct auth *auth,
    struct imp_err *err)
{
	struct client	*cl;

	if (check_url(opts->base, opts->allow_http, err) == -1)
		return NULL;
	cl = xcalloc(1, sizeof *cl);
	cl->opts = *opts;
	if (cl->opts.concurrency <= 0)
		cl->opts.concurrency = 8;
	if (cl->opts.retries < 0)
		cl->opts.retries = 4;
	if (cl->opts.timeout_ms <= 0)
		cl->opts.timeout_ms = 60000;
	cl->max_active = cl->opts.concurrency;
	cl->auth = auth;
	cl->multi = curl_multi_init();
	curl_multi_setopt(cl->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(cl->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)cl->opts.concurrency);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(cl->multi, CURLMOPT_SOCKETDATA, cl);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(cl->multi, CURLMOPT_TIMERDATA, cl);
	cl->timer_at = -1;
	cl->tls = strncasecmp(cl->opts.base, "https:", 6) == 0;
	cl->rng = (uint64_t)time(NULL) * 2654435761u + (uintptr_t)cl;
	return cl;
}

static void
pending_free(struct pending *p)
{
	curl_slist_free_all(p->hdrs);
	free(p->url);
	buf_free(&p->body);
	free(p);
}

void
client_free(struct client *cl)
{
	struct pending	*p, *n;
	int		 i;

	if (cl == NULL)
		return;
	for (p = cl->head; p != NULL; p = n) {
		n = p->next;
		pending_free(p);
	}
	for (p = cl->delayed; p != NULL; p = n) {
		n = p->next;
		pending_free(p);
	}
	for (i = 0; i < cl->nspare; i++)
		curl_easy_cleanup(cl->spare[i]);
	curl_multi_cleanup(cl->multi);
	free(cl->pfd);
	free(cl);
}

void
client_req_clear(struct client_req *req)
{
	free(req->resp);
	req->resp = NULL;
	req->resplen = 0;
}

static void
push_back(struct client *cl, struct pending *p)
{
	p->next = NULL;
	if (cl->tail != NULL)
		cl->tail->next = p;
	else
		cl->head = p;
	cl->tail = p;
	cl->queued++;
}

static void
push_front(struct client *cl, struct pending *p)
{
	p->next = cl->head;
	cl->head = p;
	if (cl->tail == NULL)
		cl->tail = p;
	cl->queued++;
}

void
client_add(struct client *cl, struct client_req *req, client_done_fn done,
    void *arg)
{
	struct pending	*p;

	p = xcalloc(1, sizeof *p);
	p->req = req;
	p->done = done;
	p->arg = arg;
	req->fate = CLIENT_DONE;
	req->status = 0;
	req->attempts = 0;
	req->error[0] = '\0';
	req->etag[0] = '\0';
	req->retry_after = 0;
	client_req_clear(req);
	if (req->request_id[0] == '\0')
		guid_random(req->request_id);
	push_back(cl, p);
}

void
client_feed(struct client *cl, int (*feed)(void *), void *arg)
{
	cl->feed = feed;
	cl->feed_arg = arg;
	cl->fed_all = 0;
}

void
client_after(struct client *cl, void (*after)(void *), void *arg)
{
	cl->after = after;
	cl->after_arg = arg;
}

void
client_stop(struct client *cl)
{
	cl->stopped = 1;
}

void
client_wait_text(const struct client_req *req, char *buf, size_t size)
{
	time_t		until = time(NULL) + (time_t)req->retry_after;
	struct tm	tm;

	gmtime_r(&until, &tm);
	snprintf(buf, size, "the service asked to wait %.0f s before more "
	    "requests (Retry-After), longer than the profile's [submit] "
	    "max_wait; nothing more was sent: resume after %02d:%02d UTC",
	    req->retry_after, tm.tm_hour, tm.tm_min);
}

void
client_stats(const struct client *cl, struct client_stats *s)
{
	*s = cl->st;
	s->concurrency = cl->max_active;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct pending	*p = arg;
	size_t		 n = size * nmemb;

	if (p->body.len + n > CLIENT_MAX_BODY)
		return 0;	/* aborts: CURLE_WRITE_ERROR */
	buf_add(&p->body, data, n);
	return n;
}

/*
 * Copies a header's value (trimmed, quotes and W/ removed for ETag). A
 * value longer than outsize - 1 is not cut: out is left empty.
 */
static int
header_value(const char *line, size_t len, const char *name, char *out,
    size_t outsize)
{
	size_t	n = strlen(name), i, o = 0;

	if (len <= n + 1 || strncasecmp(line, name, n) != 0 ||
	    line[n] != ':')
		return 0;
	i = n + 1;
	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	if (i + 1 < len && line[i] == 'W' && line[i + 1] == '/')
		i += 2;
	if (i < len && line[i] == '"')
		i++;
	while (i < len && line[i] != '\r' && line[i] != '\n' &&
	    line[i] != '"') {
		if (o + 1 >= outsize) {
			o = 0;		/* too long: none rather than a part */
			break;
		}
		out[o++] = line[i++];
	}
	out[o] = '\0';
	return 1;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct pending	*p = arg;
	size_t		 n = size * nmemb;
	char		 v[128];
	time_t		 t;

	if (header_value(data, n, "ETag", p->req->etag, sizeof p->req->etag))
		return n;
	if (header_value(data, n, "Retry-After", v, sizeof v)) {
		if (v[0] >= '0' && v[0] <= '9')
			p->retry_after = atof(v);
		else if ((t = curl_getdate(v, NULL)) != -1)
			p->retry_after = difftime(t, time(NULL));
		if (p->retry_after < 0)
			p->retry_after = 0;
	}
	return n;
}

/* A PUT's body, to libcurl. */
static size_t
on_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct pending	*p = arg;
	size_t		 n = size * nitems;

	if (n > p->bodylen - p->sent)
		n = p->bodylen - p->sent;
	memcpy(buf, p->req->body + p->sent, n);
	p->sent += n;
	return n;
}

/*
 * libcurl rewinds a PUT's body to send it again: a reused connection that
 * the server closed as the request went out. The first sending may have
 * reached the service; whatever answers the second cannot say it did not.
 */
static int
on_seek(void *arg, curl_off_t offset, int origin)
{
	struct pending	*p = arg;

	if (origin != SEEK_SET || offset < 0 || (size_t)offset > p->bodylen)
		return CURL_SEEKFUNC_FAIL;
	p->sent = (size_t)offset;
	p->resent = 1;
	return CURL_SEEKFUNC_OK;
}

static int
start(struct client *cl, struct pending *p)
{
	struct client_req	*req = p->req;
	const char		*auth;
	char			 h[CLIENT_ETAG_MAX + 64];
	CURL			*e;

	auth = auth_header(cl->auth, &cl->ferr);
	if (auth == NULL) {
		cl->fatal = 1;
		return -1;
	}
	e = cl->nspare > 0 ? cl->spare[--cl->nspare] : curl_easy_init();
	if (e == NULL) {
		imp_errf(&cl->ferr, IMP_EXIT_SOFTWARE, "curl_easy_init");
		cl->fatal = 1;
		return -1;
	}
	p->easy = e;
	p->body.len = 0;
	p->retry_after = 0;
	p->errbuf[0] = '\0';
	req->etag[0] = '\0';
	curl_slist_free_all(p->hdrs);
	p->hdrs = NULL;
	free(p->url);
	p->url = xasprintf("%s%s", cl->opts.base, req->path);

	p->hdrs = curl_slist_append(p->hdrs, auth);
	p->hdrs = curl_slist_append(p->hdrs, "Accept: application/json");
	snprintf(h, sizeof h, "MS-RequestId: %s", req->request_id);
	p->hdrs = curl_slist_append(p->hdrs, h);
	if (cl->opts.correlation_id != NULL) {
		snprintf(h, sizeof h, "MS-CorrelationId: %s",
		    cl->opts.correlation_id);
		p->hdrs = curl_slist_append(p->hdrs, h);
	}
	if (req->continuation[0] != '\0') {
		snprintf(h, sizeof h, "MS-ContinuationToken: %s",
		    req->continuation);
		p->hdrs = curl_slist_append(p->hdrs, h);
	}
	p->hdrs = curl_slist_append(p->hdrs, "X-Locale: en-US");
	p->hdrs = curl_slist_append(p->hdrs,
	    "MS-PartnerCenter-Application: importer/" PACKAGE_VERSION);
	p->hdrs = curl_slist_append(p->hdrs, "Expect:");
	if (req->method == CLIENT_PUT || req->method == CLIENT_POST) {
		p->hdrs = curl_slist_append(p->hdrs,
		    "Content-Type: application/json");
		if (req->if_match[0] != '\0') {
			snprintf(h, sizeof h, "If-Match: \"%s\"",
			    req->if_match);
			p->hdrs = curl_slist_append(p->hdrs, h);
		}
		/* From a read callback, so that a send again shows. */
		p->sent = 0;
		p->bodylen = strlen(req->body);
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST,
		    req->method == CLIENT_PUT ? "PUT" : "POST");
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, p);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, p);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)p->bodylen);
	} else {
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	}
	curl_easy_setopt(e, CURLOPT_URL, p->url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, p->hdrs);
	curl_easy_setopt(e, CURLOPT_PRIVATE, p);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, p);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, p);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, cl->opts.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Over TLS, wait for the first connection to learn if it speaks
	 * HTTP/2 (one connection for all); plain http never does. */
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, cl->tls ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)CLIENT_MAX_BODY);
	if (cl->opts.cacert != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, cl->opts.cacert);
	req->attempts++;
	cl->st.sent++;
	cl->active++;
	if (cl->opts.verbose > 1)
		fprintf(stderr, "importer: %s %s (request %s)\n",
		    req->method == CLIENT_PUT ? "PUT" :
		    req->method == CLIENT_POST ? "POST" : "GET", req->path,
		    req->request_id);
	curl_multi_add_handle(cl->multi, e);
	return 0;
}

static double
jitter(struct client *cl)
{
	cl->rng = cl->rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (double)(cl->rng >> 11) / 9007199254740992.0;
}

/* (2^n - 1) / 2 seconds, as the SDK does, plus up to 50% jitter. */
static double
backoff(struct client *cl, int n)
{
	double	d = (pow(2, n) - 1) / 2;

	if (d < 0.1)
		d = 0.1;
	return d * (1 + jitter(cl) / 2);
}

static void
delay(struct client *cl, struct pending *p, double when)
{
	buf_free(&p->body);	/* a partial reply: not kept while waiting */
	p->not_before = when;
	p->next = cl->delayed;
	cl->delayed = p;
	cl->st.retried++;
}

static void
deliver(struct client *cl, struct pending *p, enum client_fate fate)
{
	struct client_req	*req = p->req;

	(void)cl;
	req->fate = fate;
	if (p->body.len > 0) {
		req->resp = p->body.s;
		req->resplen = p->body.len;
		memset(&p->body, 0, sizeof p->body);
	}
	p->done(req, p->arg);
	pending_free(p);
}

static int
connect_failed(CURLcode cc)
{
	return cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	    cc == CURLE_COULDNT_RESOLVE_PROXY;
}

/* Starts queued requests while there is room, the rate and pauses allow. */
static int
start_queued(struct client *cl, double now)
{
	struct pending	*p;
	int		 n = 0;

	while (!cl->fatal && cl->head != NULL &&
	    cl->active < cl->max_active && now >= cl->pause_until &&
	    (cl->opts.rate <= 0 || now >= cl->next_start)) {
		p = cl->head;
		cl->head = p->next;
		if (cl->head == NULL)
			cl->tail = NULL;
		cl->queued--;
		if (start(cl, p) == -1) {
			push_front(cl, p);
			break;
		}
		n++;
		/*
		 * Starts keep to a grid of 1/rate: one that leaves late (the
		 * loop woke up after next_start) does not push the later ones
		 * back, which lost about 5% of the pace, yet none leaves
		 * before its slot, so a token bucket of the same rate never
		 * runs dry. After an idle gap the grid starts again at now.
		 */
		if (cl->opts.rate > 0)
			cl->next_start = (now - cl->next_start <
			    1 / cl->opts.rate ? cl->next_start : now) +
			    1 / cl->opts.rate;
	}
	return n;
}

/*
 * A transfer is over. early: no answer of this round stops or pauses the
 * client (401, 403, 429, 503, a transport error), so the freed slot's next
 * request may leave before this answer is handled.
 */
static void
finish(struct client *cl, struct pending *p, CURLcode cc, int early)
{
	struct client_req	*req = p->req;
	struct imp_err		 e;
	double			 now = now_s();
	long			 status = 0;

	curl_easy_getinfo(p->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_multi_remove_handle(cl->multi, p->easy);
	if (cl->nspare < (int)(sizeof cl->spare / sizeof cl->spare[0]))
		cl->spare[cl->nspare++] = p->easy;
	else
		curl_easy_cleanup(p->easy);
	p->easy = NULL;
	cl->active--;
	req->status = cc == CURLE_OK ? status : 0;
	/*
	 * The freed slot's next request leaves now, before this answer is
	 * handled (every row was committed before it was queued; an answer
	 * not committed yet is only read again after a crash).
	 */
	if (early && !cl->stopped && start_queued(cl, now) > 0)
		kick(cl);

	if (cc == CURLE_WRITE_ERROR || cc == CURLE_FILESIZE_EXCEEDED) {
		/* Larger than any billing profile: not worth a retry. */
		snprintf(req->error, sizeof req->error, "the reply is larger "
		    "than %d MiB", CLIENT_MAX_BODY / (1024 * 1024));
		buf_free(&p->body);
		deliver(cl, p, req->method == CLIENT_PUT ? CLIENT_UNKNOWN :
		    CLIENT_DONE);
		return;
	}
	if (cc != CURLE_OK) {
		snprintf(req->error, sizeof req->error, "%s",
		    p->errbuf[0] ? p->errbuf : curl_easy_strerror(cc));
		/* A certificate that fails now fails on every retry. */
		if (cc == CURLE_PEER_FAILED_VERIFICATION ||
		    cc == CURLE_SSL_CACERT_BADFILE ||
		    cc == CURLE_SSL_CERTPROBLEM) {
			deliver(cl, p, CLIENT_UNREACHABLE);
			return;
		}
		/* A write that may have reached the service: the caller
		 * must look before sending it again. */
		if (req->method == CLIENT_PUT && !connect_failed(cc)) {
			deliver(cl, p, CLIENT_UNKNOWN);
			return;
		}
		if (p->retries < cl->opts.retries) {
			delay(cl, p, now + backoff(cl, ++p->retries));
			return;
		}
		deliver(cl, p, CLIENT_UNREACHABLE);
		return;
	}
	/* A PUT libcurl sent twice: its first sending may have landed,
	 * whatever answered the second (a 412 our own write caused, a
	 * 503): the caller must look. */
	if (req->method == CLIENT_PUT && p->resent &&
	    (status < 200 || status >= 300)) {
		deliver(cl, p, CLIENT_UNKNOWN);
		return;
	}
	if (status == 401) {
		/* A token without an MFA claim: a new one would be the
		 * same, so none is asked for. */
		if (billing_refusal(status, p->body.s, p->body.len, req->error,
		    sizeof req->error) == BILLING_REFUSAL_MFA) {
			deliver(cl, p, CLIENT_AUTH);
			return;
		}
		if (p->reauthed) {
			snprintf(req->error, sizeof req->error, "a new token "
			    "was refused too");
		} else if (auth_refresh(cl->auth, &e) == 0) {
			p->reauthed = 1;
			guid_random(req->request_id);
			push_front(cl, p);
			return;
		} else
			snprintf(req->error, sizeof req->error, "no new token "
			    "could be had: %.200s", e.msg);
		deliver(cl, p, CLIENT_AUTH);
		return;
	}
	if (status == 429 || status == 503) {
		cl->st.throttled++;
		if (p->retry_after > cl->opts.max_wait) {
			/* Longer than we wait: stop, say when to resume. */
			req->retry_after = p->retry_after;
			deliver(cl, p, CLIENT_WAIT);
			return;
		}
		if (p->throttles++ < CLIENT_MAX_THROTTLES) {
			double	wait = p->retry_after > 0 ? p->retry_after :
			    backoff(cl, p->throttles);

			if (now + wait > cl->pause_until)
				cl->pause_until = now + wait;
			if (cl->max_active > 1)
				cl->max_active /= 2;
			cl->streak = 0;
			/* A reply came: the next try is a new request. */
			guid_random(req->request_id);
			push_front(cl, p);
			return;
		}
		deliver(cl, p, CLIENT_DONE);
		return;
	}
	if (status >= 500 || status == 408) {
		if (req->method == CLIENT_PUT) {
			deliver(cl, p, CLIENT_UNKNOWN);
			return;
		}
		if (p->retries < cl->opts.retries) {
			guid_random(req->request_id);
			delay(cl, p, now + backoff(cl, ++p->retries));
			return;
		}
		deliver(cl, p, CLIENT_DONE);
		return;
	}
	/* Recover the concurrency that throttling took, slowly. */
	if (++cl->streak >= 20 && cl->max_active < cl->opts.concurrency) {
		cl->max_active++;
		cl->streak = 0;
	}
	deliver(cl, p, CLIENT_DONE);
}

/* Moves delayed requests whose time has come to the front. */
static double
wake_delayed(struct client *cl, double now)
{
	struct pending	**pp = &cl->delayed, *p;
	double		  next = 0;

	while ((p = *pp) != NULL) {
		if (p->not_before <= now) {
			*pp = p->next;
			push_front(cl, p);
			continue;
		}
		if (next == 0 || p->not_before < next)
			next = p->not_before;
		pp = &p->next;
	}
	return next;
}

static void
flush_stopped(struct client *cl)
{
	struct pending	*p;

	while ((p = cl->head) != NULL) {
		cl->head = p->next;
		cl->queued--;
		deliver(cl, p, CLIENT_STOPPED);
	}
	cl->tail = NULL;
	while ((p = cl->delayed) != NULL) {
		cl->delayed = p->next;
		deliver(cl, p, CLIENT_STOPPED);
	}
}

/* Hands curl the sockets poll found ready. */
static void
act(struct client *cl, struct pollfd *ready, size_t n)
{
	size_t	i;
	int	ev, running;

	for (i = 0; i < n; i++) {
		ev = 0;
		if (ready[i].revents & POLLIN)
			ev |= CURL_CSELECT_IN;
		if (ready[i].revents & POLLOUT)
			ev |= CURL_CSELECT_OUT;
		if (ready[i].revents & (POLLERR | POLLHUP | POLLNVAL))
			ev |= CURL_CSELECT_ERR;
		curl_multi_socket_action(cl->multi, ready[i].fd, ev, &running);
	}
}

int
client_run(struct client *cl, struct imp_err *err)
{
	struct {
		struct pending	*p;
		CURLcode	 cc;
	}		*round = NULL;
	struct pollfd	*ready = NULL;
	CURLMsg		*m;
	double		 now, next_delayed, wait;
	size_t		 i, nready, readycap = 0, roundcap = 0;
	long		 status;
	int		 left, wait_ms, done, early, n;

	for (;;) {
		if (cl->feed != NULL && !cl->fed_all && !cl->stopped &&
		    cl->queued < (size_t)cl->opts.concurrency * 4)
			cl->fed_all = !cl->feed(cl->feed_arg);
		now = now_s();
		next_delayed = wake_delayed(cl, now);
		if (cl->stopped) {
			flush_stopped(cl);
			next_delayed = 0;
		}
		start_queued(cl, now);
		if (cl->fatal) {
			client_stop(cl);
			flush_stopped(cl);
		}
		kick(cl);
		/* The round's answers, looked over before any is handled. */
		done = 0;
		early = 1;
		while ((m = curl_multi_info_read(cl->multi, &left)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			if ((size_t)done == roundcap) {
				roundcap = roundcap ? roundcap * 2 : 16;
				round = xreallocarray(round, roundcap,
				    sizeof *round);
			}
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
			    (char **)&round[done].p);
			round[done].cc = m->data.result;
			status = 0;
			curl_easy_getinfo(m->easy_handle,
			    CURLINFO_RESPONSE_CODE, &status);
			if (m->data.result != CURLE_OK || status == 401 ||
			    status == 403 || status == 429 || status == 503)
				early = 0;
			done++;
		}
		for (i = 0; i < (size_t)done; i++)
			finish(cl, round[i].p, round[i].cc, early);
		if (done > 0 && cl->after != NULL)
			cl->after(cl->after_arg);
		if (cl->active == 0 && cl->head == NULL && cl->delayed == NULL &&
		    (cl->feed == NULL || cl->fed_all || cl->stopped))
			break;
		if (done > 0)
			continue;	/* answers may have queued requests */

		/* Sleep until a socket, curl, the rate, a pause or a backoff
		 * calls. */
		now = now_s();
		wait = 1.0;
		if (cl->timer_at >= 0 && cl->timer_at - now < wait)
			wait = cl->timer_at - now;
		if (cl->head != NULL) {
			double	t = 0;

			if (cl->pause_until > now)
				t = cl->pause_until - now;
			else if (cl->opts.rate > 0 && cl->next_start > now)
				t = cl->next_start - now;
			if (cl->active < cl->max_active && t < wait)
				wait = t;
		}
		if (next_delayed > 0 && next_delayed - now < wait)
			wait = next_delayed - now;
		/* More to prepare and room for it: only look, do not wait. */
		if (cl->feed != NULL && !cl->fed_all && !cl->stopped &&
		    cl->queued < (size_t)cl->opts.concurrency * 4)
			wait = 0;
		if (wait < 0)
			wait = 0;
		if (cl->pause_until > now && cl->head != NULL)
			cl->st.paused_ms += (uint64_t)(wait * 1000);
		wait_ms = (int)ceil(wait * 1000);
		n = poll(cl->pfd, cl->npfd, wait_ms);
		if (n == -1 && errno != EINTR) {
			/* Nothing can be waited for: give up at once. */
			imp_errf(&cl->ferr, IMP_EXIT_SOFTWARE, "poll: %s",
			    strerror(errno));
			cl->fatal = 1;
			break;
		}
		if (n <= 0)
			continue;
		/* curl may change the set while it acts: act on a copy. */
		if (readycap < cl->npfd) {
			readycap = cl->npfd;
			ready = xreallocarray(ready, readycap, sizeof *ready);
		}
		for (i = nready = 0; i < cl->npfd; i++)
			if (cl->pfd[i].revents != 0)
				ready[nready++] = cl->pfd[i];
		act(cl, ready, nready);
	}
	free(ready);
	free(round);
	if (cl->fatal)
		return imp_errf(err, cl->ferr.code, "%s", cl->ferr.msg);
	return 0;
}
