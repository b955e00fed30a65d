/*
 * countryrules.c: the sandbox's country rules (country.c's bundled table,
 * overlaid by --country-rules FILE.json) and the server-side checks built
 * on them: a PUT is held to the same lists and patterns the sandbox
 * answers GET /v1/countryvalidationrules/{ISO2} with.
 */
#include "config.h"

#include "countryrules.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "column.h"
#include "postal.h"

/* The markets where the phone number is mandatory (error 600051). */
static const char *const countryrules_phone[] = {
	"AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA"
};

static int
phone_required(const char *cc)
{
	size_t	i;

	for (i = 0; i < sizeof countryrules_phone / sizeof *countryrules_phone;
	    i++)
		if (strcasecmp(cc, countryrules_phone[i]) == 0)
			return 1;
	return 0;
}

const struct country_rules *
countryrules_find(const struct isodata *iso, const struct country_book *book,
    const char *cc, struct country_rules **scratch)
{
	const struct country_rules	*cr;
	char				 up[3];

	*scratch = NULL;
	if (cc == NULL || strlen(cc) != 2)
		return NULL;
	cr = country_book_get(book, cc);
	if (cr != NULL)
		return cr;
	up[0] = (char)toupper((unsigned char)cc[0]);
	up[1] = (char)toupper((unsigned char)cc[1]);
	up[2] = '\0';
	if (iso == NULL || !isodata_country(iso, up))
		return NULL;
	*scratch = country_rules_generic(up);
	return *scratch;
}

/* Matches s against a POSIX extended pattern. */
static int
shape(const char *ere, const char *s)
{
	regex_t	re;
	int	rc;

	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) != 0)
		return 1;
	rc = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return rc;
}

/* Length in characters of a UTF-8 string. */
static size_t
utf8_len(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Fills p about column col's property (column.h); returns -1. */
static int __attribute__((format(printf, 4, 5)))
problem(struct countryrules_problem *p, const char *code, int col,
    const char *fmt, ...)
{
	const char	*property = column_info[col].field;
	va_list		 ap;
	char		*why = p->why;

	p->code = code;
	snprintf(p->property, sizeof p->property, "%s", property);
	va_start(ap, fmt);
	vsnprintf(why, sizeof p->why, fmt, ap);
	va_end(ap);
	if (strcmp(code, "3000") == 0)
		snprintf(p->description, sizeof p->description,
		    "Invalid property: %s. %s", property, why);
	else
		snprintf(p->description, sizeof p->description, "%s", why);
	return -1;
}

static int
valid_email(const char *s)
{
	const char	*at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.')
		return 0;
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s))
			return 0;
	return 1;
}

/*
 * The rules' part of the check: the lists, patterns and required fields
 * the country's rules publish (the same ones importer check applies). A
 * phone pattern is not enforced: whether the service does is unknown.
 */
static int
check_profile(const struct country_rules *cr, const char *const *f,
    struct countryrules_problem *p)
{
	if (cr == NULL || strcmp(f[COL_COUNTRY], cr->iso2) != 0 ||
	    !isupper((unsigned char)f[COL_COUNTRY][0]) ||
	    !isupper((unsigned char)f[COL_COUNTRY][1]))
		return problem(p, "3000", COL_COUNTRY,
		    "No validation rules were found for the country/region "
		    "%s.", f[COL_COUNTRY]);
	if (f[COL_CULTURE] == NULL || (cr->cultures[0] == NULL &&
	    !shape("^[A-Za-z]{2,3}(-[A-Za-z]{4})?-[A-Za-z]{2}$",
	    f[COL_CULTURE])) || (cr->cultures[0] != NULL &&
	    !country_in_list(cr->cultures, f[COL_CULTURE])))
		return problem(p, "3000", COL_CULTURE,
		    "The culture '%s' is not supported for the country.",
		    f[COL_CULTURE] != NULL ? f[COL_CULTURE] : "");
	if (f[COL_LANGUAGE] == NULL || (cr->languages[0] == NULL &&
	    !shape("^[A-Za-z]{2,3}(-[A-Za-z]{2,4})?$", f[COL_LANGUAGE])) ||
	    (cr->languages[0] != NULL &&
	    !country_in_list(cr->languages, f[COL_LANGUAGE])))
		return problem(p, "3000", COL_LANGUAGE,
		    "The language '%s' is not supported for the country.",
		    f[COL_LANGUAGE] != NULL ? f[COL_LANGUAGE] : "");
	if (f[COL_ADDRESS_LINE1] == NULL)
		return problem(p, "3000", COL_ADDRESS_LINE1,
		    "The address line 1 is required.");
	if (cr->city_required && f[COL_CITY] == NULL)
		return problem(p, "3000", COL_CITY,
		    "City is a required field.");
	if (cr->state_required && f[COL_STATE] == NULL)
		return problem(p, "3000", COL_STATE,
		    "State is a required field.");
	if (f[COL_STATE] != NULL && cr->states[0] != NULL &&
	    !country_in_list(cr->states, f[COL_STATE]))
		return problem(p, "3000", COL_STATE,
		    "'%s' is not a supported state.", f[COL_STATE]);
	if (cr->postal_required && f[COL_POSTAL_CODE] == NULL)
		return problem(p, "3000", COL_POSTAL_CODE,
		    "Postal code is a required field.");
	if (f[COL_POSTAL_CODE] != NULL &&
	    !country_postal_ok(cr, f[COL_POSTAL_CODE]))
		return problem(p, "3000", COL_POSTAL_CODE,
		    "'%s' is not a valid postal code for the country.",
		    f[COL_POSTAL_CODE]);
	if (phone_required(cr->iso2) && f[COL_PHONE_NUMBER] == NULL)
		return problem(p, "600051", COL_PHONE_NUMBER,
		    "The customer's phone number is required for this "
		    "country (billingProfile.%s).",
		    column_info[COL_PHONE_NUMBER].field);
	return 0;
}

int
countryrules_check_profile(const struct isodata *iso,
    const struct country_book *book, const struct billing_profile *bp,
    struct countryrules_problem *p)
{
	const struct country_rules	*cr;
	struct country_rules		*scratch;
	const char *const		*f = (const char *const *)bp->field;
	size_t				 max;
	int				 col, rc;

	/* The service's maximum lengths (column.h; 0: none to check). */
	for (col = 0; col < COL_COUNT; col++) {
		max = column_info[col].max;
		if (max > 0 && f[col] != NULL && utf8_len(f[col]) > max)
			return problem(p, "3000", col,
			    "The value is longer than %zu characters.", max);
	}
	if (f[COL_COMPANY_NAME] == NULL)
		return problem(p, "3000", COL_COMPANY_NAME,
		    "The company name is required.");
	if (f[COL_EMAIL] == NULL || !valid_email(f[COL_EMAIL]))
		return problem(p, "3000", COL_EMAIL,
		    "'%s' is not a valid email address.",
		    f[COL_EMAIL] != NULL ? f[COL_EMAIL] : "");
	if (f[COL_COUNTRY] == NULL)
		return problem(p, "3000", COL_COUNTRY,
		    "The country is required.");
	cr = countryrules_find(iso, book, f[COL_COUNTRY], &scratch);
	rc = check_profile(cr, f, p);
	country_rules_free(scratch);
	return rc;
}

/* Appends col's property to names, capitalised as the service does. */
static void
add_name(char *names, size_t size, int *n, int col)
{
	const char	*prop = column_info[col].property;
	size_t		 len = strlen(names);

	snprintf(names + len, size - len, "%s'%c%s'", *n > 0 ? ", " : "",
	    toupper((unsigned char)prop[0]), prop + 1);
	(*n)++;
}

int
countryrules_check_address(const struct isodata *iso,
    const struct country_book *book, const struct billing_profile *bp,
    char *names, size_t size)
{
	const struct country_rules	*cr;
	struct country_rules		*scratch;
	const char *const		*f = (const char *const *)bp->field;
	int				 n = 0;

	names[0] = '\0';
	cr = countryrules_find(iso, book, f[COL_COUNTRY], &scratch);
	if (cr == NULL)
		return -1;
	if (f[COL_ADDRESS_LINE1] == NULL)
		add_name(names, size, &n, COL_ADDRESS_LINE1);
	if (cr->city_required && f[COL_CITY] == NULL)
		add_name(names, size, &n, COL_CITY);
	if ((cr->state_required && f[COL_STATE] == NULL) ||
	    (f[COL_STATE] != NULL && cr->states[0] != NULL &&
	    !country_in_list(cr->states, f[COL_STATE])))
		add_name(names, size, &n, COL_STATE);
	if ((cr->postal_required && f[COL_POSTAL_CODE] == NULL) ||
	    (f[COL_POSTAL_CODE] != NULL &&
	    !country_postal_ok(cr, f[COL_POSTAL_CODE])))
		add_name(names, size, &n, COL_POSTAL_CODE);
	/* A code of the right shape that no state holds (a US ZIP starting
	 * 000 to 004): no such place, which only validation can tell. */
	else if (f[COL_POSTAL_CODE] != NULL &&
	    (strcmp(cr->iso2, "US") == 0 || strcmp(cr->iso2, "CA") == 0 ||
	    strcmp(cr->iso2, "AU") == 0) &&
	    postal_state(cr->iso2, f[COL_POSTAL_CODE]) == NULL)
		add_name(names, size, &n, COL_POSTAL_CODE);
	country_rules_free(scratch);
	return n;
}
