/*
 * evidence.h: the evidence pack of a run, a zip an auditor reads without
 * the tool or the database: a manifest (every member's SHA-256, the
 * input's, the plan hash, the approvals) and the members it names. This
 * module writes a pack from members in memory, masks personal data for a
 * redacted pack, and verifies a pack offline; cmd_evidence.c gathers the
 * members from the store.
 */
#ifndef IMPORTER_EVIDENCE_H
#define IMPORTER_EVIDENCE_H

#include <stddef.h>

#include <jansson.h>

#include "importer.h"

/* The manifest's name in the pack; every other member is named in it. */
#define EVIDENCE_MANIFEST	"manifest.json"
/* The manifest's format, "format" in it. */
#define EVIDENCE_FORMAT		"importer-evidence-1"
/* The check reads members this many bytes at a time; it loads at most
 * EVIDENCE_MAX_LOAD bytes of the manifest or the trail (a pack holding
 * more is refused), and opens no zip of more than EVIDENCE_MAX_ENTRIES
 * members. */
#define EVIDENCE_CHUNK		(64 * 1024)
#define EVIDENCE_MAX_LOAD	(64 * 1024 * 1024)
#define EVIDENCE_MAX_ENTRIES	1000
/*
 * In a redacted pack, a trail entry whose detail holds a file path or a
 * note has them masked and carries this key (true): its stored hash
 * cannot be recomputed, so the check verifies only that it carries the
 * hash of the entry before it, and takes it on its stored hash.
 */
#define EVIDENCE_MASKED_KEY	"detail_masked"

/* The SHA-256 (hex) of len bytes at p. Returns 0, or -1. */
int	evidence_sha256(const void *p, size_t len, char hex[65]);

/* A member: its name in the pack and its bytes (owned by the pack). */
struct evidence_member {
	char	*name;
	void	*data;
	size_t	 len;
	char	 sha256[65];
};

struct evidence_pack {
	struct evidence_member	*m;
	size_t			 n;
};
/* Adds a member (takes data, a malloc'd buffer) and hashes it. */
int	evidence_add(struct evidence_pack *p, const char *name, void *data,
	    size_t len, struct imp_err *err);
void	evidence_pack_free(struct evidence_pack *p);
/*
 * Writes the pack to path, created 0600 whatever the umask: manifest
 * (consumed; "members" is set here: every member's name, size and
 * SHA-256) first, then the members. The manifest's own SHA-256 into
 * manifest_sha256 (the trail keeps it). Returns 0, or -1 with err.
 */
int	evidence_write(const char *path, const struct evidence_pack *p,
	    json_t *manifest, char manifest_sha256[65], struct imp_err *err);

/*
 * The masking of a redacted pack: a keyed hash (HMAC-SHA-256) with a
 * random key made for the pack and never stored, so the same value gets
 * the same mask within a pack, and a mask cannot be turned back into a
 * phone number or a name by trying them all.
 */
struct evidence_mask {
	unsigned char	key[32];
};
int	evidence_mask_init(struct evidence_mask *mk, struct imp_err *err);
/* "[kind:0123456789ab]" for a non-empty value; "" stays "". Caller
 * frees. */
char	*evidence_mask(const struct evidence_mask *mk, const char *kind,
	    const char *value);

/* What evidence_check found. */
struct evidence_result {
	json_t	*manifest;	/* the pack's, or NULL */
	char	**failed;	/* what does not hold, one sentence each */
	size_t	 nfailed;
	size_t	 members;	/* members verified */
	long long entries;	/* trail entries read */
	long long masked;	/* of which taken on their stored hash */
	long long last_id;	/* the newest entry's id, and its hash */
	char	 last_hash[65];
	size_t	 approvals;	/* approvals that stand */
};
/*
 * Verifies the pack at path offline: every member's SHA-256 against the
 * manifest (a member missing, one the manifest does not name, one named
 * with a ".." component or an absolute path, fails), every member a pack
 * must hold (the plan, the ledger, the trail; the input, the report and
 * the fix-up CSV unless the manifest says why they were left out), the
 * trail's chain of hashes and the run's stage and check entries in it,
 * the input's SHA-256, and each approval against the plan hash (one of
 * another plan, one by the plan's preparer -- who ran the run's last
 * check, as the trail says --, or one the trail does not record fails).
 * Returns 0 when the pack could be read (res->nfailed says whether it
 * holds), -1 with err (65) when not, or when its manifest or trail is
 * larger than EVIDENCE_MAX_LOAD or it has more than EVIDENCE_MAX_ENTRIES
 * members.
 */
int	evidence_check(const char *path, struct evidence_result *res,
	    struct imp_err *err);
void	evidence_result_free(struct evidence_result *res);

#endif
