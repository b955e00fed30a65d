/*
 * evidence.c: the evidence pack's zip (libzip), its manifest, the masking
 * of a redacted pack, and the offline check of a pack: every member
 * against the manifest, the trail's chain (audit.c), the approvals
 * against the plan hash.
 */
#include "config.h"

#include "evidence.h"

#include <sys/stat.h>

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <zip.h>

#include "audit.h"
#include "hex.h"
#include "xmalloc.h"

int
evidence_sha256(const void *p, size_t len, char hex[65])
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	dn = 0;

	if (EVP_Digest(p, len, d, &dn, EVP_sha256(), NULL) != 1 || dn != 32)
		return -1;
	hex_encode(d, 32, hex);
	return 0;
}

int
evidence_add(struct evidence_pack *p, const char *name, void *data,
    size_t len, struct imp_err *err)
{
	struct evidence_member	*m;

	p->m = xreallocarray(p->m, p->n + 1, sizeof *p->m);
	m = &p->m[p->n++];
	m->name = xstrdup(name);
	m->data = data;
	m->len = len;
	if (evidence_sha256(data != NULL ? data : "", len, m->sha256) == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: SHA-256 failed",
		    name);
	return 0;
}

void
evidence_pack_free(struct evidence_pack *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		free(p->m[i].name);
		free(p->m[i].data);
	}
	free(p->m);
	p->m = NULL;
	p->n = 0;
}

static int
zip_fail(zip_t *z, const char *path, struct imp_err *err)
{
	imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path, zip_strerror(z));
	zip_discard(z);
	remove(path);
	return -1;
}

/* Adds a member from a buffer that outlives zip_close. */
static int
zip_member(zip_t *z, const char *name, const void *data, size_t len)
{
	zip_source_t	*src;

	if ((src = zip_source_buffer(z, len > 0 ? data : "", len, 0)) == NULL)
		return -1;
	if (zip_file_add(z, name, src, ZIP_FL_ENC_UTF_8) < 0) {
		zip_source_free(src);
		return -1;
	}
	return 0;
}

int
evidence_write(const char *path, const struct evidence_pack *p,
    json_t *manifest, char manifest_sha256[65], struct imp_err *err)
{
	zip_t	*z;
	json_t	*ms, *o;
	char	*text;
	size_t	 i;
	mode_t	 mask;
	int	 ze, rc;

	ms = json_array();
	for (i = 0; i < p->n; i++) {
		o = json_object();
		json_object_set_new(o, "name", json_string(p->m[i].name));
		json_object_set_new(o, "bytes", json_integer((json_int_t)
		    p->m[i].len));
		json_object_set_new(o, "sha256", json_string(p->m[i].sha256));
		json_array_append_new(ms, o);
	}
	json_object_set_new(manifest, "members", ms);
	text = json_dumps(manifest, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(manifest);
	if (text == NULL)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: the manifest",
		    path);
	if (evidence_sha256(text, strlen(text), manifest_sha256) == -1) {
		free(text);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "SHA-256 failed");
	}
	if ((z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &ze)) == NULL) {
		zip_error_t	zerr;

		zip_error_init_with_code(&zerr, ze);
		imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s", path,
		    zip_error_strerror(&zerr));
		zip_error_fini(&zerr);
		free(text);
		return -1;
	}
	if (zip_member(z, EVIDENCE_MANIFEST, text, strlen(text)) == -1)
		goto fail;
	for (i = 0; i < p->n; i++)
		if (zip_member(z, p->m[i].name, p->m[i].data,
		    p->m[i].len) == -1)
			goto fail;
	/* Personal data: 0600 like the database, whatever the umask (libzip
	 * creates the file at close). */
	mask = umask(077);
	rc = zip_close(z);
	umask(mask);
	if (rc == -1)
		goto fail;
	free(text);
	if (chmod(path, 0600) == -1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "%s: %s", path,
		    strerror(errno));
	return 0;
fail:
	free(text);
	return zip_fail(z, path, err);
}

int
evidence_mask_init(struct evidence_mask *mk, struct imp_err *err)
{
	if (RAND_bytes(mk->key, sizeof mk->key) != 1)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "no random key for "
		    "the masking");
	return 0;
}

char *
evidence_mask(const struct evidence_mask *mk, const char *kind,
    const char *value)
{
	unsigned char	d[EVP_MAX_MD_SIZE];
	unsigned int	dn = 0;
	char		hex[2 * EVP_MAX_MD_SIZE + 1];

	if (value == NULL || *value == '\0')
		return xstrdup(value != NULL ? value : "");
	if (HMAC(EVP_sha256(), mk->key, (int)sizeof mk->key,
	    (const unsigned char *)value, strlen(value), d, &dn) == NULL)
		return xstrdup("[masked]");
	hex_encode(d, 6, hex);
	return xasprintf("[%s:%s]", kind, hex);
}

/* --- the check --- */

static void
failed(struct evidence_result *res, const char *fmt, ...)
{
	va_list	ap;
	char	buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	res->failed = xreallocarray(res->failed, res->nfailed + 1,
	    sizeof *res->failed);
	res->failed[res->nfailed++] = xstrdup(buf);
}

void
evidence_result_free(struct evidence_result *res)
{
	size_t	i;

	for (i = 0; i < res->nfailed; i++)
		free(res->failed[i]);
	free(res->failed);
	json_decref(res->manifest);
	memset(res, 0, sizeof *res);
}

/*
 * Whether a member's name is one a reader could be tricked by on
 * extracting the pack: empty, absolute (a leading / or \, a drive
 * letter) or with a ".." component (either separator).
 */
static int
bad_name(const char *name)
{
	const char	*p, *q;

	if (*name == '\0' || *name == '/' || *name == '\\' ||
	    (name[0] != '\0' && name[1] == ':'))
		return 1;
	for (p = name;; p = q + 1) {
		q = p + strcspn(p, "/\\");
		if (q - p == 2 && p[0] == '.' && p[1] == '.')
			return 1;
		if (*q == '\0')
			return 0;
	}
}

/*
 * A member's SHA-256, read EVIDENCE_CHUNK bytes at a time whatever size
 * the zip declares. Returns 0, or -1 when it cannot be read.
 */
static int
zip_hash(zip_t *z, const char *name, char hex[65])
{
	EVP_MD_CTX	*md;
	zip_file_t	*f;
	unsigned char	 d[EVP_MAX_MD_SIZE];
	unsigned int	 dn = 0;
	char		*buf;
	zip_int64_t	 n;
	int		 rc = -1;

	if ((f = zip_fopen(z, name, 0)) == NULL)
		return -1;
	if ((md = EVP_MD_CTX_new()) == NULL) {
		zip_fclose(f);
		return -1;
	}
	buf = xmalloc(EVIDENCE_CHUNK);
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = zip_fread(f, buf, EVIDENCE_CHUNK)) > 0)
		if (EVP_DigestUpdate(md, buf, (size_t)n) != 1)
			goto out;
	if (n < 0 || EVP_DigestFinal_ex(md, d, &dn) != 1 || dn != 32)
		goto out;
	hex_encode(d, 32, hex);
	rc = 0;
out:
	free(buf);
	EVP_MD_CTX_free(md);
	zip_fclose(f);
	return rc;
}

/*
 * A member's bytes (NUL-terminated, caller frees), read in chunks and
 * never more than EVIDENCE_MAX_LOAD of them whatever the zip declares;
 * NULL with *toobig set when it holds more, NULL when it cannot be read.
 */
static char *
zip_read(zip_t *z, const char *name, size_t *len, int *toobig)
{
	zip_file_t	*f;
	char		*buf;
	size_t		 cap = EVIDENCE_CHUNK, off = 0;
	zip_int64_t	 n;

	*toobig = 0;
	if ((f = zip_fopen(z, name, 0)) == NULL)
		return NULL;
	buf = xmalloc(cap + 1);
	for (;;) {
		if (off == cap) {
			if (cap >= EVIDENCE_MAX_LOAD) {
				/* One byte more than the cap: too big. */
				char	c;

				if ((n = zip_fread(f, &c, 1)) > 0) {
					*toobig = 1;
					goto fail;
				}
				if (n < 0)
					goto fail;
				break;
			}
			cap = cap * 2 > EVIDENCE_MAX_LOAD ? EVIDENCE_MAX_LOAD :
			    cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		if ((n = zip_fread(f, buf + off, cap - off)) < 0)
			goto fail;
		if (n == 0)
			break;
		off += (size_t)n;
	}
	zip_fclose(f);
	buf[off] = '\0';
	*len = off;
	return buf;
fail:
	zip_fclose(f);
	free(buf);
	return NULL;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The trail: its chain, and what it says of the run's stage, check and
 * approvals. */
struct trail_facts {
	const char	*check_plan;	/* the run's last check's plan hash */
	const char	*check_who;	/* and who ran it: the preparer */
	const char	*stage_input;	/* the run's stage's input SHA-256 */
	int		 staged;	/* the run's stage entry is there */
};

static void
check_trail(const char *text, size_t len, json_int_t run, int redacted,
    struct evidence_result *res, json_t **trail, struct trail_facts *tf)
{
	struct audit_chain	 c;
	struct audit_entry	 e;
	json_error_t		 je;
	json_t			*a, *o;
	size_t			 i;
	int			 masked;

	*trail = a = json_loadb(text, len, 0, &je);
	if (!json_is_array(a)) {
		failed(res, "trail.json: not a JSON array of entries (%s)",
		    je.text);
		return;
	}
	audit_chain_init(&c);
	json_array_foreach(a, i, o) {
		memset(&e, 0, sizeof e);
		if (!json_is_object(o)) {
			failed(res, "trail.json: entry %zu is not an object",
			    i + 1);
			return;
		}
		e.id = json_integer_value(json_object_get(o, "id"));
		e.at = jstr(o, "at");
		e.who = jstr(o, "who");
		e.what = jstr(o, "what");
		e.run = json_integer_value(json_object_get(o, "run"));
		e.input_sha256 = jstr(o, "input_sha256");
		e.plan_hash = jstr(o, "plan_hash");
		e.detail = jstr(o, "detail");
		e.prev = jstr(o, "prev");
		e.hash = jstr(o, "hash");
		masked = json_is_true(json_object_get(o, EVIDENCE_MASKED_KEY));
		if (e.hash == NULL || e.prev == NULL) {
			failed(res, "trail.json: entry %" PRId64 " has no "
			    "hash or no prev", e.id);
			return;
		}
		if (masked && !redacted) {
			failed(res, "trail.json: entry %" PRId64 " says its "
			    "detail is masked in a pack that is not redacted",
			    e.id);
			return;
		}
		if (masked) {
			/* Its detail is not what the hash covers: only the
			 * link to the entry before can be checked. */
			c.entries++;
			if (strcmp(e.prev, c.prev) != 0) {
				failed(res, "trail.json: the chain does not "
				    "hold at entry %" PRId64 ": it does not "
				    "carry the hash of the entry before it",
				    e.id);
				return;
			}
			snprintf(c.prev, sizeof c.prev, "%s", e.hash);
			res->masked++;
		} else if (audit_chain_next(&c, &e) == -1) {
			failed(res, "trail.json: the chain does not hold at "
			    "entry %" PRId64 ": %s", c.broken_id, c.why);
			return;
		}
		res->last_id = e.id;
		snprintf(res->last_hash, sizeof res->last_hash, "%s", e.hash);
		if (e.run == run && e.what != NULL &&
		    strcmp(e.what, "check") == 0) {
			tf->check_plan = e.plan_hash;
			tf->check_who = e.who;
		}
		if (e.run == run && e.what != NULL &&
		    strcmp(e.what, "stage") == 0) {
			tf->stage_input = e.input_sha256;
			tf->staged = 1;
		}
	}
	res->entries = c.entries;
	if (!tf->staged)
		failed(res, "trail.json: no stage entry for run %" PRId64
		    ": the trail is not the run's", (int64_t)run);
	if (tf->check_who == NULL)
		failed(res, "trail.json: no check entry for run %" PRId64
		    ": nobody is recorded as the plan's preparer",
		    (int64_t)run);
}

/* Whether the trail records approver's approval of plan in run. */
static int
trail_approved(json_t *trail, json_int_t run, const char *approver,
    const char *plan)
{
	json_t	*o;
	size_t	 i;

	json_array_foreach(trail, i, o) {
		const char	*what = jstr(o, "what"), *who = jstr(o, "who");
		const char	*ph = jstr(o, "plan_hash");

		if (json_integer_value(json_object_get(o, "run")) == run &&
		    what != NULL && strcmp(what, "approve") == 0 &&
		    who != NULL && strcmp(who, approver) == 0 &&
		    ph != NULL && strcmp(ph, plan) == 0)
			return 1;
	}
	return 0;
}

/* The approvals; preparer is who ran the run's last check as the trail
 * (whose chain is verified) says, not the manifest's word. */
static void
check_approvals(json_t *man, json_t *trail, const char *preparer,
    struct evidence_result *res)
{
	json_t		*a, *o;
	json_int_t	 run = json_integer_value(json_object_get(man, "run"));
	const char	*plan = jstr(man, "plan_hash");
	const char	*said = jstr(man, "preparer");
	const char	*who, *ph;
	size_t		 i;

	if (preparer != NULL && said != NULL && strcasecmp(said,
	    preparer) != 0)
		failed(res, "manifest.json: the preparer %s is not who ran the "
		    "run's last check in the trail (%s)", said, preparer);
	a = json_object_get(man, "approvals");
	if (a != NULL && !json_is_array(a)) {
		failed(res, "manifest.json: approvals is not a list");
		return;
	}
	json_array_foreach(a, i, o) {
		who = jstr(o, "approver");
		ph = jstr(o, "plan_hash");
		if (json_is_true(json_object_get(o, "void")))
			continue;
		if (who == NULL || ph == NULL) {
			failed(res, "manifest.json: approval %zu names no "
			    "approver or no plan hash", i + 1);
			continue;
		}
		if (plan == NULL || strcmp(ph, plan) != 0) {
			failed(res, "approval by %s is of plan %.16s, not of "
			    "the pack's plan %.16s", who, ph, plan != NULL ?
			    plan : "(none)");
			continue;
		}
		if (preparer == NULL) {
			failed(res, "approval by %s cannot be told from the "
			    "preparer's: the trail records no check", who);
			continue;
		}
		if (strcasecmp(who, preparer) == 0) {
			failed(res, "approval by %s is by the plan's preparer "
			    "(who ran check): it is no second person's", who);
			continue;
		}
		if (!json_is_array(trail) || !trail_approved(trail, run, who,
		    ph)) {
			failed(res, "approval by %s of plan %.16s is not in "
			    "the trail", who, ph);
			continue;
		}
		res->approvals++;
	}
}

/* Whether the manifest says why member was left out. */
static int
left_out(json_t *man, const char *member)
{
	json_t		*o;
	const char	*m, *why;
	size_t		 i;

	json_array_foreach(json_object_get(man, "left_out"), i, o)
		if ((m = jstr(o, "member")) != NULL && strcmp(m,
		    member) == 0 && (why = jstr(o, "why")) != NULL &&
		    *why != '\0')
			return 1;
	return 0;
}

static int
named_in(char **named, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(named[i], name) == 0)
			return 1;
	return 0;
}

/* Every member a pack must hold, or say why not. */
static void
check_required(json_t *man, char **named, size_t nnamed,
    struct evidence_result *res)
{
	static const char *const	 always[] = { "plan.csv", "ledger.csv",
	    "trail.json", NULL };
	static const char *const	 unless[] = { "report.xlsx",
	    "fixup.csv", NULL };
	const char *const		*m;
	json_t				*in = json_object_get(man, "input");
	const char			*inname = jstr(in, "member");

	for (m = always; *m != NULL; m++)
		if (!named_in(named, nnamed, *m))
			failed(res, "the pack holds no %s: every pack must",
			    *m);
	for (m = unless; *m != NULL; m++)
		if (!named_in(named, nnamed, *m) && !left_out(man, *m))
			failed(res, "the pack holds no %s and its manifest "
			    "does not say why", *m);
	if (!json_is_object(in) || jstr(in, "sha256") == NULL)
		failed(res, "manifest.json: no input SHA-256");
	else if (json_is_true(json_object_get(in, "included"))) {
		if (inname == NULL || strncmp(inname, "input/", 6) != 0 ||
		    !named_in(named, nnamed, inname))
			failed(res, "manifest.json: the input is said to be "
			    "included, and the pack holds no input/ member "
			    "it names");
	} else if (!left_out(man, "input"))
		failed(res, "the pack holds no input and its manifest does "
		    "not say why");
}

int
evidence_check(const char *path, struct evidence_result *res,
    struct imp_err *err)
{
	zip_t		*z;
	json_error_t	 je;
	json_t		*man, *ms, *o, *trail = NULL, *in;
	struct trail_facts tf;
	char		*text, sha[65], **named = NULL;
	const char	*name, *want, *plan, *insha, *inname;
	zip_int64_t	 k, nent;
	size_t		 len, i, nnamed = 0;
	int		 ze, toobig, redacted;

	memset(res, 0, sizeof *res);
	memset(&tf, 0, sizeof tf);
	if ((z = zip_open(path, ZIP_RDONLY | ZIP_CHECKCONS, &ze)) == NULL) {
		zip_error_t	zerr;

		zip_error_init_with_code(&zerr, ze);
		imp_errf(err, IMP_EXIT_DATAERR, "%s: not a readable zip: %s",
		    path, zip_error_strerror(&zerr));
		zip_error_fini(&zerr);
		return -1;
	}
	if ((nent = zip_get_num_entries(z, 0)) < 0 ||
	    nent > EVIDENCE_MAX_ENTRIES) {
		zip_discard(z);
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: %lld members, "
		    "more than the %d an evidence pack may hold: not read",
		    path, (long long)nent, EVIDENCE_MAX_ENTRIES);
	}
	if ((text = zip_read(z, EVIDENCE_MANIFEST, &len, &toobig)) == NULL) {
		zip_discard(z);
		if (toobig)
			return imp_errf(err, IMP_EXIT_DATAERR, "%s: %s holds "
			    "more than %d MiB: no evidence manifest is that "
			    "large; not read", path, EVIDENCE_MANIFEST,
			    EVIDENCE_MAX_LOAD >> 20);
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: no %s: not an "
		    "evidence pack", path, EVIDENCE_MANIFEST);
	}
	man = json_loadb(text, len, 0, &je);
	free(text);
	ms = json_object_get(man, "members");
	if (!json_is_object(man) || !json_is_array(ms)) {
		json_decref(man);
		zip_discard(z);
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: %s is not an "
		    "evidence manifest", path, EVIDENCE_MANIFEST);
	}
	res->manifest = man;
	redacted = json_is_true(json_object_get(man, "redacted"));

	/* Every member the manifest names, by its SHA-256. */
	json_array_foreach(ms, i, o) {
		name = jstr(o, "name");
		want = jstr(o, "sha256");
		if (name == NULL || want == NULL) {
			failed(res, "manifest.json: member %zu has no name or "
			    "no sha256", i + 1);
			continue;
		}
		if (bad_name(name)) {
			failed(res, "%s: a member's name must not be absolute "
			    "or hold a \"..\" component", name);
			continue;
		}
		if (named_in(named, nnamed, name) || strcmp(name,
		    EVIDENCE_MANIFEST) == 0) {
			failed(res, "%s: named twice in the manifest", name);
			continue;
		}
		named = xreallocarray(named, nnamed + 1, sizeof *named);
		named[nnamed++] = (char *)name;
		if (strcmp(name, "trail.json") == 0) {
			if ((text = zip_read(z, name, &len,
			    &toobig)) == NULL) {
				if (toobig)
					failed(res, "%s: more than %d MiB: not "
					    "read", name,
					    EVIDENCE_MAX_LOAD >> 20);
				else
					failed(res, "%s: named in the "
					    "manifest, missing from the pack",
					    name);
				continue;
			}
			if (evidence_sha256(text, len, sha) == -1)
				sha[0] = '\0';
		} else {
			text = NULL;
			if (zip_hash(z, name, sha) == -1) {
				failed(res, "%s: named in the manifest, missing "
				    "from the pack", name);
				continue;
			}
		}
		if (strcmp(sha, want) != 0) {
			failed(res, "%s: SHA-256 %.16s does not match the "
			    "manifest's %.16s: the member was changed", name,
			    sha, want);
		} else
			res->members++;
		if (text != NULL)
			check_trail(text, len, json_integer_value(
			    json_object_get(man, "run")), redacted, res,
			    &trail, &tf);
		free(text);
	}
	/* And nothing the manifest does not name. */
	for (k = 0; k < nent; k++) {
		name = zip_get_name(z, (zip_uint64_t)k, 0);
		if (name == NULL || strcmp(name, EVIDENCE_MANIFEST) == 0)
			continue;
		if (bad_name(name) && !named_in(named, nnamed, name))
			failed(res, "%s: a member's name must not be absolute "
			    "or hold a \"..\" component", name);
		if (!named_in(named, nnamed, name))
			failed(res, "%s: in the pack, not named in the "
			    "manifest", name);
	}
	check_required(man, named, nnamed, res);
	free(named);

	/* The input, the plan hash and the approvals. */
	plan = jstr(man, "plan_hash");
	in = json_object_get(man, "input");
	insha = jstr(in, "sha256");
	inname = jstr(in, "member");
	if (inname != NULL && insha != NULL) {
		json_array_foreach(ms, i, o)
			if ((name = jstr(o, "name")) != NULL &&
			    strcmp(name, inname) == 0 && (want = jstr(o,
			    "sha256")) != NULL && strcmp(want, insha) != 0)
				failed(res, "%s: not the input that was staged "
				    "(SHA-256 %.16s, staged %.16s)", inname,
				    want, insha);
	}
	if (tf.stage_input != NULL && insha != NULL &&
	    strcmp(tf.stage_input, insha) != 0)
		failed(res, "the input's SHA-256 %.16s is not the one the "
		    "trail's stage entry records (%.16s)", insha,
		    tf.stage_input);
	if (plan != NULL && *plan != '\0' && tf.check_plan != NULL &&
	    strcmp(tf.check_plan, plan) != 0)
		failed(res, "the plan hash %.16s is not the one the trail's "
		    "last check recorded (%.16s)", plan, tf.check_plan);
	check_approvals(man, trail, tf.check_who, res);
	json_decref(trail);
	zip_discard(z);
	return 0;
}
