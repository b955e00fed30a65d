/*
 * test_charset.c: charset.h: what the first bytes of a file say, the
 * streaming UTF-8 validator, uchardet's guesses we trust, and the
 * streaming conversion to UTF-8.
 */
#include "config.h"

#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "../tap.h"

/* Nonzero if s is non-NULL and contains needle. */
static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/*
 * Converts in[0..len) from one charset to another with iconv(3), so the
 * fixtures are built from readable UTF-8 literals. Returns a newly
 * allocated buffer (caller frees) and its length in *outlen, or NULL.
 */
static char *
recode(const char *to, const char *from, const char *in, size_t len,
    size_t *outlen)
{
	iconv_t	 cd;
	char	*out, *ip, *op;
	size_t	 cap = len * 4 + 16, ileft = len, oleft = cap;

	cd = iconv_open(to, from);
	if (cd == (iconv_t)-1)
		return NULL;
	out = malloc(cap);
	ip = (char *)in;
	op = out;
	if (out == NULL || iconv(cd, &ip, &ileft, &op, &oleft) == (size_t)-1) {
		free(out);
		iconv_close(cd);
		return NULL;
	}
	iconv(cd, NULL, NULL, &op, &oleft);
	iconv_close(cd);
	*outlen = op - out;
	return out;
}

/* Returns a newly allocated string of s repeated until it has at least
 * min bytes; caller frees. */
static char *
repeat(const char *s, size_t min)
{
	size_t	 n = strlen(s), len = 0;
	char	*out = malloc(min + n + 1);

	if (out == NULL)
		return NULL;
	while (len < min) {
		memcpy(out + len, s, n);
		len += n;
	}
	out[len] = '\0';
	return out;
}

static void
sniff(const void *buf, size_t len, struct charset_sniff *sn)
{
	charset_sniff(buf, len, sn);
}

static void
test_sniff_bom(void)
{
	struct charset_sniff	sn;

	sniff("\357\273\277id,name\r\n", 12, &sn);
	is_str(sn.encoding, "UTF-8", "UTF-8 BOM: encoding");
	is_int(sn.bom_len, 3, "UTF-8 BOM: 3 bytes to skip");
	ok(sn.binary == NULL, "UTF-8 BOM: not binary");

	sniff("\377\376i\0d\0", 6, &sn);
	is_str(sn.encoding, "UTF-16LE", "UTF-16LE BOM: encoding");
	is_int(sn.bom_len, 2, "UTF-16LE BOM: 2 bytes to skip");

	sniff("\376\377\0i\0d", 6, &sn);
	is_str(sn.encoding, "UTF-16BE", "UTF-16BE BOM: encoding");
	is_int(sn.bom_len, 2, "UTF-16BE BOM: 2 bytes to skip");

	/* FF FE 00 00 starts like the UTF-16LE mark: UTF-32 must win. */
	sniff("\377\376\0\0i\0\0\0", 8, &sn);
	is_str(sn.encoding, "UTF-32LE", "UTF-32LE BOM: encoding");
	is_int(sn.bom_len, 4, "UTF-32LE BOM: 4 bytes to skip");

	sniff("\0\0\376\377\0\0\0i", 8, &sn);
	is_str(sn.encoding, "UTF-32BE", "UTF-32BE BOM: encoding");
	is_int(sn.bom_len, 4, "UTF-32BE BOM: 4 bytes to skip");

	sniff("id,name\n1,Contoso\n", 18, &sn);
	ok(sn.encoding == NULL && sn.bom_len == 0 && sn.binary == NULL,
	    "plain ASCII: no encoding claimed, no BOM, not binary");

	sniff("", 0, &sn);
	ok(sn.encoding == NULL && sn.bom_len == 0 && sn.binary == NULL,
	    "empty buffer: nothing claimed");
}

static void
test_sniff_utf16_nobom(void)
{
	static const char	 text[] =
	    "customer_id\tcompany_name\r\n1f4e2b7c\tContoso\r\n";
	struct charset_sniff	 sn;
	unsigned char		 le[2 * sizeof text], be[2 * sizeof text];
	size_t			 i, n = sizeof text - 1;

	for (i = 0; i < n; i++) {
		le[2 * i] = text[i];
		le[2 * i + 1] = 0;
		be[2 * i] = 0;
		be[2 * i + 1] = text[i];
	}
	sniff(le, 2 * n, &sn);
	is_str(sn.encoding, "UTF-16LE", "BOM-less UTF-16LE is recognized");
	is_int(sn.bom_len, 0, "BOM-less UTF-16LE: nothing to skip");
	ok(sn.binary == NULL, "BOM-less UTF-16LE: its NULs are not binary");

	sniff(be, 2 * n, &sn);
	is_str(sn.encoding, "UTF-16BE", "BOM-less UTF-16BE is recognized");
	is_int(sn.bom_len, 0, "BOM-less UTF-16BE: nothing to skip");
	ok(sn.binary == NULL, "BOM-less UTF-16BE: its NULs are not binary");

	/* A short file: "id,name\n1,a\n" is 24 bytes in UTF-16. The check
	 * starts at 8 bytes, so 24 must do. */
	sniff(le, 24, &sn);
	is_str(sn.encoding, "UTF-16LE", "24 bytes of BOM-less UTF-16LE are "
	    "recognized");
	ok(sn.binary == NULL, "and are not called binary: %s",
	    sn.binary ? sn.binary : "(null)");
	sniff(be, 24, &sn);
	is_str(sn.encoding, "UTF-16BE", "24 bytes of BOM-less UTF-16BE are "
	    "recognized");
}

static void
test_sniff_binary(void)
{
	static const char	 xlsx[] = "PK\003\004\024\0\006\0\010\0"
	    "\0\0!\0[Content_Types].xml....xl/workbook.xml";
	static const char	 ods[] = "PK\003\004\024\0\0\010\0\0"
	    "mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
	static const char	 zip[] = "PK\003\004\024\0\0\0\010\0"
	    "notes.txt and other things";
	static const char	 xls[] = "\320\317\021\340\241\261\032\341"
	    "\0\0\0\0\0\0\0\0";
	struct charset_sniff	 sn;
	unsigned char		 buf[1000];
	size_t			 i;

	sniff(xlsx, sizeof xlsx - 1, &sn);
	ok(has(sn.binary, "Excel workbook (XLSX)"),
	    "a zip with xl/ is an Excel workbook: %s",
	    sn.binary ? sn.binary : "(null)");
	ok(sn.encoding == NULL, "XLSX: no text encoding claimed");

	sniff(ods, sizeof ods - 1, &sn);
	ok(has(sn.binary, "OpenDocument spreadsheet"),
	    "a zip with the ODS mimetype is an ODS file: %s",
	    sn.binary ? sn.binary : "(null)");

	sniff(zip, sizeof zip - 1, &sn);
	ok(has(sn.binary, "ZIP archive"), "any other zip is a ZIP archive: %s",
	    sn.binary ? sn.binary : "(null)");

	sniff(xls, sizeof xls - 1, &sn);
	ok(has(sn.binary, "Excel 97-2003 workbook (XLS)"),
	    "OLE2 magic is an XLS workbook: %s",
	    sn.binary ? sn.binary : "(null)");

	sniff("%PDF-1.7\n%\342\343\317\323\n", 15, &sn);
	ok(has(sn.binary, "PDF"), "%%PDF- is a PDF document: %s",
	    sn.binary ? sn.binary : "(null)");

	sniff("\037\213\010\0\0\0\0\0\0\003", 10, &sn);
	ok(has(sn.binary, "gzip"), "1F 8B is a gzip archive: %s",
	    sn.binary ? sn.binary : "(null)");

	/* Text with NULs scattered over odd and even offsets. */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = 'a' + i % 26;
	for (i = 0; i < 60; i++)
		buf[i * 16 + i % 2] = 0;
	sniff(buf, sizeof buf, &sn);
	ok(has(sn.binary, "NUL"), "many NULs: binary: %s",
	    sn.binary ? sn.binary : "(null)");
	ok(sn.encoding == NULL, "many scattered NULs are not UTF-16");

	/* One stray NUL is a damaged cell, not a binary file. */
	for (i = 0; i < sizeof buf; i++)
		buf[i] = i % 40 == 39 ? '\n' : 'a' + i % 26;
	buf[500] = 0;
	sniff(buf, sizeof buf, &sn);
	ok(sn.binary == NULL, "a single NUL in 1000 bytes is not binary");
	ok(sn.encoding == NULL, "a single NUL in 1000 bytes is not UTF-16");
}

static size_t
check_all(const char *s, size_t len, struct charset_utf8 *st)
{
	memset(st, 0, sizeof *st);
	return charset_utf8_check(st, (const unsigned char *)s, len);
}

static void
test_utf8_check(void)
{
	/* é (2 bytes), € (3), 𝄞 U+1D11E (4), U+10FFFF (4) */
	static const char	 valid[] =
	    "plain, caf\303\251, \342\202\254 5, \360\235\204\236, "
	    "\364\217\277\277 end";
	struct charset_utf8	 st;
	char			 buf[64];
	size_t			 r;

	r = check_all(valid, sizeof valid - 1, &st);
	is_int(r, sizeof valid - 1, "valid 2-, 3- and 4-byte sequences");
	ok(!charset_utf8_open(&st), "valid text leaves no open sequence");

	is_int(check_all("ab\300\200cd", 6, &st), 2,
	    "overlong C0 80 rejected at its first byte");
	is_int(check_all("ab\340\200\257", 5, &st), 2,
	    "overlong 3-byte E0 80 AF rejected at its first byte");
	is_int(check_all("abc\360\200\200\257", 7, &st), 3,
	    "overlong 4-byte F0 80 80 AF rejected at its first byte");
	is_int(check_all("x\355\240\200y", 5, &st), 1,
	    "surrogate ED A0 80 (U+D800) rejected at its first byte");
	is_int(check_all("xy\364\220\200\200", 6, &st), 2,
	    "F4 90 80 80 (> U+10FFFF) rejected at its first byte");
	is_int(check_all("abc\200def", 7, &st), 3,
	    "stray continuation byte rejected where it is");
	is_int(check_all("a\342\202z", 4, &st), 1,
	    "a sequence cut short by ASCII is rejected at its lead byte");
	is_int(check_all("ok \377", 4, &st), 3, "0xFF is never UTF-8");
	is_int(check_all("ok \365\200\200\200", 7, &st), 3,
	    "F5 lead byte is never UTF-8");

	/* The ASCII fast path reads 8 bytes at a time: the offset must
	 * still be exact past it. */
	memset(buf, 'a', sizeof buf);
	buf[21] = '\200';
	is_int(check_all(buf, sizeof buf, &st), 21,
	    "bad byte after a long ASCII run: exact offset");
	memset(buf, 'a', sizeof buf);
	memcpy(buf + 16, "\303\251", 2);
	buf[40] = '\300';
	is_int(check_all(buf, sizeof buf, &st), 40,
	    "bad byte after ASCII and a valid sequence: exact offset");

	/* € split across two calls. */
	memset(&st, 0, sizeof st);
	r = charset_utf8_check(&st, (const unsigned char *)"ab\342\202", 4);
	is_int(r, 4, "first half of a split sequence is not an error");
	ok(charset_utf8_open(&st), "the split sequence is open");
	r = charset_utf8_check(&st, (const unsigned char *)"\254cd", 3);
	is_int(r, 3, "second half completes the sequence");
	ok(!charset_utf8_open(&st), "nothing open after the sequence ends");

	/* 𝄞 split 1 + 3. */
	memset(&st, 0, sizeof st);
	r = charset_utf8_check(&st, (const unsigned char *)"\360", 1);
	is_int(r, 1, "a 4-byte lead alone is not an error yet");
	r = charset_utf8_check(&st, (const unsigned char *)"\235\204\236!", 4);
	is_int(r, 4, "4-byte sequence split 1+3 is accepted");
	ok(!charset_utf8_open(&st), "and is closed");

	/* A split sequence broken in the second call. */
	memset(&st, 0, sizeof st);
	charset_utf8_check(&st, (const unsigned char *)"ab\342", 3);
	r = charset_utf8_check(&st, (const unsigned char *)"zz", 2);
	is_int(r, 0, "a split sequence broken in the next call: offset 0");

	/* The stream ends inside a sequence. */
	memset(&st, 0, sizeof st);
	r = charset_utf8_check(&st, (const unsigned char *)"end\303", 4);
	ok(r == 4 && charset_utf8_open(&st),
	    "a truncated final sequence is reported as open");
}

/* uchardet needs a few KB of text to be sure. */
static void
test_detect(void)
{
	static const char	 zh[] =
	    "客户名称：北京市海淀区中关村大街二十七号，联系人张伟，"
	    "电话号码变更，公司地址更新，请核对账单信息。";
	static const char	 ja[] =
	    "株式会社サンプル、東京都千代田区丸の内一丁目、担当者は"
	    "山田太郎です。請求先の住所と電話番号を変更してください。";
	static const char	 fr[] =
	    "Société Générale, 12 rue de la Paix, à côté de l'église; "
	    "la facture est envoyée à l'adresse précédente, très "
	    "élégante, où le garçon a reçu les données. ";
	const char		*enc, *named;
	char			*u8, *bytes;
	size_t			 len;

	u8 = repeat(zh, 4096);
	bytes = recode("GB18030", "UTF-8", u8, strlen(u8), &len);
	ok(bytes != NULL, "iconv made GB18030 test text");
	if (bytes != NULL) {
		named = NULL;
		enc = charset_detect((unsigned char *)bytes, len, &named);
		is_str(enc, "GB18030", "Chinese GB18030 text is GB18030 "
		    "(uchardet said %s)", named ? named : "(null)");
		ok(named != NULL && *named != '\0',
		    "uchardet's own name is reported for GB18030");
	}
	free(bytes);
	free(u8);

	u8 = repeat(ja, 4096);
	bytes = recode("SHIFT_JIS", "UTF-8", u8, strlen(u8), &len);
	ok(bytes != NULL, "iconv made Shift_JIS test text");
	if (bytes != NULL) {
		named = NULL;
		enc = charset_detect((unsigned char *)bytes, len, &named);
		is_str(enc, "CP932", "Japanese Shift_JIS text converts as "
		    "CP932 (uchardet said %s)", named ? named : "(null)");
	}
	free(bytes);
	free(u8);

	u8 = repeat(fr, 4096);
	bytes = recode("WINDOWS-1252", "UTF-8", u8, strlen(u8), &len);
	ok(bytes != NULL, "iconv made Windows-1252 test text");
	if (bytes != NULL) {
		named = NULL;
		enc = charset_detect((unsigned char *)bytes, len, &named);
		ok(enc == NULL, "a single-byte guess is not trusted: %s",
		    enc ? enc : "(null)");
		ok(named != NULL && *named != '\0',
		    "but uchardet's guess is still named: '%s'",
		    named ? named : "(null)");
	}
	free(bytes);
	free(u8);
}

/* Feeds in[0..len) as the chunks cut at cuts[0..ncuts), last at the end. */
static int
feed_cut(struct charset_conv *cv, const char *in, size_t len,
    const size_t *cuts, size_t ncuts, char **out, size_t *outlen,
    size_t *outcap, size_t *bad)
{
	size_t	i, from = 0, to;

	for (i = 0; i <= ncuts; i++) {
		to = i < ncuts ? cuts[i] : len;
		if (charset_conv_feed(cv, (const unsigned char *)in + from,
		    to - from, i == ncuts, out, outlen, outcap, bad) == -1)
			return -1;
		from = to;
	}
	return 0;
}

static void
test_conv(void)
{
	static const char	 zh[] = "北京市海淀区中关村 ©, 100080; ";
	struct charset_conv	*cv;
	struct imp_err		 err;
	char			*u8, *gb, *out = NULL;
	size_t			 gblen, outlen = 0, outcap = 0, bad, k;
	size_t			 cuts[1];
	int			 rc, all;

	memset(&err, 0, sizeof err);
	cv = charset_conv_new("NO-SUCH-CHARSET-9", &err);
	ok(cv == NULL, "an unknown encoding name is refused");
	is_int(err.code, 64, "unknown encoding: usage error");
	ok(has(err.msg, "NO-SUCH-CHARSET-9"), "the message names it: %s",
	    err.msg);

	/* Round trip of a long text in one feed. */
	u8 = repeat(zh, 20000);
	gb = recode("GB18030", "UTF-8", u8, strlen(u8), &gblen);
	cv = charset_conv_new("GB18030", &err);
	ok(cv != NULL && gb != NULL, "GB18030 converter and text");
	if (cv != NULL && gb != NULL) {
		rc = charset_conv_feed(cv, (unsigned char *)gb, gblen, 1,
		    &out, &outlen, &outcap, &bad);
		is_int(rc, 0, "GB18030 converts");
		ok(outlen == strlen(u8) && memcmp(out, u8, outlen) == 0,
		    "GB18030 -> UTF-8 gives back the original text "
		    "(%zu bytes, want %zu)", outlen, strlen(u8));
	}
	charset_conv_free(cv);

	/* Every cut point, including inside 2- and 4-byte sequences
	 * (© is 81 30 84 38 in GB18030). */
	free(gb);
	gb = recode("GB18030", "UTF-8", zh, strlen(zh), &gblen);
	all = gb != NULL;
	for (k = 1; gb != NULL && k < gblen; k++) {
		cv = charset_conv_new("GB18030", &err);
		outlen = 0;
		cuts[0] = k;
		rc = feed_cut(cv, gb, gblen, cuts, 1, &out, &outlen, &outcap,
		    &bad);
		if (rc != 0 || outlen != strlen(zh) ||
		    memcmp(out, zh, outlen) != 0) {
			all = 0;
			printf("# cut at byte %zu differs\n", k);
		}
		charset_conv_free(cv);
	}
	ok(all, "a GB18030 text split at any byte converts the same");

	/* Two-byte 中 (D6 D0) split between feeds. */
	cv = charset_conv_new("GB18030", &err);
	outlen = 0;
	rc = charset_conv_feed(cv, (const unsigned char *)"ab\326", 3, 0,
	    &out, &outlen, &outcap, &bad);
	is_int(rc, 0, "a feed ending inside a character is not an error");
	ok(outlen == 2 && memcmp(out, "ab", 2) == 0,
	    "only the complete characters are out after the first feed");
	rc = charset_conv_feed(cv, (const unsigned char *)"\320cd", 3, 1,
	    &out, &outlen, &outcap, &bad);
	is_int(rc, 0, "the next feed completes it");
	ok(outlen == 7 && memcmp(out, "ab\344\270\255cd", 7) == 0,
	    "the split character converts to U+4E2D");
	charset_conv_free(cv);

	/* Invalid bytes: the offset in this feed's input. */
	cv = charset_conv_new("GB18030", &err);
	outlen = 0;
	bad = 999;
	rc = charset_conv_feed(cv, (const unsigned char *)"abc\377def", 7, 1,
	    &out, &outlen, &outcap, &bad);
	is_int(rc, -1, "0xFF in GB18030 does not convert");
	is_int(bad, 3, "*bad is the offset of the 0xFF");
	charset_conv_free(cv);

	/* ... also when a carried sequence is joined in front of it. */
	cv = charset_conv_new("GB18030", &err);
	outlen = 0;
	charset_conv_feed(cv, (const unsigned char *)"x\326", 2, 0, &out,
	    &outlen, &outcap, &bad);
	bad = 999;
	rc = charset_conv_feed(cv, (const unsigned char *)"\320yz\377!", 5, 1,
	    &out, &outlen, &outcap, &bad);
	is_int(rc, -1, "invalid byte after a carried sequence fails");
	is_int(bad, 3, "*bad counts from this feed's input, not the carry");
	charset_conv_free(cv);

	/* A sequence still open when the last feed ends. */
	cv = charset_conv_new("GB18030", &err);
	outlen = 0;
	rc = charset_conv_feed(cv, (const unsigned char *)"ab\326", 3, 1,
	    &out, &outlen, &outcap, &bad);
	is_int(rc, -1, "a truncated character at the very end fails");
	is_int(bad, 2, "*bad points at the truncated character");
	charset_conv_free(cv);

	/* UTF-16LE, split inside a code unit and inside a surrogate pair. */
	cv = charset_conv_new("UTF-16LE", &err);
	outlen = 0;
	rc = charset_conv_feed(cv, (const unsigned char *)"i\0d\0\351", 5, 0,
	    &out, &outlen, &outcap, &bad);
	rc |= charset_conv_feed(cv, (const unsigned char *)"\0\064\330", 3,
	    0, &out, &outlen, &outcap, &bad);
	rc |= charset_conv_feed(cv, (const unsigned char *)"\036\335,\0", 4,
	    1, &out, &outlen, &outcap, &bad);
	is_int(rc, 0, "UTF-16LE in odd-sized feeds converts");
	ok(outlen == 9 && memcmp(out, "id\303\251\360\235\204\236,", 9) == 0,
	    "UTF-16LE 'id\\u00e9\\U0001D11E,' comes out as UTF-8");
	charset_conv_free(cv);

	cv = charset_conv_new("UTF-16LE", &err);
	outlen = 0;
	rc = charset_conv_feed(cv, (const unsigned char *)"a\0\0\334b\0", 6,
	    1, &out, &outlen, &outcap, &bad);
	is_int(rc, -1, "UTF-16LE lone low surrogate does not convert");
	is_int(bad, 2, "*bad points at the lone surrogate");
	charset_conv_free(cv);

	free(out);
	free(gb);
	free(u8);
}

/* charset_cjk_guess on the NUL-terminated s. */
static const char *
cjk(const char *s)
{
	const char	*r = charset_cjk_guess((const unsigned char *)s,
			    strlen(s));

	return r != NULL ? r : "(none)";
}

static void
test_cjk_guess(void)
{
	/* 東京 and 東京都港区 in CP932 */
	is_str(cjk("id,\223\214\213\236,JP"), "CP932",
	    "two kanji in CP932 read as Japanese");
	is_str(cjk("x,\223\214\213\236\223\163\215\140\213\346\n"),
	    "CP932", "kanji with ASCII-range trail bytes");
	/* 北京 in GB18030 */
	is_str(cjk("id,\261\261\276\251,CN"), "GB18030",
	    "two hanzi in the GB2312 area read as Chinese");
	/* Köln, Gérard, Café in Windows-1252 */
	is_str(cjk("K\366ln"), "(none)", "o-umlaut: neither");
	is_str(cjk("G\351rard C\364t\351,"), "(none)",
	    "a lone 'kanji' between Latin letters is an accent: neither");
	is_str(cjk("Caf\351 "), "(none)", "an accent before a space: neither");
	/* ｱｲｳｴ in CP932: half-width katakana */
	is_str(cjk("\261\262\263\264"), "GB18030",
	    "bytes that are half-width katakana in CP932 are not Japanese");
	is_str(cjk("a,\223\214,b"), "(none)", "one character alone: neither");
	is_str(cjk("plain"), "(none)", "ASCII: neither");
}

int
main(void)
{
	test_sniff_bom();
	test_sniff_utf16_nobom();
	test_sniff_binary();
	test_utf8_check();
	test_detect();
	test_conv();
	test_cjk_guess();
	return done_testing();
}
