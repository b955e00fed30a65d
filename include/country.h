/*
 * country.h: a country's validation rules as the service publishes them
 * (GET /v1/countryvalidationrules/{ISO2}, CountryValidationRules with flat
 * ...List arrays): read from its JSON, the bundled fallback that stands in
 * when no answer of the service is at hand (the sandbox serves the same
 * table), and the checks of a billing profile's values against them.
 */
#ifndef IMPORTER_COUNTRY_H
#define IMPORTER_COUNTRY_H

#include <regex.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "importer.h"

/* One market's rules. Lists are NULL-terminated; an empty one: any. */
struct country_rules {
	char		  iso2[3];
	char		 *default_culture;	/* or NULL */
	int		  state_required;
	int		  postal_required;
	int		  city_required;
	char		 *postal_regex;		/* as published (.NET), or NULL */
	char		 *phone_regex;
	char		**states;
	char		**cultures;
	char		**languages;
	char		**calling;		/* countryCallingCodesList */
	int		  generic;	/* no table entry: lists left empty */
	char		  source[96];	/* "the service's rules for PT, read
					 * 2026-12-06 15:20 UTC" */
	/* private: the patterns compiled once (0: none or not POSIX) */
	int		  has_postal_re, has_phone_re;
	regex_t		  postal_re, phone_re;
};

/* A problem a country's rules find in a value. */
struct country_problem {
	int	 col;		/* enum column */
	const char *rule;	/* "culture", "language", "state", ... */
	int	 warning;	/* the row stays valid */
	char	 msg[256];
	char	 hint[256];
};

#define COUNTRY_MAX_PROBLEMS	8

/* A set of rules by country: the ones a check or the sandbox uses. */
struct country_book;

/* country.c */
/*
 * The bundled rules for cc (any case): the table's entry, else NULL.
 * Newly allocated; free with country_rules_free.
 */
struct country_rules *country_rules_bundled(const char *cc);
/* Loose rules for a country the table has not: no lists, city required. */
struct country_rules *country_rules_generic(const char *cc);
/*
 * Rules from a CountryValidationRules object (keys in any case). cc, when
 * not NULL, is the country asked for and wins over a missing iso2Code.
 * NULL with err (65) when o is not such an object.
 */
struct country_rules *country_rules_from_json(const json_t *o,
		    const char *cc, struct imp_err *err);
/* The rules as the API writes them. New reference. */
json_t		*country_rules_to_json(const struct country_rules *cr);
void		 country_rules_free(struct country_rules *cr);
/* Nonzero if s is in the NULL-terminated list l (any case). */
int		 country_in_list(char *const *l, const char *s);
/* The list as "a, b, c" into buf; one too long for it ends in ", ...". */
void		 country_list_text(char *const *l, char *buf, size_t size);
/*
 * Nonzero if the postal code / phone number matches the published pattern
 * (or there is none the system's regex library can run). A phone in its
 * international form ("+1 425 ...", "+351 ...") matches if it does
 * without the '+' or without '+' and a calling code of the country.
 */
int		 country_postal_ok(const struct country_rules *cr,
		    const char *s);
int		 country_phone_ok(const struct country_rules *cr,
		    const char *s);
/*
 * Checks the values of a profile, val[col] (NULL or "": none), against
 * cr: of the columns in mask (1 << col) only. Returns the number of
 * problems written to p (at most max); warnings are among them.
 */
size_t		 country_check(const struct country_rules *cr,
		    const char *const *val, uint32_t mask,
		    struct country_problem *p, size_t max);
/*
 * Nonzero if s is a language form some bundled list names beyond two
 * letters ("pt-PT", "zh-CHS"); its canonical spelling into out.
 */
int		 country_language_form(const char *s, char *out, size_t size);
/* The bundled cultures of cc as "en-US, es-US" into buf; 0 if none. */
int		 country_bundled_cultures(const char *cc, char *buf,
		    size_t size);

struct country_book *country_book_new(void);
/* A book of every bundled country's rules. */
struct country_book *country_book_bundled(void);
void		 country_book_free(struct country_book *bk);
/* Adds cr (the book owns it), replacing the rules of its country. */
void		 country_book_put(struct country_book *bk,
		    struct country_rules *cr);
/* The rules for cc (any case), borrowed; NULL if none. */
const struct country_rules *country_book_get(const struct country_book *bk,
		    const char *cc);
/*
 * Reads a JSON file of rules: one CountryValidationRules object, or an
 * array of them. Each replaces the book's for its country. 0, or -1 with
 * err (66 unreadable, 65 not rules).
 */
int		 country_book_load(struct country_book *bk, const char *path,
		    struct imp_err *err);

#endif
