/*
 * audit.h: the audit trail's entries and their chain: each entry's hash
 * covers a canonical text of the entry and the hash of the one before, so
 * that an edited, removed or inserted entry breaks the chain. The store
 * keeps the trail; this module is the one place the hash is defined, for
 * every reader that verifies a chain (history --audit, an evidence pack).
 */
#ifndef IMPORTER_AUDIT_H
#define IMPORTER_AUDIT_H

#include <stdint.h>

/* The previous hash of the first entry. */
#define AUDIT_GENESIS \
	"0000000000000000000000000000000000000000000000000000000000000000"

/* One entry of the trail. Strings borrowed; NULL where none. */
struct audit_entry {
	int64_t		 id;
	const char	*at;		/* UTC, 2026-12-06T15:57:48Z */
	const char	*who;		/* the operator */
	const char	*what;		/* stage, check, approve, submit, ... */
	int64_t		 run;		/* 0: none */
	const char	*input_sha256;
	const char	*plan_hash;
	const char	*detail;	/* JSON: counts etc. */
	const char	*prev;		/* the previous entry's hash */
	const char	*hash;		/* its own, as stored */
};

/*
 * The SHA-256 (hex) of e's canonical text into hash: every field but id
 * and hash, each as "name length:value" on its own line (absent: "name -"),
 * prev included. Returns 0, or -1 when the digest fails.
 */
int	audit_entry_hash(const struct audit_entry *e, char hash[65]);

/* A chain read in order, entry by entry. */
struct audit_chain {
	char	 prev[65];	/* the hash the next entry must carry */
	int64_t	 entries;
	int64_t	 broken_id;	/* the first entry that does not hold, or 0 */
	char	 why[128];
};
void	audit_chain_init(struct audit_chain *c);
/*
 * Checks the next entry: its prev must be the hash before it and its
 * hash its own. Returns 0, or -1 (and records the first such entry and
 * why in c) when the chain does not hold there.
 */
int	audit_chain_next(struct audit_chain *c, const struct audit_entry *e);

#endif
