/*
 * countryrules.h: the sandbox's country validation rules (the data behind
 * GET /v1/countryvalidationrules/{ISO2}: country.c's table, overlaid by
 * --country-rules) and the checks the service runs on a billing profile
 * or an address before it accepts it.
 */
#ifndef IMPORTER_COUNTRYRULES_H
#define IMPORTER_COUNTRYRULES_H

#include <jansson.h>

#include "billing.h"
#include "country.h"
#include "isodata.h"

/* A failed check: the documented code and the offending property. */
struct countryrules_problem {
	const char	*code;		/* "3000", "600051" */
	char		 property[64];	/* "defaultAddress.postalCode" */
	char		 description[256];
	char		 why[160];	/* the description less the property */
};

/* countryrules.c */
/*
 * The rules the sandbox answers with for cc (any case): those of book (the
 * bundled table, overlaid by --country-rules), else generic rules for a
 * country iso knows, made in *scratch (the caller frees it with
 * country_rules_free). NULL for an unknown code.
 */
const struct country_rules *countryrules_find(const struct isodata *iso,
	    const struct country_book *book, const char *cc,
	    struct country_rules **scratch);
/*
 * Checks a whole profile as the service does on PUT. Returns 0 if it is
 * acceptable, -1 with the first problem in *p otherwise.
 */
int	 countryrules_check_profile(const struct isodata *iso,
	    const struct country_book *book, const struct billing_profile *bp,
	    struct countryrules_problem *p);
/*
 * Checks an address for POST /v1/validations/address. Fills names with a
 * comma-separated list of the invalid properties ("'City', 'PostalCode'")
 * and returns their number; -1 if the country itself is unknown.
 */
int	 countryrules_check_address(const struct isodata *iso,
	    const struct country_book *book, const struct billing_profile *bp,
	    char *names, size_t size);

#endif
