/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The feeder thread: the only place that opens files, reads them (io_uring)
 * and evicts chunks. It serves the workers' rings and answers each worker on
 * its own ring. It is a plain thread, not an lcore: when idle it sleeps
 * (short, growing naps, or a bounded wait on the io_uring completion queue)
 * instead of spinning a core.
 *
 * Here: the thread and its loop, the worker rings it serves, opens, and the
 * reads (feeder_op: one chunk being read and everyone waiting for it). Path
 * resolution (resolve.c), versions (version.c), the chunk pool (pool.c) and
 * the answer FIFO (answer.c) are modules below it that never call back.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dataplane/base/clock.h"
#include "dataplane/cache/cache.h"
#include "dataplane/cache/answer.h"
#include "dataplane/cache/layout.h"
#include "dataplane/cache/pool.h"
#include "dataplane/cache/resolve.h"
#include "dataplane/cache/version.h"
#include "dataplane/proto/csum.h"

#define FEEDER_BURST 32u
#define FEEDER_NAP_MIN_US 20u
#define FEEDER_NAP_MAX_US 1000u
#define FEEDER_MAINT_NS (10ull * 1000 * 1000)
#define FEEDER_IDLE_CHECK_NS (1000ull * 1000 * 1000)
/* A version nobody held or opened for this long gives back its fd and chunks. */
#define FEEDER_IDLE_RETIRE_NS (600ull * 1000 * 1000 * 1000)
/*
 * Answers owed at most, per worker: as many again as its done ring holds.
 * Past that the feeder takes no requests until workers poll; they get
 * CACHE_ERR_BUSY from the full request rings meanwhile, as they would from
 * a feeder that cannot keep up.
 */
#define FEEDER_OWED_PER_WORKER CACHE_DONE_RING

struct feeder_waiter {
	uint64_t token;
	uint32_t worker;
};

/* One chunk being read, and everyone waiting for it. */
struct feeder_op {
	struct cache_file *file;	/* one reference, dropped at completion */
	struct cache_chunk *chunk;	/* NULL while starved */
	uint32_t idx;
	uint32_t len;			/* bytes to read */
	uint32_t done;			/* bytes read so far (short reads resubmit the rest) */
	uint64_t deadline_ns;		/* starved: CACHE_ERR_BUSY after this */
	uint32_t n_waiters, cap_waiters;
	struct feeder_waiter *waiters;	/* readahead ops may have none */
	struct feeder_op *next;		/* ready or starved queue */
};

struct feeder_queue {
	struct feeder_op *head, *tail;
};

struct feeder {
	struct cache *cache;
	pthread_t thread;
	bool stop;			/* set by feeder_stop */
	int rootfd;
	bool case_insensitive;
	bool use_openat2;		/* cleared at the first ENOSYS */
	struct io_uring ring;
	unsigned in_flight;		/* SQEs not yet completed */
	struct feeder_queue ready;	/* have a chunk, wait for an SQE */
	struct feeder_queue starved;	/* wait for a chunk */
	struct feeder_answers answers;	/* what the done rings had no room for */
	uint64_t next_maint_ns, next_idle_check_ns;
};

static void
q_push(struct feeder_queue *q, struct feeder_op *op)
{
	op->next = NULL;
	if (q->tail != NULL)
		q->tail->next = op;
	else
		q->head = op;
	q->tail = op;
}

static void
q_push_front(struct feeder_queue *q, struct feeder_op *op)
{
	op->next = q->head;
	q->head = op;
	if (q->tail == NULL)
		q->tail = op;
}

static struct feeder_op *
q_pop(struct feeder_queue *q)
{
	struct feeder_op *op = q->head;

	if (op != NULL) {
		q->head = op->next;
		if (q->head == NULL)
			q->tail = NULL;
	}
	return op;
}

static void
feeder_open(struct feeder *fd, const struct cache_open_req *req)
{
	struct cache *c = fd->cache;
	struct cache_file *f;
	enum cache_err err;
	char path[sizeof(req->path)];
	struct stat st;
	int filefd = -1, sys_err = 0;

	err = feeder_resolve(fd->rootfd, req->path, fd->case_insensitive, fd->use_openat2,
			     &filefd, path, sizeof(path));
	if (err == CACHE_ERR_IO && errno == ENOSYS && fd->use_openat2) {
		fd->use_openat2 = false;
		err = feeder_resolve(fd->rootfd, req->path, fd->case_insensitive, false,
				     &filefd, path, sizeof(path));
	}
	if (err == CACHE_OK && fstat(filefd, &st) != 0)
		err = CACHE_ERR_IO;
	if (err == CACHE_ERR_IO)
		sys_err = errno;
	if (err != CACHE_OK)
		goto fail;

	f = cache_version_find(c, &st);
	if (f != NULL) {
		close(filefd);
		cache_file_get(f);
	} else {
		f = cache_version_add(c, filefd, &st, path);
		if (f == NULL) {
			err = CACHE_ERR_NOMEM;
			goto fail;
		}
	}
	f->last_open_ns = clock_mono_ns();
	cache_stat_add(&c->opens, 1);
	feeder_answer(&fd->answers, req->worker, CACHE_DONE_OPEN, req->token, CACHE_OK, 0, f, 0);
	return;
fail:
	if (filefd >= 0)
		close(filefd);
	cache_stat_add(&c->open_errors, 1);
	feeder_answer(&fd->answers, req->worker, CACHE_DONE_OPEN, req->token, err, sys_err, NULL, 0);
}

/* ---- reads ---- */

/* sys_err: the errno of a failed read (CACHE_ERR_IO), else 0. */
static void
op_complete(struct feeder *fd, struct feeder_op *op, enum cache_err err, int sys_err)
{
	struct cache *c = fd->cache;
	struct cache_file *f = op->file;
	struct cache_chunk *ch = op->chunk;
	uint32_t i;

	f->pending[op->idx] = NULL;
	if (ch != NULL) {
		cache_stat_add(&c->reads, 1);
		/* The bytes are only good if the file did not change while we read. */
		if (err == CACHE_OK && !cache_version_check(c, f))
			err = CACHE_ERR_STALE;
		if (err == CACHE_OK) {
			/* Once per read, so that no send sums the payload (tx.c). */
			csum_prefix_fill(ch->data, op->len, ch->sums);
			ch->len = op->len;
			__atomic_store_n(&ch->file, f, __ATOMIC_RELAXED);
			__atomic_store_n(&ch->index, op->idx, __ATOMIC_RELAXED);
			__atomic_store_n(&ch->last_use, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
			ch->state = CHUNK_CACHED;
			__atomic_store_n(&ch->shinfo.refcnt, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&f->chunks[op->idx], ch, __ATOMIC_RELEASE);
		} else {
			/* Never published: a later demand reads it again. */
			if (err == CACHE_ERR_IO)
				cache_stat_add(&c->read_errors, 1);
			cache_pool_free(c, ch);
		}
	}
	for (i = 0; i < op->n_waiters; i++)
		feeder_answer(&fd->answers, op->waiters[i].worker, CACHE_DONE_CHUNK,
			      op->waiters[i].token, err, sys_err, f, op->idx);
	cache_file_put(f);
	free(op->waiters);
	free(op);
}

static bool
op_add_waiter(struct feeder_op *op, uint32_t worker, uint64_t token)
{
	if (op->n_waiters == op->cap_waiters) {
		uint32_t cap = op->cap_waiters ? op->cap_waiters * 2 : 2;
		struct feeder_waiter *w = realloc(op->waiters, cap * sizeof(*w));

		if (w == NULL)
			return false;
		op->waiters = w;
		op->cap_waiters = cap;
	}
	op->waiters[op->n_waiters].worker = worker;
	op->waiters[op->n_waiters].token = token;
	op->n_waiters++;
	return true;
}

/* Makes chunk idx of f present; waiter (if any) is answered when it is. */
static void
feeder_want(struct feeder *fd, struct cache_file *f, uint32_t idx, bool demand,
	    uint32_t worker, uint64_t token)
{
	struct cache *c = fd->cache;
	struct cache_chunk *ch = f->chunks[idx];
	struct feeder_op *op;

	if (ch != NULL) {
		__atomic_store_n(&ch->last_use, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
		if (demand)
			feeder_answer(&fd->answers, worker, CACHE_DONE_CHUNK, token, CACHE_OK, 0, f, idx);
		return;
	}
	op = f->pending[idx];
	if (op != NULL) {
		/* Coalesce: one read, one more answer. */
		if (demand && !op_add_waiter(op, worker, token))
			feeder_answer(&fd->answers, worker, CACHE_DONE_CHUNK, token, CACHE_ERR_NOMEM, 0, f, idx);
		return;
	}
	/* Read-ahead never waits for a chunk nor jumps ahead of a starved demand. */
	if (fd->starved.head == NULL)
		ch = cache_pool_take(c);
	if (ch == NULL && !demand)
		return;
	op = calloc(1, sizeof(*op));
	if (op == NULL || (demand && !op_add_waiter(op, worker, token))) {
		if (ch != NULL)
			cache_pool_free(c, ch);
		free(op);
		if (demand)
			feeder_answer(&fd->answers, worker, CACHE_DONE_CHUNK, token, CACHE_ERR_NOMEM, 0, f, idx);
		return;
	}
	cache_file_get(f);
	op->file = f;
	op->idx = idx;
	op->len = (uint32_t)RTE_MIN((uint64_t)f->chunk_size,
				    f->size - (uint64_t)idx * f->chunk_size);
	f->pending[idx] = op;
	if (ch != NULL) {
		ch->state = CHUNK_READING;
		op->chunk = ch;
		q_push(&fd->ready, op);
	} else {
		op->deadline_ns = clock_mono_ns() + CACHE_STARVE_NS;
		q_push(&fd->starved, op);
	}
}

static void
feeder_read_req(struct feeder *fd, const struct cache_read_req *req)
{
	struct cache *c = fd->cache;
	struct cache_file *f = req->file;
	bool demand = req->kind == CACHE_READ_DEMAND;
	uint32_t i;

	/* A demand gets exactly one answer, whichever way it goes below; read-ahead none. */
	if (demand)
		feeder_answers_promise(&fd->answers, 1);
	if (req->idx >= f->n_chunks || f->stale || (demand && !cache_version_check(c, f))) {
		if (demand)
			feeder_answer(&fd->answers, req->worker, CACHE_DONE_CHUNK, req->token,
				      f->stale ? CACHE_ERR_STALE : CACHE_ERR_IO, 0, f, req->idx);
		goto out;
	}
	feeder_want(fd, f, req->idx, demand, req->worker, req->token);
	if (!demand)
		goto out;
	for (i = 1; i <= c->cfg.readahead && req->idx + i < f->n_chunks; i++)
		feeder_want(fd, f, req->idx + i, false, 0, 0);
out:
	cache_file_put(f);	/* the request's reference */
}

/* Starved demands get chunks first come, first served; too old ones give up. */
static unsigned
feeder_feed_starved(struct feeder *fd)
{
	struct feeder_op *op, **pp;
	unsigned n = 0;
	uint64_t now;

	while (fd->starved.head != NULL) {
		struct cache_chunk *ch = cache_pool_take(fd->cache);

		if (ch == NULL)
			break;
		op = q_pop(&fd->starved);
		ch->state = CHUNK_READING;
		op->chunk = ch;
		q_push(&fd->ready, op);
		n++;
	}
	if (fd->starved.head == NULL)
		return n;
	now = clock_mono_ns();
	for (pp = &fd->starved.head; (op = *pp) != NULL;) {
		if (op->deadline_ns > now) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		op_complete(fd, op, CACHE_ERR_BUSY, 0);
		n++;
	}
	fd->starved.tail = NULL;
	for (op = fd->starved.head; op != NULL; op = op->next)
		fd->starved.tail = op;
	return n;
}

static unsigned
feeder_submit(struct feeder *fd)
{
	unsigned n = 0;

	while (fd->ready.head != NULL && fd->in_flight < fd->cache->cfg.queue_depth) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&fd->ring);
		struct feeder_op *op;

		if (sqe == NULL)
			break;
		op = q_pop(&fd->ready);
		io_uring_prep_read(sqe, op->file->fd, op->chunk->data + op->done,
				   op->len - op->done,
				   (uint64_t)op->idx * op->file->chunk_size + op->done);
		io_uring_sqe_set_data(sqe, op);
		fd->in_flight++;
		n++;
	}
	/* One syscall for the batch; what the kernel did not take stays queued. */
	if (n > 0 || io_uring_sq_ready(&fd->ring) > 0)
		io_uring_submit(&fd->ring);
	return n;
}

static unsigned
feeder_reap(struct feeder *fd)
{
	struct io_uring_cqe *cqe;
	unsigned n = 0;

	while (io_uring_peek_cqe(&fd->ring, &cqe) == 0) {
		struct feeder_op *op = io_uring_cqe_get_data(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&fd->ring, cqe);
		fd->in_flight--;
		n++;
		if (res == -EAGAIN || res == -EINTR) {
			q_push_front(&fd->ready, op);
		} else if (res < 0) {
			op_complete(fd, op, CACHE_ERR_IO, -res);
		} else if (res == 0) {
			/* EOF before the end of the version: it shrank. */
			op_complete(fd, op, cache_version_check(fd->cache, op->file) ?
				    CACHE_ERR_IO : CACHE_ERR_STALE, 0);
		} else {
			cache_stat_add(&fd->cache->read_bytes, (uint64_t)res);
			op->done += (uint32_t)res;
			if (op->done < op->len)
				q_push_front(&fd->ready, op);	/* short read: the rest */
			else
				op_complete(fd, op, CACHE_OK, 0);
		}
	}
	return n;
}

/* ---- housekeeping ---- */

static void
feeder_maintain(struct feeder *fd, uint64_t now)
{
	struct cache *c = fd->cache;

	cache_pool_drain(c);
	if (now >= fd->next_idle_check_ns) {
		fd->next_idle_check_ns = now + FEEDER_IDLE_CHECK_NS;
		cache_version_retire_idle(c, now, FEEDER_IDLE_RETIRE_NS);
	}
	cache_version_reap(c);
}

static unsigned
feeder_pass(struct feeder *fd)
{
	struct cache *c = fd->cache;
	struct cache_open_req oreq[4];
	struct cache_read_req rreq[FEEDER_BURST];
	unsigned n, i, work = 0;
	uint64_t now;

	work += cache_pool_returns(c);
	/* No more requests than the answer FIFO can hold answers for (answer.h). */
	n = rte_ring_sc_dequeue_burst_elem(c->open_ring, oreq, sizeof(oreq[0]),
					   RTE_MIN(RTE_DIM(oreq), feeder_answers_room(&fd->answers)),
					   NULL);
	feeder_answers_promise(&fd->answers, n);
	for (i = 0; i < n; i++)
		feeder_open(fd, &oreq[i]);
	work += n;
	n = rte_ring_sc_dequeue_burst_elem(c->read_ring, rreq, sizeof(rreq[0]),
					   RTE_MIN(RTE_DIM(rreq), feeder_answers_room(&fd->answers)),
					   NULL);
	for (i = 0; i < n; i++)
		feeder_read_req(fd, &rreq[i]);
	work += n;
	work += feeder_feed_starved(fd);
	work += feeder_submit(fd);
	work += feeder_reap(fd);
	work += feeder_answers_flush(&fd->answers);

	now = clock_mono_ns();
	if (now >= fd->next_maint_ns) {
		fd->next_maint_ns = now + FEEDER_MAINT_NS;
		feeder_maintain(fd, now);
	}
	return work;
}

static void *
feeder_main(void *arg)
{
	struct feeder *fd = arg;
	unsigned nap_us = 0;
	uint64_t deadline;
	struct feeder_op *op;

	while (!__atomic_load_n(&fd->stop, __ATOMIC_ACQUIRE)) {
		if (feeder_pass(fd) > 0) {
			nap_us = 0;
			continue;
		}
		if (fd->in_flight > 0) {
			struct __kernel_timespec ts = { .tv_nsec = 1000000 };
			struct io_uring_cqe *cqe;

			/* Sleeps until a read completes, or 1 ms to look at the rings. */
			io_uring_wait_cqe_timeout(&fd->ring, &cqe, &ts);
			nap_us = 0;
		} else {
			nap_us = nap_us ? RTE_MIN(nap_us * 2, FEEDER_NAP_MAX_US) : FEEDER_NAP_MIN_US;
			usleep(nap_us);
		}
	}

	/* The chunks must not be written after we return: wait for the kernel. */
	deadline = clock_mono_ns() + CACHE_STARVE_NS;
	while (fd->in_flight > 0 && clock_mono_ns() < deadline) {
		struct __kernel_timespec ts = { .tv_nsec = 10000000 };
		struct io_uring_cqe *cqe;

		io_uring_wait_cqe_timeout(&fd->ring, &cqe, &ts);
		feeder_reap(fd);
	}
	while ((op = q_pop(&fd->ready)) != NULL)
		op_complete(fd, op, CACHE_ERR_BUSY, 0);
	while ((op = q_pop(&fd->starved)) != NULL)
		op_complete(fd, op, CACHE_ERR_BUSY, 0);
	feeder_answers_flush(&fd->answers);
	return NULL;
}

int
feeder_start(struct cache *c, const char *root, bool case_insensitive)
{
	struct feeder *fd;
	int ret;

	if (c->feeder != NULL)
		return -EBUSY;
	fd = calloc(1, sizeof(*fd));
	if (fd == NULL)
		return -ENOMEM;
	fd->cache = c;
	fd->case_insensitive = case_insensitive;
	fd->use_openat2 = true;
	fd->rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd->rootfd < 0) {
		ret = -errno;
		goto fail_root;
	}
	ret = feeder_answers_init(&fd->answers, c->done_rings,
				  c->n_workers * FEEDER_OWED_PER_WORKER);
	if (ret < 0)
		goto fail_answers;
	ret = io_uring_queue_init(c->cfg.queue_depth, &fd->ring, 0);
	if (ret < 0)
		goto fail_ring;
	/* A control thread: off the worker lcores' CPUs, named for ps/top. */
	ret = rte_ctrl_thread_create(&fd->thread, "pxl-feeder", NULL, feeder_main, fd);
	if (ret != 0) {
		ret = -ret;
		goto fail_thread;
	}
	c->feeder = fd;
	return 0;
fail_thread:
	io_uring_queue_exit(&fd->ring);
fail_ring:
	feeder_answers_fini(&fd->answers);
fail_answers:
	close(fd->rootfd);
fail_root:
	free(fd);
	return ret;
}

void
feeder_stop(struct cache *c)
{
	struct feeder *fd = c->feeder;

	if (fd == NULL)
		return;
	__atomic_store_n(&fd->stop, true, __ATOMIC_RELEASE);
	pthread_join(fd->thread, NULL);
	feeder_answers_fini(&fd->answers);
	io_uring_queue_exit(&fd->ring);
	close(fd->rootfd);
	free(fd);
	c->feeder = NULL;
}
