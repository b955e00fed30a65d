/*
 * test_fixup.c: the fix-up CSV's pure parts: which cells get the formula
 * guard, how a field is quoted, and that staging's normalization takes the
 * guard off again (norm_text), so every value survives the round trip.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fixup.h"
#include "norm.h"
#include "../tap.h"

/* One field as fixup_field writes it (static buffer). */
static const char *
field(const char *s, int delim)
{
	static struct buf	b;

	b.len = 0;
	fixup_field(&b, s, strlen(s), delim);
	return b.s;
}

/* What staging reads back from a guarded cell (quotes already gone). */
static void
round_trip(const char *v)
{
	struct buf	 b = { NULL, 0, 0 };
	struct norm_buf		 nb = { NULL, 0 };
	const char		*r, *cell;
	size_t			 n, len;
	unsigned		 f = 0;

	fixup_field(&b, v, strlen(v), ',');
	cell = b.s;
	len = b.len;
	if (len >= 2 && cell[0] == '"') {	/* no quotes inside here */
		cell++;
		len -= 2;
	}
	r = norm_text(cell, len, &nb, &n, &f);
	ok(n == strlen(v) && memcmp(r, v, n) == 0,
	    "round trip of '%s'", v);
	buf_free(&b);
	norm_buf_free(&nb);
}

int
main(void)
{
	static const char *const guarded[] = { "=1+1", "+cmd", "-2",
	    "@SUM(A1)", "\t=x", "\r=x", "'=1", "''+1",
	    /* numbers a spreadsheet would show (and save) otherwise */
	    "1.40E+10", "4.25555E+09", "1e5", "4255550100.0", "98052.00",
	    "02134", "00", "'02134", "142555501000", "12345678901234567890" };
	static const char *const plain[] = { "Contoso", "1-2", "a=b", "",
	    "'quoted'", "'", "0049 30", "4255550100", "98052", "2134", "1.5",
	    "14255550100", "1.40E+", "E+10", "98052.", "1.0.0", "0x10",
	    "SW1A 1AA", "0" };
	size_t	i;

	for (i = 0; i < sizeof guarded / sizeof guarded[0]; i++)
		ok(fixup_needs_guard(guarded[i], strlen(guarded[i])),
		    "guard needed: %zu", i);
	for (i = 0; i < sizeof plain / sizeof plain[0]; i++)
		ok(!fixup_needs_guard(plain[i], strlen(plain[i])),
		    "no guard: '%s'", plain[i]);

	is_str(field("=1+1", ','), "\"'=1+1\"", "guarded and quoted");
	is_str(field("'=1", ','), "\"''=1\"", "an apostrophe more");
	is_str(field("Contoso", ','), "Contoso", "plain as is");
	is_str(field("a,b", ','), "\"a,b\"", "delimiter quoted");
	is_str(field("a,b", ';'), "a,b", "other delimiter: not quoted");
	is_str(field("a;b", ';'), "\"a;b\"", "';' quoted with ';'");
	is_str(field("say \"hi\"", ','), "\"say \"\"hi\"\"\"",
	    "quotes doubled");
	is_str(field("two\nlines", ','), "\"two\nlines\"", "line break quoted");
	is_str(field(" padded ", ','), "\" padded \"", "spaces kept by quoting");
	is_str(field("", ','), "", "empty stays empty");
	is_str(field("1.40E+10", ','), "\"'1.40E+10\"",
	    "scientific notation kept text (Calc would read 14000000000)");
	is_str(field("02134", ';'), "\"'02134\"", "leading zero kept text");
	is_str(field("4255550100", ','), "4255550100",
	    "a number a spreadsheet gives back as is: no guard");

	ok(fixup_wanted(OUTCOME_INVALID) && fixup_wanted(OUTCOME_FAILED) &&
	    fixup_wanted(OUTCOME_CONFLICT) && fixup_wanted(OUTCOME_NOT_FOUND),
	    "the states that need a person");
	ok(!fixup_wanted(OUTCOME_APPLIED) && !fixup_wanted(OUTCOME_UNCHANGED) &&
	    !fixup_wanted(OUTCOME_DUPLICATE) && !fixup_wanted(OUTCOME_PENDING) &&
	    !fixup_wanted(OUTCOME_SENDING), "the states that do not");

	round_trip("=1+1");
	round_trip("+cmd");
	round_trip("-2");
	round_trip("@SUM(A1)");
	round_trip("'=1");
	round_trip("''@x");
	round_trip("'plain'");
	round_trip("Contoso");
	round_trip("1.40E+10");
	round_trip("4255550100.0");
	round_trip("02134");
	round_trip("'02134");
	round_trip("12345678901234567890");
	round_trip("4255550100");
	return done_testing();
}
