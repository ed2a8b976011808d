/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Replays a fuzz corpus through LLVMFuzzerTestOneInput() without libFuzzer,
 * so every ordinary build (gcc included) runs the seeds and any crash
 * reproducer committed to the corpus as a test.
 *
 * Usage: fuzz_X_replay DIR_OR_FILE...
 * Each input is copied to a heap buffer of its exact size, so a sanitizer
 * build catches a read one byte past the end. Fails when an input cannot be
 * read or when no input was found (an empty corpus tests nothing).
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define REPLAY_MAX_INPUT (1u << 20)	/* larger seeds are a mistake */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
replay_file(const char *path)
{
	struct stat st;
	uint8_t *buf;
	size_t got;
	FILE *f;

	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) != 0 || (uint64_t)st.st_size > REPLAY_MAX_INPUT) {
		fprintf(stderr, "%s: cannot stat or larger than %u bytes\n",
			path, REPLAY_MAX_INPUT);
		fclose(f);
		return -1;
	}
	/* malloc(0) may return NULL; keep one byte but pass size 0. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (buf == NULL) {
		fclose(f);
		return -1;
	}
	got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	if (got != (size_t)st.st_size) {
		fprintf(stderr, "%s: short read\n", path);
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, got);
	free(buf);
	return 0;
}

static int
replay_path(const char *path, unsigned int *count)
{
	struct dirent *de;
	struct stat st;
	int rc = 0;
	DIR *d;

	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (replay_file(path) != 0)
			return -1;
		(*count)++;
		return 0;
	}
	d = opendir(path);
	if (d == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char sub[4096];

		if (de->d_name[0] == '.')
			continue;	/* ".", "..", editor droppings */
		if (snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name) >=
		    (int)sizeof(sub)) {
			rc = -1;
			continue;
		}
		if (stat(sub, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (replay_file(sub) != 0)
			rc = -1;
		else
			(*count)++;
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	unsigned int count = 0;
	int rc = 0;
	int i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++)
		if (replay_path(argv[i], &count) != 0)
			rc = 1;
	printf("replayed %u inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "no inputs found\n");
		return 1;
	}
	return rc;
}
