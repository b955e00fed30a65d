/*
 * cmd_audit.c: who is working (the operator), the entries every step adds
 * to the audit trail, and the approval a profile may require before a
 * plan is sent.
 */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <jansson.h>
#include <utf8proc.h>

#include "cmd.h"
#include "importer.h"
#include "profile.h"
#include "store.h"

const char *
cmd_operator(void)
{
	static char	 name[320];
	struct profile	 pf;
	struct imp_err	 err;
	struct passwd	*pw;
	const char	*user = NULL, *env;
	char		 host[256];

	if (name[0] != '\0')
		return name;
	env = getenv("IMPORTER_USER");
	memset(&pf, 0, sizeof pf);
	memset(&err, 0, sizeof err);
	if (imp_opts.as != NULL)
		snprintf(name, sizeof name, "%s", imp_opts.as);
	else if (env != NULL && *env != '\0')
		snprintf(name, sizeof name, "%s", env);
	else if (profile_load(&pf, imp_opts.profile, &err) == 0 &&
	    pf.user_name != NULL)
		snprintf(name, sizeof name, "%s", pf.user_name);
	else {
		pw = getpwuid(getuid());
		if (pw != NULL)
			user = pw->pw_name;
		if (user == NULL)
			user = getenv("USER");
		if (gethostname(host, sizeof host) == -1)
			snprintf(host, sizeof host, "localhost");
		host[sizeof host - 1] = '\0';
		snprintf(name, sizeof name, "%s@%s", user != NULL ? user :
		    "?", host);
	}
	profile_free(&pf);
	return name;
}

int
cmd_audit(struct store *st, const char *what, int64_t run, json_t *detail)
{
	struct audit_entry	 e;
	struct imp_err		 err;
	char			 sha[65], plan[65], *text = NULL;
	int			 rc = 0;

	memset(&e, 0, sizeof e);
	memset(&err, 0, sizeof err);
	sha[0] = plan[0] = '\0';
	if (run != 0 && store_run_hashes(st, run, sha, plan, &err) == -1) {
		json_decref(detail);
		return cmd_fail(&err);
	}
	if (detail != NULL)
		text = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	e.who = cmd_operator();
	e.what = what;
	e.run = run;
	e.input_sha256 = sha;
	e.plan_hash = plan;
	e.detail = text;
	if (store_audit_add(st, &e, &err) == -1)
		rc = cmd_fail(&err);
	free(text);
	json_decref(detail);
	return rc;
}

int
cmd_audit_counts(struct store *st, const char *what, int64_t run,
    const struct outcome_counts *c)
{
	json_t	*o = json_object();

	cmd_counts_json(o, c);
	return cmd_audit(st, what, run, o);
}

int
cmd_audit_staged(struct store *st, const struct staging_result *r,
    const char *file)
{
	json_t	*o = json_object();

	json_object_set_new(o, "file", json_string(file));
	json_object_set_new(o, "rows", json_integer(r->rows));
	json_object_set_new(o, "valid", json_integer(r->valid));
	json_object_set_new(o, "invalid", json_integer(r->invalid));
	json_object_set_new(o, "duplicate", json_integer(r->duplicate));
	json_object_set_new(o, "blank", json_integer(r->blank));
	return cmd_audit(st, "stage", r->run, o);
}

int
cmd_same_person(const char *a, const char *b)
{
	utf8proc_uint8_t	*x = NULL, *y = NULL;
	char			*p, *q;
	int			 same;

	/* Compatibility forms, case and invisible characters folded:
	 * "Alice", " alice ", "ＡＬＩＣＥ" and "Al\u00ADice" are one person. */
	if (utf8proc_map((const utf8proc_uint8_t *)a, 0, &x, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_STRIPCC) < 0 ||
	    utf8proc_map((const utf8proc_uint8_t *)b, 0, &y, UTF8PROC_NULLTERM |
	    UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
	    UTF8PROC_CASEFOLD | UTF8PROC_IGNORE | UTF8PROC_STRIPCC) < 0) {
		free(x);
		free(y);
		return strcasecmp(a, b) == 0;
	}
	/* Runs of spaces count once; leading and trailing ones not at all. */
	p = (char *)x;
	q = (char *)y;
	for (;;) {
		while (*p == ' ' && (p == (char *)x || p[1] == ' ' ||
		    p[1] == '\0'))
			p++;
		while (*q == ' ' && (q == (char *)y || q[1] == ' ' ||
		    q[1] == '\0'))
			q++;
		if (*p != *q || *p == '\0')
			break;
		p++;
		q++;
	}
	same = *p == *q;
	free(x);
	free(y);
	return same;
}

/* The approvals that stand: of this plan, not voided, not the
 * preparer's own. */
struct standing {
	const char	*plan_hash;
	const char	*preparer;
	int		 n, own;
	char		 who[320];
};

static int
standing_one(const struct store_approval *a, void *arg)
{
	struct standing	*s = arg;

	if (a->void_ || strcmp(a->plan_hash, s->plan_hash) != 0)
		return 0;
	if (cmd_same_person(a->approver, s->preparer)) {
		s->own++;
		return 0;
	}
	if (s->n++ == 0)
		snprintf(s->who, sizeof s->who, "%s", a->approver);
	return 0;
}

int
cmd_approval_gate(struct store *st, const struct store_runinfo *ri,
    const struct profile *pf, const struct outcome_counts *c)
{
	struct standing	 s;
	struct imp_err	 err;
	char		 preparer[320], why[128];

	if (pf->approval == PROFILE_APPROVAL_ALWAYS)
		snprintf(why, sizeof why, "the profile's [approval] required "
		    "= always");
	else if (pf->approval == PROFILE_APPROVAL_FLAGGED && c->review > 0)
		snprintf(why, sizeof why, "%lld row%s flagged for review "
		    "([approval] required = flagged)", (long long)c->review,
		    c->review == 1 ? " is" : "s are");
	else if (pf->approval_min_rows > 0 &&
	    c->changes >= pf->approval_min_rows)
		snprintf(why, sizeof why, "it changes %lld rows ([approval] "
		    "min_rows = %ld)", (long long)c->changes,
		    pf->approval_min_rows);
	else
		return 0;
	memset(&err, 0, sizeof err);
	memset(&s, 0, sizeof s);
	if (store_run_preparer(st, ri->id, preparer, sizeof preparer,
	    &err) == -1)
		return cmd_fail(&err);
	/* Whose plan it is must be known for a second person to count. */
	if (preparer[0] == '\0') {
		fprintf(stderr, "importer: run %lld needs an approval (%s), but "
		    "the trail does not say who prepared plan %.16s: "
		    "'importer check' it again, then have it approved\n",
		    (long long)ri->id, why, ri->plan_hash);
		return IMP_EXIT_NOPERM;
	}
	s.plan_hash = ri->plan_hash;
	s.preparer = preparer;
	if (store_approval_each(st, ri->id, standing_one, &s, &err) == -1)
		return cmd_fail(&err);
	if (s.n > 0)
		return 0;
	fprintf(stderr, "importer: run %lld needs an approval (%s): plan "
	    "%.16s, prepared by %s, has %s; nothing sent: someone other than "
	    "%s runs 'importer approve %lld --as NAME'\n", (long long)ri->id,
	    why, ri->plan_hash, preparer[0] != '\0' ? preparer : "(unknown)",
	    s.own > 0 ? "only its preparer's own approval, which does not "
	    "count" : "no approval", preparer[0] != '\0' ? preparer :
	    "its preparer", (long long)ri->id);
	return IMP_EXIT_NOPERM;
}
