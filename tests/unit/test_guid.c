/*
 * test_guid.c: guid.h: parsing the canonical form into words and back,
 * the ways a spreadsheet writes a GUID, random GUIDs; and hex.h, the hex
 * every digest is written in.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "guid.h"
#include "hex.h"
#include "../tap.h"

static void
test_parse(void)
{
	uint64_t	g[2], h[2];

	is_int(guid_parse("11111111-2222-4333-8444-000000000001", g), 0,
	    "GUID: lower-case 36 characters parse");
	ok(g[0] == UINT64_C(0x1111111122224333) &&
	    g[1] == UINT64_C(0x8444000000000001),
	    "GUID: words 0x%016llx 0x%016llx", (unsigned long long)g[0],
	    (unsigned long long)g[1]);
	is_int(guid_parse("abcdef01-2345-6789-abcd-ef0123456789", g), 0,
	    "GUID: every hex letter");
	ok(g[0] == UINT64_C(0xabcdef0123456789) &&
	    g[1] == UINT64_C(0xabcdef0123456789),
	    "GUID: hex letters' words");
	is_int(guid_parse("00000000-0000-0000-0000-000000000000", g), 0,
	    "GUID: the nil GUID parses");
	ok(g[0] == 0 && g[1] == 0, "GUID: nil words are zero");
	is_int(guid_parse("ffffffff-ffff-ffff-ffff-ffffffffffff", g), 0,
	    "GUID: all f parses");
	ok(g[0] == UINT64_MAX && g[1] == UINT64_MAX, "GUID: all-f words");
	guid_parse("11111111-2222-4333-8444-000000000001", g);
	guid_parse("11111111-2222-4333-8444-000000000002", h);
	ok(g[0] == h[0] && g[1] != h[1], "GUID: last digit in word 1");
	guid_parse("21111111-2222-4333-8444-000000000001", h);
	ok(h[0] > g[0], "GUID: first digit most significant");

	is_int(guid_parse("11111111-2222-4333-8444-00000000000A", g), -1,
	    "GUID: upper case refused");
	is_int(guid_parse("ABCDEF01-2345-6789-ABCD-EF0123456789", g), -1,
	    "GUID: all upper case refused");
	is_int(guid_parse("{11111111-2222-4333-8444-000000000001}", g), -1,
	    "GUID: braces refused");
	is_int(guid_parse("11111111-2222-4333-8444-00000000001", g), -1,
	    "GUID: 35 characters refused");
	is_int(guid_parse("11111111-2222-4333-8444-0000000000011", g), -1,
	    "GUID: 37 characters refused");
	is_int(guid_parse("11111111-2222-4333-8444-000000000001 ", g), -1,
	    "GUID: trailing space refused");
	is_int(guid_parse("11111111222243338444000000000001", g), -1,
	    "GUID: 32 hex digits without dashes refused");
	is_int(guid_parse("111111112-222-4333-8444-000000000001", g), -1,
	    "GUID: dash in the wrong place refused");
	is_int(guid_parse("11111111_2222_4333_8444_000000000001", g), -1,
	    "GUID: '_' for '-' refused");
	is_int(guid_parse("1111111g-2222-4333-8444-000000000001", g), -1,
	    "GUID: non-hex letter refused");
	is_int(guid_parse("11111111-2222-4333-8444-00000000000 ", g), -1,
	    "GUID: space in the last group refused");
	is_int(guid_parse("", g), -1, "GUID: empty string refused");
	is_int(guid_parse("1111", g), -1, "GUID: short string refused");
	is_int(guid_parse("11111111-", g), -1,
	    "GUID: string ending after a dash refused");
	is_int(guid_parse("------------------------------------", g), -1,
	    "GUID: 36 dashes refused");
}

static void
test_canonical(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: not a GUID */
		unsigned	 how;
	} cases[] = {
		{ "11111111-2222-4333-8444-000000000001",
		    "11111111-2222-4333-8444-000000000001", 0 },
		{ "{11111111-2222-4333-8444-00000000000A}",
		    "11111111-2222-4333-8444-00000000000a",
		    GUID_BRACES | GUID_UPPER },
		{ "ABCDEF0123454333844400000000000F",
		    "abcdef01-2345-4333-8444-00000000000f",
		    GUID_NODASH | GUID_UPPER },
		{ "{abcdef0123454333844400000000000f}", NULL, 0 },
		{ "11111111-2222-4333-8444-00000000001", NULL, 0 },
		{ "11111111_2222_4333_8444_000000000001", NULL, 0 },
		{ "{11111111-2222-4333-8444-000000000001", NULL, 0 },
		{ "1111111g-2222-4333-8444-000000000001", NULL, 0 },
		{ "1111111122224333844400000000000g", NULL, 0 },
		{ "", NULL, 0 },
	};
	char		out[GUID_LEN + 1];
	unsigned	how;
	size_t		i;
	int		rc;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rc = guid_canonical(cases[i].in, strlen(cases[i].in), out,
		    &how);
		if (cases[i].out == NULL) {
			is_int(rc, -1, "canonical: '%s' is not a GUID",
			    cases[i].in);
			continue;
		}
		ok(rc == 0 && strcmp(out, cases[i].out) == 0 &&
		    how == cases[i].how, "canonical: '%s' -> %s (how %u)",
		    cases[i].in, rc == 0 ? out : "(refused)", how);
	}
}

static void
test_format_random(void)
{
	static const char	*s = "0123abcd-4567-4def-89ab-cdef01234567";
	uint64_t		 g[2];
	char			 out[GUID_LEN + 1], other[GUID_LEN + 1];
	unsigned		 how;

	guid_parse(s, g);
	guid_format(g, out);
	is_str(out, s, "format(parse(s)) == s");
	guid_random(out);
	guid_random(other);
	ok(guid_parse(out, g) == 0 && out[14] == '4' &&
	    strchr("89ab", out[19]) != NULL,
	    "random: a canonical version 4 GUID (%s)", out);
	ok(guid_canonical(out, strlen(out), other, &how) == 0 && how == 0,
	    "random: already canonical");
	guid_random(other);
	ok(strcmp(out, other) != 0, "random: two differ");
}

static void
test_hex(void)
{
	unsigned char	all[256];
	char		out[2 * 256 + 2], want[2 * 256 + 1];
	size_t		i;

	for (i = 0; i < sizeof all; i++) {
		all[i] = (unsigned char)i;
		snprintf(want + 2 * i, 3, "%02x", (unsigned)i);
	}
	memset(out, '#', sizeof out);
	hex_encode(all, sizeof all, out);
	is_str(out, want, "hex: every byte value, two lowercase digits each");
	ok(out[2 * 256 + 1] == '#', "hex: nothing written past the NUL");
	hex_encode("\x00\xff\x0a", 3, out);
	is_str(out, "00ff0a", "hex: leading zeros kept");
	memset(out, '#', sizeof out);
	hex_encode(NULL, 0, out);
	is_str(out, "", "hex: no bytes, an empty string");
}

int
main(void)
{
	test_parse();
	test_canonical();
	test_format_random();
	test_hex();
	return done_testing();
}
