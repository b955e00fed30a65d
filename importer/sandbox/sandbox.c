/*
 * sandbox.c: the sandbox's HTTP side: routing, bearer auth, the documented
 * headers and error bodies, paging, etag preconditions and the seeded
 * faults. libmicrohttpd parses HTTP and runs one thread per connection, so
 * a request that sleeps (latency, slow replies) holds up only its own.
 */
#include "config.h"

#include "sandbox.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
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
#include "colmap.h"
#include "countryrules.h"
#include "xmalloc.h"

#define SANDBOX_MAX_BODY	(256 * 1024)
#define SANDBOX_SOURCE		"PartnerFD"
#define SANDBOX_DEFAULT_PAGE	100

/* Counters for GET /_admin/stats (API requests only, not admin ones). */
struct sandbox_stats {
	long long	requests;
	long long	methods[4];	/* GET, PUT, POST, other */
	long long	statuses[600];
	long long	puts_applied;
	long long	puts_replayed;
	long long	dropped;
};

struct sandbox {
	struct sandbox_opts	 o;
	struct MHD_Daemon	*d;
	unsigned		 port;
	pthread_mutex_t		 lock;		/* stats, stopping */
	pthread_cond_t		 wake;
	int			 stopping;
	struct sandbox_stats	 stats;
	uint64_t		 nonce;
	uint64_t		 ids;		/* generated ids so far */
};

/* One request, from its first callback to its completion. */
struct sandbox_req {
	struct sandbox		*sb;
	struct timespec		 start;
	char			*body;
	size_t			 len;
	size_t			 cap;
	int			 too_big;
	int			 admin;
	int			 status;
	int			 replayed;
	char			*method;
	char			*path;
	char			 request_id[80];
	char			 correlation_id[80];
	char			 cv[96];
	struct fault_decision	 fd;
};

static const char *const sandbox_methods[] = { "GET", "PUT", "POST" };

/* --- helpers --------------------------------------------------------- */

static uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* FNV-1a: deterministic made-up data (ZIP+4 suffixes). */
static uint64_t
hash_str(const char *s)
{
	uint64_t	h = 0xcbf29ce484222325ULL;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* A fresh GUID-shaped id for responses that did not bring one. */
static void
new_guid(struct sandbox *sb, char *buf, size_t size)
{
	uint64_t	n, h1, h2;

	n = __atomic_add_fetch(&sb->ids, 1, __ATOMIC_RELAXED);
	h1 = mix64(sb->nonce ^ n);
	h2 = mix64(h1);
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

/* Sleeps ms milliseconds, or less when the server is stopping. */
static void
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

/* A GUID in the usual 8-4-4-4-12 hex form. */
static int
is_guid(const char *s)
{
	int	i;

	if (strlen(s) != 36)
		return 0;
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]))
			return 0;
	}
	return 1;
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* Copies an etag from If-Match without W/ and quotes. */
static void
unquote_etag(const char *in, char *out, size_t size)
{
	size_t	len;

	while (isspace((unsigned char)*in))
		in++;
	if (strncmp(in, "W/", 2) == 0)
		in += 2;
	len = strlen(in);
	while (len > 0 && isspace((unsigned char)in[len - 1]))
		len--;
	if (len >= 2 && in[0] == '"' && in[len - 1] == '"') {
		in++;
		len -= 2;
	}
	snprintf(out, size, "%.*s", (int)len, in);
}

static const char *
header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static void
count_response(struct sandbox_req *r, int status)
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
static enum MHD_Result
respond(struct MHD_Connection *c, struct sandbox_req *r, unsigned status,
    json_t *body, const char *etag, int retry_after)
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
		off = !r->admin && r->fd.bom ? 3 : 0;
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
	count_response(r, (int)status);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
fail(struct MHD_Connection *c, struct sandbox_req *r, unsigned status,
    const char *code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Answers an ApiFault. */
static enum MHD_Result
fail(struct MHD_Connection *c, struct sandbox_req *r, unsigned status,
    const char *code, const char *fmt, ...)
{
	va_list	ap;
	char	desc[1024];

	va_start(ap, fmt);
	vsnprintf(desc, sizeof desc, fmt, ap);
	va_end(ap);
	return respond(c, r, status, billing_fault_to_json(code, desc,
	    SANDBOX_SOURCE), NULL, 0);
}

/* --- JSON shapes ----------------------------------------------------- */

static json_t *
link_json(const char *uri)
{
	json_t	*l = json_object();

	json_object_set_new(l, "uri", json_string(uri));
	json_object_set_new(l, "method", json_string("GET"));
	json_object_set_new(l, "headers", json_array());
	return l;
}

static json_t *
links_self(const char *uri)
{
	json_t	*o = json_object();

	json_object_set_new(o, "self", link_json(uri));
	return o;
}

static json_t *
attributes(const char *type)
{
	json_t	*o = json_object();

	json_object_set_new(o, "objectType", json_string(type));
	return o;
}

static json_t *
billing_json(const struct billing_profile *bp)
{
	char	uri[128];

	snprintf(uri, sizeof uri, "/v1/customers/%s/profiles/billing",
	    bp->field[COL_CUSTOMER_ID]);
	return billing_to_json(bp, uri);
}

/* A plausible initial domain from the company name. */
static void
make_domain(const struct billing_profile *bp, char *buf, size_t size)
{
	const char	*s = bp->field[COL_COMPANY_NAME];
	size_t		 n = 0;

	for (; s != NULL && *s != '\0' && n < 27 && n + 1 < size; s++)
		if (isalnum((unsigned char)*s) && (unsigned char)*s < 0x80)
			buf[n++] = (char)tolower((unsigned char)*s);
	buf[n] = '\0';
	if (n < 3)
		snprintf(buf, size, "tenant%.8s", bp->field[COL_CUSTOMER_ID]);
	snprintf(buf + strlen(buf), size - strlen(buf), ".onmicrosoft.com");
}

static json_t *
company_json(const struct billing_profile *bp)
{
	json_t	*o = json_object();
	char	 domain[64], uri[128];

	make_domain(bp, domain, sizeof domain);
	snprintf(uri, sizeof uri, "/customers/%s/profiles/company",
	    bp->field[COL_CUSTOMER_ID]);
	json_object_set_new(o, "tenantId",
	    json_string(bp->field[COL_CUSTOMER_ID]));
	json_object_set_new(o, "domain", json_string(domain));
	if (bp->field[COL_COMPANY_NAME] != NULL)
		json_object_set_new(o, "companyName",
		    json_string(bp->field[COL_COMPANY_NAME]));
	json_object_set_new(o, "links", links_self(uri));
	json_object_set_new(o, "attributes",
	    attributes("CustomerCompanyProfile"));
	return o;
}

/* A Customer; the list omits the billing profile, as the service does. */
static json_t *
customer_json(const struct billing_profile *bp, int with_billing)
{
	json_t	*o = json_object();
	char	 uri[128];

	snprintf(uri, sizeof uri, "/customers/%s",
	    bp->field[COL_CUSTOMER_ID]);
	json_object_set_new(o, "id", json_string(bp->field[COL_CUSTOMER_ID]));
	json_object_set_new(o, "companyProfile", company_json(bp));
	if (with_billing)
		json_object_set_new(o, "billingProfile", billing_json(bp));
	json_object_set_new(o, "relationshipToPartner",
	    json_string("reseller"));
	json_object_set_new(o, "allowDelegatedAccess", json_true());
	json_object_set_new(o, "links", links_self(uri));
	json_object_set_new(o, "attributes", attributes("Customer"));
	return o;
}

static json_t *
admin_account_json(const struct billing_profile *bp,
    const struct accounts_info *info)
{
	json_t	*o = json_object();

	json_object_set_new(o, "customerId",
	    json_string(bp->field[COL_CUSTOMER_ID]));
	json_object_set_new(o, "etag", json_string(bp->etag));
	json_object_set_new(o, "version", json_integer(info->version));
	json_object_set_new(o, "puts", json_integer(info->puts));
	json_object_set_new(o, "updatedAt", json_string(info->updated_at));
	json_object_set_new(o, "profile", billing_json(bp));
	return o;
}

/* --- API handlers ------------------------------------------------------ */

/* Resolves a customer id from the path: lower-cased into out. */
static enum MHD_Result
check_customer_id(struct MHD_Connection *c, struct sandbox_req *r,
    const char *id, char *out, size_t size, int *ok)
{
	*ok = 0;
	if (!is_guid(id))
		return fail(c, r, MHD_HTTP_BAD_REQUEST, "900118",
		    "Invalid customer ID: '%s'.", id);
	snprintf(out, size, "%s", id);
	lower(out);
	*ok = 1;
	return MHD_YES;
}

static enum MHD_Result
not_found_customer(struct MHD_Connection *c, struct sandbox_req *r,
    const char *cid)
{
	return fail(c, r, MHD_HTTP_NOT_FOUND, "60003",
	    "Tenant not found: no customer with the id %s.", cid);
}

static enum MHD_Result
internal(struct MHD_Connection *c, struct sandbox_req *r,
    const struct imp_err *err)
{
	return fail(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "800003",
	    "Unexpected service error: %s", err->msg);
}

static enum MHD_Result
get_customer(struct MHD_Connection *c, struct sandbox_req *r,
    const char *id, int billing_only, int company_only)
{
	struct billing_profile	bp;
	struct imp_err		err;
	enum MHD_Result		ret;
	char			cid[40];
	int			ok, rc;

	ret = check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&bp);
	rc = accounts_get(r->sb->o.accounts, cid, &bp, NULL, &err);
	if (rc == -1)
		ret = internal(c, r, &err);
	else if (rc == 0)
		ret = not_found_customer(c, r, cid);
	else if (billing_only)
		ret = respond(c, r, MHD_HTTP_OK, billing_json(&bp), bp.etag,
		    0);
	else if (company_only)
		ret = respond(c, r, MHD_HTTP_OK, company_json(&bp), NULL, 0);
	else
		ret = respond(c, r, MHD_HTTP_OK, customer_json(&bp, 1),
		    bp.etag, 0);
	billing_clear(&bp);
	return ret;
}

/* Continuation tokens: the last customer id of the page, in hex. */
static void
token_encode(const char *id, char *out, size_t size)
{
	size_t	n = 0;

	for (; *id != '\0' && n + 3 < size; id++, n += 2)
		snprintf(out + n, size - n, "%02x", (unsigned char)*id);
	out[n] = '\0';
}

static int
token_decode(const char *tok, char *out, size_t size)
{
	size_t		 n = 0, len = strlen(tok);
	unsigned	 v;

	if (len == 0 || len % 2 != 0 || len / 2 >= size)
		return -1;
	for (; *tok != '\0'; tok += 2) {
		if (!isxdigit((unsigned char)tok[0]) ||
		    !isxdigit((unsigned char)tok[1]) ||
		    sscanf(tok, "%2x", &v) != 1)
			return -1;
		out[n++] = (char)v;
	}
	out[n] = '\0';
	return is_guid(out) ? 0 : -1;
}

struct page {
	json_t		*items;
	char		 last[40];
};

static int
page_add(const struct billing_profile *bp, const struct accounts_info *info,
    void *arg)
{
	struct page	*pg = arg;

	(void)info;
	json_array_append_new(pg->items, customer_json(bp, 0));
	snprintf(pg->last, sizeof pg->last, "%s", bp->field[COL_CUSTOMER_ID]);
	return 0;
}

static enum MHD_Result
list_customers(struct MHD_Connection *c, struct sandbox_req *r)
{
	const char	*size_s, *seek, *tok;
	struct page	 pg;
	struct imp_err	 err;
	json_t		*o, *links, *next, *hdrs, *h;
	char		 after[40], token[96], uri[128], *end;
	unsigned	 max = r->sb->o.max_page ? r->sb->o.max_page : 500;
	long		 size = SANDBOX_DEFAULT_PAGE;
	int		 n, more, have_after = 0;

	size_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "size");
	seek = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "seekOperation");
	if (size_s != NULL) {
		size = strtol(size_s, &end, 10);
		if (end == size_s || *end != '\0' || size < 1)
			return fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
			    "Invalid request input: size must be a positive "
			    "number.");
		if (size > (long)max)
			size = (long)max;
	}
	if (seek != NULL) {
		if (strcasecmp(seek, "Next") != 0)
			return fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
			    "Invalid request input: unsupported "
			    "seekOperation '%s'.", seek);
		tok = header(c, "MS-ContinuationToken");
		if (tok == NULL || token_decode(tok, after, sizeof after) ==
		    -1)
			return fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
			    "Invalid request input: a missing or invalid "
			    "MS-ContinuationToken.");
		have_after = 1;
	}
	pg.items = json_array();
	pg.last[0] = '\0';
	n = accounts_list(r->sb->o.accounts, have_after ? after : NULL,
	    (size_t)size, page_add, &pg, &more, &err);
	if (n == -1) {
		json_decref(pg.items);
		return internal(c, r, &err);
	}
	o = json_object();
	json_object_set_new(o, "totalCount", json_integer(n));
	json_object_set_new(o, "items", pg.items);
	snprintf(uri, sizeof uri, "/customers?size=%ld", size);
	links = links_self(uri);
	if (more) {
		token_encode(pg.last, token, sizeof token);
		snprintf(uri, sizeof uri,
		    "/customers?size=%ld&seekOperation=Next", size);
		next = link_json(uri);
		hdrs = json_object_get(next, "headers");
		h = json_object();
		json_object_set_new(h, "key",
		    json_string("MS-ContinuationToken"));
		json_object_set_new(h, "value", json_string(token));
		json_array_append_new(hdrs, h);
		json_object_set_new(links, "next", next);
		json_object_set_new(o, "continuationToken", json_string(token));
	}
	json_object_set_new(o, "links", links);
	json_object_set_new(o, "attributes", attributes("Collection"));
	return respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

static enum MHD_Result
put_billing(struct MHD_Connection *c, struct sandbox_req *r, const char *id)
{
	struct countryrules_problem	 prob;
	struct billing_profile		 in, out;
	struct accounts_put		 put;
	struct imp_err			 err;
	enum accounts_result		 res;
	enum MHD_Result			 ret;
	const char			*im;
	json_t				*j = NULL;
	char				 cid[40], ifmatch[128];
	int				 ok, rc;

	ret = check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&in);
	billing_init(&out);
	rc = accounts_get(r->sb->o.accounts, cid, &out, NULL, &err);
	if (rc != 1) {
		ret = rc == 0 ? not_found_customer(c, r, cid) :
		    internal(c, r, &err);
		goto out;
	}
	if (r->too_big) {
		ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: the body is larger than %d bytes.",
		    SANDBOX_MAX_BODY);
		goto out;
	}
	j = billing_json_load(r->body != NULL ? r->body : "", r->len, &err);
	if (j == NULL || !json_is_object(j)) {
		ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: %s", j == NULL ? err.msg :
		    "the body is not a JSON object.");
		goto out;
	}
	if (billing_from_json(j, &in, &err) == -1) {
		ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "3000",
		    "Invalid property: %s.", err.msg);
		goto out;
	}
	if (countryrules_check_profile(r->sb->o.iso, &in, &prob) == -1) {
		ret = fail(c, r, MHD_HTTP_BAD_REQUEST, prob.code, "%s",
		    prob.description);
		goto out;
	}
	memset(&put, 0, sizeof put);
	im = header(c, MHD_HTTP_HEADER_IF_MATCH);
	if (im != NULL) {
		unquote_etag(im, ifmatch, sizeof ifmatch);
		put.if_match = ifmatch;
	}
	put.body_etag = in.etag;
	put.request_id = header(c, "MS-RequestId");
	res = accounts_update(r->sb->o.accounts, cid, &in, &put, &out, &err);
	switch (res) {
	case ACCOUNTS_NOT_FOUND:
		ret = not_found_customer(c, r, cid);
		goto out;
	case ACCOUNTS_STALE_IF_MATCH:
		ret = fail(c, r, MHD_HTTP_PRECONDITION_FAILED, "2055",
		    "Etag is no longer valid: the profile was changed since "
		    "it was read (If-Match).");
		goto out;
	case ACCOUNTS_STALE_ETAG:
		ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "2055",
		    "Etag is no longer valid.");
		goto out;
	case ACCOUNTS_ERROR:
		ret = internal(c, r, &err);
		goto out;
	case ACCOUNTS_REPLAYED:
		r->replayed = 1;
		pthread_mutex_lock(&r->sb->lock);
		r->sb->stats.puts_replayed++;
		pthread_mutex_unlock(&r->sb->lock);
		break;
	case ACCOUNTS_OK:
		pthread_mutex_lock(&r->sb->lock);
		r->sb->stats.puts_applied++;
		pthread_mutex_unlock(&r->sb->lock);
		break;
	}
	/* Applied: now the faults that hide the outcome from the caller. */
	if (r->fd.drop_after) {
		count_response(r, 0);
		ret = MHD_NO;
		goto out;
	}
	if (r->fd.fail500_after) {
		ret = fail(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR, "800003",
		    "Unexpected service error.");
		goto out;
	}
	ret = respond(c, r, MHD_HTTP_OK, billing_json(&out), out.etag, 0);
out:
	json_decref(j);
	billing_clear(&in);
	billing_clear(&out);
	return ret;
}

static enum MHD_Result
country_rules(struct MHD_Connection *c, struct sandbox_req *r,
    const char *cc)
{
	const struct countryrules	*cr;
	struct countryrules		 scratch;

	cr = countryrules_find(r->sb->o.iso, cc, &scratch);
	if (cr == NULL)
		return fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
		    "No validation rules were found for the country/region "
		    "%s.", cc);
	return respond(c, r, MHD_HTTP_OK, countryrules_to_json(cr), NULL, 0);
}

static const struct {
	int		 col;
	const char	*name;
} address_props[] = {
	{ COL_ADDRESS_LINE1, "addressLine1" },
	{ COL_ADDRESS_LINE2, "addressLine2" },
	{ COL_ADDRESS_LINE3, "addressLine3" },
	{ COL_CITY, "city" },
	{ COL_STATE, "state" },
	{ COL_REGION, "region" },
	{ COL_POSTAL_CODE, "postalCode" },
	{ COL_COUNTRY, "country" },
};
#define ADDRESS_NPROPS (sizeof address_props / sizeof address_props[0])

static json_t *
address_json(const struct billing_profile *bp)
{
	json_t	*o = json_object();
	size_t	 i;

	for (i = 0; i < ADDRESS_NPROPS; i++)
		if (bp->field[address_props[i].col] != NULL)
			json_object_set_new(o, address_props[i].name,
			    json_string(bp->field[address_props[i].col]));
	return o;
}

static enum MHD_Result
validate_address(struct MHD_Connection *c, struct sandbox_req *r)
{
	struct billing_profile	 a, s;
	struct imp_err		 err;
	const char		*status;
	json_t			*j, *o, *sugg;
	char			 names[256], msg[320], *p;
	size_t			 i;
	int			 n, changed = 0;

	j = billing_json_load(r->body != NULL ? r->body : "", r->len, &err);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: %s", j == NULL ? err.msg :
		    "the body is not a JSON object.");
	}
	billing_init(&a);
	billing_init(&s);
	for (i = 0; i < ADDRESS_NPROPS; i++)
		billing_set(&a, address_props[i].col,
		    billing_json_string(j, address_props[i].name));
	json_decref(j);
	n = countryrules_check_address(r->sb->o.iso, &a, names, sizeof names);
	sugg = json_array();
	msg[0] = '\0';
	if (n == -1) {
		status = "NotValidated";
		snprintf(msg, sizeof msg, "No validation rules were found for "
		    "the country/region %s.", a.field[COL_COUNTRY] != NULL ?
		    a.field[COL_COUNTRY] : "(none)");
	} else if (n > 0) {
		status = "None";
		snprintf(msg, sizeof msg, "Address field invalid for "
		    "property: %s", names);
	} else {
		/* The suggestion: codes upper-cased, US ZIP made ZIP+4. */
		billing_copy(&s, &a);
		for (p = s.field[COL_COUNTRY]; p != NULL && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		for (p = s.field[COL_STATE]; p != NULL && *p; p++)
			if ((unsigned char)*p < 0x80)
				*p = (char)toupper((unsigned char)*p);
		for (p = s.field[COL_POSTAL_CODE]; p != NULL && *p; p++)
			*p = (char)toupper((unsigned char)*p);
		changed = !billing_equal(&a, &s);
		if (strcmp(s.field[COL_COUNTRY], "US") == 0 &&
		    s.field[COL_POSTAL_CODE] != NULL &&
		    strlen(s.field[COL_POSTAL_CODE]) == 5) {
			snprintf(names, sizeof names, "%s-%04u",
			    s.field[COL_POSTAL_CODE],
			    (unsigned)(hash_str(s.field[COL_ADDRESS_LINE1]) %
			    10000));
			billing_set(&s, COL_POSTAL_CODE, names);
		}
		status = changed ? "InteractionRequired" :
		    strcmp(s.field[COL_COUNTRY], "US") == 0 ?
		    "VerifiedShippable" : "Verified";
		json_array_append_new(sugg, address_json(&s));
	}
	o = json_object();
	json_object_set_new(o, "originalAddress", address_json(&a));
	json_object_set_new(o, "suggestedAddresses", sugg);
	json_object_set_new(o, "status", json_string(status));
	if (msg[0] != '\0')
		json_object_set_new(o, "validationMessage", json_string(msg));
	billing_clear(&a);
	billing_clear(&s);
	return respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

/* --- admin handlers ---------------------------------------------------- */

static int
admin_add(const struct billing_profile *bp, const struct accounts_info *info,
    void *arg)
{
	json_array_append_new(arg, admin_account_json(bp, info));
	return 0;
}

static enum MHD_Result
admin_stats(struct MHD_Connection *c, struct sandbox_req *r)
{
	struct sandbox_stats	 st;
	json_t			*o, *m, *s;
	char			 key[8];
	int			 i;

	pthread_mutex_lock(&r->sb->lock);
	st = r->sb->stats;
	pthread_mutex_unlock(&r->sb->lock);
	o = json_object();
	m = json_object();
	s = json_object();
	for (i = 0; i < 3; i++)
		json_object_set_new(m, sandbox_methods[i],
		    json_integer(st.methods[i]));
	json_object_set_new(m, "other", json_integer(st.methods[3]));
	for (i = 0; i < 600; i++) {
		if (st.statuses[i] == 0)
			continue;
		snprintf(key, sizeof key, "%d", i);
		json_object_set_new(s, key, json_integer(st.statuses[i]));
	}
	json_object_set_new(o, "requests", json_integer(st.requests));
	json_object_set_new(o, "methods", m);
	json_object_set_new(o, "statuses", s);
	json_object_set_new(o, "putsApplied", json_integer(st.puts_applied));
	json_object_set_new(o, "putsReplayed",
	    json_integer(st.puts_replayed));
	json_object_set_new(o, "dropped", json_integer(st.dropped));
	json_object_set_new(o, "accounts",
	    json_integer(accounts_count(r->sb->o.accounts, NULL)));
	return respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

static enum MHD_Result
admin_account(struct MHD_Connection *c, struct sandbox_req *r,
    const char *method, const char *id)
{
	struct billing_profile	 bp;
	struct accounts_info	 info;
	struct imp_err		 err;
	enum MHD_Result		 ret;
	const char		*vals[COL_COUNT], *k;
	json_t			*j = NULL, *v;
	char			 cid[40];
	unsigned		 mask = 0;
	int			 ok, rc, col;

	ret = check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&bp);
	memset(vals, 0, sizeof vals);
	if (strcmp(method, "POST") == 0) {
		j = billing_json_load(r->body != NULL ? r->body : "", r->len,
		    &err);
		if (j == NULL || !json_is_object(j)) {
			ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
			    "Invalid request input: expected an object of "
			    "canonical column names.");
			goto out;
		}
		json_object_foreach(j, k, v) {
			col = colmap_lookup(k);
			if (col <= COL_CUSTOMER_ID ||
			    (!json_is_string(v) && !json_is_null(v))) {
				ret = fail(c, r, MHD_HTTP_BAD_REQUEST, "3000",
				    "Invalid property: '%s'.", k);
				goto out;
			}
			vals[col] = json_is_string(v) ? json_string_value(v) :
			    NULL;
			mask |= 1U << col;
		}
		rc = accounts_patch(r->sb->o.accounts, cid, vals, mask, 1,
		    &bp, &err);
		if (rc == -1) {
			ret = internal(c, r, &err);
			goto out;
		}
	}
	rc = accounts_get(r->sb->o.accounts, cid, &bp, &info, &err);
	if (rc == -1)
		ret = internal(c, r, &err);
	else if (rc == 0)
		ret = not_found_customer(c, r, cid);
	else
		ret = respond(c, r, MHD_HTTP_OK, admin_account_json(&bp,
		    &info), bp.etag, 0);
out:
	json_decref(j);
	billing_clear(&bp);
	return ret;
}

/* Nonzero when the peer is on the loopback interface. */
static int
from_loopback(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;
	const struct sockaddr_in6	*s6;
	const unsigned char		*b;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return 0;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		return (ntohl(((const struct sockaddr_in *)(const void *)sa)->
		    sin_addr.s_addr) >> 24) == 127;
	if (sa->sa_family == AF_INET6) {
		s6 = (const struct sockaddr_in6 *)(const void *)sa;
		if (IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr))
			return 1;
		b = s6->sin6_addr.s6_addr;
		return IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr) && b[12] == 127;
	}
	return 0;
}

/* --- dispatch ---------------------------------------------------------- */

/* Checks the bearer token; answers 401 and returns 0 when it is wrong. */
static int
authorized(struct MHD_Connection *c, struct sandbox_req *r,
    enum MHD_Result *ret)
{
	const char	*h = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	const char	*tok = r->sb->o.token;
	size_t		 i, n;
	unsigned char	 diff = 0;

	if (h == NULL || strncasecmp(h, "Bearer ", 7) != 0) {
		*ret = fail(c, r, MHD_HTTP_UNAUTHORIZED, "800001",
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
		*ret = fail(c, r, MHD_HTTP_UNAUTHORIZED, "400",
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

static enum MHD_Result
method_not_allowed(struct MHD_Connection *c, struct sandbox_req *r)
{
	return fail(c, r, MHD_HTTP_METHOD_NOT_ALLOWED, "405",
	    "The method %s is not allowed here.", r->method);
}

static enum MHD_Result
route_admin(struct MHD_Connection *c, struct sandbox_req *r, char **seg,
    int n)
{
	struct imp_err	 err;
	json_t		*list;
	int		 more;

	if (!from_loopback(c))
		return fail(c, r, MHD_HTTP_FORBIDDEN, "2032",
		    "Access denied: the admin API answers on loopback only.");
	if (n == 2 && strcmp(seg[1], "stats") == 0) {
		if (strcmp(r->method, "GET") != 0)
			return method_not_allowed(c, r);
		return admin_stats(c, r);
	}
	if (n == 2 && strcmp(seg[1], "accounts") == 0) {
		if (strcmp(r->method, "GET") != 0)
			return method_not_allowed(c, r);
		list = json_array();
		if (accounts_list(r->sb->o.accounts, NULL, (size_t)-1 / 2,
		    admin_add, list, &more, &err) == -1) {
			json_decref(list);
			return internal(c, r, &err);
		}
		return respond(c, r, MHD_HTTP_OK, list, NULL, 0);
	}
	if (n == 3 && strcmp(seg[1], "accounts") == 0) {
		if (strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "POST") != 0)
			return method_not_allowed(c, r);
		return admin_account(c, r, r->method, seg[2]);
	}
	return fail(c, r, MHD_HTTP_NOT_FOUND, "1000", "Not found: %s",
	    r->path);
}

static enum MHD_Result
route_api(struct MHD_Connection *c, struct sandbox_req *r, char **seg,
    int n)
{
	int	get = strcmp(r->method, "GET") == 0;

	if (n >= 2 && strcmp(seg[1], "customers") == 0) {
		if (n == 2)
			return get ? list_customers(c, r) :
			    method_not_allowed(c, r);
		if (n == 3)
			return get ? get_customer(c, r, seg[2], 0, 0) :
			    method_not_allowed(c, r);
		if (n == 5 && strcmp(seg[3], "profiles") == 0 &&
		    strcmp(seg[4], "billing") == 0) {
			if (get)
				return get_customer(c, r, seg[2], 1, 0);
			if (strcmp(r->method, "PUT") == 0)
				return put_billing(c, r, seg[2]);
			return method_not_allowed(c, r);
		}
		if (n == 5 && strcmp(seg[3], "profiles") == 0 &&
		    strcmp(seg[4], "company") == 0)
			return get ? get_customer(c, r, seg[2], 0, 1) :
			    method_not_allowed(c, r);
	}
	if (n == 3 && strcmp(seg[1], "countryvalidationrules") == 0)
		return get ? country_rules(c, r, seg[2]) :
		    method_not_allowed(c, r);
	if (n == 3 && strcmp(seg[1], "validations") == 0 &&
	    strcmp(seg[2], "address") == 0)
		return strcmp(r->method, "POST") == 0 ?
		    validate_address(c, r) : method_not_allowed(c, r);
	return fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
	    "Not found: no resource at %s.", r->path);
}

static void
set_trace_ids(struct MHD_Connection *c, struct sandbox_req *r)
{
	const char	*h;

	h = header(c, "MS-RequestId");
	if (h != NULL && *h != '\0')
		snprintf(r->request_id, sizeof r->request_id, "%s", h);
	else
		new_guid(r->sb, r->request_id, sizeof r->request_id);
	h = header(c, "MS-CorrelationId");
	if (h != NULL && *h != '\0')
		snprintf(r->correlation_id, sizeof r->correlation_id, "%s", h);
	else
		new_guid(r->sb, r->correlation_id, sizeof r->correlation_id);
	h = header(c, "MS-CV");
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
	char		 grant[64], secret[256], id[256];
	const char	*body = r->body != NULL ? r->body : "";

	if (!form_value(body, "grant_type", grant, sizeof grant) ||
	    strcmp(grant, "client_credentials") != 0 ||
	    !form_value(body, "client_id", id, sizeof id) ||
	    !form_value(body, "client_secret", secret, sizeof secret) ||
	    strcmp(secret, sb->o.client_secret) != 0) {
		o = json_object();
		json_object_set_new(o, "error",
		    json_string("invalid_client"));
		return respond(c, r, MHD_HTTP_UNAUTHORIZED, o, NULL, 0);
	}
	o = json_object();
	json_object_set_new(o, "token_type", json_string("Bearer"));
	json_object_set_new(o, "expires_in", json_sprintf("%u",
	    sb->o.token_ttl != 0 ? sb->o.token_ttl : 3600));
	json_object_set_new(o, "access_token", json_string(sb->o.token));
	return respond(c, r, MHD_HTTP_OK, o, NULL, 0);
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
	if (!r->admin) {
		/* Every API request draws its faults, hit or not. */
		if (sb->o.fault != NULL)
			fault_draw(sb->o.fault, &r->fd);
		sandbox_sleep(sb, r->fd.latency_ms);
	}
	if (n == 3 && strcmp(seg[1], "oauth2") == 0 &&
	    strcmp(seg[2], "token") == 0 && strcmp(r->method, "POST") == 0 &&
	    sb->o.client_secret != NULL) {
		ret = token_endpoint(c, r);
		goto out;
	}
	if (!authorized(c, r, &ret))
		goto out;
	if (r->admin) {
		ret = route_admin(c, r, seg, n);
		goto out;
	}
	if (r->fd.throttled) {
		ret = respond(c, r, MHD_HTTP_TOO_MANY_REQUESTS,
		    billing_throttle_to_json(r->fd.retry_after), NULL,
		    r->fd.retry_after);
		goto out;
	}
	if (r->fd.fail503) {
		ret = fail(c, r, MHD_HTTP_SERVICE_UNAVAILABLE, "503",
		    "The service is temporarily unavailable.");
		goto out;
	}
	if (n < 1 || strcmp(seg[0], "v1") != 0)
		ret = fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
		    "Not found: no resource at %s.", r->path);
	else
		ret = route_api(c, r, seg, n);
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
sandbox_start(const struct sandbox_opts *opts, struct imp_err *err)
{
	const union MHD_DaemonInfo	*di;
	struct sandbox			*sb;
	struct sockaddr_in		 sin;
	struct sockaddr_in6		 sin6;
	struct sockaddr			*sa;
	pthread_condattr_t		 ca;
	struct timespec			 ts;
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
	} else {
		imp_errf(err, IMP_EXIT_USAGE, "--bind %s: not an IPv4 or "
		    "IPv6 address", bind_addr);
		return NULL;
	}
	sb = xcalloc(1, sizeof *sb);
	sb->o = *opts;
	clock_gettime(CLOCK_REALTIME, &ts);
	sb->nonce = mix64((uint64_t)ts.tv_sec * 1000000007ULL ^
	    (uint64_t)ts.tv_nsec ^ (uint64_t)getpid());
	pthread_mutex_init(&sb->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sb->wake, &ca);
	pthread_condattr_destroy(&ca);
	sb->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, sb,
	    MHD_OPTION_SOCK_ADDR, sa,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, sb,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opts->threads > 1 ?
	    opts->threads : 0),
	    MHD_OPTION_END);
	if (sb->d == NULL) {
		imp_errf(err, IMP_EXIT_UNAVAILABLE, "cannot listen on %s "
		    "port %u (in use, or not an address of this host)",
		    bind_addr, opts->port);
		sandbox_stop(sb);
		return NULL;
	}
	di = MHD_get_daemon_info(sb->d, MHD_DAEMON_INFO_BIND_PORT);
	sb->port = di != NULL ? di->port : opts->port;
	return sb;
}

unsigned
sandbox_port(const struct sandbox *sb)
{
	return sb->port;
}

void
sandbox_stop(struct sandbox *sb)
{
	if (sb == NULL)
		return;
	pthread_mutex_lock(&sb->lock);
	sb->stopping = 1;
	pthread_cond_broadcast(&sb->wake);
	pthread_mutex_unlock(&sb->lock);
	if (sb->d != NULL)
		MHD_stop_daemon(sb->d);
	pthread_cond_destroy(&sb->wake);
	pthread_mutex_destroy(&sb->lock);
	free(sb);
}
