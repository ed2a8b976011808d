/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The chunk cache and its feeder against real files in a temporary root:
 * contents byte for byte, path resolution (case, symlinks, odd files),
 * versions, staleness, eviction, coalescing. Needs EAL (no hugepages):
 * exits 77 (meson SKIP) when EAL cannot start.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "dataplane/base/clock.h"
#include "dataplane/cache/cache.h"
#include "dataplane/cache/answer.h"
#include "dataplane/cache/layout.h"
#include "dataplane/cache/resolve.h"
#include "unit.h"
#include "unit_data.h"

#define CS (64u * 1024)		/* chunk size of most tests */
#define WAIT_NS (5ull * 1000 * 1000 * 1000)

static char root[256];		/* the served root, inside tmpdir */
static char tmpdir[200];	/* root's parent: "outside the root" */
static uint64_t next_token = 1;
static struct rte_mempool *mbuf_pool;

/* Writes rel under root (or an absolute path) with len bytes of buf. */
static bool
write_file(const char *rel, const uint8_t *buf, size_t len)
{
	char path[512];
	bool ok;
	FILE *fp;

	if (rel[0] == '/')
		snprintf(path, sizeof(path), "%s", rel);
	else
		snprintf(path, sizeof(path), "%s/%s", root, rel);
	fp = fopen(path, "wb");
	if (fp == NULL)
		return false;
	ok = len == 0 || fwrite(buf, 1, len, fp) == len;
	return fclose(fp) == 0 && ok;
}

static struct cache *
make_cache(uint64_t size, uint32_t chunk, uint32_t readahead, unsigned n_workers, bool ci)
{
	struct cfg_cache cfg = {
		.size = size, .chunk_size = chunk, .readahead = readahead, .queue_depth = 8,
	};
	struct cache *c = cache_create(&cfg, n_workers);

	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_FATAL(feeder_start(c, root, ci) == 0);
	return c;
}

/* Waits (bounded) for the answer carrying token on worker's ring. */
static bool
wait_done(struct cache *c, unsigned worker, uint64_t token, struct cache_done *ret)
{
	uint64_t deadline = clock_mono_ns() + WAIT_NS;
	struct cache_done d[16];

	while (clock_mono_ns() < deadline) {
		unsigned n = cache_poll(c, worker, d, RTE_DIM(d)), i;

		for (i = 0; i < n; i++) {
			if (d[i].token == token) {
				*ret = d[i];
				return true;
			}
		}
		usleep(100);
	}
	return false;
}

static uint64_t
token_new(void)
{
	return __atomic_fetch_add(&next_token, 1, __ATOMIC_RELAXED);
}

static enum cache_err
open_wait(struct cache *c, unsigned worker, const char *path, struct cache_file **ret)
{
	uint64_t token = token_new();
	struct cache_done d;
	enum cache_err err;

	*ret = NULL;
	err = cache_open_async(c, worker, token, path);
	if (err != CACHE_OK)
		return err;
	if (!wait_done(c, worker, token, &d))
		return CACHE_ERR__MAX;	/* timed out: no enum value means that */
	CU_ASSERT(d.kind == CACHE_DONE_OPEN);
	CU_ASSERT((d.err == CACHE_OK) == (d.file != NULL));
	*ret = d.file;
	return d.err;
}

/* Copies chunk idx into out (get, else request and wait); returns the answer's error. */
static enum cache_err
read_chunk(struct cache *c, unsigned worker, struct cache_file *f, uint32_t idx, uint8_t *out)
{
	unsigned attempt;

	for (attempt = 0; attempt < 50; attempt++) {
		struct cache_chunk *ch = cache_chunk_get(f, idx);
		struct cache_done d;
		uint64_t token;
		enum cache_err err;

		if (ch != NULL) {
			CU_ASSERT(ch->len == RTE_MIN((uint64_t)f->chunk_size,
						     f->size - (uint64_t)idx * f->chunk_size));
			memcpy(out, ch->data, ch->len);
			cache_chunk_put(ch);
			return CACHE_OK;
		}
		token = token_new();
		err = cache_chunk_request(c, worker, token, f, idx);
		if (err == CACHE_ERR_BUSY) {
			usleep(1000);
			continue;
		}
		if (err != CACHE_OK)
			return err;
		if (!wait_done(c, worker, token, &d))
			return CACHE_ERR__MAX;
		CU_ASSERT(d.kind == CACHE_DONE_CHUNK && d.chunk == idx && d.file == f);
		if (d.err != CACHE_OK)
			return d.err;
		/* Present now, unless evicted again before we looked: try again. */
	}
	return CACHE_ERR_BUSY;
}

/* Reads the whole version and compares it with want. */
static bool
read_all_equals(struct cache *c, unsigned worker, struct cache_file *f, const uint8_t *want,
		size_t len)
{
	uint8_t *buf = malloc(f->chunk_size);
	bool ok = f->size == len;
	uint32_t i;

	CU_ASSERT_FATAL(buf != NULL);
	for (i = 0; ok && i < f->n_chunks; i++) {
		size_t n = RTE_MIN((size_t)f->chunk_size, len - (size_t)i * f->chunk_size);

		ok = read_chunk(c, worker, f, i, buf) == CACHE_OK &&
		     memcmp(buf, want + (size_t)i * f->chunk_size, n) == 0;
	}
	free(buf);
	return ok;
}

/* ---- tests ---- */

static void
test_strerror(void)
{
	unsigned i, j;

	for (i = 0; i < CACHE_ERR__MAX; i++) {
		CU_ASSERT(strcmp(cache_strerror(i), "unknown cache error") != 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(cache_strerror(i), cache_strerror(j)) != 0);
	}
	CU_ASSERT_STRING_EQUAL(cache_strerror(CACHE_ERR__MAX), "unknown cache error");
	CU_ASSERT_STRING_EQUAL(cache_strerror((enum cache_err)-1), "unknown cache error");
}

/* A failed read names its errno; without one, the words alone. */
static void
test_done_strerror(void)
{
	struct cache_done d = { .kind = CACHE_DONE_CHUNK, .err = CACHE_ERR_IO, .sys_err = EIO };
	char buf[96];

	CU_ASSERT_STRING_EQUAL(cache_done_strerror(&d, buf, sizeof(buf)),
			       "read error: Input/output error");
	d.sys_err = 0;
	CU_ASSERT_STRING_EQUAL(cache_done_strerror(&d, buf, sizeof(buf)), "read error");
	d.err = CACHE_ERR_NOMEM;
	CU_ASSERT_STRING_EQUAL(cache_done_strerror(&d, buf, sizeof(buf)), "out of memory");
	/* Cut to the buffer, never past it. */
	d.err = CACHE_ERR_IO;
	d.sys_err = EIO;
	CU_ASSERT_STRING_EQUAL(cache_done_strerror(&d, buf, 12), "read error:");
}

static void
test_create_refuses(void)
{
	static const struct {
		const char *name;
		struct cfg_cache cfg;
		unsigned workers;
	} rows[] = {
		{ "chunk size 0", { 1 << 20, 0, 4, 8 }, 1 },
		{ "smaller than one chunk", { 1000, 4096, 4, 8 }, 1 },
		{ "no workers", { 1 << 20, 4096, 4, 8 }, 0 },
		{ "queue depth 0", { 1 << 20, 4096, 4, 0 }, 1 },
	};
	unsigned i;

	for (i = 0; i < RTE_DIM(rows); i++) {
		struct cache *c = cache_create(&rows[i].cfg, rows[i].workers);

		if (c != NULL)
			fprintf(stderr, "row '%s' accepted\n", rows[i].name);
		CU_ASSERT(c == NULL);
		cache_destroy(c);
	}
}

static void
test_sizes(void)
{
	static const struct {
		const char *name;
		size_t size;
	} rows[] = {
		{ "empty", 0 },
		{ "one byte", 1 },
		{ "chunk minus one", CS - 1 },
		{ "exactly one chunk", CS },
		{ "chunk plus one", CS + 1 },
		{ "about 5 MiB, odd tail", (5u << 20) + 3 },
	};
	struct cache *c = make_cache(8u << 20, CS, 2, 1, true);
	struct cache_stats st;
	unsigned i;

	for (i = 0; i < RTE_DIM(rows); i++) {
		uint8_t *data = malloc(rows[i].size + 1);
		struct cache_file *f;
		char name[64];
		bool ok;

		CU_ASSERT_FATAL(data != NULL);
		unit_fill_random(data, rows[i].size, i + 1);
		snprintf(name, sizeof(name), "size%u.bin", i);
		CU_ASSERT_FATAL(write_file(name, data, rows[i].size));
		CU_ASSERT_FATAL(open_wait(c, 0, name, &f) == CACHE_OK);
		CU_ASSERT(f->size == rows[i].size);
		CU_ASSERT(f->chunk_size == CS);
		CU_ASSERT(f->n_chunks == (rows[i].size + CS - 1) / CS);
		CU_ASSERT_STRING_EQUAL(f->path, name);
		ok = read_all_equals(c, 0, f, data, rows[i].size);
		if (!ok)
			fprintf(stderr, "row '%s': contents differ\n", rows[i].name);
		CU_ASSERT(ok);
		/* One past the end: nothing there, and the feeder says no. */
		CU_ASSERT(cache_chunk_get(f, f->n_chunks) == NULL);
		CU_ASSERT(read_chunk(c, 0, f, f->n_chunks, data) == CACHE_ERR_IO);
		cache_file_put(f);
		free(data);
	}
	cache_get_stats(c, &st);
	CU_ASSERT(st.opens == RTE_DIM(rows));
	CU_ASSERT(st.chunks_total == (8u << 20) / CS);
	CU_ASSERT(st.hits > 0 && st.misses > 0 && st.reads > 0);
	CU_ASSERT(st.read_bytes >= 5u << 20);
	CU_ASSERT(st.evictions == 0);
	cache_destroy(c);
}

/* Ranges of one chunk against the naive sum; returns the mismatches. */
static unsigned
chunk_sum_mismatches(const struct cache_chunk *ch, const uint8_t *want)
{
	static const uint32_t lens[] = { 0, 1, 2, 3, 63, 64, 65, 127, 128, 129, 512, 1456,
					 1457, 8192, 65464 };
	unsigned bad = 0, i, k;
	uint32_t off, len;

	for (off = 0; off < 3 * 64 + 1; off++)
		for (k = 0; k < RTE_DIM(lens); k++)
			if (off + lens[k] <= ch->len)
				bad += cache_chunk_sum(ch, off, lens[k]) % 0xffff !=
				       unit_csum_naive(want, off, lens[k]);
	for (off = ch->len > 200 ? ch->len - 200 : 0; off <= ch->len; off++)
		bad += cache_chunk_sum(ch, off, ch->len - off) % 0xffff !=
		       unit_csum_naive(want, off, ch->len - off);
	for (i = 0; i < 3000; i++) {
		off = (uint32_t)rand() % (ch->len + 1);
		len = (uint32_t)rand() % (ch->len - off + 1);
		bad += cache_chunk_sum(ch, off, len) % 0xffff != unit_csum_naive(want, off, len);
	}
	return bad;
}

/*
 * cache_chunk_sum against the naive sum at every alignment, through the
 * feeder: a 4-chunk cache serves a 6-chunk file with an odd tail twice, so
 * chunks are evicted and reused for other indices (their sums recomputed).
 */
static void
test_chunk_sum(void)
{
	size_t size = 5 * CS + 77;
	struct cache *c = make_cache(4 * CS, CS, 0, 1, true);
	uint8_t *data = malloc(size), *buf = malloc(CS);
	struct cache_file *f;
	unsigned pass, bad = 0;
	uint32_t i;

	CU_ASSERT_FATAL(data != NULL && buf != NULL);
	unit_fill_random(data, size, 77);
	CU_ASSERT_FATAL(write_file("sums.bin", data, size));
	CU_ASSERT_FATAL(open_wait(c, 0, "sums.bin", &f) == CACHE_OK);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < f->n_chunks; i++) {
			struct cache_chunk *ch;

			CU_ASSERT_FATAL(read_chunk(c, 0, f, i, buf) == CACHE_OK);
			ch = cache_chunk_get(f, i);	/* present: nothing else evicts */
			CU_ASSERT_FATAL(ch != NULL);
			bad += chunk_sum_mismatches(ch, data + (size_t)i * CS);
			cache_chunk_put(ch);
		}
	}
	CU_ASSERT_EQUAL(bad, 0);
	cache_file_put(f);
	cache_destroy(c);
	free(data);
	free(buf);
}

static void
test_attach(void)
{
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	uint8_t data[CS + 100];
	struct cache_chunk *ch;
	struct cache_file *f;
	struct rte_mbuf *m;
	uint8_t buf[CS];

	unit_fill_random(data, sizeof(data), 42);
	CU_ASSERT_FATAL(write_file("attach.bin", data, sizeof(data)));
	CU_ASSERT_FATAL(open_wait(c, 0, "attach.bin", &f) == CACHE_OK);
	CU_ASSERT_FATAL(read_chunk(c, 0, f, 1, buf) == CACHE_OK);
	ch = cache_chunk_get(f, 1);
	CU_ASSERT_FATAL(ch != NULL);
	CU_ASSERT(ch->len == 100);
	CU_ASSERT(rte_mbuf_ext_refcnt_read(&ch->shinfo) == 2);	/* cache + us */

	m = rte_pktmbuf_alloc(mbuf_pool);
	CU_ASSERT_FATAL(m != NULL);
	/* Hostile rows: past the end, and a range wrapping past it. */
	CU_ASSERT(cache_chunk_attach(ch, m, 101, 0) == -ERANGE);
	CU_ASSERT(cache_chunk_attach(ch, m, 50, 51) == -ERANGE);
	CU_ASSERT(cache_chunk_attach(ch, m, 10, 90) == 0);
	CU_ASSERT(RTE_MBUF_HAS_EXTBUF(m) != 0);
	CU_ASSERT(m->data_len == 90 && m->pkt_len == 90);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(m, uint8_t *), data + CS + 10, 90) == 0);
	CU_ASSERT(rte_mbuf_ext_refcnt_read(&ch->shinfo) == 3);
	cache_chunk_put(ch);
	CU_ASSERT(rte_mbuf_ext_refcnt_read(&ch->shinfo) == 2);	/* the mbuf keeps it */
	rte_pktmbuf_free(m);
	CU_ASSERT(rte_mbuf_ext_refcnt_read(&ch->shinfo) == 1);	/* only the cache's own */
	CU_ASSERT(cache_chunk_get(f, 1) == ch);
	cache_chunk_put(ch);
	cache_file_put(f);
	cache_destroy(c);
}

/* The tree every resolution row runs against. */
static bool
make_tree(void)
{
	char path[512], outside[512];
	uint8_t b = 'x';
	bool ok = true;

	snprintf(path, sizeof(path), "%s/Boot", root);
	ok &= mkdir(path, 0755) == 0;
	ok &= write_file("Boot/bcd", &b, 1);
	snprintf(path, sizeof(path), "%s/dup", root);
	ok &= mkdir(path, 0755) == 0;
	ok &= write_file("dup/ABC", &b, 1);
	ok &= write_file("dup/abc", &b, 1);
	snprintf(outside, sizeof(outside), "%s/outside.txt", tmpdir);
	ok &= write_file(outside, &b, 1);
	snprintf(path, sizeof(path), "%s/escape_abs", root);
	ok &= symlink(outside, path) == 0;
	snprintf(path, sizeof(path), "%s/escape_rel", root);
	ok &= symlink("../outside.txt", path) == 0;
	snprintf(path, sizeof(path), "%s/escape_dir", root);
	ok &= symlink("..", path) == 0;
	snprintf(path, sizeof(path), "%s/proc_root", root);
	ok &= symlink("/proc/self/root", path) == 0;
	snprintf(path, sizeof(path), "%s/inlink", root);
	ok &= symlink("Boot/bcd", path) == 0;
	snprintf(path, sizeof(path), "%s/fifo", root);
	ok &= mkfifo(path, 0644) == 0;
	return ok;
}

static void
test_resolve(void)
{
	/* want2: with openat2; want_nf: the O_NOFOLLOW fallback (no symlink at all). */
	static const struct {
		const char *name, *path;
		bool ci;
		enum cache_err want2, want_nf;
		const char *found;
	} rows[] = {
		{ "exact", "Boot/bcd", true, CACHE_OK, CACHE_OK, "Boot/bcd" },
		{ "other case", "boot/BCD", true, CACHE_OK, CACHE_OK, "Boot/bcd" },
		{ "other case, case-sensitive", "boot/BCD", false,
		  CACHE_ERR_NOT_FOUND, CACHE_ERR_NOT_FOUND, NULL },
		{ "two matches: byte order", "dup/Abc", true, CACHE_OK, CACHE_OK, "dup/ABC" },
		{ "two matches: exact wins", "dup/abc", true, CACHE_OK, CACHE_OK, "dup/abc" },
		{ "leading slashes", "//Boot//bcd", true, CACHE_OK, CACHE_OK, "Boot/bcd" },
		{ "symlink inside root", "inlink", true, CACHE_OK, CACHE_ERR_ACCESS, "inlink" },
		{ "symlink inside root, other case", "INLINK", true,
		  CACHE_OK, CACHE_ERR_ACCESS, "inlink" },
		{ "absolute symlink out", "escape_abs", true,
		  CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "relative symlink out", "escape_rel", true,
		  CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "symlink to parent dir", "escape_dir/outside.txt", true,
		  CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "magic link", "proc_root/etc/passwd", true,
		  CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "dot dot", "../outside.txt", true, CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "dot dot inside", "Boot/../Boot/bcd", true,
		  CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "a directory", "Boot", true, CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "a fifo", "fifo", true, CACHE_ERR_ACCESS, CACHE_ERR_ACCESS, NULL },
		{ "missing", "nothing.here", true,
		  CACHE_ERR_NOT_FOUND, CACHE_ERR_NOT_FOUND, NULL },
		{ "missing in a dir", "Boot/nothing", true,
		  CACHE_ERR_NOT_FOUND, CACHE_ERR_NOT_FOUND, NULL },
		{ "file used as dir", "Boot/bcd/x", true,
		  CACHE_ERR_NOT_FOUND, CACHE_ERR_NOT_FOUND, NULL },
		{ "empty", "", true, CACHE_ERR_NOT_FOUND, CACHE_ERR_NOT_FOUND, NULL },
	};
	int rootfd = open(root, O_RDONLY | O_DIRECTORY);
	unsigned i, mode;

	CU_ASSERT_FATAL(rootfd >= 0);
	for (mode = 0; mode < 2; mode++) {
		for (i = 0; i < RTE_DIM(rows); i++) {
			enum cache_err want = mode == 0 ? rows[i].want2 : rows[i].want_nf;
			char found[256];
			enum cache_err err;
			int fd = -1;

			err = feeder_resolve(rootfd, rows[i].path, rows[i].ci, mode == 0, &fd,
					     found, sizeof(found));
			if (err != want)
				fprintf(stderr, "row '%s' (%s): got %s, want %s\n", rows[i].name,
					mode == 0 ? "openat2" : "nofollow",
					cache_strerror(err), cache_strerror(want));
			CU_ASSERT(err == want);
			if (err == CACHE_OK) {
				struct stat st;

				CU_ASSERT(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
				if (rows[i].found != NULL && want == CACHE_OK)
					CU_ASSERT_STRING_EQUAL(found, rows[i].found);
				close(fd);
			}
		}
	}
	close(rootfd);
}

static void
test_open_errors(void)
{
	static const struct {
		const char *name, *path;
		enum cache_err want;
	} rows[] = {
		{ "case-insensitive hit", "boot/BCD", CACHE_OK },
		{ "symlink out of root", "escape_rel", CACHE_ERR_ACCESS },
		{ "directory", "Boot", CACHE_ERR_ACCESS },
		{ "missing", "no/such/file", CACHE_ERR_NOT_FOUND },
	};
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	struct cache_stats st;
	char long_path[300];
	unsigned i, errors = 0;

	for (i = 0; i < RTE_DIM(rows); i++) {
		struct cache_file *f;
		enum cache_err err = open_wait(c, 0, rows[i].path, &f);

		if (err != rows[i].want)
			fprintf(stderr, "row '%s': got %s\n", rows[i].name, cache_strerror(err));
		CU_ASSERT(err == rows[i].want);
		if (f != NULL) {
			CU_ASSERT_STRING_EQUAL(f->path, "Boot/bcd");
			cache_file_put(f);
		} else {
			errors++;
		}
	}
	/* Refused before the ring: too long for a request, or empty. */
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[sizeof(long_path) - 1] = '\0';
	CU_ASSERT(cache_open_async(c, 0, 1, long_path) == CACHE_ERR_ACCESS);
	CU_ASSERT(cache_open_async(c, 0, 1, "") == CACHE_ERR_ACCESS);
	CU_ASSERT(cache_open_async(c, 1, 1, "Boot/bcd") == CACHE_ERR_ACCESS);	/* no worker 1 */
	cache_get_stats(c, &st);
	CU_ASSERT(st.open_errors == errors);
	cache_destroy(c);
}

static void
test_versions(void)
{
	size_t len = 3 * CS + 7;
	uint8_t *a = malloc(len), *b = malloc(len), buf[CS];
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	struct cache_file *f1, *f2, *f3;
	char p1[512], p2[512];

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	unit_fill_random(a, len, 7);
	unit_fill_random(b, len, 8);
	CU_ASSERT_FATAL(write_file("ver.bin", a, len));

	/* Two opens, two spellings: one version. */
	CU_ASSERT_FATAL(open_wait(c, 0, "ver.bin", &f1) == CACHE_OK);
	CU_ASSERT_FATAL(open_wait(c, 0, "VER.BIN", &f2) == CACHE_OK);
	CU_ASSERT(f1 == f2);
	cache_file_put(f2);
	CU_ASSERT(read_chunk(c, 0, f1, 0, buf) == CACHE_OK);
	CU_ASSERT(memcmp(buf, a, CS) == 0);

	/* Replaced by rename (new inode) while f1 is held. */
	CU_ASSERT_FATAL(write_file("ver.tmp", b, len));
	snprintf(p1, sizeof(p1), "%s/ver.tmp", root);
	snprintf(p2, sizeof(p2), "%s/ver.bin", root);
	CU_ASSERT_FATAL(rename(p1, p2) == 0);
	CU_ASSERT_FATAL(open_wait(c, 0, "ver.bin", &f3) == CACHE_OK);
	CU_ASSERT(f3 != f1);
	CU_ASSERT(read_all_equals(c, 0, f3, b, len));
	/* The old version still reads the old bytes, also chunks never read before. */
	CU_ASSERT(read_all_equals(c, 0, f1, a, len));
	cache_file_put(f1);
	cache_file_put(f3);
	free(a);
	free(b);
	cache_destroy(c);
}

static void
test_stale(void)
{
	size_t len = 3 * CS;
	uint8_t *a = malloc(len), *b = malloc(len), buf[CS];
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	struct cache_file *f, *f2;
	struct cache_stats st;
	struct timespec ts[2];
	char path[512];
	int fd;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	unit_fill_random(a, len, 9);
	memcpy(b, a, len);
	memset(b + CS, 0xee, CS);
	CU_ASSERT_FATAL(write_file("inplace.bin", a, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "inplace.bin", &f) == CACHE_OK);
	CU_ASSERT(read_chunk(c, 0, f, 0, buf) == CACHE_OK);

	/* Same inode, new bytes; a later mtime, as any writer would leave. */
	snprintf(path, sizeof(path), "%s/inplace.bin", root);
	fd = open(path, O_WRONLY);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(pwrite(fd, b + CS, CS, CS) == (ssize_t)CS);
	ts[0].tv_sec = 0;
	ts[0].tv_nsec = UTIME_OMIT;
	ts[1].tv_sec = time(NULL) + 10;
	ts[1].tv_nsec = 0;
	CU_ASSERT(futimens(fd, ts) == 0);
	close(fd);

	CU_ASSERT(read_chunk(c, 0, f, 1, buf) == CACHE_ERR_STALE);
	/* What was cached is withdrawn too: the transfer cannot mix versions. */
	CU_ASSERT(cache_chunk_get(f, 0) == NULL);
	CU_ASSERT(read_chunk(c, 0, f, 0, buf) == CACHE_ERR_STALE);
	CU_ASSERT_FATAL(open_wait(c, 0, "inplace.bin", &f2) == CACHE_OK);
	CU_ASSERT(f2 != f);
	CU_ASSERT(read_all_equals(c, 0, f2, b, len));
	cache_get_stats(c, &st);
	CU_ASSERT(st.stale == 1);
	cache_file_put(f);
	cache_file_put(f2);
	free(a);
	free(b);
	cache_destroy(c);
}

static void
test_eviction(void)
{
	size_t len = 40 * CS + 1234;
	uint8_t *a = malloc(len);
	struct cache *c = make_cache(4 * CS, CS, 2, 1, true);
	struct cache_file *f;
	struct cache_stats st;

	CU_ASSERT_FATAL(a != NULL);
	unit_fill_random(a, len, 11);
	CU_ASSERT_FATAL(write_file("stream.bin", a, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "stream.bin", &f) == CACHE_OK);
	CU_ASSERT(read_all_equals(c, 0, f, a, len));
	/* Twice: the second pass finds the first one's leftovers evicted or reused. */
	CU_ASSERT(read_all_equals(c, 0, f, a, len));
	cache_get_stats(c, &st);
	CU_ASSERT(st.evictions >= 2 * 41 - 4 - 4);
	CU_ASSERT(st.chunks_total == 4);
	CU_ASSERT(st.chunks_used <= 4);
	/* read_all_equals put back every chunk it got: none is held. */
	CU_ASSERT(st.chunks_held == 0);
	cache_file_put(f);
	free(a);
	cache_destroy(c);
}

static void
test_pool_exhausted(void)
{
	size_t len = 8 * CS;
	uint8_t *a = malloc(len), buf[CS];
	struct cache *c = make_cache(2 * CS, CS, 0, 1, true);
	struct cache_chunk *held[2];
	struct cache_file *f;
	struct cache_done d;
	uint64_t token, t0;

	CU_ASSERT_FATAL(a != NULL);
	unit_fill_random(a, len, 12);
	CU_ASSERT_FATAL(write_file("held.bin", a, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "held.bin", &f) == CACHE_OK);
	CU_ASSERT(read_chunk(c, 0, f, 0, buf) == CACHE_OK);
	CU_ASSERT(read_chunk(c, 0, f, 1, buf) == CACHE_OK);
	held[0] = cache_chunk_get(f, 0);
	held[1] = cache_chunk_get(f, 1);
	CU_ASSERT_FATAL(held[0] != NULL && held[1] != NULL);

	/* Nothing evictable: the request waits, then gives up with BUSY (~2 s). */
	token = token_new();
	t0 = clock_mono_ns();
	CU_ASSERT(cache_chunk_request(c, 0, token, f, 5) == CACHE_OK);
	CU_ASSERT_FATAL(wait_done(c, 0, token, &d));
	CU_ASSERT(d.err == CACHE_ERR_BUSY);
	CU_ASSERT(clock_mono_ns() - t0 >= CACHE_STARVE_NS / 2);

	/* Waits while held; served as soon as one chunk is let go. */
	token = token_new();
	CU_ASSERT(cache_chunk_request(c, 0, token, f, 6) == CACHE_OK);
	usleep(200 * 1000);
	CU_ASSERT(cache_poll(c, 0, &d, 1) == 0);
	cache_chunk_put(held[0]);
	CU_ASSERT_FATAL(wait_done(c, 0, token, &d));
	CU_ASSERT(d.err == CACHE_OK);
	CU_ASSERT(read_chunk(c, 0, f, 6, buf) == CACHE_OK);
	CU_ASSERT(memcmp(buf, a + 6 * CS, CS) == 0);
	/* The held chunk was never reused under us. */
	CU_ASSERT(held[1]->file == f && held[1]->index == 1);
	CU_ASSERT(memcmp(held[1]->data, a + CS, CS) == 0);
	cache_chunk_put(held[1]);
	cache_file_put(f);
	free(a);
	cache_destroy(c);
}

/* Answer i of the FIFO test: OPENs carry fake_file (and so a reference), CHUNKs do not. */
static void
fifo_answer(struct feeder_answers *q, struct cache_file *fake_file, uint64_t token)
{
	if (token % 2)
		feeder_answer(q, 0, CACHE_DONE_OPEN, token, CACHE_OK, 0, fake_file, 0);
	else
		feeder_answer(q, 0, CACHE_DONE_CHUNK, token, CACHE_OK, 0, fake_file, 7);
}

/* Takes up to n answers off ring; each must be the next token. */
static unsigned
fifo_take(struct rte_ring *ring, unsigned n, uint64_t *next)
{
	struct cache_done d[8];
	unsigned got, i;

	got = rte_ring_sc_dequeue_burst_elem(ring, d, sizeof(d[0]), RTE_MIN(n, RTE_DIM(d)), NULL);
	for (i = 0; i < got; i++)
		CU_ASSERT(d[i].token == (*next)++);
	return got;
}

static void
test_answer_fifo(void)
{
	struct rte_ring *ring = rte_ring_create_elem("test_cache_ans", sizeof(struct cache_done), 4,
						     SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	struct cache_file fake = { .refcnt = 100 };
	struct feeder_answers q;
	uint64_t token, next = 1;
	unsigned n = 0;

	CU_ASSERT_FATAL(ring != NULL);
	CU_ASSERT_FATAL(rte_ring_get_capacity(ring) == 3);
	CU_ASSERT_FATAL(feeder_answers_init(&q, &ring, 8) == 0);
	CU_ASSERT(feeder_answers_room(&q) == 8);

	/* Eight promised, no room for more; made: three fit the ring, five wait. */
	feeder_answers_promise(&q, 8);
	CU_ASSERT(feeder_answers_room(&q) == 0);
	for (token = 1; token <= 8; token++)
		fifo_answer(&q, &fake, token);
	CU_ASSERT(rte_ring_count(ring) == 3);
	CU_ASSERT(q.len == 5 && feeder_answers_room(&q) == 3);
	CU_ASSERT(feeder_answers_flush(&q) == 0);	/* ring still full */

	/* The worker takes two: two move up, and their slots are free again. */
	CU_ASSERT(fifo_take(ring, 2, &next) == 2);
	CU_ASSERT(feeder_answers_flush(&q) == 2);
	CU_ASSERT(q.len == 3 && feeder_answers_room(&q) == 5);

	/* The ring has room, but a new answer still goes behind the waiting ones. */
	CU_ASSERT(fifo_take(ring, 1, &next) == 1);
	feeder_answers_promise(&q, 1);
	fifo_answer(&q, &fake, 9);
	CU_ASSERT(q.len == 4 && rte_ring_count(ring) == 2 && feeder_answers_room(&q) == 4);

	/* All of them, in order, across the end of the slot array; nothing lost. */
	while (next <= 9 && n++ < 100) {
		feeder_answers_flush(&q);
		fifo_take(ring, 3, &next);
	}
	CU_ASSERT(next == 10);
	CU_ASSERT(q.len == 0 && feeder_answers_room(&q) == 8);
	CU_ASSERT(fake.refcnt == 100);	/* delivered OPENs keep their reference */

	/* Undelivered at the end (13-15): fini drops the OPENs' references (13, 15), not the CHUNKs'. */
	feeder_answers_promise(&q, 6);
	for (token = 10; token < 16; token++)
		fifo_answer(&q, &fake, token);
	CU_ASSERT(q.len == 3);
	feeder_answers_fini(&q);
	CU_ASSERT(fake.refcnt == 98);
	next = 10;
	CU_ASSERT(fifo_take(ring, 3, &next) == 3);
	rte_ring_free(ring);
}

/*
 * Through the feeder: a worker that asks without polling fills its done
 * ring, then the feeder's answer FIFO; then the feeder takes no more
 * requests (the request ring fills, the worker sees BUSY) instead of
 * allocating. Once the worker polls, every answer arrives, in order.
 */
static void
test_answer_overflow(void)
{
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	unsigned ring_cap = rte_ring_get_capacity(c->done_rings[0]);
	uint32_t n = 3 * ring_cap + 500, sent = 0, got = 0, at_stall = 0, wrong = 0;
	uint64_t base, stall_ns = 0, deadline = clock_mono_ns() + 4 * WAIT_NS;
	uint8_t b = 'o', buf[CS];
	struct cache_file *f;
	uint32_t refs, i;

	CU_ASSERT_FATAL(write_file("overflow.bin", &b, 1));
	CU_ASSERT_FATAL(open_wait(c, 0, "overflow.bin", &f) == CACHE_OK);
	CU_ASSERT_FATAL(read_chunk(c, 0, f, 0, buf) == CACHE_OK);	/* present: answered at once */
	base = __atomic_fetch_add(&next_token, n, __ATOMIC_RELAXED);
	while (got < n && clock_mono_ns() < deadline) {
		struct cache_done d[64];
		unsigned k;

		if (sent < n && cache_chunk_request(c, 0, base + sent, f, 0) == CACHE_OK) {
			sent++;
			stall_ns = 0;
			continue;
		}
		if (at_stall == 0 && sent < n) {
			/* BUSY: the feeder is behind, or it stopped taking requests. */
			if (stall_ns == 0)
				stall_ns = clock_mono_ns();
			if (clock_mono_ns() - stall_ns < 500ull * 1000 * 1000) {
				usleep(100);
				continue;
			}
			at_stall = sent;
			CU_ASSERT(rte_ring_full(c->done_rings[0]));
			CU_ASSERT(rte_ring_full(c->read_ring));
		}
		k = cache_poll(c, 0, d, RTE_DIM(d));
		for (i = 0; i < k; i++)
			wrong += !(d[i].kind == CACHE_DONE_CHUNK && d[i].err == CACHE_OK &&
				   d[i].token == base + got + i && d[i].file == f && d[i].chunk == 0);
		got += k;
	}
	CU_ASSERT(got == n);
	CU_ASSERT(wrong == 0);
	/* More than the done ring and the request ring hold: the rest waited in the FIFO. */
	CU_ASSERT(at_stall > 2 * ring_cap && at_stall < n);

	/* OPENs still waiting when the feeder stops give their references back. */
	for (i = 0; i < ring_cap + 2; i++)
		while (cache_chunk_request(c, 0, token_new(), f, 0) != CACHE_OK)
			usleep(100);
	while (rte_ring_count(c->read_ring) > 0)
		usleep(1000);
	refs = __atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE);
	for (i = 0; i < 5; i++)
		CU_ASSERT(cache_open_async(c, 0, token_new(), "overflow.bin") == CACHE_OK);
	deadline = clock_mono_ns() + WAIT_NS;
	while (__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) != refs + 5 && clock_mono_ns() < deadline)
		usleep(1000);
	CU_ASSERT(__atomic_load_n(&f->refcnt, __ATOMIC_ACQUIRE) == refs + 5);
	feeder_stop(c);
	CU_ASSERT(f->refcnt == refs);
	cache_file_put(f);
	cache_destroy(c);
}

static void
test_coalesce_same_pass(void)
{
	size_t len = 8 * CS;
	uint8_t *a = malloc(len);
	struct cache *c = make_cache(1u << 20, CS, 0, 2, true);
	struct cache_stats before, after;
	struct cache_done d0, d1;
	struct cache_file *f;
	uint64_t t0 = token_new(), t1 = token_new();

	CU_ASSERT_FATAL(a != NULL);
	unit_fill_random(a, len, 13);
	CU_ASSERT_FATAL(write_file("coalesce.bin", a, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "coalesce.bin", &f) == CACHE_OK);
	cache_get_stats(c, &before);
	/* Both in the ring before the feeder looks: one read, two answers. */
	CU_ASSERT(cache_chunk_request(c, 0, t0, f, 5) == CACHE_OK);
	CU_ASSERT(cache_chunk_request(c, 1, t1, f, 5) == CACHE_OK);
	CU_ASSERT_FATAL(wait_done(c, 0, t0, &d0));
	CU_ASSERT_FATAL(wait_done(c, 1, t1, &d1));
	CU_ASSERT(d0.err == CACHE_OK && d1.err == CACHE_OK);
	cache_get_stats(c, &after);
	CU_ASSERT(after.reads - before.reads == 1);
	cache_file_put(f);
	free(a);
	cache_destroy(c);
}

struct reader_arg {
	struct cache *c;
	struct cache_file *f;
	const uint8_t *want;
	size_t len;
	unsigned worker;
	bool ok;
	unsigned requests;
};

/* Thread body: no CUnit calls here (not thread-safe); results in r. */
static void *
reader(void *arg)
{
	struct reader_arg *r = arg;
	uint32_t i;

	r->ok = true;
	for (i = 0; r->ok && i < r->f->n_chunks; i++) {
		size_t n = RTE_MIN((size_t)CS, r->len - (size_t)i * CS);
		struct cache_chunk *ch = NULL;
		unsigned attempt;

		/* Always ask, even if present: the point is many requests. */
		for (attempt = 0; ch == NULL && attempt < 100; attempt++) {
			uint64_t token = token_new();
			struct cache_done d;

			if (cache_chunk_request(r->c, r->worker, token, r->f, i) != CACHE_OK) {
				usleep(1000);
				continue;
			}
			r->requests++;
			if (!wait_done(r->c, r->worker, token, &d) || d.err != CACHE_OK)
				break;
			/* Under a small cache it may be evicted again before we look. */
			ch = cache_chunk_get(r->f, i);
		}
		if (ch == NULL) {
			r->ok = false;
			break;
		}
		r->ok = ch->len == n && ch->file == r->f && ch->index == i &&
			memcmp(ch->data, r->want + (size_t)i * CS, n) == 0;
		cache_chunk_put(ch);
	}
	return NULL;
}

static void
test_coalesce_threads(void)
{
	size_t len = (5u << 20) + 99;
	uint8_t *a = malloc(len);
	struct cache *c = make_cache(8u << 20, CS, 4, 2, true);
	struct reader_arg r[2];
	pthread_t th[2];
	struct cache_file *f;
	struct cache_stats st;
	unsigned i;

	CU_ASSERT_FATAL(a != NULL);
	unit_fill_random(a, len, 14);
	CU_ASSERT_FATAL(write_file("shared.bin", a, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "shared.bin", &f) == CACHE_OK);
	for (i = 0; i < 2; i++) {
		r[i] = (struct reader_arg){ .c = c, .f = f, .want = a, .len = len, .worker = i };
		CU_ASSERT_FATAL(pthread_create(&th[i], NULL, reader, &r[i]) == 0);
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT(r[i].ok);
		CU_ASSERT(r[i].requests >= f->n_chunks);
	}
	cache_get_stats(c, &st);
	CU_ASSERT(st.reads == f->n_chunks);	/* each chunk read once, whoever asked */
	CU_ASSERT(st.reads < r[0].requests + r[1].requests);
	cache_file_put(f);
	free(a);
	cache_destroy(c);
}

static void
test_streams_small_cache(void)
{
	size_t len = 30 * CS + 17;
	uint8_t *a = malloc(len), *b = malloc(len);
	struct cache *c = make_cache(6 * CS, CS, 2, 3, true);
	struct cache_file *fa, *fb;
	struct reader_arg r[3];
	struct cache_stats st;
	pthread_t th[3];
	unsigned i;

	CU_ASSERT_FATAL(a != NULL && b != NULL);
	unit_fill_random(a, len, 21);
	unit_fill_random(b, len, 22);
	CU_ASSERT_FATAL(write_file("streamA.bin", a, len));
	CU_ASSERT_FATAL(write_file("streamB.bin", b, len));
	CU_ASSERT_FATAL(open_wait(c, 0, "streamA.bin", &fa) == CACHE_OK);
	CU_ASSERT_FATAL(open_wait(c, 0, "streamB.bin", &fb) == CACHE_OK);
	/* Two readers of A, one of B, all evicting each other's chunks. */
	r[0] = (struct reader_arg){ .c = c, .f = fa, .want = a, .len = len, .worker = 0 };
	r[1] = (struct reader_arg){ .c = c, .f = fa, .want = a, .len = len, .worker = 1 };
	r[2] = (struct reader_arg){ .c = c, .f = fb, .want = b, .len = len, .worker = 2 };
	for (i = 0; i < 3; i++)
		CU_ASSERT_FATAL(pthread_create(&th[i], NULL, reader, &r[i]) == 0);
	for (i = 0; i < 3; i++) {
		pthread_join(th[i], NULL);
		if (!r[i].ok)
			fprintf(stderr, "reader %u failed\n", i);
		CU_ASSERT(r[i].ok);
	}
	cache_get_stats(c, &st);
	CU_ASSERT(st.evictions > 0);
	CU_ASSERT(st.chunks_used <= 6);
	cache_file_put(fa);
	cache_file_put(fb);
	free(a);
	free(b);
	cache_destroy(c);
}

/* utime + stime of thread tid, in clock ticks. */
static unsigned long
thread_ticks(const char *tid)
{
	char path[300], line[1024], *p;
	unsigned long ut = 0, stt = 0;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid);
	fp = fopen(path, "r");
	if (fp == NULL)
		return ULONG_MAX;
	p = fgets(line, sizeof(line), fp);
	fclose(fp);
	if (p == NULL || (p = strrchr(line, ')')) == NULL)
		return ULONG_MAX;
	/* After "comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &stt) != 2)
		return ULONG_MAX;
	return ut + stt;
}

static void
test_thread_idle(void)
{
	struct cache *c = make_cache(1u << 20, CS, 0, 1, true);
	char tid[256] = "";
	unsigned long t0, t1;
	struct dirent *de;
	long hz = sysconf(_SC_CLK_TCK);
	DIR *d = opendir("/proc/self/task");

	CU_ASSERT_FATAL(d != NULL);
	while ((de = readdir(d)) != NULL && tid[0] == '\0') {
		char path[300], comm[32] = "";
		FILE *fp;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		fp = fopen(path, "r");
		if (fp == NULL)
			continue;
		if (fgets(comm, sizeof(comm), fp) != NULL && strcmp(comm, "pxl-feeder\n") == 0)
			snprintf(tid, sizeof(tid), "%s", de->d_name);
		fclose(fp);
	}
	closedir(d);
	CU_ASSERT_FATAL(tid[0] != '\0');

	/* Idle for 1 s: a spinning feeder would burn ~hz ticks; allow a quarter. */
	t0 = thread_ticks(tid);
	usleep(1000 * 1000);
	t1 = thread_ticks(tid);
	CU_ASSERT(t0 != ULONG_MAX && t1 != ULONG_MAX);
	if (t1 - t0 >= (unsigned long)hz / 4)
		fprintf(stderr, "idle feeder used %lu ticks in 1 s\n", t1 - t0);
	CU_ASSERT(t1 - t0 < (unsigned long)hz / 4);

	/* A second feeder on the same cache is refused; stop is idempotent, start again works. */
	CU_ASSERT(feeder_start(c, root, true) == -EBUSY);
	feeder_stop(c);
	feeder_stop(c);
	CU_ASSERT(feeder_start(c, "/nonexistent-pxeline-root", true) == -ENOENT);
	CU_ASSERT(feeder_start(c, root, true) == 0);
	cache_destroy(c);
}

/* ---- main ---- */

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int
main(void)
{
	char prefix[64];
	/* --no-huge implies legacy memory, which --in-memory refuses: no shared config instead. */
	char *eal_argv[] = {
		"test_cache", "--no-huge", "--no-pci", "-l", "0", "--no-shconf", prefix,
		"--no-telemetry", "--log-level=error", "-m", "256", NULL,
	};
	static const struct unit_test tests[] = {
		{ "strerror table", test_strerror },
		{ "a read error names its errno", test_done_strerror },
		{ "create refuses bad configs", test_create_refuses },
		{ "file sizes around the chunk size", test_sizes },
		{ "attach a chunk to an mbuf", test_attach },
		{ "checksum sums of chunk ranges", test_chunk_sum },
		{ "path resolution rows", test_resolve },
		{ "open errors through the feeder", test_open_errors },
		{ "versions: shared, replaced by rename", test_versions },
		{ "in-place modification is stale", test_stale },
		{ "eviction under a 4-chunk cache", test_eviction },
		{ "pool exhausted: wait, then busy", test_pool_exhausted },
		{ "two workers, one read", test_coalesce_same_pass },
		{ "two threads coalesce", test_coalesce_threads },
		{ "three threads stream through 6 chunks", test_streams_small_cache },
		{ "feeder thread: named, idle, restart", test_thread_idle },
		{ "answer FIFO: order, room, fini", test_answer_fifo },
		{ "answers past the done ring: none lost, in order", test_answer_overflow },
		{ NULL, NULL },
	};
	int rc;

	snprintf(prefix, sizeof(prefix), "--file-prefix=pxl-test-cache-%d", (int)getpid());
	if (rte_eal_init(RTE_DIM(eal_argv) - 1, eal_argv) < 0) {
		fprintf(stderr, "SKIP: EAL init failed: %s\n", rte_strerror(rte_errno));
		return 77;
	}
	mbuf_pool = rte_pktmbuf_pool_create("test_cache_mb", 63, 0, 0,
					    RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/pxl-cache-XXXXXX");
	if (mbuf_pool == NULL || mkdtemp(tmpdir) == NULL) {
		fprintf(stderr, "setup failed\n");
		return 1;
	}
	snprintf(root, sizeof(root), "%s/root", tmpdir);
	if (mkdir(root, 0755) != 0 || !make_tree()) {
		fprintf(stderr, "cannot build the test tree in %s\n", tmpdir);
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		return 1;
	}

	rc = unit_run("cache", tests);
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	rte_mempool_free(mbuf_pool);
	rte_eal_cleanup();
	return rc;
}
