/*
 * test_norm.c: norm.h: the normalizations applied to every cell, each
 * recorded as a NORM_* bit, and unchanged cells returned without a copy.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "norm.h"
#include "../tap.h"

/* Normalizes the NUL-terminated s; the result's length in *outlen. */
static const char *
norm(const char *s, struct norm_buf *buf, size_t *outlen, unsigned *fixes)
{
	*fixes = 0;
	return norm_text(s, strlen(s), buf, outlen, fixes);
}

static void
test_unchanged(void)
{
	static const char	 ascii[] = "Contoso Ltd.";
	static const char	 utf8[] =
	    "Caf\303\251 \345\214\227\344\272\254";
	static const char	 cell[] = "abc,def";
	struct norm_buf		 buf = { NULL, 0 };
	const char		*r;
	size_t			 n;
	unsigned		 f;

	r = norm(ascii, &buf, &n, &f);
	ok(r == ascii, "clean ASCII comes back as the same pointer");
	is_int(n, strlen(ascii), "same length");
	is_int(f, 0, "no fixes");
	ok(buf.s == NULL, "no buffer was allocated for it");

	r = norm(utf8, &buf, &n, &f);
	ok(r == utf8, "clean NFC UTF-8 comes back as the same pointer");
	is_int(n, strlen(utf8), "same length");
	is_int(f, 0, "no fixes");

	/* Only the first 3 bytes: no NUL at s[len]. */
	f = 0;
	r = norm_text(cell, 3, &buf, &n, &f);
	ok(r == cell && n == 3 && f == 0,
	    "a cell that is not NUL-terminated: same pointer, its length");

	f = 0;
	r = norm_text("", 0, &buf, &n, &f);
	ok(r != NULL && n == 0 && f == 0, "an empty cell stays empty");
	norm_buf_free(&buf);
	ok(buf.s == NULL && buf.cap == 0, "norm_buf_free resets the buffer");
}

static void
test_fixes(void)
{
	struct norm_buf	 buf = { NULL, 0 };
	const char	*r;
	size_t		 n;
	unsigned	 f;

	r = norm("  Contoso  ", &buf, &n, &f);
	is_str(r, "Contoso", "leading and trailing spaces trimmed");
	is_int(n, 7, "trimmed length");
	is_int(f, NORM_TRIM, "NORM_TRIM only");
	ok(r == buf.s, "a changed cell is in the buffer");

	r = norm("\tContoso\r\n", &buf, &n, &f);
	is_str(r, "Contoso", "tab, CR, LF trimmed");
	is_int(f & ~NORM_CONTROL, NORM_TRIM, "trimmed controls: NORM_TRIM");

	/* NORM_CONTROL is a hint for the validator, not a change. */
	r = norm("a\tb", &buf, &n, &f);
	ok(r != buf.s && n == 3 && (f & NORM_CONTROL) &&
	    (f & ~NORM_CONTROL) == 0, "an inner tab: unchanged, no copy, "
	    "NORM_CONTROL set (f = %#x)", f);
	r = norm("Caf\303\251\001", &buf, &n, &f);
	ok((f & NORM_CONTROL) && (f & ~NORM_CONTROL) == 0 && n == 6,
	    "a control beside UTF-8: NORM_CONTROL set (f = %#x)", f);
	ok((NORM_CONTROL & ((1u << NORM_NKINDS) - 1)) == 0,
	    "NORM_CONTROL is outside the change kinds");

	r = norm("a  b", &buf, &n, &f);
	ok(strcmp(r, "a  b") == 0 && f == 0, "inner spaces are kept");

	r = norm("   ", &buf, &n, &f);
	ok(n == 0 && f == NORM_TRIM && *r == '\0', "all-space cell: empty, "
	    "NORM_TRIM");

	r = norm("Main\302\240Street", &buf, &n, &f);
	is_str(r, "Main Street", "NBSP becomes a plain space");
	is_int(f, NORM_NBSP, "NORM_NBSP only");

	r = norm("1\342\200\257000", &buf, &n, &f);
	is_str(r, "1 000", "narrow NBSP (U+202F) becomes a space");
	is_int(f, NORM_NBSP, "narrow NBSP: NORM_NBSP");

	r = norm("\302\240Seattle\302\240", &buf, &n, &f);
	is_str(r, "Seattle", "NBSP at the ends: made plain, then trimmed");
	is_int(f, NORM_NBSP | NORM_TRIM, "NORM_NBSP | NORM_TRIM");

	r = norm("ab\342\200\213cd\357\273\277e\342\200\215", &buf, &n, &f);
	is_str(r, "abcde", "zero-width space, BOM and ZWJ removed");
	is_int(n, 5, "length without them");
	is_int(f, NORM_ZEROWIDTH, "NORM_ZEROWIDTH only");

	r = norm("Cafe\314\201", &buf, &n, &f);
	is_str(r, "Caf\303\251", "NFD e + U+0301 becomes NFC U+00E9");
	is_int(n, 5, "NFC length");
	is_int(f, NORM_NFC, "NORM_NFC only");

	r = norm("\343\200\200\345\214\227\344\272\254\343\200\200", &buf, &n,
	    &f);
	is_str(r, "\345\214\227\344\272\254", "ideographic space U+3000 "
	    "trimmed at both ends");
	is_int(f, NORM_TRIM, "U+3000: NORM_TRIM");

	r = norm("\345\214\227\343\200\200\344\272\254", &buf, &n, &f);
	ok(r != buf.s && f == 0, "an inner U+3000 is kept, no copy");

	/* Canonical order of combining marks: U+302B (ccc 228) before
	 * U+302A (ccc 218) is not NFC. */
	r = norm("\344\270\200\343\200\253\343\200\252", &buf, &n, &f);
	is_str(r, "\344\270\200\343\200\252\343\200\253",
	    "ideographic tone marks are put in canonical order (NFC)");
	is_int(f, NORM_NFC, "reordered marks: NORM_NFC");

	r = norm(" e\314\201\302\240x\342\200\213 ", &buf, &n, &f);
	is_str(r, "\303\251 x", "all four kinds in one cell");
	is_int(f, NORM_TRIM | NORM_NBSP | NORM_ZEROWIDTH | NORM_NFC,
	    "all four bits");

	/* fixes is ORed into, never reset. */
	f = NORM_CASE;
	norm_text(" x", 2, &buf, &n, &f);
	is_int(f, NORM_CASE | NORM_TRIM, "bits are ORed into *fixes");
	norm_buf_free(&buf);
}

/*
 * Every code point that NFC changes on its own (singletons such as
 * U+212B ANGSTROM SIGN, composition exclusions) is normalized, whatever
 * shortcut norm_text takes for text that is already NFC.
 */
static void
test_nfc_singletons(void)
{
	struct norm_buf		 buf = { NULL, 0 };
	utf8proc_int32_t	 cp;
	utf8proc_uint8_t	*want;
	const char		*r;
	char			 in[8];
	size_t			 n, k, changed = 0, missed = 0;
	unsigned		 f;

	for (cp = 0x80; cp < 0x30000; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		k = utf8proc_encode_char(cp, (utf8proc_uint8_t *)in);
		in[k] = '\0';
		want = utf8proc_NFC((const utf8proc_uint8_t *)in);
		if (want != NULL && strcmp((char *)want, in) != 0) {
			changed++;
			f = 0;
			r = norm_text(in, k, &buf, &n, &f);
			if (strcmp(r, (char *)want) != 0 || !(f & NORM_NFC)) {
				if (missed++ < 5)
					printf("# U+%04X not normalized\n",
					    (unsigned)cp);
			}
		}
		free(want);
	}
	ok(changed > 1000 && missed == 0, "all %zu code points NFC changes "
	    "are normalized (%zu missed)", changed, missed);
	norm_buf_free(&buf);
}

static void
test_length_names(void)
{
	is_int(norm_length("abc", 3), 3, "ASCII: one per byte");
	is_int(norm_length("Caf\303\251", 5), 4,
	    "a 2-byte character counts once");
	is_int(norm_length("\345\214\227\344\272\254", 6), 2,
	    "3-byte characters count once");
	is_int(norm_length("\360\235\204\236!", 5), 2,
	    "4-byte character counts once");
	is_int(norm_length("e\314\201", 3), 2, "a combining mark is a code "
	    "point of its own");
	is_int(norm_length("", 0), 0, "empty");

	is_str(norm_kind_name(NORM_TRIM), "whitespace", "NORM_TRIM name");
	is_str(norm_kind_name(NORM_NBSP), "nbsp", "NORM_NBSP name");
	is_str(norm_kind_name(NORM_ZEROWIDTH), "zero-width",
	    "NORM_ZEROWIDTH name");
	is_str(norm_kind_name(NORM_NFC), "nfc", "NORM_NFC name");
	is_str(norm_kind_name(NORM_CASE), "case", "NORM_CASE name");
	is_str(norm_kind_name(NORM_FORMAT), "format", "NORM_FORMAT name");
	is_str(norm_kind_name(NORM_WIDTH), "width", "NORM_WIDTH name");
	is_int(1u << (NORM_NKINDS - 1), NORM_WIDTH,
	    "NORM_NKINDS covers the bits up to NORM_WIDTH");
}

/* norm_width on the NUL-terminated s. */
static const char *
width(const char *s, int postal, struct norm_buf *buf, unsigned *fixes)
{
	size_t	n;

	*fixes = 0;
	s = norm_width(s, strlen(s), postal, buf, &n, fixes);
	return n == strlen(s) ? s : "(length wrong)";
}

static void
test_width(void)
{
	static const char	 ascii[] = "03-1234-5678";
	struct norm_buf		 buf = { NULL, 0 };
	const char		*r;
	unsigned		 f;
	char			*own;

	r = width(ascii, 0, &buf, &f);
	ok(r == ascii && f == 0, "ASCII comes back as the same pointer");
	r = width("03 \345\206\205\347\267\232", 0, &buf, &f);
	ok(f == 0, "an ideograph is not a digit: unchanged (the rule names "
	    "it)");
	/* ０３－１２３４－５６７８ */
	is_str(width("\357\274\220\357\274\223\357\274\215\357\274\221"
	    "\357\274\222\357\274\223\357\274\224\357\274\215\357\274\225"
	    "\357\274\226\357\274\227\357\274\230", 0, &buf, &f),
	    "03-1234-5678", "full-width digits and hyphen-minus");
	is_int(f, NORM_WIDTH, "recorded as NORM_WIDTH");
	/* （０３）＋．／ U+3000 ― − ー */
	is_str(width("\357\274\210\357\274\220\357\274\223\357\274\211"
	    "\357\274\213\357\274\216\357\274\217\343\200\2001\342\200\225"
	    "2\342\210\2223\343\203\2744", 0, &buf, &f), "(03)+./ 1-2-3-4",
	    "brackets, plus, dot, slash, ideographic space, dashes");
	/* 〒１００－０００１, 〒 ＳＷ１Ａ　１ＡＡ */
	is_str(width("\343\200\222\357\274\221\357\274\220\357\274\220"
	    "\357\274\215\357\274\220\357\274\220\357\274\220\357\274\221",
	    1, &buf, &f), "100-0001", "postal code: the postal mark dropped");
	is_str(width("\343\200\222 \357\274\263\357\274\267\357\274\221"
	    "\357\274\241\343\200\200\357\274\221\357\274\241\357\274\241",
	    1, &buf, &f), "SW1A 1AA",
	    "postal code: the mark and its space dropped, letters made ASCII");
	is_str(width("1\343\200\222", 1, &buf, &f), "1\343\200\222",
	    "a postal mark not in front stays (the rule names it)");
	is_str(width("\343\200\2221", 0, &buf, &f), "\343\200\2221",
	    "a phone number keeps a postal mark (the rule names it)");
	is_str(width("\357\274\241", 0, &buf, &f), "\357\274\241",
	    "a phone number keeps a full-width letter (the rule names it)");
	own = strdup("\357\274\220\357\274\221");
	norm_buf_free(&buf);
	buf.s = own;
	buf.cap = strlen(own) + 1;
	r = width(own, 0, &buf, &f);
	ok(r == own && strcmp(r, "01") == 0, "built in place from its own "
	    "buffer");
	norm_buf_free(&buf);
}

static void
test_cut_fit(void)
{
	/* A + 北京 */
	static const char	 s[] = "A\345\214\227\344\272\254";
	char			 b[16];

	is_int(norm_cut(s, 7, 7), 7, "a string that fits is whole");
	is_int(norm_cut(s, 7, 6), 4, "a cut inside a character moves back");
	is_int(norm_cut(s, 7, 5), 4, "to the start of that character");
	is_int(norm_cut(s, 7, 4), 4, "a cut between characters stays");
	is_int(norm_cut(s, 7, 0), 0, "nothing");
	memcpy(b, s, 6);	/* what snprintf leaves in 7 bytes */
	b[6] = '\0';
	norm_fit(b);
	is_str(b, "A\345\214\227", "fit: half a character at the end goes");
	memcpy(b, s, 5);
	b[5] = '\0';
	norm_fit(b);
	is_str(b, "A\345\214\227", "fit: a lead byte alone at the end goes");
	strcpy(b, s);
	norm_fit(b);
	is_str(b, s, "fit: a whole string is untouched");
	strcpy(b, "ab\303");
	norm_fit(b);
	is_str(b, "ab", "fit: a 2-byte lead at the end goes");
	b[0] = '\0';
	norm_fit(b);
	is_str(b, "", "fit: empty");
}

int
main(void)
{
	test_unchanged();
	test_fixes();
	test_nfc_singletons();
	test_length_names();
	test_width();
	test_cut_fit();
	return done_testing();
}
