/*
 * plan.h: what a row would change in an account, field by field. Both
 * sides are normalized the same way before they are compared, and a
 * difference the tool's own normalization explains (case of an email,
 * layout of a phone number) is kept apart from a change the spreadsheet
 * asks for.
 */
#ifndef IMPORTER_PLAN_H
#define IMPORTER_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "colmap.h"

enum plan_cmp {
	PLAN_SAME,		/* the account already holds the value */
	PLAN_SAME_NORMALIZED,	/* equal once both are normalized */
	PLAN_CHANGE		/* the row changes (or clears) the field */
};

/*
 * Compares what a row wants for col (NULL: leave unchanged, "": clear)
 * with what the account holds (NULL or "": nothing).
 */
enum plan_cmp	plan_compare(int col, const char *want, const char *cur);

/* The fields a payment-redirection fraud changes together: the billing
 * email and the address. Nonzero if mask (1 << col) touches both. */
int		plan_needs_review(uint32_t mask);

/*
 * Nonzero if a new phone number looks like the current one after a
 * spreadsheet took it for a number (its '+', leading 0 or calling code
 * lost); why says how, for a person.
 */
int		plan_phone_mangled(const char *want, const char *cur,
		    char *why, size_t whysize);

/*
 * Nonzero if want has '?' where cur holds characters outside ASCII: the
 * value went through an encoding that could not hold them.
 */
int		plan_lost_characters(const char *want, const char *cur);

/* The API's camelCase name of a column's field ("defaultAddress.city"). */
const char	*plan_field_name(int col);
/* The rule of an address the service's validation rejected at check. */
#define PLAN_RULE_ADDRESS	"address-validation"

/* What changing a column's field really does, when that is not what its
 * name says (for the plan and the report), or NULL. Static. */
const char	*plan_field_note(int col);

#endif
