/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * failfs: a read-only FUSE passthrough of a directory whose reads fail with
 * EIO on demand, the failing disk of test_faults_disk.sh.
 *
 *   failfs SOURCE MOUNTPOINT [-f] [-o allow_other ...]
 *
 * SOURCE/.failfs (hidden from the mount, read again on every read) holds
 * the rules, one a line: "NAME OFFSET": a read of NAME (relative to the
 * root) that reaches byte OFFSET or beyond fails with EIO; OFFSET 0 fails
 * every read. No file or an empty one: every read succeeds. Reads bypass
 * the page cache (direct_io), so a rule holds even for bytes read before.
 * Each injected error is one line on stderr.
 */
#define FUSE_USE_VERSION 31

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fuse.h>

#define RULES_NAME ".failfs"

static int src_fd = -1;	/* SOURCE, opened before the mount hides nothing of it */

/* "/a/b" -> "a/b", "/" -> "." : paths relative to src_fd. */
static const char *
rel(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

static bool
is_rules(const char *path)
{
	return strcmp(rel(path), RULES_NAME) == 0;
}

/* Does a read of name reaching byte end fail? The rules are read each time. */
static bool
should_fail(const char *name, uint64_t end)
{
	char line[1200], rule[1024];
	uint64_t off;
	bool fail = false;
	int fd = openat(src_fd, RULES_NAME, O_RDONLY | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return false;
	f = fdopen(fd, "r");
	if (f == NULL) {
		close(fd);
		return false;
	}
	while (!fail && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%1023s %" SCNu64, rule, &off) == 2 &&
		    strcmp(rule, name) == 0 && end > off)
			fail = true;
	fclose(f);
	return fail;
}

static int
ff_getattr(const char *path, struct stat *st, struct fuse_file_info *fi)
{
	(void)fi;
	if (is_rules(path))
		return -ENOENT;
	return fstatat(src_fd, rel(path), st, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int
ff_readlink(const char *path, char *buf, size_t size)
{
	ssize_t n = readlinkat(src_fd, rel(path), buf, size - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int
ff_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t offset,
	   struct fuse_file_info *fi, enum fuse_readdir_flags flags)
{
	struct dirent *de;
	DIR *d;
	int fd;

	(void)offset;
	(void)fi;
	(void)flags;
	fd = openat(src_fd, rel(path), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return -errno;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(path, "/") == 0 && strcmp(de->d_name, RULES_NAME) == 0)
			continue;
		if (fill(buf, de->d_name, NULL, 0, 0))
			break;
	}
	closedir(d);
	return 0;
}

static int
ff_open(const char *path, struct fuse_file_info *fi)
{
	int fd;

	if (is_rules(path))
		return -ENOENT;
	if ((fi->flags & O_ACCMODE) != O_RDONLY)
		return -EROFS;
	fd = openat(src_fd, rel(path), fi->flags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	fi->fh = (uint64_t)fd;
	fi->direct_io = 1;
	return 0;
}

static int
ff_read(const char *path, char *buf, size_t size, off_t off, struct fuse_file_info *fi)
{
	ssize_t n;

	if (should_fail(rel(path), (uint64_t)off + size)) {
		fprintf(stderr, "failfs: EIO %s offset %jd size %zu\n", rel(path), (intmax_t)off,
			size);
		return -EIO;
	}
	n = pread((int)fi->fh, buf, size, off);
	return n < 0 ? -errno : (int)n;
}

static int
ff_release(const char *path, struct fuse_file_info *fi)
{
	(void)path;
	close((int)fi->fh);
	return 0;
}

static const struct fuse_operations ff_ops = {
	.getattr = ff_getattr,
	.readlink = ff_readlink,
	.readdir = ff_readdir,
	.open = ff_open,
	.read = ff_read,
	.release = ff_release,
};

int
main(int argc, char **argv)
{
	char *fargv[64];
	int i, fargc = 0;

	if (argc < 3 || argc > 60) {
		fprintf(stderr, "usage: failfs SOURCE MOUNTPOINT [fuse options]\n");
		return 2;
	}
	src_fd = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (src_fd < 0) {
		fprintf(stderr, "failfs: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	/* fuse_main sees: failfs MOUNTPOINT [options]. */
	fargv[fargc++] = argv[0];
	for (i = 2; i < argc; i++)
		fargv[fargc++] = argv[i];
	fargv[fargc] = NULL;
	return fuse_main(fargc, fargv, &ff_ops, NULL);
}
