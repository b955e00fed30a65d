/*
 * charset.c: identifies what a file's bytes are before the CSV reader sees
 * them, and turns them into UTF-8. Detection is uchardet's; conversion is
 * iconv's; only UTF-8 validation is done here, byte-exactly, because it runs
 * over every byte of every file and must be fast.
 */
#include "config.h"

#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include <uchardet/uchardet.h>

#include "xmalloc.h"

struct charset_conv {
	iconv_t		 cd;
	unsigned char	 carry[16];	/* an incomplete sequence */
	size_t		 ncarry;
};

static int
has_prefix(const unsigned char *buf, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(buf, magic, n) == 0;
}

static int
contains(const unsigned char *buf, size_t len, const char *needle)
{
	size_t	n = strlen(needle);

	return n <= len && memmem(buf, len, needle, n) != NULL;
}

void
charset_sniff(const unsigned char *buf, size_t len, struct charset_sniff *out)
{
	size_t	i, nul, nul_odd, nul_even;

	memset(out, 0, sizeof *out);

	/* Binary formats often saved or renamed as .csv. */
	if (has_prefix(buf, len, "PK\003\004", 4)) {
		if (contains(buf, len, "xl/"))
			out->binary = "an Excel workbook (XLSX)";
		else if (contains(buf, len,
		    "application/vnd.oasis.opendocument.spreadsheet"))
			out->binary = "an OpenDocument spreadsheet (ODS)";
		else
			out->binary = "a ZIP archive";
		return;
	}
	if (has_prefix(buf, len, "\320\317\021\340\241\261\032\341", 8)) {
		out->binary = "an Excel 97-2003 workbook (XLS)";
		return;
	}
	if (has_prefix(buf, len, "%PDF-", 5)) {
		out->binary = "a PDF document";
		return;
	}
	if (has_prefix(buf, len, "\037\213", 2)) {
		out->binary = "a gzip archive";
		return;
	}
	if (has_prefix(buf, len, "{\\rtf", 5)) {
		out->binary = "an RTF document";
		return;
	}

	/* Byte order marks; UTF-32 first, its LE mark starts like UTF-16's. */
	if (has_prefix(buf, len, "\377\376\0\0", 4)) {
		out->encoding = "UTF-32LE";
		out->bom_len = 4;
		return;
	}
	if (has_prefix(buf, len, "\0\0\376\377", 4)) {
		out->encoding = "UTF-32BE";
		out->bom_len = 4;
		return;
	}
	if (has_prefix(buf, len, "\357\273\277", 3)) {
		out->encoding = "UTF-8";
		out->bom_len = 3;
		return;
	}
	if (has_prefix(buf, len, "\377\376", 2)) {
		out->encoding = "UTF-16LE";
		out->bom_len = 2;
		return;
	}
	if (has_prefix(buf, len, "\376\377", 2)) {
		out->encoding = "UTF-16BE";
		out->bom_len = 2;
		return;
	}

	/* UTF-16 without a BOM: mostly-ASCII text has a zero in every pair. */
	nul = nul_odd = nul_even = 0;
	for (i = 0; i < len; i++) {
		if (buf[i] != 0)
			continue;
		nul++;
		if (i & 1)
			nul_odd++;
		else
			nul_even++;
	}
	if (len >= 8 && nul_odd > len / 4 && nul_even * 64 <= len) {
		out->encoding = "UTF-16LE";
		return;
	}
	if (len >= 8 && nul_even > len / 4 && nul_odd * 64 <= len) {
		out->encoding = "UTF-16BE";
		return;
	}
	/* A stray NUL is a bad cell; many of them are not text at all. */
	if (nul > len / 100 + 1)
		out->binary = "a binary file (it contains NUL bytes)";
}

size_t
charset_utf8_check(struct charset_utf8 *st, const unsigned char *buf,
    size_t len)
{
	size_t		i = 0;
	unsigned char	c;

	while (i < len) {
		if (st->need == 0) {
			/* ASCII fast path, eight bytes at a time. */
			while (i + 8 <= len) {
				uint64_t	w;

				memcpy(&w, buf + i, 8);
				if (w & 0x8080808080808080ULL)
					break;
				i += 8;
			}
			if (i >= len)
				break;
			c = buf[i];
			if (c < 0x80) {
				i++;
				continue;
			}
			if (c >= 0xc2 && c <= 0xdf) {
				st->need = 1;
				st->cp = c & 0x1f;
				st->min = 0x80;
			} else if (c >= 0xe0 && c <= 0xef) {
				st->need = 2;
				st->cp = c & 0x0f;
				st->min = 0x800;
			} else if (c >= 0xf0 && c <= 0xf4) {
				st->need = 3;
				st->cp = c & 0x07;
				st->min = 0x10000;
			} else
				return i;
			st->seq = 1;
			i++;
			continue;
		}
		c = buf[i];
		if ((c & 0xc0) != 0x80)
			return i >= st->seq ? i - st->seq : 0;
		st->cp = (st->cp << 6) | (c & 0x3f);
		st->seq++;
		i++;
		if (--st->need == 0) {
			if (st->cp < st->min || st->cp > 0x10ffff ||
			    (st->cp >= 0xd800 && st->cp <= 0xdfff))
				return i >= st->seq ? i - st->seq : 0;
			st->seq = 0;
		}
	}
	return len;
}

int
charset_utf8_open(const struct charset_utf8 *st)
{
	return st->need != 0;
}

const char *
charset_detect(const unsigned char *buf, size_t len, const char **named)
{
	/* Guesses we trust: their byte structure is checked by conversion. */
	static const struct {
		const char	*uchardet;
		const char	*iconv;
	} trusted[] = {
		{ "GB18030", "GB18030" },
		{ "GB2312", "GB18030" },
		{ "GBK", "GB18030" },
		{ "HZ-GB-2312", "HZ-GB-2312" },
		{ "SHIFT_JIS", "CP932" },
		{ "WINDOWS-31J", "CP932" },
		{ "EUC-JP", "EUC-JP" },
		{ "ISO-2022-JP", "ISO-2022-JP" },
		{ "BIG5", "BIG5-HKSCS" },
		{ "EUC-TW", "EUC-TW" },
		{ "EUC-KR", "CP949" },
		{ "UHC", "CP949" },
		{ "UTF-16", "UTF-16" },
		{ "UTF-16LE", "UTF-16LE" },
		{ "UTF-16BE", "UTF-16BE" },
	};
	static char	 name[64];
	uchardet_t	 ud;
	const char	*cs;
	size_t		 i;

	ud = uchardet_new();
	uchardet_handle_data(ud, (const char *)buf, len);
	uchardet_data_end(ud);
	cs = uchardet_get_charset(ud);
	strncpy(name, cs != NULL ? cs : "", sizeof name - 1);
	name[sizeof name - 1] = '\0';
	uchardet_delete(ud);
	for (i = 0; name[i] != '\0'; i++)
		if (name[i] >= 'a' && name[i] <= 'z')
			name[i] -= 'a' - 'A';
	*named = name;
	for (i = 0; i < sizeof trusted / sizeof trusted[0]; i++)
		if (strcmp(name, trusted[i].uchardet) == 0)
			return trusted[i].iconv;
	return NULL;
}

/* Nonzero if buf reads as plausible CP932 (sjis) or GB2312 text. */
static int
cjk_plausible(const unsigned char *buf, size_t len, int sjis)
{
	size_t		i, run = 0, longest = 0;
	int		before = 0;	/* a Latin letter before a run */
	unsigned char	c, d;

	for (i = 0; i < len; ) {
		c = buf[i];
		if (c < 0x80) {
			if (run == 1 && before && isalpha(c))
				return 0;
			run = 0;
			before = isalpha(c);
			i++;
			continue;
		}
		if (i + 1 >= len)
			break;		/* cut by the sample's end */
		d = buf[i + 1];
		if (sjis ? !((c >= 0x81 && c <= 0x9f) ||
		    (c >= 0xe0 && c <= 0xef)) || d < 0x40 || d == 0x7f ||
		    d > 0xfc : c < 0xa1 || c > 0xf7 || d < 0xa1 || d > 0xfe)
			return 0;
		if (++run > longest)
			longest = run;
		i += 2;
	}
	return longest >= 2;
}

const char *
charset_cjk_guess(const unsigned char *buf, size_t len)
{
	int	ja = cjk_plausible(buf, len, 1);
	int	zh = cjk_plausible(buf, len, 0);

	return ja && !zh ? "CP932" : zh && !ja ? "GB18030" : NULL;
}

struct charset_conv *
charset_conv_new(const char *from, struct imp_err *err)
{
	struct charset_conv	*cv;
	iconv_t			 cd;

	cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1) {
		imp_errf(err, IMP_EXIT_USAGE,
		    "unknown encoding '%s' (see 'iconv -l' for the names)",
		    from);
		return NULL;
	}
	cv = xcalloc(1, sizeof *cv);
	cv->cd = cd;
	return cv;
}

void
charset_conv_free(struct charset_conv *cv)
{
	if (cv == NULL)
		return;
	iconv_close(cv->cd);
	free(cv);
}

/* Runs iconv over in, growing out; returns errno of a stop, or 0. */
static int
conv_run(struct charset_conv *cv, char **in, size_t *inleft, char **out,
    size_t *outlen, size_t *outcap)
{
	char	*op;
	size_t	 oleft, r;

	for (;;) {
		if (*outcap - *outlen < *inleft * 4 + 64) {
			*outcap = *outlen + *inleft * 4 + 4096;
			*out = xreallocarray(*out, *outcap, 1);
		}
		op = *out + *outlen;
		oleft = *outcap - *outlen;
		r = iconv(cv->cd, in, inleft, &op, &oleft);
		*outlen = op - *out;
		if (r != (size_t)-1)
			return 0;
		if (errno != E2BIG)
			return errno;
	}
}

int
charset_conv_feed(struct charset_conv *cv, const unsigned char *in,
    size_t len, int last, char **out, size_t *outlen, size_t *outcap,
    size_t *bad)
{
	unsigned char	*tmp = NULL;
	char		*ip, *op;
	size_t		 pre = cv->ncarry, left, off, oleft;
	int		 e, rc = 0;

	*bad = 0;
	ip = (char *)in;
	left = len;
	if (pre > 0) {
		/* A sequence split by the previous chunk: join it up. */
		tmp = xmalloc(pre + len);
		memcpy(tmp, cv->carry, pre);
		memcpy(tmp + pre, in, len);
		ip = (char *)tmp;
		left = pre + len;
		cv->ncarry = 0;
	}
	off = 0;
	e = conv_run(cv, &ip, &left, out, outlen, outcap);
	if (e == EINVAL && !last && left < sizeof cv->carry) {
		memcpy(cv->carry, ip, left);
		cv->ncarry = left;
		e = 0;
	}
	if (e != 0) {
		off = ip - (tmp != NULL ? (char *)tmp : (char *)in);
		*bad = off >= pre ? off - pre : 0;
		rc = -1;
	} else if (last) {
		/* Flush a stateful encoding's shift sequence. */
		if (*outcap - *outlen < 64) {
			*outcap = *outlen + 64;
			*out = xreallocarray(*out, *outcap, 1);
		}
		op = *out + *outlen;
		oleft = *outcap - *outlen;
		iconv(cv->cd, NULL, NULL, &op, &oleft);
		*outlen = op - *out;
	}
	free(tmp);
	return rc;
}
