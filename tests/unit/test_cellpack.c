/*
 * test_cellpack.c: cell lists packed and unpacked byte for byte: empty
 * cells, NULs, long cells, UTF-8, and blobs cut short.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellpack.h"
#include "../tap.h"

static void
test_pack(void)
{
	char		 big[300];
	const char	*cells[5];
	size_t		 lens[5], len, cl, i;
	unsigned char	*buf = NULL;
	size_t		 cap = 0;
	const char	*c, *all3[3];
	size_t		 lens3[3];
	int		 all = 1;

	memset(big, 'z', sizeof big);
	cells[0] = "plain";
	lens[0] = 5;
	cells[1] = "";
	lens[1] = 0;
	cells[2] = "a\0b\0";
	lens[2] = 4;
	cells[3] = big;
	lens[3] = sizeof big;		/* a two-byte length */
	cells[4] = "\345\214\227";
	lens[4] = 3;

	len = cellpack_pack(cells, lens, 5, &buf, &cap);
	ok(len > 0 && cap >= len, "5 cells packed into %zu bytes", len);
	is_int(cellpack_unpack_count(buf, len), 5, "count 5");
	for (i = 0; i < 5; i++) {
		c = NULL;
		cl = 999;
		if (cellpack_unpack(buf, len, i, &c, &cl) != 0 ||
		    cl != lens[i] ||
		    (cl > 0 && memcmp(c, cells[i], cl) != 0)) {
			all = 0;
			printf("# cell %zu differs\n", i);
		}
	}
	ok(all, "every cell unpacks byte for byte: empty, NULs, long, UTF-8");
	is_int(len, 1 + (1 + 5) + 1 + (1 + 4) + (2 + 300) + (1 + 3),
	    "varint lengths: one byte each, two for 300");
	is_int(cellpack_unpack_all(buf, len, all3, lens3, 3), 3,
	    "all at once, at most 3: 3");
	ok(lens3[0] == 5 && memcmp(all3[0], "plain", 5) == 0 &&
	    lens3[1] == 0 && lens3[2] == 4 && memcmp(all3[2], "a\0b\0", 4) == 0,
	    "and they are the first three");
	is_int(cellpack_unpack(buf, len, 5, &c, &cl), -1, "no cell 5: -1");
	is_int(cellpack_unpack(buf, len - 1, 4, &c, &cl), -1,
	    "a truncated blob: -1");
	is_int(cellpack_unpack(buf, 10, 3, &c, &cl), -1,
	    "a cell running past the blob: -1");
	is_int(cellpack_unpack(NULL, 0, 0, &c, &cl), -1, "NULL blob: -1");
	is_int(cellpack_unpack_count(NULL, 0), 0, "NULL blob: count 0");

	len = cellpack_pack(cells, lens, 0, &buf, &cap);
	ok(len == 1 && cellpack_unpack_count(buf, len) == 0,
	    "no cells: one byte, count 0");
	is_int(cellpack_unpack(buf, len, 0, &c, &cl), -1, "and no cell 0");

	/* Packing again into the same buffer, smaller. */
	len = cellpack_pack(cells + 1, lens + 1, 2, &buf, &cap);
	ok(cellpack_unpack_count(buf, len) == 2 &&
	    cellpack_unpack(buf, len, 1, &c, &cl) == 0 && cl == 4 &&
	    memcmp(c, "a\0b\0", 4) == 0, "the buffer is reused");
	free(buf);
}

int
main(void)
{
	test_pack();
	return done_testing();
}
