/*
 * charset.h: what a file's bytes are: BOMs, binary formats saved under a
 * .csv name, UTF-8 validation, charset detection (uchardet) and streaming
 * conversion to UTF-8 (iconv).
 */
#ifndef IMPORTER_CHARSET_H
#define IMPORTER_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "importer.h"

/* What the first bytes of a file say. */
struct charset_sniff {
	const char	*encoding;	/* "UTF-8", "UTF-16LE", ... or NULL */
	size_t		 bom_len;	/* bytes of BOM to skip */
	const char	*binary;	/* "an Excel workbook (XLSX)", ... or NULL */
};

/* Looks at the first len bytes of a file (len may be small). */
void	charset_sniff(const unsigned char *buf, size_t len,
	    struct charset_sniff *out);

/*
 * Streaming UTF-8 validator. state carries an incomplete sequence across
 * calls (start with 0). Returns the index of the first byte of the first
 * invalid sequence, or len when all is valid so far.
 */
struct charset_utf8 {
	uint32_t	need;	/* continuation bytes still expected */
	uint32_t	cp;	/* code point so far */
	uint32_t	min;	/* smallest code point for this length */
	size_t		seq;	/* bytes of the open sequence seen */
};
size_t	charset_utf8_check(struct charset_utf8 *st, const unsigned char *buf,
	    size_t len);
/* Nonzero if the stream ended inside a sequence. */
int	charset_utf8_open(const struct charset_utf8 *st);

/*
 * Guesses the charset of a non-UTF-8 sample with uchardet. Returns the
 * iconv name to convert with when the guess can be trusted (a multi-byte
 * encoding whose structure the conversion verifies), else NULL; in both
 * cases *named is what uchardet said ("" when it had no idea). Static strings.
 */
const char	*charset_detect(const unsigned char *buf, size_t len,
		    const char **named);

/*
 * Which CJK legacy encoding a non-UTF-8 sample reads as plausibly, for the
 * order of the encodings a refusal suggests: every byte >= 0x80 in a
 * double-byte character of that encoding's common area (CP932: kanji and
 * kana, no half-width katakana; GB18030: the GB2312 area), two or more in
 * a row somewhere, and none alone between Latin letters (what accented
 * letters of Windows-1252 look like read as double bytes). Returns
 * "CP932", "GB18030", or NULL for neither or both.
 */
const char	*charset_cjk_guess(const unsigned char *buf, size_t len);

/* Streaming conversion of some charset to UTF-8. */
struct charset_conv;

/* Returns NULL and fills err when iconv does not know the name. */
struct charset_conv *charset_conv_new(const char *from, struct imp_err *err);
void	charset_conv_free(struct charset_conv *cv);
/*
 * Converts in[0..len) to UTF-8, appending to *out (grown with xreallocarray,
 * *outcap its size, *outlen its length). An incomplete sequence at the end is
 * kept for the next call; last says there is no next call. Returns 0, or -1
 * with *bad set to the offset in in of the first byte that does not convert.
 */
int	charset_conv_feed(struct charset_conv *cv, const unsigned char *in,
	    size_t len, int last, char **out, size_t *outlen, size_t *outcap,
	    size_t *bad);

#endif
