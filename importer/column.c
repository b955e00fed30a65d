/*
 * column.c: the column table (column.h) as data.
 */
#include "config.h"

#include "column.h"

#define COLUMN_PREFIX_ID	""
#define COLUMN_PREFIX_TOP	""
#define COLUMN_PREFIX_CONTACT	""
#define COLUMN_PREFIX_ADDRESS	"defaultAddress."

#define COLUMN_INFO_X(e, name, sql, place, prop, max, flags) \
	[COL_##e] = { name, sql, prop, COLUMN_PREFIX_##place prop, \
	    COLUMN_##place, max, flags },

const struct column_info column_info[COL_COUNT] = {
	COLUMN_TABLE(COLUMN_INFO_X)
};

uint32_t
column_mask(unsigned flags)
{
	uint32_t	m = 0;
	int		i;

	for (i = 0; i < COL_COUNT; i++)
		if (column_info[i].flags & flags)
			m |= 1u << i;
	return m;
}
