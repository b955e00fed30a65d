/*
 * csvin.c: the CSV reader. Bytes flow read() -> SHA-256 -> charset check or
 * conversion to UTF-8 -> line splitter -> libcsv (strict) -> records. The
 * splitter feeds libcsv one physical line at a time, which is how a record
 * learns the line it starts on (libcsv itself counts no lines).
 */
#include "config.h"

#include "csvin.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>
#include <openssl/evp.h>

#include "charset.h"
#include "hex.h"
#include "xmalloc.h"

#define CSVIN_CHUNK	(256 * 1024)
#define CSVIN_SNIFF_LINES 50
#define CSVIN_CSV_OPTS	(CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)

struct csvin {
	char			*path;
	int			 fd;
	uint64_t		 size;
	uint64_t		 offset;	/* raw bytes read so far */
	struct csvin_opts	 opts;

	char			 encoding[64];
	int			 bom;
	int			 detected;
	int			 preferred;	/* read in opts.prefer */
	int			 utf8;		/* validate, don't convert */
	struct charset_utf8	 u8;
	struct charset_conv	*conv;
	int			 delimiter;
	int			 sniffed;

	unsigned char		*raw;		/* one chunk as read */
	size_t			 rawlen;
	int			 have_first;	/* raw holds the first chunk */
	size_t			 skip;		/* BOM bytes to skip */
	char			*dec;		/* converted chunk */
	size_t			 declen, deccap;

	EVP_MD_CTX		*md;
	char			 sha256[65];

	/* Line splitter and record assembly. */
	struct csv_parser	 parser;
	unsigned long		 line;		/* line being fed */
	int			 pending_cr;
	int			 at_start;	/* no record open */
	unsigned long		 rec_line;
	unsigned long		 rec_index;
	unsigned long		 unshown;	/* lines no row: sep=, breaks
						   inside quoted cells */
	char			*arena;
	size_t			 arenalen, arenacap;
	size_t			*offs, *lens;
	const char		**fields;
	size_t			 nfields, fieldcap;
	int			 failed;
	struct imp_err		*err;
	csvin_fn		 fn;
	void			*arg;
};

/* libcsv's buffer may not grow past this; set by csvin_read. */
static size_t csvin_field_limit = CSVIN_MAX_FIELD;

static void *
csvin_realloc(void *p, size_t size)
{
	if (size > csvin_field_limit + 4096 + 1)
		return NULL;
	return realloc(p, size);
}

static int
csvin_nospace(unsigned char c)
{
	(void)c;
	return 0;	/* keep every space: normalization is ours to report */
}

const char *
csvin_delimiter_name(int d)
{
	static char	buf[8];

	switch (d) {
	case '\t':
		return "tab";
	case ',':
		return "','";
	case ';':
		return "';'";
	case '|':
		return "'|'";
	}
	snprintf(buf, sizeof buf, "'%c'", d);
	return buf;
}

static ssize_t
read_full(int fd, unsigned char *buf, size_t len)
{
	size_t	got = 0;
	ssize_t	n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* Counts line breaks (LF, CRLF or lone CR) in buf[0..n). */
static unsigned long
count_lines(const char *buf, size_t n)
{
	unsigned long	lines = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n')
			lines++;
		else if (buf[i] == '\r' && (i + 1 >= n || buf[i + 1] != '\n'))
			lines++;
	}
	return lines;
}

static void
upper(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z')
			*s -= 'a' - 'A';
}

static int
is_utf8_name(const char *e)
{
	return strcmp(e, "UTF-8") == 0 || strcmp(e, "UTF8") == 0;
}

/*
 * Nonzero if the first chunk converts cleanly from enc (a sequence cut by
 * the chunk's end aside).
 */
static int
converts(const struct csvin *in, const char *enc)
{
	struct charset_conv	*cv;
	struct imp_err		 e;
	char			*out = NULL;
	size_t			 outlen = 0, outcap = 0, bad;
	int			 ok;

	if ((cv = charset_conv_new(enc, &e)) == NULL)
		return 0;
	ok = charset_conv_feed(cv, in->raw, in->rawlen, in->rawlen <
	    CSVIN_CHUNK, &out, &outlen, &outcap, &bad) == 0;
	charset_conv_free(cv);
	free(out);
	return ok;
}

/* The encodings a refusal names, the likeliest first (cjk: what
 * charset_cjk_guess said). */
static const char *
suggested(const char *cjk)
{
	if (cjk == NULL)
		return "WINDOWS-1252 (Excel on Western Windows), GB18030 "
		    "(Chinese) or CP932 (Japanese)";
	if (strcmp(cjk, "CP932") == 0)
		return "CP932 (Japanese), GB18030 (Chinese) or WINDOWS-1252 "
		    "(Excel on Western Windows)";
	return "GB18030 (Chinese), CP932 (Japanese) or WINDOWS-1252 "
	    "(Excel on Western Windows)";
}

/* Decides the charset from the first chunk; fills in->encoding. */
static int
choose_charset(struct csvin *in, struct imp_err *err)
{
	struct charset_sniff	 sn;
	const char		*guess, *named;
	char			 want[64];
	size_t			 bad;
	unsigned long		 line;

	charset_sniff(in->raw, in->rawlen, &sn);
	if (sn.binary != NULL)
		return imp_errf(err, IMP_EXIT_DATAERR,
		    "%s: this is %s, not a CSV file; open it in a "
		    "spreadsheet and save it as CSV UTF-8 (in Excel: File > "
		    "Save As > \"CSV UTF-8 (Comma delimited)\"; in LibreOffice: "
		    "File > Save As > Text CSV, character set UTF-8)",
		    in->path, sn.binary);

	if (in->opts.encoding != NULL) {
		snprintf(want, sizeof want, "%s", in->opts.encoding);
		upper(want);
		if (strcmp(want, "UTF8") == 0)
			strcpy(want, "UTF-8");
		/* What Windows saves as Shift_JIS is Microsoft's superset
		 * (NEC and IBM extensions: 髙, ①); ～ is U+FF5E there. */
		if (strcmp(want, "SHIFT_JIS") == 0 ||
		    strcmp(want, "SHIFT-JIS") == 0 || strcmp(want, "SJIS") == 0 ||
		    strcmp(want, "MS_KANJI") == 0)
			strcpy(want, "CP932");
		if (sn.bom_len > 0) {
			/* A BOM names its encoding; accept the family. */
			if (strncmp(want, sn.encoding, 5) != 0)
				return imp_errf(err, IMP_EXIT_DATAERR,
				    "%s: the file starts with a %s byte order "
				    "mark, but --encoding %s was given",
				    in->path, sn.encoding, in->opts.encoding);
			snprintf(want, sizeof want, "%s", sn.encoding);
			in->bom = 1;
			in->skip = sn.bom_len;
		}
	} else if (sn.encoding != NULL) {
		snprintf(want, sizeof want, "%s", sn.encoding);
		in->bom = sn.bom_len > 0;
		in->skip = sn.bom_len;
	} else {
		struct charset_utf8	u8;

		memset(&u8, 0, sizeof u8);
		bad = charset_utf8_check(&u8, in->raw, in->rawlen);
		if (bad == in->rawlen) {
			strcpy(want, "UTF-8");
		} else {
			guess = charset_detect(in->raw, in->rawlen, &named);
			/* Not for sure: the encoding the caller knows the
			 * files to be in (its fix-up CSV comes back in it). */
			if (guess == NULL && in->opts.prefer != NULL &&
			    converts(in, in->opts.prefer)) {
				guess = in->opts.prefer;
				in->preferred = 1;
			}
			if (guess == NULL) {
				/* Text that reads as Japanese or Chinese is
				 * not offered Windows-1252 first. */
				const char	*cjk, *pre, *what;

				cjk = charset_cjk_guess(in->raw, in->rawlen);
				pre = *named ? " (a guess: " : "";
				what = named;
				if (cjk != NULL) {
					pre = " (it reads as ";
					what = strcmp(cjk, "CP932") == 0 ?
					    "Japanese in CP932" :
					    "Chinese in GB18030";
				}
				line = 1 + count_lines((char *)in->raw, bad);
				return imp_errf(err, IMP_EXIT_DATAERR,
				    "%s:%lu: not valid UTF-8 (byte 0x%02x at "
				    "offset %zu), and the encoding cannot be "
				    "told for sure%s%s%s; name it with "
				    "--encoding: %s", in->path, line,
				    in->raw[bad], bad, pre, what,
				    *pre ? ")" : "", suggested(cjk));
			}
			snprintf(want, sizeof want, "%s", guess);
			in->detected = 1;
		}
	}

	if (is_utf8_name(want)) {
		strcpy(in->encoding, "UTF-8");
		in->utf8 = 1;
		return 0;
	}
	snprintf(in->encoding, sizeof in->encoding, "%s", want);
	in->conv = charset_conv_new(want, err);
	if (in->conv == NULL)
		return -1;
	return 0;
}

struct csvin *
csvin_open(const char *path, const struct csvin_opts *opts,
    struct imp_err *err)
{
	struct csvin	*in;
	struct stat	 sb;
	ssize_t		 n;
	int		 fd;

	/* A wrong option is a usage error, whatever the file holds. */
	if (opts->encoding != NULL) {
		struct charset_conv	*cv;

		if ((cv = charset_conv_new(opts->encoding, err)) == NULL)
			return NULL;
		charset_conv_free(cv);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s", path,
		    strerror(errno));
		return NULL;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s", path,
		    S_ISDIR(sb.st_mode) ? "is a folder" : "not a regular file");
		close(fd);
		return NULL;
	}

	in = xcalloc(1, sizeof *in);
	in->path = xstrdup(path);
	in->fd = fd;
	in->size = sb.st_size;
	in->opts = *opts;
	if (in->opts.max_field == 0)
		in->opts.max_field = CSVIN_MAX_FIELD;
	if (in->opts.max_record == 0)
		in->opts.max_record = CSVIN_MAX_RECORD;
	if (in->opts.max_cols == 0)
		in->opts.max_cols = CSVIN_MAX_COLS;
	in->raw = xmalloc(CSVIN_CHUNK);
	in->md = EVP_MD_CTX_new();
	if (in->md == NULL || EVP_DigestInit_ex(in->md, EVP_sha256(),
	    NULL) != 1) {
		imp_errf(err, IMP_EXIT_SOFTWARE, "SHA-256 unavailable");
		goto fail;
	}

	n = read_full(fd, in->raw, CSVIN_CHUNK);
	if (n == -1) {
		imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s", path,
		    strerror(errno));
		goto fail;
	}
	in->rawlen = n;
	in->have_first = 1;
	if (n == 0) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: the file is empty",
		    path);
		goto fail;
	}
	if (choose_charset(in, err) == -1)
		goto fail;

	if (opts->delimiter != 0) {
		if (opts->delimiter == '"' || opts->delimiter == '\r' ||
		    opts->delimiter == '\n') {
			imp_errf(err, IMP_EXIT_USAGE,
			    "--delimiter cannot be %s",
			    opts->delimiter == '"' ? "the quote" :
			    "a line break");
			goto fail;
		}
		in->delimiter = opts->delimiter;
	}
	return in;

fail:
	csvin_close(in);
	return NULL;
}

void
csvin_close(struct csvin *in)
{
	if (in == NULL)
		return;
	if (in->fd != -1)
		close(in->fd);
	charset_conv_free(in->conv);
	EVP_MD_CTX_free(in->md);
	free(in->raw);
	free(in->dec);
	free(in->arena);
	free(in->offs);
	free(in->lens);
	free(in->fields);
	free(in->path);
	free(in);
}

const char *
csvin_encoding(const struct csvin *in)
{
	return in->encoding;
}

int
csvin_bom(const struct csvin *in)
{
	return in->bom;
}

int
csvin_detected(const struct csvin *in)
{
	return in->detected;
}

int
csvin_preferred(const struct csvin *in)
{
	return in->preferred;
}

int
csvin_delimiter(const struct csvin *in)
{
	return in->delimiter;
}

int
csvin_delimiter_sniffed(const struct csvin *in)
{
	return in->sniffed;
}

uint64_t
csvin_size(const struct csvin *in)
{
	return in->size;
}

const char *
csvin_sha256(const struct csvin *in)
{
	return in->sha256;
}

/*
 * Picks the delimiter that splits the first lines of buf into the same
 * number of fields most often, quotes respected. Falls back to ','.
 */
static int
sniff_delimiter(const char *buf, size_t len, int at_eof)
{
	static const char	cands[] = { ',', ';', '\t', '|' };
	unsigned		counts[sizeof cands][CSVIN_SNIFF_LINES];
	unsigned		nlines = 0, k, l, best_score = 0, best_head = 0;
	size_t			i, start = 0;
	int			inq = 0, best = ',';

	memset(counts, 0, sizeof counts);
	for (i = 0; i < len && nlines < CSVIN_SNIFF_LINES; i++) {
		char	c = buf[i];

		if (c == '"')
			inq = !inq;
		else if (!inq && (c == '\n' || c == '\r')) {
			if (i > start)
				nlines++;
			if (c == '\r' && i + 1 < len && buf[i + 1] == '\n')
				i++;
			start = i + 1;
		} else if (!inq) {
			for (k = 0; k < sizeof cands; k++)
				if (c == cands[k])
					counts[k][nlines]++;
		}
	}
	if (at_eof && i == len && len > start && nlines < CSVIN_SNIFF_LINES)
		nlines++;
	if (nlines == 0)
		return ',';
	for (k = 0; k < sizeof cands; k++) {
		unsigned	head = counts[k][0], score = 0;

		if (head == 0)
			continue;
		for (l = 0; l < nlines; l++)
			if (counts[k][l] == head)
				score++;
		if (score > best_score ||
		    (score == best_score && head > best_head)) {
			best_score = score;
			best_head = head;
			best = cands[k];
		}
	}
	return best;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct csvin	*in = arg;

	if (in->failed)
		return;
	if (in->nfields >= in->opts.max_cols) {
		imp_errf(in->err, IMP_EXIT_DATAERR,
		    "%s:%lu: more than %zu columns in one record",
		    in->path, in->rec_line, in->opts.max_cols);
		in->failed = 1;
		return;
	}
	if (len > in->opts.max_field) {
		imp_errf(in->err, IMP_EXIT_DATAERR,
		    "%s:%lu: column %zu: a field longer than %zu bytes",
		    in->path, in->rec_line, in->nfields + 1,
		    in->opts.max_field);
		in->failed = 1;
		return;
	}
	if (in->arenalen + len + 1 > in->opts.max_record) {
		imp_errf(in->err, IMP_EXIT_DATAERR,
		    "%s:%lu: a record longer than %zu bytes",
		    in->path, in->rec_line, in->opts.max_record);
		in->failed = 1;
		return;
	}
	if (in->nfields == in->fieldcap) {
		in->fieldcap = in->fieldcap ? in->fieldcap * 2 : 32;
		in->offs = xreallocarray(in->offs, in->fieldcap,
		    sizeof *in->offs);
		in->lens = xreallocarray(in->lens, in->fieldcap,
		    sizeof *in->lens);
		in->fields = xreallocarray(in->fields, in->fieldcap,
		    sizeof *in->fields);
	}
	if (in->arenalen + len + 1 > in->arenacap) {
		in->arenacap = (in->arenalen + len + 1) * 2;
		in->arena = xreallocarray(in->arena, in->arenacap, 1);
	}
	if (len > 0)
		memcpy(in->arena + in->arenalen, data, len);
	in->arena[in->arenalen + len] = '\0';
	in->offs[in->nfields] = in->arenalen;
	in->lens[in->nfields] = len;
	in->nfields++;
	in->arenalen += len + 1;
}

static void
on_record(int c, void *arg)
{
	struct csvin		*in = arg;
	struct csvin_record	 rec;
	size_t			 i;

	(void)c;
	in->at_start = 1;
	if (in->failed)
		return;
	for (i = 0; i < in->nfields; i++)
		in->fields[i] = in->arena + in->offs[i];
	rec.line = in->rec_line;
	rec.row = in->rec_line - in->unshown;
	rec.index = in->rec_index++;
	/* The record ends on the line being fed: the breaks in between were
	 * inside its cells, which a spreadsheet shows as one row. */
	in->unshown += in->line - in->rec_line;
	rec.nfields = in->nfields;
	rec.fields = in->fields;
	rec.lens = in->lens;
	rec.flags = NULL;
	if (in->fn(&rec, in->arg, in->err) == -1)
		in->failed = 1;
	in->nfields = 0;
	in->arenalen = 0;
}

static int
parse_error(struct csvin *in)
{
	int	e = csv_error(&in->parser);

	if (e == CSV_ENOMEM)
		return imp_errf(in->err, IMP_EXIT_DATAERR,
		    "%s:%lu: a field longer than %zu bytes (is a quote "
		    "missing its closing quote?)", in->path, in->rec_line,
		    in->opts.max_field);
	return imp_errf(in->err, IMP_EXIT_DATAERR,
	    "%s:%lu: malformed CSV at line %lu, in the record starting on "
	    "line %lu: %s (a quote inside a quoted field must be doubled, "
	    "and a quoted field must end with a quote followed by %s or the "
	    "end of the line)", in->path, in->rec_line,
	    in->line > in->rec_line ? in->line : in->rec_line, in->rec_line,
	    csv_strerror(e), csvin_delimiter_name(in->delimiter));
}

/*
 * Feeds one segment to libcsv. A quote inside an unquoted field (12" pipe)
 * is the one strict-mode error with a single reading: it is taken
 * literally, as Excel reads it. Everything else malformed is refused.
 */
static int
parse_segment(struct csvin *in, const char *buf, size_t len)
{
	size_t	n;

	while (len > 0) {
		n = csv_parse(&in->parser, buf, len, on_field, on_record, in);
		if (in->failed)
			return -1;
		if (n == len)
			break;
		if (csv_error(&in->parser) != CSV_EPARSE || buf[n] != '"' ||
		    in->parser.quoted)
			return parse_error(in);
		csv_set_opts(&in->parser, CSVIN_CSV_OPTS & ~CSV_STRICT);
		csv_parse(&in->parser, buf + n, 1, on_field, on_record, in);
		csv_set_opts(&in->parser, CSVIN_CSV_OPTS);
		buf += n + 1;
		len -= n + 1;
	}
	return 0;
}

/* Splits buf into physical lines and feeds them to libcsv. */
static int
feed(struct csvin *in, const char *buf, size_t len)
{
	const char	*end = buf + len, *nl = NULL, *cr;
	size_t		 k, seg;

	while (len > 0) {
		if (in->pending_cr) {
			in->pending_cr = 0;
			if (buf[0] != '\n')
				in->line++;
		}
		/* The next LF, found once per LF (memchr), then a CR before
		 * it: lines of CRLF, LF or CR files at memchr's speed. */
		if (nl == NULL || nl < buf) {
			nl = memchr(buf, '\n', len);
			if (nl == NULL)
				nl = end;
		}
		cr = memchr(buf, '\r', nl - buf);
		k = (cr != NULL ? cr : nl) - buf;
		seg = k < len ? k + 1 : len;
		if (in->at_start && k > 0) {
			in->at_start = 0;
			in->rec_line = in->line;
		}
		if (parse_segment(in, buf, seg) == -1)
			return -1;
		if (k < len) {
			if (buf[k] == '\n')
				in->line++;
			else
				in->pending_cr = 1;
		}
		buf += seg;
		len -= seg;
	}
	return 0;
}

/* Recognizes Excel's "sep=;" first line; returns bytes to skip. */
static size_t
sep_line(const char *buf, size_t len, int *delim)
{
	size_t	n;

	if (len < 5 || strncasecmp(buf, "sep=", 4) != 0)
		return 0;
	n = 5;
	if (n < len && buf[n] == '\r')
		n++;
	if (n < len && buf[n] == '\n')
		n++;
	if (n < len && n == 5)
		return 0;
	*delim = (unsigned char)buf[4];
	return n;
}

int
csvin_read(struct csvin *in, csvin_fn fn, void *arg, struct imp_err *err)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen;
	const char	*data;
	size_t		 len, bad, skip;
	ssize_t		 n;
	int		 first = 1, last, rc = -1, delim = 0;

	in->fn = fn;
	in->arg = arg;
	in->err = err;
	in->line = 1;
	in->at_start = 1;
	csvin_field_limit = in->opts.max_field;
	if (csv_init(&in->parser, CSVIN_CSV_OPTS) != 0)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "csv_init failed");
	csv_set_realloc_func(&in->parser, csvin_realloc);
	csv_set_space_func(&in->parser, csvin_nospace);
	csv_set_blk_size(&in->parser, 4096);

	for (;;) {
		if (!in->have_first) {
			n = read_full(in->fd, in->raw, CSVIN_CHUNK);
			if (n == -1) {
				imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s",
				    in->path, strerror(errno));
				goto out;
			}
			in->rawlen = n;
		}
		in->have_first = 0;
		last = in->rawlen < CSVIN_CHUNK;
		EVP_DigestUpdate(in->md, in->raw, in->rawlen);

		data = (char *)in->raw + in->skip;
		len = in->rawlen - in->skip;
		if (in->utf8) {
			bad = charset_utf8_check(&in->u8,
			    (unsigned char *)data, len);
			if (bad == len && last && charset_utf8_open(&in->u8))
				bad = len > 0 ? len - 1 : 0;
			if (bad != len || (last && charset_utf8_open(&in->u8))) {
				const char	*named;

				charset_detect((unsigned char *)data, len,
				    &named);
				imp_errf(err, IMP_EXIT_DATAERR,
				    "%s:%lu: not valid UTF-8 (byte 0x%02x at "
				    "offset %llu); the file must be in one "
				    "encoding: name it with --encoding%s%s",
				    in->path, in->line +
				    count_lines(data, bad),
				    (unsigned char)data[bad],
				    (unsigned long long)(in->offset +
				    in->skip + bad),
				    *named ? " (it looks like " : "",
				    *named ? named : "");
				if (*named)
					strncat(err->msg, ")",
					    sizeof err->msg -
					    strlen(err->msg) - 1);
				goto out;
			}
		} else {
			in->declen = 0;
			if (charset_conv_feed(in->conv, (unsigned char *)data,
			    len, last, &in->dec, &in->declen, &in->deccap,
			    &bad) == -1) {
				/* A guess that fails further on: say it was
				 * one, and what else it may be. */
				imp_errf(err, IMP_EXIT_DATAERR,
				    "%s:%lu: bytes at offset %llu are not "
				    "valid %s%s; name the file's encoding "
				    "with --encoding: GB18030 (Chinese), "
				    "CP932 (Japanese), WINDOWS-1252 (Excel "
				    "on Western Windows), UTF-8", in->path,
				    in->line + count_lines(in->dec,
				    in->declen), (unsigned long long)(
				    in->offset + in->skip + bad),
				    in->encoding, in->detected ? " (the "
				    "encoding was a guess from the file's "
				    "first bytes)" : "");
				goto out;
			}
			data = in->dec;
			len = in->declen;
		}
		in->offset += in->rawlen;
		in->skip = 0;

		if (first) {
			first = 0;
			skip = sep_line(data, len, &delim);
			if (skip > 0) {
				if (in->delimiter == 0)
					in->delimiter = delim;
				data += skip;
				len -= skip;
				in->line++;
				in->unshown++;	/* Excel shows no row for it */
			}
			if (in->delimiter == 0) {
				in->delimiter = sniff_delimiter(data, len,
				    last);
				in->sniffed = 1;
			}
			csv_set_delim(&in->parser, in->delimiter);
		}
		if (feed(in, data, len) == -1)
			goto out;
		if (last)
			break;
	}
	if (csv_fini(&in->parser, on_field, on_record, in) != 0) {
		if (csv_error(&in->parser) == CSV_EPARSE)
			imp_errf(err, IMP_EXIT_DATAERR,
			    "%s:%lu: a quoted field is never closed (the "
			    "record starting on this line runs to the end "
			    "of the file)", in->path, in->rec_line);
		else
			parse_error(in);
		goto out;
	}
	if (in->failed)
		goto out;

	EVP_DigestFinal_ex(in->md, md, &mdlen);
	hex_encode(md, mdlen < 32 ? mdlen : 32, in->sha256);
	rc = 0;
out:
	csv_free(&in->parser);
	return rc;
}
