/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The one CUnit main every tests/unit/test_*.c shares: one suite from a
 * NULL-terminated table, run verbose so CUnit's run summary reaches the
 * log, and an exit code meson can read.
 */
#ifndef PXELINE_TESTS_UNIT_H
#define PXELINE_TESTS_UNIT_H

#include <stdio.h>

#include <CUnit/Basic.h>

/* A row check that names the row when it fails. */
#define ROW_ASSERT(cond, row) do { \
	CU_ASSERT(cond); \
	if (!(cond)) \
		fprintf(stderr, "\n  row '%s': %s failed\n", (row), #cond); \
} while (0)

struct unit_test {
	const char *name;	/* shown in the verbose run */
	CU_TestFunc fn;		/* NULL ends the table */
};

/*
 * Runs the table as one suite with init/fini around it (either may be
 * NULL). Returns 0 only when every test ran and passed; 1 on any failed
 * assertion, a failed suite init/cleanup (counted as failure records, not
 * failed assertions) or a CUnit registry error.
 */
static inline int
unit_run_fixture(const char *suite_name, CU_InitializeFunc init, CU_CleanupFunc fini,
		 const struct unit_test *tests)
{
	unsigned int failures;
	CU_pSuite suite;

	if (CU_initialize_registry() != CUE_SUCCESS)
		goto err;
	suite = CU_add_suite(suite_name, init, fini);
	if (suite == NULL)
		goto err;
	for (; tests->fn != NULL; tests++)
		if (CU_add_test(suite, tests->name, tests->fn) == NULL)
			goto err;
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (CU_basic_run_tests() != CUE_SUCCESS)
		goto err;
	failures = CU_get_number_of_failures() + CU_get_number_of_failure_records();
	CU_cleanup_registry();
	return failures > 0 ? 1 : 0;
err:
	fprintf(stderr, "CUnit: %s\n", CU_get_error_msg());
	CU_cleanup_registry();
	return 1;
}

static inline int
unit_run(const char *suite_name, const struct unit_test *tests)
{
	return unit_run_fixture(suite_name, NULL, NULL, tests);
}

#endif /* PXELINE_TESTS_UNIT_H */
