/*
 * sandbox_audit.c: the sandbox's activity log, GET /v1/auditrecords: the
 * changes the account store recorded (every PUT applied, with the
 * request's MS-CorrelationId, and every admin change, as a portal edit
 * would be), for a range of UTC days, in pages with a continuation token,
 * as the service answers (partner-center-api.md §2, §15). The log keeps
 * 90 days: an older start date is a 400.
 */
#include "config.h"

#include "sandbox_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#define AUDIT_DEFAULT_PAGE	100
#define AUDIT_KEEP_DAYS		90

/* A day "YYYY-MM-DD" from a date or a date-time: 0, or -1. */
static int
parse_day(const char *s, char day[11])
{
	int	y, m, d;
	char	tail;

	if (s == NULL || strlen(s) < 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) < 3 ||
	    m < 1 || m > 12 || d < 1 || d > 31 || s[4] != '-' || s[7] != '-')
		return -1;
	snprintf(day, 11, "%04d-%02d-%02d", y, m, d);
	return 0;
}

static void
day_of(time_t t, char day[11])
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

/* A profile's JSON as the record carries it: a string, as the service's. */
static json_t *
value_json(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

struct audit_page {
	json_t		*items;
	long long	 last;
};

static int
audit_add(const struct accounts_audit *rec, void *arg)
{
	struct audit_page	*pg = arg;
	json_t			*o = json_object(), *a;

	json_object_set_new(o, "partnerId",
	    json_string("00000000-0000-0000-0000-000000000001"));
	json_object_set_new(o, "customerId", json_string(rec->customer_id));
	json_object_set_new(o, "userPrincipalName", json_string(rec->user));
	json_object_set_new(o, "applicationId",
	    value_json(rec->application_id));
	json_object_set_new(o, "resourceType", json_string("customer"));
	json_object_set_new(o, "resourceOldValue", value_json(rec->old));
	json_object_set_new(o, "resourceNewValue", value_json(rec->now));
	json_object_set_new(o, "operationType",
	    json_string("update_customer_billing_profile"));
	json_object_set_new(o, "operationStatus", json_string("succeeded"));
	json_object_set_new(o, "operationDate",
	    json_string(rec->operation_date));
	json_object_set_new(o, "originalCorrelationId",
	    value_json(rec->correlation_id));
	json_object_set_new(o, "customizedData", json_array());
	a = json_object();
	json_object_set_new(a, "objectType", json_string("AuditRecord"));
	json_object_set_new(o, "attributes", a);
	json_array_append_new(pg->items, o);
	pg->last = rec->id;
	return 0;
}

static json_t *
link_json(const char *uri)
{
	json_t	*l = json_object();

	json_object_set_new(l, "uri", json_string(uri));
	json_object_set_new(l, "method", json_string("GET"));
	json_object_set_new(l, "headers", json_array());
	return l;
}

enum MHD_Result
sandbox_audit_records(struct MHD_Connection *c, struct sandbox_req *r)
{
	const char	*size_s, *seek, *tok, *start_s, *end_s;
	struct audit_page pg;
	struct imp_err	 err;
	json_t		*o, *links, *next, *h, *attrs;
	char		 start[11], end[11], oldest[11], token[32], uri[160];
	char		*e;
	unsigned	 max = r->sb->o.max_page ? r->sb->o.max_page : 500;
	long		 size = AUDIT_DEFAULT_PAGE;
	long long	 after = 0;
	int		 n, more;

	size_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "size");
	seek = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "seekOperation");
	start_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "startDate");
	end_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "endDate");
	if (size_s != NULL) {
		size = strtol(size_s, &e, 10);
		if (e == size_s || *e != '\0' || size < 1)
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: size must be a "
			    "positive number.");
	}
	if (size > (long)max)
		size = (long)max;
	if (parse_day(start_s, start) == -1)
		return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: startDate is required "
		    "(YYYY-MM-DD).");
	if (end_s == NULL)
		day_of(time(NULL), end);
	else if (parse_day(end_s, end) == -1)
		return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: endDate is not a date "
		    "(YYYY-MM-DD).");
	day_of(time(NULL) - (time_t)AUDIT_KEEP_DAYS * 86400, oldest);
	if (strcmp(start, oldest) < 0)
		return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST, "800002",
		    "Invalid request input: startDate %s is more than %d days "
		    "ago; activity records are kept for %d days.", start,
		    AUDIT_KEEP_DAYS, AUDIT_KEEP_DAYS);
	if (seek != NULL) {
		if (strcasecmp(seek, "Next") != 0)
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: unsupported "
			    "seekOperation '%s'.", seek);
		tok = sandbox_header(c, "MS-ContinuationToken");
		if (tok == NULL || strncmp(tok, "audit-", 6) != 0 ||
		    (after = strtoll(tok + 6, &e, 10)) < 1 || *e != '\0')
			return sandbox_fail(c, r, MHD_HTTP_BAD_REQUEST,
			    "800002", "Invalid request input: a missing or "
			    "invalid MS-ContinuationToken.");
	}
	pg.items = json_array();
	pg.last = 0;
	n = accounts_audit_list(r->sb->accounts, start, end, after,
	    (size_t)size, audit_add, &pg, &more, &err);
	if (n == -1) {
		json_decref(pg.items);
		return sandbox_fail_internal(c, r, &err);
	}
	o = json_object();
	json_object_set_new(o, "totalCount", json_integer(n));
	json_object_set_new(o, "items", pg.items);
	snprintf(uri, sizeof uri, "/auditrecords?startDate=%s&endDate=%s"
	    "&size=%ld", start, end, size);
	links = json_object();
	json_object_set_new(links, "self", link_json(uri));
	if (more) {
		snprintf(token, sizeof token, "audit-%lld", pg.last);
		snprintf(uri, sizeof uri, "/auditrecords?startDate=%s"
		    "&endDate=%s&size=%ld&seekOperation=Next", start, end,
		    size);
		next = link_json(uri);
		h = json_object();
		json_object_set_new(h, "key",
		    json_string("MS-ContinuationToken"));
		json_object_set_new(h, "value", json_string(token));
		json_array_append_new(json_object_get(next, "headers"), h);
		json_object_set_new(links, "next", next);
		json_object_set_new(o, "continuationToken", json_string(token));
	}
	json_object_set_new(o, "links", links);
	attrs = json_object();
	json_object_set_new(attrs, "objectType", json_string("Collection"));
	json_object_set_new(o, "attributes", attrs);
	return sandbox_respond(c, r, MHD_HTTP_OK, o, NULL, 0);
}
