/*
 * report_feed.c: the report's rows read on a second thread and handed
 * over in batches (pipe.h): each batch holds copies of its rows, their
 * strings and blobs in one arena, referred to by offset while the batch
 * fills (the arena moves as it grows) and turned back into pointers on
 * the caller's thread.
 */
#include "config.h"

#include "report_feed.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pipe.h"
#include "xmalloc.h"

#define FEED_ROWS	256	/* rows a batch */
#define FEED_BATCHES	4

struct feed_batch {
	struct store_report_row		 rows[FEED_ROWS];
	size_t				 nrows;
	struct store_report_change	*ch;
	struct store_report_problem	*pr;
	struct store_report_conflict	*cf;
	size_t				 nch, npr, ncf;
	size_t				 capch, cappr, capcf;
	unsigned char			*arena;
	size_t				 alen, acap;
};

struct feed {
	struct store			*st;
	const struct store_report_run	*rr;
	int				 only_fixup;
	struct pipe			 pipe;
	struct feed_batch		 b[FEED_BATCHES];
	struct feed_batch		*fill;	/* the reader's */
	struct imp_err			 rerr;	/* the reader's */
	int				 rfailed;
	int				 stopped;	/* by the caller */
};

/* Bytes into the arena: 1 + their offset, 0 for NULL. */
static uintptr_t
put(struct feed_batch *b, const void *p, size_t len)
{
	size_t	o;

	if (p == NULL)
		return 0;
	if (b->alen + len + 1 > b->acap) {
		b->acap = (b->alen + len + 1) * 2;
		b->arena = xreallocarray(b->arena, b->acap, 1);
	}
	o = b->alen;
	if (len > 0)
		memcpy(b->arena + o, p, len);
	b->arena[o + len] = '\0';	/* strings stay NUL-ended */
	b->alen += len + 1;
	return (uintptr_t)o + 1;
}

static const char *
put_str(struct feed_batch *b, const char *s)
{
	return (const char *)put(b, s, s != NULL ? strlen(s) : 0);
}

static const void *
at(const struct feed_batch *b, const void *off)
{
	uintptr_t	o = (uintptr_t)off;

	return o == 0 ? NULL : b->arena + (o - 1);
}

/* Reader: a row into the batch being filled, pointers as offsets. */
static int
copy_row(const struct store_report_row *r, void *arg)
{
	struct feed			*fd = arg;
	struct feed_batch		*b = fd->fill;
	struct store_report_row		*c;
	size_t				 i;

	if (b == NULL) {
		if ((b = fd->fill = pipe_get_free(&fd->pipe)) == NULL) {
			fd->stopped = 1;
			return -1;	/* the caller failed */
		}
		b->nrows = b->nch = b->npr = b->ncf = b->alen = 0;
	}
	c = &b->rows[b->nrows++];
	*c = *r;
	for (i = 0; i < COL_COUNT; i++)
		c->norm[i] = put_str(b, r->norm[i]);
	c->company = put_str(b, r->company);
	c->raw = (const void *)put(b, r->raw, r->rawlen);
	c->extra = (const void *)put(b, r->extra, r->extralen);
	c->error_code = put_str(b, r->error_code);
	c->message = put_str(b, r->message);
	c->request_id = put_str(b, r->request_id);
	if (b->nch + r->nchanges > b->capch) {
		b->capch = (b->nch + r->nchanges) * 2;
		b->ch = xreallocarray(b->ch, b->capch, sizeof *b->ch);
	}
	c->changes = (const void *)(uintptr_t)b->nch;
	for (i = 0; i < r->nchanges; i++, b->nch++) {
		b->ch[b->nch].col = r->changes[i].col;
		b->ch[b->nch].old = put_str(b, r->changes[i].old);
		b->ch[b->nch].new = put_str(b, r->changes[i].new);
	}
	if (b->npr + r->nproblems > b->cappr) {
		b->cappr = (b->npr + r->nproblems) * 2;
		b->pr = xreallocarray(b->pr, b->cappr, sizeof *b->pr);
	}
	c->problems = (const void *)(uintptr_t)b->npr;
	for (i = 0; i < r->nproblems; i++, b->npr++) {
		b->pr[b->npr].column = put_str(b, r->problems[i].column);
		b->pr[b->npr].rule = put_str(b, r->problems[i].rule);
		b->pr[b->npr].value = put_str(b, r->problems[i].value);
		b->pr[b->npr].message = put_str(b, r->problems[i].message);
		b->pr[b->npr].hint = put_str(b, r->problems[i].hint);
	}
	if (b->ncf + r->nconflicts > b->capcf) {
		b->capcf = (b->ncf + r->nconflicts) * 2;
		b->cf = xreallocarray(b->cf, b->capcf, sizeof *b->cf);
	}
	c->conflicts = (const void *)(uintptr_t)b->ncf;
	for (i = 0; i < r->nconflicts; i++, b->ncf++) {
		b->cf[b->ncf].col = r->conflicts[i].col;
		b->cf[b->ncf].at_check = put_str(b, r->conflicts[i].at_check);
		b->cf[b->ncf].now = put_str(b, r->conflicts[i].now);
		b->cf[b->ncf].wanted = put_str(b, r->conflicts[i].wanted);
	}
	if (b->nrows == FEED_ROWS) {
		pipe_put_full(&fd->pipe, b);
		fd->fill = NULL;
	}
	return 0;
}

static void *
reader(void *arg)
{
	struct feed	*fd = arg;

	if (store_report_rows(fd->st, fd->rr, fd->only_fixup, copy_row, fd,
	    &fd->rerr) == -1 && !fd->stopped)
		fd->rfailed = 1;
	if (fd->fill != NULL) {
		if (fd->fill->nrows > 0 && !fd->rfailed && !fd->stopped)
			pipe_put_full(&fd->pipe, fd->fill);
		else
			pipe_put_free(&fd->pipe, fd->fill);
		fd->fill = NULL;
	}
	pipe_close(&fd->pipe);
	return NULL;
}

/* Caller: the batch's offsets back into pointers, in place. */
static void
resolve(struct feed_batch *b)
{
	struct store_report_row	*r;
	size_t			 i, k;

	for (k = 0; k < b->nch; k++) {
		b->ch[k].old = at(b, b->ch[k].old);
		b->ch[k].new = at(b, b->ch[k].new);
	}
	for (k = 0; k < b->npr; k++) {
		b->pr[k].column = at(b, b->pr[k].column);
		b->pr[k].rule = at(b, b->pr[k].rule);
		b->pr[k].value = at(b, b->pr[k].value);
		b->pr[k].message = at(b, b->pr[k].message);
		b->pr[k].hint = at(b, b->pr[k].hint);
	}
	for (k = 0; k < b->ncf; k++) {
		b->cf[k].at_check = at(b, b->cf[k].at_check);
		b->cf[k].now = at(b, b->cf[k].now);
		b->cf[k].wanted = at(b, b->cf[k].wanted);
	}
	for (i = 0; i < b->nrows; i++) {
		r = &b->rows[i];
		for (k = 0; k < COL_COUNT; k++)
			r->norm[k] = at(b, r->norm[k]);
		r->company = at(b, r->company);
		r->raw = at(b, r->raw);
		r->extra = at(b, r->extra);
		r->error_code = at(b, r->error_code);
		r->message = at(b, r->message);
		r->request_id = at(b, r->request_id);
		r->changes = b->ch + (uintptr_t)r->changes;
		r->problems = b->pr + (uintptr_t)r->problems;
		r->conflicts = b->cf + (uintptr_t)r->conflicts;
	}
}

int
report_feed_rows(struct store *st, const struct store_report_run *rr,
    int only_fixup, int (*fn)(const struct store_report_row *, void *),
    void *arg, struct imp_err *err)
{
	struct feed		*fd;
	struct feed_batch	*b;
	void			*bp[FEED_BATCHES];
	pthread_t		 t;
	size_t			 i;
	int			 failed = 0, rc = -1;

	fd = xcalloc(1, sizeof *fd);
	fd->st = st;
	fd->rr = rr;
	fd->only_fixup = only_fixup;
	for (i = 0; i < FEED_BATCHES; i++)
		bp[i] = &fd->b[i];
	pipe_init(&fd->pipe, bp, FEED_BATCHES);
	if (pthread_create(&t, NULL, reader, fd) != 0) {
		pipe_destroy(&fd->pipe);
		free(fd);
		/* No second thread: read on this one. */
		return store_report_rows(st, rr, only_fixup, fn, arg, err);
	}
	while ((b = pipe_get_full(&fd->pipe)) != NULL) {
		if (!failed) {
			resolve(b);
			for (i = 0; i < b->nrows; i++)
				if (fn(&b->rows[i], arg) == -1) {
					failed = 1;
					pipe_fail(&fd->pipe, err);
					break;
				}
		}
		pipe_put_free(&fd->pipe, b);
	}
	pthread_join(t, NULL);
	pipe_destroy(&fd->pipe);
	if (!failed && fd->rfailed)
		*err = fd->rerr;
	else if (!failed)
		rc = 0;
	for (i = 0; i < FEED_BATCHES; i++) {
		free(fd->b[i].ch);
		free(fd->b[i].pr);
		free(fd->b[i].cf);
		free(fd->b[i].arena);
	}
	free(fd);
	return rc;
}
