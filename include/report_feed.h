/*
 * report_feed.h: the report's rows read on a second thread. The rows of a
 * run (store_report_rows) are copied in batches and handed to the caller's
 * thread, so that reading them from SQLite and writing them into the
 * workbook run side by side.
 */
#ifndef IMPORTER_REPORT_FEED_H
#define IMPORTER_REPORT_FEED_H

#include "importer.h"
#include "store.h"

/*
 * As store_report_rows(), with fn called on this thread while a second
 * one reads ahead; st is not used by this thread meanwhile. Each row and
 * everything it points to is valid during the call only. Returns 0, or
 * -1 with err (fn's own, or the reading's).
 */
int	report_feed_rows(struct store *st, const struct store_report_run *rr,
	    int only_fixup, int (*fn)(const struct store_report_row *, void *),
	    void *arg, struct imp_err *err);

#endif
