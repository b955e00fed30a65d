/*
 * fuzz_billing.c: libFuzzer harness for the JSON of every service reply
 * (billing.h): a body as the client reads it (billing_json_load: BOM,
 * any JSON value), then as a billing profile (billing_from_json) and as an
 * error body (billing_fault_from_json: ApiFault or throttling). A profile
 * that reads must survive the round trip through billing_to_json.
 *
 * The OAuth2 token reply is parsed inside auth.c's static oauth(), after a
 * real HTTP exchange: not reachable without a server, so not fuzzed here.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "billing.h"
#include "colmap.h"
#include "importer.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_fault(const struct billing_fault *f)
{
	if (memchr(f->code, '\0', sizeof f->code) == NULL ||
	    memchr(f->description, '\0', sizeof f->description) == NULL ||
	    memchr(f->source, '\0', sizeof f->source) == NULL)
		abort();
}

/* What the profile says survives billing_to_json and back. */
static void
round_trip(const struct billing_profile *bp)
{
	struct billing_profile	 back;
	struct imp_err		 err;
	json_t			*o;

	o = billing_to_json(bp, "/v1/customers/x/profiles/billing");
	if (o == NULL)
		abort();
	billing_init(&back);
	if (billing_from_json(o, &back, &err) == -1 ||
	    !billing_equal(bp, &back))
		abort();
	billing_clear(&back);
	json_decref(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct billing_profile	 bp;
	struct billing_fault	 f;
	struct imp_err		 err;
	json_t			*o;

	memset(&err, 0, sizeof err);
	o = billing_json_load((const char *)data, size, &err);
	if (o == NULL) {
		if (memchr(err.msg, '\0', sizeof err.msg) == NULL)
			abort();
		return 0;
	}
	billing_init(&bp);
	if (billing_from_json(o, &bp, &err) == 0)
		round_trip(&bp);
	billing_clear(&bp);
	(void)billing_fault_from_json(o, &f);
	check_fault(&f);
	(void)billing_json_string(o, "message");
	json_decref(o);
	return 0;
}
