/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PXE MTFTP requests (mtftp.c). Only worker 0 takes them: it decides which
 * file streams where.
 */
#ifndef PXELINE_DATAPLANE_TFTP_MTFTP_H
#define PXELINE_DATAPLANE_TFTP_MTFTP_H

#include "dataplane/core/lcore.h"
#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"

/*
 * An RRQ (parsed into pkt) to the PXE MTFTP port, or to a stream's server
 * port (atftp --mget asks there): opens a transfer to the file's
 * MTFTP-IP:CPORT unless the file already streams (the client listens).
 */
void tftp_mtftp_on_request(struct lcore *lc, int port_idx, const struct frame_info *fi,
			   const struct tftp_packet *pkt);

#endif /* PXELINE_DATAPLANE_TFTP_MTFTP_H */
