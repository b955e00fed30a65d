/*
 * pipe.c: batches handed from a producer thread to a consumer thread,
 * under one mutex and one condition variable.
 */
#include "config.h"

#include "pipe.h"

#include <assert.h>
#include <string.h>

void
pipe_init(struct pipe *pp, void *const *batches, size_t n)
{
	assert(n <= PIPE_MAX);
	memset(pp, 0, sizeof *pp);
	pthread_mutex_init(&pp->mu, NULL);
	pthread_cond_init(&pp->cv, NULL);
	for (; n > 0; n--)
		pp->free[pp->nfree++] = batches[n - 1];
}

void
pipe_destroy(struct pipe *pp)
{
	pthread_cond_destroy(&pp->cv);
	pthread_mutex_destroy(&pp->mu);
}

void *
pipe_get_free(struct pipe *pp)
{
	void	*b = NULL;

	pthread_mutex_lock(&pp->mu);
	while (pp->nfree == 0 && !pp->failed)
		pthread_cond_wait(&pp->cv, &pp->mu);
	if (!pp->failed)
		b = pp->free[--pp->nfree];
	pthread_mutex_unlock(&pp->mu);
	return b;
}

void
pipe_put_full(struct pipe *pp, void *b)
{
	pthread_mutex_lock(&pp->mu);
	pp->full[(pp->head + pp->nfull++) % PIPE_MAX] = b;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

void
pipe_close(struct pipe *pp)
{
	pthread_mutex_lock(&pp->mu);
	pp->closed = 1;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

void *
pipe_get_full(struct pipe *pp)
{
	void	*b = NULL;

	pthread_mutex_lock(&pp->mu);
	while (pp->nfull == 0 && !pp->closed)
		pthread_cond_wait(&pp->cv, &pp->mu);
	if (pp->nfull > 0) {
		b = pp->full[pp->head];
		pp->head = (pp->head + 1) % PIPE_MAX;
		pp->nfull--;
	}
	pthread_mutex_unlock(&pp->mu);
	return b;
}

void *
pipe_try_full(struct pipe *pp)
{
	void	*b = NULL;

	pthread_mutex_lock(&pp->mu);
	if (pp->nfull > 0) {
		b = pp->full[pp->head];
		pp->head = (pp->head + 1) % PIPE_MAX;
		pp->nfull--;
	}
	pthread_mutex_unlock(&pp->mu);
	return b;
}

void
pipe_put_free(struct pipe *pp, void *b)
{
	pthread_mutex_lock(&pp->mu);
	pp->free[pp->nfree++] = b;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}

void
pipe_fail(struct pipe *pp, const struct imp_err *err)
{
	pthread_mutex_lock(&pp->mu);
	pp->failed = 1;
	pp->err = *err;
	pthread_cond_broadcast(&pp->cv);
	pthread_mutex_unlock(&pp->mu);
}
