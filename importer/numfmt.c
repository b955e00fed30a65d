/*
 * numfmt.c: Excel number formats, rendered as the spreadsheet shows a
 * cell, so that a workbook is read as the person saw it.
 *
 * A code is compiled once into up to four sections (positive; negative;
 * zero; text), each a list of tokens: literal text, digit placeholders
 * 0 # ?, the decimal point, thousands separators and scaling commas,
 * percent, an exponent, General, @, and date/time parts. Colours, locale
 * tags, padding (_x: a space) and fill (*x: dropped) leave only what
 * shows in text.
 *
 * Numbers are rendered from their decimal digits, never from binary
 * arithmetic: the double is first cut to Excel's 15 significant digits,
 * then every rounding (to the decimals a format shows, to General's 11
 * characters) is half away from zero on those digits, so 2.675 with 0.00
 * gives 2.68 as Excel does. Percent and scaling commas move the decimal
 * exponent. Nothing here depends on the locale: snprintf's "%.14e" only
 * supplies digits and an exponent.
 *
 * Dates and times are not rendered in the format's own layout but as
 * YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or HH:MM:SS (the importer's contract),
 * with Excel's 1900 leap-year bug (serial 60 is 1900-02-29) and the 1904
 * system. Fractions (# ?/?, ?/??, # ?/8) take the best fraction by
 * continued fractions, as Excel. What the renderer cannot show exactly
 * (other fraction layouts, calendars, subseconds, values Excel shows as
 * ####, unknown tokens) makes it return 1 with a best guess.
 */
#include "config.h"

#include "numfmt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

#define NUMFMT_MAXSEC	4
#define NUMFMT_DIGITS	15	/* Excel keeps 15 significant digits */

enum numfmt_tok {
	TOK_LIT,	/* literal text */
	TOK_DIGIT,	/* a digit placeholder: ch is 0 # or ? */
	TOK_DOT,	/* the decimal point */
	TOK_COMMA,	/* a comma: thousands, scaling or literal (ch) */
	TOK_PERCENT,
	TOK_EXP,	/* E+ or E-: ch is the sign character */
	TOK_AT,		/* the text placeholder */
	TOK_GENERAL,
	TOK_YEAR,
	TOK_MONTH,
	TOK_DAY,
	TOK_HOUR,
	TOK_MIN,
	TOK_SEC,
	TOK_AMPM,
	TOK_ELAPSED,	/* [h] [m] [s] */
	TOK_SUBSEC	/* .0 .00 .000 after seconds */
};

struct numfmt_token {
	enum numfmt_tok	 type;
	char		 ch;
	char		*lit;		/* TOK_LIT: owned */
};

enum numfmt_op { OP_NONE, OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE };

struct numfmt_section {
	struct numfmt_token	*toks;
	size_t			 ntoks;
	enum numfmt_op		 op;		/* a condition, [<100] */
	double			 cond;
	int			 unsure;	/* something not understood */
	int			 has_date;	/* y m d */
	int			 has_time;	/* h m s AM/PM [h] */
	int			 elapsed;
	int			 subsec;
	int			 text;		/* has @ */
	int			 general;
	int			 fraction;	/* # ?/? */
	int			 thousands;
	int			 exp;		/* has E+ / E- */
	int			 shift;		/* % +2, a scaling comma -3 */
};

struct numfmt {
	struct numfmt_section	sec[NUMFMT_MAXSEC];
	int			nsec;
	int			unsure;		/* too many sections */
};

/* A number's decimal digits: 0.d[0]d[1]...d[n-1] x 10^e; n 0 is zero. */
struct numfmt_dec {
	char	d[NUMFMT_DIGITS + 2];
	int	n;
	int	e;
};

/* Output into the caller's buffer; full once something did not fit. */
struct numfmt_out {
	char	*buf;
	size_t	 size;
	size_t	 len;
	int	 full;
};

/* Excel's built-in formats, en-US (ECMA-376 18.8.30 and Excel's own). */
static const char *const numfmt_builtins[] = {
	[0] = "General",
	[1] = "0",
	[2] = "0.00",
	[3] = "#,##0",
	[4] = "#,##0.00",
	[5] = "\"$\"#,##0_);\\(\"$\"#,##0\\)",
	[6] = "\"$\"#,##0_);[Red]\\(\"$\"#,##0\\)",
	[7] = "\"$\"#,##0.00_);\\(\"$\"#,##0.00\\)",
	[8] = "\"$\"#,##0.00_);[Red]\\(\"$\"#,##0.00\\)",
	[9] = "0%",
	[10] = "0.00%",
	[11] = "0.00E+00",
	[12] = "# ?/?",
	[13] = "# ?\?/??",
	[14] = "m/d/yy",
	[15] = "d-mmm-yy",
	[16] = "d-mmm",
	[17] = "mmm-yy",
	[18] = "h:mm AM/PM",
	[19] = "h:mm:ss AM/PM",
	[20] = "h:mm",
	[21] = "h:mm:ss",
	[22] = "m/d/yy h:mm",
	[37] = "#,##0 ;(#,##0)",
	[38] = "#,##0 ;[Red](#,##0)",
	[39] = "#,##0.00;(#,##0.00)",
	[40] = "#,##0.00;[Red](#,##0.00)",
	[45] = "mm:ss",
	[46] = "[h]:mm:ss",
	[47] = "mmss.0",
	[48] = "##0.0E+0",
	[49] = "@"
};

static const char *const numfmt_colours[] = {
	"black", "blue", "cyan", "green", "magenta", "red", "white", "yellow"
};

const char *
numfmt_builtin(unsigned id)
{
	if (id >= sizeof numfmt_builtins / sizeof numfmt_builtins[0])
		return NULL;
	return numfmt_builtins[id];
}

/* The length of the UTF-8 sequence at s (1 for a stray byte). */
static size_t
utf8_len(const char *s, const char *end)
{
	unsigned char	c = (unsigned char)*s;
	size_t		n, i;

	if (c < 0x80)
		return 1;
	n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
	for (i = 1; i < n; i++)
		if (s + i >= end || ((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return n;
}

static void
tok_add(struct numfmt_section *s, enum numfmt_tok type, char ch,
    const char *lit, size_t len)
{
	struct numfmt_token	*t;
	size_t			 old;

	/* Consecutive literals merge into one. */
	if (type == TOK_LIT && s->ntoks > 0 &&
	    s->toks[s->ntoks - 1].type == TOK_LIT) {
		t = &s->toks[s->ntoks - 1];
		old = strlen(t->lit);

		t->lit = xreallocarray(t->lit, old + len + 1, 1);
		memcpy(t->lit + old, lit, len);
		t->lit[old + len] = '\0';
		return;
	}
	s->toks = xreallocarray(s->toks, s->ntoks + 1, sizeof *s->toks);
	t = &s->toks[s->ntoks++];
	t->type = type;
	t->ch = ch;
	t->lit = type == TOK_LIT ? xstrndup(lit, len) : NULL;
}

/* A condition's number, by hand: strtod would follow the locale. */
static int
parse_number(const char *p, const char *end, double *v)
{
	double	 x = 0, scale = 1;
	int	 neg = 0, digits = 0, dot = 0;

	while (p < end && *p == ' ')
		p++;
	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end; p++) {
		if (*p >= '0' && *p <= '9') {
			if (dot)
				scale /= 10;
			x = x * 10 + (*p - '0');
			digits++;
		} else if (*p == '.' && !dot)
			dot = 1;
		else
			break;
	}
	while (p < end && *p == ' ')
		p++;
	if (digits == 0 || p != end)
		return -1;
	*v = (neg ? -x : x) * scale;
	return 0;
}

/* A bracketed part: colour, condition, locale/currency, elapsed time. */
static void
parse_bracket(struct numfmt_section *s, const char *p, const char *end)
{
	size_t		 len = end - p, i;
	const char	*dash;

	if (len > 0 && (*p == '<' || *p == '>' || *p == '=')) {
		if (len > 1 && p[0] == '<' && p[1] == '=')
			s->op = OP_LE, p += 2;
		else if (len > 1 && p[0] == '>' && p[1] == '=')
			s->op = OP_GE, p += 2;
		else if (len > 1 && p[0] == '<' && p[1] == '>')
			s->op = OP_NE, p += 2;
		else if (*p == '<')
			s->op = OP_LT, p++;
		else if (*p == '>')
			s->op = OP_GT, p++;
		else
			s->op = OP_EQ, p++;
		if (parse_number(p, end, &s->cond) == -1)
			s->unsure = 1;
		return;
	}
	if (len > 0 && *p == '$') {
		/* [$€-407]: the symbol shows, the locale does not. */
		dash = memchr(p + 1, '-', len - 1);
		if (dash == NULL)
			dash = end;
		if (dash > p + 1)
			tok_add(s, TOK_LIT, 0, p + 1, dash - (p + 1));
		return;
	}
	if (len > 0 && strchr("hHmMsS", *p) != NULL) {
		for (i = 1; i < len; i++)
			if (p[i] != p[0])
				break;
		if (i == len) {
			tok_add(s, TOK_ELAPSED, (char)(*p | 0x20), NULL, 0);
			s->elapsed = 1;
			return;
		}
	}
	for (i = 0; i < sizeof numfmt_colours / sizeof numfmt_colours[0]; i++)
		if (strlen(numfmt_colours[i]) == len &&
		    strncasecmp(p, numfmt_colours[i], len) == 0)
			return;
	if (len > 5 && strncasecmp(p, "color", 5) == 0)
		return;
	s->unsure = 1;		/* [DBNum1], [NatNum], ... */
}

/* The run of the same letter (any case) at p: its length. */
static size_t
run_of(const char *p, const char *end)
{
	size_t	n = 1;

	while (p + n < end && (p[n] | 0x20) == (p[0] | 0x20))
		n++;
	return n;
}

/* The nearest date or time part before (dir -1) or after (1) token i. */
static const struct numfmt_token *
date_tok_near(const struct numfmt_section *s, size_t i, int dir)
{
	while (dir < 0 ? i-- > 0 : ++i < s->ntoks)
		if (s->toks[i].type >= TOK_YEAR && s->toks[i].type != TOK_AMPM)
			return &s->toks[i];
	return NULL;
}

/* Is t an hour ([h] too), or seconds ([s] too)? */
static int
is_unit(const struct numfmt_token *t, enum numfmt_tok type, char ch)
{
	return t != NULL && (t->type == type ||
	    (t->type == TOK_ELAPSED && t->ch == ch));
}

/* Tokenizes one section, code[0..end). */
static void
parse_section(struct numfmt_section *s, const char *p, const char *end)
{
	const struct numfmt_token	*t;
	const char			*q;
	size_t				 n, i;
	int				 dot = 0;

	while (p < end) {
		switch (*p) {
		case '"':
			q = memchr(p + 1, '"', end - (p + 1));
			if (q == NULL) {
				s->unsure = 1;
				q = end;
			}
			tok_add(s, TOK_LIT, 0, p + 1, q - (p + 1));
			p = q < end ? q + 1 : end;
			continue;
		case '\\':
			if (p + 1 < end) {
				n = utf8_len(p + 1, end);
				tok_add(s, TOK_LIT, 0, p + 1, n);
				p += 1 + n;
			} else
				p++;
			continue;
		case '_':
			/* Padding the width of the next character. */
			tok_add(s, TOK_LIT, 0, " ", 1);
			p += p + 1 < end ? 1 + utf8_len(p + 1, end) : 1;
			continue;
		case '*':
			/* Fill: repeats to the column's width; nothing here. */
			p += p + 1 < end ? 1 + utf8_len(p + 1, end) : 1;
			continue;
		case '[':
			q = memchr(p + 1, ']', end - (p + 1));
			if (q == NULL) {
				s->unsure = 1;
				return;
			}
			parse_bracket(s, p + 1, q);
			p = q + 1;
			continue;
		case '0': case '#': case '?':
			tok_add(s, TOK_DIGIT, *p, NULL, 0);
			break;
		case '.':
			t = s->ntoks > 0 ? &s->toks[s->ntoks - 1] : NULL;
			if (is_unit(t, TOK_SEC, 's') && p + 1 < end &&
			    p[1] == '0') {
				n = run_of(p + 1, end);
				tok_add(s, TOK_SUBSEC, (char)n, NULL, 0);
				s->subsec = 1;
				p += 1 + n;
				continue;
			}
			if (dot || s->exp)
				tok_add(s, TOK_LIT, 0, ".", 1);
			else
				tok_add(s, TOK_DOT, 0, NULL, 0);
			dot = 1;
			break;
		case ',':
			tok_add(s, TOK_COMMA, ',', NULL, 0);
			break;
		case '%':
			tok_add(s, TOK_PERCENT, 0, NULL, 0);
			s->shift += 2;
			break;
		case '@':
			tok_add(s, TOK_AT, 0, NULL, 0);
			s->text = 1;
			break;
		case 'E': case 'e':
			if (p + 1 < end && (p[1] == '+' || p[1] == '-') &&
			    !s->exp) {
				tok_add(s, TOK_EXP, p[1], NULL, 0);
				s->exp = 1;
				p += 2;
				continue;
			}
			if (*p == 'e') {
				tok_add(s, TOK_YEAR, 0, NULL, 0);
				p += run_of(p, end);
				continue;
			}
			s->unsure = 1;
			tok_add(s, TOK_LIT, 0, p, 1);
			break;
		case 'G': case 'g':
			if (end - p >= 7 && strncasecmp(p, "general", 7) == 0) {
				tok_add(s, TOK_GENERAL, 0, NULL, 0);
				s->general = 1;
				p += 7;
				continue;
			}
			s->unsure = 1;		/* era */
			p += run_of(p, end);
			continue;
		case 'Y': case 'y':
			tok_add(s, TOK_YEAR, 0, NULL, 0);
			p += run_of(p, end);
			continue;
		case 'M': case 'm':
			tok_add(s, TOK_MONTH, 0, NULL, 0);
			p += run_of(p, end);
			continue;
		case 'D': case 'd':
			tok_add(s, TOK_DAY, 0, NULL, 0);
			p += run_of(p, end);
			continue;
		case 'H': case 'h':
			tok_add(s, TOK_HOUR, 0, NULL, 0);
			p += run_of(p, end);
			continue;
		case 'S': case 's':
			tok_add(s, TOK_SEC, 0, NULL, 0);
			p += run_of(p, end);
			continue;
		case 'A': case 'a':
			if (end - p >= 5 && strncasecmp(p, "am/pm", 5) == 0) {
				tok_add(s, TOK_AMPM, 0, NULL, 0);
				p += 5;
				continue;
			}
			if (end - p >= 3 && strncasecmp(p, "a/p", 3) == 0) {
				tok_add(s, TOK_AMPM, 0, NULL, 0);
				p += 3;
				continue;
			}
			s->unsure = 1;
			tok_add(s, TOK_LIT, 0, p, 1);
			break;
		case '$': case '-': case '+': case '(': case ')': case ':':
		case ' ': case '!': case '^': case '&': case '\'': case '~':
		case '{': case '}': case '<': case '>': case '=': case '/':
		case '1': case '2': case '3': case '4': case '5': case '6':
		case '7': case '8': case '9':
			tok_add(s, TOK_LIT, 0, p, 1);
			break;
		default:
			if ((unsigned char)*p >= 0x80) {
				n = utf8_len(p, end);
				tok_add(s, TOK_LIT, 0, p, n);
				p += n;
				continue;
			}
			/* B1/B2 calendars, stray letters: Excel and
			 * LibreOffice disagree on them. */
			s->unsure = 1;
			tok_add(s, TOK_LIT, 0, p, 1);
			break;
		}
		p++;
	}

	/* m is minutes after an hour or before seconds, else the month. */
	for (i = 0; i < s->ntoks; i++) {
		if (s->toks[i].type != TOK_MONTH)
			continue;
		if (is_unit(date_tok_near(s, i, -1), TOK_HOUR, 'h') ||
		    is_unit(date_tok_near(s, i, 1), TOK_SEC, 's'))
			s->toks[i].type = TOK_MIN;
	}
	for (i = 0; i < s->ntoks; i++) {
		switch (s->toks[i].type) {
		case TOK_YEAR: case TOK_MONTH: case TOK_DAY:
			s->has_date = 1;
			break;
		case TOK_HOUR: case TOK_MIN: case TOK_SEC: case TOK_AMPM:
		case TOK_ELAPSED:
			s->has_time = 1;
			break;
		default:
			break;
		}
	}
}

/*
 * Decides each comma of a number section: between digit placeholders of
 * the integer part it groups thousands; after the last placeholder it
 * divides by 1000; anywhere else it is text. A / between placeholders
 * makes a fraction.
 */
static void
analyse_section(struct numfmt_section *s)
{
	const char	*slash;
	size_t		 i, j;
	int		 before, after, dot_between;

	for (i = 0; i < s->ntoks; i++) {
		if (s->toks[i].type == TOK_LIT &&
		    (slash = strchr(s->toks[i].lit, '/')) != NULL) {
			before = 0;
			/* A fixed denominator (# ?/8) or placeholders. */
			after = slash[1] >= '1' && slash[1] <= '9';
			for (j = 0; j < i; j++)
				before |= s->toks[j].type == TOK_DIGIT;
			for (j = i + 1; j < s->ntoks; j++)
				after |= s->toks[j].type == TOK_DIGIT;
			if (before && after && !s->has_date && !s->has_time)
				s->fraction = 1;
		}
		if (s->toks[i].type != TOK_COMMA)
			continue;
		before = after = dot_between = 0;
		for (j = 0; j < i; j++)
			if (s->toks[j].type == TOK_DIGIT)
				before = 1;
		for (j = i + 1; j < s->ntoks; j++) {
			if (s->toks[j].type == TOK_EXP)
				break;
			if (s->toks[j].type == TOK_DOT)
				dot_between = 1;
			if (s->toks[j].type == TOK_DIGIT) {
				after = 1;
				break;
			}
		}
		if (before && after && !dot_between) {
			s->thousands = 1;
			s->toks[i].ch = 't';
		} else if (before && !after) {
			s->shift -= 3;
			s->toks[i].ch = 's';
		}
	}
}

struct numfmt *
numfmt_new(const char *code)
{
	struct numfmt	*f;
	const char	*p, *start, *q;
	int		 i;

	f = xcalloc(1, sizeof *f);
	if (code == NULL || *code == '\0')
		code = "General";
	start = p = code;
	for (;;) {
		if (*p == '"') {
			q = strchr(p + 1, '"');
			p = q != NULL ? q + 1 : p + strlen(p);
			continue;
		}
		if (*p == '\\' && p[1] != '\0') {
			p += 2;
			continue;
		}
		if (*p == '[') {
			q = strchr(p + 1, ']');
			p = q != NULL ? q + 1 : p + strlen(p);
			continue;
		}
		if ((*p == '_' || *p == '*') && p[1] != '\0') {
			p += 2;
			continue;
		}
		if (*p != ';' && *p != '\0') {
			p++;
			continue;
		}
		if (f->nsec == NUMFMT_MAXSEC) {
			f->unsure = 1;
			break;
		}
		parse_section(&f->sec[f->nsec++], start, p);
		if (*p == '\0')
			break;
		start = ++p;
	}
	for (i = 0; i < f->nsec; i++)
		analyse_section(&f->sec[i]);
	return f;
}

void
numfmt_free(struct numfmt *f)
{
	size_t	i;
	int	s;

	if (f == NULL)
		return;
	for (s = 0; s < f->nsec; s++) {
		for (i = 0; i < f->sec[s].ntoks; i++)
			free(f->sec[s].toks[i].lit);
		free(f->sec[s].toks);
	}
	free(f);
}

/* Number sections: all but a text section (the 4th, or one with @). */
static int
number_sections(const struct numfmt *f)
{
	if (f->nsec == 4)
		return 3;
	if (f->sec[f->nsec - 1].text)
		return f->nsec - 1;
	return f->nsec;
}

int
numfmt_is_date(const struct numfmt *f)
{
	return number_sections(f) > 0 && !f->sec[0].general &&
	    (f->sec[0].has_date || f->sec[0].has_time);
}

int
numfmt_is_text(const struct numfmt *f)
{
	return f->nsec == 1 && f->sec[0].text;
}

static void
put(struct numfmt_out *o, const char *s, size_t n)
{
	size_t	room;

	if (o->len + 1 < o->size) {
		room = o->size - 1 - o->len;
		memcpy(o->buf + o->len, s, n < room ? n : room);
	}
	if (o->len + n + 1 > o->size)
		o->full = 1;
	o->len += n;
}

static void
putc_(struct numfmt_out *o, char c)
{
	put(o, &c, 1);
}

static void
puts_(struct numfmt_out *o, const char *s)
{
	put(o, s, strlen(s));
}

static int
out_end(struct numfmt_out *o, int rc)
{
	if (o->size == 0)
		return -1;
	o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
	return o->full ? -1 : rc;
}

/* x >= 0, finite: its first 15 significant digits, trailing zeros cut. */
static void
dec_from(double x, struct numfmt_dec *d)
{
	char	 s[64];
	char	*p;

	d->n = 0;
	d->e = 0;
	if (x == 0)
		return;
	snprintf(s, sizeof s, "%.*e", NUMFMT_DIGITS - 1, x);
	/* Digits up to the 'e' (whatever the radix character is). */
	for (p = s; *p != '\0' && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && d->n < NUMFMT_DIGITS)
			d->d[d->n++] = *p;
	d->e = (*p == 'e' ? atoi(p + 1) : 0) + 1;
	while (d->n > 0 && d->d[d->n - 1] == '0')
		d->n--;
	if (d->n == 0)
		d->e = 0;
}

/*
 * Keeps the first keep digits, rounding half away from zero on the
 * decimal digits; a carry adds a digit in front (e grows).
 */
static void
dec_round(struct numfmt_dec *d, int keep)
{
	int	i, up;

	if (d->n == 0 || keep >= d->n)
		return;
	if (keep < 0) {
		d->n = 0;
		d->e = 0;
		return;
	}
	up = d->d[keep] >= '5';
	d->n = keep;
	if (up) {
		for (i = keep - 1; i >= 0; i--) {
			if (d->d[i] != '9') {
				d->d[i]++;
				break;
			}
			d->d[i] = '0';
		}
		if (i < 0) {
			d->d[0] = '1';
			d->n = keep > 0 ? keep : 1;
			for (i = 1; i < d->n; i++)
				d->d[i] = '0';
			d->e++;
		}
	}
	while (d->n > 0 && d->d[d->n - 1] == '0')
		d->n--;
	if (d->n == 0)
		d->e = 0;
}

/* Digit k of d, counted from the first (0); zeros past the last. */
static char
dec_digit(const struct numfmt_dec *d, int k)
{
	return k >= 0 && k < d->n ? d->d[k] : '0';
}

/* General on x's digits: as plain decimals, or d.ddddE+XX. */
static void
general_digits(const struct numfmt_dec *d, int sci, struct numfmt_out *o)
{
	char	 ebuf[16];
	int	 i, x;

	if (d->n == 0) {
		putc_(o, '0');
		return;
	}
	if (sci) {
		putc_(o, d->d[0]);
		if (d->n > 1) {
			putc_(o, '.');
			put(o, d->d + 1, d->n - 1);
		}
		x = d->e - 1;
		snprintf(ebuf, sizeof ebuf, "E%c%02d", x < 0 ? '-' : '+',
		    x < 0 ? -x : x);
		puts_(o, ebuf);
		return;
	}
	if (d->e <= 0) {
		puts_(o, "0.");
		for (i = d->e; i < 0; i++)
			putc_(o, '0');
		put(o, d->d, d->n);
		return;
	}
	for (i = 0; i < d->e; i++)
		putc_(o, dec_digit(d, i));
	if (d->n > d->e) {
		putc_(o, '.');
		put(o, d->d + d->e, d->n - d->e);
	}
}

/*
 * Excel's General for |x| (the sign is the caller's): at most 11
 * characters. Integers of up to 11 digits show whole; other numbers from
 * 1E-04 up to 11 digits are rounded to fit 11 characters; 12+ digits
 * and below 0.0001 go scientific with 6 significant digits, 1.23457E+11,
 * 1E-05.
 */
static int
general_abs(double x, struct numfmt_out *o)
{
	struct numfmt_dec	d;
	int			E;

	if (isnan(x) || isinf(x)) {
		puts_(o, "#NUM!");
		return 1;
	}
	dec_from(fabs(x), &d);
	if (d.n == 0) {
		putc_(o, '0');
		return 0;
	}
	E = d.e - 1;		/* the exponent of the first digit */
	if (E >= 11 || E <= -5) {
		dec_round(&d, 6);
		general_digits(&d, 1, o);
		return 0;
	}
	if (E == 10)
		dec_round(&d, 11);
	else if (E >= 0)
		dec_round(&d, 10);
	else
		dec_round(&d, 10 + E);
	if (d.e > 11) {
		dec_round(&d, 6);
		general_digits(&d, 1, o);
	} else
		general_digits(&d, 0, o);
	return 0;
}

int
numfmt_general(double v, char *buf, size_t size)
{
	struct numfmt_out	o = { buf, size, 0, 0 };
	int			rc;

	if (v < 0)
		putc_(&o, '-');
	rc = general_abs(v, &o);
	return out_end(&o, rc);
}

/* Days from 1970-01-01 to y-m-d (H. Hinnant's days_from_civil). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long		era;
	unsigned	doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

/*
 * A date/time section: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS or HH:MM:SS.
 * Negative values and dates past 9999 Excel shows as ####: unsure.
 */
static int
render_date(const struct numfmt_section *s, double v, int date1904,
    struct numfmt_out *o)
{
	char		 b[64];
	long long	 total, ms;
	long		 days, y;
	unsigned	 m, d;
	int		 rc = 0;
	unsigned long	 secs;

	if (isnan(v) || isinf(v) || v < 0 || v > 2958466.0) {
		if (v < 0)
			putc_(o, '-');
		general_abs(v, o);
		return 1;
	}
	if (s->subsec) {
		/* Excel shows the fraction and cuts the seconds. */
		ms = llround(v * 86400000.0);
		total = ms / 1000;
		if (ms % 1000 != 0)
			rc = 1;
	} else
		total = llround(v * 86400.0);
	if (s->has_date && !s->has_time)
		total = (long long)floor(v) * 86400;
	days = (long)(total / 86400);
	secs = (unsigned long)(total % 86400);

	if (s->has_date) {
		if (date1904)
			days += days_from_civil(1904, 1, 1);
		else if (days == 0) {
			/* Excel shows 1900-01-00: no date. */
			days = days_from_civil(1899, 12, 31);
			rc = 1;
		} else if (days == 60)
			days = -1;	/* the 1900-02-29 Lotus kept */
		else if (days < 60)
			days += days_from_civil(1899, 12, 31);
		else
			days += days_from_civil(1899, 12, 30);
		if (days == -1) {
			y = 1900;
			m = 2;
			d = 29;
		} else
			civil_from_days(days, &y, &m, &d);
		if (y > 9999)
			rc = 1;
		snprintf(b, sizeof b, "%04ld-%02u-%02u", y, m, d);
		puts_(o, b);
		if (!s->has_time)
			return rc;
		putc_(o, ' ');
	}
	if (s->elapsed && !s->has_date)
		snprintf(b, sizeof b, "%02llu:%02lu:%02lu",
		    (unsigned long long)total / 3600, secs / 60 % 60,
		    secs % 60);
	else
		snprintf(b, sizeof b, "%02lu:%02lu:%02lu", secs / 3600,
		    secs / 60 % 60, secs % 60);
	puts_(o, b);
	return rc;
}

/*
 * The integer part's digits, given to its placeholders one at a time
 * (int_digit), left to right: right-aligned, the leftmost placeholder
 * taking any digits left over; 0 shows a zero where there is no digit,
 * ? a space, # nothing. Thousands separators go between groups of three.
 */
struct numfmt_intpart {
	char	digits[512];
	int	n;		/* digits of the integer part */
	int	nph;		/* its placeholders */
	int	k;		/* placeholders done */
};

static void
int_digit(const struct numfmt_section *s, struct numfmt_intpart *ip,
    char ph, struct numfmt_out *o)
{
	int	 j, p, extra;

	j = ip->nph - 1 - ip->k;	/* this placeholder's position */
	if (ip->k == 0) {
		for (extra = 0; extra < ip->n - ip->nph; extra++) {
			p = ip->n - 1 - extra;
			putc_(o, ip->digits[extra]);
			if (s->thousands && p > 0 && p % 3 == 0)
				putc_(o, ',');
		}
	}
	ip->k++;
	if (j < ip->n)
		putc_(o, ip->digits[ip->n - 1 - j]);
	else if (ph == '0')
		putc_(o, '0');
	else {
		if (ph == '?')
			putc_(o, ' ');
		return;
	}
	if (s->thousands && j > 0 && j % 3 == 0)
		putc_(o, ',');
}

/* Appends n as decimal digits, grouped by thousands or not. */
static void
put_int(struct numfmt_out *o, unsigned long long n, int thousands)
{
	char	b[32];
	int	len, i;

	len = snprintf(b, sizeof b, "%llu", n);
	for (i = 0; i < len; i++) {
		putc_(o, b[i]);
		if (thousands && i < len - 1 && (len - 1 - i) % 3 == 0)
			putc_(o, ',');
	}
}

/* Appends n as decimal digits, padded with spaces to width (left or right). */
static void
put_padded(struct numfmt_out *o, unsigned long long n, int width, int left)
{
	char	b[32];
	int	len, i;

	len = snprintf(b, sizeof b, "%llu", n);
	if (left)
		for (i = len; i < width; i++)
			putc_(o, ' ');
	puts_(o, b);
	if (!left)
		for (i = len; i < width; i++)
			putc_(o, ' ');
}

/*
 * The fraction p/q nearest x with q <= maxq: the continued fraction's
 * last convergent within the bound, or the semiconvergent past it when
 * that is nearer (Excel and Calc show 3 14/99 for pi with # ??/??).
 */
static void
best_fraction(double x, unsigned long long maxq, unsigned long long *p,
    unsigned long long *q)
{
	double			b = x, a, f;
	unsigned long long	p2 = 0, p1 = 1, q2 = 1, q1 = 0, pp, qq, k;

	for (;;) {
		a = floor(b);
		if (a > 1e15)
			break;
		pp = (unsigned long long)a * p1 + p2;
		qq = (unsigned long long)a * q1 + q2;
		if (qq > maxq) {
			/* The semiconvergent with the largest q allowed. */
			k = (maxq - q2) / q1;
			pp = p2 + k * p1;
			qq = q2 + k * q1;
			if (k > 0 && fabs(x - (double)pp / qq) <
			    fabs(x - (double)p1 / q1)) {
				p1 = pp;
				q1 = qq;
			}
			break;
		}
		p2 = p1;
		p1 = pp;
		q2 = q1;
		q1 = qq;
		f = b - a;
		if (f < 0.00000005)
			break;
		b = 1 / f;
	}
	*p = p1;
	*q = q1;
}

/*
 * A fraction section, # ?/? (mixed) or ?/? (improper), the denominator
 * placeholders (up to 7) or fixed digits (# ?/8), for |v|. Returns -2
 * when the layout is not one of these (the caller shows General).
 */
static int
render_fraction(const struct numfmt_section *s, double v,
    struct numfmt_out *o)
{
	const struct numfmt_token	*t = s->toks;
	unsigned long long		 den = 0, num, base = 0, p, q, rr;
	size_t				 n = s->ntoks, sl, i0, n0, d1, i;
	int				 nlen, dlen = 0, ri, zero = 0, mixed;
	int				 rc = 0;
	const char			*lit;
	double				 x = fabs(v);

	for (sl = 0; sl < n; sl++)
		if (t[sl].type == TOK_LIT && strchr(t[sl].lit, '/') != NULL)
			break;
	if (sl == n || t[sl].lit[0] != '/' || x >= 1e15)
		return -2;
	for (lit = t[sl].lit + 1; *lit >= '0' && *lit <= '9'; lit++) {
		if (den >= 100000000)
			return -2;	/* no spreadsheet divides by that */
		den = den * 10 + (unsigned)(*lit - '0');
	}
	if (*lit != '\0' || (den == 0 && lit != t[sl].lit + 1))
		return -2;
	for (n0 = sl; n0 > 0 && t[n0 - 1].type == TOK_DIGIT; n0--)
		continue;
	nlen = (int)(sl - n0);
	i0 = n0;
	mixed = n0 >= 2 && t[n0 - 1].type == TOK_LIT &&
	    strcmp(t[n0 - 1].lit, " ") == 0 && t[n0 - 2].type == TOK_DIGIT;
	if (mixed)
		for (i0 = n0 - 1; i0 > 0 && (t[i0 - 1].type == TOK_DIGIT ||
		    (t[i0 - 1].type == TOK_COMMA && t[i0 - 1].ch == 't'));
		    i0--)
			zero |= t[i0 - 1].ch == '0';
	d1 = sl + 1;
	if (den == 0)
		for (; d1 < n && t[d1].type == TOK_DIGIT; d1++)
			dlen++;
	else	/* # ?/100: the zeros are placeholders to the tokenizer */
		for (; d1 < n && t[d1].type == TOK_DIGIT && t[d1].ch == '0' &&
		    den < 100000000; d1++)
			den *= 10;
	if (nlen == 0 || (den == 0 && dlen == 0))
		return -2;
	for (i = 0; i < n; i++)
		if ((i < i0 || i >= d1) && t[i].type != TOK_LIT)
			return -2;

	ri = nlen > dlen ? nlen : dlen;
	if (ri > 7)
		ri = 7;
	if (den != 0) {
		if (x * den >= 1e18)
			return -2;
		rr = (unsigned long long)floor(x * den + 0.5);
		num = rr;
		if (mixed) {
			base = rr / den;
			num = rr % den;
		}
	} else {
		for (q = 1, i = 0; i < (size_t)ri; i++)
			q *= 10;
		if (x * q >= 1e18)
			return -2;
		best_fraction(x, q - 1, &p, &q);
		den = q;
		num = p;
		if (mixed) {
			base = p / q;
			num = p % q;
		}
	}

	for (i = 0; i < i0; i++)
		puts_(o, t[i].lit);
	if (mixed) {
		if (base > 0 || num == 0 || zero)
			put_int(o, base, s->thousands);
		putc_(o, ' ');
	}
	if (mixed && num == 0) {
		/* No fraction: spaces where it would be. */
		for (i = 0; i < (size_t)(2 * ri + 1); i++)
			putc_(o, ' ');
		/* How many with a fixed denominator: Excel, Calc differ. */
		if (dlen == 0)
			rc = 1;
	} else {
		put_padded(o, num, dlen > 0 ? ri : nlen, 1);
		putc_(o, '/');
		if (dlen > 0)
			put_padded(o, den, ri, 0);
		else
			put_padded(o, den, 0, 1);
	}
	for (i = d1; i < n; i++)
		puts_(o, t[i].lit);
	return rc;
}

/* The largest multiple of n not above a. */
static int
floor_mul(int a, int n)
{
	return a >= 0 ? a / n * n : -((-a + n - 1) / n) * n;
}

/*
 * A number section (no date, no fraction) for |v|; the sign is the
 * caller's. Scientific formats take the exponent from the mantissa's
 * integer placeholders: all of them hold digits (00.0E+0: 12.3E+3),
 * unless some are # (##0.0E+0: the exponent a multiple of their count).
 */
static int
render_number(const struct numfmt_section *s, double v,
    struct numfmt_out *o, int *nonzero)
{
	struct numfmt_dec	 d;
	struct numfmt_intpart	 ip;
	char			 ebuf[32];
	size_t			 i;
	int			 ni = 0, nd = 0, ne = 0;
	int			 seen_dot = 0, seen_exp = 0;
	int			 hash = 0, x = 0, last, fi = 0, rc = 0, k;
	int			 exp_done = 0;

	for (i = 0; i < s->ntoks; i++) {
		switch (s->toks[i].type) {
		case TOK_DOT:
			seen_dot = 1;
			break;
		case TOK_EXP:
			seen_exp = 1;
			break;
		case TOK_DIGIT:
			if (seen_exp)
				ne += s->toks[i].ch == '0';
			else if (seen_dot)
				nd++;
			else {
				ni++;
				hash |= s->toks[i].ch != '0';
			}
			break;
		default:
			break;
		}
	}
	dec_from(fabs(v), &d);
	if (d.n > 0)
		d.e += s->shift;
	if (s->exp && d.n > 0) {
		if (ni > 1 && hash) {
			/* Engineering: the exponent a multiple of ni. */
			x = floor_mul(d.e - 1, ni);
			dec_round(&d, d.e - x + nd);
			x = floor_mul(d.e - 1, ni);
		} else {
			dec_round(&d, (ni > 0 ? ni : 0) + nd);
			x = d.e - ni;
		}
		if (ni > 1 && !hash)
			rc = 1;	/* 00.0E+0: Excel and LibreOffice differ */
		d.e -= x;
	} else
		dec_round(&d, d.e + nd);
	*nonzero = d.n > 0;

	memset(&ip, 0, sizeof ip);
	ip.nph = ni;
	for (k = 0; k < d.e && ip.n < (int)sizeof ip.digits; k++)
		ip.digits[ip.n++] = dec_digit(&d, k);
	if (ip.n == (int)sizeof ip.digits)
		rc = 1;
	last = d.n - d.e;	/* decimals up to the last non-zero */

	seen_dot = seen_exp = 0;
	for (i = 0; i < s->ntoks; i++) {
		const struct numfmt_token *t = &s->toks[i];

		switch (t->type) {
		case TOK_LIT:
			puts_(o, t->lit);
			break;
		case TOK_DIGIT:
			if (seen_exp) {
				if (exp_done)
					break;
				exp_done = 1;
				snprintf(ebuf, sizeof ebuf, "%0*d",
				    ne < 10 ? ne : 10, x < 0 ? -x : x);
				puts_(o, ebuf);
			} else if (seen_dot) {
				fi++;
				if (fi <= last)
					putc_(o, dec_digit(&d, d.e + fi - 1));
				else if (t->ch == '0')
					putc_(o, '0');
				else if (t->ch == '?')
					putc_(o, ' ');
			} else
				int_digit(s, &ip, t->ch, o);
			break;
		case TOK_DOT:
			if (ip.k == 0 && ni == 0 && ip.n > 0)
				put(o, ip.digits, ip.n);
			seen_dot = 1;
			putc_(o, '.');
			break;
		case TOK_COMMA:
			if (t->ch == ',')
				putc_(o, ',');
			break;
		case TOK_PERCENT:
			putc_(o, '%');
			break;
		case TOK_EXP:
			seen_exp = 1;
			putc_(o, 'E');
			if (x < 0)
				putc_(o, '-');
			else if (t->ch == '+')
				putc_(o, '+');
			break;
		case TOK_GENERAL:
			rc |= general_abs(v, o);
			break;
		default:
			rc = 1;
			break;
		}
	}
	return rc;
}

static int
cond_true(const struct numfmt_section *s, double v)
{
	switch (s->op) {
	case OP_LT:
		return v < s->cond;
	case OP_LE:
		return v <= s->cond;
	case OP_GT:
		return v > s->cond;
	case OP_GE:
		return v >= s->cond;
	case OP_EQ:
		return v == s->cond;
	case OP_NE:
		return v != s->cond;
	default:
		return 0;
	}
}

/*
 * The section that shows v: positive;negative;zero, or by conditions
 * (the first true one, else the next without a condition). -1: none
 * (Excel shows ####).
 */
static int
choose_section(const struct numfmt *f, int nn, double v, int *unsure)
{
	const struct numfmt_section	*s0 = &f->sec[0], *s1 = &f->sec[1];

	if (s0->op != OP_NONE || (nn > 1 && s1->op != OP_NONE)) {
		if (s0->op == OP_NONE)
			*unsure = 1;	/* only the second has a condition */
		if (s0->op != OP_NONE && cond_true(s0, v))
			return 0;
		if (nn > 1 && s1->op != OP_NONE && cond_true(s1, v))
			return 1;
		if (s0->op != OP_NONE && nn > 1 && s1->op != OP_NONE)
			return nn > 2 ? 2 : -1;
		return nn > 1 ? 1 : -1;
	}
	if (nn == 1)
		return 0;
	if (v < 0)
		return 1;
	if (nn == 2 || v > 0)
		return 0;
	return 2;
}

int
numfmt_render(const struct numfmt *f, double v, int date1904, char *buf,
    size_t size)
{
	struct numfmt_out		 o = { buf, size, 0, 0 };
	const struct numfmt_section	*s;
	int				 nn, si, rc = 0, unsure = f->unsure;
	int				 nonzero = 1;
	size_t				 signat;

	nn = number_sections(f);
	if (isnan(v) || isinf(v)) {
		puts_(&o, "#NUM!");
		return out_end(&o, 1);
	}
	if (nn == 0)		/* "@": a number in a text format */
		return numfmt_general(v, buf, size) == -1 ? -1 : unsure;
	si = choose_section(f, nn, v, &unsure);
	if (si < 0) {
		if (v < 0)
			putc_(&o, '-');
		general_abs(v, &o);
		return out_end(&o, 1);
	}
	s = &f->sec[si];
	unsure |= s->unsure;
	/*
	 * Whether a section picked by a condition shows a negative value's
	 * sign differs between applications ([<1]0.0 with -1: Calc -1.0).
	 */
	if (v < 0 && (f->sec[0].op != OP_NONE ||
	    (nn > 1 && f->sec[1].op != OP_NONE)))
		unsure = 1;
	if (s->has_date || s->has_time) {
		rc = render_date(s, v, date1904, &o);
		return out_end(&o, rc | unsure);
	}
	/* One number section shows the sign; with more, each its own. */
	signat = o.len;
	if (v < 0 && nn == 1)
		putc_(&o, '-');
	if (s->fraction &&
	    (rc = render_fraction(s, v, &o)) == -2) {
		/* A fraction of another layout: General instead. */
		rc = general_abs(v, &o);
		unsure = 1;
	} else if (s->fraction)
		nonzero = 1;
	else if (s->ntoks == 0 && nn == 1)
		rc = general_abs(v, &o);	/* "" is General */
	else
		rc = render_number(s, v, &o, &nonzero);
	/*
	 * -0.4 with 0: Excel shows -0, LibreOffice 0; which one the
	 * person saw depends on the application.
	 */
	if (v < 0 && nn == 1 && !nonzero && !s->general && o.len > signat)
		unsure = 1;
	return out_end(&o, rc | unsure);
}
