/* SPDX-License-Identifier: BSD-3-Clause */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/ctl.h"
#include "control/dhcp_control.h"
#include "control/http.h"
#include "control/log.h"
#include "control/reload.h"
#include "control/reload_diff.h"
#include "control/service.h"
#include "dataplane/setup.h"

/* Every line of text to the log at lvl, prefixed. */
static void
reload_log_lines(enum cfg_log_level lvl, const char *prefix, const char *text)
{
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		int len = nl ? (int)(nl - p) : (int)strlen(p);

		log_msg(lvl, "%s%.*s", prefix, len, p);
		p += len + (nl != NULL);
	}
}

/* Loads the file into a new config; on errors fills report with them all. */
static struct pxeline_config *
reload_load(const char *path, char *report, size_t cap, int *ret_err)
{
	struct pxeline_config *cfg = malloc(sizeof(*cfg));
	char *errs = NULL;
	size_t len = 0;
	FILE *f;
	int n;

	f = open_memstream(&errs, &len);
	if (!cfg || !f) {
		if (f)
			fclose(f);
		free(errs);
		free(cfg);
		snprintf(report, cap, "refused: out of memory; nothing changed\n");
		*ret_err = -RELOAD_ERR_NOMEM;
		return NULL;
	}
	n = cfg_load(path, cfg, f);
	fclose(f);
	if (n == 0) {
		free(errs);
		return cfg;
	}
	snprintf(report, cap, "refused: %d error(s) in %s; nothing changed\n%s", n, path,
		 errs ? errs : "");
	free(errs);
	cfg_free(cfg);
	free(cfg);
	*ret_err = -RELOAD_ERR_CONFIG;
	return NULL;
}

/* Every reader of the configuration takes the new one; the old is freed. */
static void
reload_apply(struct reload_target *t, struct pxeline_config *cfg)
{
	struct pxeline_config *old = t->cfg;

	/* Returns once no worker reads old: then it may go. */
	dataplane_publish_config(t->dp, cfg);
	if (cfg->dhcp.enabled)
		dhcp_snapshot_rebuild(cfg);	/* the workers answer from it */
	ctl_set_config(cfg);
	http_set_config(cfg);
	log_set_level(cfg->log_level);
	t->cfg = cfg;
	cfg_free(old);
	free(old);
}

int
control_reload(void *arg, char *report, size_t cap)
{
	struct reload_target *t = arg;
	struct pxeline_config *cfg;
	char status[96];
	int rc = 0;

	if (cap == 0)
		return -RELOAD_ERR_NOMEM;
	svc_reloading();
	cfg = reload_load(t->path, report, cap, &rc);
	if (cfg) {
		rc = reload_diff(t->cfg, cfg, report, cap);
		if (rc == 0) {
			reload_apply(t, cfg);
		} else {
			cfg_free(cfg);
			free(cfg);
		}
	}
	if (rc == 0) {
		t->reloads++;
		log_msg(CFG_LOG_INFO, "%s", report);
	} else {
		t->refused++;
		reload_log_lines(CFG_LOG_ERROR, "reload ", report);
	}
	snprintf(status, sizeof(status), "serving; last reload %s (%u applied, %u refused)",
		 rc == 0 ? "applied" : "refused", t->reloads, t->refused);
	svc_ready(status);
	return rc;
}
