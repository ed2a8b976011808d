/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TFTP packets on the wire: RFC 1350, options RFC 2347/2348/2349/7440,
 * tftpd-hpa's "rollover", RFC 2090 "multicast" and Microsoft's "msftwindow".
 * Parsing and building only: no sockets, no clocks, no logging.
 */
#ifndef PXELINE_PROTO_TFTP_PACKET_H
#define PXELINE_PROTO_TFTP_PACKET_H

#include <stddef.h>
#include <stdint.h>

enum tftp_opcode {
	TFTP_OP_RRQ = 1,
	TFTP_OP_WRQ = 2,
	TFTP_OP_DATA = 3,
	TFTP_OP_ACK = 4,
	TFTP_OP_ERROR = 5,
	TFTP_OP_OACK = 6,
};

/* Wire error codes (RFC 1350, 2347). */
enum tftp_wire_error {
	TFTP_EUNDEF = 0,	/* not defined; "TFTP Aborted" from BIOS ROMs */
	TFTP_ENOTFOUND = 1,
	TFTP_EACCESS = 2,
	TFTP_ENOSPACE = 3,
	TFTP_EBADOP = 4,
	TFTP_EBADID = 5,
	TFTP_EEXISTS = 6,
	TFTP_ENOUSER = 7,
	TFTP_EOPTNEG = 8,	/* option negotiation refused; OVMF's tsize-probe abort */
};

enum tftp_mode {
	TFTP_MODE_OCTET,
	TFTP_MODE_NETASCII,
	TFTP_MODE_MAIL,
};

/* Errors of this module: why a packet was not accepted. */
enum tftp_err {
	TFTP_OK = 0,
	TFTP_ERR_SHORT,		/* shorter than its fixed header */
	TFTP_ERR_OPCODE,	/* unknown opcode */
	TFTP_ERR_NO_NUL,	/* a string runs to the end without NUL */
	TFTP_ERR_EMPTY_NAME,	/* RRQ/WRQ with an empty filename */
	TFTP_ERR_NAME_TOO_LONG,	/* filename longer than TFTP_NAME_MAX */
	TFTP_ERR_BAD_MODE,	/* mode is not octet/netascii/mail */
	TFTP_ERR_OPT_NO_VALUE,	/* option name without its value */
	TFTP_ERR_OPT_BAD_VALUE,	/* a known option with a value that is not a number */
	TFTP_ERR_OPT_DUPLICATE,	/* the same known option twice (RFC 2347 forbids) */
	TFTP_ERR_TOO_MANY_OPTS,	/* more options than we are willing to read */
	TFTP_ERR_NO_SPACE,	/* builder: output buffer too small */
	TFTP_ERR__MAX,
};

const char *tftp_strerror(enum tftp_err e);

#define TFTP_NAME_MAX 255	/* longest filename we accept, excluding NUL */
#define TFTP_MAX_OPTIONS 16	/* options read from one request, known or not */
#define TFTP_BLKSIZE_MIN 8	/* RFC 2348 */
#define TFTP_BLKSIZE_MAX 65464	/* RFC 2348 */
#define TFTP_BLKSIZE_DEFAULT 512
#define TFTP_WINDOW_MAX 65535	/* RFC 7440 */
#define TFTP_MSFT_WINDOW_ASK 31416	/* msftwindow value a client sends */
#define TFTP_MSFT_WINDOW_GRANT 27182	/* msftwindow value a server grants */

/* Which options a request carried (bit per option). */
enum tftp_opt_bit {
	TFTP_OPT_BLKSIZE = 1u << 0,
	TFTP_OPT_TSIZE = 1u << 1,
	TFTP_OPT_TIMEOUT = 1u << 2,
	TFTP_OPT_WINDOWSIZE = 1u << 3,
	TFTP_OPT_MSFTWINDOW = 1u << 4,
	TFTP_OPT_MULTICAST = 1u << 5,
	TFTP_OPT_ROLLOVER = 1u << 6,
	TFTP_OPT_UTIMEOUT = 1u << 7,	/* tftpd-hpa's microsecond timeout */
};

/* Options as asked by a client, or as granted by us. */
struct tftp_options {
	uint32_t present;	/* TFTP_OPT_* bits */
	uint32_t blksize;	/* bytes per DATA block */
	uint64_t tsize;		/* file size (request: usually 0) */
	uint32_t timeout;	/* seconds, 1..255 */
	uint32_t utimeout;	/* microseconds (tftpd-hpa) */
	uint32_t windowsize;	/* blocks per window, 1..65535 */
	uint32_t msftwindow;	/* 31416 asked, 27182 granted */
	uint32_t rollover;	/* block number after 65535: 0 or 1 */
};

/* A parsed packet; strings point into the caller's buffer. */
struct tftp_packet {
	enum tftp_opcode opcode;
	union {
		struct {			/* RRQ, WRQ */
			const char *filename;	/* NUL-terminated, in the buffer */
			size_t filename_len;
			enum tftp_mode mode;
			struct tftp_options opts;
			uint32_t unknown_opts;	/* ignored per RFC 2347 */
		} req;
		struct {			/* ACK */
			uint16_t block;
			/* msftwindow: the client's wish for the next window,
			 * one byte after the header; 0 when absent. */
			uint8_t next_window;
			uint8_t has_next_window;
		} ack;
		struct {			/* DATA */
			uint16_t block;
			const uint8_t *data;
			size_t len;
		} data;
		struct {			/* ERROR */
			uint16_t code;
			/* NUL-terminated in the buffer; a message that runs to
			 * the end without NUL is TFTP_ERR_NO_NUL, but a packet
			 * that ends right after the code gives "". */
			const char *msg;
		} error;
	} u;
};

/*
 * Parses one TFTP datagram. On error *out is unspecified.
 * RRQ/WRQ with nothing after the filename is TFTP_ERR_BAD_MODE; NUL bytes
 * after the last option (client padding) are ignored. OACK options land in
 * u.req.opts (filename NULL). ACK bytes after the msftwindow byte are ignored.
 */
enum tftp_err tftp_parse(const uint8_t *buf, size_t len, struct tftp_packet *out);

/*
 * Builders return the length written, or 0 when cap is too small.
 * Options go out in one fixed order (blksize, tsize, timeout, utimeout,
 * windowsize, msftwindow, rollover, multicast), values in decimal.
 * tftp_build_oack() leaves multicast out (its "addr,port,mc" value belongs
 * to the session layer); tftp_build_rrq() sends tsize as "0" and multicast
 * as "".
 */
size_t tftp_build_oack(uint8_t *buf, size_t cap, const struct tftp_options *granted);
size_t tftp_build_error(uint8_t *buf, size_t cap, uint16_t code, const char *msg);
/* Writes the 4-byte DATA header; the payload follows it. */
size_t tftp_build_data_header(uint8_t *buf, size_t cap, uint16_t block);
size_t tftp_build_ack(uint8_t *buf, size_t cap, uint16_t block);
/* A client's request, for tftpbench and the tests. */
size_t tftp_build_rrq(uint8_t *buf, size_t cap, const char *filename,
		      const char *mode, const struct tftp_options *opts);

/* Server limits that negotiation applies. */
struct tftp_limits {
	uint32_t blksize_max;	/* <= 65464; also capped by the path MTU */
	uint32_t windowsize_max;
	uint32_t timeout_min;	/* seconds */
	uint32_t timeout_max;
	int msftwindow;		/* grant msftwindow when asked (off by default) */
};

/*
 * Decides what to grant for a request. file_size is the size of the file
 * (for tsize). Options not granted are absent from ret_granted->present;
 * out-of-range values are clamped per RFC (blksize down to the max, windowsize
 * down to the max). Returns TFTP_OK, or TFTP_ERR_OPT_BAD_VALUE when a value
 * cannot be honoured at all (blksize < 8, windowsize 0), which the caller
 * answers with ERROR 8.
 * A timeout outside 1..255 or outside [timeout_min, timeout_max] is not
 * granted (left out of the OACK) rather than refused: RFC 2349 lets the
 * server only echo the asked value, and the client keeps its default.
 * windowsize_max == 0 means windowsize is never granted. msftwindow is
 * granted (27182) only when lim->msftwindow is set and 31416 was asked;
 * rollover only as 0 or 1; utimeout in 10000..255000000 us (tftpd-hpa) and
 * not above timeout_max; multicast never (the session layer owns groups).
 */
enum tftp_err tftp_negotiate(const struct tftp_options *req,
			     const struct tftp_limits *lim, uint64_t file_size,
			     struct tftp_options *ret_granted);

#endif /* PXELINE_PROTO_TFTP_PACKET_H */
