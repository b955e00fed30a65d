/*
 * test_rules.c: rules.h: one row at a time against a header of every
 * canonical column plus one unknown column, with the iso-codes data:
 * the rule ids reported, the normalized values and the fixes recorded.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "colmap.h"
#include "isodata.h"
#include "norm.h"
#include "rules.h"
#include "../tap.h"

#define NCOLS		(COL_COUNT + 1)	/* the canonical ones and "notes" */
#define COL_NOTES	COL_COUNT	/* input index of the unknown column */
#define GUID		"1f4e2b7c-0000-4000-8000-000000000000"

static struct isodata	*iso;
static struct colmap	*cm;
static struct rules	*rules;
static struct rules_row	 row;
static const char	*cells[NCOLS];
static size_t		 lens[NCOLS];

/* Starts a row: every cell empty but customer_id. */
static void
reset(void)
{
	size_t	i;

	for (i = 0; i < NCOLS; i++)
		cells[i] = "";
	cells[COL_CUSTOMER_ID] = GUID;
}

static void
set(int col, const char *v)
{
	cells[col] = v;
}

/* Checks the row of the first n cells; returns nerrors. */
static size_t
check_n(size_t n)
{
	size_t	i;

	for (i = 0; i < NCOLS; i++)
		lens[i] = strlen(cells[i]);
	row.ncells = n;
	row.cells = cells;
	row.lens = lens;
	return rules_check(rules, &row);
}

static size_t
check(void)
{
	return check_n(NCOLS);
}

/* The index of the first problem with this rule id, or -1. */
static int
find(const char *rule)
{
	size_t	i;

	for (i = 0; i < row.nprobs; i++)
		if (strcmp(row.probs[i].rule, rule) == 0)
			return i;
	return -1;
}

/* Nonzero if the row has exactly one problem and it is rule on col. */
static int
only(const char *rule, int col)
{
	size_t	i;

	if (row.nerrors == 1 && row.nprobs == 1 &&
	    strcmp(row.probs[0].rule, rule) == 0 && row.probs[0].col == col)
		return 1;
	printf("# want only %s on %s; %zu errors:", rule, colmap_name(col),
	    row.nerrors);
	for (i = 0; i < row.nprobs; i++)
		printf(" %s(%s: %s)", row.probs[i].rule,
		    colmap_name(row.probs[i].col), row.probs[i].msg);
	printf("\n");
	return 0;
}

/* Nonzero if the row has no problem; prints them otherwise. */
static int
clean(void)
{
	size_t	i;

	if (row.nerrors == 0)
		return 1;
	printf("# unexpected:");
	for (i = 0; i < row.nprobs; i++)
		printf(" %s(%s: %s)", row.probs[i].rule,
		    colmap_name(row.probs[i].col), row.probs[i].msg);
	printf("\n");
	return 0;
}

static const char *
hint(const char *rule)
{
	int	i = find(rule);

	return i >= 0 ? row.probs[i].hint : NULL;
}

static int
has(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

static void
test_guid(void)
{
	reset();
	ok(check() == 0 && clean(), "a row with only a valid GUID is valid");
	ok(row.norm[COL_CUSTOMER_ID] != NULL &&
	    strcmp(row.norm[COL_CUSTOMER_ID], GUID) == 0 && row.fixes == 0,
	    "the GUID is kept as is, no fixes");
	ok(row.norm[COL_CITY] == NULL, "an empty cell is NULL: unchanged");
	ok(row.fixed == 0, "nothing differs from the raw cells");

	set(COL_CUSTOMER_ID, "not-a-guid");
	check();
	ok(only("guid", COL_CUSTOMER_ID), "'not-a-guid': guid");
	is_int(row.probs[0].input, COL_CUSTOMER_ID,
	    "the problem names input column 0");
	ok(row.probs[0].msg[0] != '\0' && row.probs[0].hint[0] != '\0',
	    "with a message and a hint");

	set(COL_CUSTOMER_ID, "1f4e2b7c-0000-4000-8000-00000000000");
	check();
	ok(only("guid", COL_CUSTOMER_ID), "a GUID one digit short: guid");
	set(COL_CUSTOMER_ID, "1f4e2b7c-0000-4000-8000-00000000000g");
	check();
	ok(only("guid", COL_CUSTOMER_ID), "a non-hex digit: guid");
	set(COL_CUSTOMER_ID, "1f4e2b7c+0000-4000-8000-000000000000");
	check();
	ok(only("guid", COL_CUSTOMER_ID), "a wrong separator: guid");

	set(COL_CUSTOMER_ID, "{" GUID "}");
	ok(check() == 0 && clean(), "a GUID in braces is accepted");
	is_str(row.norm[COL_CUSTOMER_ID], GUID, "braces stripped");
	ok(row.fixes & NORM_FORMAT, "braces: NORM_FORMAT");
	ok(!(row.fixes & NORM_CASE), "braces alone: no NORM_CASE");
	ok(row.fixed & (1u << COL_CUSTOMER_ID), "customer_id marked fixed");

	set(COL_CUSTOMER_ID, "1F4E2B7C-0000-4000-8000-00000000ABCD");
	ok(check() == 0 && clean(), "an upper-case GUID is accepted");
	is_str(row.norm[COL_CUSTOMER_ID],
	    "1f4e2b7c-0000-4000-8000-00000000abcd", "lowered");
	ok((row.fixes & NORM_CASE) && !(row.fixes & NORM_FORMAT),
	    "upper case: NORM_CASE only");

	set(COL_CUSTOMER_ID, "1f4e2b7c00004000800000000000abcd");
	ok(check() == 0 && clean(), "32 hex digits are accepted");
	is_str(row.norm[COL_CUSTOMER_ID],
	    "1f4e2b7c-0000-4000-8000-00000000abcd", "dashes put in");
	ok(row.fixes & NORM_FORMAT, "32 digits: NORM_FORMAT");

	set(COL_CUSTOMER_ID, "  " GUID "\302\240");
	ok(check() == 0 && clean(), "a GUID with spaces and an NBSP around");
	is_str(row.norm[COL_CUSTOMER_ID], GUID, "spaces trimmed");
	ok((row.fixes & NORM_TRIM) && (row.fixes & NORM_NBSP),
	    "NORM_TRIM and NORM_NBSP recorded");

	set(COL_CUSTOMER_ID, "");
	set(COL_CITY, "Seattle");
	check();
	ok(only("required", COL_CUSTOMER_ID), "an empty customer_id: required");
}

static void
test_email(void)
{
	static const char *const good[] = {
		"billing@contoso.com", "first.last+tag@mail.contoso.co.uk",
		"x@b\303\274ro.de",
	};
	static const char *const bad[] = {
		"billing@contoso", "billing.contoso.com", "a@@contoso.com",
		"a b@contoso.com", ".a@contoso.com", "a..b@contoso.com",
		"a@-contoso.com", "a@contoso.c", "a@contoso..com",
		"a,b@contoso.com",
	};
	size_t	i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		reset();
		set(COL_EMAIL, good[i]);
		ok(check() == 0 && clean(), "email '%s' is valid", good[i]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		reset();
		set(COL_EMAIL, bad[i]);
		check();
		ok(only("email", COL_EMAIL), "email '%s' is not", bad[i]);
	}
	reset();
	set(COL_EMAIL, "a@contoso.com; b@contoso.com");
	check();
	ok(only("email", COL_EMAIL) && has(row.probs[0].msg, "more than one"),
	    "two addresses: email, 'more than one': %s", row.probs[0].msg);
}

static void
test_country(void)
{
	reset();
	set(COL_COUNTRY, "UK");
	check();
	ok(only("country", COL_COUNTRY), "'UK': country");
	ok(has(hint("country"), "GB"), "the hint says GB: %s",
	    hint("country"));

	set(COL_COUNTRY, "USA");
	check();
	ok(only("country", COL_COUNTRY) && has(hint("country"), "US"),
	    "'USA': country, hint US: %s", hint("country"));

	set(COL_COUNTRY, "Germany");
	check();
	ok(only("country", COL_COUNTRY) && has(hint("country"), "DE"),
	    "'Germany': country, hint DE: %s", hint("country"));

	set(COL_COUNTRY, "XX");
	check();
	ok(only("country", COL_COUNTRY), "'XX' is no country");

	set(COL_COUNTRY, "us");
	ok(check() == 0 && clean(), "'us' is accepted");
	is_str(row.norm[COL_COUNTRY], "US", "'us' normalized to 'US'");
	ok(row.fixes & NORM_CASE, "'us': NORM_CASE");
	ok(row.fixed & (1u << COL_COUNTRY), "country marked fixed");

	set(COL_COUNTRY, "JP");
	ok(check() == 0 && clean() && row.fixes == 0, "'JP' as is");
}

static void
test_postal(void)
{
	static const struct {
		const char	*cc;
		const char	*code;
		const char	*rule;	/* NULL: valid */
	} cases[] = {
		{ "US", "98052", NULL },
		{ "US", "98052-6399", NULL },
		{ "US", "9805A", "postal-code" },
		{ "US", "980521", "postal-code" },
		{ "CA", "K1A 0B1", NULL },
		{ "CA", "K1A0B1", NULL },
		{ "CA", "12345", "postal-code" },
		{ "CN", "100080", NULL },
		{ "CN", "1000800", "postal-code" },
		{ "JP", "100-0001", NULL },
		{ "JP", "1000001", NULL },
		{ "JP", "100-001", "postal-code" },
		{ "DE", "10115", NULL },
		{ "DE", "1O115", "postal-code" },
		{ "GB", "SW1A 1AA", NULL },
		{ "GB", "M1 1AE", NULL },
		{ "GB", "EC1A1BB", NULL },
		{ "GB", "12345", "postal-code" },
		{ "FR", "75001", NULL },
		{ "FR", "750011", "postal-code" },
		{ "IN", "560001", NULL },
		{ "IN", "560 001", NULL },
		{ "IN", "56-0001", "postal-code" },
		{ "BR", "01310-100", NULL },
		{ "BR", "01310100", NULL },
		{ "BR", "1310-100", "postal-code" },
		{ "AU", "2000", NULL },
		{ "AU", "20000", "postal-code" },
		{ "MX", "06600", NULL },
		{ "MX", "066000", "postal-code" },
		{ "NL", "1012 AB", NULL },
		/* No shapes for this country: anything goes. */
		{ "CH", "whatever", NULL },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		reset();
		set(COL_COUNTRY, cases[i].cc);
		set(COL_POSTAL_CODE, cases[i].code);
		check();
		if (cases[i].rule == NULL)
			ok(clean(), "%s postal code '%s' is valid", cases[i].cc,
			    cases[i].code);
		else
			ok(only(cases[i].rule, COL_POSTAL_CODE),
			    "%s postal code '%s': %s", cases[i].cc,
			    cases[i].code, cases[i].rule);
	}

	reset();
	set(COL_POSTAL_CODE, "not checked");
	ok(check() == 0 && clean(), "no country: the postal code is not "
	    "checked");

	reset();
	set(COL_COUNTRY, "GB");
	set(COL_POSTAL_CODE, "sw1a 1aa");
	ok(check() == 0 && clean(), "a lower-case GB postcode is valid");
	is_str(row.norm[COL_POSTAL_CODE], "SW1A 1AA", "and upper-cased");
	ok(row.fixes & NORM_CASE, "postcode case: NORM_CASE");

	reset();
	set(COL_COUNTRY, "US");
	set(COL_POSTAL_CODE, "2134");
	check();
	ok(only("postal-leading-zero", COL_POSTAL_CODE),
	    "US '2134': postal-leading-zero");
	ok(has(hint("postal-leading-zero"), "02134"), "the hint suggests "
	    "02134: %s", hint("postal-leading-zero"));

	set(COL_COUNTRY, "MX");
	set(COL_POSTAL_CODE, "6600");
	check();
	ok(only("postal-leading-zero", COL_POSTAL_CODE) &&
	    has(hint("postal-leading-zero"), "06600"),
	    "MX '6600': postal-leading-zero, hint 06600");

	set(COL_COUNTRY, "US");
	set(COL_POSTAL_CODE, "9.8052E+04");
	check();
	ok(only("excel-scientific", COL_POSTAL_CODE),
	    "'9.8052E+04': excel-scientific");

	set(COL_POSTAL_CODE, "98052.0");
	check();
	ok(only("excel-number", COL_POSTAL_CODE), "'98052.0': excel-number");
	ok(has(hint("excel-number"), "98052") &&
	    !has(hint("excel-number"), "98052.0"),
	    "the hint suggests 98052: %s", hint("excel-number"));
	ok(row.norm[COL_POSTAL_CODE] == NULL, "the bad value is not kept");
}

static void
test_excel(void)
{
	reset();
	set(COL_PHONE_NUMBER, "4.25555E+09");
	check();
	ok(only("excel-scientific", COL_PHONE_NUMBER),
	    "phone '4.25555E+09': excel-scientific");

	reset();
	set(COL_PHONE_NUMBER, "4255550100.00");
	check();
	ok(only("excel-number", COL_PHONE_NUMBER),
	    "phone '4255550100.00': excel-number");

	reset();
	set(COL_CITY, "#N/A");
	check();
	ok(only("excel-error", COL_CITY), "'#N/A' in city: excel-error");
	ok(row.norm[COL_CITY] == NULL, "the error value is not kept");

	/* Excel 365's newer ones: Python in Excel, external data. */
	reset();
	set(COL_CITY, "#PYTHON!");
	check();
	ok(only("excel-error", COL_CITY), "'#PYTHON!' in city: excel-error");
	reset();
	set(COL_CITY, "#TIMEOUT!");
	check();
	ok(only("excel-error", COL_CITY), "'#TIMEOUT!' in city: excel-error");
	reset();
	set(COL_CITY, "#EXTERNAL!");
	check();
	ok(only("excel-error", COL_CITY), "'#EXTERNAL!' in city: excel-error");

	reset();
	set(COL_COMPANY_NAME, " #VALUE! ");
	check();
	ok(only("excel-error", COL_COMPANY_NAME),
	    "' #VALUE! ' in company_name: excel-error");

	reset();
	set(COL_NOTES, "#REF!");
	check();
	ok(row.nerrors == 1 && find("excel-error") == 0 &&
	    row.probs[0].input == COL_NOTES && row.probs[0].col == -1,
	    "'#REF!' in an unknown column: excel-error on that input");

	reset();
	set(COL_EMAIL, "#n/a");
	check();
	ok(only("excel-error", COL_EMAIL), "'#n/a' in email: excel-error");

	/* LibreOffice's own error values (issue 13). */
	reset();
	set(COL_REGION, "Err:502");
	check();
	ok(only("excel-error", COL_REGION), "'Err:502' in region: excel-error");
	reset();
	set(COL_CITY, " Err:504 ");
	check();
	ok(only("excel-error", COL_CITY), "' Err:504 ' in city: excel-error");
	reset();
	set(COL_ADDRESS_LINE2, "Err:50 Suite");
	ok(check() == 0 && clean(), "'Err:50 Suite' is data, not an error");

	reset();
	set(COL_ADDRESS_LINE1, "#12 Main St");
	ok(check() == 0 && clean(), "'#12 Main St' is an address, not an "
	    "Excel error");
}

static void
test_culture_language(void)
{
	reset();
	set(COL_COUNTRY, "CN");
	set(COL_CULTURE, "zh_cn");
	ok(check() == 0 && clean(), "'zh_cn' is accepted for CN");
	is_str(row.norm[COL_CULTURE], "zh-CN", "normalized to 'zh-CN'");
	ok((row.fixes & NORM_FORMAT) && (row.fixes & NORM_CASE),
	    "'zh_cn': NORM_FORMAT and NORM_CASE");

	set(COL_CULTURE, "ZH-cn");
	ok(check() == 0 && clean(), "'ZH-cn' is accepted");
	is_str(row.norm[COL_CULTURE], "zh-CN", "normalized to 'zh-CN'");
	ok((row.fixes & NORM_CASE) && !(row.fixes & NORM_FORMAT),
	    "'ZH-cn': NORM_CASE only");

	set(COL_CULTURE, "english");
	check();
	ok(only("culture", COL_CULTURE), "'english': culture");
	set(COL_CULTURE, "qq-CN");
	check();
	ok(only("culture", COL_CULTURE), "'qq-CN' (no such language): "
	    "culture");
	set(COL_CULTURE, "zh-QQ");
	check();
	ok(only("culture", COL_CULTURE), "'zh-QQ' (no such country): "
	    "culture");

	reset();
	set(COL_COUNTRY, "DE");
	set(COL_CULTURE, "fr-FR");
	check();
	ok(only("culture-country", COL_CULTURE), "DE with fr-FR: "
	    "culture-country");
	ok(has(hint("culture-country"), "de-DE, en-US") &&
	    !has(hint("culture-country"), "fr-DE"), "the hint lists DE's "
	    "cultures, not a made-up fr-DE: %s", hint("culture-country"));
	set(COL_COUNTRY, "US");
	set(COL_CULTURE, "zh-CN");
	check();
	ok(only("culture-country", COL_CULTURE) &&
	    !has(hint("culture-country"), "zh-US"), "US with zh-CN: no "
	    "zh-US suggested: %s", hint("culture-country"));
	set(COL_COUNTRY, "DE");
	set(COL_CULTURE, "fr-FR");
	set(COL_CULTURE, "de-DE");
	ok(check() == 0 && clean(), "DE with de-DE is valid");
	set(COL_CULTURE, "en-US");
	ok(check() == 0 && clean(), "DE with en-US is valid");
	set(COL_COUNTRY, "JP");
	ok(check() == 0 && clean(), "JP with en-US is valid");
	set(COL_COUNTRY, "");
	set(COL_CULTURE, "fr-FR");
	ok(check() == 0 && clean(), "no country: any real culture is valid");

	/* Issue 14: three-part cultures are supported cultures. */
	reset();
	set(COL_COUNTRY, "AZ");
	set(COL_CULTURE, "az-Latn-AZ");
	ok(check() == 0 && clean(), "AZ with az-Latn-AZ is valid");
	set(COL_CULTURE, "AZ_latn_az");
	ok(check() == 0, "'AZ_latn_az' is valid");
	is_str(row.norm[COL_CULTURE], "az-Latn-AZ", "normalized to "
	    "'az-Latn-AZ'");
	set(COL_COUNTRY, "BA");
	set(COL_CULTURE, "bs-Latn-BA");
	ok(check() == 0 && clean(), "BA with bs-Latn-BA is valid");
	set(COL_CULTURE, "bs-Lat-BA");
	check();
	ok(only("culture", COL_CULTURE), "'bs-Lat-BA': culture");

	/* The documented language forms beyond two letters. */
	reset();
	set(COL_COUNTRY, "PT");
	set(COL_LANGUAGE, "pt-PT");
	ok(check() == 0 && clean(), "PT with language pt-PT is valid");
	set(COL_COUNTRY, "CN");
	set(COL_LANGUAGE, "zh-chs");
	ok(check() == 0, "language 'zh-chs' is valid");
	is_str(row.norm[COL_LANGUAGE], "zh-CHS", "normalized to 'zh-CHS'");

	reset();
	set(COL_LANGUAGE, "en-US");
	check();
	ok(only("language", COL_LANGUAGE), "'en-US' as language: language");
	ok(has(hint("language"), "en"), "the hint says en: %s",
	    hint("language"));
	set(COL_LANGUAGE, "english");
	check();
	ok(only("language", COL_LANGUAGE), "'english': language");
	set(COL_LANGUAGE, "qq");
	check();
	ok(only("language", COL_LANGUAGE), "'qq': language");
	set(COL_LANGUAGE, "ZH");
	ok(check() == 0 && clean(), "'ZH' is accepted");
	is_str(row.norm[COL_LANGUAGE], "zh", "normalized to 'zh'");
	ok(row.fixes & NORM_CASE, "'ZH': NORM_CASE");
}

static void
test_phone(void)
{
	reset();
	set(COL_COUNTRY, "US");
	set(COL_PHONE_NUMBER, "+1 (425) 555-0100");
	ok(check() == 0 && clean(), "US '+1 (425) 555-0100' is valid");
	set(COL_PHONE_NUMBER, "425.555.0100");
	ok(check() == 0 && clean(), "US '425.555.0100' is valid");

	set(COL_PHONE_NUMBER, "425 555 0100 x12");
	check();
	ok(only("phone", COL_PHONE_NUMBER) && has(row.probs[0].msg, "'x'"),
	    "'x' in a phone: phone: %s", row.probs[0].msg);
	set(COL_PHONE_NUMBER, "425+555");
	check();
	ok(only("phone", COL_PHONE_NUMBER), "'+' inside a phone: phone");

	set(COL_COUNTRY, "");
	set(COL_PHONE_NUMBER, "123");
	check();
	ok(only("phone", COL_PHONE_NUMBER), "3 digits: phone");
	set(COL_PHONE_NUMBER, "123456789012345678901");
	check();
	ok(only("phone", COL_PHONE_NUMBER), "21 digits: phone");
	set(COL_PHONE_NUMBER, "555-0100");
	ok(check() == 0 && clean(), "7 digits without a country: valid");

	set(COL_COUNTRY, "US");
	check();
	ok(only("phone", COL_PHONE_NUMBER) && has(row.probs[0].msg, "US"),
	    "US '555-0100' (7 digits): phone: %s", row.probs[0].msg);
	set(COL_PHONE_NUMBER, "2 425 555 0100");
	check();
	ok(only("phone", COL_PHONE_NUMBER), "US 11 digits not after 1: "
	    "phone");

	set(COL_COUNTRY, "CN");
	set(COL_PHONE_NUMBER, "+86 10 5917 2000");
	ok(check() == 0 && clean(), "CN '+86 10 5917 2000' is valid");

	reset();
	set(COL_COUNTRY, "RU");
	set(COL_PHONE_NUMBER, "<clear>");
	check();
	ok(only("phone-required", COL_PHONE_NUMBER),
	    "clearing the phone for RU: phone-required");

	set(COL_COUNTRY, "US");
	ok(check() == 0 && clean(), "clearing the phone for US is allowed");
	ok(row.norm[COL_PHONE_NUMBER] != NULL &&
	    *row.norm[COL_PHONE_NUMBER] == '\0', "the phone's value is \"\"");
}

static void
test_clear(void)
{
	reset();
	set(COL_EMAIL, "<clear>");
	check();
	ok(only("clear-not-allowed", COL_EMAIL),
	    "clear token in email: clear-not-allowed");
	ok(row.norm[COL_EMAIL] == NULL, "and email is left unchanged");

	reset();
	set(COL_ADDRESS_LINE2, "<clear>");
	ok(check() == 0 && clean(), "clear token in address_line2 is valid");
	ok(row.norm[COL_ADDRESS_LINE2] != NULL &&
	    *row.norm[COL_ADDRESS_LINE2] == '\0',
	    "address_line2's value is \"\": clear it");
	ok(!(row.fixed & (1u << COL_ADDRESS_LINE2)),
	    "the clear token as written is not a fix");

	set(COL_ADDRESS_LINE2, " <clear> ");
	ok(check() == 0 && clean() && row.norm[COL_ADDRESS_LINE2] != NULL &&
	    *row.norm[COL_ADDRESS_LINE2] == '\0',
	    "the clear token with spaces around clears too");

	set(COL_ADDRESS_LINE2, "<CLEAR>");
	ok(check() == 0 && row.norm[COL_ADDRESS_LINE2] != NULL &&
	    strcmp(row.norm[COL_ADDRESS_LINE2], "<CLEAR>") == 0,
	    "the token is exact: '<CLEAR>' is a value");

	reset();
	set(COL_ADDRESS_LINE3, "<clear>");
	set(COL_REGION, "<clear>");
	ok(check() == 0 && clean() && *row.norm[COL_ADDRESS_LINE3] == '\0' &&
	    *row.norm[COL_REGION] == '\0',
	    "address_line3 and region can be cleared");

	reset();
	set(COL_CITY, "<clear>");
	check();
	ok(only("clear-not-allowed", COL_CITY), "city cannot be cleared");
}

static void
test_state(void)
{
	reset();
	set(COL_COUNTRY, "US");
	set(COL_STATE, "WA");
	ok(check() == 0 && clean(), "US 'WA' is valid");
	set(COL_STATE, "Washington");
	check();
	ok(only("state", COL_STATE), "US 'Washington': state");
	set(COL_STATE, "XZ");
	check();
	ok(only("state", COL_STATE), "US 'XZ': state");
	set(COL_STATE, "wa");
	ok(check() == 0 && clean(), "US 'wa' is accepted");
	is_str(row.norm[COL_STATE], "WA", "'wa' normalized to 'WA'");
	ok(row.fixes & NORM_CASE, "'wa': NORM_CASE");

	set(COL_STATE, "<clear>");
	check();
	ok(only("clear-not-allowed", COL_STATE),
	    "clearing the state for US: clear-not-allowed");

	set(COL_COUNTRY, "CA");
	set(COL_STATE, "ON");
	ok(check() == 0 && clean(), "CA 'ON' is valid");
	set(COL_STATE, "WA");
	check();
	ok(only("state", COL_STATE), "CA 'WA': state");

	set(COL_COUNTRY, "AU");
	set(COL_STATE, "NSW");
	ok(check() == 0 && clean(), "AU 'NSW' is valid");

	set(COL_COUNTRY, "DE");
	set(COL_STATE, "Bayern");
	ok(check() == 0 && clean(), "DE states are not checked");
	set(COL_STATE, "<clear>");
	ok(check() == 0 && clean(), "and may be cleared");
}

static void
test_text(void)
{
	char	long51[52], long50[51], zh50[151];
	size_t	i;

	memset(long51, 'a', 51);
	long51[51] = '\0';
	memset(long50, 'a', 50);
	long50[50] = '\0';
	for (i = 0; i < 50; i++)
		memcpy(zh50 + 3 * i, "\344\270\255", 3);
	zh50[150] = '\0';

	reset();
	set(COL_FIRST_NAME, long51);
	check();
	ok(only("too-long", COL_FIRST_NAME), "first_name of 51: too-long");
	ok(row.norm[COL_FIRST_NAME] == NULL, "the long value is not kept");
	set(COL_FIRST_NAME, long50);
	ok(check() == 0 && clean(), "first_name of 50 is valid");
	set(COL_FIRST_NAME, zh50);
	ok(check() == 0 && clean(), "50 Chinese characters (150 bytes) fit: "
	    "characters are counted, not bytes");

	reset();
	set(COL_CITY, "Seattle\nWA");
	check();
	ok(only("line-break", COL_CITY), "a line break in city: line-break");
	set(COL_CITY, "Seattle\r\nWA");
	check();
	ok(only("line-break", COL_CITY), "CRLF in city: line-break");
	set(COL_CITY, "Seattle\n");
	ok(check() == 0 && clean(), "a trailing line break is trimmed, not "
	    "reported");

	reset();
	set(COL_COMPANY_NAME, "Contoso\001Ltd");
	check();
	ok(only("control-character", COL_COMPANY_NAME),
	    "\\001 in company_name: control-character");
	set(COL_COMPANY_NAME, "Contoso\tLtd");
	check();
	ok(only("control-character", COL_COMPANY_NAME),
	    "an inner tab: control-character");
	set(COL_COMPANY_NAME, "Contoso\177Ltd \345\214\227");
	check();
	ok(only("control-character", COL_COMPANY_NAME),
	    "DEL beside UTF-8: control-character");
}

static void
test_row(void)
{
	static const char *const spaces[NCOLS] = {
		" ", "", "\302\240", "", "", "", "", "", "", "", "", "", "",
		"", "", "", "\t"
	};
	size_t	i;

	reset();
	set(COL_CITY, "Seattle");
	check_n(NCOLS - 1);
	ok(row.nerrors == 1 && find("field-count") == 0 &&
	    row.probs[0].col == -1, "a ragged row: field-count");
	ok(has(row.probs[0].msg, "16") && has(row.probs[0].msg, "17"),
	    "the message has both counts: %s", row.probs[0].msg);

	for (i = 0; i < NCOLS; i++)
		cells[i] = "";
	ok(check() == 0 && row.blank == 1, "an all-empty row is blank");
	for (i = 0; i < NCOLS; i++)
		cells[i] = spaces[i];
	ok(check() == 0 && row.blank == 1, "a row of spaces and NBSPs is "
	    "blank");
	for (i = 0; i < NCOLS; i++)
		cells[i] = "";
	ok(check_n(3) == 0 && row.blank == 1, "a short empty row is blank, "
	    "not ragged");

	reset();
	set(COL_CITY, "Seattle");
	ok(check() == 0 && row.blank == 0, "a row with values is not blank");

	reset();
	set(COL_EMAIL, "not an address");
	set(COL_COUNTRY, "XX");
	set(COL_LANGUAGE, "english");
	is_int(check(), 3, "a row with three problems: nerrors 3");
	ok(row.nprobs == 3 && find("email") >= 0 && find("country") >= 0 &&
	    find("language") >= 0, "all three reported: email, country, "
	    "language");

	reset();
	set(COL_EMAIL, "bad");
	set(COL_COUNTRY, "US");
	set(COL_STATE, "Washington");
	set(COL_POSTAL_CODE, "2134");
	set(COL_PHONE_NUMBER, "555-0100");
	set(COL_CITY, "#N/A");
	set(COL_CULTURE, "fr-FR");
	is_int(check(), 6, "six problems in one row");
	ok(find("email") >= 0 && find("state") >= 0 &&
	    find("postal-leading-zero") >= 0 && find("phone") >= 0 &&
	    find("excel-error") >= 0 && find("culture-country") >= 0,
	    "every one is reported");

	/* rules.h: "Every problem of a row is reported", also when the
	 * customer_id itself is an Excel error (as it is for a bad GUID). */
	reset();
	set(COL_CUSTOMER_ID, "not-a-guid");
	set(COL_EMAIL, "bad");
	ok(check() == 2 && find("guid") >= 0 && find("email") >= 0,
	    "a bad GUID and a bad email: both reported");
	set(COL_CUSTOMER_ID, "#N/A");
	check();
	ok(row.nerrors == 2 && find("excel-error") >= 0 &&
	    find("email") >= 0, "'#N/A' as customer_id and a bad email: "
	    "both reported (got %zu)", row.nerrors);

	reset();
	set(COL_COMPANY_NAME, "  Contoso  ");
	set(COL_CITY, "Seattle");
	ok(check() == 0 && (row.fixed & (1u << COL_COMPANY_NAME)) &&
	    !(row.fixed & (1u << COL_CITY)) && (row.fixes & NORM_TRIM),
	    "only the trimmed column is marked fixed");
	is_str(row.norm[COL_COMPANY_NAME], "Contoso", "trimmed value");
}

/* What a spreadsheet reads scientific notation as; held again next run. */
static void
test_rounded(void)
{
	static const struct {
		const char	*sci, *digits;
	} cases[] = {
		{ "1.40E+10", "14000000000" }, { "4.25555E+09", "4255550000" },
		{ "1e5", "100000" }, { "0.05E+3", "50" }, { "120E-1", "12" },
		{ "1.5E+00", NULL }, { "1.23E-2", NULL }, { "4255550100", NULL },
		{ "1.40E+", NULL }, { "1E+99", NULL }, { "98052.0", NULL },
	};
	char	out[64];
	size_t	i;
	int	n;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = rules_sci_digits(cases[i].sci, strlen(cases[i].sci), out,
		    sizeof out);
		if (cases[i].digits == NULL)
			ok(n == -1, "'%s' is no whole number in scientific "
			    "notation", cases[i].sci);
		else
			ok(n == (int)strlen(cases[i].digits) &&
			    strcmp(out, cases[i].digits) == 0,
			    "'%s' reads as %s", cases[i].sci, cases[i].digits);
	}

	reset();
	set(COL_PHONE_NUMBER, "14000000000");
	check();
	ok(clean(), "14000000000 alone is a valid phone");
	ok(rules_check_rounded(rules, &row, COL_PHONE_NUMBER, "1.40E+10", 8)
	    == 1 && only("rounded-number", COL_PHONE_NUMBER),
	    "... held when last run's cell was 1.40E+10");
	ok(row.norm[COL_PHONE_NUMBER] == NULL, "... and not sent");
	ok(has(row.probs[0].msg, "digits were lost last run") &&
	    has(row.probs[0].hint, "enter the full number") &&
	    has(row.probs[0].hint, "1.40E+10"),
	    "... saying the digits were lost and what to do: %s / %s",
	    row.probs[0].msg, row.probs[0].hint);
	reset();
	set(COL_POSTAL_CODE, "4255550000");
	set(COL_PHONE_NUMBER, "4255550000");
	check();
	ok(rules_check_rounded(rules, &row, COL_PHONE_NUMBER,
	    "'4.25555E+09", 12) == 1, "a guarded flagged cell (fix-up CSV)");
	reset();
	set(COL_PHONE_NUMBER, "4255550123");
	check();
	ok(rules_check_rounded(rules, &row, COL_PHONE_NUMBER, "4.25555E+09",
	    11) == 0 && clean(), "the full number is taken");
	reset();
	set(COL_COMPANY_NAME, "14000000000");
	check();
	ok(rules_check_rounded(rules, &row, COL_COMPANY_NAME, "1.40E+10", 8)
	    == 0 && clean(), "only in a column of digits");
}

static void
test_add(void)
{
	memset(&row.probs, 0, sizeof row.probs);
	row.nerrors = row.nprobs = 0;
	rules_add(&row, 3, COL_EMAIL, "duplicate-email", "a hint",
	    "seen on line %d", 12);
	ok(row.nerrors == 1 && row.nprobs == 1 &&
	    strcmp(row.probs[0].rule, "duplicate-email") == 0 &&
	    strcmp(row.probs[0].msg, "seen on line 12") == 0 &&
	    strcmp(row.probs[0].hint, "a hint") == 0 &&
	    row.probs[0].input == 3 && row.probs[0].col == COL_EMAIL,
	    "rules_add records rule, message, hint, input and column");
	while (row.nerrors < RULES_MAX_PROBLEMS + 5)
		rules_add(&row, 0, -1, "x", NULL, "more");
	ok(row.nerrors == RULES_MAX_PROBLEMS + 5 &&
	    row.nprobs == RULES_MAX_PROBLEMS,
	    "past RULES_MAX_PROBLEMS problems are counted, not kept");
}

int
main(void)
{
	const char	*names[NCOLS];
	struct imp_err	 err;
	int		 i;

	memset(&err, 0, sizeof err);
	iso = isodata_load(NULL, &err);
	if (iso == NULL) {
		printf("# %s\n", err.msg);
		skip_all("no iso-codes data");
		return 0;
	}
	for (i = 0; i < COL_COUNT; i++)
		names[i] = colmap_name(i);
	names[COL_NOTES] = "notes";
	cm = colmap_new(names, NCOLS, NULL, 0, 0, &err);
	if (!ok(cm != NULL, "the header of all columns maps: %s", err.msg))
		return done_testing();
	rules = rules_new(iso, cm, "<clear>", 0);

	test_guid();
	test_email();
	test_country();
	test_postal();
	test_excel();
	test_culture_language();
	test_phone();
	test_clear();
	test_state();
	test_text();
	test_row();
	test_rounded();
	test_add();

	rules_row_free(&row);
	rules_free(rules);
	colmap_free(cm);
	isodata_free(iso);
	return done_testing();
}
