/*
 * plan.c: field comparison. Text is compared after trimming and NFC;
 * codes without regard to case; emails without regard to case; phone
 * numbers by their digits and a leading '+'.
 */
#include "config.h"

#include "plan.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "norm.h"

#define PLAN_ADDRESS	((1u << COL_ADDRESS_LINE1) | (1u << COL_ADDRESS_LINE2) | \
	(1u << COL_ADDRESS_LINE3) | (1u << COL_CITY) | (1u << COL_STATE) | \
	(1u << COL_REGION) | (1u << COL_POSTAL_CODE) | (1u << COL_COUNTRY))

static const char *const plan_fields[COL_COUNT] = {
	"customerId", "companyName", "firstName", "lastName", "email",
	"defaultAddress.phoneNumber", "defaultAddress.addressLine1",
	"defaultAddress.addressLine2", "defaultAddress.addressLine3",
	"defaultAddress.city", "defaultAddress.state",
	"defaultAddress.region", "defaultAddress.postalCode",
	"defaultAddress.country", "culture", "language",
};

const char *
plan_field_name(int col)
{
	return col >= 0 && col < COL_COUNT ? plan_fields[col] : "?";
}

int
plan_needs_review(uint32_t mask)
{
	return (mask & (1u << COL_EMAIL)) && (mask & PLAN_ADDRESS);
}

static int
is_code(int col)
{
	return col == COL_CUSTOMER_ID || col == COL_COUNTRY ||
	    col == COL_CULTURE || col == COL_LANGUAGE || col == COL_STATE ||
	    col == COL_POSTAL_CODE;
}

/* The digits of a phone number, with a leading '+' kept. */
static size_t
phone_key(const char *s, char *out, size_t outsize)
{
	size_t	o = 0;

	for (; *s != '\0' && o + 1 < outsize; s++)
		if (isdigit((unsigned char)*s) || (*s == '+' && o == 0))
			out[o++] = *s;
	out[o] = '\0';
	return o;
}

enum plan_cmp
plan_compare(int col, const char *want, const char *cur)
{
	struct norm_buf	 bw = { NULL, 0 }, bc = { NULL, 0 };
	const char	*w, *c;
	size_t		 wl, cl;
	unsigned	 f = 0;
	char		 pw[64], pc[64];
	enum plan_cmp	 r;

	if (want == NULL)
		return PLAN_SAME;
	if (cur == NULL)
		cur = "";
	if (strcmp(want, cur) == 0)
		return PLAN_SAME;	/* most fields of most rows */
	w = norm_text(want, strlen(want), &bw, &wl, &f);
	c = norm_text(cur, strlen(cur), &bc, &cl, &f);
	if (wl == 0 || cl == 0)
		r = wl == cl ? PLAN_SAME : PLAN_CHANGE;
	else if (wl == cl && memcmp(w, c, wl) == 0)
		r = strcmp(want, cur) == 0 ? PLAN_SAME : PLAN_SAME_NORMALIZED;
	else if ((is_code(col) || col == COL_EMAIL) && wl == cl &&
	    strncasecmp(w, c, wl) == 0)
		r = PLAN_SAME_NORMALIZED;
	else if (col == COL_PHONE_NUMBER && phone_key(w, pw, sizeof pw) > 0 &&
	    phone_key(c, pc, sizeof pc) > 0 && strcmp(pw, pc) == 0)
		r = PLAN_SAME_NORMALIZED;
	else
		r = PLAN_CHANGE;
	norm_buf_free(&bw);
	norm_buf_free(&bc);
	return r;
}
