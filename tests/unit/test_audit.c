/*
 * test_audit.c: audit.h: the canonical text's hash (pinned against an
 * independent computation of the documented form, so that a change of
 * the form shows), and the chain check: a chain that holds, an edited
 * entry, a removed one, and a forged prev.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "../tap.h"

/* sha256 of "importer-audit 1:1\nat 20:...\n..." computed outside C. */
#define E1_HASH \
	"c3619b5817171d3d132c1fd97e7eeb163e16f377bd3d5faf0c00334ec668a421"
#define E2_HASH \
	"5a73e42b54188304ed5d8fd9a64717976a6ad9321813ab44ad0ba5df6ddbd905"
#define AB32 \
	"abababababababababababababababababababababababababababababababab"

int
main(void)
{
	struct audit_entry	e[3];
	struct audit_chain	c;
	char			h[65], h3[65];
	int			i, bad;

	memset(e, 0, sizeof e);
	e[0].id = 1;
	e[0].at = "2026-12-06T10:00:00Z";
	e[0].who = "alice";
	e[0].what = "stage";
	e[0].run = 1;
	e[0].input_sha256 = AB32;
	e[0].detail = "{\"rows\":3}";
	e[0].prev = AUDIT_GENESIS;
	ok(audit_entry_hash(&e[0], h) == 0, "hash an entry");
	is_str(h, E1_HASH, "the canonical text's SHA-256, as documented");
	e[0].hash = E1_HASH;

	e[1].id = 2;
	e[1].at = "2026-12-06T10:05:00Z";
	e[1].who = "Zo\303\253";
	e[1].what = "purge";
	e[1].prev = E1_HASH;
	audit_entry_hash(&e[1], h);
	is_str(h, E2_HASH, "absent run, hashes and detail; a UTF-8 name");
	e[1].hash = E2_HASH;

	e[2].id = 3;
	e[2].at = "2026-12-06T10:06:00Z";
	e[2].who = "bob";
	e[2].what = "approve";
	e[2].run = 1;
	e[2].plan_hash = "";
	e[2].prev = E2_HASH;
	audit_entry_hash(&e[2], h3);
	e[2].hash = h3;
	e[2].plan_hash = NULL;
	audit_entry_hash(&e[2], h);
	ok(strcmp(h, h3) != 0, "an empty value is not an absent one");
	e[2].plan_hash = "";

	audit_chain_init(&c);
	for (i = 0, bad = 0; i < 3; i++)
		bad |= audit_chain_next(&c, &e[i]) == -1;
	ok(!bad && c.broken_id == 0 && c.entries == 3, "the chain holds");

	/* Edited: alice becomes mallory. */
	e[0].who = "mallory";
	audit_chain_init(&c);
	for (i = 0; i < 3; i++)
		audit_chain_next(&c, &e[i]);
	is_int(c.broken_id, 1, "an edited entry breaks the chain there");
	ok(strstr(c.why, "does not match its hash") != NULL, "saying so: %s",
	    c.why);
	e[0].who = "alice";

	/* Removed: the entry after it no longer carries its prev. */
	audit_chain_init(&c);
	audit_chain_next(&c, &e[0]);
	audit_chain_next(&c, &e[2]);
	is_int(c.broken_id, 3, "a removed entry breaks the chain after it");
	ok(strstr(c.why, "hash of the entry before") != NULL,
	    "saying so: %s", c.why);

	/* Edited and re-hashed: its successor's prev gives it away. */
	e[1].who = "eve";
	audit_entry_hash(&e[1], h);
	e[1].hash = h;
	audit_chain_init(&c);
	for (i = 0; i < 3; i++)
		audit_chain_next(&c, &e[i]);
	is_int(c.broken_id, 3, "an entry edited and re-hashed: the next "
	    "one shows it");

	/* A chain that starts anywhere but the genesis does not hold. */
	audit_chain_init(&c);
	audit_chain_next(&c, &e[2]);
	is_int(c.broken_id, 3, "the first entry must chain to 64 zeros");
	return done_testing();
}
