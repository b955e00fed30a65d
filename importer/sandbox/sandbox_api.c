/*
 * sandbox_api.c: the sandbox's API: customers and their billing profiles
 * (GET, paging, PUT with etag preconditions and the service's checks), the
 * country validation rules and address validation, in the service's JSON;
 * the activity log is sandbox_audit.c's.
 */
#include "config.h"

#include "sandbox_int.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <microhttpd.h>

#include "billing.h"
#include "column.h"
#include "countryrules.h"
#include "postal.h"

#define SANDBOX_DEFAULT_PAGE	100

/* --- helpers --------------------------------------------------------- */

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

/* Upper-cases the ASCII letters of s; other bytes stay. */
static void
upper(char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x80)
			*s = (char)toupper((unsigned char)*s);
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

json_t *
sandbox_billing_json(const struct billing_profile *bp)
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
		json_object_set_new(o, "billingProfile",
		    sandbox_billing_json(bp));
	json_object_set_new(o, "relationshipToPartner",
	    json_string("reseller"));
	json_object_set_new(o, "allowDelegatedAccess", json_true());
	json_object_set_new(o, "links", links_self(uri));
	json_object_set_new(o, "attributes", attributes("Customer"));
	return o;
}

/* --- API handlers ------------------------------------------------------ */

/* Resolves a customer id from the path: lower-cased into out. */
enum MHD_Result
sandbox_check_customer_id(struct MHD_Connection *c, struct sandbox_req *r,
    const char *id, char *out, size_t size, int *ok)
{
	*ok = 0;
	if (!is_guid(id))
		return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "900118",
		    "Invalid customer ID: '%s'.", id);
	snprintf(out, size, "%s", id);
	lower(out);
	*ok = 1;
	return MHD_YES;
}

enum MHD_Result
sandbox_not_found_customer(struct MHD_Connection *c, struct sandbox_req *r,
    const char *cid)
{
	return sandbox_fail(c, r, MHD_HTTP_NOT_FOUND, "60003",
	    "Tenant not found: no customer with the id %s.", cid);
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

	ret = sandbox_check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&bp);
	rc = accounts_get(r->sb->accounts, cid, &bp, NULL, &err);
	if (rc == -1)
		ret = sandbox_fail_internal(c, r, &err);
	else if (rc == 0)
		ret = sandbox_not_found_customer(c, r, cid);
	else if (billing_only)
		ret = sandbox_respond(c, r, MHD_HTTP_OK,
		    sandbox_billing_json(&bp), bp.etag, 0);
	else if (company_only)
		ret = sandbox_respond(c, r, MHD_HTTP_OK, company_json(&bp),
		    NULL, 0);
	else
		ret = sandbox_respond(c, r, MHD_HTTP_OK, customer_json(&bp, 1),
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
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: size must be a "
			    "positive number.");
		if (size > (long)max)
			size = (long)max;
	}
	if (seek != NULL) {
		if (strcasecmp(seek, "Next") != 0)
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: unsupported "
			    "seekOperation '%s'.", seek);
		tok = sandbox_header(c, "MS-ContinuationToken");
		if (tok == NULL || token_decode(tok, after, sizeof after) ==
		    -1)
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: a missing or "
			    "invalid MS-ContinuationToken.");
		have_after = 1;
	}
	pg.items = json_array();
	pg.last[0] = '\0';
	n = accounts_list(r->sb->accounts, have_after ? after : NULL,
	    (size_t)size, page_add, &pg, &more, &err);
	if (n == -1) {
		json_decref(pg.items);
		return sandbox_fail_internal(c, r, &err);
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
	return sandbox_respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

/*
 * A value the rules refuse, as the service answers one: 400, code 27002,
 * data[] naming the property ("defaultAddress.state: StateInvalid - ...",
 * a top-level one bare).
 */
static enum MHD_Result
fail_property(struct MHD_Connection *c, struct sandbox_req *r,
    const struct countryrules_problem *p)
{
	const char	*name = strrchr(p->property, '.');
	json_t		*o;

	name = name != NULL ? name + 1 : p->property;
	o = billing_fault_to_json("27002", "A property has invalid data.",
	    SANDBOX_SOURCE);
	json_array_append_new(json_object_get(o, "data"), json_sprintf(
	    "%s: %c%sInvalid - %s", p->property, toupper((unsigned char)*name),
	    name + 1, p->why));
	return sandbox_respond(c, r, MHD_HTTP_BAD_REQUEST, o, NULL, 0);
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

	ret = sandbox_check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&in);
	billing_init(&out);
	rc = accounts_get(r->sb->accounts, cid, &out, NULL, &err);
	if (rc != 1) {
		ret = rc == 0 ? sandbox_not_found_customer(c, r, cid) :
		    sandbox_fail_internal(c, r, &err);
		goto out;
	}
	if (r->too_big) {
		ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: the body is larger than %d bytes.",
		    SANDBOX_MAX_BODY);
		goto out;
	}
	j = billing_json_load(r->body != NULL ? r->body : "", r->len, &err);
	if (j == NULL || !json_is_object(j)) {
		ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: %s", j == NULL ? err.msg :
		    "the body is not a JSON object.");
		goto out;
	}
	if (billing_from_json(j, &in, &err) == -1) {
		ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "3000",
		    "Invalid property: %s.", err.msg);
		goto out;
	}
	if (countryrules_check_profile(r->sb->o.iso, r->sb->rules, &in,
	    &prob) == -1) {
		ret = strcmp(prob.code, "3000") == 0 ? fail_property(c, r,
		    &prob) : sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
		    prob.code, "%s", prob.description);
		goto out;
	}
	memset(&put, 0, sizeof put);
	im = sandbox_header(c, MHD_HTTP_HEADER_IF_MATCH);
	if (im != NULL) {
		unquote_etag(im, ifmatch, sizeof ifmatch);
		put.if_match = ifmatch;
	}
	put.body_etag = in.etag;
	put.request_id = sandbox_header(c, "MS-RequestId");
	/* The activity log keeps the client's own correlation id only. */
	put.correlation_id = sandbox_header(c, "MS-CorrelationId");
	res = accounts_update(r->sb->accounts, cid, &in, &put, &out, &err);
	switch (res) {
	case ACCOUNTS_NOT_FOUND:
		ret = sandbox_not_found_customer(c, r, cid);
		goto out;
	case ACCOUNTS_STALE_IF_MATCH:
		ret = sandbox_fail(c, r, MHD_HTTP_PRECONDITION_FAILED, "2055",
		    "Etag is no longer valid: the profile was changed since "
		    "it was read (If-Match).");
		goto out;
	case ACCOUNTS_STALE_ETAG:
		ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "2055",
		    "Etag is no longer valid.");
		goto out;
	case ACCOUNTS_ERROR:
		ret = sandbox_fail_internal(c, r, &err);
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
	if (sandbox_fault_hide(c, r, &ret))
		goto out;
	ret = sandbox_respond(c, r, MHD_HTTP_OK, sandbox_billing_json(&out),
	    out.etag, 0);
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
	const struct country_rules	*cr;
	struct country_rules		*scratch;
	enum MHD_Result			 ret;

	cr = countryrules_find(r->sb->o.iso, r->sb->rules, cc, &scratch);
	if (cr == NULL)
		return sandbox_fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
		    "No validation rules were found for the country/region "
		    "%s.", cc);
	ret = sandbox_respond(c, r, MHD_HTTP_OK, country_rules_to_json(cr),
	    NULL, 0);
	country_rules_free(scratch);
	return ret;
}

/* An Address: the postal columns (column.h) under their properties. */
static json_t *
address_json(const struct billing_profile *bp)
{
	json_t	*o = json_object();
	int	 col;

	for (col = 0; col < COL_COUNT; col++)
		if (column_has(col, COLUMN_POSTAL) && bp->field[col] != NULL)
			json_object_set_new(o, column_info[col].property,
			    json_string(bp->field[col]));
	return o;
}

static enum MHD_Result
validate_address(struct MHD_Connection *c, struct sandbox_req *r)
{
	struct billing_profile	 a, s;
	struct imp_err		 err;
	const char		*status, *st;
	json_t			*j, *o, *sugg;
	char			 names[256], msg[320];
	int			 col, n, changed = 0;

	j = billing_json_load(r->body != NULL ? r->body : "", r->len, &err);
	if (j == NULL || !json_is_object(j)) {
		json_decref(j);
		return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: %s", j == NULL ? err.msg :
		    "the body is not a JSON object.");
	}
	billing_init(&a);
	billing_init(&s);
	for (col = 0; col < COL_COUNT; col++)
		if (column_has(col, COLUMN_POSTAL))
			billing_set(&a, col, billing_json_string(j,
			    column_info[col].property));
	json_decref(j);
	n = countryrules_check_address(r->sb->o.iso, r->sb->rules, &a, names,
	    sizeof names);
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
		for (col = 0; col < COL_COUNT; col++)
			if (column_has(col, COLUMN_POSTAL) &&
			    column_has(col, COLUMN_CODE) &&
			    s.field[col] != NULL)
				upper(s.field[col]);
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
		/* A postal code of another state: the state it belongs to. */
		st = postal_state(s.field[COL_COUNTRY],
		    s.field[COL_POSTAL_CODE]);
		if (st != NULL && s.field[COL_STATE] != NULL &&
		    strcmp(st, s.field[COL_STATE]) != 0) {
			snprintf(msg, sizeof msg, "Address field invalid for "
			    "property: 'State'");
			billing_set(&s, COL_STATE, st);
			status = "InteractionRequired";
		}
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
	return sandbox_respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}

enum MHD_Result
sandbox_route_api(struct MHD_Connection *c, struct sandbox_req *r, char **seg,
    int n)
{
	int	get = strcmp(r->method, "GET") == 0;

	if (n >= 2 && strcmp(seg[1], "customers") == 0) {
		if (n == 2)
			return get ? list_customers(c, r) :
			    sandbox_method_not_allowed(c, r);
		if (n == 3)
			return get ? get_customer(c, r, seg[2], 0, 0) :
			    sandbox_method_not_allowed(c, r);
		if (n == 5 && strcmp(seg[3], "profiles") == 0 &&
		    strcmp(seg[4], "billing") == 0) {
			if (get)
				return get_customer(c, r, seg[2], 1, 0);
			if (strcmp(r->method, "PUT") == 0)
				return put_billing(c, r, seg[2]);
			return sandbox_method_not_allowed(c, r);
		}
		if (n == 5 && strcmp(seg[3], "profiles") == 0 &&
		    strcmp(seg[4], "company") == 0)
			return get ? get_customer(c, r, seg[2], 0, 1) :
			    sandbox_method_not_allowed(c, r);
	}
	if (n == 2 && strcmp(seg[1], "auditrecords") == 0)
		return get ? sandbox_audit_records(c, r) :
		    sandbox_method_not_allowed(c, r);
	if (n == 3 && strcmp(seg[1], "countryvalidationrules") == 0)
		return get ? country_rules(c, r, seg[2]) :
		    sandbox_method_not_allowed(c, r);
	if (n == 3 && strcmp(seg[1], "validations") == 0 &&
	    strcmp(seg[2], "address") == 0)
		return strcmp(r->method, "POST") == 0 ?
		    validate_address(c, r) : sandbox_method_not_allowed(c, r);
	return sandbox_fail(c, r, MHD_HTTP_NOT_FOUND, "1000",
	    "Not found: no resource at %s.", r->path);
}
