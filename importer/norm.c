/*
 * norm.c: cell normalization. ASCII cells (nearly all of them) only need
 * trimming and are returned in place; other cells are rebuilt in a buffer.
 */
#include "config.h"

#include "norm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "xmalloc.h"

static void
buf_reserve(struct norm_buf *buf, size_t n)
{
	if (buf->cap < n + 1) {
		buf->cap = (n + 1) * 2 < 64 ? 64 : (n + 1) * 2;
		buf->s = xreallocarray(buf->s, buf->cap, 1);
	}
}

void
norm_buf_free(struct norm_buf *buf)
{
	free(buf->s);
	buf->s = NULL;
	buf->cap = 0;
}

const char *
norm_kind_name(unsigned bit)
{
	switch (bit) {
	case NORM_TRIM:
		return "whitespace";
	case NORM_NBSP:
		return "nbsp";
	case NORM_ZEROWIDTH:
		return "zero-width";
	case NORM_NFC:
		return "nfc";
	case NORM_CASE:
		return "case";
	case NORM_FORMAT:
		return "format";
	case NORM_WIDTH:
		return "width";
	}
	return "?";
}

size_t
norm_length(const char *s, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

size_t
norm_cut(const char *s, size_t len, size_t max)
{
	size_t	n;

	if (len <= max)
		return len;
	for (n = max; n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80; n--)
		;
	return n;
}

void
norm_fit(char *s)
{
	size_t		n = strlen(s), i, k;
	unsigned char	c;

	/* The last lead byte, within a sequence's length of the end. */
	for (i = n; i > 0 && n - i < 4; ) {
		c = s[--i];
		if ((c & 0xc0) == 0x80)
			continue;
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (i + k > n)
			s[i] = '\0';
		return;
	}
}

/* The ASCII character a full-width form in a phone number or postal code
 * stands for, or -1. */
static int
width_ascii(utf8proc_int32_t cp, int postal)
{
	if (cp >= 0xff10 && cp <= 0xff19)
		return '0' + (cp - 0xff10);
	switch (cp) {
	case 0x3000:
		return ' ';
	case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014:
	case 0x2015: case 0x2212: case 0xfe63: case 0xff0d:
	case 0x30fc:	/* the long vowel mark: a Japanese IME's '-' */
		return '-';
	}
	if (postal) {
		if (cp >= 0xff21 && cp <= 0xff3a)
			return 'A' + (cp - 0xff21);
		if (cp >= 0xff41 && cp <= 0xff5a)
			return 'a' + (cp - 0xff41);
		return -1;
	}
	switch (cp) {
	case 0xff08:
		return '(';
	case 0xff09:
		return ')';
	case 0xff0b:
		return '+';
	case 0xff0e:
		return '.';
	case 0xff0f:
		return '/';
	}
	return -1;
}

const char *
norm_width(const char *s, size_t len, int postal, struct norm_buf *buf,
    size_t *outlen, unsigned *fixes)
{
	const unsigned char	*p = (const unsigned char *)s;
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 k;
	size_t			 i, o, from = 0;
	int			 a, any = 0;

	*outlen = len;
	for (i = 0; i < len; i += k) {
		k = 1;
		if (p[i] < 0x80)
			continue;
		k = utf8proc_iterate(p + i, len - i, &cp);
		if (k <= 0) {
			k = 1;
			continue;
		}
		if (width_ascii(cp, postal) != -1 ||
		    (postal && i == 0 && cp == 0x3012)) {
			any = 1;
			break;
		}
	}
	if (!any)
		return s;

	/* The result is never longer, so it may be built in place. */
	if (s != buf->s)
		buf_reserve(buf, len);
	if (postal && len >= 3 && memcmp(s, "\343\200\222", 3) == 0) {
		from = 3;
		while (from < len && (s[from] == ' ' || (len - from >= 3 &&
		    memcmp(s + from, "\343\200\200", 3) == 0)))
			from += s[from] == ' ' ? 1 : 3;
	}
	for (i = from, o = 0; i < len; i += k) {
		k = 1;
		if (p[i] < 0x80) {
			buf->s[o++] = s[i];
			continue;
		}
		k = utf8proc_iterate(p + i, len - i, &cp);
		if (k <= 0) {
			k = 1;
			buf->s[o++] = s[i];
			continue;
		}
		if ((a = width_ascii(cp, postal)) != -1)
			buf->s[o++] = a;
		else {
			memmove(buf->s + o, s + i, k);
			o += k;
		}
	}
	buf->s[o] = '\0';
	*outlen = o;
	*fixes |= NORM_WIDTH;
	return buf->s;
}

static int
is_ascii_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\v' || c == '\f';
}

/* Trims ASCII space and U+3000 from both ends of s[0..*len). */
static const char *
trim(const char *s, size_t *len, unsigned *fixes)
{
	size_t	n = *len;
	size_t	n0 = n;

	for (;;) {
		if (n > 0 && is_ascii_space(*s)) {
			s++;
			n--;
		} else if (n >= 3 && memcmp(s, "\343\200\200", 3) == 0) {
			s += 3;
			n -= 3;
		} else
			break;
	}
	for (;;) {
		if (n > 0 && is_ascii_space(s[n - 1]))
			n--;
		else if (n >= 3 && memcmp(s + n - 3, "\343\200\200", 3) == 0)
			n -= 3;
		else
			break;
	}
	if (n != n0)
		*fixes |= NORM_TRIM;
	*len = n;
	return s;
}

/*
 * Code points that are NFC whatever surrounds them within the ranges here:
 * no combining marks, no singletons, nothing that composes with a
 * neighbour in the set. Text made only of these is already NFC.
 */
static int
nfc_stable(utf8proc_int32_t cp)
{
	return cp < 0x300 ||
	    (cp >= 0x400 && cp <= 0x482) ||		/* Cyrillic letters */
	    (cp >= 0x3000 && cp <= 0x3029) ||		/* CJK punctuation */
	    (cp >= 0x3030 && cp <= 0x3098) ||		/* and kana, */
	    (cp >= 0x309b && cp <= 0x30ff) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) ||		/* CJK ideographs */
	    (cp >= 0xac00 && cp <= 0xd7a3) ||		/* Hangul syllables */
	    (cp >= 0xff01 && cp <= 0xffef);		/* full/half width */
}

/* Nonzero if s holds an NBSP, a zero-width character, or text that may
 * not be NFC. */
static int
needs_rebuild(const unsigned char *p, size_t len)
{
	utf8proc_int32_t	cp;
	utf8proc_ssize_t	k;
	size_t			i;

	for (i = 0; i < len; i += k) {
		if (p[i] < 0x80) {
			k = 1;
			continue;
		}
		k = utf8proc_iterate(p + i, len - i, &cp);
		if (k <= 0 || cp == 0xa0 || cp == 0x2007 || cp == 0x202f ||
		    cp == 0x200b || cp == 0x200c || cp == 0x200d ||
		    cp == 0x2060 || cp == 0xfeff ||
		    !nfc_stable(cp))
			return 1;
	}
	return 0;
}

int
norm_changed_number(const char *s, size_t len)
{
	size_t	i, digits;

	for (i = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		;
	digits = i;
	if (digits == 0)
		return 0;
	if (digits == len)	/* 02134, or too long for General */
		return (s[0] == '0' && len > 1) || len >= 12;
	if (s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			;
		if (i == len) {	/* 98052.0, 98052.00 */
			for (i = digits + 1; i < len && s[i] == '0'; i++)
				;
			return i == len && len > digits + 1;
		}
	}
	if (s[i] != 'E' && s[i] != 'e')
		return 0;
	i++;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i == len)
		return 0;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

size_t
norm_guard(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len && s[i] == '\''; i++)
		;
	return i > 0 && i < len && s[i] != '\0' &&
	    (strchr("=+-@\t\r", s[i]) != NULL ||
	    norm_changed_number(s + i, len - i));
}

const char *
norm_text(const char *s, size_t len, struct norm_buf *buf, size_t *outlen,
    unsigned *fixes)
{
	const unsigned char	*p = (const unsigned char *)s;
	utf8proc_int32_t	 cp;
	utf8proc_ssize_t	 k;
	utf8proc_uint8_t	*nfc;
	size_t			 i, o, n;
	int			 ascii = 1;
	unsigned		 f = 0;

	/* Undo the fix-up CSV's formula guard: one apostrophe off. */
	if (norm_guard(s, len)) {
		s++;
		len--;
		p++;
		*fixes |= NORM_GUARD;
	}
	/* Eight bytes at a time: any byte >= 0x80, < 0x20, or 0x7f? */
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t	w, ctl, del;

		memcpy(&w, p + i, 8);
		ctl = (w - 0x2020202020202020ULL) & ~w;
		del = w ^ 0x7f7f7f7f7f7f7f7fULL;
		del = (del - 0x0101010101010101ULL) & ~del;
		if ((w | ctl | del) & 0x8080808080808080ULL)
			break;
	}
	for (; i < len; i++) {
		if (p[i] >= 0x80) {
			ascii = 0;
			/* C1 controls, U+0080..U+009F: what a legacy decoder
			 * makes of bytes it has no character for. */
			if (p[i] == 0xc2 && i + 1 < len && p[i + 1] <= 0x9f)
				*fixes |= NORM_CONTROL;
		} else if (p[i] < 0x20 || p[i] == 0x7f)
			*fixes |= NORM_CONTROL;
	}
	if (ascii) {
		const char	*t;

		n = len;
		t = trim(s, &n, &f);
		if (f == 0) {
			*outlen = len;
			return s;
		}
		*fixes |= f;
		buf_reserve(buf, n);
		memcpy(buf->s, t, n);
		buf->s[n] = '\0';
		*outlen = n;
		return buf->s;
	}

	/* Most text needs neither the rebuild nor NFC: check first. */
	if (!needs_rebuild(p, len)) {
		const char	*t;

		n = len;
		t = trim(s, &n, &f);
		*outlen = n;
		if (f == 0)
			return s;
		*fixes |= f;
		buf_reserve(buf, n);
		memcpy(buf->s, t, n);
		buf->s[n] = '\0';
		return buf->s;
	}

	/* Plain spaces for NBSPs, no zero-width characters. */
	buf_reserve(buf, len);
	for (i = 0, o = 0; i < len; ) {
		k = utf8proc_iterate(p + i, len - i, &cp);
		if (k <= 0) {	/* invalid UTF-8 cannot reach here; copy */
			buf->s[o++] = s[i++];
			continue;
		}
		if (cp == 0xa0 || cp == 0x2007 || cp == 0x202f) {
			buf->s[o++] = ' ';
			f |= NORM_NBSP;
		} else if (cp == 0x200b || cp == 0x200c || cp == 0x200d ||
		    cp == 0x2060 || cp == 0xfeff) {
			f |= NORM_ZEROWIDTH;
		} else {
			memcpy(buf->s + o, s + i, k);
			o += k;
		}
		i += k;
	}
	buf->s[o] = '\0';

	nfc = utf8proc_NFC((const utf8proc_uint8_t *)buf->s);
	if (nfc != NULL) {
		n = strlen((char *)nfc);
		if (n != o || memcmp(nfc, buf->s, n) != 0) {
			f |= NORM_NFC;
			buf_reserve(buf, n);
			memcpy(buf->s, nfc, n + 1);
			o = n;
		}
		free(nfc);
	}

	{
		const char	*t;

		n = o;
		t = trim(buf->s, &n, &f);
		memmove(buf->s, t, n);
		buf->s[n] = '\0';
	}
	*outlen = n;
	*fixes |= f;
	if (f == 0) {
		*outlen = len;
		return s;
	}
	return buf->s;
}
