/*
 * norm.h: the normalizations applied to every cell before it is validated
 * or compared: whitespace trimmed, non-breaking spaces made plain, zero-width
 * characters removed, Unicode NFC (utf8proc). Each is recorded as a bit,
 * apart from anything the spreadsheet itself asks to change.
 */
#ifndef IMPORTER_NORM_H
#define IMPORTER_NORM_H

#include <stddef.h>

#define NORM_TRIM	0x01	/* leading/trailing whitespace */
#define NORM_NBSP	0x02	/* non-breaking space made plain */
#define NORM_ZEROWIDTH	0x04	/* zero-width character removed */
#define NORM_NFC	0x08	/* Unicode NFC */
#define NORM_CASE	0x10	/* case of a code (GUID, country, ...) */
#define NORM_FORMAT	0x20	/* layout of a code (braces, '_' for '-') */
#define NORM_WIDTH	0x40	/* full-width digits, dashes, spaces and a
				 * postal mark in a phone or postal code */
#define NORM_NKINDS	7
/* Not a change: the value may hold a control character (tab, line break,
 * ...), for the validator to look closer. */
#define NORM_CONTROL	0x100
/* A leading apostrophe before = + - @ tab or CR removed: the guard the
 * fix-up CSV puts on cells a spreadsheet would take for formulas (fixup.h).
 * Recorded with the row's fixes, not listed as a kind. */
#define NORM_GUARD	0x200

/* A growable buffer for one normalized value. */
struct norm_buf {
	char	*s;
	size_t	 cap;
};

/*
 * Normalizes s[0..len). Returns s itself when nothing changes (the common
 * case, no copy), else buf->s; *outlen is the result's length, and the kinds
 * of change are ORed into *fixes. The result is NUL-terminated.
 */
const char	*norm_text(const char *s, size_t len, struct norm_buf *buf,
		    size_t *outlen, unsigned *fixes);
/* 1 if s starts with the fix-up CSV's guard (an apostrophe, after any
 * others, before = + - @ tab or CR, or before a number a spreadsheet would
 * change: norm_changed_number): the byte to drop; else 0. */
size_t		 norm_guard(const char *s, size_t len);
/*
 * Nonzero if a spreadsheet opening a CSV would read s[0..len) as a number
 * and show (and save) it as another text: scientific notation (1.40E+10),
 * a ".0" ending (98052.0), a leading zero (02134), or 12 digits or more
 * (shown in scientific notation, and past 15 rounded).
 */
int		 norm_changed_number(const char *s, size_t len);
/* Name of one NORM_* bit ("whitespace", ...). */
const char	*norm_kind_name(unsigned bit);
void		 norm_buf_free(struct norm_buf *buf);
/* Code points in a UTF-8 string. */
size_t		 norm_length(const char *s, size_t len);
/*
 * Full-width forms in a phone number or postal code made ASCII: digits
 * U+FF10-FF19, the hyphens, dashes and minus signs people type between
 * them (U+2010-2015, U+2212, U+FF0D, U+FE63, U+30FC), U+3000 as a space;
 * in a phone number also ( ) + . / as full-width forms; in a postal code
 * (postal nonzero) full-width Latin letters and a leading postal mark
 * U+3012 (with the spaces after it) dropped. Returns s itself when nothing
 * changes, else buf->s (s may be buf->s: the result is never longer);
 * NORM_WIDTH is ORed into *fixes then.
 */
const char	*norm_width(const char *s, size_t len, int postal,
		    struct norm_buf *buf, size_t *outlen, unsigned *fixes);
/*
 * Bytes of the longest prefix of the UTF-8 string s[0..len) that holds at
 * most max bytes and ends on a character boundary: a value cut for a
 * message keeps its characters whole.
 */
size_t		 norm_cut(const char *s, size_t len, size_t max);
/* Drops an incomplete UTF-8 sequence from the end of the NUL-terminated s
 * (what snprintf leaves when it cuts text into a fixed buffer). */
void		 norm_fit(char *s);

#endif
