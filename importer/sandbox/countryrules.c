/*
 * countryrules.c: per-country address rules for the sandbox, shaped like
 * the service's CountryValidationRules (recorded values for US and PT;
 * the others are plausible), and the server-side checks built on them.
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

static const char *const us_states[] = {
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI",
	"ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
	"MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
	"OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
	"WV", "WI", "WY", NULL
};
static const char *const ca_states[] = {
	"AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK",
	"YT", NULL
};
static const char *const au_states[] = {
	"ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA", NULL
};
static const char *const no_states[] = { NULL };
static const char *const generic_cultures[] = { "en-US", NULL };
static const char *const generic_languages[] = { "en", NULL };

/* A NULL-terminated list; static storage at file scope only. */
#define L(...)	((const char *const []){ __VA_ARGS__, NULL })

static const struct countryrules countryrules_table[] = {
	{ "US", "en-US", 1, 1, 1, 0, "^\\d{5}(-\\d{4})?$",
	  "^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})"
	  "[ \\-\\/\\.]?(\\d{4})$",
	  us_states, L("en-US", "es-US"), L("en", "es"), 0 },
	{ "CA", "en-CA", 1, 1, 1, 0,
	  "^[A-Za-z]\\d[A-Za-z][ -]?\\d[A-Za-z]\\d$", NULL,
	  ca_states, L("en-CA", "fr-CA", "en-US"), L("en", "fr"), 0 },
	{ "AU", "en-AU", 1, 1, 1, 0, "^\\d{4}$", NULL,
	  au_states, L("en-AU", "en-US"), L("en"), 0 },
	{ "GB", "en-GB", 0, 1, 1, 0,
	  "^[A-Za-z]{1,2}\\d[A-Za-z0-9]? ?\\d[A-Za-z]{2}$", NULL,
	  no_states, L("en-GB", "en-US"), L("en"), 0 },
	{ "DE", "de-DE", 0, 1, 1, 0, "^\\d{5}$", NULL,
	  no_states, L("de-DE", "en-US"), L("de", "en"), 0 },
	{ "FR", "fr-FR", 0, 1, 1, 0, "^\\d{5}$", NULL,
	  no_states, L("fr-FR", "en-US"), L("fr", "en"), 0 },
	{ "CN", "zh-CN", 0, 1, 1, 0, "^\\d{6}$", NULL,
	  no_states, L("zh-CN", "en-US"), L("zh", "zh-CHS", "en"), 0 },
	{ "JP", "ja-JP", 0, 1, 1, 0, "^\\d{3}-?\\d{4}$", NULL,
	  no_states, L("ja-JP", "en-US"), L("ja", "en"), 0 },
	{ "IN", "en-IN", 0, 1, 1, 0, "^\\d{6}$", NULL,
	  no_states, L("en-IN", "en-US"), L("en", "hi"), 0 },
	{ "BR", "pt-BR", 0, 1, 1, 0, "^\\d{5}-?\\d{3}$", NULL,
	  no_states, L("pt-BR", "en-US"), L("pt", "en"), 0 },
	{ "MX", "es-MX", 0, 1, 1, 0, "^\\d{5}$", NULL,
	  no_states, L("es-MX", "en-US"), L("es", "en"), 0 },
	{ "PT", "pt-PT", 0, 1, 1, 0, "^\\d{4}(-\\d{3})?$", NULL,
	  no_states, L("pt-PT", "en-US"), L("pt", "en"), 0 },
	{ "RU", "ru-RU", 0, 1, 1, 1, "^\\d{6}$", NULL,
	  no_states, L("ru-RU", "en-US"), L("ru", "en"), 0 },
	{ "HU", "hu-HU", 0, 1, 1, 1, "^\\d{4}$", NULL,
	  no_states, L("hu-HU", "en-US"), L("hu", "en"), 0 },
};
#define COUNTRYRULES_N \
	(sizeof countryrules_table / sizeof countryrules_table[0])

/* The markets where the phone number is mandatory (error 600051). */
static const char *const countryrules_phone[] = {
	"AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA"
};

static const struct {
	const char	*iso2;
	const char	*code;
} countryrules_calling[] = {
	{ "US", "1" }, { "CA", "1" }, { "AU", "61" }, { "GB", "44" },
	{ "DE", "49" }, { "FR", "33" }, { "CN", "86" }, { "JP", "81" },
	{ "IN", "91" }, { "BR", "55" }, { "MX", "52" }, { "PT", "351" },
	{ "RU", "7" }, { "HU", "36" },
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

const struct countryrules *
countryrules_find(const struct isodata *iso, const char *cc,
    struct countryrules *scratch)
{
	char	up[3];
	size_t	i;

	if (cc == NULL || strlen(cc) != 2)
		return NULL;
	for (i = 0; i < COUNTRYRULES_N; i++)
		if (strcasecmp(countryrules_table[i].iso2, cc) == 0)
			return &countryrules_table[i];
	up[0] = (char)toupper((unsigned char)cc[0]);
	up[1] = (char)toupper((unsigned char)cc[1]);
	up[2] = '\0';
	if (iso == NULL || !isodata_country(iso, up))
		return NULL;
	memset(scratch, 0, sizeof *scratch);
	/* iso2 points into the caller's string, which outlives the use. */
	scratch->iso2 = cc;
	scratch->default_culture = "en-US";
	scratch->city_required = 1;
	scratch->phone_required = phone_required(cc);
	scratch->states = no_states;
	scratch->cultures = generic_cultures;
	scratch->languages = generic_languages;
	scratch->generic = 1;
	return scratch;
}

static json_t *
string_list(const char *const *l)
{
	json_t	*a = json_array();

	for (; l != NULL && *l != NULL; l++)
		json_array_append_new(a, json_string(*l));
	return a;
}

json_t *
countryrules_to_json(const struct countryrules *cr)
{
	json_t	*o = json_object(), *attrs, *calling;
	char	 iso2[3];
	size_t	 i;

	iso2[0] = (char)toupper((unsigned char)cr->iso2[0]);
	iso2[1] = (char)toupper((unsigned char)cr->iso2[1]);
	iso2[2] = '\0';
	calling = json_array();
	for (i = 0; i < sizeof countryrules_calling /
	    sizeof *countryrules_calling; i++)
		if (strcmp(countryrules_calling[i].iso2, iso2) == 0)
			json_array_append_new(calling,
			    json_string(countryrules_calling[i].code));
	json_object_set_new(o, "iso2Code", json_string(iso2));
	json_object_set_new(o, "defaultCulture",
	    json_string(cr->default_culture));
	json_object_set_new(o, "isStateRequired",
	    json_boolean(cr->state_required));
	json_object_set_new(o, "supportedStatesList", string_list(cr->states));
	json_object_set_new(o, "supportedLanguagesList",
	    string_list(cr->languages));
	json_object_set_new(o, "supportedCulturesList",
	    string_list(cr->cultures));
	json_object_set_new(o, "isPostalCodeRequired",
	    json_boolean(cr->postal_required));
	if (cr->postal_regex != NULL)
		json_object_set_new(o, "postalCodeRegex",
		    json_string(cr->postal_regex));
	json_object_set_new(o, "isCityRequired",
	    json_boolean(cr->city_required));
	json_object_set_new(o, "isVatIdSupported", json_false());
	if (cr->phone_regex != NULL)
		json_object_set_new(o, "phoneNumberRegex",
		    json_string(cr->phone_regex));
	json_object_set_new(o, "isTaxIdSupported", json_false());
	json_object_set_new(o, "isTaxIdOptional", json_true());
	json_object_set_new(o, "countryCallingCodesList", calling);
	attrs = json_object();
	json_object_set_new(attrs, "objectType",
	    json_string("CountryValidationRules"));
	json_object_set_new(o, "attributes", attrs);
	return o;
}

/* Matches s against a .NET-style regex using only \d beyond POSIX ERE. */
static int
regex_match(const char *dotnet, const char *s)
{
	regex_t	 re;
	char	 ere[256];
	size_t	 i, n = 0;
	int	 rc;

	for (i = 0; dotnet[i] != '\0' && n + 6 < sizeof ere; i++) {
		if (dotnet[i] == '\\' && dotnet[i + 1] == 'd') {
			memcpy(ere + n, "[0-9]", 5);
			n += 5;
			i++;
		} else
			ere[n++] = dotnet[i];
	}
	ere[n] = '\0';
	if (regcomp(&re, ere, REG_EXTENDED | REG_NOSUB) != 0)
		return 1;	/* a bad table entry must not reject data */
	rc = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return rc;
}

static int
in_list(const char *const *l, const char *s)
{
	for (; l != NULL && *l != NULL; l++)
		if (strcasecmp(*l, s) == 0)
			return 1;
	return 0;
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
	char		 why[160];

	p->code = code;
	snprintf(p->property, sizeof p->property, "%s", property);
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
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

int
countryrules_check_profile(const struct isodata *iso,
    const struct billing_profile *bp, struct countryrules_problem *p)
{
	const struct countryrules	*cr;
	struct countryrules		 scratch;
	const char *const		*f = (const char *const *)bp->field;
	size_t				 max;
	int				 col;

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
	cr = countryrules_find(iso, f[COL_COUNTRY], &scratch);
	if (cr == NULL || strcmp(f[COL_COUNTRY], cr->iso2) != 0 ||
	    !isupper((unsigned char)f[COL_COUNTRY][0]) ||
	    !isupper((unsigned char)f[COL_COUNTRY][1]))
		return problem(p, "3000", COL_COUNTRY,
		    "No validation rules were found for the country/region "
		    "%s.", f[COL_COUNTRY]);
	if (f[COL_CULTURE] == NULL ||
	    !regex_match("^[A-Za-z]{2,3}-[A-Za-z]{2,4}$", f[COL_CULTURE]) ||
	    (!cr->generic && !in_list(cr->cultures, f[COL_CULTURE])))
		return problem(p, "3000", COL_CULTURE,
		    "The culture '%s' is not supported for the country.",
		    f[COL_CULTURE] != NULL ? f[COL_CULTURE] : "");
	/* A listed language need not be two letters (zh-CHS, pt-PT). */
	if (f[COL_LANGUAGE] == NULL || (cr->generic ?
	    !regex_match("^[A-Za-z]{2}$", f[COL_LANGUAGE]) :
	    !in_list(cr->languages, f[COL_LANGUAGE])))
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
	    !in_list(cr->states, f[COL_STATE]))
		return problem(p, "3000", COL_STATE,
		    "'%s' is not a supported state.", f[COL_STATE]);
	if (cr->postal_required && f[COL_POSTAL_CODE] == NULL)
		return problem(p, "3000", COL_POSTAL_CODE,
		    "Postal code is a required field.");
	if (f[COL_POSTAL_CODE] != NULL && cr->postal_regex != NULL &&
	    !regex_match(cr->postal_regex, f[COL_POSTAL_CODE]))
		return problem(p, "3000", COL_POSTAL_CODE,
		    "'%s' is not a valid postal code for the country.",
		    f[COL_POSTAL_CODE]);
	if (cr->phone_required && f[COL_PHONE_NUMBER] == NULL)
		return problem(p, "600051", COL_PHONE_NUMBER,
		    "The customer's phone number is required for this "
		    "country (billingProfile.%s).",
		    column_info[COL_PHONE_NUMBER].field);
	return 0;
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
    const struct billing_profile *bp, char *names, size_t size)
{
	const struct countryrules	*cr;
	struct countryrules		 scratch;
	const char *const		*f = (const char *const *)bp->field;
	int				 n = 0;

	names[0] = '\0';
	cr = countryrules_find(iso, f[COL_COUNTRY], &scratch);
	if (cr == NULL)
		return -1;
	if (f[COL_ADDRESS_LINE1] == NULL)
		add_name(names, size, &n, COL_ADDRESS_LINE1);
	if (cr->city_required && f[COL_CITY] == NULL)
		add_name(names, size, &n, COL_CITY);
	if ((cr->state_required && f[COL_STATE] == NULL) ||
	    (f[COL_STATE] != NULL && cr->states[0] != NULL &&
	    !in_list(cr->states, f[COL_STATE])))
		add_name(names, size, &n, COL_STATE);
	if ((cr->postal_required && f[COL_POSTAL_CODE] == NULL) ||
	    (f[COL_POSTAL_CODE] != NULL && cr->postal_regex != NULL &&
	    !regex_match(cr->postal_regex, f[COL_POSTAL_CODE])))
		add_name(names, size, &n, COL_POSTAL_CODE);
	return n;
}
