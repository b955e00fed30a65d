/*
 * billing.c: billing profiles and error bodies to and from JSON, as the
 * Partner Center API writes them (camelCase, empty optionals omitted) and
 * as clients send them (any case, sometimes behind a UTF-8 BOM).
 */
#include "config.h"

#include "billing.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "norm.h"
#include "xmalloc.h"


/*
 * The order the service writes a profile's properties in (its documented
 * samples): top level, then defaultAddress. What each column is called and
 * where it lives is column.h's.
 */
static const int billing_order[] = {
	COL_FIRST_NAME, COL_LAST_NAME, COL_EMAIL, COL_CULTURE, COL_LANGUAGE,
	COL_COMPANY_NAME,
	/* defaultAddress */
	COL_COUNTRY, COL_REGION, COL_CITY, COL_STATE, COL_ADDRESS_LINE1,
	COL_ADDRESS_LINE2, COL_ADDRESS_LINE3, COL_POSTAL_CODE, COL_FIRST_NAME,
	COL_LAST_NAME, COL_PHONE_NUMBER,
};
#define BILLING_NORDER	(sizeof billing_order / sizeof billing_order[0])
#define BILLING_NTOP	6	/* the first six are the top level's */

void
billing_init(struct billing_profile *bp)
{
	memset(bp, 0, sizeof *bp);
}

void
billing_clear(struct billing_profile *bp)
{
	int	i;

	if (bp == NULL)
		return;
	free(bp->id);
	free(bp->etag);
	for (i = 0; i < COL_COUNT; i++) {
		free(bp->field[i]);
		free(bp->contact[i]);
	}
	billing_init(bp);
}

static char *
dup_or_null(const char *s)
{
	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

void
billing_copy(struct billing_profile *dst, const struct billing_profile *src)
{
	int	i;

	billing_clear(dst);
	dst->id = dup_or_null(src->id);
	dst->etag = dup_or_null(src->etag);
	for (i = 0; i < COL_COUNT; i++) {
		dst->field[i] = dup_or_null(src->field[i]);
		dst->contact[i] = dup_or_null(src->contact[i]);
	}
}

void
billing_set(struct billing_profile *bp, int col, const char *value)
{
	if (col < 0 || col >= COL_COUNT)
		return;
	free(bp->field[col]);
	bp->field[col] = dup_or_null(value);
}

int
billing_equal(const struct billing_profile *a, const struct billing_profile *b)
{
	const char	*x, *y;
	int		 i;

	for (i = 0; i < COL_COUNT; i++) {
		if (i == COL_CUSTOMER_ID)
			continue;
		x = a->field[i] != NULL ? a->field[i] : "";
		y = b->field[i] != NULL ? b->field[i] : "";
		if (strcmp(x, y) != 0)
			return 0;
	}
	return 1;
}

json_t *
billing_to_json(const struct billing_profile *bp, const char *self_uri)
{
	const struct column_info	*ci;
	json_t				*o, *addr, *links, *self, *attrs;
	size_t				 i;
	int				 col;

	o = json_object();
	addr = json_object();
	if (bp->id != NULL)
		json_object_set_new(o, "id", json_string(bp->id));
	for (i = 0; i < BILLING_NORDER; i++) {
		col = billing_order[i];
		ci = &column_info[col];
		if (bp->field[col] != NULL && *bp->field[col] != '\0')
			json_object_set_new(i < BILLING_NTOP ? o : addr,
			    ci->property, json_string(bp->field[col]));
	}
	if (json_object_size(addr) > 0)
		json_object_set_new(o, "defaultAddress", addr);
	else
		json_decref(addr);
	if (self_uri != NULL) {
		links = json_object();
		self = json_object();
		json_object_set_new(self, "uri", json_string(self_uri));
		json_object_set_new(self, "method", json_string("GET"));
		json_object_set_new(self, "headers", json_array());
		json_object_set_new(links, "self", self);
		json_object_set_new(o, "links", links);
	}
	attrs = json_object();
	if (bp->etag != NULL)
		json_object_set_new(attrs, "etag", json_string(bp->etag));
	json_object_set_new(attrs, "objectType",
	    json_string(BILLING_OBJECT_TYPE));
	json_object_set_new(o, "attributes", attrs);
	return o;
}

json_t *
billing_json_get(const json_t *obj, const char *key)
{
	const char	*k;
	json_t		*v, *exact;

	if (!json_is_object(obj))
		return NULL;
	/* json_object_foreach wants a non-const object; it does not change
	 * it. An exact match wins over a case-insensitive one. */
	exact = json_object_get(obj, key);
	if (exact != NULL)
		return exact;
	json_object_foreach((json_t *)obj, k, v) {
		if (strcasecmp(k, key) == 0)
			return v;
	}
	return NULL;
}

const char *
billing_json_string(const json_t *obj, const char *key)
{
	json_t	*v = billing_json_get(obj, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Reads one string property into *dst; null, absent or "" leave it NULL. */
static int
read_prop(const json_t *obj, const char *path, const char *name, char **dst,
    struct imp_err *err)
{
	json_t	*v = billing_json_get(obj, name);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s%s: not a string",
		    path, name);
	free(*dst);
	*dst = dup_or_null(json_string_value(v));
	return 0;
}

int
billing_from_json(const json_t *obj, struct billing_profile *bp,
    struct imp_err *err)
{
	const struct column_info	*ci;
	const json_t			*addr, *attrs;
	char				*inaddr[COL_COUNT] = { NULL };
	int				 rc = -1, col;

	billing_clear(bp);
	if (!json_is_object(obj))
		return imp_errf(err, IMP_EXIT_SOFTWARE,
		    "the billing profile is not a JSON object");
	addr = billing_json_get(obj, "defaultAddress");
	if (addr != NULL && !json_is_null(addr) && !json_is_object(addr)) {
		imp_errf(err, IMP_EXIT_SOFTWARE,
		    "defaultAddress: not an object");
		goto out;
	}
	attrs = billing_json_get(obj, "attributes");
	if (attrs != NULL && !json_is_null(attrs) && !json_is_object(attrs)) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "attributes: not an object");
		goto out;
	}
	if (read_prop(obj, "", "id", &bp->id, err) == -1)
		goto out;
	if (json_is_object(attrs) &&
	    read_prop(attrs, "attributes.", "etag", &bp->etag, err) == -1)
		goto out;
	for (col = 0; col < COL_COUNT; col++) {
		ci = &column_info[col];
		if (ci->place != COLUMN_ID && ci->place != COLUMN_ADDRESS &&
		    read_prop(obj, "", ci->property, &bp->field[col],
		    err) == -1)
			goto out;
		if ((ci->place != COLUMN_ADDRESS &&
		    ci->place != COLUMN_CONTACT) || !json_is_object(addr))
			continue;
		if (read_prop(addr, "defaultAddress.", ci->property,
		    &inaddr[col], err) == -1)
			goto out;
		if (ci->place == COLUMN_CONTACT)
			bp->contact[col] = dup_or_null(inaddr[col]);
		/* The address's own names only fill in missing top ones. */
		if (bp->field[col] == NULL) {
			bp->field[col] = inaddr[col];
			inaddr[col] = NULL;
		}
	}
	rc = 0;
out:
	for (col = 0; col < COL_COUNT; col++)
		free(inaddr[col]);
	if (rc == -1)
		billing_clear(bp);
	return rc;
}

json_t *
billing_json_load(const char *buf, size_t len, struct imp_err *err)
{
	json_error_t	 je;
	json_t		*j;

	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {
		buf += 3;
		len -= 3;
	}
	j = json_loadb(buf, len, JSON_DECODE_ANY, &je);
	if (j == NULL)
		imp_errf(err, IMP_EXIT_SOFTWARE, "invalid JSON: %s (line %d, "
		    "column %d)", je.text, je.line, je.column);
	return j;
}

/* Sets obj[key] (any case of key replaced); "" removes the property. */
static void
set_prop(json_t *obj, const char *key, const char *value)
{
	const char	*k;
	json_t		*v;
	void		*tmp;

	json_object_foreach_safe(obj, tmp, k, v)
		if (strcasecmp(k, key) == 0)
			json_object_del(obj, k);
	if (*value != '\0')
		json_object_set_new(obj, key, json_string(value));
}

/* obj[key] (any case) as an object, made (and put in place) if it is not. */
static json_t *
get_object(json_t *obj, const char *key)
{
	json_t	*v = billing_json_get(obj, key);

	if (!json_is_object(v)) {
		v = json_object();
		set_prop(obj, key, "");
		json_object_set_new(obj, key, v);
	}
	return v;
}

char *
billing_put_body(const char *account, const char *const want[COL_COUNT],
    uint32_t planned, const char *etag, struct imp_err *err)
{
	const struct column_info	*ci;
	json_t				*o, *addr, *attr;
	char				*out;
	int				 col;

	o = billing_json_load(account, strlen(account), err);
	if (o == NULL)
		return NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		imp_errf(err, IMP_EXIT_SOFTWARE, "the account is not a JSON "
		    "object");
		return NULL;
	}
	addr = get_object(o, "defaultAddress");
	for (col = 0; col < COL_COUNT; col++) {
		ci = &column_info[col];
		if (ci->place == COLUMN_ID || !(planned & (1u << col)) ||
		    want[col] == NULL)
			continue;
		if (ci->place != COLUMN_ADDRESS)
			set_prop(o, ci->property, want[col]);
		if (ci->place == COLUMN_ADDRESS || ci->place == COLUMN_CONTACT)
			set_prop(addr, ci->property, want[col]);
	}
	attr = get_object(o, "attributes");
	if (etag != NULL && *etag != '\0')
		set_prop(attr, "etag", etag);
	set_prop(attr, "objectType", BILLING_OBJECT_TYPE);
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return out;
}

json_t *
billing_fault_to_json(const char *code, const char *description,
    const char *source)
{
	json_t	*o = json_object();

	json_object_set_new(o, "code", json_string(code));
	json_object_set_new(o, "description", json_string(description));
	json_object_set_new(o, "data", json_array());
	json_object_set_new(o, "source", json_string(source));
	return o;
}

json_t *
billing_throttle_to_json(int retry_after)
{
	json_t	*o = json_object();
	char	 msg[96];

	snprintf(msg, sizeof msg,
	    "Rate limit is exceeded. Try again in %d seconds.", retry_after);
	json_object_set_new(o, "statusCode", json_integer(429));
	json_object_set_new(o, "message", json_string(msg));
	return o;
}

static void
copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
	norm_fit(dst);	/* the service's text, cut whole */
}

static void	fault_data(const json_t *, struct billing_fault *);

int
billing_fault_from_json(const json_t *obj, struct billing_fault *f)
{
	json_t	*code, *status;

	memset(f, 0, sizeof *f);
	if (!json_is_object(obj))
		return -1;
	code = billing_json_get(obj, "code");
	status = billing_json_get(obj, "statusCode");
	if (json_is_string(code))
		copy_str(f->code, sizeof f->code, json_string_value(code));
	else if (json_is_integer(code))
		snprintf(f->code, sizeof f->code, "%lld",
		    (long long)json_integer_value(code));
	else if (json_is_integer(status)) {
		f->status = (int)json_integer_value(status);
		copy_str(f->description, sizeof f->description,
		    billing_json_string(obj, "message"));
		return 0;
	} else
		return -1;
	copy_str(f->description, sizeof f->description,
	    billing_json_string(obj, "description"));
	copy_str(f->source, sizeof f->source,
	    billing_json_string(obj, "source"));
	fault_data(billing_json_get(obj, "data"), f);
	return 0;
}

int
billing_property_column(const char *name, size_t len)
{
	const char	*dot;
	size_t		 n;
	int		 col;

	while (len > 0 && (*name == ' ' || *name == '\t')) {
		name++;
		len--;
	}
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	/* The last part of a path names it: every property of the profile
	 * has a name of its own, a contact name in both places one column. */
	dot = memrchr(name, '.', len);
	if (dot != NULL) {
		len -= (size_t)(dot + 1 - name);
		name = dot + 1;
	}
	for (col = 0; col < COL_COUNT; col++) {
		if (column_info[col].place == COLUMN_ID)
			continue;
		n = strlen(column_info[col].property);
		if (n == len && strncasecmp(name, column_info[col].property,
		    len) == 0)
			return col;
	}
	return -1;
}

/*
 * The columns a 400's data[] names: each entry "property: Reason -
 * Details" (27002), or a bare property name. Entries naming nothing of
 * the profile are left to the description.
 */
static void
fault_data(const json_t *data, struct billing_fault *f)
{
	const char	*s, *colon;
	size_t		 i;
	int		 col;

	if (!json_is_array(data))
		return;
	for (i = 0; i < json_array_size(data); i++) {
		s = json_string_value(json_array_get(data, i));
		if (s == NULL)
			continue;
		colon = strchr(s, ':');
		col = billing_property_column(s, colon != NULL ?
		    (size_t)(colon - s) : strlen(s));
		if (col < 0 || (f->columns & (1u << col)))
			continue;
		f->columns |= 1u << col;
		if (colon != NULL) {
			for (colon++; *colon == ' '; colon++)
				;
			copy_str(f->why[col], sizeof f->why[col], colon);
		}
	}
}

/* Nonzero if needle is in haystack, in any case. */
static int
has_text(const char *haystack, const char *needle)
{
	return strcasestr(haystack, needle) != NULL;
}

enum billing_refusal
billing_refusal(long status, const char *body, size_t len, char *why,
    size_t size)
{
	struct billing_fault	 f;
	struct imp_err		 e;
	json_t			*o;
	const char		*what;

	if (status != 401 && status != 403)
		return BILLING_REFUSAL_ROW;
	memset(&f, 0, sizeof f);
	o = body != NULL && len > 0 ? billing_json_load(body, len, &e) : NULL;
	if (o == NULL || billing_fault_from_json(o, &f) == -1)
		memset(&f, 0, sizeof f);
	json_decref(o);
	if (status == 401) {
		if (strcmp(f.code, "900421") != 0)
			return BILLING_REFUSAL_ROW;
		snprintf(why, size, "the service refused the token: it "
		    "carries no MFA claim (HTTP 401 code 900421), which every "
		    "App+User call needs; use App-only credentials (the "
		    "profile's tenant, client_id, client_secret_env) or a "
		    "token obtained with multi-factor authentication");
		return BILLING_REFUSAL_MFA;
	}
	/* The role's text first: it may come with any code. */
	if (has_text(f.description, "does not have the rights"))
		what = "the user needs the Admin agent or Sales agent role, "
		    "and App-only credentials may be refused where App+User "
		    "ones are allowed";
	else if (strcmp(f.code, "2032") == 0 || strcmp(f.code, "20002") == 0)
		what = "only a direct-bill partner or an indirect provider "
		    "with a relationship to the customers may change them (an "
		    "indirect reseller may not)";
	else if (strcmp(f.code, "600006") == 0)
		what = "check the role (Admin agent or Sales agent), App-only "
		    "against App+User credentials, and that the partner is a "
		    "direct-bill partner or an indirect provider";
	else
		return BILLING_REFUSAL_ROW;
	snprintf(why, size, "the service refused the partner's rights (HTTP "
	    "403%s%s%s%.*s): %s; every customer would get the same answer, "
	    "so nothing more was sent", f.code[0] ? " code " : "", f.code,
	    f.description[0] ? ": " : "", (int)norm_cut(f.description,
	    strlen(f.description), 120), f.description, what);
	norm_fit(why);
	return BILLING_REFUSAL_RIGHTS;
}
