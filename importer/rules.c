/*
 * rules.c: row validation. A cell is normalized first (norm.c), then
 * checked by its column's rule. Rules that need the country use the row's
 * own country cell; rows that leave the country unchanged are checked
 * against the account when it is fetched.
 */
#include "config.h"

#include "rules.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <utf8proc.h>

#include "country.h"
#include "guid.h"
#include "xmalloc.h"

struct rules {
	const struct isodata	*iso;
	const struct colmap	*cm;
	const char		*clear;
	size_t			 clearlen;
	unsigned		 required;
	int			*map;		/* input -> column */
	size_t			 ninput;
	const char		*legacy;	/* a legacy encoding the file
						 * was read in, or NULL */
};

/* Postal code shapes: 9 a digit, A a letter, anything else itself. */
static const struct {
	const char	*cc;
	const char	*shapes;
	const char	*example;
} rules_postal[] = {
	{ "US", "99999|99999-9999", "98052 or 98052-6399" },
	{ "CA", "A9A 9A9|A9A9A9", "K1A 0B1" },
	{ "CN", "999999", "100080" },
	{ "JP", "999-9999|9999999", "100-0001" },
	{ "DE", "99999", "10115" },
	{ "GB", "A9 9AA|A99 9AA|A9A 9AA|AA9 9AA|AA99 9AA|AA9A 9AA|"
	    "A99AA|A999AA|A9A9AA|AA99AA|AA999AA|AA9A9AA", "SW1A 1AA" },
	{ "FR", "99999", "75001" },
	{ "IN", "999999|999 999", "560001" },
	{ "BR", "99999-999|99999999", "01310-100" },
	{ "AU", "9999", "2000" },
	{ "MX", "99999", "06600" },
	{ "PT", "9999-999|9999", "1000-001" },
	{ "ES", "99999", "28001" },
	{ "IT", "99999", "00184" },
	{ "NL", "9999 AA|9999AA", "1012 AB" },
};

/* Countries whose billing address needs a phone number (error 600051),
 * and those that need it when a customer is created or modified. */
static const char rules_phone_required[] =
    "AM AZ BY HU KZ KG MD RU TJ UZ UA TH VN TR PL ZA IN BR IQ MM SS SA AE VE";

static const char *const rules_excel_errors[] = {
	"#N/A", "#VALUE!", "#REF!", "#NAME?", "#DIV/0!", "#NULL!", "#NUM!",
	"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!",
	"#UNKNOWN!", "#GETTING_DATA", "#N/A!", "#PYTHON!", "#TIMEOUT!",
	"#EXTERNAL!",
};

struct rules *
rules_new(const struct isodata *iso, const struct colmap *cm,
    const char *clear_token, unsigned required)
{
	struct rules	*r;
	size_t		 i;

	r = xcalloc(1, sizeof *r);
	r->iso = iso;
	r->cm = cm;
	r->clear = clear_token;
	r->clearlen = strlen(clear_token);
	r->required = required | column_mask(COLUMN_REQUIRED);
	r->ninput = colmap_ninput(cm);
	r->map = xcalloc(r->ninput, sizeof *r->map);
	for (i = 0; i < r->ninput; i++)
		r->map[i] = colmap_column(cm, i);
	return r;
}

void
rules_set_encoding(struct rules *r, const char *encoding)
{
	r->legacy = encoding != NULL && strncasecmp(encoding, "UTF-", 4) !=
	    0 && strcasecmp(encoding, "UTF8") != 0 &&
	    strcasecmp(encoding, "ASCII") != 0 ? encoding : NULL;
}

void
rules_free(struct rules *r)
{
	if (r == NULL)
		return;
	free(r->map);
	free(r);
}

void
rules_row_free(struct rules_row *row)
{
	int	i;

	for (i = 0; i < COL_COUNT; i++)
		norm_buf_free(&row->buf[i]);
	norm_buf_free(&row->tmp);
}

static void
vadd(struct rules_row *row, size_t input, int col, const char *rule,
    const char *hint, const char *fmt, va_list ap)
{
	struct rules_problem	*p;

	row->nerrors++;
	if (row->nprobs == RULES_MAX_PROBLEMS)
		return;
	p = &row->probs[row->nprobs++];
	p->input = input;
	p->col = col;
	p->rule = rule;
	vsnprintf(p->msg, sizeof p->msg, fmt, ap);
	snprintf(p->hint, sizeof p->hint, "%s", hint != NULL ? hint : "");
	norm_fit(p->msg);
	norm_fit(p->hint);
}

void
rules_add(struct rules_row *row, size_t input, int col, const char *rule,
    const char *hint, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vadd(row, input, col, rule, hint, fmt, ap);
	va_end(ap);
}

/* A problem of column col's cell, the hint itself a format. */
static void __attribute__((format(printf, 5, 6)))
problem(const struct rules *r, struct rules_row *row, int col,
    const char *rule, const char *hintfmt, ...)
{
	struct rules_problem	*p;
	size_t			 input = colmap_input(r->cm, col);
	va_list			 ap;

	row->nerrors++;
	if (row->nprobs == RULES_MAX_PROBLEMS)
		return;
	p = &row->probs[row->nprobs++];
	p->input = input;
	p->col = col;
	p->rule = rule;
	p->msg[0] = '\0';
	va_start(ap, hintfmt);
	vsnprintf(p->hint, sizeof p->hint, hintfmt, ap);
	va_end(ap);
	norm_fit(p->hint);
}

/*
 * A warning about column col's cell: listed with the problems, on stderr
 * and in the report, but the row stays valid and is sent as it is.
 */
static void
warning(const struct rules *r, struct rules_row *row, int col,
    const char *rule, const char *hint, const char *msg)
{
	struct rules_problem	*p;

	row->nwarnings++;
	if (row->nprobs == RULES_MAX_PROBLEMS)
		return;
	p = &row->probs[row->nprobs++];
	p->input = colmap_input(r->cm, col);
	p->col = col;
	p->rule = rule;
	snprintf(p->msg, sizeof p->msg, "warning: %s", msg);
	snprintf(p->hint, sizeof p->hint, "%s", hint);
}

/* First cells of a spreadsheet's summary row, in the languages of the
 * files this tool reads (compared without case, a ':' after is fine). */
static const char *const rules_total_words[] = {
	"Total", "Totals", "Grand Total", "Subtotal", "Sum", "Summe",
	"Gesamt", "Gesamtsumme", "Gesamtergebnis", "Total général",
	"Totale", "Totaal", "Suma", "Soma", "合计", "合計", "总计", "總計",
	"総計", "小计", "小計", "Итого",
};

/*
 * Nonzero if the row is a spreadsheet's Total row: its first cell one of
 * rules_total_words and its customer ID not a GUID (a customer whose ID
 * column says "Total" does not exist). Its label goes to row.
 */
static int
summary_row(const struct rules *r, struct rules_row *row)
{
	const char	*v;
	char		 out[GUID_LEN + 1];
	size_t		 n, i, k, id;
	unsigned	 f = 0, how;

	if (row->ncells == 0)
		return 0;
	v = norm_text(row->cells[0], row->lens[0], &row->tmp, &n, &f);
	if (v == NULL || n == 0 || n >= sizeof row->summary_label)
		return 0;
	k = n;
	if (v[k - 1] == ':')
		k--;
	for (i = 0; i < sizeof rules_total_words /
	    sizeof rules_total_words[0]; i++)
		if (strlen(rules_total_words[i]) == k &&
		    strncasecmp(rules_total_words[i], v, k) == 0)
			break;
	if (i == sizeof rules_total_words / sizeof rules_total_words[0])
		return 0;
	memcpy(row->summary_label, v, n);
	row->summary_label[n] = '\0';
	id = colmap_input(r->cm, COL_CUSTOMER_ID);
	if (id != (size_t)-1 && id < row->ncells && id != 0) {
		v = norm_text(row->cells[id], row->lens[id], &row->tmp, &n,
		    &f);
		if (v != NULL && n > 0 && guid_canonical(v, n, out,
		    &how) == 0)
			return 0;
	}
	return 1;
}

/* Sets the message of the problem just added. */
static void __attribute__((format(printf, 2, 3)))
message(struct rules_row *row, const char *fmt, ...)
{
	va_list	ap;

	if (row->nprobs == 0 || row->nerrors + row->nwarnings > row->nprobs)
		return;
	va_start(ap, fmt);
	vsnprintf(row->probs[row->nprobs - 1].msg,
	    sizeof row->probs[0].msg, fmt, ap);
	va_end(ap);
	norm_fit(row->probs[row->nprobs - 1].msg);
}

static int
all_digits(const char *s, size_t n)
{
	size_t	i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Excel's scientific form of a long number: 4.25555E+09. */
static int
is_scientific(const char *s, size_t n)
{
	size_t	i = 0;

	if (n < 3 || !isdigit((unsigned char)s[0]))
		return 0;
	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++;
	}
	if (i >= n || (s[i] != 'E' && s[i] != 'e'))
		return 0;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	return i < n && all_digits(s + i, n - i);
}

int
rules_sci_digits(const char *s, size_t n, char *out, size_t outsize)
{
	size_t	i = 0, o = 0, frac = 0, k;
	long	exp = 0, scale;
	int	neg = 0;

	if (!is_scientific(s, n) || outsize < 2)
		return -1;
	/* The mantissa's digits, less leading zeros, then the exponent. */
	for (; i < n && s[i] != 'E' && s[i] != 'e'; i++) {
		if (s[i] == '.') {
			frac = 1;
			continue;
		}
		if (frac)
			frac++;
		if (o == 0 && s[i] == '0')
			continue;
		if (o + 1 >= outsize)
			return -1;
		out[o++] = s[i];
	}
	frac = frac > 0 ? frac - 1 : 0;
	i++;
	if (s[i] == '+' || s[i] == '-')
		neg = s[i++] == '-';
	for (; i < n; i++) {
		exp = exp * 10 + (s[i] - '0');
		if (exp > 64)
			return -1;
	}
	scale = (neg ? -exp : exp) - (long)frac;
	if (o == 0) {
		strcpy(out, "0");
		return 1;
	}
	if (scale < 0) {
		/* Whole only if the digits past the point are zeros. */
		for (k = 0; k < (size_t)-scale; k++)
			if (k >= o || out[o - 1 - k] != '0')
				return -1;
		o -= (size_t)-scale;
	} else {
		if (o + (size_t)scale >= outsize)
			return -1;
		memset(out + o, '0', (size_t)scale);
		o += (size_t)scale;
	}
	out[o] = '\0';
	return (int)o;
}

int
rules_check_rounded(const struct rules *r, struct rules_row *row, int col,
    const char *flagged, size_t n)
{
	const char	*was, *v = row->norm[col];
	char		 digits[64];
	size_t		 wlen;
	unsigned	 f = 0;
	int		 len;

	if (v == NULL || *v == '\0' || !column_has(col, COLUMN_DIGITS))
		return 0;
	was = norm_text(flagged, n, &row->tmp, &wlen, &f);
	len = rules_sci_digits(was, wlen, digits, sizeof digits);
	if (len <= 0 || (size_t)len != row->normlen[col] ||
	    memcmp(digits, v, len) != 0)
		return 0;
	problem(r, row, col, "rounded-number",
	    "enter the full number: last run's '%.16s' had lost its digits, "
	    "and a spreadsheet reads it as this number; format the column "
	    "as Text", was);
	message(row, "'%.24s' looks like the same rounded number: its digits "
	    "were lost last run", v);
	row->norm[col] = NULL;
	row->fixed |= 1u << col;
	return 1;
}

/* A number that Excel wrote with ".0" (or ".00"): 98052.0. */
static int
is_dot_zero(const char *s, size_t n, size_t *intlen)
{
	size_t	i = 0;

	while (i < n && isdigit((unsigned char)s[i]))
		i++;
	if (i == 0 || i + 1 >= n || s[i] != '.')
		return 0;
	*intlen = i;
	for (i++; i < n; i++)
		if (s[i] != '0')
			return 0;
	return 1;
}

static int
match_shape(const char *shape, size_t slen, const char *s, size_t n)
{
	size_t	i;

	if (slen != n)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char	c = s[i];

		if (shape[i] == '9') {
			if (!isdigit(c))
				return 0;
		} else if (shape[i] == 'A') {
			if (!isalpha(c) || c >= 0x80)
				return 0;
		} else if (shape[i] != (char)c)
			return 0;
	}
	return 1;
}

/* Which of '|'-separated shapes s matches; all-digit length in *digits. */
static int
match_shapes(const char *shapes, const char *s, size_t n, size_t *digits)
{
	const char	*p = shapes, *e;
	int		 ok = 0;

	*digits = 0;
	for (;;) {
		e = strchr(p, '|');
		if (e == NULL)
			e = p + strlen(p);
		if (match_shape(p, e - p, s, n))
			ok = 1;
		if (*digits == 0 && strspn(p, "9") == (size_t)(e - p))
			*digits = e - p;
		if (*e == '\0')
			break;
		p = e + 1;
	}
	return ok;
}

/* Copies v into the column's buffer as the new normalized value. */
static void
set_norm(struct rules_row *row, int col, const char *v, size_t n,
    unsigned fix)
{
	struct norm_buf	*b = &row->buf[col];

	if (v != b->s) {
		if (b->cap < n + 1) {
			b->cap = n + 64;
			b->s = xreallocarray(b->s, b->cap, 1);
		}
		memmove(b->s, v, n);
	}
	b->s[n] = '\0';
	row->norm[col] = b->s;
	row->normlen[col] = n;
	row->fixes |= fix;
}

static void
check_guid(const struct rules *r, struct rules_row *row)
{
	char		out[GUID_LEN + 1];
	unsigned	how, fix = 0;

	if (guid_canonical(row->norm[COL_CUSTOMER_ID],
	    row->normlen[COL_CUSTOMER_ID], out, &how) == -1) {
		problem(r, row, COL_CUSTOMER_ID, "guid",
		    "the customer's tenant ID (Microsoft ID) looks like "
		    "1f4e2b7c-0000-4000-8000-000000000000");
		message(row, "not a GUID");
		return;
	}
	if (how & (GUID_BRACES | GUID_NODASH))
		fix |= NORM_FORMAT;
	if (how & GUID_UPPER)
		fix |= NORM_CASE;
	if (fix != 0)
		set_norm(row, COL_CUSTOMER_ID, out, GUID_LEN, fix);
}

static int
email_label_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char	c = s[i];

		if (!(isalnum(c) || c == '-' || c >= 0x80))
			return 0;
	}
	return 1;
}

static void
check_email(const struct rules *r, struct rules_row *row)
{
	const char	*v = row->norm[COL_EMAIL], *at, *d, *dot;
	size_t		 n = row->normlen[COL_EMAIL], i, local;
	int		 labels = 0;

	/* memchr, not strchr: a value may hold a NUL byte before its '@'. */
	at = memchr(v, '@', n);
	if (strpbrk(v, ",; ") != NULL && at != NULL &&
	    memchr(at + 1, '@', n - (at - v) - 1) != NULL) {
		problem(r, row, COL_EMAIL, "email",
		    "the billing profile takes one address; put the others "
		    "in your own records");
		message(row, "more than one email address");
		return;
	}
	if (at == NULL || memchr(at + 1, '@', n - (at - v) - 1) != NULL)
		goto bad;
	local = at - v;
	if (local == 0 || local > 64 || v[0] == '.' || v[local - 1] == '.' ||
	    memmem(v, local, "..", 2) != NULL)
		goto bad;
	for (i = 0; i < local; i++) {
		unsigned char	c = v[i];

		if (c <= ' ' || c == '(' || c == ')' || c == '<' || c == '>' ||
		    c == '[' || c == ']' || c == ':' || c == ';' || c == ',' ||
		    c == '\\' || c == '"')
			goto bad;
	}
	d = at + 1;
	for (;;) {
		dot = memchr(d, '.', n - (d - v));
		if (!email_label_ok(d, dot != NULL ? (size_t)(dot - d) :
		    n - (d - v)))
			goto bad;
		labels++;
		if (dot == NULL)
			break;
		d = dot + 1;
	}
	if (labels < 2 || n - (d - v) < 2)
		goto bad;
	return;
bad:
	problem(r, row, COL_EMAIL, "email",
	    "an address like billing@contoso.com: one '@', a domain with a "
	    "dot, no spaces");
	message(row, "not a valid email address");
}

/*
 * The character at s[0..len) for a message: *k its bytes, *cp its code
 * point (a stray byte stands for itself).
 */
static void
char_at(const char *s, size_t len, int *k, utf8proc_int32_t *cp)
{
	utf8proc_ssize_t	n;

	n = utf8proc_iterate((const utf8proc_uint8_t *)s, len, cp);
	if (n <= 0) {
		n = 1;
		*cp = (unsigned char)*s;
	}
	*k = n;
}

static void
check_phone(const struct rules *r, struct rules_row *row, const char *cc)
{
	const char	*v = row->norm[COL_PHONE_NUMBER];
	size_t		 n = row->normlen[COL_PHONE_NUMBER], i, digits = 0;
	char		 first = 0;
	utf8proc_int32_t cp;
	int		 k;

	for (i = 0; i < n; i++) {
		unsigned char	c = v[i];

		if (isdigit(c)) {
			if (digits++ == 0)
				first = c;
		} else if (c == '+' && i == 0)
			;
		else if (c != ' ' && c != '-' && c != '(' && c != ')' &&
		    c != '.' && c != '/') {
			problem(r, row, COL_PHONE_NUMBER, "phone",
			    "digits with optional +, spaces, '-', '.', '/' "
			    "and brackets, e.g. +86 10 5917 2000");
			if (c < 0x80) {
				message(row, "'%c' is not allowed in a phone "
				    "number", c);
				return;
			}
			/* A whole character, named (full-width digits and
			 * dashes were made ASCII at norm_width). */
			char_at(v + i, n - i, &k, &cp);
			if (utf8proc_category(cp) == UTF8PROC_CATEGORY_ND)
				message(row, "'%.*s' (U+%04X) is a digit of "
				    "another script; a phone number is "
				    "written with the digits 0-9", k, v + i,
				    (unsigned)cp);
			else
				message(row, "'%.*s' (U+%04X) is not allowed "
				    "in a phone number", k, v + i,
				    (unsigned)cp);
			return;
		}
	}
	if (digits < 4 || digits > 20) {
		problem(r, row, COL_PHONE_NUMBER, "phone",
		    "a phone number has 4 to 20 digits");
		message(row, "%zu digits", digits);
		return;
	}
	if (cc != NULL && strcmp(cc, "US") == 0 &&
	    !(digits == 10 || (digits == 11 && first == '1'))) {
		problem(r, row, COL_PHONE_NUMBER, "phone",
		    "a US number has 10 digits, optionally after 1 or +1, "
		    "e.g. (425) 555-0100");
		message(row, "%zu digits for a US number", digits);
	}
}

static void
check_postal(const struct rules *r, struct rules_row *row, const char *cc)
{
	const char	*v = row->norm[COL_POSTAL_CODE];
	size_t		 n = row->normlen[COL_POSTAL_CODE], i, k, digits;
	char		 up[32];
	int		 changed = 0;

	if (cc == NULL)
		return;
	for (k = 0; k < sizeof rules_postal / sizeof rules_postal[0]; k++)
		if (strcmp(rules_postal[k].cc, cc) == 0)
			break;
	if (k == sizeof rules_postal / sizeof rules_postal[0] ||
	    n >= sizeof up)
		return;
	for (i = 0; i < n; i++) {
		up[i] = toupper((unsigned char)v[i]);
		if (up[i] != v[i])
			changed = 1;
	}
	up[n] = '\0';
	if (match_shapes(rules_postal[k].shapes, up, n, &digits)) {
		if (changed)
			set_norm(row, COL_POSTAL_CODE, up, n, NORM_CASE);
		return;
	}
	if (digits > 0 && all_digits(up, n) && n < digits) {
		char	fixed[32];

		memset(fixed, '0', digits - n);
		memcpy(fixed + digits - n, up, n + 1);
		/* A Japanese code as people write it: 060-0001. */
		if (strcmp(cc, "JP") == 0 && digits == 7) {
			memmove(fixed + 4, fixed + 3, 5);
			fixed[3] = '-';
		}
		problem(r, row, COL_POSTAL_CODE, "postal-leading-zero",
		    "did you mean %s? A spreadsheet drops leading zeros from "
		    "numbers: format the column as Text before saving", fixed);
		message(row, "%s postal codes have %zu digits; this one lost "
		    "its leading zero", cc, digits);
		return;
	}
	problem(r, row, COL_POSTAL_CODE, "postal-code",
	    "a %s postal code looks like %s", cc, rules_postal[k].example);
	/* A character no shape has: name it (full-width digits, letters and
	 * dashes were made ASCII at norm_width). */
	for (i = 0; i < n && (unsigned char)v[i] < 0x80; i++)
		;
	if (i < n) {
		utf8proc_int32_t	cp;
		int			len;

		char_at(v + i, n - i, &len, &cp);
		message(row, "not a %s postal code: '%.*s' (U+%04X) is %s", cc,
		    len, v + i, (unsigned)cp, utf8proc_category(cp) ==
		    UTF8PROC_CATEGORY_ND ? "a digit of another script, not "
		    "0-9" : "neither a digit nor a Latin letter");
	} else
		message(row, "not a %s postal code", cc);
}

/*
 * Splits a culture into language, script (or "") and region: "zh_cn",
 * "az-latn-az". Writes its canonical spelling (zh-CN, az-Latn-AZ) to c.
 * Returns 0, or -1 when it is not language[-Script]-REGION.
 */
static int
culture_parts(const char *v, size_t n, char c[12], char ll[3], char reg[3],
    unsigned *fix)
{
	size_t	i, o = 0, script = 0;

	if (n != 5 && n != 10)
		return -1;
	if (n == 10)
		script = 4;
	for (i = 0; i < n; i++) {
		if (i == 2 || (script && i == 7)) {
			if (v[i] != '-' && v[i] != '_')
				return -1;
			if (v[i] == '_')
				*fix |= NORM_FORMAT;
			c[o++] = '-';
			continue;
		}
		if (!isalpha((unsigned char)v[i]))
			return -1;
		if (i < 2)
			c[o] = tolower((unsigned char)v[i]);
		else if (script && i == 3)
			c[o] = toupper((unsigned char)v[i]);
		else if (script && i < 7)
			c[o] = tolower((unsigned char)v[i]);
		else
			c[o] = toupper((unsigned char)v[i]);
		if (c[o] != v[i])
			*fix |= NORM_CASE;
		o++;
	}
	c[o] = '\0';
	ll[0] = c[0];
	ll[1] = c[1];
	ll[2] = '\0';
	reg[0] = c[o - 2];
	reg[1] = c[o - 1];
	reg[2] = '\0';
	return 0;
}

/*
 * Normalizes "zh_cn" to "zh-CN" and checks it is language-COUNTRY or
 * language-Script-COUNTRY (az-Latn-AZ, bs-Latn-BA: supported cultures).
 * Which cultures a country takes is the service's to say (check reads its
 * rules); here only one of another country is refused.
 */
static void
check_culture(const struct rules *r, struct rules_row *row, const char *cc)
{
	const char	*v = row->norm[COL_CULTURE];
	size_t		 n = row->normlen[COL_CULTURE];
	char		 c[12], ll[3], reg[3], list[96];
	unsigned	 fix = 0;

	if (culture_parts(v, n, c, ll, reg, &fix) == -1) {
		problem(r, row, COL_CULTURE, "culture",
		    "a culture is language-COUNTRY, e.g. en-US, zh-CN, ja-JP, "
		    "or language-Script-COUNTRY, e.g. az-Latn-AZ");
		message(row, "not a culture");
		return;
	}
	if (!isodata_language(r->iso, ll) || !isodata_country(r->iso, reg)) {
		problem(r, row, COL_CULTURE, "culture",
		    "a culture is an ISO 639-1 language and an ISO 3166 "
		    "country, e.g. en-US, zh-CN, ja-JP");
		message(row, "unknown %s '%s'",
		    isodata_language(r->iso, ll) ? "country" : "language",
		    isodata_language(r->iso, ll) ? reg : ll);
		return;
	}
	if (fix != 0)
		set_norm(row, COL_CULTURE, c, n, fix);
	if (cc != NULL && strcmp(reg, cc) != 0 && strcmp(c, "en-US") != 0) {
		/* The list the service publishes, not a made-up "zh-US". */
		if (country_bundled_cultures(cc, list, sizeof list))
			problem(r, row, COL_CULTURE, "culture-country",
			    "the service accepts the cultures of the account's "
			    "country, or en-US; for %s: %s", cc, list);
		else
			problem(r, row, COL_CULTURE, "culture-country",
			    "the service accepts the cultures of the account's "
			    "country, or en-US");
		message(row, "culture %s does not belong to country %s", c,
		    cc);
	}
}

/*
 * A two-letter ISO 639-1 code, or a longer form a country's published
 * list holds (pt-PT for Portugal, zh-CHS in the China cloud).
 */
static void
check_language(const struct rules *r, struct rules_row *row)
{
	const char	*v = row->norm[COL_LANGUAGE];
	size_t		 n = row->normlen[COL_LANGUAGE];
	char		 ll[3], form[16], in[16];

	if (n == 2 && isalpha((unsigned char)v[0]) &&
	    isalpha((unsigned char)v[1])) {
		ll[0] = tolower((unsigned char)v[0]);
		ll[1] = tolower((unsigned char)v[1]);
		ll[2] = '\0';
		if (isodata_language(r->iso, ll)) {
			if (ll[0] != v[0] || ll[1] != v[1])
				set_norm(row, COL_LANGUAGE, ll, 2, NORM_CASE);
			return;
		}
	}
	if (n < sizeof in) {
		memcpy(in, v, n);
		in[n] = '\0';
	}
	if (n < sizeof in && country_language_form(in, form, sizeof form)) {
		if (strcmp(form, in) != 0)
			set_norm(row, COL_LANGUAGE, form, n, NORM_CASE);
		return;
	}
	problem(r, row, COL_LANGUAGE, "language",
	    n == 5 && (v[2] == '-' || v[2] == '_') ?
	    "that is a culture; the language is its first two letters, "
	    "e.g. %.2s" : "a two-letter ISO 639-1 code, e.g. en, zh, ja%s",
	    n == 5 ? v : "");
	message(row, "not an ISO 639-1 language code");
}

static const char *
check_country(const struct rules *r, struct rules_row *row)
{
	const char	*v = row->norm[COL_COUNTRY], *hint;
	size_t		 n = row->normlen[COL_COUNTRY];
	char		 cc[3];

	if (n == 2) {
		cc[0] = toupper((unsigned char)v[0]);
		cc[1] = toupper((unsigned char)v[1]);
		cc[2] = '\0';
		if (isodata_country(r->iso, cc)) {
			if (cc[0] != v[0] || cc[1] != v[1])
				set_norm(row, COL_COUNTRY, cc, 2, NORM_CASE);
			return row->norm[COL_COUNTRY];
		}
	}
	hint = isodata_country_hint(r->iso, v);
	problem(r, row, COL_COUNTRY, "country", hint != NULL ?
	    "use %s (ISO 3166-1 alpha-2)" : "an ISO 3166-1 alpha-2 code, "
	    "e.g. US, GB, CN, JP%s", hint != NULL ? hint : "");
	message(row, "not an ISO 3166-1 alpha-2 country code");
	return NULL;
}

static void
check_state(const struct rules *r, struct rules_row *row, const char *cc)
{
	const char	*v = row->norm[COL_STATE];
	size_t		 n = row->normlen[COL_STATE], i;
	char		 up[16];

	if (cc == NULL || !isodata_has_states(r->iso, cc))
		return;
	if (n < sizeof up) {
		for (i = 0; i <= n; i++)
			up[i] = toupper((unsigned char)v[i]);
		if (isodata_state(r->iso, cc, up)) {
			if (memcmp(up, v, n) != 0)
				set_norm(row, COL_STATE, up, n, NORM_CASE);
			return;
		}
	}
	problem(r, row, COL_STATE, "state",
	    "%s states are written as their code, e.g. %s", cc,
	    strcmp(cc, "US") == 0 ? "WA, NY, CA" :
	    strcmp(cc, "CA") == 0 ? "ON, QC, BC" : "NSW, VIC, QLD");
	message(row, "not a %s state code", cc);
}

/*
 * Nonzero if s is a spreadsheet's error value: Excel's (#N/A, #VALUE!, ...,
 * LibreOffice writes the same) or LibreOffice's own numbered ones
 * (Err:502, Err:504, ...).
 */
static int
excel_error(const char *s, size_t n)
{
	size_t	i;

	if (n == 7 && strncmp(s, "Err:", 4) == 0 &&
	    isdigit((unsigned char)s[4]) && isdigit((unsigned char)s[5]) &&
	    isdigit((unsigned char)s[6]))
		return 1;
	if (n < 3 || s[0] != '#')
		return 0;
	for (i = 0; i < sizeof rules_excel_errors / sizeof rules_excel_errors[0];
	    i++)
		if (strlen(rules_excel_errors[i]) == n &&
		    strncasecmp(rules_excel_errors[i], s, n) == 0)
			return 1;
	return 0;
}

/* Controls are never data; a line break gets its own hint. */
static void
check_controls(const struct rules *r, struct rules_row *row, int col)
{
	const char	*v = row->norm[col];
	size_t		 n = row->normlen[col], i;
	int		 nl = 0, ctl = 0;

	for (i = 0; i < n; i++) {
		unsigned char	c = v[i];

		if (c == '\n' || c == '\r')
			nl = 1;
		else if (c < 0x20 || c == 0x7f)
			ctl = 1;
		else if (c == 0xc2 && i + 1 < n &&
		    (unsigned char)v[i + 1] <= 0x9f)
			ctl = 1;	/* U+0080..U+009F */
	}
	if (nl) {
		problem(r, row, col, "line-break", col >= COL_ADDRESS_LINE1 &&
		    col <= COL_ADDRESS_LINE3 ? "put each line of the address "
		    "in address_line1, address_line2, address_line3" :
		    "a billing profile field is a single line");
		message(row, "the cell contains a line break");
	}
	if (ctl) {
		problem(r, row, col, "control-character",
		    "remove the invisible control character (often pasted "
		    "from another program)");
		message(row, "the cell contains a control character");
	}
}

size_t
rules_check(const struct rules *r, struct rules_row *row)
{
	static const char	 cleared[] = "";
	const char		*v, *cc = NULL;
	size_t			 i, n, max, expected = r->ninput, intlen;
	unsigned		 f, controls = 0, reported = 0;
	int			 col, nonblank = 0;

	row->fixes = 0;
	row->fixed = 0;
	row->nerrors = row->nprobs = row->nwarnings = 0;
	row->blank = row->summary = 0;
	for (i = 0; i < COL_COUNT; i++) {
		row->norm[i] = NULL;
		row->normlen[i] = 0;
	}

	for (i = 0; i < row->ncells && !nonblank; i++) {
		n = row->lens[i];
		f = 0;
		norm_text(row->cells[i], n, &row->tmp, &n, &f);
		if (n > 0)
			nonblank = 1;
	}
	if (!nonblank) {
		row->blank = 1;
		return 0;
	}
	if (summary_row(r, row)) {
		row->summary = 1;
		return 0;
	}
	if (row->ncells != expected) {
		rules_add(row, (size_t)-1, -1, "field-count",
		    "a delimiter too many or too few on this line, or a quote "
		    "that should be doubled",
		    "%zu fields, but the header has %zu", row->ncells,
		    expected);
		return row->nerrors;
	}

	for (i = 0; i < row->ncells; i++) {
		col = r->map[i];
		if (row->lens[i] > 0 && row->lens[i] < 24 &&
		    (memchr(row->cells[i], '#', row->lens[i]) != NULL ||
		    memchr(row->cells[i], ':', row->lens[i]) != NULL) &&
		    (v = norm_text(row->cells[i], row->lens[i], &row->tmp,
		    &n, &f)) != NULL && excel_error(v, n)) {
			if (col >= 0)
				reported |= 1u << col;
			rules_add(row, i, col >= 0 ? col : -1, "excel-error",
			    "fix the formula in the workbook, or paste the "
			    "column as values, before saving as CSV",
			    "'%.*s' is %s error value, not data",
			    (int)norm_cut(row->cells[i], row->lens[i], 20),
			    row->cells[i], *v == '#' ? "a spreadsheet's" :
			    "a LibreOffice");
			continue;
		}
		if (col < 0)
			continue;
		f = 0;
		v = norm_text(row->cells[i], row->lens[i], &row->buf[col], &n,
		    &f);
		/* Full-width digits typed in a phone or postal code are the
		 * digits: what is sent is ASCII. */
		if (col == COL_PHONE_NUMBER || col == COL_POSTAL_CODE)
			v = norm_width(v, n, col == COL_POSTAL_CODE,
			    &row->buf[col], &n, &f);
		if (n == 0)
			continue;	/* empty: leave unchanged */
		if (f & NORM_CONTROL)
			controls |= 1u << col;
		row->fixes |= f & ~NORM_CONTROL;
		if (n == r->clearlen && memcmp(v, r->clear, n) == 0) {
			if (!column_has(col, COLUMN_CLEARABLE)) {
				reported |= 1u << col;
				problem(r, row, col, "clear-not-allowed",
				    "only address_line2, address_line3, "
				    "region, phone_number and state can be "
				    "cleared; leave the cell empty to keep "
				    "the value");
				message(row, "%s cannot be cleared",
				    colmap_name(col));
				continue;
			}
			row->norm[col] = cleared;
			continue;
		}
		row->norm[col] = v;
		row->normlen[col] = n;
		/* What a spreadsheet shows is not always what it means;
		 * sent as it is, so said. */
		if (col == COL_CUSTOMER_ID)
			continue;
		if (n == 1 && *v == '-')
			warning(r, row, col, "lone-dash", "a spreadsheet "
			    "shows '-' for nothing: leave the cell empty to "
			    "keep the value; the row is staged with '-'",
			    "a lone '-' is sent as the value");
		else if (*v == '=')
			warning(r, row, col, "formula", "the CSV holds the "
			    "formula, not its result: paste the column as "
			    "values before saving; the row is staged as it "
			    "is", "a formula that was not evaluated is sent as "
			    "text");
	}
	for (col = 0; col < COL_COUNT; col++) {
		v = row->norm[col];
		if (v == NULL) {
			/* An Excel error or a refused clear said it already. */
			if ((r->required & (1u << col)) &&
			    !(reported & (1u << col)) &&
			    colmap_input(r->cm, col) != (size_t)-1) {
				problem(r, row, col, "required",
				    col == COL_CUSTOMER_ID ? "every row needs "
				    "the customer's tenant ID (Microsoft ID)" :
				    "the profile's [validation] requires this "
				    "column in every row");
				message(row, "%s is empty", colmap_name(col));
			}
			continue;
		}
		if (*v == '\0')
			continue;	/* cleared */
		n = row->normlen[col];
		if (controls & (1u << col))
			check_controls(r, row, col);
		max = column_info[col].max;
		if (max != 0 && n > max && norm_length(v, n) > max) {
			problem(r, row, col, "too-long",
			    "shorten it to %zu characters: the service keeps "
			    "at most %zu in %s", max, max,
			    column_info[col].field);
			message(row, "%zu characters, at most %zu",
			    norm_length(v, n), max);
			row->norm[col] = NULL;
			continue;
		}
		/* Saved in a legacy encoding, a character it cannot hold
		 * becomes '?': never send what may not be what was meant. */
		if (r->legacy != NULL && col != COL_CUSTOMER_ID &&
		    col != COL_EMAIL && memchr(v, '?', n) != NULL) {
			problem(r, row, col, "lost-character",
			    "the file is in %s, which has no such character: "
			    "save the workbook as CSV UTF-8 and stage that "
			    "file", r->legacy);
			message(row, "a '?' where a character may have been "
			    "lost");
			row->norm[col] = NULL;
			continue;
		}
		if (column_has(col, COLUMN_DIGITS) && is_scientific(v, n)) {
			problem(r, row, col, "excel-scientific",
			    "the spreadsheet turned the number into scientific "
			    "notation and lost digits: format the column as "
			    "Text, re-enter the values, save again");
			message(row, "'%.*s' is in scientific notation",
			    (int)norm_cut(v, n, 30), v);
			row->norm[col] = NULL;
			continue;
		}
		if (column_has(col, COLUMN_DIGITS) &&
		    is_dot_zero(v, n, &intlen)) {
			problem(r, row, col, "excel-number",
			    "did you mean %.*s? The cell was a number: format "
			    "the column as Text before saving", (int)intlen, v);
			message(row, "'%.*s' ends in '.0'",
			    (int)norm_cut(v, n, 30), v);
			row->norm[col] = NULL;
			continue;
		}
	}

	if (row->norm[COL_CUSTOMER_ID] != NULL)
		check_guid(r, row);
	if (row->norm[COL_COUNTRY] != NULL && *row->norm[COL_COUNTRY])
		cc = check_country(r, row);
	if (row->norm[COL_EMAIL] != NULL && *row->norm[COL_EMAIL])
		check_email(r, row);
	if (row->norm[COL_PHONE_NUMBER] != NULL) {
		if (*row->norm[COL_PHONE_NUMBER])
			check_phone(r, row, cc);
		else if (cc != NULL && strstr(rules_phone_required, cc)) {
			problem(r, row, COL_PHONE_NUMBER, "phone-required",
			    "the service requires a phone number for "
			    "accounts in %s", cc);
			message(row, "the phone number cannot be cleared for "
			    "%s", cc);
		}
	}
	if (row->norm[COL_POSTAL_CODE] != NULL && *row->norm[COL_POSTAL_CODE])
		check_postal(r, row, cc);
	if (row->norm[COL_STATE] != NULL) {
		if (*row->norm[COL_STATE])
			check_state(r, row, cc);
		else if (cc != NULL && isodata_has_states(r->iso, cc)) {
			problem(r, row, COL_STATE, "clear-not-allowed",
			    "%s addresses need a state", cc);
			message(row, "state cannot be cleared for %s", cc);
		}
	}
	if (row->norm[COL_CULTURE] != NULL && *row->norm[COL_CULTURE])
		check_culture(r, row, cc);
	if (row->norm[COL_LANGUAGE] != NULL && *row->norm[COL_LANGUAGE])
		check_language(r, row);

	/* Which values differ from their cells, so the raw record is kept. */
	for (col = 0; col < COL_COUNT; col++) {
		i = colmap_input(r->cm, col);
		if (i == (size_t)-1 || i >= row->ncells)
			continue;
		if (row->norm[col] == NULL) {
			if (row->lens[i] != 0)
				row->fixed |= 1u << col;
		} else if (*row->norm[col] == '\0') {
			if (row->lens[i] != r->clearlen ||
			    memcmp(row->cells[i], r->clear, r->clearlen) != 0)
				row->fixed |= 1u << col;
		} else if (row->normlen[col] != row->lens[i] ||
		    memcmp(row->norm[col], row->cells[i], row->lens[i]) != 0)
			row->fixed |= 1u << col;
	}
	return row->nerrors;
}
