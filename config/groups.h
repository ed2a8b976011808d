/* SPDX-License-Identifier: BSD-3-Clause */
/* Reading every group of a loaded file (groups.c). */
#ifndef PXELINE_CONFIG_GROUPS_H
#define PXELINE_CONFIG_GROUPS_H

#include <libconfig.h>

#include "config/ctx.h"

/* Reads and checks the whole file from its root; errors go to c. */
void cfg_validate(struct cfg_ctx *c, const config_setting_t *root);

#endif /* PXELINE_CONFIG_GROUPS_H */
