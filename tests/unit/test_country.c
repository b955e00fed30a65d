/*
 * test_country.c: country.h: the bundled rules, rules read from the
 * service's JSON, its .NET patterns run as POSIX ones, and the checks of
 * a profile's values against them.
 */
#include "config.h"

#include <string.h>

#include <jansson.h>

#include "column.h"
#include "country.h"
#include "../tap.h"

static void
test_patterns(void)
{
	struct country_rules	*us = country_rules_bundled("us");

	if (!ok(us != NULL, "US is bundled"))
		return;
	is_str(us->iso2, "US", "its code upper-cased");
	ok(country_postal_ok(us, "98052") && country_postal_ok(us,
	    "98052-6399"), "US postal pattern: 98052, 98052-6399");
	ok(!country_postal_ok(us, "9805") && !country_postal_ok(us,
	    "98052-63"), "US postal pattern: not 9805, 98052-63");
	/* The recorded phone pattern has "[ \-\/\.]": POSIX brackets take
	 * '\' literally, so it is rebuilt, not refused. */
	ok(us->has_phone_re, "the recorded US phone pattern compiles");
	ok(country_phone_ok(us, "(425) 555-0100") &&
	    country_phone_ok(us, "425.555.0100") &&
	    country_phone_ok(us, "1 425 555 0100"),
	    "US phones as the pattern writes them");
	ok(country_phone_ok(us, "+1 425 555 0100"), "and in E.164 form");
	ok(!country_phone_ok(us, "425-555-010") &&
	    !country_phone_ok(us, "+44 20 7946 0958"),
	    "not a short one, nor a British one");
	country_rules_free(us);
	ok(country_rules_bundled("XX") == NULL, "XX is not bundled");
}

static void
test_json(void)
{
	struct country_rules	*r;
	struct imp_err		 err;
	json_t			*j, *back;

	j = json_loads("{\"ISO2Code\":\"pt\",\"supportedLanguagesList\":"
	    "[\"en\",\"pt-PT\"],\"supportedCulturesList\":[\"pt-PT\","
	    "\"en-US\"],\"isPostalCodeRequired\":true,\"postalCodeRegex\":"
	    "\"^\\\\d{4}(-\\\\d{3})?$\",\"isCityRequired\":true}", 0, NULL);
	r = country_rules_from_json(j, NULL, &err);
	json_decref(j);
	if (!ok(r != NULL, "PT's answer reads (keys in any case)"))
		return;
	is_str(r->iso2, "PT", "iso2Code");
	ok(country_in_list(r->languages, "pt-pt") &&
	    !country_in_list(r->languages, "pt"), "languages: pt-PT, not pt");
	ok(r->states[0] == NULL && !r->state_required, "no states");
	ok(country_postal_ok(r, "1100-048") && !country_postal_ok(r,
	    "1100048"), "postal pattern");
	back = country_rules_to_json(r);
	ok(json_is_array(json_object_get(back, "supportedLanguagesList")),
	    "written back with flat ...List arrays");
	json_decref(back);
	country_rules_free(r);
	j = json_loads("{\"iso2Code\":\"PT\",\"supportedLanguagesList\":"
	    "\"en\"}", 0, NULL);
	ok(country_rules_from_json(j, NULL, &err) == NULL,
	    "a list that is not an array is refused: %s", err.msg);
	json_decref(j);
}

static void
test_check(void)
{
	struct country_problem	 p[COUNTRY_MAX_PROBLEMS];
	struct country_rules	*us = country_rules_bundled("US");
	const char		*val[COL_COUNT];
	uint32_t		 all = 0xffffffffu;
	char			 form[16];
	size_t			 n;

	memset(val, 0, sizeof val);
	val[COL_COUNTRY] = "US";
	val[COL_CULTURE] = "es-US";
	val[COL_LANGUAGE] = "es";
	val[COL_STATE] = "WA";
	val[COL_CITY] = "Redmond";
	val[COL_POSTAL_CODE] = "98052";
	is_int((int)country_check(us, val, all, p, COUNTRY_MAX_PROBLEMS), 0,
	    "a US profile by the US rules: no problem");
	val[COL_CULTURE] = "zh-US";
	val[COL_STATE] = "PR";
	val[COL_CITY] = "";
	n = country_check(us, val, all, p, COUNTRY_MAX_PROBLEMS);
	ok(n == 3 && p[0].col == COL_CULTURE && strcmp(p[1].rule, "state") ==
	    0 && strcmp(p[2].rule, "required") == 0 && p[2].col == COL_CITY,
	    "zh-US, PR, no city: culture, state, required");
	ok(strstr(p[0].hint, "en-US, es-US") != NULL, "the hint lists the "
	    "cultures: %s", p[0].hint);
	is_int((int)country_check(us, val, 1u << COL_LANGUAGE, p,
	    COUNTRY_MAX_PROBLEMS), 0, "only the columns asked for are judged");
	country_rules_free(us);

	ok(country_language_form("zh-chs", form, sizeof form) &&
	    strcmp(form, "zh-CHS") == 0, "zh-chs is a documented language "
	    "form: zh-CHS");
	ok(!country_language_form("en-US", form, sizeof form),
	    "en-US is not a language");
}

int
main(void)
{
	test_patterns();
	test_json();
	test_check();
	return done_testing();
}
