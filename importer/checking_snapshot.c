/*
 * checking_snapshot.c: the check against a snapshot CSV, in two passes so
 * that every write is an append in row order, each pass on two threads.
 *
 * Pass 1: the run's pending rows are indexed by customer id (24 bytes a
 * row, sorted). A second thread reads the snapshot and hands its accounts
 * over in batches; this one copies the rows' values, in row order, out of
 * the store into a file of their own, and between rows looks each account
 * up in the index and spills those found. Reading the snapshot is the
 * longer job, so the lookups and the spill's writes are done here.
 * Pass 2: a second thread reads both files in row order and compares each
 * row with its account (not_found where none); this one stores the plan,
 * judging each row that changes its account by the country's rules (those
 * an earlier online check kept, else the bundled fallback) as it goes.
 * The accounts themselves are not stored: the plan holds the values it
 * changes, and submit reads each account again (store_plan_offline).
 *
 * The accounts are spilled sorted roughly by row: the run's rows are cut
 * into buckets of neighbouring rows, each with its own write buffer, and
 * a full buffer goes to the end of the file as one chunk. Pass 2 reads one
 * bucket at a time, so memory holds one bucket and the file is read in
 * long runs, whatever the order of the snapshot. Both files are unlinked
 * at once: nothing is left behind, even after kill -9.
 */
#include "config.h"

#include "checking.h"
#include "checking_int.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pipe.h"
#include "plan.h"
#include "tempfile.h"
#include "xmalloc.h"

#define SPILL_BUF		(64 * 1024)	/* a bucket's write buffer */
#define SPILL_BUCKETS		64		/* at most */
#define SPILL_BUCKET_ROWS	1024		/* at least, in a bucket */
#define ROWS_BUF		(1024 * 1024)	/* the rows' file buffer */
#define ACC_BATCH		(256 * 1024)	/* accounts a batch */
#define ACC_BATCHES		4
#define ACC_POLL		64		/* rows between looks */
#define BATCH_ROWS		1024		/* planned rows a batch */
#define BATCH_COUNT		4
#define NONE			((size_t)-1)

struct chunk {
	uint64_t	off;		/* in the file */
	uint32_t	len;
	uint32_t	bucket;
};

struct bucket {
	unsigned char	*buf;		/* not written yet */
	size_t		 len;
	uint64_t	 size;		/* all its bytes, written or not */
};

/* The accounts found: each its 16 values, NUL-ended, one after another. */
struct spill {
	int		 fd;
	uint64_t	 off;		/* bytes written */
	int64_t		 first, span;	/* a row's bucket: (row - first) / span */
	struct bucket	 b[SPILL_BUCKETS];
	size_t		 nb;
	struct chunk	*c;
	size_t		 nc, ccap;
	uint64_t	*at;		/* by row - first: 1 + where its account
					   starts in its bucket, 0 for none */
	unsigned char	*data;		/* pass 2: the bucket in hand */
	size_t		 datacap, cur;
};

/* A row in the rows' file: this header, then its 16 values NUL-ended. */
struct rowhdr {
	int64_t		id;
	uint32_t	len;		/* the whole record */
	uint32_t	nulls;		/* values that are NULL (1 << col) */
};

struct rowfile {
	int		 fd;
	unsigned char	*buf;
	size_t		 cap, pos, len;
	uint64_t	 off;		/* written, or read so far */
};

/* An account handed over in pass 1: this header, then its 16 values,
 * NUL-ended, as the spill keeps them. */
struct acchdr {
	uint64_t	guid[2];
	uint32_t	len;		/* the values' bytes */
	uint32_t	pad;
};

struct accbatch {
	unsigned char	*buf;
	size_t		 len, cap;
};

/* A row as pass 2 planned it; values are offsets in the batch's arena. */
struct planned {
	int64_t		id;
	int		found;
	int		company;	/* the row gives a company name */
	struct row_plan	rp;
	size_t		want[COL_COUNT], cur[COL_COUNT];
};

struct batch {
	struct planned	 rows[BATCH_ROWS];
	size_t		 nrows;
	char		*arena;
	size_t		 alen, acap;
};

struct check {
	struct store			*st;
	const struct store_runinfo	*ri;
	const struct profile		*pf;
	const char			*path;
	struct checking_result		*res;
	struct wants			 ws;
	struct spill			 sp;
	struct rowfile			 rows;
	atomic_int			 stop;	/* one of the threads failed */
	struct imp_err			 aerr;	/* the second thread's error */
	int				 afailed;
	struct imp_err			 merr;	/* this thread's, in pass 1 */
	int				 mstopped;	/* stopped by the other */
	int				 mfailed;	/* in placing */
	struct pipe			 apipe;	/* pass 1: accounts */
	struct accbatch			 abatches[ACC_BATCHES];
	struct accbatch			*afill;	/* the reader's */
	unsigned			 copied;	/* rows, pass 1 */
	size_t				*aoff;	/* a batch's */
	size_t				 naoff;
	struct pipe			 pipe;
	struct batch			 batches[BATCH_COUNT];
	struct checking_rules		 rules;	/* this thread's */
};

static int
write_all(int fd, const void *buf, size_t len, struct imp_err *err)
{
	const unsigned char	*p = buf;
	size_t			 done = 0;
	ssize_t			 n;

	while (done < len) {
		n = write(fd, p + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return imp_errf(err, IMP_EXIT_SOFTWARE, "temporary "
			    "file: %s", strerror(errno));
		done += n;
	}
	return 0;
}

static int
read_all(int fd, void *buf, size_t len, uint64_t off, struct imp_err *err)
{
	unsigned char	*p = buf;
	size_t		 done = 0;
	ssize_t		 n;

	while (done < len) {
		n = pread(fd, p + done, len - done, (off_t)(off + done));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return imp_errf(err, IMP_EXIT_SOFTWARE, "temporary "
			    "file: %s", n == 0 ? "short read" :
			    strerror(errno));
		done += n;
	}
	return 0;
}

static size_t
bucket_of(const struct spill *sp, int64_t row)
{
	return (size_t)((row - sp->first) / sp->span);
}

/* Writes len bytes of bucket k at the end of the file, as one chunk. */
static int
spill_write(struct spill *sp, size_t k, const void *p, size_t len,
    struct imp_err *err)
{
	if (len == 0)
		return 0;
	if (write_all(sp->fd, p, len, err) == -1)
		return -1;
	if (sp->nc == sp->ccap) {
		sp->ccap = sp->ccap ? sp->ccap * 2 : 256;
		sp->c = xreallocarray(sp->c, sp->ccap, sizeof *sp->c);
	}
	sp->c[sp->nc].off = sp->off;
	sp->c[sp->nc].len = (uint32_t)len;
	sp->c[sp->nc].bucket = (uint32_t)k;
	sp->nc++;
	sp->off += len;
	return 0;
}

/* Pass 2: bucket k into sp->data: its chunks, then what was never written. */
static int
spill_load(struct spill *sp, size_t k, struct imp_err *err)
{
	struct bucket	*bk = &sp->b[k];
	size_t		 i, o = 0;

	if (bk->size > sp->datacap) {
		free(sp->data);
		sp->datacap = bk->size;
		sp->data = xmalloc(sp->datacap);
	}
	/* Buckets come in row order, each once: its buffer is freed here. */
	if (sp->cur != NONE && k <= sp->cur)
		return imp_errf(err, IMP_EXIT_SOFTWARE, "rows out of order");
	for (i = 0; i < sp->nc; i++) {
		if (sp->c[i].bucket != k)
			continue;
		if (read_all(sp->fd, sp->data + o, sp->c[i].len,
		    sp->c[i].off, err) == -1)
			return -1;
		o += sp->c[i].len;
	}
	if (bk->len > 0)
		memcpy(sp->data + o, bk->buf, bk->len);
	free(bk->buf);
	bk->buf = NULL;
	bk->len = 0;
	sp->cur = k;
	return 0;
}

/* Pass 1, second thread: an account of the snapshot, into a batch. */
static int
on_account(const struct snapshot_account *a, void *arg, struct imp_err *err)
{
	struct check	*ck = arg;
	struct accbatch	*b = ck->afill;
	struct acchdr	 h;
	size_t		 need, n;
	int		 col;

	if (atomic_load_explicit(&ck->stop, memory_order_relaxed))
		return imp_errf(err, IMP_EXIT_SOFTWARE, "stopped");
	memset(&h, 0, sizeof h);
	h.guid[0] = a->guid[0];
	h.guid[1] = a->guid[1];
	for (col = 0; col < COL_COUNT; col++)
		h.len += (a->value[col] != NULL ? a->len[col] : 0) + 1;
	need = sizeof h + h.len;
	if (b != NULL && b->len > 0 && b->len + need > b->cap) {
		pipe_put_full(&ck->apipe, b);
		b = ck->afill = NULL;
	}
	if (b == NULL) {
		/* NULL: this thread failed (it says why). */
		if ((b = ck->afill = pipe_get_free(&ck->apipe)) == NULL)
			return imp_errf(err, IMP_EXIT_SOFTWARE, "stopped");
		b->len = 0;
	}
	if (need > b->cap) {
		/* One account longer than a batch: the batch grows. */
		b->cap = need;
		b->buf = xreallocarray(b->buf, b->cap, 1);
	}
	memcpy(b->buf + b->len, &h, sizeof h);
	b->len += sizeof h;
	for (col = 0; col < COL_COUNT; col++) {
		n = a->value[col] != NULL ? a->len[col] : 0;
		if (n > 0)
			memcpy(b->buf + b->len, a->value[col], n);
		b->buf[b->len + n] = '\0';
		b->len += n + 1;
	}
	return 0;
}

static void *
read_snapshot(void *arg)
{
	struct check	*ck = arg;

	if (snapshot_read(ck->path, ck->pf, on_account, ck,
	    &ck->res->snapshot, &ck->aerr) == -1) {
		ck->afailed = 1;
		atomic_store(&ck->stop, 1);
	}
	if (ck->afill != NULL) {
		if (ck->afill->len > 0 && !ck->afailed)
			pipe_put_full(&ck->apipe, ck->afill);
		else
			pipe_put_free(&ck->apipe, ck->afill);
		ck->afill = NULL;
	}
	pipe_close(&ck->apipe);
	return NULL;
}

/* Pass 1, this thread: a batch of accounts, each spilled if wanted. */
static int
place_accounts(struct check *ck, const struct accbatch *b,
    struct imp_err *err)
{
	struct spill		*sp = &ck->sp;
	struct acchdr		 h, ah;
	struct want		*w;
	struct bucket		*bk;
	const unsigned char	*p;
	size_t			 off = 0, k, i, n = 0;

	/*
	 * Where each account starts, so that the lookups can be asked for
	 * ahead: the index is read in random order, and a miss waited for
	 * one at a time cost more than the rest of this loop.
	 */
	while (off < b->len) {
		if (n == ck->naoff) {
			ck->naoff = ck->naoff ? ck->naoff * 2 : 4096;
			ck->aoff = xreallocarray(ck->aoff, ck->naoff,
			    sizeof *ck->aoff);
		}
		ck->aoff[n++] = off;
		memcpy(&h, b->buf + off, sizeof h);
		off += sizeof h + h.len;
	}
	for (i = 0; i < n; i++) {
		if (i + 16 < n) {
			memcpy(&ah, b->buf + ck->aoff[i + 16], sizeof ah);
			checking_prefetch(&ck->ws, ah.guid, 0);
		}
		if (i + 8 < n) {
			memcpy(&ah, b->buf + ck->aoff[i + 8], sizeof ah);
			checking_prefetch(&ck->ws, ah.guid, 1);
		}
		memcpy(&h, b->buf + ck->aoff[i], sizeof h);
		p = b->buf + ck->aoff[i] + sizeof h;
		w = checking_find(&ck->ws, h.guid);
		if (w == NULL)
			continue;	/* an account the run does not touch */
		if (w->row < 0) {
			/* The first line of the snapshot wins. */
			ck->res->duplicate_accounts++;
			continue;
		}
		k = bucket_of(sp, w->row);
		bk = &sp->b[k];
		if (bk->buf == NULL)
			bk->buf = xmalloc(SPILL_BUF);
		if (bk->len + h.len > SPILL_BUF) {
			if (spill_write(sp, k, bk->buf, bk->len, err) == -1)
				return -1;
			bk->len = 0;
		}
		sp->at[w->row - sp->first] = 1 + bk->size;
		w->row = -w->row;
		bk->size += h.len;
		if (h.len > SPILL_BUF) {
			/* Too long for the buffer: a chunk of its own. */
			if (spill_write(sp, k, p, h.len, err) == -1)
				return -1;
			continue;
		}
		memcpy(bk->buf + bk->len, p, h.len);
		bk->len += h.len;
	}
	return 0;
}

/*
 * Pass 1, this thread: the batches the reader has passed on (wait: all of
 * them, until it is done). Once either thread has failed they are only
 * given back. -1 if placing them failed (ck->merr).
 */
static int
take_accounts(struct check *ck, int wait)
{
	struct accbatch	*b;

	while ((b = wait ? pipe_get_full(&ck->apipe) :
	    pipe_try_full(&ck->apipe)) != NULL) {
		if (!atomic_load(&ck->stop) &&
		    place_accounts(ck, b, &ck->merr) == -1) {
			ck->mfailed = 1;
			atomic_store(&ck->stop, 1);
			pipe_fail(&ck->apipe, &ck->merr);
		}
		pipe_put_free(&ck->apipe, b);
	}
	return ck->mfailed ? -1 : 0;
}

/* Pass 1, this thread: a pending row into the rows' file. */
static int
copy_row(int64_t id, const struct store_row *r, void *arg)
{
	struct check	*ck = arg;
	struct rowfile	*rf = &ck->rows;
	struct rowhdr	 h;
	size_t		 lens[COL_COUNT], col;

	if (atomic_load_explicit(&ck->stop, memory_order_relaxed)) {
		ck->mstopped = !ck->mfailed;
		return -1;
	}
	if (++ck->copied % ACC_POLL == 0 && take_accounts(ck, 0) == -1)
		return -1;
	h.id = id;
	h.len = sizeof h;
	h.nulls = 0;
	for (col = 0; col < COL_COUNT; col++) {
		if (r->norm[col] == NULL) {
			h.nulls |= 1u << col;
			lens[col] = 0;
		} else
			lens[col] = strlen(r->norm[col]);
		h.len += lens[col] + 1;
	}
	if (rf->len + h.len > rf->cap) {
		if (write_all(rf->fd, rf->buf, rf->len, &ck->merr) == -1)
			return -1;
		rf->off += rf->len;
		rf->len = 0;
		if (h.len > rf->cap) {
			rf->cap = h.len;
			rf->buf = xreallocarray(rf->buf, rf->cap, 1);
		}
	}
	memcpy(rf->buf + rf->len, &h, sizeof h);
	rf->len += sizeof h;
	for (col = 0; col < COL_COUNT; col++) {
		if (lens[col] > 0)
			memcpy(rf->buf + rf->len, r->norm[col], lens[col]);
		rf->buf[rf->len + lens[col]] = '\0';
		rf->len += lens[col] + 1;
	}
	return 0;
}

/* Pass 2: the next row of the rows' file; 1, 0 at the end, -1 on error. */
static int
next_row(struct rowfile *rf, struct rowhdr *h, const char **want,
    struct imp_err *err)
{
	const char	*p;
	ssize_t		 n;
	size_t		 need = sizeof *h;
	int		 col;

	for (;;) {
		if (rf->len - rf->pos >= sizeof *h) {
			memcpy(h, rf->buf + rf->pos, sizeof *h);
			need = h->len;
			if (rf->len - rf->pos >= need)
				break;
		}
		/* Move what is left to the front and read on. */
		memmove(rf->buf, rf->buf + rf->pos, rf->len - rf->pos);
		rf->len -= rf->pos;
		rf->pos = 0;
		if (need > rf->cap) {
			rf->cap = need;
			rf->buf = xreallocarray(rf->buf, rf->cap, 1);
		}
		n = pread(rf->fd, rf->buf + rf->len, rf->cap - rf->len,
		    (off_t)rf->off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return imp_errf(err, IMP_EXIT_SOFTWARE, "temporary "
			    "file: %s", strerror(errno));
		if (n == 0) {
			if (rf->len == 0)
				return 0;
			return imp_errf(err, IMP_EXIT_SOFTWARE, "temporary "
			    "file: short read");
		}
		rf->off += n;
		rf->len += n;
	}
	p = (const char *)rf->buf + rf->pos + sizeof *h;
	for (col = 0; col < COL_COUNT; col++) {
		want[col] = (h->nulls & (1u << col)) ? NULL : p;
		p += strlen(p) + 1;
	}
	rf->pos += h->len;
	return 1;
}

/* A value into the batch's arena; its offset, NONE for NULL. */
static size_t
arena_put(struct batch *b, const char *s)
{
	size_t	n, o;

	if (s == NULL)
		return NONE;
	n = strlen(s) + 1;
	if (b->alen + n > b->acap) {
		b->acap = (b->alen + n) * 2;
		b->arena = xreallocarray(b->arena, b->acap, 1);
	}
	o = b->alen;
	memcpy(b->arena + o, s, n);
	b->alen += n;
	return o;
}

/* Pass 2, second thread: compares each row with its account, in order. */
static void *
plan_rows(void *arg)
{
	struct check	*ck = arg;
	struct spill	*sp = &ck->sp;
	struct batch	*b = NULL;
	struct planned	*pr;
	struct rowhdr	 h;
	const char	*want[COL_COUNT], *cur[COL_COUNT], *p;
	uint64_t	 at;
	size_t		 k;
	int		 col, rc;

	ck->rows.off = 0;
	ck->rows.pos = ck->rows.len = 0;
	while ((rc = next_row(&ck->rows, &h, want, &ck->aerr)) == 1) {
		if (b == NULL) {
			if ((b = pipe_get_free(&ck->pipe)) == NULL)
				break;		/* the writer failed */
			b->nrows = b->alen = 0;
		}
		pr = &b->rows[b->nrows++];
		pr->id = h.id;
		at = sp->at[h.id - sp->first];
		pr->found = at != 0;
		if (pr->found) {
			k = bucket_of(sp, h.id);
			if (k != sp->cur && spill_load(sp, k, &ck->aerr) == -1) {
				rc = -1;
				break;
			}
			p = (const char *)sp->data + (at - 1);
			for (col = 0; col < COL_COUNT; col++) {
				cur[col] = *p != '\0' ? p : NULL;
				p += strlen(p) + 1;
			}
			checking_compare(want, cur, &pr->rp);
			pr->company = want[COL_COMPANY_NAME] != NULL &&
			    *want[COL_COMPANY_NAME] != '\0';
			if (ck->pf->send_country_changes)
				pr->rp.review &= ~CHECK_REVIEW_COUNTRY;
			for (col = 0; col < COL_COUNT; col++) {
				pr->want[col] = pr->cur[col] = NONE;
				if (col == COL_CUSTOMER_ID ||
				    (pr->rp.changed & (1u << col)))
					pr->want[col] = arena_put(b, want[col]);
				if (pr->rp.changed != 0)
					pr->cur[col] = arena_put(b, cur[col]);
			}
		}
		if (b->nrows == BATCH_ROWS) {
			pipe_put_full(&ck->pipe, b);
			b = NULL;
		}
	}
	if (rc == -1)
		ck->afailed = 1;
	if (b != NULL && b->nrows > 0 && !ck->afailed)
		pipe_put_full(&ck->pipe, b);
	else if (b != NULL)
		pipe_put_free(&ck->pipe, b);
	pipe_close(&ck->pipe);
	return NULL;
}

/* Pass 2, this thread: stores one batch of planned rows. */
static int
store_batch(struct check *ck, const struct batch *b, struct imp_err *err)
{
	const struct planned	*pr;
	const char		*want[COL_COUNT], *cur[COL_COUNT];
	size_t			 i;
	int			 col, rc;

	for (i = 0; i < b->nrows; i++) {
		pr = &b->rows[i];
		if (!pr->found) {
			if (store_plan_outcome(ck->st, ck->ri->id, pr->id,
			    OUTCOME_NOT_FOUND, 0, 0, 0, "no such customer in the "
			    "snapshot", NULL, err) == -1)
				return -1;
			continue;
		}
		for (col = 0; col < COL_COUNT; col++) {
			want[col] = pr->want[col] == NONE ? NULL :
			    b->arena + pr->want[col];
			cur[col] = pr->cur[col] == NONE ? NULL :
			    b->arena + pr->cur[col];
		}
		rc = checking_country(ck->st, checking_rules_get(&ck->rules,
		    checking_row_country(want, cur, &pr->rp)), ck->ri->id,
		    pr->id, want, cur, &pr->rp, err);
		if (rc == -1)
			return -1;
		ck->res->checked++;
		if (rc == 1)
			continue;	/* invalid by the country's rules */
		if (checking_store_row(ck->st, ck->ri->id, pr->id, want, cur,
		    &pr->rp, pr->company ? NULL : cur[COL_COMPANY_NAME],
		    err) == -1)
			return -1;
		/* A row that lost characters is invalid: nothing to send. */
		if (pr->rp.changed != 0 && pr->rp.lost == 0)
			store_plan_offline(ck->st, pr->id,
			    want[COL_CUSTOMER_ID]);
	}
	return 0;
}

/* Pass 1: the accounts spilled, the rows copied. */
static int
pass1(struct check *ck, struct imp_err *err)
{
	pthread_t	 t;
	void		*ab[ACC_BATCHES];
	int		 i, rc;

	for (i = 0; i < ACC_BATCHES; i++) {
		ck->abatches[i].cap = ACC_BATCH;
		ck->abatches[i].buf = xmalloc(ACC_BATCH);
		ab[i] = &ck->abatches[i];
	}
	pipe_init(&ck->apipe, ab, ACC_BATCHES);
	if (pthread_create(&t, NULL, read_snapshot, ck) != 0) {
		pipe_destroy(&ck->apipe);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "cannot start a "
		    "thread");
	}
	rc = store_rows_each(ck->st, ck->ri, OUTCOME_PENDING, copy_row, ck,
	    err);
	if (rc == 0 && ck->rows.len > 0) {
		rc = write_all(ck->rows.fd, ck->rows.buf, ck->rows.len,
		    &ck->merr);
		ck->rows.off += ck->rows.len;
	}
	if (rc == -1)
		atomic_store(&ck->stop, 1);
	/* The rest of the accounts, as the reader passes them on. */
	if (take_accounts(ck, 1) == -1 && rc == 0)
		rc = -1;
	pthread_join(t, NULL);
	pipe_destroy(&ck->apipe);
	/* The first failure is the one to tell. */
	if (rc == -1 && !ck->mstopped) {
		if (ck->merr.code != 0)
			*err = ck->merr;
		return -1;
	}
	if (ck->afailed) {
		*err = ck->aerr;
		return -1;
	}
	return 0;
}

/* Pass 2: the plan compared there and stored here, in one transaction. */
static int
pass2(struct check *ck, struct imp_err *err)
{
	struct batch	*b;
	pthread_t	 t;
	void		*bp[BATCH_COUNT];
	int		 i, failed = 0;

	if (store_plan_begin(ck->st, ck->ri, 1, err) == -1)
		return -1;
	for (i = 0; i < BATCH_COUNT; i++)
		bp[i] = &ck->batches[i];
	pipe_init(&ck->pipe, bp, BATCH_COUNT);
	if (pthread_create(&t, NULL, plan_rows, ck) != 0) {
		pipe_destroy(&ck->pipe);
		store_rollback(ck->st);
		return imp_errf(err, IMP_EXIT_SOFTWARE, "cannot start a "
		    "thread");
	}
	while ((b = pipe_get_full(&ck->pipe)) != NULL) {
		if (!failed && store_batch(ck, b, err) == -1) {
			failed = 1;
			pipe_fail(&ck->pipe, err);
		}
		pipe_put_free(&ck->pipe, b);
	}
	pthread_join(t, NULL);
	pipe_destroy(&ck->pipe);
	if (!failed && ck->afailed) {
		*err = ck->aerr;
		failed = 1;
	}
	if (failed) {
		store_rollback(ck->st);
		return -1;
	}
	return store_plan_finish(ck->st, ck->ri, ck->path,
	    ck->res->snapshot.mtime, ck->res->plan_hash, &ck->res->counts,
	    err);
}

int
checking_snapshot(struct store *st, const struct store_runinfo *ri,
    const char *path, const struct profile *pf, struct checking_result *res,
    struct imp_err *err)
{
	struct check	*ck;
	int64_t		 rows;
	size_t		 k;
	int		 i, rc = -1;

	memset(res, 0, sizeof *res);
	if (checking_refuse_sent(st, ri, err) == -1)
		return -1;
	ck = xcalloc(1, sizeof *ck);
	ck->st = st;
	ck->ri = ri;
	ck->pf = pf;
	ck->path = path;
	ck->res = res;
	atomic_init(&ck->stop, 0);
	ck->sp.fd = ck->rows.fd = -1;
	ck->sp.cur = NONE;
	ck->sp.first = ri->row_first;
	rows = ri->row_last - ri->row_first + 1;
	ck->sp.span = rows / SPILL_BUCKETS + 1;
	if (ck->sp.span < SPILL_BUCKET_ROWS)
		ck->sp.span = SPILL_BUCKET_ROWS;
	ck->sp.nb = rows > 0 ? (size_t)((rows - 1) / ck->sp.span) + 1 : 0;
	ck->sp.at = xcalloc(rows > 0 ? (size_t)rows : 1, sizeof *ck->sp.at);
	ck->rows.cap = ROWS_BUF;
	ck->rows.buf = xmalloc(ck->rows.cap);

	if ((ck->sp.fd = tempfile_open("check", err)) == -1 ||
	    (ck->rows.fd = tempfile_open("check", err)) == -1 ||
	    checking_wants(st, ri, 1, &ck->ws, err) == -1 ||
	    checking_rules_init(&ck->rules, st, err) == -1 ||
	    pass1(ck, err) == -1)
		goto out;
	/* Found or not, every account is placed: the index has done its job
	 * and pass 2 runs without it (a third of the peak at a million). */
	checking_wants_free(&ck->ws);
	if (pass2(ck, err) == -1)
		goto out;
	rc = 0;
out:
	if (ck->sp.fd != -1)
		close(ck->sp.fd);
	if (ck->rows.fd != -1)
		close(ck->rows.fd);
	for (k = 0; k < ck->sp.nb; k++)
		free(ck->sp.b[k].buf);
	for (i = 0; i < BATCH_COUNT; i++)
		free(ck->batches[i].arena);
	for (i = 0; i < ACC_BATCHES; i++)
		free(ck->abatches[i].buf);
	free(ck->aoff);
	free(ck->sp.c);
	free(ck->sp.data);
	free(ck->sp.at);
	checking_wants_free(&ck->ws);
	free(ck->rows.buf);
	checking_rules_free(&ck->rules);
	free(ck);
	return rc;
}
