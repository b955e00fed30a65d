/*
 * outcome.c: the outcomes' names, one table for both ways.
 */
#include "config.h"

#include "outcome.h"

#include <string.h>

static const char *const outcome_names[OUTCOME_COUNT] = {
	[OUTCOME_PENDING] = "pending",
	[OUTCOME_SENDING] = "sending",
	[OUTCOME_INVALID] = "invalid",
	[OUTCOME_DUPLICATE] = "duplicate",
	[OUTCOME_UNCHANGED] = "unchanged",
	[OUTCOME_NOT_FOUND] = "not_found",
	[OUTCOME_APPLIED] = "applied",
	[OUTCOME_FAILED] = "failed",
	[OUTCOME_CONFLICT] = "conflict",
};

const char *
outcome_name(enum outcome o)
{
	if ((unsigned)o >= OUTCOME_COUNT)
		return "?";
	return outcome_names[o];
}

int
outcome_parse(const char *name, enum outcome *o)
{
	int	i;

	for (i = 0; i < OUTCOME_COUNT; i++) {
		if (strcmp(name, outcome_names[i]) == 0) {
			*o = i;
			return 0;
		}
	}
	return -1;
}
