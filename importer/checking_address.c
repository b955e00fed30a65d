/*
 * checking_address.c: the service's address validation at check, opt-in
 * (check --validate-addresses, or [validation] validate_addresses). For
 * each row whose plan changes the postal address, the address as it will
 * be (the row's values over the account's) is sent to
 * POST /v1/validations/address; the answer's status decides. Verified
 * (and VerifiedShippable) pass; None (incorrect) and the statuses that
 * need a person to choose (InteractionRequired, StreetPartial,
 * PremisesPartial, Multiple) make the row invalid at check, with the
 * service's reason and its suggested address, on the columns its message
 * names. NotValidated, or a status this tool does not know, judges
 * nothing: the row is planned as it would be without validation.
 * Reference: partner-center-api.md §10.
 */
#include "config.h"

#include "checking_int.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "billing.h"
#include "column.h"
#include "norm.h"
#include "plan.h"

/* The statuses that make an address invalid, and what each means. */
static const struct {
	const char	*status;
	const char	*meaning;
} address_bad[] = {
	{ "None", "the address is incorrect" },
	{ "InteractionRequired", "the service's correction changes it "
	  "significantly and needs a person to confirm it" },
	{ "StreetPartial", "the street is incomplete" },
	{ "PremisesPartial", "the building or suite number is incomplete" },
	{ "Multiple", "several parts of it are incomplete" },
};

/* The address as it will be: the row's value, else the account's. */
static const char *
merged(const char *const *want, const char *const *cur, int col)
{
	const char	*v = want[col] != NULL ? want[col] : cur[col];

	return v != NULL && *v != '\0' ? v : NULL;
}

int
checking_address_changes(uint32_t changed)
{
	return (changed & column_mask(COLUMN_POSTAL)) != 0;
}

char *
checking_address_body(const char *const *want, const char *const *cur)
{
	json_t		*o = json_object();
	const char	*v;
	char		*s;
	int		 col;

	for (col = 1; col < COL_COUNT; col++)
		if (column_has(col, COLUMN_POSTAL) &&
		    (v = merged(want, cur, col)) != NULL)
			json_object_set_new(o, column_info[col].property,
			    json_string(v));
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Appends "a, b, ..." of the address's parts in obj to buf. */
static void
address_text(const json_t *obj, char *buf, size_t size)
{
	const char	*v;
	size_t		 o = 0;
	int		 col;

	buf[0] = '\0';
	for (col = 1; col < COL_COUNT && o < size; col++) {
		if (!column_has(col, COLUMN_POSTAL) ||
		    (v = billing_json_string(obj, column_info[col].property)) ==
		    NULL || *v == '\0')
			continue;
		o += snprintf(buf + o, size - o, "%s%s", o > 0 ? ", " : "", v);
	}
}

/* The columns the service's message names ("...property: 'City', ..."). */
static uint32_t
named_columns(const char *msg)
{
	const char	*p, *q;
	uint32_t	 cols = 0;
	size_t		 n;
	int		 col;

	for (p = strchr(msg, '\''); p != NULL; p = strchr(q + 1, '\'')) {
		if ((q = strchr(p + 1, '\'')) == NULL)
			break;
		n = (size_t)(q - p - 1);
		for (col = 1; col < COL_COUNT; col++)
			if (column_has(col, COLUMN_POSTAL) &&
			    strlen(column_info[col].property) == n &&
			    strncasecmp(column_info[col].property, p + 1,
			    n) == 0)
				cols |= 1u << col;
	}
	return cols;
}

int
checking_address_read(const char *resp, size_t len,
    const char *const *want, const char *const *cur,
    struct address_verdict *v)
{
	struct imp_err	 err;
	json_t		*o, *sugg, *first;
	const char	*status, *msg, *s, *was;
	size_t		 i;
	int		 col;

	memset(v, 0, sizeof *v);
	o = resp != NULL ? billing_json_load(resp, len, &err) : NULL;
	if (o == NULL || !json_is_object(o) ||
	    (status = billing_json_string(o, "status")) == NULL) {
		json_decref(o);
		return -1;
	}
	snprintf(v->status, sizeof v->status, "%s", status);
	msg = billing_json_string(o, "validationMessage");
	for (i = 0; i < sizeof address_bad / sizeof address_bad[0]; i++)
		if (strcasecmp(status, address_bad[i].status) == 0) {
			v->invalid = 1;
			snprintf(v->message, sizeof v->message, "the service's "
			    "address validation answered %s: %s%s%.*s",
			    address_bad[i].status, address_bad[i].meaning,
			    msg != NULL ? " (" : "", msg != NULL ?
			    (int)norm_cut(msg, strlen(msg), 200) : 0,
			    msg != NULL ? msg : "");
			if (msg != NULL)
				strncat(v->message, ")", sizeof v->message -
				    strlen(v->message) - 1);
			norm_fit(v->message);
		}
	sugg = billing_json_get(o, "suggestedAddresses");
	first = json_is_array(sugg) ? json_array_get(sugg, 0) : NULL;
	if (json_is_object(first)) {
		address_text(first, v->suggestion, sizeof v->suggestion);
		norm_fit(v->suggestion);
		/* Where the suggestion differs from what was sent. */
		for (col = 1; col < COL_COUNT; col++) {
			if (!column_has(col, COLUMN_POSTAL))
				continue;
			s = billing_json_string(first,
			    column_info[col].property);
			was = merged(want, cur, col);
			if ((s != NULL && *s != '\0') != (was != NULL) ||
			    (s != NULL && was != NULL && strcmp(s, was) != 0))
				v->differs |= 1u << col;
		}
	}
	v->cols = msg != NULL ? named_columns(msg) : 0;
	json_decref(o);
	return 0;
}

int
checking_address_store(struct store *st, int64_t run, int64_t row,
    const char *const *want, const char *const *cur, uint32_t changed,
    const struct address_verdict *v, struct imp_err *err)
{
	struct store_problem	 sp;
	const char		*val;
	char			 hint[640], first[1024];
	uint32_t		 cols = v->cols;
	int			 col;

	/* The columns named, else those the service would correct, else
	 * the first part of the address the row changes. */
	if (cols == 0)
		cols = v->differs & column_mask(COLUMN_POSTAL);
	if (cols == 0)
		for (col = 1; col < COL_COUNT && cols == 0; col++)
			if ((changed & (1u << col)) &&
			    column_has(col, COLUMN_POSTAL))
				cols = 1u << col;
	if (v->suggestion[0] != '\0')
		snprintf(hint, sizeof hint, "the service suggests: %s; put "
		    "what is right in the file and stage it again",
		    v->suggestion);
	else
		snprintf(hint, sizeof hint, "correct the address and stage "
		    "it again (the service has no suggestion)");
	norm_fit(hint);
	first[0] = '\0';
	for (col = 1; col < COL_COUNT; col++) {
		if (!(cols & (1u << col)))
			continue;
		val = merged(want, cur, col);
		memset(&sp, 0, sizeof sp);
		sp.rule = PLAN_RULE_ADDRESS;
		sp.value = val != NULL ? val : "";
		sp.valuelen = strlen(sp.value);
		sp.message = v->message;
		sp.hint = hint;
		if (store_check_problem(st, row, col, &sp, err) == -1)
			return -1;
		if (first[0] == '\0')
			snprintf(first, sizeof first, "%s: %s (%s)",
			    column_info[col].name, v->message, hint);
	}
	norm_fit(first);
	return store_plan_outcome(st, run, row, OUTCOME_INVALID, 0, 0, 0,
	    first, NULL, err);
}
