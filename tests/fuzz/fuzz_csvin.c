/*
 * fuzz_csvin.c: libFuzzer harness for the CSV reader (csvin.h) with its
 * charset conversion, and the header mapping (colmap.h) of the first record.
 * The first input byte picks the options, the rest is the file: through a
 * memfd, so the product reads a path as it always does.
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
#include "colmap.h"
#include "csvin.h"
#include "importer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const encodings[] = {
	NULL, "UTF-8", "GB18030", "UTF-16LE", "CP932"
};
static const int delimiters[] = { 0, ',', ';', '\t', '|' };

/* A profile's [columns], as staging passes them. */
static const struct colmap_rule rules[] = {
	{ "Kunde", COL_CUSTOMER_ID },
	{ "Notes", COLMAP_IGNORE },
	{ "\xe5\x9f\x8e\xe5\xb8\x82", COL_CITY },	/* 城市 */
};

struct state {
	struct colmap	*cm;
	int		 with_rules;
	unsigned long	 last_line;
};

static int	 fd = -1;
static char	 path[64];

/* The reader's contract for one record, checked on every record. */
static void
check_record(const struct csvin_record *rec)
{
	struct charset_utf8	 u8;
	size_t			 i;

	for (i = 0; i < rec->nfields; i++) {
		if (rec->fields[i][rec->lens[i]] != '\0')
			abort();	/* not NUL-terminated at its length */
		memset(&u8, 0, sizeof u8);
		if (charset_utf8_check(&u8, (const unsigned char *)
		    rec->fields[i], rec->lens[i]) != rec->lens[i] ||
		    charset_utf8_open(&u8))
			abort();	/* a field that is not UTF-8 */
	}
}

static int
on_record(const struct csvin_record *rec, void *arg, struct imp_err *err)
{
	struct state	*st = arg;
	struct imp_err	 cerr;
	size_t		 i;

	(void)err;
	check_record(rec);
	if (rec->line < st->last_line)
		abort();	/* lines go forward */
	st->last_line = rec->line;
	if (rec->index > 0) {
		if (st->cm != NULL)
			for (i = 0; i < rec->nfields &&
			    i < colmap_ninput(st->cm); i++)
				(void)colmap_column(st->cm, i);
		return 0;
	}
	st->cm = colmap_new(rec->fields, rec->nfields,
	    st->with_rules ? rules : NULL,
	    st->with_rules ? sizeof rules / sizeof rules[0] : 0,
	    st->with_rules ? 1u << COL_EMAIL : 0, &cerr);
	if (st->cm == NULL)
		return 0;	/* keep reading: the reader is fuzzed too */
	for (i = 0; i < colmap_ninput(st->cm); i++)
		(void)strlen(colmap_header(st->cm, i));
	for (i = 0; i < COL_COUNT; i++)
		(void)colmap_input(st->cm, (int)i);
	return 0;
}

/*
 * Byte 0: encoding (mod 5), delimiter ((/ 5) mod 5), small limits (/ 25
 * odd) to reach the limit paths, profile rules (/ 50 odd).
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct csvin_opts	 opts;
	struct csvin		*in;
	struct imp_err		 err;
	struct state		 st;
	unsigned		 sel;

	if (size < 1)
		return 0;
	if (fd == -1) {
		fd = memfd_create("fuzz_csvin", 0);
		if (fd == -1) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	sel = data[0];
	data++;
	size--;
	if (ftruncate(fd, 0) == -1 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size)
		abort();

	memset(&opts, 0, sizeof opts);
	opts.encoding = encodings[sel % 5];
	opts.delimiter = delimiters[(sel / 5) % 5];
	if ((sel / 25) % 2) {
		opts.max_field = 64;
		opts.max_record = 256;
		opts.max_cols = 8;
	}
	memset(&st, 0, sizeof st);
	st.with_rules = (sel / 50) % 2;
	memset(&err, 0, sizeof err);

	in = csvin_open(path, &opts, &err);
	if (in != NULL) {
		if (csvin_read(in, on_record, &st, &err) == 0 &&
		    strlen(csvin_sha256(in)) != 64)
			abort();
		(void)csvin_encoding(in);
		(void)csvin_delimiter_name(csvin_delimiter(in));
		csvin_close(in);
	}
	if (memchr(err.msg, '\0', sizeof err.msg) == NULL)
		abort();
	colmap_free(st.cm);
	return 0;
}
