/*
 * test_billing.c: the billing-profile wire format: round trip, camelCase
 * out with empty optionals omitted, any case and a BOM in, error bodies.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing.h"
#include "../tap.h"

static json_t *
load(const char *s)
{
	struct imp_err	err;

	return billing_json_load(s, strlen(s), &err);
}

static void
test_round_trip(void)
{
	struct billing_profile	 a, b;
	struct imp_err		 err;
	json_t			*j, *back;
	char			*s;

	billing_init(&a);
	billing_init(&b);
	a.id = strdup("f80f159e-5a20-4447-84e8-7410314ea8c6");
	a.etag = strdup("-4242348048554929329");
	billing_set(&a, COL_COMPANY_NAME, "Contoso Ltd");
	billing_set(&a, COL_FIRST_NAME, "Jane");
	billing_set(&a, COL_LAST_NAME, "Doe");
	billing_set(&a, COL_EMAIL, "billing@contoso.example");
	billing_set(&a, COL_PHONE_NUMBER, "4255550100");
	billing_set(&a, COL_ADDRESS_LINE1, "1 Microsoft Way");
	billing_set(&a, COL_ADDRESS_LINE3, "Attn: AP");
	billing_set(&a, COL_CITY, "Redmond");
	billing_set(&a, COL_STATE, "WA");
	billing_set(&a, COL_POSTAL_CODE, "98052");
	billing_set(&a, COL_COUNTRY, "US");
	billing_set(&a, COL_CULTURE, "en-US");
	billing_set(&a, COL_LANGUAGE, "en");
	billing_set(&a, COL_REGION, "");	/* empty: omitted */

	j = billing_to_json(&a, "/v1/customers/x/profiles/billing");
	s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	ok(strstr(s, "\"companyName\":\"Contoso Ltd\"") != NULL,
	    "companyName in camelCase");
	ok(strstr(s, "\"defaultAddress\":{\"country\":\"US\"") != NULL,
	    "defaultAddress object, country first");
	ok(strstr(s, "\"addressLine1\":\"1 Microsoft Way\"") != NULL,
	    "addressLine1 under defaultAddress");
	ok(strstr(s, "region") == NULL, "empty region omitted");
	ok(strstr(s, "addressLine2") == NULL, "absent addressLine2 omitted");
	is_str(json_string_value(json_object_get(json_object_get(j,
	    "defaultAddress"), "firstName")), "Jane",
	    "the contact's first name is also the address's");
	is_str(json_string_value(json_object_get(json_object_get(j,
	    "attributes"), "etag")), "-4242348048554929329",
	    "attributes.etag");
	is_str(json_string_value(json_object_get(json_object_get(j,
	    "attributes"), "objectType")), "CustomerBillingProfile",
	    "attributes.objectType");
	is_str(json_string_value(json_object_get(json_object_get(
	    json_object_get(j, "links"), "self"), "uri")),
	    "/v1/customers/x/profiles/billing", "links.self.uri");

	back = load(s);
	ok(back != NULL, "its own output parses");
	ok(billing_from_json(back, &b, &err) == 0, "and reads back");
	ok(billing_equal(&a, &b), "round trip keeps the 15 fields");
	is_str(b.id, a.id, "round trip keeps the id");
	is_str(b.etag, a.etag, "round trip keeps the etag");
	ok(b.field[COL_REGION] == NULL, "an omitted field reads as absent");
	free(s);
	json_decref(j);
	json_decref(back);
	billing_clear(&a);
	billing_clear(&b);
}

/* Where column.h places col: in the top level (top), in defaultAddress. */
static void
placed(int col, int *top, int *addr)
{
	int	place = column_info[col].place;

	*top = place == COLUMN_TOP || place == COLUMN_CONTACT;
	*addr = place == COLUMN_ADDRESS || place == COLUMN_CONTACT;
}

/* Every column of the table goes where column.h says, both ways, and the
 * PUT body sets exactly the planned ones. */
static void
test_table(void)
{
	struct billing_profile	 a, b;
	struct imp_err		 err;
	const char		*want[COL_COUNT] = { NULL }, *exp, *got;
	const char		*prop;
	json_t			*j, *addr;
	char			 v[COL_COUNT][32], *body, *put;
	int			 col, top, in_addr, where = 1, planned = 1;

	billing_init(&a);
	billing_init(&b);
	for (col = 1; col < COL_COUNT; col++) {
		snprintf(v[col], sizeof v[col], "value-%d", col);
		billing_set(&a, col, v[col]);
	}
	j = billing_to_json(&a, NULL);
	addr = json_object_get(j, "defaultAddress");
	for (col = 1; col < COL_COUNT; col++) {
		prop = column_info[col].property;
		placed(col, &top, &in_addr);
		if ((json_object_get(j, prop) != NULL) != top ||
		    (json_object_get(addr, prop) != NULL) != in_addr) {
			where = 0;
			printf("# %s misplaced\n", column_info[col].name);
		}
	}
	ok(where, "every column written where column.h places it");
	ok(billing_from_json(j, &b, &err) == 0 && billing_equal(&a, &b),
	    "... and read back from there");
	body = json_dumps(j, JSON_COMPACT);
	json_decref(j);

	want[COL_CITY] = "Paris";
	want[COL_FIRST_NAME] = "Zoé";
	want[COL_REGION] = "";
	want[COL_EMAIL] = "not-planned@example.com";	/* not in planned */
	put = billing_put_body(body, want, (1u << COL_CITY) |
	    (1u << COL_FIRST_NAME) | (1u << COL_REGION), "W/\"7\"", &err);
	free(body);
	j = load(put);
	free(put);
	addr = json_object_get(j, "defaultAddress");
	for (col = 1; col < COL_COUNT; col++) {
		exp = col == COL_CITY ? "Paris" : col == COL_FIRST_NAME ?
		    "Zoé" : col == COL_REGION ? NULL : v[col];
		placed(col, &top, &in_addr);
		got = billing_json_string(top ? j : addr,
		    column_info[col].property);
		if ((exp == NULL) != (got == NULL) ||
		    (exp != NULL && strcmp(exp, got) != 0)) {
			planned = 0;
			printf("# %s: %s\n", column_info[col].name,
			    got != NULL ? got : "(none)");
		}
	}
	ok(planned, "the PUT body sets the planned columns, removes a "
	    "cleared one and keeps the rest");
	is_str(billing_json_string(addr, "firstName"), "Zoé",
	    "... a contact name in defaultAddress too");
	is_str(billing_json_string(json_object_get(j, "attributes"), "etag"),
	    "W/\"7\"", "... with the etag");
	json_decref(j);
	billing_clear(&a);
	billing_clear(&b);
}

static void
test_case_insensitive(void)
{
	struct billing_profile	 b;
	struct imp_err		 err;
	json_t			*j;

	billing_init(&b);
	/* As the .NET SDK sends it: PascalCase, behind a BOM. */
	j = load("\xef\xbb\xbf  {\"Id\":\"p1\",\"CompanyName\":\"Fabrikam\","
	    "\"EMAIL\":\"a@b.example\",\"DefaultAddress\":{\"AddressLine1\":"
	    "\"1 Main St\",\"PostalCode\":\"30308\",\"FirstName\":\"Ann\","
	    "\"LastName\":\"Lee\",\"Region\":null,\"PhoneNumber\":\"\"},"
	    "\"Attributes\":{\"Etag\":\"42\",\"ObjectType\":"
	    "\"CustomerBillingProfile\"}}");
	ok(j != NULL, "a BOM and leading blanks before JSON are skipped");
	ok(billing_from_json(j, &b, &err) == 0, "PascalCase reads");
	is_str(b.id, "p1", "Id");
	is_str(b.field[COL_COMPANY_NAME], "Fabrikam", "CompanyName");
	is_str(b.field[COL_EMAIL], "a@b.example", "EMAIL");
	is_str(b.field[COL_ADDRESS_LINE1], "1 Main St",
	    "DefaultAddress.AddressLine1");
	is_str(b.field[COL_POSTAL_CODE], "30308", "DefaultAddress.PostalCode");
	is_str(b.etag, "42", "Attributes.Etag");
	is_str(b.field[COL_FIRST_NAME], "Ann",
	    "first name from the address when the top has none");
	is_str(b.field[COL_LAST_NAME], "Lee", "last name likewise");
	ok(b.field[COL_REGION] == NULL, "null is absent");
	ok(b.field[COL_PHONE_NUMBER] == NULL, "\"\" is absent");
	json_decref(j);
	billing_clear(&b);
}

static void
test_bad_types(void)
{
	struct billing_profile	 b;
	struct imp_err		 err;
	json_t			*j;

	billing_init(&b);
	memset(&err, 0, sizeof err);
	j = load("{\"email\": 5}");
	ok(billing_from_json(j, &b, &err) == -1, "a number for email fails");
	ok(strstr(err.msg, "email") != NULL, "naming the property: %s",
	    err.msg);
	json_decref(j);
	j = load("{\"defaultAddress\": {\"city\": [\"x\"]}}");
	ok(billing_from_json(j, &b, &err) == -1, "an array for city fails");
	ok(strstr(err.msg, "defaultAddress.city") != NULL,
	    "naming the path: %s", err.msg);
	json_decref(j);
	j = load("{\"defaultAddress\": \"1 Main St\"}");
	ok(billing_from_json(j, &b, &err) == -1,
	    "a string for defaultAddress fails");
	json_decref(j);
	j = load("[1, 2]");
	ok(billing_from_json(j, &b, &err) == -1, "an array is no profile");
	json_decref(j);
	ok(load("{\"email\": ") == NULL, "truncated JSON does not parse");
	billing_clear(&b);
}

static void
test_faults(void)
{
	struct billing_fault	 f;
	json_t			*j;

	j = billing_fault_to_json("3000", "Invalid property", "PartnerFD");
	is_int(json_object_size(j), 4, "ApiFault has four members");
	ok(json_is_array(json_object_get(j, "data")), "data is an array");
	ok(billing_fault_from_json(j, &f) == 0, "our ApiFault reads back");
	is_str(f.code, "3000", "code as a string");
	is_str(f.source, "PartnerFD", "source");
	json_decref(j);

	j = load("\xef\xbb\xbf{\"Code\": 2007, \"Description\": \"{\\\"code\\\""
	    ":\\\"60071\\\"}\", \"data\": [], \"source\": \"PartnerFD\"}");
	ok(billing_fault_from_json(j, &f) == 0, "a numeric code reads");
	is_str(f.code, "2007", "code as a number becomes digits");
	is_str(f.description, "{\"code\":\"60071\"}",
	    "escaped JSON in description is kept as text");
	json_decref(j);

	j = billing_throttle_to_json(57);
	ok(billing_fault_from_json(j, &f) == 0, "the 429 body reads");
	is_int(f.status, 429, "statusCode");
	is_str(f.description, "Rate limit is exceeded. Try again in 57 "
	    "seconds.", "message");
	json_decref(j);

	j = load("{\"hello\": 1}");
	ok(billing_fault_from_json(j, &f) == -1, "other JSON is no fault");
	json_decref(j);
}

/* A 400's data[] names the columns at fault, in the forms the API uses. */
static void
test_fault_columns(void)
{
	struct billing_fault	 f;
	json_t			*j;

	is_int(billing_property_column("state", 5), COL_STATE, "state");
	is_int(billing_property_column("postalCode", 10), COL_POSTAL_CODE,
	    "postalCode");
	is_int(billing_property_column("defaultAddress.city", 19), COL_CITY,
	    "defaultAddress.city");
	is_int(billing_property_column("billingProfile.defaultAddress."
	    "phoneNumber", 41), COL_PHONE_NUMBER,
	    "billingProfile.defaultAddress.phoneNumber");
	is_int(billing_property_column(" PostalCode ", 12), COL_POSTAL_CODE,
	    "any case, spaces around");
	is_int(billing_property_column("defaultAddress.firstName", 24),
	    COL_FIRST_NAME, "a contact name in the address: its column");
	is_int(billing_property_column("customerId", 10), -1,
	    "the customer ID is no cell of the profile");
	is_int(billing_property_column("property_name", 13), -1,
	    "an unknown name: none");

	j = load("{\"code\":27002,\"description\":\"A property has invalid "
	    "data.\",\"data\":[\"state: StateInvalid - Details\","
	    "\"defaultAddress.postalCode: PostalCodeInvalid - 5 digits\","
	    "\"culture\",\"property_name: Unknown - x\",42],"
	    "\"source\":\"PartnerFD\"}");
	ok(billing_fault_from_json(j, &f) == 0, "a 27002 body reads");
	is_str(f.code, "27002", "... its code");
	is_int((int)f.columns, (int)((1u << COL_STATE) |
	    (1u << COL_POSTAL_CODE) | (1u << COL_CULTURE)),
	    "... data[] names state, postal code (dotted), culture (bare)");
	is_str(f.why[COL_STATE], "StateInvalid - Details", "... state's why");
	is_str(f.why[COL_POSTAL_CODE], "PostalCodeInvalid - 5 digits",
	    "... postal code's why");
	is_str(f.why[COL_CULTURE], "", "... a bare name: no why");
	json_decref(j);

	j = billing_fault_to_json("3000", "Invalid property", "PartnerFD");
	ok(billing_fault_from_json(j, &f) == 0 && f.columns == 0,
	    "an empty data[]: no column");
	json_decref(j);
}

/* Which refusals stop the run: the partner's rights, the MFA claim. */
static void
test_refusals(void)
{
	char	why[512];
	size_t	i;
	static const struct {
		long		 status;
		const char	*body;
		int		 want;
		const char	*says;
	} t[] = {
		{ 403, "{\"code\":\"20002\",\"description\":\"Access "
		    "denied\"}", BILLING_REFUSAL_RIGHTS, "indirect provider" },
		{ 403, "{\"code\":2032,\"description\":\"Access denied\"}",
		    BILLING_REFUSAL_RIGHTS, "direct-bill partner" },
		{ 403, "{\"code\":\"1\",\"description\":\"The supplied "
		    "role does not have the rights to perform the requested "
		    "operation\"}", BILLING_REFUSAL_RIGHTS, "Admin agent" },
		{ 403, "\xef\xbb\xbf{\"code\":600006,\"description\":\"The "
		    "requested action is not allowed\"}", BILLING_REFUSAL_RIGHTS,
		    "App-only" },
		{ 403, "{\"code\":\"403\",\"description\":\"Forbidden\"}",
		    BILLING_REFUSAL_ROW, NULL },
		{ 403, NULL, BILLING_REFUSAL_ROW, NULL },
		{ 401, "{\"code\":\"900421\",\"description\":\"x\"}",
		    BILLING_REFUSAL_MFA, "MFA" },
		{ 401, "{\"code\":900421}", BILLING_REFUSAL_MFA,
		    "App-only credentials" },
		{ 401, "{\"code\":\"400\",\"description\":\"Access "
		    "denied\"}", BILLING_REFUSAL_ROW, NULL },
		{ 400, "{\"code\":\"20002\"}", BILLING_REFUSAL_ROW, NULL },
	};

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		why[0] = '\0';
		is_int(billing_refusal(t[i].status, t[i].body, t[i].body !=
		    NULL ? strlen(t[i].body) : 0, why, sizeof why), t[i].want,
		    "%s", t[i].body != NULL ? t[i].body : "(no body)");
		if (t[i].says != NULL)
			ok(strstr(why, t[i].says) != NULL, "... says '%s'",
			    t[i].says);
	}
}

int
main(void)
{
	test_round_trip();
	test_table();
	test_case_insensitive();
	test_bad_types();
	test_faults();
	test_fault_columns();
	test_refusals();
	return done_testing();
}
