/*
 * audit.c: the canonical text of an audit entry, its hash, and the check
 * of a chain of them. The canonical text gives every field with its
 * length, so that no value can pass for another field's (a note with a
 * line break in it, an empty value next to an absent one).
 */
#include "config.h"

#include "audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "hex.h"

static int
field(EVP_MD_CTX *md, const char *name, const char *v)
{
	char	head[64];

	if (v == NULL)
		snprintf(head, sizeof head, "%s -\n", name);
	else
		snprintf(head, sizeof head, "%s %zu:", name, strlen(v));
	if (EVP_DigestUpdate(md, head, strlen(head)) != 1)
		return -1;
	if (v == NULL)
		return 0;
	if (EVP_DigestUpdate(md, v, strlen(v)) != 1 ||
	    EVP_DigestUpdate(md, "\n", 1) != 1)
		return -1;
	return 0;
}

int
audit_entry_hash(const struct audit_entry *e, char hash[65])
{
	EVP_MD_CTX		*md;
	unsigned char		 d[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0;
	char			 run[32];
	int			 rc = -1;

	hash[0] = '\0';
	if ((md = EVP_MD_CTX_new()) == NULL)
		return -1;
	snprintf(run, sizeof run, "%" PRId64, e->run);
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1 ||
	    field(md, "importer-audit", "1") == -1 ||
	    field(md, "at", e->at) == -1 ||
	    field(md, "who", e->who) == -1 ||
	    field(md, "what", e->what) == -1 ||
	    field(md, "run", e->run != 0 ? run : NULL) == -1 ||
	    field(md, "input_sha256", e->input_sha256) == -1 ||
	    field(md, "plan_hash", e->plan_hash) == -1 ||
	    field(md, "detail", e->detail) == -1 ||
	    field(md, "prev", e->prev) == -1 ||
	    EVP_DigestFinal_ex(md, d, &n) != 1 || n != 32)
		goto out;
	hex_encode(d, 32, hash);
	rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

void
audit_chain_init(struct audit_chain *c)
{
	memset(c, 0, sizeof *c);
	snprintf(c->prev, sizeof c->prev, "%s", AUDIT_GENESIS);
}

int
audit_chain_next(struct audit_chain *c, const struct audit_entry *e)
{
	char	hash[65];
	int	bad = 0;

	c->entries++;
	if (e->prev == NULL || strcmp(e->prev, c->prev) != 0) {
		bad = 1;
		if (c->broken_id == 0)
			snprintf(c->why, sizeof c->why, "it does not carry "
			    "the hash of the entry before it");
	} else if (audit_entry_hash(e, hash) == -1 || e->hash == NULL ||
	    strcmp(hash, e->hash) != 0) {
		bad = 1;
		if (c->broken_id == 0)
			snprintf(c->why, sizeof c->why, "its content does "
			    "not match its hash (edited after it was "
			    "written)");
	}
	if (bad && c->broken_id == 0)
		c->broken_id = e->id;
	/* Go on from what the entry says, so one edit is one break. */
	snprintf(c->prev, sizeof c->prev, "%s", e->hash != NULL ? e->hash :
	    "");
	return bad ? -1 : 0;
}
