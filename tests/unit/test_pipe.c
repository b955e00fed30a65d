/*
 * test_pipe.c: pipe.h between two real threads: every batch arrives, in
 * the order sent, with no more than the pipe's batches in use at once; a
 * failing consumer stops the producer; closing drains what is left. A
 * consumer that polls (pipe_try_full) gets the same.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "pipe.h"
#include "../tap.h"

#define NB	3
#define SENT	20000

struct slot {
	int	seq;
	int	sum;	/* of the numbers written into it */
	int	busy;	/* 1 while the producer or consumer holds it */
};

struct run {
	struct pipe	 pp;
	struct slot	 slots[NB];
	int		 fail_at;	/* consumer fails at this seq; -1 never */
	int		 got, in_order, sums_ok, overlap;
	int		 sent;		/* batches the producer passed on */
	int		 poll;		/* the consumer polls */
	int		 misses;	/* polls that found nothing */
};

static void *
consumer(void *arg)
{
	struct run	*r = arg;
	struct slot	*s;
	struct imp_err	 err;

	for (;;) {
		if (r->poll && r->got < SENT) {
			if ((s = pipe_try_full(&r->pp)) == NULL) {
				r->misses++;
				sched_yield();
				continue;
			}
		} else if ((s = pipe_get_full(&r->pp)) == NULL)
			break;
		if (s->busy != 1)
			r->overlap++;
		if (s->seq != r->got)
			r->in_order = 0;
		if (s->sum != s->seq * 3)
			r->sums_ok = 0;
		r->got++;
		s->busy = 0;
		if (s->seq == r->fail_at) {
			memset(&err, 0, sizeof err);
			err.code = 70;
			snprintf(err.msg, sizeof err.msg, "disk full");
			pipe_fail(&r->pp, &err);
			pipe_put_free(&r->pp, s);
			return NULL;
		}
		pipe_put_free(&r->pp, s);
	}
	return NULL;
}

static void
produce(struct run *r, int fail_at, int poll)
{
	void		*bp[NB];
	pthread_t	 t;
	struct slot	*s;
	int		 i;

	memset(r, 0, sizeof *r);
	r->fail_at = fail_at;
	r->poll = poll;
	r->in_order = r->sums_ok = 1;
	for (i = 0; i < NB; i++)
		bp[i] = &r->slots[i];
	pipe_init(&r->pp, bp, NB);
	pthread_create(&t, NULL, consumer, r);
	for (i = 0; i < SENT; i++) {
		if ((s = pipe_get_free(&r->pp)) == NULL)
			break;
		if (s->busy != 0)
			r->overlap++;
		s->busy = 1;
		s->seq = i;
		s->sum = i + i + i;
		pipe_put_full(&r->pp, s);
		r->sent++;
	}
	pipe_close(&r->pp);
	pthread_join(t, NULL);
}

int
main(void)
{
	struct run	r;
	struct slot	one;
	void		*bp[1] = { &one };

	produce(&r, -1, 0);
	is_int(r.sent, SENT, "every batch was passed on");
	is_int(r.got, SENT, "every batch arrived");
	ok(r.in_order, "in the order sent");
	ok(r.sums_ok, "with what the producer wrote into it");
	is_int(r.overlap, 0, "no batch held by both threads at once");
	is_int(r.pp.failed, 0, "no failure recorded");
	pipe_destroy(&r.pp);

	produce(&r, -1, 1);
	is_int(r.got, SENT, "polling: every batch arrived");
	ok(r.in_order, "polling: in the order sent");
	ok(r.sums_ok, "polling: with what the producer wrote into it");
	is_int(r.overlap, 0, "polling: no batch held by both threads at once");
	pipe_destroy(&r.pp);

	/* pipe_try_full never waits: NULL when nothing is full. */
	pipe_init(&r.pp, bp, 1);
	ok(pipe_try_full(&r.pp) == NULL, "try_full: NULL on an empty pipe");
	ok(pipe_get_free(&r.pp) == &one, "try_full: the batch taken");
	ok(pipe_try_full(&r.pp) == NULL, "try_full: NULL while it is filled");
	pipe_put_full(&r.pp, &one);
	ok(pipe_try_full(&r.pp) == &one, "try_full: the batch once passed on");
	ok(pipe_try_full(&r.pp) == NULL, "try_full: and only once");
	pipe_put_free(&r.pp, &one);
	pipe_close(&r.pp);
	ok(pipe_try_full(&r.pp) == NULL, "try_full: NULL once closed");
	pipe_destroy(&r.pp);

	produce(&r, 100, 0);
	is_int(r.got, 101, "the consumer stopped where it failed");
	ok(r.sent <= 101 + NB, "the producer stopped soon after (%d sent)",
	    r.sent);
	is_int(r.pp.failed, 1, "the failure is recorded");
	is_int(r.pp.err.code, 70, "with its exit code");
	is_str(r.pp.err.msg, "disk full", "and its message");
	ok(pipe_get_free(&r.pp) == NULL, "no empty batch after a failure");
	pipe_destroy(&r.pp);

	return done_testing();
}
