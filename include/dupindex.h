/*
 * dupindex.h: finds rows that name the same customer. Holds 16 bytes per
 * row (a hash of the customer ID and the row id); candidates are confirmed
 * by the caller against the stored rows, so a hash collision costs a read,
 * never a wrong answer.
 */
#ifndef IMPORTER_DUPINDEX_H
#define IMPORTER_DUPINDEX_H

#include <stddef.h>
#include <stdint.h>

struct dupindex;

struct dupindex	*dupindex_new(void);
void		 dupindex_free(struct dupindex *di);
void		 dupindex_add(struct dupindex *di, const char *key, size_t len,
		    int64_t row);
/*
 * Calls fn for each set of two or more rows whose keys hash alike, rows in
 * the order added. Stops and returns -1 when fn does.
 */
int		 dupindex_groups(struct dupindex *di,
		    int (*fn)(const int64_t *rows, size_t n, void *arg),
		    void *arg);

#endif
