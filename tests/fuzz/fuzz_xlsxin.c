/*
 * fuzz_xlsxin.c: libFuzzer harness for the workbook reader (xlsxin.h):
 * the input is a zip, read through a memfd with small limits, every
 * record checked against the reader's contract. A mutated stored member
 * fails its CRC-32 only at its end, after its XML was parsed, but one of
 * the parts read at open stops the open: so the input is read twice, as
 * it is and with the CRCs of its stored members made right again. The
 * input's size modulo 4 picks --sheet: none, "2", "Sheet2", "Hidden".
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "charset.h"
#include "csvin.h"
#include "importer.h"
#include "xlsxin.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RECORDS	2000	/* then the callback stops the read */
#define STOP_CODE	99	/* the callback's own error */

struct state {
	unsigned long	 n, last_row;
	size_t		 width;
};

static int	 fd = -1;
static char	 path[64];
static const char *const sheets[] = { NULL, "2", "Sheet2", "Hidden" };

/* Nonzero if s is UTF-8. */
static int
utf8(const char *s)
{
	struct charset_utf8	u8;
	size_t			n = strlen(s);

	memset(&u8, 0, sizeof u8);
	return charset_utf8_check(&u8, (const unsigned char *)s, n) == n &&
	    !charset_utf8_open(&u8);
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct state	*st = arg;
	size_t		 i;

	if (rec->index != st->n)
		abort();	/* indexes count 0, 1, 2, ... */
	if (rec->index > 0 && rec->row <= st->last_row)
		abort();	/* rows go forward */
	if (rec->row == 0 || rec->row > XLSXIN_MAX_ROW || rec->line != rec->row)
		abort();
	if (rec->flags == NULL)
		abort();	/* a workbook's records have flags */
	if (rec->index == 0)
		st->width = rec->nfields;
	else if (rec->nfields < st->width)
		abort();	/* as wide as the header at least */
	for (i = 0; i < rec->nfields; i++) {
		if (rec->fields[i][rec->lens[i]] != '\0' ||
		    strlen(rec->fields[i]) != rec->lens[i])
			abort();	/* NUL-terminated at its length */
		if (!utf8(rec->fields[i]))
			abort();	/* not UTF-8 */
		if ((rec->flags[i] & XLSXIN_NOVALUE) && rec->lens[i] != 0)
			abort();	/* no value: empty */
		if (rec->flags[i] & ~(XLSXIN_ERROR | XLSXIN_NOVALUE |
		    XLSXIN_UNSURE | XLSXIN_NUMBER))
			abort();
	}
	st->n++;
	st->last_row = rec->row;
	if (st->n == MAX_RECORDS)
		return imp_errf(err, STOP_CODE, "enough");
	return 0;
}

/* A failure's message: terminated, naming the file, with its code. */
static void
check_err(const struct imp_err *err)
{
	if (memchr(err->msg, '\0', sizeof err->msg) == NULL)
		abort();
	if (err->code == STOP_CODE)
		return;
	if (err->code != IMP_EXIT_USAGE && err->code != IMP_EXIT_DATAERR &&
	    err->code != IMP_EXIT_NOINPUT)
		abort();
	if (strncmp(err->msg, path, strlen(path)) != 0 || !utf8(err->msg))
		abort();	/* naming the file, in UTF-8 */
}

static void
read_once(const uint8_t *data, size_t size)
{
	struct xlsxin_opts	 opts;
	struct xlsxin		*in;
	struct imp_err		 err;
	struct state		 st;
	size_t			 i;

	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();
	memset(&opts, 0, sizeof opts);
	opts.sheet = sheets[size % 4];
	opts.max_total = 256 << 10;	/* a 16 KB input can inflate past it */
	opts.max_entries = 64;
	opts.max_strings = 1000;
	opts.max_sst_bytes = 64 << 10;
	opts.max_cell = 1024;
	opts.max_cols = 64;
	opts.max_record = 4096;
	opts.max_token = 8 << 10;
	opts.max_depth = 16;
	memset(&err, 0, sizeof err);
	memset(&st, 0, sizeof st);

	in = xlsxin_open(path, &opts, &err);
	if (in == NULL) {
		check_err(&err);
		return;
	}
	if (strlen(xlsxin_sha256(in)) != 64 ||
	    xlsxin_size(in) != size)
		abort();
	if (xlsxin_read(in, on_record, &st, &err) == -1)
		check_err(&err);
	for (i = 0; i < xlsxin_nwarnings(in); i++)
		if (!utf8(xlsxin_warning(in, i)))
			abort();
	if (xlsxin_warning(in, i) != NULL)
		abort();
	xlsxin_close(in);
}

static uint32_t
crc32_of(const uint8_t *p, size_t n)
{
	uint32_t	c = 0xffffffff;
	int		k;

	while (n-- > 0) {
		c ^= *p++;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
	}
	return ~c;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8 & 0xff;
	p[2] = v >> 16 & 0xff;
	p[3] = v >> 24 & 0xff;
}

/*
 * Sets the CRC-32 of every stored member (local header and central
 * directory entry) to its data's. Returns nonzero if one changed.
 */
static int
fix_crcs(uint8_t *z, size_t n)
{
	size_t		 i, off, len;
	uint32_t	 crc;
	int		 changed = 0;

	for (i = 0; i + 46 <= n; i++) {
		if (memcmp(z + i, "PK\1\2", 4) != 0 || z[i + 10] != 0 ||
		    z[i + 11] != 0)
			continue;	/* a stored member's entry */
		off = get32(z + i + 42);
		if (off > n || n - off < 30 || memcmp(z + off, "PK\3\4", 4) != 0)
			continue;
		len = get32(z + i + 20);
		off += 30 + (size_t)(z[off + 26] | z[off + 27] << 8) +
		    (size_t)(z[off + 28] | z[off + 29] << 8);
		if (off > n || len > n - off)
			continue;
		crc = crc32_of(z + off, len);
		if (get32(z + i + 16) != crc) {
			put32(z + i + 16, crc);
			put32(z + get32(z + i + 42) + 14, crc);
			changed = 1;
		}
	}
	return changed;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct imp_err	 err;
	uint8_t		*copy;

	if (fd == -1) {
		fd = memfd_create("fuzz_xlsxin", 0);
		if (fd == -1) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	/* The sniffers staging runs on a file's first bytes. */
	memset(&err, 0, sizeof err);
	if (xlsxin_refuse_ole("f", data, size, &err) == -1 &&
	    (err.code != IMP_EXIT_DATAERR || strncmp(err.msg, "f: ", 3) != 0))
		abort();
	(void)xlsxin_is_zip(data, size);

	read_once(data, size);
	copy = xmalloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	if (fix_crcs(copy, size))
		read_once(copy, size);
	free(copy);
	return 0;
}
