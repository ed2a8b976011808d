/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Path resolution: one component at a time, so a case-insensitive root can
 * look each one up by scanning its directory when the exact name is missing.
 * Runs on the feeder thread only (it blocks on the filesystem).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "dataplane/cache/resolve.h"

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

/* Why a step failed. Without openat2 every symlink is refused: say so, not "not found". */
static enum cache_err
resolve_error(int dirfd, const char *comp, int e, bool use_openat2)
{
	struct stat lst;

	if (!use_openat2 && (e == ENOTDIR || e == ELOOP) &&
	    fstatat(dirfd, comp, &lst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(lst.st_mode))
		return CACHE_ERR_ACCESS;
	return errno_to_cache(e);
}

/* The last component must be a regular file; then reads may block again. */
static enum cache_err
resolve_final(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return errno_to_cache(errno);
	if (!S_ISREG(st.st_mode))
		return CACHE_ERR_ACCESS;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return CACHE_OK;
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
			err = resolve_error(dirfd, comp, errno, use_openat2);
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
	err = resolve_final(fd);
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
