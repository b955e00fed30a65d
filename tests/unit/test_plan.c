/*
 * test_plan.c: plan.h: how a row's value is compared
 * with the account's (leave unchanged, clear, trim and NFC, case of emails
 * and codes, layout of phone numbers, names compared exactly), which
 * changes need review (billing email together with the address), the
 * API's field names, and the GUID parser the check step indexes rows by.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "colmap.h"
#include "plan.h"
#include "../tap.h"

static const char *
cmp_name(enum plan_cmp c)
{
	switch (c) {
	case PLAN_SAME:
		return "SAME";
	case PLAN_SAME_NORMALIZED:
		return "SAME_NORMALIZED";
	case PLAN_CHANGE:
		return "CHANGE";
	}
	return "?";
}

/* Checks plan_compare(col, want, cur) against expect. */
#define CMP(col, want, cur, expect, ...) \
	is_str(cmp_name(plan_compare((col), (want), (cur))), \
	    cmp_name(expect), __VA_ARGS__)

static void
test_leave_unchanged(void)
{
	int	col;

	/* NULL: the cell was empty, the field is left as it is. */
	CMP(COL_EMAIL, NULL, "a@b.example", PLAN_SAME,
	    "NULL want vs a value: same (leave unchanged)");
	CMP(COL_EMAIL, NULL, NULL, PLAN_SAME, "NULL want vs NULL: same");
	CMP(COL_EMAIL, NULL, "", PLAN_SAME, "NULL want vs '': same");
	CMP(COL_COMPANY_NAME, NULL, "Contoso", PLAN_SAME,
	    "NULL want vs a company name: same");
	CMP(COL_PHONE_NUMBER, NULL, "+1 425 555 0100", PLAN_SAME,
	    "NULL want vs a phone number: same");
	for (col = 1; col < COL_COUNT; col++)
		CMP(col, NULL, "x", PLAN_SAME,
		    "NULL want leaves %s unchanged", colmap_name(col));
}

static void
test_clear(void)
{
	int	col;

	/* "": the clear token; a change only when there is something. */
	CMP(COL_ADDRESS_LINE2, "", "Suite 100", PLAN_CHANGE,
	    "clear vs a value: change");
	CMP(COL_ADDRESS_LINE2, "", NULL, PLAN_SAME,
	    "clear vs NULL (nothing): same");
	CMP(COL_ADDRESS_LINE2, "", "", PLAN_SAME, "clear vs '': same");
	CMP(COL_ADDRESS_LINE2, "", "   ", PLAN_SAME,
	    "clear vs whitespace only (empty once trimmed): same");
	CMP(COL_REGION, "", "Kent", PLAN_CHANGE, "clear region: change");
	CMP(COL_STATE, "", "WA", PLAN_CHANGE, "clear state: change");
	CMP(COL_PHONE_NUMBER, "", "+1 425 555 0100", PLAN_CHANGE,
	    "clear phone: change");
	CMP(COL_PHONE_NUMBER, "", NULL, PLAN_SAME,
	    "clear an absent phone: same");
	for (col = 1; col < COL_COUNT; col++)
		CMP(col, "", NULL, PLAN_SAME,
		    "clearing an empty %s is no change", colmap_name(col));

	/* A value where the account has none. */
	CMP(COL_ADDRESS_LINE2, "Suite 200", NULL, PLAN_CHANGE,
	    "value vs NULL: change");
	CMP(COL_ADDRESS_LINE2, "Suite 200", "", PLAN_CHANGE,
	    "value vs '': change");
	CMP(COL_ADDRESS_LINE2, "Suite 200", "  ", PLAN_CHANGE,
	    "value vs whitespace only: change");
}

static void
test_text(void)
{
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "Contoso Ltd", PLAN_SAME,
	    "identical company names: same");
	CMP(COL_CITY, "Redmond", "Redmond", PLAN_SAME,
	    "identical cities: same");
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "Fabrikam", PLAN_CHANGE,
	    "different company: change");
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "Contoso Ltd.", PLAN_CHANGE,
	    "a trailing full stop is a change");
	CMP(COL_ADDRESS_LINE1, "1 Microsoft Way", "1 Microsoft  Way",
	    PLAN_CHANGE, "inner double space is a change");

	/* Trimming. */
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "  Contoso Ltd  ",
	    PLAN_SAME_NORMALIZED, "surrounding spaces: normalized-same");
	CMP(COL_CITY, " Redmond", "Redmond", PLAN_SAME_NORMALIZED,
	    "leading space on the wanted side: normalized-same");
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "Contoso Ltd\t",
	    PLAN_SAME_NORMALIZED, "trailing tab: normalized-same");
	CMP(COL_COMPANY_NAME, "Contoso Ltd", "Contoso\xC2\xA0Ltd",
	    PLAN_SAME_NORMALIZED,
	    "non-breaking space for a space: normalized-same");

	/* Unicode NFC: NFD "e" + U+0301 vs precomposed U+00E9. */
	CMP(COL_COMPANY_NAME, "Caf\xC3\xA9", "Cafe\xCC\x81",
	    PLAN_SAME_NORMALIZED, "NFC vs NFD company: normalized-same");
	CMP(COL_CITY, "Cafe\xCC\x81", "Caf\xC3\xA9", PLAN_SAME_NORMALIZED,
	    "NFD wanted vs NFC current: normalized-same");
	CMP(COL_LAST_NAME, "M\xC3\xBCller", "Mu\xCC\x88ller",
	    PLAN_SAME_NORMALIZED, "NFC vs NFD last name: normalized-same");
	CMP(COL_LAST_NAME, "M\xC3\xBCller", "Muller", PLAN_CHANGE,
	    "u-umlaut vs u: change");
	CMP(COL_CITY, "\xE5\x8C\x97\xE4\xBA\xAC", "\xE5\x8C\x97\xE4\xBA\xAC",
	    PLAN_SAME, "identical CJK city: same");
	CMP(COL_CITY, "  Cafe\xCC\x81 ", "Caf\xC3\xA9", PLAN_SAME_NORMALIZED,
	    "trim and NFC together: normalized-same");

	/* Names are compared with their case. */
	CMP(COL_COMPANY_NAME, "acme", "Acme", PLAN_CHANGE,
	    "company 'acme' vs 'Acme': change");
	CMP(COL_COMPANY_NAME, "ACME", "Acme", PLAN_CHANGE,
	    "company 'ACME' vs 'Acme': change");
	CMP(COL_FIRST_NAME, "ann", "Ann", PLAN_CHANGE,
	    "first name case: change");
	CMP(COL_LAST_NAME, "LEE", "Lee", PLAN_CHANGE,
	    "last name case: change");
	CMP(COL_CITY, "paris", "Paris", PLAN_CHANGE, "city case: change");
	CMP(COL_ADDRESS_LINE1, "1 microsoft way", "1 Microsoft Way",
	    PLAN_CHANGE, "address line case: change");
	CMP(COL_REGION, "kent", "Kent", PLAN_CHANGE,
	    "region case: change (not a code)");
	CMP(COL_COMPANY_NAME, "caf\xC3\xA9", "Cafe\xCC\x81", PLAN_CHANGE,
	    "case differs under NFC too: change");
}

static void
test_email(void)
{
	CMP(COL_EMAIL, "billing@contoso.com", "billing@contoso.com",
	    PLAN_SAME, "identical emails: same");
	CMP(COL_EMAIL, "Billing@Contoso.com", "billing@contoso.com",
	    PLAN_SAME_NORMALIZED, "email case: normalized-same");
	CMP(COL_EMAIL, "billing@contoso.com", "BILLING@CONTOSO.COM",
	    PLAN_SAME_NORMALIZED, "email upper case current: normalized-same");
	CMP(COL_EMAIL, "billing@contoso.com", " Billing@Contoso.com ",
	    PLAN_SAME_NORMALIZED, "email case and spaces: normalized-same");
	CMP(COL_EMAIL, "billing@contoso.com", "invoices@contoso.com",
	    PLAN_CHANGE, "other email: change");
	CMP(COL_EMAIL, "billing@contoso.com", "billing@contoso.co",
	    PLAN_CHANGE, "email differing in length: change");
	CMP(COL_EMAIL, "billing@contoso.com", "billing@contoso.com.au",
	    PLAN_CHANGE, "email with a longer domain: change");
	CMP(COL_EMAIL, "new@contoso.com", NULL, PLAN_CHANGE,
	    "email where there was none: change");
}

static void
test_codes(void)
{
	CMP(COL_COUNTRY, "US", "US", PLAN_SAME, "same country: same");
	CMP(COL_COUNTRY, "US", "us", PLAN_SAME_NORMALIZED,
	    "country 'US' vs 'us': normalized-same");
	CMP(COL_COUNTRY, "gb", "GB", PLAN_SAME_NORMALIZED,
	    "country 'gb' vs 'GB': normalized-same");
	CMP(COL_COUNTRY, "US", "GB", PLAN_CHANGE, "other country: change");
	CMP(COL_CULTURE, "zh-CN", "ZH-cn", PLAN_SAME_NORMALIZED,
	    "culture case: normalized-same");
	CMP(COL_CULTURE, "zh-CN", "zh-TW", PLAN_CHANGE,
	    "other culture: change");
	CMP(COL_LANGUAGE, "zh", "ZH", PLAN_SAME_NORMALIZED,
	    "language case: normalized-same");
	CMP(COL_LANGUAGE, "zh", "ja", PLAN_CHANGE, "other language: change");
	CMP(COL_STATE, "WA", "wa", PLAN_SAME_NORMALIZED,
	    "state case: normalized-same");
	CMP(COL_STATE, "WA", "OR", PLAN_CHANGE, "other state: change");
	CMP(COL_POSTAL_CODE, "SW1A 1AA", "sw1a 1aa", PLAN_SAME_NORMALIZED,
	    "postal code case: normalized-same");
	CMP(COL_POSTAL_CODE, "98052", "98052", PLAN_SAME,
	    "same postal code: same");
	CMP(COL_POSTAL_CODE, "98052", "98053", PLAN_CHANGE,
	    "other postal code: change");
	CMP(COL_POSTAL_CODE, "98052", " 98052 ", PLAN_SAME_NORMALIZED,
	    "postal code with spaces around: normalized-same");
	CMP(COL_COUNTRY, "US", NULL, PLAN_CHANGE,
	    "country where there was none: change");
}

static void
test_phone(void)
{
	CMP(COL_PHONE_NUMBER, "+1 425 555 0100", "+1 425 555 0100", PLAN_SAME,
	    "identical phones: same");
	CMP(COL_PHONE_NUMBER, "+1 (425) 555-0100", "+1 425-555-0100",
	    PLAN_SAME_NORMALIZED,
	    "'+1 (425) 555-0100' vs '+1 425-555-0100': normalized-same");
	CMP(COL_PHONE_NUMBER, "+14255550100", "+1 425 555 0100",
	    PLAN_SAME_NORMALIZED, "compact vs spaced: normalized-same");
	CMP(COL_PHONE_NUMBER, "425.555.0100", "(425) 555-0100",
	    PLAN_SAME_NORMALIZED, "dots vs brackets: normalized-same");
	CMP(COL_PHONE_NUMBER, "+14255550100", "4255550100", PLAN_CHANGE,
	    "'+14255550100' vs '4255550100': change (the + and country "
	    "code)");
	CMP(COL_PHONE_NUMBER, "+4255550100", "4255550100", PLAN_CHANGE,
	    "a leading '+' alone makes a change");
	CMP(COL_PHONE_NUMBER, "425-555-0100", "425-555-0101", PLAN_CHANGE,
	    "one digit differs: change");
	CMP(COL_PHONE_NUMBER, "+1 425 555 0100", "+1 425 555 01000",
	    PLAN_CHANGE, "one more digit: change");
	CMP(COL_PHONE_NUMBER, "+1 425 555 0100", NULL, PLAN_CHANGE,
	    "phone where there was none: change");
	/* The phone rule is the phone's: other columns keep their layout. */
	CMP(COL_ADDRESS_LINE1, "1-2-3 Chome", "123 Chome", PLAN_CHANGE,
	    "digit-only equality does not apply to address lines");
	CMP(COL_POSTAL_CODE, "100-0001", "1000001", PLAN_CHANGE,
	    "nor to postal codes");
}

static void
test_review(void)
{
	static const int	addr[] = {
		COL_ADDRESS_LINE1, COL_ADDRESS_LINE2, COL_ADDRESS_LINE3,
		COL_CITY, COL_STATE, COL_REGION, COL_POSTAL_CODE, COL_COUNTRY
	};
	static const int	other[] = {
		COL_COMPANY_NAME, COL_FIRST_NAME, COL_LAST_NAME,
		COL_PHONE_NUMBER, COL_CULTURE, COL_LANGUAGE
	};
	const uint32_t		email = 1u << COL_EMAIL;
	uint32_t		all = 0, noemail;
	size_t			i;
	int			col;

	ok(!plan_needs_review(0), "no changes: no review");
	ok(!plan_needs_review(email), "email alone: no review");
	for (i = 0; i < sizeof addr / sizeof addr[0]; i++) {
		ok(!plan_needs_review(1u << addr[i]),
		    "%s alone: no review", colmap_name(addr[i]));
		ok(plan_needs_review(email | 1u << addr[i]),
		    "email + %s: review", colmap_name(addr[i]));
	}
	for (i = 0; i < sizeof other / sizeof other[0]; i++)
		ok(!plan_needs_review(email | 1u << other[i]),
		    "email + %s: no review (not the address)",
		    colmap_name(other[i]));
	for (col = 0; col < COL_COUNT; col++)
		all |= 1u << col;
	ok(plan_needs_review(all), "every field: review");
	noemail = all & ~email;
	ok(!plan_needs_review(noemail), "every field but the email: no review");
	ok(!plan_needs_review((1u << COL_ADDRESS_LINE1) | (1u << COL_CITY) |
	    (1u << COL_POSTAL_CODE) | (1u << COL_COUNTRY)),
	    "a whole new address without the email: no review");
	ok(plan_needs_review(email | (1u << COL_COMPANY_NAME) |
	    (1u << COL_POSTAL_CODE)),
	    "email + company + postal code: review");
}

static void
test_field_names(void)
{
	static const char *const want[COL_COUNT] = {
		"customerId", "companyName", "firstName", "lastName", "email",
		"defaultAddress.phoneNumber", "defaultAddress.addressLine1",
		"defaultAddress.addressLine2", "defaultAddress.addressLine3",
		"defaultAddress.city", "defaultAddress.state",
		"defaultAddress.region", "defaultAddress.postalCode",
		"defaultAddress.country", "culture", "language",
	};
	const char	*n;
	int		 col;

	for (col = 0; col < COL_COUNT; col++)
		is_str(plan_field_name(col), want[col], "field name of %s",
		    colmap_name(col));
	n = plan_field_name(-1);
	ok(n != NULL, "field name of -1 is not NULL");
	for (col = 0; n != NULL && col < COL_COUNT; col++)
		if (strcmp(n, want[col]) == 0)
			break;
	ok(col == COL_COUNT, "field name of -1 is no real field ('%s')",
	    n ? n : "(null)");
	n = plan_field_name(COL_COUNT);
	ok(n != NULL, "field name of COL_COUNT is not NULL");
	for (col = 0; n != NULL && col < COL_COUNT; col++)
		if (strcmp(n, want[col]) == 0)
			break;
	ok(col == COL_COUNT, "field name of COL_COUNT is no real field ('%s')",
	    n ? n : "(null)");
}

/* The legacy code pages' twin code points are the same character. */
static void
test_twins(void)
{
	CMP(COL_ADDRESS_LINE1, "3\xef\xbd\x9e" "5\xe9\x9a\x8e",
	    "3\xe3\x80\x9c" "5\xe9\x9a\x8e", PLAN_SAME_NORMALIZED,
	    "3\xef\xbd\x9e" "5 (U+FF5E) vs 3\xe3\x80\x9c" "5 (U+301C): same");
	CMP(COL_ADDRESS_LINE1, "3\xe3\x80\x9c" "5", "3\xef\xbd\x9e" "5",
	    PLAN_SAME_NORMALIZED, "either way round");
	CMP(COL_COMPANY_NAME, "A\xe2\x88\x92" "B", "A\xef\xbc\x8d" "B",
	    PLAN_SAME_NORMALIZED, "minus U+2212 vs fullwidth U+FF0D: same");
	CMP(COL_COMPANY_NAME, "A\xe2\x80\x94" "B", "A\xe2\x80\x95" "B",
	    PLAN_SAME_NORMALIZED, "em dash vs horizontal bar (share two "
	    "bytes): same");
	CMP(COL_COMPANY_NAME, "A\xe2\x80\x94" "C", "A\xe2\x80\x95" "B",
	    PLAN_CHANGE, "a twin and another difference: a change");
	CMP(COL_COMPANY_NAME, "A~B", "A\xe3\x80\x9c" "B", PLAN_CHANGE,
	    "ASCII ~ is not a twin of the wave dash");
	CMP(COL_COMPANY_NAME, "A\xe3\x80\x9c", "A\xe3\x80\x9c" "B",
	    PLAN_CHANGE, "a twin-equal prefix of a longer value: a change");
}

static void
test_lost_characters(void)
{
	ok(plan_lost_characters("J?rgen", "J\xc3\xbcrgen"), "J?rgen for "
	    "J\xc3\xbcrgen: lost");
	ok(plan_lost_characters("???", "\xe6\xa0\xaa\xe5\xbc\x8f\xe4\xbc\x9a"),
	    "??? for three CJK characters: lost");
	ok(plan_lost_characters("A?? Ltd", "A\xc3\xa9\xc3\xa9 Ltd"),
	    "two in the middle: lost");
	ok(!plan_lost_characters("Who?", "Who"), "a real '?' where the "
	    "account has ASCII: not lost");
	ok(!plan_lost_characters("Jurgen", "J\xc3\xbcrgen"), "no '?': not "
	    "lost");
	ok(!plan_lost_characters("Caf\xc3\xa9?", "Caf\xc3\xa9!"), "a '?' "
	    "where the account has ASCII, non-ASCII outside the difference: "
	    "not lost");
	ok(!plan_lost_characters(NULL, "x"), "NULL want: not lost");
	ok(!plan_lost_characters("?", NULL), "no account value: not lost");
}

static void
test_phone_mangled(void)
{
	char	why[256];

	ok(plan_phone_mangled("1614960557", "+44 161 496 0557", why,
	    sizeof why), "+44 161 496 0557 -> 1614960557: mangled (%s)", why);
	ok(plan_phone_mangled("441614960557", "+44 161 496 0557", why,
	    sizeof why), "-> 441614960557 (only the '+' lost): mangled (%s)",
	    why);
	ok(plan_phone_mangled("450362063", "045-036-2063", why, sizeof why),
	    "045-036-2063 -> 450362063: mangled (%s)", why);
	ok(plan_phone_mangled("81450362063", "045-036-2063", why, sizeof why),
	    "045-036-2063 -> 81450362063: mangled (%s)", why);
	ok(plan_phone_mangled("442079460000", "+44 20 7946 0999", why,
	    sizeof why), "another number in the current one's international "
	    "form without '+': mangled (%s)", why);
	ok(!plan_phone_mangled("2079460000", "+44 20 7946 0999", why,
	    sizeof why), "another national number: not mangled");
	ok(!plan_phone_mangled("+44 161 496 0599", "+44 161 496 0557", why,
	    sizeof why), "a new number: not mangled");
	ok(!plan_phone_mangled("+441614960557", "+44 161 496 0557", why,
	    sizeof why), "the '+' kept: not mangled");
	ok(!plan_phone_mangled("4255550199", "4255550100", why, sizeof why),
	    "same length, other digits: not mangled");
	ok(!plan_phone_mangled("", "+44 161 496 0557", why, sizeof why),
	    "cleared: not mangled");
	ok(!plan_phone_mangled("55501", "+1 425 555 0100", why, sizeof why),
	    "a suffix more than a calling code shorter: not mangled");
}

int
main(void)
{
	test_twins();
	test_lost_characters();
	test_phone_mangled();
	test_leave_unchanged();
	test_clear();
	test_text();
	test_email();
	test_codes();
	test_phone();
	test_review();
	test_field_names();
	return done_testing();
}
