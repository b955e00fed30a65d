/*
 * country.c: country validation rules. The service's answer is the truth;
 * the table here is the fallback when none is at hand (offline, a failed
 * read), and the sandbox serves it as its answer. US and PT are recorded
 * answers (the reference's §10 and §15), the others plausible.
 */
#include "config.h"

#include "country.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "billing.h"
#include "column.h"
#include "xmalloc.h"

/* A NULL-terminated list; static storage at file scope only. */
#define L(...)	((const char *const []){ __VA_ARGS__, NULL })

static const char *const country_us_states[] = {
	"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI",
	"ID", "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN",
	"MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH",
	"OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
	"WV", "WI", "WY", NULL
};

static const struct {
	const char		*iso2;
	const char		*default_culture;
	int			 state_required;
	int			 postal_required;
	int			 city_required;
	const char		*postal_regex;
	const char		*phone_regex;
	const char *const	*states;
	const char *const	*cultures;
	const char *const	*languages;
	const char *const	*calling;
} country_table[] = {
	{ "US", "en-US", 1, 1, 1, "^\\d{5}(-\\d{4})?$",
	  "^(1[ \\-\\/\\.]?)?(\\((\\d{3})\\)|(\\d{3}))[ \\-\\/\\.]?(\\d{3})"
	  "[ \\-\\/\\.]?(\\d{4})$",
	  country_us_states, L("en-US", "es-US"), L("en", "es"), L("1") },
	{ "CA", "en-CA", 1, 1, 1,
	  "^[A-Za-z]\\d[A-Za-z][ -]?\\d[A-Za-z]\\d$", NULL,
	  L("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC",
	  "SK", "YT"), L("en-CA", "fr-CA", "en-US"), L("en", "fr"), L("1") },
	{ "AU", "en-AU", 1, 1, 1, "^\\d{4}$", NULL,
	  L("ACT", "NSW", "NT", "QLD", "SA", "TAS", "VIC", "WA"),
	  L("en-AU", "en-US"), L("en"), L("61") },
	{ "GB", "en-GB", 0, 1, 1,
	  "^[A-Za-z]{1,2}\\d[A-Za-z0-9]? ?\\d[A-Za-z]{2}$", NULL,
	  NULL, L("en-GB", "en-US"), L("en"), L("44") },
	{ "DE", "de-DE", 0, 1, 1, "^\\d{5}$", NULL,
	  NULL, L("de-DE", "en-US"), L("de", "en"), L("49") },
	{ "FR", "fr-FR", 0, 1, 1, "^\\d{5}$", NULL,
	  NULL, L("fr-FR", "en-US"), L("fr", "en"), L("33") },
	/* China-cloud accounts carry the language zh-CHS (§15). */
	{ "CN", "zh-CN", 0, 1, 1, "^\\d{6}$", NULL,
	  NULL, L("zh-CN", "en-US"), L("zh", "zh-CHS", "en"), L("86") },
	{ "JP", "ja-JP", 0, 1, 1, "^\\d{3}-?\\d{4}$", NULL,
	  NULL, L("ja-JP", "en-US"), L("ja", "en"), L("81") },
	{ "IN", "en-IN", 0, 1, 1, "^\\d{6}$", NULL,
	  NULL, L("en-IN", "en-US"), L("en", "hi"), L("91") },
	{ "BR", "pt-BR", 0, 1, 1, "^\\d{5}-?\\d{3}$", NULL,
	  NULL, L("pt-BR", "en-US"), L("pt", "en"), L("55") },
	{ "MX", "es-MX", 0, 1, 1, "^\\d{5}$", NULL,
	  NULL, L("es-MX", "en-US"), L("es", "en"), L("52") },
	/* As the service answered for PT in 2021 (§15). */
	{ "PT", "pt-PT", 0, 1, 1, "^\\d{4}(-\\d{3})?$", NULL,
	  NULL, L("pt-PT", "en-US"), L("en", "pt-PT"), L("351") },
	{ "RU", "ru-RU", 0, 1, 1, "^\\d{6}$", NULL,
	  NULL, L("ru-RU", "en-US"), L("ru", "en"), L("7") },
	{ "HU", "hu-HU", 0, 1, 1, "^\\d{4}$", NULL,
	  NULL, L("hu-HU", "en-US"), L("hu", "en"), L("36") },
	/* A three-part culture (supported cultures, §15). */
	{ "AZ", "az-Latn-AZ", 0, 1, 1, "^(AZ ?)?\\d{4}$", NULL,
	  NULL, L("az-Latn-AZ", "en-US"), L("az", "en"), L("994") },
	{ "BA", "bs-Latn-BA", 0, 1, 1, "^\\d{5}$", NULL,
	  NULL, L("bs-Latn-BA", "hr-BA", "en-US"), L("bs", "hr", "en"),
	  L("387") },
};
#define COUNTRY_N	(sizeof country_table / sizeof country_table[0])

static char **
list_copy(const char *const *l)
{
	char	**out;
	size_t	  n = 0, i;

	while (l != NULL && l[n] != NULL)
		n++;
	out = xcalloc(n + 1, sizeof *out);
	for (i = 0; i < n; i++)
		out[i] = xstrdup(l[i]);
	return out;
}

static void
list_free(char **l)
{
	size_t	i;

	for (i = 0; l != NULL && l[i] != NULL; i++)
		free(l[i]);
	free(l);
}

/*
 * A .NET pattern as a POSIX extended one: \d, \s, \w and escaped
 * punctuation, inside brackets too ("[ \-\/\.]"), (?: groups. Returns 0,
 * or -1 for what ERE cannot say (look-arounds, lazy quantifiers...).
 */
static int
regex_posix(const char *in, char *out, size_t size)
{
	size_t	o = 0, n;
	int	dash, i;

#define PUT(s) do {							\
	n = strlen(s);							\
	if (o + n + 1 > size)						\
		return -1;						\
	memcpy(out + o, (s), n);					\
	o += n;								\
} while (0)
	for (i = 0; in[i] != '\0'; i++) {
		if (in[i] == '(' && in[i + 1] == '?') {
			if (in[i + 2] != ':')
				return -1;
			PUT("(");
			i += 2;
		} else if (in[i] == '\\') {
			i++;
			if (in[i] == 'd')
				PUT("[0-9]");
			else if (in[i] == 's')
				PUT("[[:space:]]");
			else if (in[i] == 'w')
				PUT("[[:alnum:]_]");
			else if (in[i] != '\0' && ispunct((unsigned char)in[i])) {
				char	e[3] = { '\\', in[i], '\0' };

				PUT(e);
			} else
				return -1;
		} else if (in[i] == '[') {
			/* POSIX takes '\' literally in brackets: rebuild the
			 * class, a '-' that is a character last. */
			dash = 0;
			PUT("[");
			i++;
			if (in[i] == '^') {
				PUT("^");
				i++;
			}
			for (; in[i] != '\0' && in[i] != ']'; i++) {
				if (in[i] == '\\' && in[i + 1] == 'd') {
					PUT("0-9");
					i++;
				} else if (in[i] == '\\' && in[i + 1] != '\0') {
					i++;
					if (in[i] == '-')
						dash = 1;
					else {
						char	c[2] = { in[i], '\0' };

						PUT(c);
					}
				} else {
					char	c[2] = { in[i], '\0' };

					PUT(c);
				}
			}
			if (in[i] != ']')
				return -1;
			if (dash)
				PUT("-");
			PUT("]");
		} else if ((in[i] == '*' || in[i] == '+' || in[i] == '?' ||
		    in[i] == '}') && in[i + 1] == '?')
			return -1;	/* lazy */
		else {
			char	c[2] = { in[i], '\0' };

			PUT(c);
		}
	}
#undef PUT
	out[o] = '\0';
	return 0;
}

static int
regex_compile(const char *pattern, regex_t *re)
{
	char	ere[512];

	if (pattern == NULL || regex_posix(pattern, ere, sizeof ere) == -1)
		return 0;
	return regcomp(re, ere, REG_EXTENDED | REG_NOSUB) == 0;
}

static void
compile(struct country_rules *cr)
{
	cr->has_postal_re = regex_compile(cr->postal_regex, &cr->postal_re);
	cr->has_phone_re = regex_compile(cr->phone_regex, &cr->phone_re);
}

static struct country_rules *
rules_new(const char *cc)
{
	struct country_rules	*cr = xcalloc(1, sizeof *cr);

	cr->iso2[0] = (char)toupper((unsigned char)cc[0]);
	cr->iso2[1] = (char)toupper((unsigned char)cc[1]);
	cr->iso2[2] = '\0';
	return cr;
}

struct country_rules *
country_rules_bundled(const char *cc)
{
	struct country_rules	*cr;
	size_t			 i;

	if (cc == NULL || strlen(cc) != 2)
		return NULL;
	for (i = 0; i < COUNTRY_N; i++)
		if (strcasecmp(country_table[i].iso2, cc) == 0)
			break;
	if (i == COUNTRY_N)
		return NULL;
	cr = rules_new(cc);
	cr->default_culture = xstrdup(country_table[i].default_culture);
	cr->state_required = country_table[i].state_required;
	cr->postal_required = country_table[i].postal_required;
	cr->city_required = country_table[i].city_required;
	if (country_table[i].postal_regex != NULL)
		cr->postal_regex = xstrdup(country_table[i].postal_regex);
	if (country_table[i].phone_regex != NULL)
		cr->phone_regex = xstrdup(country_table[i].phone_regex);
	cr->states = list_copy(country_table[i].states);
	cr->cultures = list_copy(country_table[i].cultures);
	cr->languages = list_copy(country_table[i].languages);
	cr->calling = list_copy(country_table[i].calling);
	snprintf(cr->source, sizeof cr->source, "the bundled fallback rules "
	    "for %s", cr->iso2);
	compile(cr);
	return cr;
}

struct country_rules *
country_rules_generic(const char *cc)
{
	struct country_rules	*cr;

	if (cc == NULL || strlen(cc) != 2)
		return NULL;
	cr = rules_new(cc);
	cr->default_culture = xstrdup("en-US");
	cr->city_required = 1;
	cr->states = list_copy(NULL);
	cr->cultures = list_copy(NULL);
	cr->languages = list_copy(NULL);
	cr->calling = list_copy(NULL);
	cr->generic = 1;
	snprintf(cr->source, sizeof cr->source, "generic rules for %s",
	    cr->iso2);
	return cr;
}

/* A string array member (any case) as a list; NULL if not an array. */
static char **
json_list(const json_t *o, const char *key, int *bad)
{
	json_t	*a = billing_json_get(o, key), *v;
	char	**out;
	size_t	  i, n = 0;

	if (a == NULL || json_is_null(a))
		return list_copy(NULL);
	if (!json_is_array(a)) {
		*bad = 1;
		return list_copy(NULL);
	}
	out = xcalloc(json_array_size(a) + 1, sizeof *out);
	json_array_foreach(a, i, v)
		if (json_is_string(v))
			out[n++] = xstrdup(json_string_value(v));
	return out;
}

static int
json_flag(const json_t *o, const char *key)
{
	json_t	*v = billing_json_get(o, key);

	return v != NULL && json_is_true(v);
}

static char *
json_text(const json_t *o, const char *key)
{
	const char	*s = billing_json_string(o, key);

	return s != NULL && *s != '\0' ? xstrdup(s) : NULL;
}

struct country_rules *
country_rules_from_json(const json_t *o, const char *cc,
    struct imp_err *err)
{
	struct country_rules	*cr;
	const char		*iso2;
	int			 bad = 0;

	if (!json_is_object(o)) {
		imp_errf(err, IMP_EXIT_DATAERR, "country rules: not a JSON "
		    "object");
		return NULL;
	}
	iso2 = billing_json_string(o, "iso2Code");
	if (iso2 == NULL || strlen(iso2) != 2)
		iso2 = cc;
	if (iso2 == NULL || strlen(iso2) != 2 ||
	    !isalpha((unsigned char)iso2[0]) ||
	    !isalpha((unsigned char)iso2[1])) {
		imp_errf(err, IMP_EXIT_DATAERR, "country rules: no iso2Code");
		return NULL;
	}
	cr = rules_new(iso2);
	cr->default_culture = json_text(o, "defaultCulture");
	cr->state_required = json_flag(o, "isStateRequired");
	cr->postal_required = json_flag(o, "isPostalCodeRequired");
	cr->city_required = json_flag(o, "isCityRequired");
	cr->postal_regex = json_text(o, "postalCodeRegex");
	cr->phone_regex = json_text(o, "phoneNumberRegex");
	cr->states = json_list(o, "supportedStatesList", &bad);
	cr->cultures = json_list(o, "supportedCulturesList", &bad);
	cr->languages = json_list(o, "supportedLanguagesList", &bad);
	cr->calling = json_list(o, "countryCallingCodesList", &bad);
	if (bad) {
		country_rules_free(cr);
		imp_errf(err, IMP_EXIT_DATAERR, "country rules for %s: a "
		    "...List member is not an array", iso2);
		return NULL;
	}
	compile(cr);
	return cr;
}

static json_t *
string_list(char *const *l)
{
	json_t	*a = json_array();

	for (; l != NULL && *l != NULL; l++)
		json_array_append_new(a, json_string(*l));
	return a;
}

json_t *
country_rules_to_json(const struct country_rules *cr)
{
	json_t	*o = json_object(), *attrs;

	json_object_set_new(o, "iso2Code", json_string(cr->iso2));
	if (cr->default_culture != NULL)
		json_object_set_new(o, "defaultCulture",
		    json_string(cr->default_culture));
	json_object_set_new(o, "isStateRequired",
	    json_boolean(cr->state_required));
	json_object_set_new(o, "supportedStatesList",
	    string_list(cr->states));
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
	json_object_set_new(o, "countryCallingCodesList",
	    string_list(cr->calling));
	attrs = json_object();
	json_object_set_new(attrs, "objectType",
	    json_string("CountryValidationRules"));
	json_object_set_new(o, "attributes", attrs);
	return o;
}

void
country_rules_free(struct country_rules *cr)
{
	if (cr == NULL)
		return;
	free(cr->default_culture);
	free(cr->postal_regex);
	free(cr->phone_regex);
	list_free(cr->states);
	list_free(cr->cultures);
	list_free(cr->languages);
	list_free(cr->calling);
	if (cr->has_postal_re)
		regfree(&cr->postal_re);
	if (cr->has_phone_re)
		regfree(&cr->phone_re);
	free(cr);
}

int
country_in_list(char *const *l, const char *s)
{
	for (; l != NULL && *l != NULL; l++)
		if (strcasecmp(*l, s) == 0)
			return 1;
	return 0;
}

void
country_list_text(char *const *l, char *buf, size_t size)
{
	static const char	 more[] = ", ...";
	size_t			 o = 0, n;

	buf[0] = '\0';
	for (; l != NULL && *l != NULL; l++) {
		n = strlen(*l) + (o > 0 ? 2 : 0);
		/* Whole items only, and room left to say there are more. */
		if (o + n + sizeof more > size) {
			if (o + sizeof more <= size)
				memcpy(buf + o, more, sizeof more);
			return;
		}
		o += snprintf(buf + o, size - o, "%s%s", o > 0 ? ", " : "",
		    *l);
	}
}

int
country_postal_ok(const struct country_rules *cr, const char *s)
{
	return !cr->has_postal_re ||
	    regexec(&cr->postal_re, s, 0, NULL, 0) == 0;
}

int
country_phone_ok(const struct country_rules *cr, const char *s)
{
	const char	*p;
	size_t		 i, n;

	if (!cr->has_phone_re || regexec(&cr->phone_re, s, 0, NULL, 0) == 0)
		return 1;
	if (*s != '+')
		return 0;
	if (regexec(&cr->phone_re, s + 1, 0, NULL, 0) == 0)
		return 1;
	for (i = 0; cr->calling != NULL && cr->calling[i] != NULL; i++) {
		n = strlen(cr->calling[i]);
		if (strncmp(s + 1, cr->calling[i], n) != 0)
			continue;
		for (p = s + 1 + n; *p == ' ' || *p == '-' || *p == '.'; p++)
			;
		if (regexec(&cr->phone_re, p, 0, NULL, 0) == 0)
			return 1;
	}
	return 0;
}

static struct country_problem *
add(struct country_problem *p, size_t max, size_t *n, int col,
    const char *rule, int warning)
{
	struct country_problem	*q;

	if (*n == max)
		return NULL;
	q = &p[(*n)++];
	memset(q, 0, sizeof *q);
	q->col = col;
	q->rule = rule;
	q->warning = warning;
	return q;
}

#define HAS(v)	((v) != NULL && *(v) != '\0')

size_t
country_check(const struct country_rules *cr, const char *const *val,
    uint32_t mask, struct country_problem *p, size_t max)
{
	struct country_problem	*q;
	const char		*v;
	char			 list[160];
	size_t			 n = 0;

	v = val[COL_CULTURE];
	if ((mask & (1u << COL_CULTURE)) && HAS(v) && cr->cultures[0] != NULL &&
	    !country_in_list(cr->cultures, v) &&
	    (q = add(p, max, &n, COL_CULTURE, "culture", 0)) != NULL) {
		country_list_text(cr->cultures, list, sizeof list);
		snprintf(q->msg, sizeof q->msg, "not a supported culture");
		snprintf(q->hint, sizeof q->hint, "%s: %s", cr->iso2, list);
	}
	v = val[COL_LANGUAGE];
	if ((mask & (1u << COL_LANGUAGE)) && HAS(v) &&
	    cr->languages[0] != NULL && !country_in_list(cr->languages, v) &&
	    (q = add(p, max, &n, COL_LANGUAGE, "language", 0)) != NULL) {
		country_list_text(cr->languages, list, sizeof list);
		snprintf(q->msg, sizeof q->msg, "not a supported language");
		snprintf(q->hint, sizeof q->hint, "%s: %s", cr->iso2, list);
	}
	v = val[COL_STATE];
	if ((mask & (1u << COL_STATE)) && !HAS(v) && cr->state_required &&
	    (q = add(p, max, &n, COL_STATE, "required", 0)) != NULL) {
		snprintf(q->msg, sizeof q->msg, "a state is required");
		snprintf(q->hint, sizeof q->hint, "%s addresses need one",
		    cr->iso2);
	} else if ((mask & (1u << COL_STATE)) && HAS(v) &&
	    cr->states[0] != NULL && !country_in_list(cr->states, v) &&
	    (q = add(p, max, &n, COL_STATE, "state", 0)) != NULL) {
		country_list_text(cr->states, list, sizeof list);
		snprintf(q->msg, sizeof q->msg, "not a listed state");
		snprintf(q->hint, sizeof q->hint, "%s: %s", cr->iso2, list);
	}
	v = val[COL_POSTAL_CODE];
	if ((mask & (1u << COL_POSTAL_CODE)) && !HAS(v) &&
	    cr->postal_required &&
	    (q = add(p, max, &n, COL_POSTAL_CODE, "required", 0)) != NULL) {
		snprintf(q->msg, sizeof q->msg, "a postal code is required");
		snprintf(q->hint, sizeof q->hint, "%s addresses need one",
		    cr->iso2);
	} else if ((mask & (1u << COL_POSTAL_CODE)) && HAS(v) &&
	    !country_postal_ok(cr, v) &&
	    (q = add(p, max, &n, COL_POSTAL_CODE, "postal-code", 0)) != NULL) {
		snprintf(q->msg, sizeof q->msg, "does not match the postal code "
		    "pattern");
		snprintf(q->hint, sizeof q->hint, "%s: %s", cr->iso2,
		    cr->postal_regex);
	}
	v = val[COL_CITY];
	if ((mask & (1u << COL_CITY)) && !HAS(v) && cr->city_required &&
	    (q = add(p, max, &n, COL_CITY, "required", 0)) != NULL) {
		snprintf(q->msg, sizeof q->msg, "a city is required");
		snprintf(q->hint, sizeof q->hint, "%s addresses need one",
		    cr->iso2);
	}
	/* The reference's §15: a phone that misses the published pattern
	 * is a warning, not a rejection; the service may take it. */
	v = val[COL_PHONE_NUMBER];
	if ((mask & (1u << COL_PHONE_NUMBER)) && HAS(v) &&
	    !country_phone_ok(cr, v) &&
	    (q = add(p, max, &n, COL_PHONE_NUMBER, "phone-pattern", 1)) !=
	    NULL) {
		snprintf(q->msg, sizeof q->msg, "warning: does not match the "
		    "phone pattern");
		snprintf(q->hint, sizeof q->hint, "%s: %s; the row is sent as "
		    "it is", cr->iso2, cr->phone_regex);
	}
	return n;
}

int
country_language_form(const char *s, char *out, size_t size)
{
	size_t	i, k;

	if (strlen(s) <= 2)
		return 0;
	for (i = 0; i < COUNTRY_N; i++)
		for (k = 0; country_table[i].languages[k] != NULL; k++)
			if (strcasecmp(country_table[i].languages[k], s) == 0) {
				snprintf(out, size, "%s",
				    country_table[i].languages[k]);
				return 1;
			}
	return 0;
}

int
country_bundled_cultures(const char *cc, char *buf, size_t size)
{
	struct country_rules	*cr = country_rules_bundled(cc);

	buf[0] = '\0';
	if (cr == NULL)
		return 0;
	country_list_text(cr->cultures, buf, size);
	country_rules_free(cr);
	return 1;
}

struct country_book {
	struct country_rules	**r;
	size_t			  n, cap;
};

struct country_book *
country_book_new(void)
{
	return xcalloc(1, sizeof(struct country_book));
}

struct country_book *
country_book_bundled(void)
{
	struct country_book	*bk = country_book_new();
	size_t			 i;

	for (i = 0; i < COUNTRY_N; i++)
		country_book_put(bk, country_rules_bundled(
		    country_table[i].iso2));
	return bk;
}

void
country_book_free(struct country_book *bk)
{
	size_t	i;

	if (bk == NULL)
		return;
	for (i = 0; i < bk->n; i++)
		country_rules_free(bk->r[i]);
	free(bk->r);
	free(bk);
}

void
country_book_put(struct country_book *bk, struct country_rules *cr)
{
	size_t	i;

	for (i = 0; i < bk->n; i++)
		if (strcmp(bk->r[i]->iso2, cr->iso2) == 0) {
			country_rules_free(bk->r[i]);
			bk->r[i] = cr;
			return;
		}
	if (bk->n == bk->cap) {
		bk->cap = bk->cap ? bk->cap * 2 : 16;
		bk->r = xreallocarray(bk->r, bk->cap, sizeof *bk->r);
	}
	bk->r[bk->n++] = cr;
}

const struct country_rules *
country_book_get(const struct country_book *bk, const char *cc)
{
	size_t	i;

	if (bk == NULL || cc == NULL)
		return NULL;
	for (i = 0; i < bk->n; i++)
		if (strcasecmp(bk->r[i]->iso2, cc) == 0)
			return bk->r[i];
	return NULL;
}

int
country_book_load(struct country_book *bk, const char *path,
    struct imp_err *err)
{
	struct country_rules	*cr;
	struct imp_err		 e;
	json_error_t		 je;
	json_t			*j, *v;
	size_t			 i;
	FILE			*fp;

	fp = fopen(path, "rb");
	if (fp == NULL)
		return imp_errf(err, IMP_EXIT_NOINPUT, "%s: %s", path,
		    strerror(errno));
	j = json_loadf(fp, 0, &je);
	fclose(fp);
	if (j == NULL)
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: line %d: %s",
		    path, je.line, je.text);
	if (json_is_object(j)) {
		v = json_array();
		json_array_append(v, j);
		json_decref(j);
		j = v;
	}
	if (!json_is_array(j)) {
		json_decref(j);
		return imp_errf(err, IMP_EXIT_DATAERR, "%s: not a "
		    "CountryValidationRules object or an array of them", path);
	}
	json_array_foreach(j, i, v) {
		cr = country_rules_from_json(v, NULL, &e);
		if (cr == NULL) {
			json_decref(j);
			return imp_errf(err, e.code, "%s: item %zu: %s", path,
			    i + 1, e.msg);
		}
		snprintf(cr->source, sizeof cr->source, "the rules for %s "
		    "from %s", cr->iso2, path);
		country_book_put(bk, cr);
	}
	json_decref(j);
	return 0;
}
