/*
 * billing.h: the wire format of a customer billing profile (Partner Center
 * CustomerBillingProfile) and of the service's error bodies, both ways:
 * camelCase out with empty optionals omitted; case-insensitive property
 * names and an optional UTF-8 BOM in. Shared by the sandbox and the client.
 */
#ifndef IMPORTER_BILLING_H
#define IMPORTER_BILLING_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "colmap.h"
#include "importer.h"

#define BILLING_OBJECT_TYPE	"CustomerBillingProfile"

/*
 * A billing profile as the 16 canonical columns. Every string is owned by
 * the struct (billing_clear frees them); NULL means absent or empty.
 * field[COL_CUSTOMER_ID] is the tenant id: not part of the profile's JSON,
 * carried along for the caller.
 */
struct billing_profile {
	char	*id;			/* the profile's own id (a GUID) */
	char	*etag;			/* attributes.etag */
	char	*field[COL_COUNT];
	/* defaultAddress's own copy of a contact column (COLUMN_CONTACT),
	 * as read; field[] holds the top level's, or else this one. */
	char	*contact[COL_COUNT];
};

/* An error body: an ApiFault, or the 429 throttling body. */
struct billing_fault {
	char	code[32];		/* "3000"; a JSON number as digits */
	char	description[1024];
	char	source[64];
	int	status;			/* statusCode of a 429 body, else 0 */
	/* The columns its data[] names ("state: StateInvalid - Details",
	 * 27002), (1 << col), with what it says of each ("StateInvalid -
	 * Details"). */
	uint32_t	columns;
	char	why[COL_COUNT][160];
};

/*
 * What a refusal says: of the one request, or of every request the run
 * would send (the partner's rights, the token's MFA claim).
 */
enum billing_refusal {
	BILLING_REFUSAL_ROW,	/* this customer or these values only */
	BILLING_REFUSAL_RIGHTS,	/* 403: 2032/20002, 600006, "the supplied
				 * role does not have the rights" */
	BILLING_REFUSAL_MFA	/* 401 with code 900421: no MFA claim */
};

/* billing.c */
void	 billing_init(struct billing_profile *bp);
/* Frees the strings and resets bp to empty. */
void	 billing_clear(struct billing_profile *bp);
/* Copies src into dst (dst is cleared first). */
void	 billing_copy(struct billing_profile *dst,
	    const struct billing_profile *src);
/* Sets field col to a copy of value; NULL or "" clears it. */
void	 billing_set(struct billing_profile *bp, int col, const char *value);
/* Nonzero if the 15 profile fields (not id, etag, tenant) are equal. */
int	 billing_equal(const struct billing_profile *a,
	    const struct billing_profile *b);

/*
 * The profile as JSON, camelCase, empty optionals omitted, with links.self
 * pointing at self_uri (may be NULL: no links) and attributes.etag when
 * bp->etag is set. Returns a new reference.
 */
json_t	*billing_to_json(const struct billing_profile *bp,
	    const char *self_uri);
/*
 * Reads a profile from obj: property names in any case, null or "" as
 * absent, first and last name from the top level or else from
 * defaultAddress. bp is cleared first. Returns 0, or -1 with err naming
 * the property ("defaultAddress.city: not a string") when a known property
 * has the wrong type or obj is not an object.
 */
int	 billing_from_json(const json_t *obj, struct billing_profile *bp,
	    struct imp_err *err);
/*
 * Parses a response or request body: skips a UTF-8 BOM and leading
 * whitespace. Returns a new reference, or NULL with err (code 70).
 */
json_t	*billing_json_load(const char *buf, size_t len, struct imp_err *err);
/* The member of obj named key in any case (borrowed), or NULL. */
json_t	*billing_json_get(const json_t *obj, const char *key);
/* The string member key (any case) of obj (borrowed), or NULL. */
const char *billing_json_string(const json_t *obj, const char *key);

/*
 * The body of a PUT: the account as read (its JSON, account), with each
 * column in planned (1 << col) set to want[col] ("" removes the property)
 * where the profile keeps it, and etag (may be NULL) in attributes; every
 * other property as read. Returns a new string (the caller frees it), or
 * NULL with err (70) when account is not a JSON object.
 */
char	*billing_put_body(const char *account,
	    const char *const want[COL_COUNT], uint32_t planned,
	    const char *etag, struct imp_err *err);

/* An ApiFault body {code, description, data: [], source}. New reference. */
json_t	*billing_fault_to_json(const char *code, const char *description,
	    const char *source);
/* The 429 body {statusCode, message}. New reference. */
json_t	*billing_throttle_to_json(int retry_after);
/*
 * Reads an error body: an ApiFault (code as a string or a number) or a
 * throttling body. Returns 0, or -1 when obj is neither.
 */
int	 billing_fault_from_json(const json_t *obj, struct billing_fault *f);
/*
 * The column a property name of the service's names ("state",
 * "postalCode", "defaultAddress.city", "billingProfile.defaultAddress.
 * phoneNumber"; any case), or -1 for none of the profile's.
 */
int	 billing_property_column(const char *name, size_t len);
/*
 * Classifies an answer of status with body (may be NULL): whether it
 * stops the whole run. For one that does, why (size bytes) says what the
 * service refused and what the partner must change.
 */
enum billing_refusal billing_refusal(long status, const char *body,
	    size_t len, char *why, size_t size);

#endif
