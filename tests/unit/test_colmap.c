/*
 * test_colmap.c: colmap.h: canonical names, loose header matching and
 * aliases, profile rules, and the headers that are refused.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "colmap.h"
#include "../tap.h"

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

/* The column a single header (beside a customer_id) maps to. */
static int
map_one(const char *header)
{
	const char	*names[2];
	struct colmap	*cm;
	struct imp_err	 err;
	int		 col;

	names[0] = "customer_id";
	names[1] = header;
	memset(&err, 0, sizeof err);
	cm = colmap_new(names, 2, NULL, 0, 0, &err);
	if (cm == NULL) {
		printf("# '%s': %s\n", header, err.msg);
		return -100;
	}
	col = colmap_column(cm, 1);
	colmap_free(cm);
	return col;
}

/* The column a header maps to when it is the only (id) column. */
static int
map_id(const char *header)
{
	const char	*names[1];
	struct colmap	*cm;
	struct imp_err	 err;
	int		 col;

	names[0] = header;
	memset(&err, 0, sizeof err);
	cm = colmap_new(names, 1, NULL, 0, 0, &err);
	if (cm == NULL)
		return -100;
	col = colmap_column(cm, 0);
	colmap_free(cm);
	return col;
}

static void
test_names(void)
{
	static const char *const want[COL_COUNT] = {
		"customer_id", "company_name", "first_name", "last_name",
		"email", "phone_number", "address_line1", "address_line2",
		"address_line3", "city", "state", "region", "postal_code",
		"country", "culture", "language"
	};
	struct colmap	*cm;
	struct imp_err	 err;
	char		 buf[64];
	int		 i, names_ok = 1, lookup_ok = 1;

	for (i = 0; i < COL_COUNT; i++) {
		if (strcmp(colmap_name(i), want[i]) != 0)
			names_ok = 0;
		if (colmap_lookup(want[i]) != i)
			lookup_ok = 0;
	}
	ok(names_ok, "colmap_name gives the 16 canonical names in order");
	ok(lookup_ok, "colmap_lookup finds each canonical name");
	is_int(colmap_lookup("Customer ID"), -1,
	    "colmap_lookup is exact: no loose matching");
	is_int(colmap_lookup("zip"), -1, "colmap_lookup knows no aliases");
	is_str(colmap_name(-1), "?", "colmap_name of -1");
	is_str(colmap_name(COL_COUNT), "?", "colmap_name past the end");

	is_str(colmap_loose(" Customer_ID-x.(1) ", buf, sizeof buf),
	    "customeridx1", "loose form drops case, spaces and punctuation");
	is_str(colmap_loose("\302\240Tenant\342\200\213ID\343\200\200", buf,
	    sizeof buf), "tenantid", "loose form drops NBSP, zero-width "
	    "space and ideographic space");
	is_str(colmap_loose("abcdef", buf, 4), "abc",
	    "loose form is cut to the buffer");

	memset(&err, 0, sizeof err);
	cm = colmap_new(want, COL_COUNT, NULL, 0, 0, &err);
	ok(cm != NULL, "a header of all canonical names maps: %s", err.msg);
	if (cm != NULL) {
		int	all = 1;

		for (i = 0; i < COL_COUNT; i++)
			if (colmap_column(cm, i) != i ||
			    colmap_input(cm, i) != (size_t)i)
				all = 0;
		ok(all, "each canonical name maps to its column and back");
		is_int(colmap_ninput(cm), COL_COUNT, "16 inputs");
		is_str(colmap_header(cm, 4), "email", "headers kept");
		is_int(colmap_column(cm, 99), COLMAP_EXTRA,
		    "an index past the header is extra");
	}
	colmap_free(cm);
}

static void
test_loose(void)
{
	static const struct {
		const char	*header;
		int		 col;
	} cases[] = {
		{ "Company Name", COL_COMPANY_NAME },
		{ "COMPANY-NAME", COL_COMPANY_NAME },
		{ "Company", COL_COMPANY_NAME },
		{ "Organisation", COL_COMPANY_NAME },
		{ "公司名称", COL_COMPANY_NAME },
		{ "会社名", COL_COMPANY_NAME },
		{ "First Name", COL_FIRST_NAME },
		{ "Given name", COL_FIRST_NAME },
		{ "Surname", COL_LAST_NAME },
		{ "Last.Name", COL_LAST_NAME },
		{ "E-mail", COL_EMAIL },
		{ "E-mail Address", COL_EMAIL },
		{ "Billing Email", COL_EMAIL },
		{ "Phone", COL_PHONE_NUMBER },
		{ "Telephone Number", COL_PHONE_NUMBER },
		{ "Phone No.", COL_PHONE_NUMBER },
		{ "Address Line 1", COL_ADDRESS_LINE1 },
		{ "Address", COL_ADDRESS_LINE1 },
		{ "Street Address", COL_ADDRESS_LINE1 },
		{ "address_line_2", COL_ADDRESS_LINE2 },
		{ "Address 2", COL_ADDRESS_LINE2 },
		{ "Address Line 3", COL_ADDRESS_LINE3 },
		{ "Town", COL_CITY },
		{ "Province", COL_STATE },
		{ "State/Province", COL_STATE },
		{ "Prefecture", COL_STATE },
		{ "Region", COL_REGION },
		{ "ZIP", COL_POSTAL_CODE },
		{ "Zip Code", COL_POSTAL_CODE },
		{ "Postcode", COL_POSTAL_CODE },
		{ "Postal Code", COL_POSTAL_CODE },
		{ "Country/Region", COL_COUNTRY },
		{ "Country Code", COL_COUNTRY },
		{ "Locale", COL_CULTURE },
		{ "Language Code", COL_LANGUAGE },
		{ "LANG", COL_LANGUAGE },
		{ "Notes", COLMAP_EXTRA },
		{ "Account Manager", COLMAP_EXTRA },
		{ "Postal", COL_POSTAL_CODE },
		{ "Zip+4", COLMAP_EXTRA },
	};
	static const char *const ids[] = {
		"customer_id", "Customer ID", "customer-id", "CUSTOMER_ID",
		" Tenant ID ", "Microsoft ID", "Tenant GUID",
		"AAD Tenant ID", "Directory ID", "\357\273\277Customer ID",
	};
	size_t	i;

	for (i = 0; i < NELEM(ids); i++)
		is_int(map_id(ids[i]), COL_CUSTOMER_ID, "'%s' is customer_id",
		    ids[i]);
	for (i = 0; i < NELEM(cases); i++)
		is_int(map_one(cases[i].header), cases[i].col, "'%s' -> %s",
		    cases[i].header, cases[i].col >= 0 ?
		    colmap_name(cases[i].col) : "extra");
}

static void
test_rules(void)
{
	static const char *const names[] = {
		"Kundennummer", "Firma", "Customer ID", "Internal notes",
		"PLZ"
	};
	struct colmap_rule	 rules[3];
	struct colmap		*cm;
	struct imp_err		 err;

	rules[0].header = "kunden-nummer";	/* loose match, as headers */
	rules[0].col = COL_CUSTOMER_ID;
	rules[1].header = "Customer ID";
	rules[1].col = COLMAP_IGNORE;
	rules[2].header = "plz";
	rules[2].col = COL_POSTAL_CODE;

	memset(&err, 0, sizeof err);
	cm = colmap_new(names, NELEM(names), rules, NELEM(rules), 0, &err);
	ok(cm != NULL, "profile rules map the header: %s", err.msg);
	if (cm != NULL) {
		is_int(colmap_column(cm, 0), COL_CUSTOMER_ID,
		    "a rule maps 'Kundennummer' to customer_id");
		is_int(colmap_column(cm, 2), COLMAP_IGNORE,
		    "a rule beats the built-in alias: 'Customer ID' ignored");
		is_int(colmap_input(cm, COL_CUSTOMER_ID), 0,
		    "customer_id comes from input 0, not the ignored one");
		is_int(colmap_column(cm, 1), COLMAP_EXTRA,
		    "'Firma' is neither a rule nor an alias: extra");
		is_int(colmap_column(cm, 3), COLMAP_EXTRA,
		    "an unmapped header is extra");
		is_int(colmap_column(cm, 4), COL_POSTAL_CODE,
		    "'PLZ' mapped by a rule");
	}
	colmap_free(cm);
}

static void
test_refusals(void)
{
	static const char *const noid[] = { "name", "email" };
	static const char *const twice[] = {
		"Customer ID", "ZIP", "Name", "Postcode"
	};
	static const char *const twin[] = {
		"customer_id", "Notes", "NOTES"
	};
	static const char *const emptyh[] = {
		"customer_id", "", "  ", "city"
	};
	static const char *const twoempty[] = {
		"customer_id", "", "email", ""
	};
	static const char *const noemail[] = { "customer_id", "city" };
	struct colmap_rule	 ign;
	struct colmap		*cm;
	struct imp_err		 err;

	memset(&err, 0, sizeof err);
	cm = colmap_new(noid, NELEM(noid), NULL, 0, 0, &err);
	ok(cm == NULL, "no customer_id: refused");
	is_int(err.code, 65, "no customer_id: code 65");
	ok(has(err.msg, "customer_id"), "the message names customer_id: %s",
	    err.msg);

	memset(&err, 0, sizeof err);
	cm = colmap_new(twice, NELEM(twice), NULL, 0, 0, &err);
	ok(cm == NULL, "'ZIP' and 'Postcode' both: refused");
	is_int(err.code, 65, "two headers for one column: code 65");
	ok(has(err.msg, "'ZIP'") && has(err.msg, "'Postcode'") &&
	    has(err.msg, "postal_code"), "the message names both headers and "
	    "the column: %s", err.msg);

	/* Mapping one of the twins away makes the file usable. */
	ign.header = "Postcode";
	ign.col = COLMAP_IGNORE;
	memset(&err, 0, sizeof err);
	cm = colmap_new(twice, NELEM(twice), &ign, 1, 0, &err);
	ok(cm != NULL && colmap_input(cm, COL_POSTAL_CODE) == 1 &&
	    colmap_column(cm, 3) == COLMAP_IGNORE,
	    "with 'Postcode = ignore' ZIP is the postal code: %s", err.msg);
	colmap_free(cm);

	memset(&err, 0, sizeof err);
	cm = colmap_new(twin, NELEM(twin), NULL, 0, 0, &err);
	ok(cm == NULL, "two unknown headers with the same name: refused");
	is_int(err.code, 65, "same unknown header twice: code 65");
	ok(has(err.msg, "columns 2 and 3") && has(err.msg, "unique"),
	    "the message names columns 2 and 3: %s", err.msg);

	memset(&err, 0, sizeof err);
	cm = colmap_new(noemail, NELEM(noemail), NULL, 0, 1u << COL_EMAIL,
	    &err);
	ok(cm == NULL, "a required column missing: refused");
	is_int(err.code, 65, "required column missing: code 65");
	ok(has(err.msg, "email"), "the message names it: %s", err.msg);

	memset(&err, 0, sizeof err);
	cm = colmap_new(noemail, NELEM(noemail), NULL, 0, 1u << COL_CITY,
	    &err);
	ok(cm != NULL, "a required column present: accepted");
	colmap_free(cm);

	memset(&err, 0, sizeof err);
	cm = colmap_new(emptyh, NELEM(emptyh), NULL, 0, 0, &err);
	ok(cm != NULL, "empty headers are accepted: %s", err.msg);
	if (cm != NULL) {
		is_str(colmap_header(cm, 1), "column 2",
		    "an empty header is named 'column 2'");
		is_str(colmap_header(cm, 2), "column 3",
		    "a blank header is named 'column 3'");
		is_int(colmap_column(cm, 1), COLMAP_EXTRA,
		    "an empty header is extra");
		is_str(colmap_header(cm, 3), "city", "others keep their name");
	}
	colmap_free(cm);

	memset(&err, 0, sizeof err);
	cm = colmap_new(twoempty, NELEM(twoempty), NULL, 0, 0, &err);
	ok(cm != NULL, "two empty headers are not duplicates: %s", err.msg);
	colmap_free(cm);
}

int
main(void)
{
	test_names();
	test_loose();
	test_rules();
	test_refusals();
	return done_testing();
}
