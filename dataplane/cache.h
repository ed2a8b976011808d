/* SPDX-License-Identifier: BSD-3-Clause */
#include "dataplane/cache/cache.h"
