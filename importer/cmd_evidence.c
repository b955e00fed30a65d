/*
 * cmd_evidence.c: importer evidence [RUN] -o FILE.zip [--redact], the
 * audit pack of a run (what came in, what was approved, what was sent,
 * what happened), and importer evidence --check FILE.zip, its offline
 * verification. The members come from the store: the plan and the
 * outcome ledger from the report's pass over the rows, the XLSX report
 * and the fix-up CSV written by their own modules into a private temp
 * folder, the whole audit trail with every field its hashes cover.
 *
 * A redacted pack (for sharing outside finance) masks names, company
 * names, emails, phones and address lines in the plan and the ledger
 * with a keyed hash whose key is made for the pack and not kept: the
 * same value gets the same mask within the pack. The input file, the
 * XLSX report and the fix-up CSV carry the cells in too many places
 * (raw cells, unknown columns, messages that quote a value) to mask
 * with certainty: a redacted pack leaves them out and its manifest says
 * so; their SHA-256 and the input's stay.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cmd.h"
#include "column.h"
#include "evidence.h"
#include "fixup.h"
#include "importer.h"
#include "report.h"
#include "service.h"
#include "store.h"
#include "tempfile.h"
#include "xmalloc.h"

static int	cmd_evidence_exec(int, char **);

static const struct option cmd_evidence_options[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "redact", no_argument, NULL, 'r' },
	{ "check", required_argument, NULL, 'c' },
	{ NULL, 0, NULL, 0 }
};

const struct cmd_entry cmd_evidence_entry = {
	"evidence",
	"evidence [RUN] -o FILE.zip [--redact] | evidence --check FILE.zip",
	"write the evidence pack of a run (manifest, input, plan, outcomes, "
	"audit trail, report, fix-up CSV), or verify one offline",
	"  -o, --output FILE.zip  the pack (created 0600)\n"
	"  --redact               mask names, company names, emails, phones "
	"and\n"
	"                         address lines (the same value the same way "
	"within\n"
	"                         the pack); the input, the report and the "
	"fix-up CSV\n"
	"                         are left out (the manifest says so)\n"
	"  --check FILE.zip       verify a pack: every member's SHA-256, the "
	"trail's\n"
	"                         chain, the approvals against the plan hash "
	"(exit 0,\n"
	"                         or 65 with what does not hold)\n",
	0,
	"o:",
	cmd_evidence_options,
	cmd_evidence_exec
};

/* The columns a redacted pack masks, and the kind each mask names. */
static const char *
personal(int col)
{
	switch (col) {
	case COL_COMPANY_NAME:
		return "company";
	case COL_FIRST_NAME:
	case COL_LAST_NAME:
		return "name";
	case COL_EMAIL:
		return "email";
	case COL_PHONE_NUMBER:
		return "phone";
	case COL_ADDRESS_LINE1:
	case COL_ADDRESS_LINE2:
	case COL_ADDRESS_LINE3:
		return "address";
	default:
		return NULL;
	}
}

/* One CSV field, quoted when it must be; values as they are (no guard:
 * this is evidence, not a sheet to edit). */
static void
csv_field(struct buf *b, const char *s, int last)
{
	int	q;

	if (s == NULL)
		s = "";
	q = strpbrk(s, ",\"\r\n") != NULL;
	buf_reserve(b, 2 * strlen(s) + 4);
	if (q)
		b->s[b->len++] = '"';
	for (; *s != '\0'; s++) {
		if (*s == '"')
			b->s[b->len++] = '"';
		b->s[b->len++] = *s;
	}
	if (q)
		b->s[b->len++] = '"';
	if (last) {
		b->s[b->len++] = '\r';
		b->s[b->len++] = '\n';
	} else
		b->s[b->len++] = ',';
	b->s[b->len] = '\0';
}

/* A value as the pack shows it: masked when the column is personal. */
static char *
shown(const struct evidence_mask *mk, int col, const char *v)
{
	const char	*kind = personal(col);

	if (mk == NULL || kind == NULL)
		return xstrdup(v != NULL ? v : "");
	return evidence_mask(mk, kind, v);
}

/* A byte that belongs to a word: a letter or digit, or part of a UTF-8
 * sequence. */
static int
wordch(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* A personal value a message may quote, and the kind its mask names. */
struct quoted {
	const char	*v;
	size_t		 len;
	const char	*kind;
};

static int
quoted_cmp(const void *a, const void *b)
{
	const struct quoted	*x = a, *y = b;

	return x->len < y->len ? 1 : x->len > y->len ? -1 : 0;
}

/*
 * msg with each whole quoted value replaced by its mask, in one forward
 * pass: a value matches only where it is not part of a longer word (no
 * letter or digit just before or after it, where it begins or ends with
 * one), the longest first, and what a mask inserts is never searched
 * again. Caller frees.
 */
static char *
mask_message(const struct evidence_mask *mk, const char *msg,
    struct quoted *q, size_t nq)
{
	struct buf		 b;
	const unsigned char	*s = (const unsigned char *)msg;
	char			*m;
	size_t			 i, k, from;

	memset(&b, 0, sizeof b);
	qsort(q, nq, sizeof *q, quoted_cmp);
	for (i = from = 0; s[i] != '\0';) {
		for (k = 0; k < nq; k++) {
			if (strncmp((const char *)s + i, q[k].v,
			    q[k].len) != 0)
				continue;
			if (wordch((unsigned char)q[k].v[0]) && i > 0 &&
			    wordch(s[i - 1]))
				continue;
			if (wordch((unsigned char)q[k].v[q[k].len - 1]) &&
			    wordch(s[i + q[k].len]))
				continue;
			break;
		}
		if (k < nq) {
			buf_add(&b, s + from, i - from);
			m = evidence_mask(mk, q[k].kind, q[k].v);
			buf_add(&b, m, strlen(m));
			free(m);
			i += q[k].len;
			from = i;
		} else
			i++;
	}
	buf_add(&b, s + from, i - from);
	return b.s;
}

static void
quote_add(struct quoted **q, size_t *nq, int col, const char *v)
{
	if (v == NULL || *v == '\0' || personal(col) == NULL)
		return;
	*q = xreallocarray(*q, *nq + 1, sizeof **q);
	(*q)[*nq].v = v;
	(*q)[*nq].len = strlen(v);
	(*q)[(*nq)++].kind = personal(col);
}

struct pass {
	struct report			*rep;
	struct fixup			*fx;
	const struct evidence_mask	*mk;	/* NULL: not redacted */
	const char			*corr;
	struct buf			 plan, ledger;
	int64_t				 changes;
	struct imp_err			*err;
};

static int
on_row(const struct store_report_row *r, void *arg)
{
	struct pass	*p = arg;
	const char	*cust = r->norm[COL_CUSTOMER_ID];
	char		 line[32], http[16], *v, *msg;
	size_t		 i;
	int		 c;

	if (p->rep != NULL && report_add_row(p->rep, r, p->err) == -1)
		return -1;
	if (p->fx != NULL && fixup_wanted(r->state) &&
	    fixup_add_row(p->fx, r, p->err) == -1)
		return -1;
	for (i = 0; i < r->nchanges; i++) {
		csv_field(&p->plan, cust, 0);
		csv_field(&p->plan, column_info[r->changes[i].col].name, 0);
		v = shown(p->mk, r->changes[i].col, r->changes[i].old);
		csv_field(&p->plan, v, 0);
		free(v);
		v = shown(p->mk, r->changes[i].col, r->changes[i].new);
		csv_field(&p->plan, v, 1);
		free(v);
		p->changes++;
	}
	snprintf(line, sizeof line, "%lu", r->line);
	snprintf(http, sizeof http, "%d", r->http_status);
	msg = xstrdup(r->message != NULL ? r->message : "");
	if (p->mk != NULL) {
		/* A message may quote a value (the service's 400 does). */
		struct quoted	*q = NULL;
		size_t		 nq = 0;

		for (c = 0; c < COL_COUNT; c++)
			quote_add(&q, &nq, c, r->norm[c]);
		for (i = 0; i < r->nchanges; i++) {
			quote_add(&q, &nq, r->changes[i].col,
			    r->changes[i].old);
			quote_add(&q, &nq, r->changes[i].col,
			    r->changes[i].new);
		}
		v = mask_message(p->mk, msg, q, nq);
		free(msg);
		msg = v;
		free(q);
	}
	csv_field(&p->ledger, line, 0);
	csv_field(&p->ledger, cust, 0);
	csv_field(&p->ledger, outcome_name(r->state), 0);
	csv_field(&p->ledger, r->http_status != 0 ? http : "", 0);
	csv_field(&p->ledger, r->error_code, 0);
	csv_field(&p->ledger, r->request_id, 0);
	csv_field(&p->ledger, r->request_id != NULL || r->http_status != 0 ?
	    p->corr : "", 0);
	csv_field(&p->ledger, msg, 1);
	free(msg);
	return 0;
}

/* A file path as a redacted pack shows it: masked, keeping at most the
 * base name's extension (".csv"). Caller frees. */
static char *
mask_path(const struct evidence_mask *mk, const char *path)
{
	const char	*b = strrchr(path, '/'), *x;
	char		*m, *out;
	size_t		 i;

	b = b != NULL ? b + 1 : path;
	m = evidence_mask(mk, "path", path);
	if ((x = strrchr(b, '.')) == NULL || x == b || strlen(x) > 6)
		return m;
	for (i = 1; x[i] != '\0'; i++)
		if (!wordch((unsigned char)x[i]) || (unsigned char)x[i] >= 0x80)
			return m;
	out = xasprintf("%s%s", m, x);
	free(m);
	return out;
}

/*
 * An entry's detail as a redacted pack shows it: the file paths in it
 * (stage's file, report's files, an earlier pack's path, any value that
 * is an absolute path) and an approval's note masked. NULL when nothing
 * was masked; else a new JSON text (caller frees).
 */
static char *
mask_detail(const struct evidence_mask *mk, const char *what,
    const char *detail)
{
	static const char *const	 paths[] = { "file", "xlsx",
	    "fixup_csv", "pack", NULL };
	const char *const		*k;
	json_t				*o, *v;
	const char			*key, *sv;
	char				*m, *out = NULL;
	void				*tmp;
	int				 n = 0;

	if (detail == NULL || (o = json_loads(detail, 0, NULL)) == NULL)
		return NULL;
	json_object_foreach_safe(o, tmp, key, v) {
		if (!json_is_string(v))
			continue;
		sv = json_string_value(v);
		for (k = paths; *k != NULL; k++)
			if (strcmp(key, *k) == 0)
				break;
		if (*k != NULL || *sv == '/')
			m = mask_path(mk, sv);
		else if (strcmp(key, "note") == 0 && what != NULL &&
		    strcmp(what, "approve") == 0)
			m = evidence_mask(mk, "note", sv);
		else
			continue;
		json_object_set_new(o, key, json_string(m));
		free(m);
		n++;
	}
	if (n > 0)
		out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	return out;
}

struct trail_out {
	json_t				*a;
	const struct evidence_mask	*mk;	/* NULL: not redacted */
};

static int
on_entry(const struct audit_entry *e, void *arg)
{
	struct trail_out	*t = arg;
	json_t			*o = json_object();
	char			*md = NULL;

	if (t->mk != NULL)
		md = mask_detail(t->mk, e->what, e->detail);
#define S(k, v)	json_object_set_new(o, k, (v) != NULL ? json_string(v) : \
	    json_null())
	json_object_set_new(o, "id", json_integer(e->id));
	S("at", e->at);
	S("who", e->who);
	S("what", e->what);
	json_object_set_new(o, "run", json_integer(e->run));
	S("input_sha256", e->input_sha256);
	S("plan_hash", e->plan_hash);
	S("detail", md != NULL ? md : e->detail);
	S("prev", e->prev);
	S("hash", e->hash);
#undef S
	/* The stored hash covers the detail as it was: say it cannot be
	 * recomputed from this one. */
	if (md != NULL)
		json_object_set_new(o, EVIDENCE_MASKED_KEY, json_true());
	free(md);
	json_array_append_new(t->a, o);
	return 0;
}

static int
on_approval(const struct store_approval *ap, void *arg)
{
	struct trail_out	*t = arg;
	json_t			*o = json_object();
	char			*m;

	json_object_set_new(o, "approver", json_string(ap->approver));
	json_object_set_new(o, "at", json_string(ap->at));
	if (ap->note == NULL)
		json_object_set_new(o, "note", json_null());
	else if (t->mk != NULL) {
		m = evidence_mask(t->mk, "note", ap->note);
		json_object_set_new(o, "note", json_string(m));
		free(m);
	} else
		json_object_set_new(o, "note", json_string(ap->note));
	json_object_set_new(o, "plan_hash", json_string(ap->plan_hash));
	json_object_set_new(o, "void", json_boolean(ap->void_));
	json_array_append_new(t->a, o);
	return 0;
}

/* A file's bytes, or NULL (errno set). */
static void *
slurp(const char *path, size_t *len)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	size_t		 off = 0;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		if (errno == 0)
			errno = EINVAL;
		return NULL;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size &&
	    (n = read(fd, buf + off, (size_t)sb.st_size - off)) > 0)
		off += (size_t)n;
	close(fd);
	*len = off;
	return buf;
}

static const char *
base_name(const char *path)
{
	const char	*s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

/* Where the run's accounts were read: the cloud it names. */
static const char *
cloud_of(const char *src)
{
	if (*src == '\0')
		return "none (not checked)";
	if (strncmp(src, SERVICE_CHINA_API, strlen(SERVICE_CHINA_API)) == 0)
		return "china (21Vianet)";
	if (strncmp(src, SERVICE_GLOBAL_API, strlen(SERVICE_GLOBAL_API)) == 0)
		return "global";
	if (strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) == 0)
		return "another endpoint (a sandbox or a proxy)";
	return "none (checked offline against a snapshot)";
}

static void
left_out(json_t *lo, const char *member, const char *why)
{
	json_t	*o = json_object();

	json_object_set_new(o, "member", json_string(member));
	json_object_set_new(o, "why", json_string(why));
	json_array_append_new(lo, o);
}

static void
rmtree(const char *dir, const char *const *names)
{
	char	*p;

	for (; *names != NULL; names++) {
		p = xasprintf("%s/%s", dir, *names);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static int
write_pack(struct store *st, int64_t run, const char *out, int redact)
{
	static const char *const	 tmpnames[] = { "report.xlsx",
	    "fixup.csv", NULL };
	struct store_report_run		 rr;
	struct store_report_sizes	 sz;
	struct outcome_counts		 oc;
	struct report_opts		 ro;
	struct report_result		 res;
	struct evidence_mask		 mk;
	struct evidence_pack		 pk;
	struct imp_err			 err;
	struct pass			 p;
	struct trail_out		 ta, tt;
	json_t				*man, *trail, *appr, *lo, *in, *d;
	char				*dir = NULL, *xlsx = NULL, *csv = NULL;
	char				*text, now[32], msha[65], isha[65];
	void				*buf;
	size_t				 len;
	time_t				 t;
	int				 rc, began = 0;

	memset(&err, 0, sizeof err);
	memset(&rr, 0, sizeof rr);
	memset(&p, 0, sizeof p);
	memset(&pk, 0, sizeof pk);
	p.err = &err;
	man = json_object();
	trail = json_array();
	appr = json_array();
	lo = json_array();
	if (redact) {
		if (evidence_mask_init(&mk, &err) == -1)
			goto fail;
		p.mk = &mk;
	}
	ta.a = appr;
	ta.mk = p.mk;
	tt.a = trail;
	tt.mk = p.mk;
	if (store_report_begin(st, &err) == -1)
		goto fail;
	began = 1;
	if (store_report_run(st, run, &rr, &err) == -1 ||
	    store_report_sizes(st, &rr, &sz, &err) == -1 ||
	    store_run_counts(st, rr.id, &oc, &err) == -1 ||
	    store_approval_each(st, rr.id, on_approval, &ta, &err) == -1 ||
	    store_audit_each(st, 0, on_entry, &tt, &err) == -1)
		goto fail;
	p.corr = rr.correlation_id;

	/* The report and the fix-up, by their own modules, in a folder only
	 * we can read; not in a redacted pack. */
	if (!redact) {
		dir = tempfile_template("evidence");
		if (mkdtemp(dir) == NULL) {
			imp_errf(&err, IMP_EXIT_SOFTWARE, "%s: %s", dir,
			    strerror(errno));
			free(dir);
			dir = NULL;
			goto fail;
		}
		xlsx = xasprintf("%s/report.xlsx", dir);
		csv = xasprintf("%s/fixup.csv", dir);
		memset(&ro, 0, sizeof ro);
		ro.path = xlsx;
		ro.version = PACKAGE_VERSION;
		ro.fixup_path = "fixup.csv";
		if ((p.rep = report_open(&ro, &rr, &sz, &oc, &err)) == NULL ||
		    (p.fx = fixup_open(csv, &rr, &err)) == NULL)
			goto fail;
	}
	csv_field(&p.plan, "customer_id", 0);
	csv_field(&p.plan, "field", 0);
	csv_field(&p.plan, "old", 0);
	csv_field(&p.plan, "new", 1);
	csv_field(&p.ledger, "row", 0);
	csv_field(&p.ledger, "customer_id", 0);
	csv_field(&p.ledger, "outcome", 0);
	csv_field(&p.ledger, "http_status", 0);
	csv_field(&p.ledger, "service_code", 0);
	csv_field(&p.ledger, "ms_request_id", 0);
	csv_field(&p.ledger, "ms_correlation_id", 0);
	csv_field(&p.ledger, "message", 1);
	if (store_report_rows(st, &rr, 0, on_row, &p, &err) == -1)
		goto fail;
	if (p.fx != NULL) {
		int64_t	fixrows = fixup_rows(p.fx);

		rc = fixup_close(p.fx, &err);
		p.fx = NULL;
		if (rc == -1)
			goto fail;
		rc = report_close(p.rep, st, fixrows, &res, &err);
		p.rep = NULL;
		if (rc == -1)
			goto fail;
	}
	store_report_end(st);
	began = 0;

	/* The input, as staged: only if it is still the file staged. */
	in = json_object();
	if (redact) {
		text = mask_path(&mk, rr.file);
		json_object_set_new(in, "file", json_string(text));
		free(text);
	} else
		json_object_set_new(in, "file", json_string(rr.file));
	json_object_set_new(in, "sha256", json_string(rr.sha256));
	if (redact) {
		json_object_set_new(in, "included", json_false());
		left_out(lo, "input", "a redacted pack: the input holds every "
		    "cell as it came in");
	} else if ((buf = slurp(rr.file, &len)) == NULL) {
		json_object_set_new(in, "included", json_false());
		text = xasprintf("the input is no longer readable where it "
		    "was staged: %s", strerror(errno));
		left_out(lo, "input", text);
		free(text);
	} else if (evidence_sha256(buf, len, isha) == 0 &&
	    strcmp(isha, rr.sha256) == 0) {
		text = xasprintf("input/%s", base_name(rr.file));
		json_object_set_new(in, "included", json_true());
		json_object_set_new(in, "member", json_string(text));
		if (evidence_add(&pk, text, buf, len, &err) == -1) {
			free(text);
			goto fail;
		}
		free(text);
	} else {
		free(buf);
		json_object_set_new(in, "included", json_false());
		text = xasprintf("the file at %s has changed since it was "
		    "staged (SHA-256 %.16s, staged %.16s)", rr.file, isha,
		    rr.sha256);
		left_out(lo, "input", text);
		free(text);
	}

	if (evidence_add(&pk, "plan.csv", p.plan.s, p.plan.len, &err) == -1) {
		p.plan.s = NULL;
		goto fail;
	}
	p.plan.s = NULL;
	if (evidence_add(&pk, "ledger.csv", p.ledger.s, p.ledger.len,
	    &err) == -1) {
		p.ledger.s = NULL;
		goto fail;
	}
	p.ledger.s = NULL;
	text = json_dumps(trail, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (evidence_add(&pk, "trail.json", text, strlen(text), &err) == -1)
		goto fail;
	if (redact) {
		left_out(lo, "report.xlsx", "a redacted pack: the report "
		    "shows the cells as they came in (raw cells, unknown "
		    "columns, messages quoting values)");
		left_out(lo, "fixup.csv", "a redacted pack: the fix-up CSV is "
		    "the input's rows in the input's columns");
	} else {
		if ((buf = slurp(xlsx, &len)) == NULL) {
			imp_errf(&err, IMP_EXIT_SOFTWARE, "the report: %s",
			    strerror(errno));
			goto fail;
		}
		if (evidence_add(&pk, "report.xlsx", buf, len, &err) == -1)
			goto fail;
		if ((buf = slurp(csv, &len)) == NULL) {
			imp_errf(&err, IMP_EXIT_SOFTWARE, "the fix-up CSV: %s",
			    strerror(errno));
			goto fail;
		}
		if (evidence_add(&pk, "fixup.csv", buf, len, &err) == -1)
			goto fail;
	}

	t = time(NULL);
	strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	json_object_set_new(man, "format", json_string(EVIDENCE_FORMAT));
	json_object_set_new(man, "run", json_integer(rr.id));
	json_object_set_new(man, "created_at", json_string(now));
	json_object_set_new(man, "created_by", json_string(cmd_operator()));
	json_object_set_new(man, "importer_version",
	    json_string(PACKAGE_VERSION));
	json_object_set_new(man, "staged_by_version", json_string(rr.version));
	json_object_set_new(man, "redacted", json_boolean(redact));
	if (redact)
		json_object_set_new(man, "redaction", json_string("names, "
		    "company names, emails, phones and address lines are "
		    "masked as [kind:HMAC-SHA-256 with a random key made for "
		    "this pack and not kept, first 12 hex digits]: the same "
		    "value has the same mask within this pack only; customer "
		    "IDs, outcomes and hashes are as they are. File paths "
		    "(the extension kept) and approval notes are masked too, "
		    "here and in trail.json; the hashes cover the fields as "
		    "they were, so the trail's entries with masked fields "
		    "(\"" EVIDENCE_MASKED_KEY "\": true) cannot be "
		    "re-hashed: the chain's links verify; entries with masked "
		    "fields are taken on their stored hash"));
	json_object_set_new(man, "input", in);
	json_object_set_new(man, "plan_hash", json_string(rr.plan_hash));
	json_object_set_new(man, "plan_changes", json_integer(p.changes));
	json_object_set_new(man, "operator", json_string(rr.operator));
	json_object_set_new(man, "preparer", json_string(rr.preparer));
	json_object_set_new(man, "approvals", appr);
	appr = NULL;
	json_object_set_new(man, "staged_at", json_string(rr.staged_at));
	json_object_set_new(man, "checked_at", json_string(rr.checked_at));
	json_object_set_new(man, "submitted_at",
	    json_string(rr.submitted_at));
	json_object_set_new(man, "endpoint", json_string(rr.check_source));
	json_object_set_new(man, "cloud", json_string(cloud_of(
	    rr.check_source)));
	json_object_set_new(man, "ms_correlation_id",
	    json_string(rr.correlation_id));
	d = json_object();
	cmd_counts_json(d, &oc);
	json_object_set_new(man, "counts", d);
	json_object_set_new(man, "left_out", lo);
	lo = NULL;
	rc = evidence_write(out, &pk, man, msha, &err);
	man = NULL;
	if (rc == -1)
		goto fail;

	d = json_object();
	json_object_set_new(d, "pack", json_string(out));
	json_object_set_new(d, "manifest_sha256", json_string(msha));
	json_object_set_new(d, "redacted", json_boolean(redact));
	json_object_set_new(d, "members", json_integer((json_int_t)pk.n));
	if ((rc = cmd_audit(st, "evidence", rr.id, d)) != 0)
		goto out;
	if (imp_opts.json) {
		d = json_object();
		json_object_set_new(d, "run", json_integer(rr.id));
		json_object_set_new(d, "pack", json_string(out));
		json_object_set_new(d, "members", json_integer(
		    (json_int_t)pk.n + 1));
		json_object_set_new(d, "manifest_sha256", json_string(msha));
		json_object_set_new(d, "redacted", json_boolean(redact));
		cmd_json_print(d);
	} else if (!imp_opts.quiet)
		printf("evidence pack of run %lld: %s (%zu members%s)\n"
		    "  manifest SHA-256 %s (kept in the audit trail)\n",
		    (long long)rr.id, out, pk.n + 1, redact ? ", redacted" :
		    "", msha);
	rc = 0;
	goto out;
fail:
	fixup_abort(p.fx);
	report_abort(p.rep);
	if (began)
		store_report_end(st);
	rc = cmd_fail(&err);
out:
	if (dir != NULL)
		rmtree(dir, tmpnames);
	free(dir);
	free(xlsx);
	free(csv);
	buf_free(&p.plan);
	buf_free(&p.ledger);
	evidence_pack_free(&pk);
	json_decref(man);
	json_decref(trail);
	json_decref(appr);
	json_decref(lo);
	store_report_run_free(&rr);
	return rc;
}

static int
check_pack(const char *path)
{
	struct evidence_result	 res;
	struct imp_err		 err;
	json_t			*o, *a;
	size_t			 i;
	int			 rc;

	memset(&err, 0, sizeof err);
	if (evidence_check(path, &res, &err) == -1)
		return cmd_fail(&err);
	rc = res.nfailed == 0 ? IMP_EXIT_OK : IMP_EXIT_DATAERR;
	if (imp_opts.json) {
		o = json_object();
		a = json_array();
		for (i = 0; i < res.nfailed; i++)
			json_array_append_new(a, json_string(res.failed[i]));
		json_object_set_new(o, "pack", json_string(path));
		json_object_set_new(o, "run", json_incref(json_object_get(
		    res.manifest, "run")));
		json_object_set_new(o, "holds", json_boolean(rc == 0));
		json_object_set_new(o, "members", json_integer(
		    (json_int_t)res.members));
		json_object_set_new(o, "trail_entries",
		    json_integer(res.entries));
		json_object_set_new(o, "trail_masked",
		    json_integer(res.masked));
		json_object_set_new(o, "trail_last_id",
		    json_integer(res.last_id));
		json_object_set_new(o, "trail_last_hash", res.last_hash[0] !=
		    '\0' ? json_string(res.last_hash) : json_null());
		json_object_set_new(o, "approvals", json_integer(
		    (json_int_t)res.approvals));
		json_object_set_new(o, "failed", a);
		cmd_json_print(o);
	} else {
		for (i = 0; i < res.nfailed; i++)
			fprintf(stderr, "importer: %s: %s\n", path,
			    res.failed[i]);
		if (!imp_opts.quiet)
			printf("evidence pack %s (run %lld): %s\n"
			    "  %zu members match the manifest, trail of %lld "
			    "entries, %zu approval%s of the plan by a second "
			    "person\n", path, (long long)json_integer_value(
			    json_object_get(res.manifest, "run")), rc == 0 ?
			    "holds" : "DOES NOT HOLD", res.members,
			    res.entries, res.approvals, res.approvals == 1 ?
			    "" : "s");
		if (!imp_opts.quiet && res.last_hash[0] != '\0')
			printf("  the trail's newest entry: %lld, hash %s (the "
			    "database's trail must hold it: a tail cut off "
			    "shows only there)\n", res.last_id, res.last_hash);
		if (!imp_opts.quiet && res.masked > 0)
			printf("  redacted: the chain's links verify; %lld "
			    "entr%s with masked fields %s taken on %s stored "
			    "hash\n", res.masked, res.masked == 1 ? "y" :
			    "ies", res.masked == 1 ? "is" : "are",
			    res.masked == 1 ? "its" : "their");
	}
	evidence_result_free(&res);
	return rc;
}

static int
cmd_evidence_exec(int argc, char **argv)
{
	struct cmd_opts	 opts;
	struct imp_err	 err;
	struct store	*st = NULL;
	const char	*out = NULL, *check = NULL;
	int64_t		 run;
	int		 ch, rc, redact = 0;

	memset(&opts, 0, sizeof opts);
	memset(&err, 0, sizeof err);
	while ((ch = cmd_getopt(&cmd_evidence_entry, argc, argv,
	    &opts)) != -1) {
		if (ch == 'o')
			out = optarg;
		else if (ch == 'r')
			redact = 1;
		else if (ch == 'c')
			check = optarg;
		else
			return opts.exit;
	}
	if (check != NULL) {
		if (out != NULL || redact || optind < argc)
			return cmd_usage(&cmd_evidence_entry, "--check takes "
			    "the pack alone");
		return check_pack(check);
	}
	if (out == NULL)
		return cmd_usage(&cmd_evidence_entry, "-o FILE.zip: where "
		    "the pack goes");
	if ((rc = cmd_run_operand(&cmd_evidence_entry, argc, argv, &run)) != 0)
		return rc;
	if ((st = store_open(imp_opts.db, &err)) == NULL)
		rc = cmd_fail(&err);
	else
		rc = write_pack(st, run, out, redact);
	store_close(st);
	return rc;
}
