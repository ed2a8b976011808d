/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The feeder thread: the only place that opens files, reads them (io_uring)
 * and evicts chunks. It serves the workers' rings and answers each worker on
 * its own ring. It is a plain thread, not an lcore: when idle it sleeps
 * (short, growing naps, or a bounded wait on the io_uring completion queue)
 * instead of spinning a core.
 *
 * Versions: a cache_file is one (dev, ino, size, mtime) of a file. The table
 * holds one reference on each current version; a version that is replaced,
 * found stale or idle and unlinked is retired (out of the table) and freed
 * here once the last reference — workers' and in-flight requests' — is gone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/openat2.h>
#include <liburing.h>

#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_ring.h>

#include "dataplane/cache/cache.h"
#include "dataplane/cache/layout.h"

#define FEEDER_BURST 32u
#define FEEDER_NAP_MIN_US 20u
#define FEEDER_NAP_MAX_US 1000u
#define FEEDER_MAINT_NS (10ull * 1000 * 1000)
#define FEEDER_IDLE_CHECK_NS (1000ull * 1000 * 1000)
/* A version nobody held or opened for this long gives back its fd and chunks. */
#define FEEDER_IDLE_RETIRE_NS (600ull * 1000 * 1000 * 1000)

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

/* An answer the worker's ring had no room for; retried in order. */
struct feeder_answer {
	struct feeder_answer *next;
	uint32_t worker;
	struct cache_done d;
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
	struct feeder_answer *ovf_head, *ovf_tail;
	uint64_t next_maint_ns, next_idle_check_ns;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
stat_add(uint64_t *ctr, uint64_t n)
{
	/* Feeder is the only writer; readers load relaxed. */
	__atomic_store_n(ctr, *ctr + n, __ATOMIC_RELAXED);
}

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

/* ---- path resolution ---- */

static enum cache_err
errno_to_cache(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return CACHE_ERR_NOT_FOUND;
	case EXDEV:	/* openat2: would leave the root */
	case ELOOP:	/* symlink loop, magic link or O_NOFOLLOW */
	case EACCES:
	case EPERM:
		return CACHE_ERR_ACCESS;
	case ENOMEM:
	case EMFILE:
	case ENFILE:
		return CACHE_ERR_NOMEM;
	default:
		return CACHE_ERR_IO;
	}
}

static int
resolve_step(int rootfd, int dirfd, const char *full, const char *comp, int flags,
	     bool use_openat2)
{
	if (use_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
		};

		/* From the root each time, so symlinks inside the root work. */
		return (int)syscall(SYS_openat2, rootfd, full, &how, sizeof(how));
	}
	return openat(dirfd, comp, flags | O_CLOEXEC | O_NOFOLLOW);
}

/*
 * Finds the entry of dirfd equal to name ignoring case; several: the first
 * in byte order, so the answer does not depend on directory order.
 */
static bool
resolve_scan(int dirfd, const char *name, char *ret, size_t cap)
{
	struct dirent *de;
	bool found = false;
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return false;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return false;
	}
	/* The dup shares the offset with dirfd: start from the top. */
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (strcasecmp(de->d_name, name) != 0 || strlen(de->d_name) >= cap)
			continue;
		if (!found || strcmp(de->d_name, ret) < 0) {
			strcpy(ret, de->d_name);
			found = true;
		}
	}
	closedir(d);
	return found;
}

enum cache_err
feeder_resolve(int rootfd, const char *relpath, bool case_insensitive, bool use_openat2,
	       int *ret_fd, char *ret_path, size_t cap)
{
	enum cache_err err = CACHE_OK;
	const char *p = relpath;
	size_t plen = 0;
	int dirfd = rootfd;
	int fd = -1;
	struct stat st;

	if (cap == 0)
		return CACHE_ERR_NOT_FOUND;
	ret_path[0] = '\0';
	while (*p == '/')
		p++;
	if (*p == '\0')
		return CACHE_ERR_NOT_FOUND;

	while (*p != '\0') {
		const char *end = strchrnul(p, '/');
		size_t clen = (size_t)(end - p);
		bool last;
		char comp[256];
		int flags;

		while (*end == '/')
			end++;
		last = (*end == '\0');
		if (clen >= sizeof(comp) || plen + 1 + clen >= cap) {
			err = CACHE_ERR_NOT_FOUND;
			goto out;
		}
		memcpy(comp, p, clen);
		comp[clen] = '\0';
		/* proto/path.c never produces these; refuse anyway. */
		if (strcmp(comp, ".") == 0 || strcmp(comp, "..") == 0) {
			err = CACHE_ERR_ACCESS;
			goto out;
		}
		/* Final: O_NONBLOCK so a FIFO does not hang the feeder. */
		flags = last ? O_RDONLY | O_NONBLOCK | O_NOCTTY : O_RDONLY | O_DIRECTORY;
		sprintf(ret_path + plen, "%s%s", plen ? "/" : "", comp);

		fd = resolve_step(rootfd, dirfd, ret_path, comp, flags, use_openat2);
		if (fd < 0 && errno == ENOENT && case_insensitive &&
		    resolve_scan(dirfd, comp, comp, sizeof(comp))) {
			sprintf(ret_path + plen, "%s%s", plen ? "/" : "", comp);
			fd = resolve_step(rootfd, dirfd, ret_path, comp, flags, use_openat2);
		}
		if (fd < 0) {
			int e = errno;
			struct stat lst;

			err = errno_to_cache(e);
			/* Without openat2 every symlink is refused: say so, not "not found". */
			if (!use_openat2 && (e == ENOTDIR || e == ELOOP) &&
			    fstatat(dirfd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 &&
			    S_ISLNK(lst.st_mode))
				err = CACHE_ERR_ACCESS;
			goto out;
		}
		plen = strlen(ret_path);
		if (!last) {
			if (dirfd != rootfd)
				close(dirfd);
			dirfd = fd;
			fd = -1;
		}
		p = end;
	}

	if (fstat(fd, &st) != 0) {
		err = errno_to_cache(errno);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = CACHE_ERR_ACCESS;
		goto out;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
out:
	if (dirfd != rootfd)
		close(dirfd);
	if (err != CACHE_OK) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	*ret_fd = fd;
	return CACHE_OK;
}

/* ---- answers ---- */

static void
feeder_answer(struct feeder *fd, uint32_t worker, enum cache_done_kind kind, uint64_t token,
	      enum cache_err err, struct cache_file *f, uint32_t chunk)
{
	struct cache_done d = { .kind = kind, .token = token, .err = err, .file = f, .chunk = chunk };
	struct feeder_answer *a;

	if (fd->ovf_head == NULL &&
	    rte_ring_sp_enqueue_elem(fd->cache->done_rings[worker], &d, sizeof(d)) == 0)
		return;
	/* Keep order behind earlier overflow; never drop (an OPEN carries a reference). */
	a = malloc(sizeof(*a));
	if (a == NULL)
		return;
	a->next = NULL;
	a->worker = worker;
	a->d = d;
	if (fd->ovf_tail != NULL)
		fd->ovf_tail->next = a;
	else
		fd->ovf_head = a;
	fd->ovf_tail = a;
}

static unsigned
feeder_flush_answers(struct feeder *fd)
{
	unsigned n = 0;

	while (fd->ovf_head != NULL) {
		struct feeder_answer *a = fd->ovf_head;

		if (rte_ring_sp_enqueue_elem(fd->cache->done_rings[a->worker], &a->d,
					     sizeof(a->d)) != 0)
			break;
		fd->ovf_head = a->next;
		if (fd->ovf_head == NULL)
			fd->ovf_tail = NULL;
		free(a);
		n++;
	}
	return n;
}

/* ---- chunks ---- */

static void
chunk_free(struct cache *c, struct cache_chunk *ch)
{
	__atomic_store_n(&ch->file, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&ch->index, UINT32_MAX, __ATOMIC_RELAXED);
	ch->len = 0;
	ch->state = CHUNK_FREE;
	c->free_stack[c->n_free] = (uint32_t)(ch - c->chunks);
	__atomic_store_n(&c->n_free, c->n_free + 1, __ATOMIC_RELAXED);
}

/* The cache lets go of its own reference: now if nobody else holds it, else later. */
static void
chunk_drop_cache_ref(struct cache *c, struct cache_chunk *ch)
{
	uint16_t one = 1;

	if (__atomic_compare_exchange_n(&ch->shinfo.refcnt, &one, 0, false,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		chunk_free(c, ch);
	} else {
		ch->state = CHUNK_DRAINING;
		c->n_draining++;
	}
}

static void
chunk_unpublish(struct cache_chunk *ch)
{
	struct cache_file *f = ch->file;

	__atomic_store_n(&f->chunks[ch->index], NULL, __ATOMIC_RELEASE);
}

/* A free chunk, evicting the least recently used unreferenced one if needed. */
static struct cache_chunk *
chunk_take(struct cache *c)
{
	unsigned tries;

	for (tries = 0; tries < 4; tries++) {
		struct cache_chunk *victim = NULL;
		uint16_t one = 1;
		uint32_t i;

		if (c->n_free > 0) {
			struct cache_chunk *ch = &c->chunks[c->free_stack[c->n_free - 1]];

			__atomic_store_n(&c->n_free, c->n_free - 1, __ATOMIC_RELAXED);
			return ch;
		}
		for (i = 0; i < c->n_chunks; i++) {
			struct cache_chunk *ch = &c->chunks[i];

			if (ch->state != CHUNK_CACHED && ch->state != CHUNK_DRAINING)
				continue;
			if (__atomic_load_n(&ch->shinfo.refcnt, __ATOMIC_RELAXED) != 1)
				continue;
			if (ch->state == CHUNK_DRAINING) {
				victim = ch;	/* useless already: take it first */
				break;
			}
			if (victim == NULL ||
			    __atomic_load_n(&ch->last_use, __ATOMIC_RELAXED) <
			    __atomic_load_n(&victim->last_use, __ATOMIC_RELAXED))
				victim = ch;
		}
		if (victim == NULL)
			return NULL;
		/* A worker may have taken a reference since the scan: then look again. */
		if (!__atomic_compare_exchange_n(&victim->shinfo.refcnt, &one, 0, false,
						 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			continue;
		if (victim->state == CHUNK_DRAINING) {
			c->n_draining--;
		} else {
			chunk_unpublish(victim);
			stat_add(&c->evictions, 1);
		}
		__atomic_store_n(&victim->file, NULL, __ATOMIC_RELAXED);
		__atomic_store_n(&victim->index, UINT32_MAX, __ATOMIC_RELAXED);
		victim->state = CHUNK_FREE;
		return victim;
	}
	return NULL;
}

/* ---- versions ---- */

static unsigned
file_bucket(uint64_t dev, uint64_t ino)
{
	uint64_t h = (dev * 0x9e3779b97f4a7c15ull) ^ (ino * 0xc2b2ae3d27d4eb4full);

	return (unsigned)(h >> 32) % CACHE_FILE_BUCKETS;
}

static int64_t
stat_mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000ll + st->st_mtim.tv_nsec;
}

static bool
file_changed(const struct cache_file *f, const struct stat *st)
{
	return (uint64_t)st->st_size != f->size || stat_mtime_ns(st) != f->mtime_ns;
}

static void
file_unpublish_all(struct cache *c, struct cache_file *f)
{
	uint32_t i;

	for (i = 0; i < f->n_chunks; i++) {
		struct cache_chunk *ch = f->chunks[i];

		if (ch == NULL)
			continue;
		__atomic_store_n(&f->chunks[i], NULL, __ATOMIC_RELEASE);
		chunk_drop_cache_ref(c, ch);
	}
}

static void
file_retire(struct cache *c, struct cache_file *f)
{
	struct cache_file **pp;

	if (f->retired)
		return;
	for (pp = &c->table[file_bucket(f->dev, f->ino)]; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == f) {
			*pp = f->next;
			break;
		}
	}
	f->retired = true;
	f->next = c->retired;
	c->retired = f;
	cache_file_put(f);	/* the table's reference */
}

static void
file_mark_stale(struct cache *c, struct cache_file *f)
{
	if (f->stale)
		return;
	f->stale = true;
	stat_add(&c->stale, 1);
	file_retire(c, f);
	/* Workers now miss, ask, and are told CACHE_ERR_STALE. */
	file_unpublish_all(c, f);
}

/* fstat of the open fd: false (and stale) if the file changed under the version. */
static bool
file_check(struct cache *c, struct cache_file *f)
{
	struct stat st;

	if (f->stale)
		return false;
	if (fstat(f->fd, &st) == 0 && !file_changed(f, &st))
		return true;
	file_mark_stale(c, f);
	return false;
}

static void
file_free(struct cache *c, struct cache_file *f)
{
	file_unpublish_all(c, f);
	if (f->fd >= 0)
		close(f->fd);
	free(f->chunks);
	free(f->pending);
	free(f);
}

static struct cache_file *
file_new(struct cache *c, int fd, const struct stat *st, const char *path)
{
	struct cache_file *f = calloc(1, sizeof(*f));
	uint64_t n = ((uint64_t)st->st_size + c->cfg.chunk_size - 1) / c->cfg.chunk_size;

	if (f == NULL || n > UINT32_MAX)
		goto fail;
	f->size = (uint64_t)st->st_size;
	f->chunk_size = c->cfg.chunk_size;
	f->n_chunks = (uint32_t)n;
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->fd = fd;
	f->dev = st->st_dev;
	f->ino = st->st_ino;
	f->mtime_ns = stat_mtime_ns(st);
	f->cache = c;
	f->chunks = calloc(n ? n : 1, sizeof(*f->chunks));
	f->pending = calloc(n ? n : 1, sizeof(*f->pending));
	if (f->chunks == NULL || f->pending == NULL)
		goto fail;
	return f;
fail:
	if (f != NULL) {
		free(f->chunks);
		free(f->pending);
		free(f);
	}
	return NULL;
}

static void
feeder_open(struct feeder *fd, const struct cache_open_req *req)
{
	struct cache *c = fd->cache;
	struct cache_file *f, **head;
	enum cache_err err;
	char path[sizeof(req->path)];
	struct stat st;
	int filefd = -1;

	err = feeder_resolve(fd->rootfd, req->path, fd->case_insensitive, fd->use_openat2,
			     &filefd, path, sizeof(path));
	if (err == CACHE_ERR_IO && errno == ENOSYS && fd->use_openat2) {
		fd->use_openat2 = false;
		err = feeder_resolve(fd->rootfd, req->path, fd->case_insensitive, false,
				     &filefd, path, sizeof(path));
	}
	if (err == CACHE_OK && fstat(filefd, &st) != 0)
		err = CACHE_ERR_IO;
	if (err != CACHE_OK)
		goto fail;

	head = &c->table[file_bucket(st.st_dev, st.st_ino)];
	for (f = *head; f != NULL; f = f->next) {
		if (f->dev != st.st_dev || f->ino != st.st_ino)
			continue;
		if (!file_changed(f, &st) && file_check(c, f)) {
			close(filefd);
			cache_file_get(f);
			f->last_open_ns = now_ns();
			stat_add(&c->opens, 1);
			feeder_answer(fd, req->worker, CACHE_DONE_OPEN, req->token, CACHE_OK, f, 0);
			return;
		}
		/* Rewritten in place: the old version's transfers must fail. */
		file_mark_stale(c, f);
		break;
	}

	f = file_new(c, filefd, &st, path);
	if (f == NULL) {
		err = CACHE_ERR_NOMEM;
		goto fail;
	}
	f->refcnt = 2;		/* the table's and the worker's */
	f->last_open_ns = now_ns();
	f->next = *head;
	*head = f;
	stat_add(&c->opens, 1);
	feeder_answer(fd, req->worker, CACHE_DONE_OPEN, req->token, CACHE_OK, f, 0);
	return;
fail:
	if (filefd >= 0)
		close(filefd);
	stat_add(&c->open_errors, 1);
	feeder_answer(fd, req->worker, CACHE_DONE_OPEN, req->token, err, NULL, 0);
}

/* ---- reads ---- */

static void
op_complete(struct feeder *fd, struct feeder_op *op, enum cache_err err)
{
	struct cache *c = fd->cache;
	struct cache_file *f = op->file;
	struct cache_chunk *ch = op->chunk;
	uint32_t i;

	f->pending[op->idx] = NULL;
	if (ch != NULL) {
		stat_add(&c->reads, 1);
		/* The bytes are only good if the file did not change while we read. */
		if (err == CACHE_OK && !file_check(c, f))
			err = CACHE_ERR_STALE;
		if (err == CACHE_OK) {
			ch->len = op->len;
			__atomic_store_n(&ch->file, f, __ATOMIC_RELAXED);
			__atomic_store_n(&ch->index, op->idx, __ATOMIC_RELAXED);
			__atomic_store_n(&ch->last_use, rte_get_tsc_cycles(), __ATOMIC_RELAXED);
			ch->state = CHUNK_CACHED;
			__atomic_store_n(&ch->shinfo.refcnt, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&f->chunks[op->idx], ch, __ATOMIC_RELEASE);
		} else {
			chunk_free(c, ch);
		}
	}
	for (i = 0; i < op->n_waiters; i++)
		feeder_answer(fd, op->waiters[i].worker, CACHE_DONE_CHUNK,
			      op->waiters[i].token, err, f, op->idx);
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
			feeder_answer(fd, worker, CACHE_DONE_CHUNK, token, CACHE_OK, f, idx);
		return;
	}
	op = f->pending[idx];
	if (op != NULL) {
		/* Coalesce: one read, one more answer. */
		if (demand && !op_add_waiter(op, worker, token))
			feeder_answer(fd, worker, CACHE_DONE_CHUNK, token, CACHE_ERR_NOMEM, f, idx);
		return;
	}
	/* Read-ahead never waits for a chunk nor jumps ahead of a starved demand. */
	if (fd->starved.head == NULL)
		ch = chunk_take(c);
	if (ch == NULL && !demand)
		return;
	op = calloc(1, sizeof(*op));
	if (op == NULL || (demand && !op_add_waiter(op, worker, token))) {
		if (ch != NULL)
			chunk_free(c, ch);
		free(op);
		if (demand)
			feeder_answer(fd, worker, CACHE_DONE_CHUNK, token, CACHE_ERR_NOMEM, f, idx);
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
		op->deadline_ns = now_ns() + CACHE_STARVE_NS;
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

	if (req->idx >= f->n_chunks || f->stale || (demand && !file_check(c, f))) {
		if (demand)
			feeder_answer(fd, req->worker, CACHE_DONE_CHUNK, req->token,
				      f->stale ? CACHE_ERR_STALE : CACHE_ERR_IO, f, req->idx);
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
		struct cache_chunk *ch = chunk_take(fd->cache);

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
	now = now_ns();
	for (pp = &fd->starved.head; (op = *pp) != NULL;) {
		if (op->deadline_ns > now) {
			pp = &op->next;
			continue;
		}
		*pp = op->next;
		op_complete(fd, op, CACHE_ERR_BUSY);
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
			op_complete(fd, op, CACHE_ERR_IO);
		} else if (res == 0) {
			/* EOF before the end of the version: it shrank. */
			op_complete(fd, op, file_check(fd->cache, op->file) ?
				    CACHE_ERR_IO : CACHE_ERR_STALE);
		} else {
			stat_add(&fd->cache->read_bytes, (uint64_t)res);
			op->done += (uint32_t)res;
			if (op->done < op->len)
				q_push_front(&fd->ready, op);	/* short read: the rest */
			else
				op_complete(fd, op, CACHE_OK);
		}
	}
	return n;
}

/* ---- housekeeping ---- */

static unsigned
feeder_returns(struct feeder *fd)
{
	struct cache *c = fd->cache;
	struct cache_chunk *ch;
	unsigned n = 0;

	/* Only a refcount bug brings chunks here; take them back rather than leak. */
	while (rte_ring_sc_dequeue_elem(c->ret_ring, &ch, sizeof(ch)) == 0) {
		stat_add(&c->underflows, 1);
		if (ch->state == CHUNK_CACHED)
			chunk_unpublish(ch);
		else if (ch->state == CHUNK_DRAINING)
			c->n_draining--;
		else
			continue;
		chunk_free(c, ch);
		n++;
	}
	return n;
}

static void
feeder_maintain(struct feeder *fd, uint64_t now)
{
	struct cache *c = fd->cache;
	struct cache_file **pp, *f;
	uint32_t i;

	for (i = 0; i < c->n_chunks && c->n_draining > 0; i++) {
		struct cache_chunk *ch = &c->chunks[i];
		uint16_t one = 1;

		if (ch->state == CHUNK_DRAINING &&
		    __atomic_compare_exchange_n(&ch->shinfo.refcnt, &one, 0, false,
						__ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			c->n_draining--;
			chunk_free(c, ch);
		}
	}

	if (now >= fd->next_idle_check_ns) {
		/* Versions nobody holds whose file is gone, changed or long unused: let them go. */
		fd->next_idle_check_ns = now + FEEDER_IDLE_CHECK_NS;
		for (i = 0; i < CACHE_FILE_BUCKETS; i++) {
			for (f = c->table[i]; f != NULL;) {
				struct cache_file *next = f->next;
				struct stat st;

				if (__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) == 1 &&
				    (now - f->last_open_ns > FEEDER_IDLE_RETIRE_NS ||
				     fstat(f->fd, &st) != 0 || st.st_nlink == 0 ||
				     file_changed(f, &st)))
					file_retire(c, f);
				f = next;
			}
		}
	}

	for (pp = &c->retired; (f = *pp) != NULL;) {
		if (__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) != 0) {
			pp = &f->next;
			continue;
		}
		*pp = f->next;
		file_free(c, f);
	}
}

static unsigned
feeder_pass(struct feeder *fd)
{
	struct cache *c = fd->cache;
	struct cache_open_req oreq[4];
	struct cache_read_req rreq[FEEDER_BURST];
	unsigned n, i, work = 0;
	uint64_t now;

	work += feeder_returns(fd);
	n = rte_ring_sc_dequeue_burst_elem(c->open_ring, oreq, sizeof(oreq[0]),
					   RTE_DIM(oreq), NULL);
	for (i = 0; i < n; i++)
		feeder_open(fd, &oreq[i]);
	work += n;
	n = rte_ring_sc_dequeue_burst_elem(c->read_ring, rreq, sizeof(rreq[0]),
					   RTE_DIM(rreq), NULL);
	for (i = 0; i < n; i++)
		feeder_read_req(fd, &rreq[i]);
	work += n;
	work += feeder_feed_starved(fd);
	work += feeder_submit(fd);
	work += feeder_reap(fd);
	work += feeder_flush_answers(fd);

	now = now_ns();
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
	deadline = now_ns() + CACHE_STARVE_NS;
	while (fd->in_flight > 0 && now_ns() < deadline) {
		struct __kernel_timespec ts = { .tv_nsec = 10000000 };
		struct io_uring_cqe *cqe;

		io_uring_wait_cqe_timeout(&fd->ring, &cqe, &ts);
		feeder_reap(fd);
	}
	while ((op = q_pop(&fd->ready)) != NULL)
		op_complete(fd, op, CACHE_ERR_BUSY);
	while ((op = q_pop(&fd->starved)) != NULL)
		op_complete(fd, op, CACHE_ERR_BUSY);
	feeder_flush_answers(fd);
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
		free(fd);
		return ret;
	}
	ret = io_uring_queue_init(c->cfg.queue_depth, &fd->ring, 0);
	if (ret < 0) {
		close(fd->rootfd);
		free(fd);
		return ret;
	}
	/* A control thread: off the worker lcores' CPUs, named for ps/top. */
	ret = rte_ctrl_thread_create(&fd->thread, "pxl-feeder", NULL, feeder_main, fd);
	if (ret != 0) {
		io_uring_queue_exit(&fd->ring);
		close(fd->rootfd);
		free(fd);
		return -ret;
	}
	c->feeder = fd;
	return 0;
}

void
feeder_stop(struct cache *c)
{
	struct feeder *fd = c->feeder;
	struct feeder_answer *a;

	if (fd == NULL)
		return;
	__atomic_store_n(&fd->stop, true, __ATOMIC_RELEASE);
	pthread_join(fd->thread, NULL);
	/* Answers nobody will take: drop their file references with them. */
	while ((a = fd->ovf_head) != NULL) {
		fd->ovf_head = a->next;
		if (a->d.kind == CACHE_DONE_OPEN && a->d.file != NULL)
			cache_file_put(a->d.file);
		free(a);
	}
	io_uring_queue_exit(&fd->ring);
	close(fd->rootfd);
	free(fd);
	c->feeder = NULL;
}

void
feeder_release_all(struct cache *c)
{
	struct cache_file *f;
	unsigned i;

	/* Shutdown: every version goes, whoever still points at it. */
	for (i = 0; i < CACHE_FILE_BUCKETS; i++) {
		while ((f = c->table[i]) != NULL) {
			c->table[i] = f->next;
			file_free(c, f);
		}
	}
	while ((f = c->retired) != NULL) {
		c->retired = f->next;
		file_free(c, f);
	}
}
