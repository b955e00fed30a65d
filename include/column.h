/*
 * column.h: the canonical columns, one line each. Every fact about a column
 * lives here and nowhere else: its name, its SQL column, where the service's
 * billing profile keeps it, the service's maximum length and what may be
 * done with it. The header mapping, the rules, the store, the PUT body, the
 * plan, the sandbox and the report all derive theirs from this table.
 */
#ifndef IMPORTER_COLUMN_H
#define IMPORTER_COLUMN_H

#include <stddef.h>
#include <stdint.h>

/* Where the billing profile keeps a column. */
#define COLUMN_ID	0	/* the tenant: in the URL, not in the body */
#define COLUMN_TOP	1	/* a property of the profile */
#define COLUMN_ADDRESS	2	/* a property of defaultAddress */
#define COLUMN_CONTACT	3	/* both: the profile's and its address's */

/* What may be done with a column (flags). */
#define COLUMN_REQUIRED	0x01	/* every row of a file needs it */
#define COLUMN_NEEDED	0x02	/* a billing profile must have it: never
				 * cleared, the service refuses it empty */
#define COLUMN_CLEARABLE 0x04	/* the clear token may empty it */
#define COLUMN_CODE	0x08	/* a code: compared without regard to case */
#define COLUMN_DIGITS	0x10	/* digits a spreadsheet may take for a
				 * number (scientific notation, ".0") */
#define COLUMN_POSTAL	0x20	/* part of the postal address */

/*
 * The table. max: the service's maximum length in characters (0: the
 * column's format bounds it; the rules check that instead). Names of 50
 * and address lines of 200 are documented; the others are what the
 * service is known to hold (partner-center-api.md §4).
 *
 *  X(ENUM,         name,            sql,             place,   property,       max, flags)
 */
#define COLUMN_TABLE(X) \
	X(CUSTOMER_ID,   "customer_id",   "customer_id",   ID,      "customerId",     0, \
	    COLUMN_REQUIRED | COLUMN_CODE) \
	COLUMN_PROFILE_TABLE(X)

/* The columns a billing profile holds: all but the customer ID. */
#define COLUMN_PROFILE_TABLE(X) \
	X(COMPANY_NAME,  "company_name",  "company_name",  TOP,     "companyName",  256, \
	    COLUMN_NEEDED) \
	X(FIRST_NAME,    "first_name",    "first_name",    CONTACT, "firstName",     50, 0) \
	X(LAST_NAME,     "last_name",     "last_name",     CONTACT, "lastName",      50, 0) \
	X(EMAIL,         "email",         "email",         TOP,     "email",        254, \
	    COLUMN_NEEDED) \
	X(PHONE_NUMBER,  "phone_number",  "phone_number",  ADDRESS, "phoneNumber",   40, \
	    COLUMN_CLEARABLE | COLUMN_DIGITS) \
	X(ADDRESS_LINE1, "address_line1", "address_line1", ADDRESS, "addressLine1", 200, \
	    COLUMN_NEEDED | COLUMN_POSTAL) \
	X(ADDRESS_LINE2, "address_line2", "address_line2", ADDRESS, "addressLine2", 200, \
	    COLUMN_CLEARABLE | COLUMN_POSTAL) \
	X(ADDRESS_LINE3, "address_line3", "address_line3", ADDRESS, "addressLine3", 200, \
	    COLUMN_CLEARABLE | COLUMN_POSTAL) \
	X(CITY,          "city",          "city",          ADDRESS, "city",         100, \
	    COLUMN_POSTAL) \
	X(STATE,         "state",         "state_code",    ADDRESS, "state",        100, \
	    COLUMN_CLEARABLE | COLUMN_CODE | COLUMN_POSTAL) \
	X(REGION,        "region",        "region",        ADDRESS, "region",       100, \
	    COLUMN_CLEARABLE | COLUMN_POSTAL) \
	X(POSTAL_CODE,   "postal_code",   "postal_code",   ADDRESS, "postalCode",    20, \
	    COLUMN_CODE | COLUMN_DIGITS | COLUMN_POSTAL) \
	X(COUNTRY,       "country",       "country",       ADDRESS, "country",        0, \
	    COLUMN_NEEDED | COLUMN_CODE | COLUMN_POSTAL) \
	X(CULTURE,       "culture",       "culture",       TOP,     "culture",        0, \
	    COLUMN_NEEDED | COLUMN_CODE) \
	X(LANGUAGE,      "language",      "language",      TOP,     "language",       0, \
	    COLUMN_NEEDED | COLUMN_CODE)

#define COLUMN_ENUM_X(e, name, sql, place, prop, max, flags)	COL_##e,
enum colmap_col {
	COLUMN_TABLE(COLUMN_ENUM_X)
	COL_COUNT
};
#undef COLUMN_ENUM_X

/*
 * SQL lists made from the table at compile time, for statements:
 * COLUMN_SQL_NAMES is "customer_id, company_name, ..., language, " (each
 * followed by ", "), COLUMN_SQL_PARAMS as many "?, ", COLUMN_SQL_DEFS the
 * definitions ("customer_id TEXT, "). The _PROFILE_ forms leave out the
 * customer ID. Another prefix: COLUMN_TABLE(X) with an X of one's own.
 */
#define COLUMN_SQL_NAME_X(e, name, sql, place, prop, max, flags) sql ", "
#define COLUMN_SQL_PARAM_X(e, name, sql, place, prop, max, flags) "?, "
#define COLUMN_SQL_DEF_X(e, name, sql, place, prop, max, flags) sql " TEXT, "
/* "customer_id, company_name, ..., language, " */
#define COLUMN_SQL_NAMES		COLUMN_TABLE(COLUMN_SQL_NAME_X)
#define COLUMN_SQL_PROFILE_NAMES	COLUMN_PROFILE_TABLE(COLUMN_SQL_NAME_X)
/* "?, " per column */
#define COLUMN_SQL_PARAMS		COLUMN_TABLE(COLUMN_SQL_PARAM_X)
#define COLUMN_SQL_PROFILE_PARAMS	COLUMN_PROFILE_TABLE(COLUMN_SQL_PARAM_X)
#define COLUMN_SQL_DEFS			COLUMN_TABLE(COLUMN_SQL_DEF_X)
#define COLUMN_SQL_PROFILE_DEFS		COLUMN_PROFILE_TABLE(COLUMN_SQL_DEF_X)

struct column_info {
	const char	*name;		/* canonical: "postal_code" */
	const char	*sql;		/* the SQL column: "postal_code" */
	const char	*property;	/* camelCase: "postalCode" */
	const char	*field;		/* the API's path: "defaultAddress.postalCode" */
	int		 place;		/* COLUMN_ID, _TOP, _ADDRESS, _CONTACT */
	size_t		 max;		/* characters; 0: bounded by format */
	unsigned	 flags;		/* COLUMN_REQUIRED, ... */
};

/* The table as data, indexed by enum colmap_col. */
extern const struct column_info column_info[COL_COUNT];

/* The mask (1 << col) of the columns with any of flags. */
uint32_t	column_mask(unsigned flags);

/* Nonzero if col is a column and has any of flags (inline: the rules ask
 * it of every cell). */
static inline int
column_has(int col, unsigned flags)
{
	return col >= 0 && col < COL_COUNT &&
	    (column_info[col].flags & flags) != 0;
}

#endif
