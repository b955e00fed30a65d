/*
 * sandbox_admin.c: what the tests drive: the admin API, on loopback only
 * (request counters, every account with its bookkeeping, changes made "by
 * another user"), and where the seeded faults (fault.c) meet a request.
 */
#include "config.h"

#include "sandbox_int.h"

#include <sys/socket.h>
#include <netinet/in.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <microhttpd.h>

#include "billing.h"
#include "colmap.h"

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
	json_object_set_new(o, "profile", sandbox_billing_json(bp));
	return o;
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
	    json_integer(accounts_count(r->sb->accounts, NULL)));
	return sandbox_respond(c, r, MHD_HTTP_OK, o, NULL, 0);
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

	ret = sandbox_check_customer_id(c, r, id, cid, sizeof cid, &ok);
	if (!ok)
		return ret;
	billing_init(&bp);
	memset(vals, 0, sizeof vals);
	if (strcmp(method, "POST") == 0) {
		j = billing_json_load(r->body != NULL ? r->body : "", r->len,
		    &err);
		if (j == NULL || !json_is_object(j)) {
			ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
			    "Invalid request input: expected an object of "
			    "canonical column names.");
			goto out;
		}
		json_object_foreach(j, k, v) {
			col = colmap_lookup(k);
			if (col <= COL_CUSTOMER_ID ||
			    (!json_is_string(v) && !json_is_null(v))) {
				ret = sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
				    "3000", "Invalid property: '%s'.", k);
				goto out;
			}
			vals[col] = json_is_string(v) ? json_string_value(v) :
			    NULL;
			mask |= 1U << col;
		}
		rc = accounts_patch(r->sb->accounts, cid, vals, mask, 1,
		    &bp, &err);
		if (rc == -1) {
			ret = sandbox_fail_internal(c, r, &err);
			goto out;
		}
	}
	rc = accounts_get(r->sb->accounts, cid, &bp, &info, &err);
	if (rc == -1)
		ret = sandbox_fail_internal(c, r, &err);
	else if (rc == 0)
		ret = sandbox_not_found_customer(c, r, cid);
	else
		ret = sandbox_respond(c, r, MHD_HTTP_OK, admin_account_json(&bp,
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

enum MHD_Result
sandbox_route_admin(struct MHD_Connection *c, struct sandbox_req *r, char **seg,
    int n)
{
	struct imp_err	 err;
	json_t		*list;
	int		 more;

	if (!from_loopback(c))
		return sandbox_fail(c, r, MHD_HTTP_FORBIDDEN, "2032",
		    "Access denied: the admin API answers on loopback only.");
	if (n == 2 && strcmp(seg[1], "stats") == 0) {
		if (strcmp(r->method, "GET") != 0)
			return sandbox_method_not_allowed(c, r);
		return admin_stats(c, r);
	}
	if (n == 2 && strcmp(seg[1], "accounts") == 0) {
		if (strcmp(r->method, "GET") != 0)
			return sandbox_method_not_allowed(c, r);
		list = json_array();
		if (accounts_list(r->sb->accounts, NULL, (size_t)-1 / 2,
		    admin_add, list, &more, &err) == -1) {
			json_decref(list);
			return sandbox_fail_internal(c, r, &err);
		}
		return sandbox_respond(c, r, MHD_HTTP_OK, list, NULL, 0);
	}
	if (n == 3 && strcmp(seg[1], "accounts") == 0) {
		if (strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "POST") != 0)
			return sandbox_method_not_allowed(c, r);
		return admin_account(c, r, r->method, seg[2]);
	}
	return sandbox_fail(c, r, MHD_HTTP_NOT_FOUND, "1000", "Not found: %s",
	    r->path);
}

/* --- faults ------------------------------------------------------------ */

/*
 * Draws the faults of an API request and sleeps its latency; admin
 * requests get none. Every API request draws, hit or not, so that the
 * same seed and the same requests fail the same way.
 */
void
sandbox_fault_draw(struct sandbox_req *r)
{
	if (r->admin)
		return;
	fault_draw(r->sb->fault, &r->fd);
	sandbox_sleep(r->sb, r->fd.latency_ms);
}

/*
 * The refusals a partner without the rights, or a token without MFA, gets
 * for every API request (--forbid), and the one customer a partner
 * may not touch (--forbid-customer). Returns 1 with *ret when one hit.
 */
static int
forbidden(struct MHD_Connection *c, struct sandbox_req *r,
    enum MHD_Result *ret)
{
	static const char	 prefix[] = "/v1/customers/";
	const struct fault_opts	*fo = &r->sb->o.faults;
	const char		*id;
	size_t			 n;
	int			 put = strcmp(r->method, "PUT") == 0;

	/* The partner's rights and its token: every API request. */
	if (strncmp(r->path, "/v1/", 4) != 0)
		return 0;
	id = strncmp(r->path, prefix, sizeof prefix - 1) == 0 ?
	    r->path + sizeof prefix - 1 : NULL;
	n = strlen(fo->forbid_customer);
	if (id != NULL && n > 0 && (put || !fo->forbid_customer_puts) &&
	    strncasecmp(id, fo->forbid_customer, n) == 0 &&
	    (id[n] == '/' || id[n] == '\0')) {
		*ret = sandbox_fail(c, r, MHD_HTTP_FORBIDDEN, "403",
		    "Forbidden: the partner may not access this customer's "
		    "billing profile.");
		return 1;
	}
	if (fo->forbid == SANDBOX_FORBID_NONE || (fo->forbid_puts && !put))
		return 0;
	switch (fo->forbid) {
	case SANDBOX_FORBID_RELATIONSHIP:
		*ret = sandbox_fail(c, r, MHD_HTTP_FORBIDDEN, "20002",
		    "Access denied: the partner has no commerce relationship "
		    "with the customer.");
		break;
	case SANDBOX_FORBID_ROLE:
		*ret = sandbox_fail(c, r, MHD_HTTP_FORBIDDEN, "2032",
		    "The supplied role does not have the rights to perform "
		    "the requested operation.");
		break;
	case SANDBOX_FORBID_ACTION:
		*ret = sandbox_fail(c, r, MHD_HTTP_FORBIDDEN, "600006",
		    "The requested action is not allowed.");
		break;
	default:
		*ret = sandbox_fail(c, r, MHD_HTTP_UNAUTHORIZED, "900421",
		    "The access token has no MFA claim: App+User calls "
		    "must be made with multi-factor authentication.");
		break;
	}
	return 1;
}

/*
 * Answers 429 or 503 when the request was picked for one, before it does
 * anything; returns 1 then (the answer in *ret), else 0.
 */
int
sandbox_fault_refuse(struct MHD_Connection *c, struct sandbox_req *r,
    enum MHD_Result *ret)
{
	if (forbidden(c, r, ret))
		return 1;
	if (r->fd.throttled) {
		*ret = sandbox_respond(c, r, MHD_HTTP_TOO_MANY_REQUESTS,
		    billing_throttle_to_json(r->fd.retry_after), NULL,
		    r->fd.retry_after);
		return 1;
	}
	if (r->fd.fail503) {
		*ret = sandbox_fail(c, r, MHD_HTTP_SERVICE_UNAVAILABLE, "503",
		    "The service is temporarily unavailable.");
		return 1;
	}
	return 0;
}

/*
 * Once a PUT is applied: the faults that hide the outcome from the caller
 * (the connection dropped, or a 500). Returns 1 with *ret when one hit.
 */
int
sandbox_fault_hide(struct MHD_Connection *c, struct sandbox_req *r,
    enum MHD_Result *ret)
{
	if (r->fd.drop_after) {
		sandbox_count_response(r, 0);
		*ret = MHD_NO;
		return 1;
	}
	if (r->fd.fail500_after) {
		*ret = sandbox_fail(c, r, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "800003", "Unexpected service error.");
		return 1;
	}
	return 0;
}
