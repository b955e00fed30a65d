/*
 * countryrules.h: the sandbox's country validation rules (the data behind
 * GET /v1/countryvalidationrules/{ISO2}) and the checks the service runs
 * on a billing profile or an address before it accepts it.
 */
#ifndef IMPORTER_COUNTRYRULES_H
#define IMPORTER_COUNTRYRULES_H

#include <jansson.h>

#include "billing.h"
#include "isodata.h"

/* One market's rules; the lists are NULL-terminated. Static data. */
struct countryrules {
	const char		*iso2;
	const char		*default_culture;
	int			 state_required;
	int			 postal_required;
	int			 city_required;
	int			 phone_required;	/* error 600051 */
	const char		*postal_regex;		/* ERE or NULL */
	const char		*phone_regex;		/* ERE or NULL */
	const char *const	*states;
	const char *const	*cultures;
	const char *const	*languages;
	int			 generic;	/* not in the table: loose */
};

/* A failed check: the documented code and the offending property. */
struct countryrules_problem {
	const char	*code;		/* "3000", "600051" */
	char		 property[64];	/* "defaultAddress.postalCode" */
	char		 description[256];
	char		 why[160];	/* the description less the property */
};

/* countryrules.c */
/*
 * The rules for cc (any case). Countries outside the built-in table but
 * known to iso get generic rules. Returns NULL for an unknown code.
 * The result is static or lives in *scratch.
 */
const struct countryrules *countryrules_find(const struct isodata *iso,
	    const char *cc, struct countryrules *scratch);
/* The rules as the API's CountryValidationRules JSON. New reference. */
json_t	*countryrules_to_json(const struct countryrules *cr);
/*
 * Checks a whole profile as the service does on PUT. Returns 0 if it is
 * acceptable, -1 with the first problem in *p otherwise.
 */
int	 countryrules_check_profile(const struct isodata *iso,
	    const struct billing_profile *bp, struct countryrules_problem *p);
/*
 * Checks an address for POST /v1/validations/address. Fills names with a
 * comma-separated list of the invalid properties ("'City', 'PostalCode'")
 * and returns their number; -1 if the country itself is unknown.
 */
int	 countryrules_check_address(const struct isodata *iso,
	    const struct billing_profile *bp, char *names, size_t size);

#endif
