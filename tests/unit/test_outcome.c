/*
 * test_outcome.c: every outcome's name parses back to it, the names are
 * the ones the database and DESIGN.md use, and other names are refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "outcome.h"
#include "../tap.h"

int
main(void)
{
	static const char *const design[] = {
		"invalid", "duplicate", "unchanged", "not_found", "applied",
		"failed", "conflict", "pending"
	};
	enum outcome	o, back;
	size_t		i;
	int		all = 1;

	for (o = 0; o < OUTCOME_COUNT; o++) {
		back = OUTCOME_COUNT;
		if (outcome_parse(outcome_name(o), &back) != 0 || back != o) {
			all = 0;
			printf("# %d (%s) does not parse back\n", o,
			    outcome_name(o));
		}
	}
	ok(all, "parse(name(x)) == x for all %d outcomes", OUTCOME_COUNT);
	for (i = 0; i < sizeof design / sizeof design[0]; i++)
		ok(outcome_parse(design[i], &o) == 0 &&
		    strcmp(outcome_name(o), design[i]) == 0,
		    "DESIGN.md's '%s' is an outcome", design[i]);
	ok(outcome_parse("sending", &o) == 0 && o == OUTCOME_SENDING,
	    "'sending' is one too");
	is_int(outcome_parse("conflicts", &o), -1, "'conflicts' is not");
	is_int(outcome_parse("Applied", &o), -1, "names are case-sensitive");
	is_int(outcome_parse("", &o), -1, "the empty name is not");
	is_str(outcome_name(OUTCOME_COUNT), "?", "out of range: ?");
	return done_testing();
}
