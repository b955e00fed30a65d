/*
 * sandbox_http.c: the sandbox's HTTP layer: the libmicrohttpd daemon and its
 * life cycle, request bodies, the tracing headers, bearer auth and the
 * OAuth2 token endpoint, dispatch, responding and the access log.
 * libmicrohttpd parses HTTP and runs one thread per connection, so a
 * request that sleeps (latency, slow replies) holds up only its own.
 */
#include "config.h"

#include "sandbox.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "billing.h"
#include "sandbox_int.h"
#include "xmalloc.h"

const char *const sandbox_methods[3] = { "GET", "PUT", "POST" };

/* --- helpers --------------------------------------------------------- */

/* A fresh GUID-shaped id for responses that did not bring one. */
static void
new_guid(struct sandbox *sb, char *buf, size_t size)
{
	uint64_t	n, h1, h2;

	n = __atomic_add_fetch(&sb->ids, 1, __ATOMIC_RELAXED);
	h1 = fault_mix64(sb->nonce ^ n);
	h2 = fault_mix64(h1);
	snprintf(buf, size, "%08x-%04x-4%03x-%04x-%012llx",
	    (unsigned)(h1 >> 32), (unsigned)(h1 >> 16) & 0xffff,
	    (unsigned)h1 & 0xfff, (unsigned)(0x8000 | ((h2 >> 48) & 0x3fff)),
	    (unsigned long long)(h2 & 0xffffffffffffULL));
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

void
sandbox_sleep(struct sandbox *sb, unsigned ms)
{
	struct timespec	until;

	if (ms == 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&sb->lock);
	while (!sb->stopping &&
	    pthread_cond_timedwait(&sb->wake, &sb->lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&sb->lock);
}

const char *
sandbox_header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

void
sandbox_count_response(struct sandbox_req *r, int status)
{
	struct sandbox	*sb = r->sb;
	size_t		 m;

	r->status = status;
	if (r->admin)
		return;
	for (m = 0; m < 3; m++)
		if (strcmp(r->method, sandbox_methods[m]) == 0)
			break;
	pthread_mutex_lock(&sb->lock);
	sb->stats.requests++;
	sb->stats.methods[m]++;
	if (status > 0 && status < 600)
		sb->stats.statuses[status]++;
	else
		sb->stats.dropped++;
	pthread_mutex_unlock(&sb->lock);
}

/* --- responses ------------------------------------------------------- */

/*
 * Queues status with body (consumed; may be NULL), the tracing headers,
 * and an ETag when etag is set. Sleeps first when the request was picked
 * to be slow, and puts a BOM first when it was picked for one.
 */
enum MHD_Result
sandbox_respond(struct MHD_Connection *c, struct sandbox_req *r,
    unsigned status, json_t *body, const char *etag, int retry_after)
{
	struct MHD_Response	*resp;
	enum MHD_Result		 ret;
	char			*s, *buf, tmp[64];
	size_t			 len = 0, off = 0;
	int			 has_body;

	s = body != NULL ? json_dumps(body, JSON_COMPACT |
	    JSON_PRESERVE_ORDER) : NULL;
	json_decref(body);
	if (s != NULL) {
		len = strlen(s);
		off = !r->admin && (r->fd.bom || r->sb->o.china) ? 3 : 0;
	}
	buf = xmalloc(len + off + 1);
	memcpy(buf, "\xef\xbb\xbf", off);
	if (s != NULL)
		memcpy(buf + off, s, len);
	has_body = s != NULL;
	free(s);
	if (!r->admin)
		sandbox_sleep(r->sb, r->fd.slow_ms);
	resp = MHD_create_response_from_buffer(len + off, buf,
	    MHD_RESPMEM_MUST_FREE);
	if (has_body)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
		    "application/json; charset=utf-8");
	MHD_add_response_header(resp, "MS-RequestId", r->request_id);
	MHD_add_response_header(resp, "MS-CorrelationId", r->correlation_id);
	MHD_add_response_header(resp, "MS-CV", r->cv);
	MHD_add_response_header(resp, "MS-ServerId", "importer-sandbox");
	if (etag != NULL) {
		snprintf(tmp, sizeof tmp, "\"%s\"", etag);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, tmp);
	}
	if (retry_after > 0) {
		snprintf(tmp, sizeof tmp, "%d", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER,
		    tmp);
	}
	if (status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Bearer realm=\"importer-sandbox\"");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW,
		    r->admin ? "GET, POST" : "GET, PUT, POST");
	sandbox_count_response(r, (int)status);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Answers an ApiFault. */
enum MHD_Result
sandbox_fail(struct MHD_Connection *c, struct sandbox_req *r, unsigned status,
    const char *code, const char *fmt, ...)
{
	va_list	ap;
	char	desc[1024];

	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	return sandbox_respond(c, r, status, billing_fault_to_json(code, desc,
	    SANDBOX_SOURCE), NULL, 0);
}

enum MHD_Result
sandbox_fail_internal(struct MHD_Connection *c, struct sandbox_req *r,
    const struct imp_err *err)
{
	return sandbox_fail(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "800003",
	    "Unexpected service error: %s", err->msg);
}

/* --- dispatch ---------------------------------------------------------- */

/* Checks the bearer token; answers 401 and returns 0 when it is wrong. */
static int
authorized(struct MHD_Connection *c, struct sandbox_req *r,
    enum MHD_Result *ret)
{
	const char	*h = sandbox_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	const char	*tok = r->sb->o.token;
	size_t		 i, n;
	unsigned char	 diff = 0;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		*ret = sandbox_fail(c, r, MHD_HTTP_UNAUTHORIZED, "800001",
		    "Partner token missing in request context.");
		return 0;
	}
	h += 7;
	while (*h == ' ')
		h++;
	/* Compare every byte: the time does not tell how much matched. */
	n = strlen(tok);
	diff = strlen(h) != n;
	for (i = 0; i < n; i++)
		diff |= (unsigned char)(tok[i] ^ (h[i] != '\0' ? h[i] : 0));
	if (diff != 0) {
		*ret = sandbox_fail(c, r, MHD_HTTP_UNAUTHORIZED, "400",
		    "Access denied: the token is not valid.");
		return 0;
	}
	return 1;
}

/* Splits path into at most 8 segments (modified in place). */
static int
split_path(char *path, char **seg, int max)
{
	char	*save = NULL, *s;
	int	 n = 0;

	/* strtok_r: requests are split on several threads at once. */
	for (s = strtok_r(path, "/", &save); s != NULL && n < max;
	    s = strtok_r(NULL, "/", &save))
		seg[n++] = s;
	return s != NULL ? max + 1 : n;
}

enum MHD_Result
sandbox_method_not_allowed(struct MHD_Connection *c, struct sandbox_req *r)
{
	return sandbox_fail(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "405",
	    "The method %s is not allowed here.", r->method);
}

static void
set_trace_ids(struct MHD_Connection *c, struct sandbox_req *r)
{
	const char	*h;

	h = sandbox_header(c, "MS-RequestId");
	if (h != NULL && *h != '\0')
		snprintf(r->request_id, sizeof r->request_id, "%s", h);
	else
		new_guid(r->sb, r->request_id, sizeof r->request_id);
	h = sandbox_header(c, "MS-CorrelationId");
	if (h != NULL && *h != '\0')
		snprintf(r->correlation_id, sizeof r->correlation_id, "%s", h);
	else
		new_guid(r->sb, r->correlation_id, sizeof r->correlation_id);
	h = sandbox_header(c, "MS-CV");
	if (h != NULL && *h != '\0')
		snprintf(r->cv, sizeof r->cv, "%.80s.0", h);
	else {
		new_guid(r->sb, r->cv, sizeof r->cv);
		snprintf(r->cv + 8, sizeof r->cv - 8, ".0");
	}
}

/* The value of key in a form body (a=1&b=2), unescaped into out. */
static int
form_value(const char *body, const char *key, char *out, size_t size)
{
	const char	*p = body;
	size_t		 klen = strlen(key), o = 0;
	char		 hex[3];

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			for (p += klen + 1; *p != '\0' && *p != '&' &&
			    o + 1 < size; p++) {
				if (*p == '+')
					out[o++] = ' ';
				else if (*p == '%' && p[1] != '\0' &&
				    p[2] != '\0') {
					hex[0] = p[1];
					hex[1] = p[2];
					hex[2] = '\0';
					out[o++] = (char)strtol(hex, NULL, 16);
					p += 2;
				} else
					out[o++] = *p;
			}
			out[o] = '\0';
			return 1;
		}
		p = strchr(p, '&');
		if (p != NULL)
			p++;
	}
	return 0;
}

/*
 * POST /{tenant}/oauth2/token: OAuth2 client credentials, as the cloud's
 * token endpoint answers them; hands out the token the API requires.
 */
static enum MHD_Result
token_endpoint(struct MHD_Connection *c, struct sandbox_req *r)
{
	struct sandbox	*sb = r->sb;
	json_t		*o;
	char		 grant[64], secret[256], id[256], res[256];
	const char	*body = r->body != NULL ? r->body : "";

	if (!form_value(body, "grant_type", grant, sizeof grant) ||
	    strcmp(grant, "client_credentials") != 0 ||
	    !form_value(body, "client_id", id, sizeof id) ||
	    !form_value(body, "client_secret", secret, sizeof secret) ||
	    strcmp(secret, sb->o.client_secret) != 0) {
		o = json_object();
		json_object_set_new(o, "error",
		    json_string("invalid_client"));
		return sandbox_respond(c, r, MHD_HTTP_UNAUTHORIZED, o, NULL, 0);
	}
	/* The 21Vianet cloud hands out tokens for its own API only. */
	if (sb->o.china && (!form_value(body, "resource", res, sizeof res) ||
	    strcmp(res, SANDBOX_CHINA_RESOURCE) != 0)) {
		o = json_object();
		json_object_set_new(o, "error",
		    json_string("invalid_resource"));
		json_object_set_new(o, "error_description",
		    json_string("AADSTS500011: The resource principal named "
		    "in the request was not found in the tenant: this cloud "
		    "serves " SANDBOX_CHINA_RESOURCE "."));
		return sandbox_respond(c, r, MHD_HTTP_BAD_REQUEST, o, NULL, 0);
	}
	o = json_object();
	json_object_set_new(o, "token_type", json_string("Bearer"));
	json_object_set_new(o, "expires_in", json_sprintf("%u",
	    sb->o.token_ttl != 0 ? sb->o.token_ttl : 3600));
	json_object_set_new(o, "access_token", json_string(sb->o.token));
	return sandbox_respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

static enum MHD_Result
dispatch(struct MHD_Connection *c, struct sandbox_req *r)
{
	struct sandbox	*sb = r->sb;
	enum MHD_Result	 ret;
	char		*path, *seg[9];
	int		 n;

	set_trace_ids(c, r);
	path = xstrdup(r->path);
	n = split_path(path, seg, 8);
	r->admin = n >= 1 && strcmp(seg[0], "_admin") == 0;
	sandbox_fault_draw(r);
	if (n == 3 && strcmp(seg[1], "oauth2") == 0 &&
	    strcmp(seg[2], "token") == 0 && strcmp(r->method, "POST") == 0 &&
	    sb->o.client_secret != NULL) {
		ret = token_endpoint(c, r);
		goto out;
	}
	if (!authorized(c, r, &ret))
		goto out;
	if (r->admin) {
		ret = sandbox_route_admin(c, r, seg, n);
		goto out;
	}
	if (sandbox_fault_refuse(c, r, &ret))
		goto out;
	if (n < 1 || strcmp(seg[0], "v1") != 0)
		ret = sandbox_fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
		    "Not found: no resource at %s.", r->path);
	else
		ret = sandbox_route_api(c, r, seg, n);
out:
	free(path);
	return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **ctx)
{
	struct sandbox_req	*r = *ctx;

	(void)version;
	if (r == NULL) {
		r = xcalloc(1, sizeof *r);
		r->sb = cls;
		clock_gettime(CLOCK_MONOTONIC, &r->start);
		r->method = xstrdup(method);
		r->path = xstrdup(url);
		*ctx = r;
		return MHD_YES;
	}
	if (*upload_size > 0) {
		if (r->len + *upload_size > SANDBOX_MAX_BODY)
			r->too_big = 1;
		else {
			if (r->len + *upload_size + 1 > r->cap) {
				r->cap = r->len + *upload_size + 1024;
				r->body = xreallocarray(r->body, 1, r->cap);
			}
			memcpy(r->body + r->len, upload, *upload_size);
			r->len += *upload_size;
			r->body[r->len] = '\0';
		}
		*upload_size = 0;
		return MHD_YES;
	}
	return dispatch(c, r);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **ctx,
    enum MHD_RequestTerminationCode toe)
{
	struct sandbox		*sb = cls;
	struct sandbox_req	*r = *ctx;
	struct sandbox_access	 a;

	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	if (sb->o.log != NULL && r->request_id[0] != '\0') {
		a.method = r->method;
		a.path = r->path;
		a.status = r->status;
		a.ms = elapsed_ms(&r->start);
		a.request_id = r->request_id;
		a.replayed = r->replayed;
		sb->o.log(&a, sb->o.log_arg);
	}
	free(r->body);
	free(r->method);
	free(r->path);
	free(r);
	*ctx = NULL;
}

/* --- life cycle -------------------------------------------------------- */

struct sandbox *
sandbox_open(const struct sandbox_opts *opts, struct imp_err *err)
{
	struct sandbox		*sb;
	pthread_condattr_t	 ca;
	struct timespec		 ts;

	sb = xcalloc(1, sizeof *sb);
	sb->o = *opts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sb->nonce = fault_mix64((uint64_t)ts.tv_sec * 1000000007ULL ^
	    (uint64_t)ts.tv_nsec ^ (uint64_t)getpid());
	pthread_mutex_init(&sb->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sb->wake, &ca);
	pthread_condattr_destroy(&ca);
	sb->accounts = accounts_open(opts->state, opts->faults.seed, err);
	if (sb->accounts == NULL) {
		sandbox_close(sb);
		return NULL;
	}
	sb->fault = fault_new(&opts->faults);
	sb->rules = country_book_bundled();
	if (opts->country_rules != NULL && country_book_load(sb->rules,
	    opts->country_rules, err) == -1) {
		sandbox_close(sb);
		return NULL;
	}
	return sb;
}

int
sandbox_seed(struct sandbox *sb, const char *csv, size_t *added,
    size_t *present, struct imp_err *err)
{
	return accounts_seed(sb->accounts, csv, added, present, err);
}

long long
sandbox_count(struct sandbox *sb)
{
	return accounts_count(sb->accounts, NULL);
}

int
sandbox_start(struct sandbox *sb, struct imp_err *err)
{
	const struct sandbox_opts	*opts = &sb->o;
	const union MHD_DaemonInfo	*di;
	struct sockaddr_in		 sin;
	struct sockaddr_in6		 sin6;
	struct sockaddr			*sa;
	const char			*bind_addr;
	unsigned			 flags;

	bind_addr = opts->bind != NULL ? opts->bind : "127.0.0.1";
	memset(&sin, 0, sizeof sin);
	memset(&sin6, 0, sizeof sin6);
	/* Requests that sleep (latency, slow replies) need a thread of
	 * their own; otherwise a few event-loop threads answer faster. */
	flags = MHD_USE_INTERNAL_POLLING_THREAD;
	if (opts->threads == 0)
		flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
	else
		flags |= MHD_USE_EPOLL;
	if (inet_pton(AF_INET, bind_addr, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		sin.sin_port = htons((uint16_t)opts->port);
		sa = (struct sockaddr *)(void *)&sin;
	} else if (inet_pton(AF_INET6, bind_addr, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		sin6.sin6_port = htons((uint16_t)opts->port);
		sa = (struct sockaddr *)(void *)&sin6;
		flags |= MHD_USE_IPv6;
	} else
		return imp_errf(err, IMP_EXIT_USAGE, "--bind %s: not an IPv4 "
		    "or IPv6 address", bind_addr);
	sb->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, sb,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, sb,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opts->threads > 1 ?
	    opts->threads : 0),
	    MHD_OPTION_END);
	if (sb->d == NULL)
		return imp_errf(err, IMP_EXIT_UNAVAILABLE, "cannot listen on "
		    "%s port %u (in use, or not an address of this host)",
		    bind_addr, opts->port);
	di = MHD_get_daemon_info(sb->d, MHD_DAEMON_INFO_BIND_PORT);
	sb->port = di != NULL ? di->port : opts->port;
	return 0;
}

unsigned
sandbox_port(const struct sandbox *sb)
{
	return sb->port;
}

void
sandbox_close(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	pthread_mutex_lock(&sb->lock);
	sb->stopping = 1;
	pthread_cond_broadcast(&sb->wake);
	pthread_mutex_unlock(&sb->lock);
	if (sb->d != NULL)
		MHD_stop_daemon(sb->d);
	accounts_close(sb->accounts);
	fault_free(sb->fault);
	country_book_free(sb->rules);
	pthread_cond_destroy(&sb->wake);
	pthread_mutex_destroy(&sb->lock);
	free(sb);
}
