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

const char *
plan_field_name(int col)
{
	return col >= 0 && col < COL_COUNT ? column_info[col].field : "?";
}

int
plan_needs_review(uint32_t mask)
{
	return (mask & (1u << COL_EMAIL)) &&
	    (mask & column_mask(COLUMN_POSTAL)) != 0;
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
	else if ((column_has(col, COLUMN_CODE) || col == COL_EMAIL) &&
	    wl == cl &&
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
