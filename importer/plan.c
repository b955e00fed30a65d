/*
 * plan.c: field comparison. Text is compared after trimming and NFC;
 * codes without regard to case; emails without regard to case; phone
 * numbers by their digits and a leading '+'.
 */
#include "config.h"

#include "plan.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "norm.h"

const char *
plan_field_name(int col)
{
	return col >= 0 && col < COL_COUNT ? column_info[col].field : "?";
}

const char *
plan_field_note(int col)
{
	/* Reference §15, "Company name" (learn: update-customer-account-
	 * info). */
	if (col == COL_COMPANY_NAME)
		return "changes the name Partner Center shows (customer list, "
		    "billing), not the tenant's organisation name, which "
		    "stays as it is in Company details";
	return NULL;
}

int
plan_needs_review(uint32_t mask)
{
	return (mask & (1u << COL_EMAIL)) &&
	    (mask & column_mask(COLUMN_POSTAL)) != 0;
}

/*
 * Characters that the legacy code pages map to different code points in
 * different tables (JIS X 0208 as Calc's Shift_JIS writes it, and CP932
 * as Windows reads it back): the same character to the person who typed
 * it. Each pair folds to its first member.
 */
static const struct {
	const char	*a, *b;
} twins[] = {
	{ "\xe3\x80\x9c", "\xef\xbd\x9e" },	/* U+301C wave dash, U+FF5E */
	{ "\xe2\x80\x96", "\xe2\x88\xa5" },	/* U+2016, U+2225 parallel */
	{ "\xe2\x88\x92", "\xef\xbc\x8d" },	/* U+2212 minus, U+FF0D */
	{ "\xe2\x80\x94", "\xe2\x80\x95" },	/* U+2014 em dash, U+2015 */
	{ "\xc2\xa2", "\xef\xbf\xa0" },		/* U+00A2 cent, U+FFE0 */
	{ "\xc2\xa3", "\xef\xbf\xa1" },		/* U+00A3 pound, U+FFE1 */
	{ "\xc2\xac", "\xef\xbf\xa2" },		/* U+00AC not, U+FFE2 */
};

static size_t	u8len(const unsigned char *, size_t);

/* Nonzero if a and b differ only by legacy-mapping twins. */
static int
twin_equal(const char *a, size_t al, const char *b, size_t bl)
{
	size_t	i, j, m, n, k;

	for (i = j = 0; i < al && j < bl; i += m, j += n) {
		m = u8len((const unsigned char *)a + i, al - i);
		n = u8len((const unsigned char *)b + j, bl - j);
		if (m == n && memcmp(a + i, b + j, m) == 0)
			continue;
		for (k = 0; k < sizeof twins / sizeof twins[0]; k++)
			if ((strlen(twins[k].a) == m && strlen(twins[k].b) == n &&
			    memcmp(a + i, twins[k].a, m) == 0 &&
			    memcmp(b + j, twins[k].b, n) == 0) ||
			    (strlen(twins[k].b) == m && strlen(twins[k].a) == n &&
			    memcmp(a + i, twins[k].b, m) == 0 &&
			    memcmp(b + j, twins[k].a, n) == 0))
				break;
		if (k == sizeof twins / sizeof twins[0])
			return 0;
	}
	return i == al && j == bl;
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
	else if (twin_equal(w, wl, c, cl))
		r = PLAN_SAME_NORMALIZED;
	else
		r = PLAN_CHANGE;
	norm_buf_free(&bw);
	norm_buf_free(&bc);
	return r;
}

/* The digits of s, without a '+' or anything else. */
static size_t
digits(const char *s, char *out, size_t outsize, int *plus)
{
	size_t	o = 0;

	*plus = 0;
	for (; *s != '\0' && o + 1 < outsize; s++) {
		if (*s == '+' && o == 0)
			*plus = 1;
		else if (isdigit((unsigned char)*s))
			out[o++] = *s;
	}
	out[o] = '\0';
	return o;
}

/*
 * A phone typed into a spreadsheet as a number loses its '+' and leading
 * zeros: +44 161 496 0557 comes back as 1614960557 or 441614960557,
 * 045-036-2063 as 450362063, +81 45-036-2063 as 81450362063. The new
 * value has no '+', and its digits are the current ones less a leading
 * 0, less a country calling code (1 to 3 digits), or both.
 */
int
plan_phone_mangled(const char *want, const char *cur, char *why,
    size_t whysize)
{
	char	wd[64], cd[64];
	size_t	wl, cl, k;
	int	wplus, cplus;
	const char *wc, *cc;

	if (want == NULL || cur == NULL || *want == '\0')
		return 0;
	wl = digits(want, wd, sizeof wd, &wplus);
	cl = digits(cur, cd, sizeof cd, &cplus);
	if (wplus || wl < 4 || cl < 4)
		return 0;
	if (strcmp(wd, cd) == 0) {
		if (!cplus)
			return 0;
		snprintf(why, whysize, "the phone is the current %s less its "
		    "'+'", cur);
		return 1;
	}
	/* Both without their trunk 0 (national form), then the longer
	 * may carry a calling code the shorter lacks. */
	wc = wd[0] == '0' ? wd + 1 : wd;
	cc = cd[0] == '0' ? cd + 1 : cd;
	wl = strlen(wc);
	cl = strlen(cc);
	if (wl == cl && strcmp(wc, cc) == 0 && wd[0] != '0' && cd[0] == '0') {
		snprintf(why, whysize, "the phone's digits are the current "
		    "%s less its leading 0", cur);
		return 1;
	}
	if (cl > wl && cl - wl <= 3 && cplus && strcmp(cc + (cl - wl), wc)
	    == 0) {
		k = cl - wl;
		snprintf(why, whysize, "the phone's digits are the current "
		    "%s less its '+' and country calling code %.*s", cur,
		    (int)k, cc);
		return 1;
	}
	/* Another number in the current one's international form, but
	 * without its '+': what a spreadsheet leaves of +44 20 7946 0000. */
	if (cplus && strlen(wd) == strlen(cd) && strncmp(wd, cd, 2) == 0) {
		snprintf(why, whysize, "the phone has the digits of an "
		    "international number like the current %s, but no '+'",
		    cur);
		return 1;
	}
	if (wl > cl && wl - cl <= 3 && !cplus && cd[0] == '0' &&
	    strcmp(wc + (wl - cl), cc) == 0) {
		snprintf(why, whysize, "the phone is the current %s with a "
		    "country calling code %.*s in front but no '+'", cur,
		    (int)(wl - cl), wc);
		return 1;
	}
	return 0;
}

/* The length of the UTF-8 character starting at s (1 for a stray byte). */
static size_t
u8len(const unsigned char *s, size_t left)
{
	size_t	n = *s < 0x80 ? 1 : *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 :
		    *s >= 0xc0 ? 2 : 1;

	return n <= left ? n : 1;
}

/*
 * A value saved through a legacy code page has '?' where the account holds
 * a character the code page could not: J?rgen for Jürgen, ??? for 株式会社.
 * After the common beginning and end, the new value's middle holds a '?'
 * and the current one's a non-ASCII character.
 */
int
plan_lost_characters(const char *want, const char *cur)
{
	const unsigned char	*w = (const unsigned char *)want;
	const unsigned char	*c = (const unsigned char *)cur;
	size_t			 wl, cl, p, n, s;
	int			 q = 0, hi = 0;

	if (want == NULL || cur == NULL || strchr(want, '?') == NULL)
		return 0;
	wl = strlen(want);
	cl = strlen(cur);
	for (p = 0; p < wl && p < cl; p += n) {
		n = u8len(w + p, wl - p);
		if (n != u8len(c + p, cl - p) || memcmp(w + p, c + p, n) != 0)
			break;
	}
	for (s = 0; s < wl - p && s < cl - p && w[wl - 1 - s] == c[cl - 1 - s];
	    s++)
		;
	/* Back to a character boundary of the end. */
	while (s > 0 && (c[cl - s] & 0xc0) == 0x80)
		s--;
	for (n = p; n < wl - s; n++)
		q |= w[n] == '?';
	for (n = p; n < cl - s; n++)
		hi |= c[n] >= 0x80;
	return q && hi;
}
