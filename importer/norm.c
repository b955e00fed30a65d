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
		if (p[i] >= 0x80)
			ascii = 0;
		else if (p[i] < 0x20 || p[i] == 0x7f)
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
