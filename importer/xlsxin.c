/*
 * xlsxin.c: the workbook reader. An .xlsx is a zip of XML parts: the
 * package's relationships name the workbook, the workbook's name its
 * sheets, shared strings and styles. Those three are read whole (styles
 * and strings stay in memory, bounded); the chosen sheet is inflated in
 * chunks straight into expat and handed on a row at a time.
 */
#include "config.h"

#include "xlsxin.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <openssl/evp.h>
#include <zip.h>

#include "buf.h"
#include "hex.h"
#include "norm.h"
#include "numfmt.h"
#include "pipe.h"
#include "strtab.h"
#include "xmalloc.h"

#define CHUNK		65536
#define MAX_WARNINGS	8
#define MAX_LISTED	5	/* row numbers or ranges a warning lists */
#define MAX_HIDDEN_COLS	64	/* <col> ranges kept */

#define REL_OFFICE	"/officeDocument"
#define REL_WORKSHEET	"/worksheet"
#define REL_SST		"/sharedStrings"
#define REL_STYLES	"/styles"

struct sheet {
	char	*name, *rid, *target;
	int	 hidden;
};

struct rel {
	char	*id, *type, *target;
};

/* A number format as a cell style uses it. */
struct fmt {
	unsigned	 id;
	struct numfmt	*nf;
	int		 general;	/* General: numfmt_general */
	int		 unsure;	/* a locale's built-in we cannot show */
};

struct xlsxin {
	/* Itself: every parser's user data starts with the reader (this
	 * struct, or a context whose first member points to it), so
	 * on_doctype finds it whichever part it stops. */
	struct xlsxin		*self;
	char			*path;
	zip_t			*zip;
	struct xlsxin_opts	 o;
	uint64_t		 size, total;
	char			 sha[65];
	char			*chunk;
	int			 date1904;

	char			*wbpath;	/* "xl/workbook.xml" */
	struct rel		*rels;
	size_t			 nrels;
	struct sheet		*sheets;
	size_t			 nsheets, pick;

	unsigned		*xf;		/* cellXfs: numFmtId */
	size_t			 nxf;
	size_t			*xfmt;		/* cellXfs: index in fmts,
						   (size_t)-1 until used; one
						   more for a style past them */
	int			 in_cellxfs;
	struct { unsigned id; char *code; } *codes;	/* <numFmt>s */
	size_t			 ncodes;
	struct fmt		*fmts;		/* compiled, by id */
	size_t			 nfmts;

	struct strtab		*sst;		/* shared strings */
	size_t			 nsst;		/* their count */
	uint64_t		 sstlen;	/* and bytes */

	char			*warn[MAX_WARNINGS];
	size_t			 nwarn;
	size_t			 kept;		/* bytes of names, relationships
						   and formats kept */

	/* Set by a handler that stops its parser. */
	struct imp_err		*err;
	int			 failed;
	XML_Parser		 parser;
	const char		*part;		/* being parsed */
	/* The part's own handlers, behind the ones that count how deep
	 * its elements go. */
	XML_StartElementHandler	 start;
	XML_EndElementHandler	 end;
	size_t			 depth;
};

/* --- small things ------------------------------------------------------ */

/* Nonzero if the name n is the one character ch. */
#define IS1(n, ch)	((n)[0] == (ch) && (n)[1] == '\0')

/* A name less its namespace prefix ("x:c" is "c"): parts name their
 * namespaces as they like, and only the local names matter here. */
static const char *
local(const char *name)
{
	const char	*p;

	for (p = name; *p != '\0'; p++)
		if (*p == ':')
			return p + 1;
	return name;
}

static const char *
attr(const char **atts, const char *name)
{
	for (; atts[0] != NULL; atts += 2)
		if (strcmp(local(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

static int
truthy(const char *v)
{
	return v != NULL && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* How many of s's first max bytes hold whole UTF-8 characters, for %.*s. */
static int
utf8_cut(const char *s, size_t max)
{
	return (int)norm_cut(s, strlen(s), max);
}

/* Stops the part being parsed with a message (code 65). */
static void __attribute__((format(printf, 2, 3)))
stop(struct xlsxin *in, const char *fmt, ...)
{
	va_list	ap;
	char	msg[sizeof in->err->msg];

	if (in->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	norm_fit(msg);
	imp_errf(in->err, IMP_EXIT_DATAERR, "%s: %s", in->path, msg);
	in->failed = 1;
	XML_StopParser(in->parser, XML_FALSE);
}

/* The code of the escape _xHHHH_ at s[0..n), or -1 if there is none. */
static long
escape_at(const char *s, size_t n)
{
	char	hex[5];

	if (n < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' ||
	    strspn(s + 2, "0123456789abcdefABCDEF") < 4)
		return -1;
	memcpy(hex, s + 2, 4);
	hex[4] = '\0';
	return (long)strtoul(hex, NULL, 16);
}

/*
 * Decodes OOXML's escapes of characters XML cannot hold (_x000D_ for a
 * carriage return; _x005F_ for an underscore that would look like one) in
 * place; returns the new length. A surrogate pair is one character; an
 * escape of a NUL or of a lone surrogate, which UTF-8 cannot hold, stays
 * as written.
 */
static size_t
unescape(char *s, size_t n)
{
	size_t		 i, o;
	long		 c, lo;

	if (memchr(s, '_', n) == NULL)
		return n;
	for (i = o = 0; i < n; ) {
		c = escape_at(s + i, n - i);
		if (c >= 0xd800 && c <= 0xdbff) {
			lo = escape_at(s + i + 7, n - i - 7);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) +
				    (lo - 0xdc00);
				s[o++] = (char)(0xf0 | c >> 18);
				s[o++] = (char)(0x80 | (c >> 12 & 0x3f));
				s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
				s[o++] = (char)(0x80 | (c & 0x3f));
				i += 14;
				continue;
			}
		}
		if (c <= 0 || (c >= 0xd800 && c <= 0xdfff)) {
			s[o++] = s[i++];
			continue;
		}
		if (c < 0x80)
			s[o++] = (char)c;
		else if (c < 0x800) {
			s[o++] = (char)(0xc0 | c >> 6);
			s[o++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[o++] = (char)(0xe0 | c >> 12);
			s[o++] = (char)(0x80 | (c >> 6 & 0x3f));
			s[o++] = (char)(0x80 | (c & 0x3f));
		}
		i += 7;
	}
	s[o] = '\0';
	return o;
}

/* "AB12" into a 0-based column and a row (0 if none); -1 if malformed. */
static int
cellref(const char *r, unsigned long *col, unsigned long *row)
{
	unsigned long	c = 0, n = 0;

	if (*r < 'A' || *r > 'Z')
		return -1;
	for (; *r >= 'A' && *r <= 'Z'; r++) {
		c = c * 26 + (unsigned long)(*r - 'A' + 1);
		if (c > XLSXIN_MAX_COLS)
			return -1;
	}
	for (; *r >= '0' && *r <= '9'; r++) {
		n = n * 10 + (unsigned long)(*r - '0');
		if (n > XLSXIN_MAX_ROW)
			return -1;
	}
	if (*r != '\0')
		return -1;
	*col = c - 1;
	*row = n;
	return 0;
}

/* A column's letters ("A", "AB") for a message. */
static void
colname(unsigned long col, char *out, size_t size)
{
	char	tmp[8];
	size_t	n = 0, i;

	col++;
	while (col > 0 && n < sizeof tmp) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	for (i = 0; i < n && i + 1 < size; i++)
		out[i] = tmp[n - 1 - i];
	out[i] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
warn(struct xlsxin *in, const char *fmt, ...)
{
	va_list	ap;
	char	msg[512];

	if (in->nwarn == MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	norm_fit(msg);
	in->warn[in->nwarn++] = xstrdup(msg);
}

/*
 * Counts n bytes more kept from the workbook's small parts (names,
 * relationships, number formats); past XLSXIN_MAX_KEPT the part is
 * stopped and -1 returned. Each is a tag's attribute expat takes whole,
 * and there may be thousands.
 */
static int
keep(struct xlsxin *in, size_t n)
{
	if (in->kept + n <= XLSXIN_MAX_KEPT) {
		in->kept += n;
		return 0;
	}
	stop(in, "%s in the workbook holds more than %zu MiB of names, "
	    "relationships and number formats: not a workbook someone saved",
	    in->part, XLSXIN_MAX_KEPT >> 20);
	return -1;
}

/* --- reading a part ---------------------------------------------------- */

static void XMLCALL
on_doctype(void *arg, const XML_Char *name, const XML_Char *sysid,
    const XML_Char *pubid, int internal)
{
	struct xlsxin	*in = *(struct xlsxin **)arg;

	(void)name, (void)sysid, (void)pubid, (void)internal;
	stop(in, "%s declares a DTD, which no workbook does: not read",
	    in->part);
}

/*
 * expat keeps every open element: elements nested without end would
 * take memory without bound, so each part is stopped past max_depth.
 */
static void XMLCALL
depth_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin	*in = *(struct xlsxin **)arg;

	if (++in->depth > in->o.max_depth) {
		stop(in, "%s in the workbook nests elements more than %zu "
		    "deep: not a workbook someone saved", in->part,
		    in->o.max_depth);
		return;
	}
	in->start(arg, name, atts);
}

static void XMLCALL
depth_end(void *arg, const XML_Char *name)
{
	struct xlsxin	*in = *(struct xlsxin **)arg;

	in->depth--;
	in->end(arg, name);
}

static XML_Parser
parser_new(struct xlsxin *in, XML_StartElementHandler start,
    XML_EndElementHandler end, XML_CharacterDataHandler text)
{
	XML_Parser	p;

	if ((p = XML_ParserCreate("UTF-8")) == NULL)
		return NULL;
	XML_SetUserData(p, in);
	in->start = start;
	in->end = end;
	in->depth = 0;
	XML_SetElementHandler(p, depth_start, depth_end);
	XML_SetCharacterDataHandler(p, text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	in->parser = p;
	return p;
}

static zip_int64_t
locate(struct xlsxin *in, const char *name)
{
	return zip_name_locate(in->zip, name, ZIP_FL_NOCASE);
}

/* Counts n more bytes inflated; -1 with err past the limit. */
static int
count_inflated(struct xlsxin *in, zip_int64_t n, struct imp_err *err)
{
	in->total += (uint64_t)n;
	if (in->total <= in->o.max_total)
		return 0;
	return imp_errf(err, IMP_EXIT_DATAERR, "%s: the workbook inflates "
	    "to more than %llu MiB (a zip bomb, or not a spreadsheet someone "
	    "saved): not read", in->path,
	    (unsigned long long)(in->o.max_total >> 20));
}

/*
 * Fails if p holds more than max_token bytes of what it was given without
 * parsing them: one piece of markup (a tag with its attributes, a
 * comment) it keeps whole until it ends, scanning it again with every
 * chunk. fed: the bytes given to p so far.
 */
static int
held_too_much(struct xlsxin *in, const char *name, XML_Parser p,
    uint64_t fed)
{
	XML_Index	at = XML_GetCurrentByteIndex(p);

	if (at < 0 || fed - (uint64_t)at <= in->o.max_token)
		return 0;
	in->failed = 1;
	return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: %s in the workbook "
	    "holds one piece of markup (a tag, a comment) longer than %zu "
	    "KiB: not a workbook someone saved", in->path, name,
	    in->o.max_token >> 10);
}

static int
xml_failed(struct xlsxin *in, const char *name, XML_Parser p)
{
	if (!in->failed)
		imp_errf(in->err, IMP_EXIT_DATAERR, "%s: %s in the workbook "
		    "is not well-formed XML (line %lu): %s", in->path, name,
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    XML_ErrorString(XML_GetErrorCode(p)));
	return -1;
}

/*
 * A sheet is inflated on a thread of its own while it is parsed: chunks
 * go from one to the other through a pipe.
 */
#define ICHUNK		(256 * 1024)
#define ICHUNKS		4

struct ichunk {
	char		*buf;
	zip_int64_t	 n;
};

struct inflater {
	struct xlsxin	*in;
	zip_file_t	*zf;
	const char	*name;
	struct pipe	*pp;
	struct imp_err	 err;
	int		 rc;
};

static void *
inflate_main(void *arg)
{
	struct inflater	*f = arg;
	struct ichunk	*b;

	while ((b = pipe_get_free(f->pp)) != NULL) {
		b->n = zip_fread(f->zf, b->buf, ICHUNK);
		if (b->n < 0) {
			f->rc = imp_errf(&f->err, IMP_EXIT_DATAERR, "%s: %s in "
			    "the workbook is damaged: %s", f->in->path,
			    f->name, zip_file_strerror(f->zf));
			break;
		}
		if (count_inflated(f->in, b->n, &f->err) == -1) {
			f->rc = -1;
			break;
		}
		pipe_put_full(f->pp, b);
		if (b->n == 0)
			break;
	}
	pipe_close(f->pp);
	return NULL;
}

/*
 * Inflates the member called name into p, counting every byte against
 * the limit; on a thread of its own if threaded. Returns 0, 1 if there is
 * no such member, -1 with in->err.
 */
static int
parse_part(struct xlsxin *in, const char *name, XML_Parser p, int threaded)
{
	struct ichunk	 chunks[ICHUNKS], *b;
	struct inflater	 f;
	struct pipe	 pp;
	zip_file_t	*zf;
	zip_int64_t	 idx, n;
	uint64_t	 fed = 0;
	pthread_t	 t;
	void		*bp[ICHUNKS];
	int		 rc = 0, i, stopped = 0;

	if ((idx = locate(in, name)) < 0)
		return 1;
	if ((zf = zip_fopen_index(in->zip, (zip_uint64_t)idx, 0)) == NULL)
		return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: cannot read "
		    "%s in the workbook: %s", in->path, name,
		    zip_strerror(in->zip));
	in->part = name;
	if (!threaded) {
		for (;;) {
			n = zip_fread(zf, in->chunk, CHUNK);
			if (n < 0) {
				rc = imp_errf(in->err, IMP_EXIT_DATAERR, "%s: "
				    "%s in the workbook is damaged: %s",
				    in->path, name, zip_file_strerror(zf));
				break;
			}
			if ((rc = count_inflated(in, n, in->err)) == -1)
				break;
			if (XML_Parse(p, in->chunk, (int)n, n == 0) ==
			    XML_STATUS_ERROR) {
				rc = xml_failed(in, name, p);
				break;
			}
			fed += (uint64_t)n;
			if ((rc = held_too_much(in, name, p, fed)) == -1)
				break;
			if (n == 0)
				break;
		}
		zip_fclose(zf);
		return rc;
	}

	for (i = 0; i < ICHUNKS; i++) {
		chunks[i].buf = xmalloc(ICHUNK);
		bp[i] = &chunks[i];
	}
	pipe_init(&pp, bp, ICHUNKS);
	memset(&f, 0, sizeof f);
	f.in = in;
	f.zf = zf;
	f.name = name;
	f.pp = &pp;
	if (pthread_create(&t, NULL, inflate_main, &f) != 0)
		rc = imp_errf(in->err, IMP_EXIT_SOFTWARE, "cannot start the "
		    "workbook's inflating thread");
	else {
		while ((b = pipe_get_full(&pp)) != NULL) {
			if (!stopped && XML_Parse(p, b->buf, (int)b->n,
			    b->n == 0) == XML_STATUS_ERROR) {
				rc = xml_failed(in, name, p);
				stopped = 1;
				pipe_fail(&pp, in->err);
			}
			fed += (uint64_t)b->n;
			if (!stopped && held_too_much(in, name, p, fed) == -1) {
				rc = -1;
				stopped = 1;
				pipe_fail(&pp, in->err);
			}
			pipe_put_free(&pp, b);
		}
		pthread_join(t, NULL);
		if (!stopped && f.rc != 0) {
			*in->err = f.err;
			rc = -1;
		}
	}
	pipe_destroy(&pp);
	for (i = 0; i < ICHUNKS; i++)
		free(chunks[i].buf);
	zip_fclose(zf);
	return rc;
}

/* --- relationships ----------------------------------------------------- */

static void XMLCALL
rels_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin	*in = arg;
	const char	*id, *type, *target;
	struct rel	*r;

	if (strcmp(local(name), "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	if (id == NULL || type == NULL || target == NULL)
		return;
	if (in->nrels == 4096) {
		stop(in, "%s holds too many relationships", in->part);
		return;
	}
	if (keep(in, strlen(id) + strlen(type) + strlen(target) + 3) == -1)
		return;
	in->rels = xreallocarray(in->rels, in->nrels + 1, sizeof *in->rels);
	r = &in->rels[in->nrels++];
	r->id = xstrdup(id);
	r->type = xstrdup(type);
	r->target = xstrdup(target);
}

static void XMLCALL
no_end(void *arg, const XML_Char *name)
{
	(void)arg, (void)name;
}

static void
rels_free(struct xlsxin *in)
{
	size_t	i;

	for (i = 0; i < in->nrels; i++) {
		free(in->rels[i].id);
		free(in->rels[i].type);
		free(in->rels[i].target);
	}
	free(in->rels);
	in->rels = NULL;
	in->nrels = 0;
}

static int
read_rels(struct xlsxin *in, const char *name)
{
	XML_Parser	p;
	int		rc;

	rels_free(in);
	if ((p = parser_new(in, rels_start, no_end, NULL)) == NULL)
		return imp_errf(in->err, IMP_EXIT_SOFTWARE, "out of memory");
	rc = parse_part(in, name, p, 0);
	XML_ParserFree(p);
	return rc;
}

static const struct rel *
rel_by_type(const struct xlsxin *in, const char *suffix)
{
	size_t	i, n = strlen(suffix), len;

	for (i = 0; i < in->nrels; i++) {
		len = strlen(in->rels[i].type);
		if (len >= n && strcmp(in->rels[i].type + len - n, suffix) == 0)
			return &in->rels[i];
	}
	return NULL;
}

/*
 * target, relative to base's folder (or the package's root if it starts
 * with '/'), as a member name: "." and ".." segments resolved wherever
 * they are ("worksheets/../worksheets/sheet1.xml"), empty ones dropped.
 * Returns an allocation; caller frees.
 */
static char *
resolve(const char *base, const char *target)
{
	const char	*slash, *p, *seg;
	char		*joined, *out;
	size_t		 n, o = 0, len;

	if (target[0] == '/')
		base = "";
	slash = strrchr(base, '/');
	n = slash != NULL ? (size_t)(slash - base) : 0;
	joined = xasprintf("%.*s/%s", (int)n, base, target);
	out = xmalloc(strlen(joined) + 1);
	for (p = joined; ; p = seg + len) {
		while (*p == '/')
			p++;
		seg = p;
		len = strcspn(seg, "/");
		if (len == 0)
			break;
		if (len == 1 && seg[0] == '.')
			continue;
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			continue;
		}
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, seg, len);
		o += len;
	}
	out[o] = '\0';
	free(joined);
	return out;
}

/* --- the workbook ------------------------------------------------------ */

static void XMLCALL
wb_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin	*in = arg;
	const char	*n = local(name), *v, *sname, *rid;
	struct sheet	*s;

	if (strcmp(n, "workbookPr") == 0) {
		in->date1904 = truthy(attr(atts, "date1904"));
		return;
	}
	if (strcmp(n, "sheet") != 0)
		return;
	if (in->nsheets == 4096) {
		stop(in, "the workbook holds too many sheets");
		return;
	}
	if ((sname = attr(atts, "name")) == NULL)
		sname = "";
	if ((rid = attr(atts, "id")) == NULL)
		rid = "";
	if (keep(in, strlen(sname) + strlen(rid) + 2) == -1)
		return;
	in->sheets = xreallocarray(in->sheets, in->nsheets + 1,
	    sizeof *in->sheets);
	s = &in->sheets[in->nsheets++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(sname);
	s->rid = xstrdup(rid);
	v = attr(atts, "state");
	s->hidden = v != NULL && strcmp(v, "visible") != 0;
}

/* Picks the sheet opts->sheet names, or the first visible one. */
static int
pick_sheet(struct xlsxin *in)
{
	const char	*want = in->o.sheet;
	char		 names[256], *end;	/* fits in err->msg */
	size_t		 i, o = 0, len;
	unsigned long	 k;

	if (want != NULL) {
		for (i = 0; i < in->nsheets; i++)
			if (strcmp(in->sheets[i].name, want) == 0 &&
			    in->sheets[i].target != NULL)
				break;
		if (i == in->nsheets && want[0] >= '1' && want[0] <= '9') {
			k = strtoul(want, &end, 10);
			if (*end == '\0' && k <= in->nsheets &&
			    in->sheets[k - 1].target != NULL)
				i = k - 1;
		}
		if (i < in->nsheets) {
			in->pick = i;
			return 0;
		}
		names[0] = '\0';
		for (i = 0; i < in->nsheets; i++) {
			if (in->sheets[i].target == NULL)
				continue;
			/* Whole names only (Excel's are 31 characters). */
			len = strlen(in->sheets[i].name);
			if (o + len + 16 > sizeof names) {
				snprintf(names + o, sizeof names - o, ", ...");
				break;
			}
			o += (size_t)snprintf(names + o, sizeof names - o,
			    "%s'%s'", o > 0 ? ", " : "", in->sheets[i].name);
		}
		return imp_errf(in->err, IMP_EXIT_USAGE, "%s: no sheet '%s' "
		    "in the workbook; its sheets: %s (--sheet takes a name or "
		    "a position, 1 for the first)", in->path, want,
		    o > 0 ? names : "none");
	}
	for (i = 0; i < in->nsheets; i++)
		if (!in->sheets[i].hidden && in->sheets[i].target != NULL) {
			in->pick = i;
			return 0;
		}
	return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: the workbook has no "
	    "visible sheet of cells (name one with --sheet)", in->path);
}

static int
read_workbook(struct xlsxin *in)
{
	const struct rel	*r;
	XML_Parser		 p;
	char			*relsname, *slash;
	size_t			 i, k, n;
	int			 rc;

	if ((rc = read_rels(in, "_rels/.rels")) == -1)
		return -1;
	r = rc == 0 ? rel_by_type(in, REL_OFFICE) : NULL;
	in->wbpath = r != NULL ? resolve("", r->target) :
	    xstrdup("xl/workbook.xml");
	n = strlen(in->wbpath);
	/* An .xlsb's relationships name its xl/workbook.bin. */
	if ((n >= 4 && strcasecmp(in->wbpath + n - 4, ".bin") == 0) ||
	    (locate(in, in->wbpath) < 0 &&
	    locate(in, "xl/workbook.bin") >= 0))
		return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: a binary "
		    "workbook (.xlsb), which importer does not read: save it "
		    "as Excel Workbook (.xlsx) or as CSV UTF-8 and stage that",
		    in->path);
	if (locate(in, in->wbpath) < 0)
		return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: a ZIP archive, "
		    "but not a workbook (no %s): stage an Excel Workbook "
		    "(.xlsx) or a CSV file", in->path, in->wbpath);
	if ((p = parser_new(in, wb_start, no_end, NULL)) == NULL)
		return imp_errf(in->err, IMP_EXIT_SOFTWARE, "out of memory");
	rc = parse_part(in, in->wbpath, p, 0);
	XML_ParserFree(p);
	if (rc == -1)
		return -1;

	slash = strrchr(in->wbpath, '/');
	relsname = slash != NULL ? xasprintf("%.*s/_rels/%s.rels",
	    (int)(slash - in->wbpath), in->wbpath, slash + 1) :
	    xasprintf("_rels/%s.rels", in->wbpath);
	rc = read_rels(in, relsname);
	free(relsname);
	if (rc == -1)
		return -1;
	for (i = 0; i < in->nsheets; i++)
		for (k = 0; k < in->nrels; k++)
			if (strcmp(in->rels[k].id, in->sheets[i].rid) == 0) {
				size_t	tl = strlen(in->rels[k].type);
				size_t	wl = strlen(REL_WORKSHEET);

				/* Chart sheets hold no cells: not pickable. */
				if (tl >= wl && strcmp(in->rels[k].type + tl -
				    wl, REL_WORKSHEET) == 0)
					in->sheets[i].target = resolve(
					    in->wbpath, in->rels[k].target);
				break;	/* the first of an id (ids are unique) */
			}
	return pick_sheet(in);
}

/* --- styles ------------------------------------------------------------ */

static void XMLCALL
st_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct xlsxin	*in = arg;
	const char	*n = local(name), *id, *code;

	if (strcmp(n, "numFmt") == 0) {
		id = attr(atts, "numFmtId");
		code = attr(atts, "formatCode");
		if (id == NULL || code == NULL)
			return;
		if (in->ncodes == 65536) {
			stop(in, "the workbook holds too many number formats");
			return;
		}
		if (keep(in, strlen(code) + 1) == -1)
			return;
		in->codes = xreallocarray(in->codes, in->ncodes + 1,
		    sizeof *in->codes);
		in->codes[in->ncodes].id = (unsigned)strtoul(id, NULL, 10);
		in->codes[in->ncodes++].code = xstrdup(code);
	} else if (strcmp(n, "cellXfs") == 0) {
		in->nxf = 0;
		in->in_cellxfs = 1;
	} else if (strcmp(n, "xf") == 0 && in->in_cellxfs) {
		if (in->nxf == 65536) {
			stop(in, "the workbook holds too many cell styles");
			return;
		}
		id = attr(atts, "numFmtId");
		in->xf = xreallocarray(in->xf, in->nxf + 1, sizeof *in->xf);
		in->xf[in->nxf++] = id != NULL ?
		    (unsigned)strtoul(id, NULL, 10) : 0;
	}
}

static void XMLCALL
st_end(void *arg, const XML_Char *name)
{
	struct xlsxin	*in = arg;

	if (strcmp(local(name), "cellXfs") == 0)
		in->in_cellxfs = 0;
}

/* The compiled format numFmtId id stands for in this workbook. */
static struct fmt *
fmt_for(struct xlsxin *in, unsigned id)
{
	struct fmt	*f;
	const char	*code = NULL;
	size_t		 i;

	for (i = 0; i < in->nfmts; i++)
		if (in->fmts[i].id == id)
			return &in->fmts[i];
	in->fmts = xreallocarray(in->fmts, in->nfmts + 1, sizeof *in->fmts);
	f = &in->fmts[in->nfmts++];
	memset(f, 0, sizeof *f);
	f->id = id;
	for (i = 0; i < in->ncodes; i++)
		if (in->codes[i].id == id)
			code = in->codes[i].code;
	/* The built-in currency and accounting formats (5-8, 41-44) show
	 * the currency of the machine that opens the file: not ours to
	 * guess. */
	if (code == NULL && !((id >= 5 && id <= 8) || (id >= 41 && id <= 44)))
		code = numfmt_builtin(id);
	if (code == NULL && ((id >= 27 && id <= 36) || (id >= 50 && id <= 58)))
		code = "yyyy-mm-dd";	/* East Asian locales' dates */
	if (code == NULL) {
		/* A locale's currency or accounting built-in: its text
		 * depends on the machine that shows it. */
		f->general = f->unsure = 1;
		return f;
	}
	if (strcmp(code, "General") == 0 || strcmp(code, "general") == 0)
		f->general = 1;
	else
		f->nf = numfmt_new(code);
	return f;
}

/*
 * The compiled format of cell style style, each looked up once: a
 * workbook holds up to 65536 styles and as many formats.
 */
static struct fmt *
fmt_of_style(struct xlsxin *in, unsigned long style)
{
	size_t	*slot, i;

	if (in->xfmt == NULL) {
		in->xfmt = xreallocarray(NULL, in->nxf + 1, sizeof *in->xfmt);
		for (i = 0; i <= in->nxf; i++)
			in->xfmt[i] = (size_t)-1;
	}
	slot = style < in->nxf ? &in->xfmt[style] : &in->xfmt[in->nxf];
	if (*slot == (size_t)-1)
		*slot = (size_t)(fmt_for(in, style < in->nxf ? in->xf[style] :
		    0) - in->fmts);
	return &in->fmts[*slot];
}

static int
read_styles(struct xlsxin *in, const char *name)
{
	XML_Parser	p;
	int		rc;

	if ((p = parser_new(in, st_start, st_end, NULL)) == NULL)
		return imp_errf(in->err, IMP_EXIT_SOFTWARE, "out of memory");
	rc = parse_part(in, name, p, 0);
	XML_ParserFree(p);
	return rc == -1 ? -1 : 0;
}

/* --- shared strings ---------------------------------------------------- */

struct text_ctx {
	struct xlsxin	*in;		/* first: on_doctype */
	struct buf	 b;
	int		 in_si, in_t, rph;
};

static void XMLCALL
sst_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct text_ctx	*c = arg;
	const char	*n = local(name);

	(void)atts;
	if (strcmp(n, "si") == 0) {
		c->in_si = 1;
		c->b.len = 0;
		if (c->b.s != NULL)
			c->b.s[0] = '\0';
	} else if (strcmp(n, "rPh") == 0)
		c->rph++;
	else if (strcmp(n, "t") == 0 && c->in_si && c->rph == 0)
		c->in_t = 1;
}

static void XMLCALL
sst_text(void *arg, const XML_Char *s, int len)
{
	struct text_ctx	*c = arg;

	if (!c->in_t || c->in->failed)
		return;
	if (c->b.len + (size_t)len > c->in->o.max_cell) {
		stop(c->in, "shared string %zu is longer than a cell can be "
		    "(%zu bytes)", c->in->nsst + 1, c->in->o.max_cell);
		return;
	}
	buf_add(&c->b, s, (size_t)len);
}

static void XMLCALL
sst_end(void *arg, const XML_Char *name)
{
	struct text_ctx	*c = arg;
	struct xlsxin	*in = c->in;
	const char	*n = local(name);
	size_t		 len;

	if (in->failed)
		return;
	if (strcmp(n, "t") == 0) {
		c->in_t = 0;
		return;
	}
	if (strcmp(n, "rPh") == 0) {
		if (c->rph > 0)
			c->rph--;
		return;
	}
	if (strcmp(n, "si") != 0)
		return;
	c->in_si = 0;
	buf_add(&c->b, "", 0);
	len = unescape(c->b.s, c->b.len);
	if (in->nsst >= in->o.max_strings ||
	    in->sstlen + len + 1 > in->o.max_sst_bytes) {
		stop(in, "the workbook holds more shared strings than importer "
		    "reads (%zu strings, %zu MiB): not a workbook someone "
		    "saved, or save it as CSV UTF-8 and stage that",
		    in->o.max_strings, in->o.max_sst_bytes >> 20);
		return;
	}
	if (in->sst == NULL)
		in->sst = strtab_new(in->o.sst_memory);
	if (strtab_add(in->sst, c->b.s, len, in->err) == -1) {
		in->failed = 1;
		XML_StopParser(in->parser, XML_FALSE);
		return;
	}
	in->nsst++;
	in->sstlen += len + 1;
}

static int
read_sst(struct xlsxin *in, const char *name)
{
	struct text_ctx	 c;
	XML_Parser	 p;
	int		 rc;

	memset(&c, 0, sizeof c);
	c.in = in;
	if ((p = parser_new(in, sst_start, sst_end, sst_text)) == NULL)
		return imp_errf(in->err, IMP_EXIT_SOFTWARE, "out of memory");
	XML_SetUserData(p, &c);
	rc = parse_part(in, name, p, 0);
	XML_ParserFree(p);
	buf_free(&c.b);
	return rc == -1 ? -1 : 0;
}

/* --- opening ----------------------------------------------------------- */

int
xlsxin_is_zip(const unsigned char *head, size_t n)
{
	return n >= 4 && memcmp(head, "PK\3\4", 4) == 0;
}

/* Nonzero if the UTF-16LE form of name is among the n bytes of buf. */
static int
has_utf16(const unsigned char *buf, size_t n, const char *name)
{
	unsigned char	w[64];
	size_t		i, k = strlen(name) * 2;

	for (i = 0; name[i] != '\0'; i++) {
		w[2 * i] = (unsigned char)name[i];
		w[2 * i + 1] = 0;
	}
	for (i = 0; i + k <= n; i++)
		if (memcmp(buf + i, w, k) == 0)
			return 1;
	return 0;
}

int
xlsxin_refuse_ole(const char *path, const unsigned char *head, size_t n,
    struct imp_err *err)
{
	static const unsigned char	ole[8] = { 0xd0, 0xcf, 0x11, 0xe0,
					    0xa1, 0xb1, 0x1a, 0xe1 };

	if (n < 8 || memcmp(head, ole, 8) != 0)
		return 0;
	if (has_utf16(head, n, "EncryptedPackage") ||
	    has_utf16(head, n, "EncryptionInfo"))
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: the workbook is "
		    "encrypted (it opens with a password), so it cannot be "
		    "read: open it, remove the password (File > Info > "
		    "Protect Workbook > Encrypt with Password: clear it), save "
		    "and stage it again", path);
	return imp_errf(err, IMP_EXIT_DATAERR, "%s: a legacy Excel 97-2003 "
	    "workbook (XLS), which importer does not read: open it and use "
	    "File > Save As > \"Excel Workbook (*.xlsx)\" (or \"CSV UTF-8\"), "
	    "then stage that", path);
}

/* Size and SHA-256 of the file's bytes. */
static int
hash_file(struct xlsxin *in)
{
	EVP_MD_CTX		*md;
	unsigned char		 d[32];
	unsigned		 dl = 0;
	FILE			*f;
	size_t			 n;
	int			 rc = 0;

	if ((f = fopen(in->path, "rb")) == NULL)
		return imp_errf(in->err, IMP_EXIT_NOINPUT, "%s: %s", in->path,
		    strerror(errno));
	md = EVP_MD_CTX_new();
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	while ((n = fread(in->chunk, 1, CHUNK, f)) > 0) {
		EVP_DigestUpdate(md, in->chunk, n);
		in->size += n;
	}
	if (ferror(f))
		rc = imp_errf(in->err, IMP_EXIT_NOINPUT, "%s: %s", in->path,
		    strerror(errno));
	EVP_DigestFinal_ex(md, d, &dl);
	EVP_MD_CTX_free(md);
	fclose(f);
	hex_encode(d, dl < 32 ? dl : 32, in->sha);
	return rc;
}

/* Refuses an OpenDocument spreadsheet, which is a zip too. */
static int
refuse_ods(struct xlsxin *in)
{
	zip_int64_t	 idx;
	zip_file_t	*zf;
	char		 m[64];
	zip_int64_t	 n;

	if ((idx = zip_name_locate(in->zip, "mimetype", 0)) < 0)
		return 0;
	if ((zf = zip_fopen_index(in->zip, (zip_uint64_t)idx, 0)) == NULL)
		return 0;
	n = zip_fread(zf, m, sizeof m - 1);
	zip_fclose(zf);
	m[n > 0 ? n : 0] = '\0';
	if (strstr(m, "opendocument") == NULL)
		return 0;
	return imp_errf(in->err, IMP_EXIT_DATAERR, "%s: an OpenDocument "
	    "spreadsheet (.ods), which importer does not read: save it as "
	    "Excel 2007-365 (.xlsx) or as CSV (UTF-8), then stage that",
	    in->path);
}

struct xlsxin *
xlsxin_open(const char *path, const struct xlsxin_opts *opts,
    struct imp_err *err)
{
	struct xlsxin		*in;
	const struct rel	*r;
	zip_error_t		 ze;
	char			*name;
	int			 zerr = 0, rc;

	in = xcalloc(1, sizeof *in);
	in->self = in;
	in->path = xstrdup(path);
	in->err = err;
	in->chunk = xmalloc(CHUNK);
	if (opts != NULL)
		in->o = *opts;
#define DEF(f, v)	if (in->o.f == 0) in->o.f = (v)
	DEF(max_total, XLSXIN_MAX_TOTAL);
	DEF(max_entries, XLSXIN_MAX_ENTRIES);
	DEF(max_strings, XLSXIN_MAX_STRINGS);
	DEF(max_sst_bytes, XLSXIN_MAX_SST_BYTES);
	DEF(max_cell, XLSXIN_MAX_CELL);
	DEF(max_record, XLSXIN_MAX_RECORD);
	DEF(max_cols, XLSXIN_MAX_COLS);
	DEF(max_token, XLSXIN_MAX_TOKEN);
	DEF(max_depth, XLSXIN_MAX_DEPTH);
#undef DEF
	if (in->o.max_sst_bytes > UINT32_MAX)
		in->o.max_sst_bytes = UINT32_MAX;
	if (hash_file(in) == -1)
		goto fail;
	if ((in->zip = zip_open(path, ZIP_RDONLY, &zerr)) == NULL) {
		zip_error_init_with_code(&ze, zerr);
		imp_errf(err, zerr == ZIP_ER_NOENT || zerr == ZIP_ER_OPEN ||
		    zerr == ZIP_ER_READ ? IMP_EXIT_NOINPUT : IMP_EXIT_DATAERR,
		    "%s: not a readable workbook (%s): a damaged file, or not "
		    "an .xlsx", path, zip_error_strerror(&ze));
		zip_error_fini(&ze);
		goto fail;
	}
	if ((uint64_t)zip_get_num_entries(in->zip, 0) > in->o.max_entries) {
		imp_errf(err, IMP_EXIT_DATAERR, "%s: the zip holds more than "
		    "%zu members: not a workbook someone saved", path,
		    in->o.max_entries);
		goto fail;
	}
	if (refuse_ods(in) == -1 || read_workbook(in) == -1)
		goto fail;
	/* The workbook's own relationships are still in in->rels. */
	if ((r = rel_by_type(in, REL_STYLES)) != NULL) {
		name = resolve(in->wbpath, r->target);
		rc = read_styles(in, name);
		free(name);
		if (rc == -1)
			goto fail;
	}
	if ((r = rel_by_type(in, REL_SST)) != NULL) {
		name = resolve(in->wbpath, r->target);
		rc = read_sst(in, name);
		free(name);
		if (rc == -1)
			goto fail;
	}
	if (in->sheets[in->pick].hidden)
		warn(in, "sheet '%s' is hidden in the workbook; it was read "
		    "because --sheet named it", in->sheets[in->pick].name);
	return in;
fail:
	norm_fit(err->msg);
	xlsxin_close(in);
	return NULL;
}

/* --- the sheet --------------------------------------------------------- */

/*
 * The sheet is inflated and parsed on a thread of its own, which hands its
 * rows on in batches (pipe.h) to the caller's thread, where they go to the
 * caller's callback: the XML and the caller's work on the rows (validation,
 * for staging) run side by side.
 */
#define XBATCH_RECS	256
#define XBATCH_BYTES	(1 << 20)
#define XBATCH_COUNT	4

struct xrec {
	unsigned long	 row;
	size_t		 first, n;	/* its cells in the batch's arrays */
};

struct xbatch {
	struct buf	 arena;
	struct xrec	 recs[XBATCH_RECS];
	size_t		 nrecs;
	size_t		*offs, *lens;	/* offs: (size_t)-1 for "" */
	unsigned char	*flags;
	size_t		 nf, capf;
};

struct sheet_ctx {
	struct xlsxin	*in;		/* first: on_doctype */
	struct pipe	*pipe;
	struct xbatch	*filling;
	int		 rc;		/* the thread's: 0, or -1 with err */

	int		 in_data, in_row;
	unsigned long	 row, last, header;	/* sheet row numbers */
	int		 row_hidden;

	/* The row being read: its cells' text in one arena. */
	struct buf	 arena;
	size_t		*offs, *lens;
	unsigned char	*flags;
	size_t		 ncells, cap, width;	/* width: the header's */
	size_t		 dimcols;	/* the columns <dimension> spans */
	size_t		 used;		/* cells up to the last nonblank */
	int		 nonblank;

	/* The cell being read. */
	int		 in_c, in_v, in_is, in_t, rph, have_v, have_f;
	char		 type;			/* s n b e S(tr) i(nline) d */
	unsigned long	 col, style;
	struct buf	 v;

	/* What the warnings need. */
	unsigned long	 hidden_rows, hidden_list[MAX_LISTED];
	struct { unsigned long min, max; } hcols[MAX_HIDDEN_COLS];
	size_t		 nhcols;
	unsigned long	 merged;
	char		 merged_list[MAX_LISTED][24];
	char		 filter[40];
	char		**header_text;
};

static void
row_grow(struct sheet_ctx *c, size_t n)
{
	if (n <= c->cap)
		return;
	c->cap = n < 16 ? 16 : n * 2;
	if (c->cap > c->in->o.max_cols)
		c->cap = c->in->o.max_cols;
	c->offs = xreallocarray(c->offs, c->cap, sizeof *c->offs);
	c->lens = xreallocarray(c->lens, c->cap, sizeof *c->lens);
	c->flags = xreallocarray(c->flags, c->cap, sizeof *c->flags);
}

/* Puts text into the row at column col, empty cells before it. */
static void
row_put(struct sheet_ctx *c, unsigned long col, const char *s, size_t n,
    unsigned char flags)
{
	row_grow(c, col + 1);
	while (c->ncells <= col) {
		c->offs[c->ncells] = (size_t)-1;
		c->lens[c->ncells] = 0;
		c->flags[c->ncells++] = 0;
	}
	c->offs[col] = c->arena.len;
	c->lens[col] = n;
	c->flags[col] = flags;
	buf_add(&c->arena, s, n);
	c->arena.len++;		/* keeps its NUL */
	if (n > 0 || (flags & (XLSXIN_ERROR | XLSXIN_NOVALUE))) {
		c->nonblank = 1;
		c->used = col + 1;
	}
}

/* Passes on the row's first n cells, or n blank ones, in a batch; -1
 * once the caller's thread has stopped taking them. */
static int
emit(struct sheet_ctx *c, unsigned long row, size_t n, int blank)
{
	struct xbatch	*b;
	struct xrec	*r;
	size_t		 i, k;

	if ((b = c->filling) == NULL) {
		if ((b = c->filling = pipe_get_free(c->pipe)) == NULL)
			return -1;
		b->arena.len = b->nrecs = b->nf = 0;
	}
	if (b->nf + n > b->capf) {
		b->capf = (b->nf + n) * 2;
		b->offs = xreallocarray(b->offs, b->capf, sizeof *b->offs);
		b->lens = xreallocarray(b->lens, b->capf, sizeof *b->lens);
		b->flags = xreallocarray(b->flags, b->capf, sizeof *b->flags);
	}
	r = &b->recs[b->nrecs++];
	r->row = row;
	r->first = b->nf;
	r->n = n;
	for (i = 0; i < n; i++) {
		k = b->nf++;
		if (blank || c->offs[i] == (size_t)-1) {
			b->offs[k] = (size_t)-1;
			b->lens[k] = 0;
			b->flags[k] = 0;
			continue;
		}
		b->offs[k] = b->arena.len;
		b->lens[k] = c->lens[i];
		b->flags[k] = c->flags[i];
		buf_add(&b->arena, c->arena.s + c->offs[i], c->lens[i]);
		b->arena.len++;		/* keeps its NUL */
	}
	if (b->nrecs == XBATCH_RECS || b->arena.len > XBATCH_BYTES) {
		pipe_put_full(c->pipe, b);
		c->filling = NULL;
	}
	return 0;
}

/* The row read: the header if none yet, else the blank rows skipped
 * and the row itself, as wide as the header at least. */
static void
end_row(struct sheet_ctx *c)
{
	struct xlsxin	*in = c->in;
	unsigned long	 r;
	size_t		 i, n;

	if (!c->nonblank && c->header == 0)
		return;
	n = c->used > c->width ? c->used : c->width;
	/* The header spans the sheet's used range, as a CSV export's
	 * does: a note typed past its last name is a column without one. */
	if (c->header == 0 && c->dimcols > n)
		n = c->dimcols;
	row_grow(c, n);
	for (i = c->ncells; i < n; i++) {
		c->offs[i] = (size_t)-1;
		c->lens[i] = 0;
		c->flags[i] = 0;
	}
	if (c->header == 0) {
		c->header = c->row;
		c->width = n;
		c->header_text = xcalloc(c->width, sizeof *c->header_text);
		for (i = 0; i < c->width; i++)
			c->header_text[i] = xstrdup(c->offs[i] ==
			    (size_t)-1 ? "" : c->arena.s + c->offs[i]);
	} else {
		for (r = c->last + 1; r < c->row; r++)
			if (emit(c, r, c->width, 1) == -1)
				goto failed;
	}
	if (c->row_hidden && c->nonblank) {
		if (c->hidden_rows < MAX_LISTED)
			c->hidden_list[c->hidden_rows] = c->row;
		c->hidden_rows++;
	}
	c->last = c->row;
	if (emit(c, c->row, n, 0) == -1)
		goto failed;
	return;
failed:
	in->failed = 1;
	XML_StopParser(in->parser, XML_FALSE);
}

/* The cell read: its text as the spreadsheet shows it. */
static void
end_cell(struct sheet_ctx *c)
{
	struct xlsxin	*in = c->in;
	const char	*s = "";
	char		 num[128], where[16], *end;
	size_t		 n = 0;
	unsigned long	 k;
	unsigned char	 flags = 0;
	struct fmt	*f;
	double		 d;

	where[0] = '\0';
	switch (c->type) {
	case 's':
		if (!c->have_v)
			break;
		k = strtoul(c->v.s, &end, 10);
		if (end == c->v.s || *end != '\0' || k >= in->nsst) {
			colname(c->col, where, sizeof where);
			stop(in, "cell %s%lu refers to shared string %s, which "
			    "the workbook does not hold: the file is damaged",
			    where, c->row, c->v.s);
			return;
		}
		if ((s = strtab_get(in->sst, k, &n, in->err)) == NULL) {
			in->failed = 1;
			XML_StopParser(in->parser, XML_FALSE);
			return;
		}
		break;
	case 'i':
	case 'S':
		if (!c->have_v)
			break;
		n = unescape(c->v.s, c->v.len);
		s = c->v.s;
		break;
	case 'b':
		if (!c->have_v)
			break;
		s = strcmp(c->v.s, "1") == 0 ? "TRUE" : "FALSE";
		n = strlen(s);
		break;
	case 'e':
		s = c->v.s != NULL ? c->v.s : "";
		n = c->v.len;
		flags = XLSXIN_ERROR;
		break;
	case 'd':
		/* An ISO 8601 date, as strict OOXML writes them. */
		if (!c->have_v)
			break;
		s = c->v.s;
		n = c->v.len;
		if ((end = strchr(c->v.s, 'T')) != NULL) {
			if (strncmp(end, "T00:00:00", 9) == 0)
				n = (size_t)(end - c->v.s);
			else {
				*end = ' ';
				n = strcspn(c->v.s, ".Z+");
			}
		}
		break;
	default:
		if (!c->have_v || c->v.len == 0)
			break;
		/* As a workbook writes a number: no spaces, "inf", "nan" or
		 * hex, which strtod would take; and within a double. */
		d = strtod(c->v.s, &end);
		if (end == c->v.s || *end != '\0' || !isfinite(d) ||
		    strspn(c->v.s, "0123456789+-.eE") != c->v.len) {
			colname(c->col, where, sizeof where);
			stop(in, "cell %s%lu holds '%.*s' as a number: the "
			    "file is damaged", where, c->row,
			    utf8_cut(c->v.s, 40), c->v.s);
			return;
		}
		flags = XLSXIN_NUMBER;
		f = fmt_of_style(in, c->style);
		if (f->general || f->unsure ||
		    numfmt_render(f->nf, d, in->date1904, num, sizeof num) != 0) {
			if (f->unsure || !f->general)
				flags |= XLSXIN_UNSURE;
			numfmt_general(d, num, sizeof num);
		}
		s = num;
		n = strlen(num);
		break;
	}
	/* A formula without its result: no <v>, or an empty one where a
	 * number was due (an empty string is a formula's result only as
	 * t="str"). */
	if (n == 0 && c->have_f && (!c->have_v || c->type == 'n'))
		flags |= XLSXIN_NOVALUE;
	if (n > in->o.max_cell) {
		colname(c->col, where, sizeof where);
		stop(in, "cell %s%lu is longer than a cell can be (%zu bytes)",
		    where, c->row, in->o.max_cell);
		return;
	}
	/* A row in memory is bounded as a CSV record is: its cells and a
	 * NUL between each two. */
	if (c->arena.len + n > in->o.max_record) {
		colname(c->col, where, sizeof where);
		stop(in, "row %lu is longer than a row can be (%zu bytes) at "
		    "cell %s%lu", c->row, in->o.max_record, where, c->row);
		return;
	}
	row_put(c, c->col, s, n, flags);
}

static void XMLCALL
ws_start(void *arg, const XML_Char *name, const XML_Char **atts)
{
	struct sheet_ctx	*c = arg;
	struct xlsxin		*in = c->in;
	const char		*n = local(name), *v;
	unsigned long		 col, row;

	if (in->failed)
		return;

	/* The names of a cell's parts first: they are most of a sheet. */
	if (c->in_c) {
		if (IS1(n, 'v')) {
			c->in_v = 1;
			c->v.len = 0;
			c->v.s[0] = '\0';
		} else if (IS1(n, 't')) {
			if (c->in_is && c->rph == 0)
				c->in_t = 1;
		} else if (IS1(n, 'f'))
			c->have_f = 1;
		else if (strcmp(n, "is") == 0) {
			c->in_is = 1;
			c->v.len = 0;
			c->v.s[0] = '\0';
		} else if (strcmp(n, "rPh") == 0)
			c->rph++;
		return;
	}
	if (IS1(n, 'c') && c->in_data) {
		const char	*r = NULL, *t = NULL, *st = NULL, *an;

		/* Its attributes in one pass. */
		for (; atts[0] != NULL; atts += 2) {
			an = local(atts[0]);
			if (IS1(an, 'r'))
				r = atts[1];
			else if (IS1(an, 't'))
				t = atts[1];
			else if (IS1(an, 's'))
				st = atts[1];
		}
		c->in_c = 1;
		c->have_v = c->have_f = c->in_v = c->in_is = c->in_t = 0;
		c->rph = 0;
		c->v.len = 0;
		buf_add(&c->v, "", 0);
		col = c->ncells;
		if ((v = r) != NULL &&
		    (cellref(v, &col, &row) == -1 || (row != 0 &&
		    row != c->row))) {
			stop(in, "row %lu holds a cell named '%.*s': the file "
			    "is damaged", c->row, utf8_cut(v, 20), v);
			return;
		}
		if (col < c->ncells || col >= in->o.max_cols) {
			stop(in, "row %lu: cell %.20s is out of order or past "
			    "column %zu: the file is damaged", c->row,
			    v != NULL ? v : "?", in->o.max_cols);
			return;
		}
		c->col = col;
		v = t;
		c->type = v == NULL || strcmp(v, "n") == 0 ? 'n' :
		    strcmp(v, "s") == 0 ? 's' : strcmp(v, "str") == 0 ? 'S' :
		    strcmp(v, "inlineStr") == 0 ? 'i' :
		    strcmp(v, "b") == 0 ? 'b' : strcmp(v, "e") == 0 ? 'e' :
		    strcmp(v, "d") == 0 ? 'd' : 'n';
		c->style = st != NULL ? strtoul(st, NULL, 10) : 0;
	} else if (strcmp(n, "row") == 0 && c->in_data) {
		if (c->in_row) {
			if ((v = attr(atts, "r")) == NULL)
				v = "?";
			stop(in, "row %.*s inside row %lu: the file is "
			    "damaged", utf8_cut(v, 20), v, c->row);
			return;
		}
		row = c->row + 1;
		if ((v = attr(atts, "r")) != NULL)
			row = strtoul(v, NULL, 10);
		if (row <= c->row || row > XLSXIN_MAX_ROW) {
			stop(in, "row %s comes after row %lu or past row %d: "
			    "the file is damaged", v != NULL ? v : "?", c->row,
			    XLSXIN_MAX_ROW);
			return;
		}
		c->row = row;
		c->in_row = 1;
		c->row_hidden = truthy(attr(atts, "hidden"));
		c->ncells = c->used = 0;
		c->arena.len = 0;
		c->nonblank = 0;
	} else if (strcmp(n, "sheetData") == 0)
		c->in_data = 1;
	else if (strcmp(n, "dimension") == 0 && !c->in_data &&
	    (v = attr(atts, "ref")) != NULL) {
		if (strchr(v, ':') != NULL)
			v = strchr(v, ':') + 1;
		if (cellref(v, &col, &row) == 0 && col < in->o.max_cols)
			c->dimcols = col + 1;
	}
	else if (strcmp(n, "col") == 0 && truthy(attr(atts, "hidden")) &&
	    c->nhcols < MAX_HIDDEN_COLS) {
		c->hcols[c->nhcols].min = (v = attr(atts, "min")) != NULL ?
		    strtoul(v, NULL, 10) : 0;
		c->hcols[c->nhcols].max = (v = attr(atts, "max")) != NULL ?
		    strtoul(v, NULL, 10) : 0;
		c->nhcols++;
	} else if (strcmp(n, "mergeCell") == 0) {
		if (c->merged < MAX_LISTED && (v = attr(atts, "ref")) != NULL)
			snprintf(c->merged_list[c->merged],
			    sizeof c->merged_list[0], "%.*s",
			    utf8_cut(v, sizeof c->merged_list[0] - 1), v);
		c->merged++;
	} else if (strcmp(n, "autoFilter") == 0 && !c->in_data &&
	    (v = attr(atts, "ref")) != NULL)
		snprintf(c->filter, sizeof c->filter, "%.*s",
		    utf8_cut(v, sizeof c->filter - 1), v);
}

static void XMLCALL
ws_text(void *arg, const XML_Char *s, int len)
{
	struct sheet_ctx	*c = arg;
	char			 where[16];

	if (c->in->failed)
		return;
	if (!c->in_v && !(c->in_t && c->rph == 0))
		return;
	if (c->v.len + (size_t)len > c->in->o.max_cell) {
		colname(c->col, where, sizeof where);
		stop(c->in, "cell %s%lu is longer than a cell can be (%zu "
		    "bytes)", where, c->row, c->in->o.max_cell);
		return;
	}
	buf_add(&c->v, s, (size_t)len);
}

static void XMLCALL
ws_end(void *arg, const XML_Char *name)
{
	struct sheet_ctx	*c = arg;
	const char		*n = local(name);

	if (c->in->failed)
		return;
	if (c->in_c) {
		if (IS1(n, 't'))
			c->in_t = 0;
		else if (IS1(n, 'c')) {
			c->in_c = 0;
			end_cell(c);
		} else if (IS1(n, 'v')) {
			c->in_v = 0;
			c->have_v = 1;
		} else if (strcmp(n, "is") == 0) {
			c->in_is = 0;
			c->have_v = 1;
		} else if (strcmp(n, "rPh") == 0) {
			if (c->rph > 0)
				c->rph--;
		}
		return;
	}
	if (strcmp(n, "row") == 0 && c->in_row) {
		c->in_row = 0;
		end_row(c);
	}
	else if (strcmp(n, "sheetData") == 0)
		c->in_data = 0;
}

/* What a person should know about the sheet just read. */
static void
sheet_warnings(struct sheet_ctx *c)
{
	struct xlsxin	*in = c->in;
	char		 list[256], name[16];
	size_t		 i, k, o;
	unsigned long	 col;

	if (c->hidden_rows > 0) {
		for (i = 0, o = 0; i < c->hidden_rows && i < MAX_LISTED; i++)
			o += (size_t)snprintf(list + o, sizeof list - o,
			    "%s%lu", i > 0 ? ", " : "", c->hidden_list[i]);
		warn(in, "%lu hidden row%s (row%s %s%s) %s staged as the "
		    "workbook holds %s", c->hidden_rows,
		    c->hidden_rows > 1 ? "s" : "", c->hidden_rows > 1 ?
		    "s" : "", list, c->hidden_rows > MAX_LISTED ? ", ..." : "",
		    c->hidden_rows > 1 ? "are" : "is",
		    c->hidden_rows > 1 ? "them" : "it");
	}
	for (col = 0, o = 0, k = 0; col < c->width; col++)
		for (i = 0; i < c->nhcols; i++)
			if (col + 1 >= c->hcols[i].min &&
			    col + 1 <= c->hcols[i].max) {
				colname(col, name, sizeof name);
				if (o < sizeof list - 64)
					o += (size_t)snprintf(list + o,
					    sizeof list - o, "%s%s (%.*s)",
					    k > 0 ? ", " : "", name,
					    utf8_cut(c->header_text[col], 30),
					    c->header_text[col]);
				k++;
				break;
			}
	if (k > 0)
		warn(in, "hidden column%s %s: staged as the workbook holds "
		    "%s", k > 1 ? "s" : "", list, k > 1 ? "them" : "it");
	if (c->merged > 0) {
		for (i = 0, o = 0; i < c->merged && i < MAX_LISTED; i++)
			o += (size_t)snprintf(list + o, sizeof list - o,
			    "%s%s", i > 0 ? ", " : "", c->merged_list[i]);
		warn(in, "%lu merged cell range%s (%s%s): a merged range's "
		    "value is in its first cell, the others read as empty",
		    c->merged, c->merged > 1 ? "s" : "", list,
		    c->merged > MAX_LISTED ? ", ..." : "");
	}
	if (c->filter[0] != '\0')
		warn(in, "a filter is in place on %s: the rows it hides are "
		    "staged too", c->filter);
}

/* The sheet's thread: the rows into batches, then the warnings. */
static void *
produce(void *arg)
{
	struct sheet_ctx	*c = arg;
	struct xlsxin		*in = c->in;
	XML_Parser		 p;

	if ((p = parser_new(in, ws_start, ws_end, ws_text)) == NULL)
		c->rc = imp_errf(in->err, IMP_EXIT_SOFTWARE, "out of memory");
	else {
		XML_SetUserData(p, c);
		c->rc = parse_part(in, in->sheets[in->pick].target, p, 1);
		XML_ParserFree(p);
	}
	if (c->rc == 1)
		c->rc = imp_errf(in->err, IMP_EXIT_DATAERR, "%s: sheet '%s' is "
		    "missing from the workbook (%s): the file is damaged",
		    in->path, in->sheets[in->pick].name,
		    in->sheets[in->pick].target);
	if (c->rc == 0 && in->failed)
		c->rc = -1;	/* the caller stopped taking rows */
	/* The rows read whole go on, before a failure too. */
	if (c->filling != NULL && c->filling->nrecs > 0)
		pipe_put_full(c->pipe, c->filling);
	c->filling = NULL;
	if (c->rc == 0)
		sheet_warnings(c);
	pipe_close(c->pipe);
	return NULL;
}

int
xlsxin_read(struct xlsxin *in, csvin_fn fn, void *arg, struct imp_err *err)
{
	struct sheet_ctx	 c;
	struct pipe		 pp;
	struct xbatch		 batches[XBATCH_COUNT], *b;
	struct csvin_record	 rec;
	struct imp_err		 perr;
	pthread_t		 t;
	const char		**fields = NULL;
	void			*bp[XBATCH_COUNT];
	size_t			 i, k, nfields = 0;
	unsigned long		 index = 0;
	int			 rc = 0, stopped = 0;

	memset(&perr, 0, sizeof perr);
	memset(batches, 0, sizeof batches);
	for (i = 0; i < XBATCH_COUNT; i++)
		bp[i] = &batches[i];
	pipe_init(&pp, bp, XBATCH_COUNT);
	memset(&c, 0, sizeof c);
	c.in = in;
	c.pipe = &pp;
	in->err = &perr;	/* the sheet's thread's, until it is joined */
	in->failed = 0;
	if (pthread_create(&t, NULL, produce, &c) != 0) {
		pipe_destroy(&pp);
		in->err = err;
		return imp_errf(err, IMP_EXIT_SOFTWARE, "cannot start the "
		    "workbook's reading thread");
	}
	while ((b = pipe_get_full(&pp)) != NULL) {
		for (i = 0; i < b->nrecs && !stopped; i++) {
			struct xrec	*r = &b->recs[i];

			if (r->n > nfields) {
				nfields = r->n * 2;
				fields = xreallocarray(fields, nfields,
				    sizeof *fields);
			}
			for (k = 0; k < r->n; k++)
				fields[k] = b->offs[r->first + k] ==
				    (size_t)-1 ? "" : b->arena.s +
				    b->offs[r->first + k];
			memset(&rec, 0, sizeof rec);
			rec.line = rec.row = r->row;
			rec.index = index++;
			rec.nfields = r->n;
			rec.fields = fields;
			rec.lens = b->lens + r->first;
			rec.flags = b->flags + r->first;
			if (fn(&rec, arg, err) == -1) {
				/* The sheet's thread stops at its next
				 * batch; the rest is drained unread. */
				stopped = 1;
				pipe_fail(&pp, err);
			}
		}
		pipe_put_free(&pp, b);
	}
	pthread_join(t, NULL);
	in->err = err;
	if (stopped)
		rc = -1;
	else if (c.rc != 0) {
		*err = perr;
		rc = -1;
	}
	pipe_destroy(&pp);
	for (i = 0; i < XBATCH_COUNT; i++) {
		buf_free(&batches[i].arena);
		free(batches[i].offs);
		free(batches[i].lens);
		free(batches[i].flags);
	}
	free(fields);
	buf_free(&c.arena);
	buf_free(&c.v);
	free(c.offs);
	free(c.lens);
	free(c.flags);
	for (i = 0; c.header_text != NULL && i < c.width; i++)
		free(c.header_text[i]);
	free(c.header_text);
	if (rc == -1)
		norm_fit(err->msg);
	return rc;
}

void
xlsxin_close(struct xlsxin *in)
{
	size_t	i;

	if (in == NULL)
		return;
	if (in->zip != NULL)
		zip_discard(in->zip);
	rels_free(in);
	for (i = 0; i < in->nsheets; i++) {
		free(in->sheets[i].name);
		free(in->sheets[i].rid);
		free(in->sheets[i].target);
	}
	free(in->sheets);
	for (i = 0; i < in->ncodes; i++)
		free(in->codes[i].code);
	free(in->codes);
	for (i = 0; i < in->nfmts; i++)
		numfmt_free(in->fmts[i].nf);
	free(in->fmts);
	free(in->xf);
	free(in->xfmt);
	strtab_free(in->sst);
	for (i = 0; i < in->nwarn; i++)
		free(in->warn[i]);
	free(in->wbpath);
	free(in->chunk);
	free(in->path);
	free(in);
}

const char *
xlsxin_sheet(const struct xlsxin *in)
{
	return in->sheets[in->pick].name;
}

uint64_t
xlsxin_size(const struct xlsxin *in)
{
	return in->size;
}

const char *
xlsxin_sha256(const struct xlsxin *in)
{
	return in->sha;
}

size_t
xlsxin_nwarnings(const struct xlsxin *in)
{
	return in->nwarn;
}

const char *
xlsxin_warning(const struct xlsxin *in, size_t i)
{
	return i < in->nwarn ? in->warn[i] : NULL;
}
