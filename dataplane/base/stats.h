/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-lcore counters, counted by reason and summed by the reader
 * (control/telemetry.c) from the array of pointers the set-up hands it. Each worker writes only its own block, so there
 * are no atomics on the packet path; readers may see a value one update old.
 */
#ifndef PXELINE_DATAPLANE_BASE_STATS_H
#define PXELINE_DATAPLANE_BASE_STATS_H

#include <stdint.h>

#include <rte_common.h>

#include "dataplane/proto/frame.h"
#include "dataplane/proto/tftp_packet.h"

/* Every counter the workers keep, by name (the telemetry keys). */
#define STATS_COUNTERS(X)						\
	X(rx_packets)		/* frames received */			\
	X(rx_bytes)							\
	X(rx_dropped)		/* frames not for us or malformed */	\
	X(rx_csum_partial)	/* UDP from a local kernel sender, checksum left to offload */ \
	X(tx_packets)		/* frames handed to the PMD */		\
	X(tx_bytes)							\
	X(tx_dropped)		/* the PMD did not take them */		\
	X(tx_no_mbuf)		/* mbuf pool empty */			\
	X(tx_fragments)		/* IP fragments of large DATA */	\
	X(handoff_out)		/* frames passed to the session's owner */ \
	X(handoff_in)							\
	X(handoff_full)		/* owner's inbox full: dropped */	\
	X(arp_replies)							\
	X(icmp_echo_replies)						\
	X(tap_to_kernel)	/* TCP/ARP/ICMP for the kernel's HTTP (tap) */ \
	X(tap_from_kernel)	/* frames the kernel sent on the tap */	\
	X(tap_dropped)		/* the tap did not take them */		\
	X(udp_no_service)	/* UDP to a port we do not serve */	\
	X(tftp_rrq)		/* read requests received */		\
	X(tftp_wrq_refused)						\
	X(tftp_dup_rrq)		/* retransmitted RRQ for a live session */ \
	X(tftp_bad_request)	/* RRQ that did not parse */		\
	X(tftp_path_refused)	/* traversal, control chars ... */	\
	X(tftp_not_found)						\
	X(tftp_busy)		/* no free session or feeder ring full */ \
	X(tftp_sessions_total)	/* sessions opened */			\
	X(tftp_sessions_ended)	/* sessions closed, any reason */	\
	X(tftp_completed)	/* final block acknowledged */		\
	X(tftp_failed)		/* ended by error or timeout */		\
	X(tftp_tsize_probes)	/* closed by the client after the OACK */ \
	X(tftp_client_aborts)	/* client ERROR mid-transfer */		\
	X(tftp_timeouts)	/* retransmission timer fired */	\
	X(tftp_gave_up)		/* retries exhausted */			\
	X(tftp_retransmits)	/* DATA/OACK sent again */		\
	X(tftp_rtt_samples)	/* round trips measured (Karn: never a resent block) */ \
	X(tftp_bytes_sent)	/* DATA payload bytes, retransmits included */ \
	X(tftp_data_packets)						\
	X(tftp_oacks_sent)						\
	X(tftp_errors_sent)						\
	X(tftp_errors_received)						\
	X(tftp_acks)							\
	X(tftp_acks_ignored)	/* duplicate or stale */		\
	X(tftp_protocol_errors)	/* ACK for a block never sent: ended */ \
	X(tftp_bad_tid)		/* packets for no session */		\
	X(tftp_bad_packet)	/* unparseable on a session port */	\
	X(tftp_chunk_waits)	/* session parked on a cache miss */	\
	X(tftp_stale)		/* file changed during transfer */	\
	X(tftp_read_errors)	/* ended by a failed open or read (ERROR 0 names the errno) */ \
	X(tftp_rate_limited)	/* new sessions over tftp.source_rate: unanswered */ \
	X(tftp_rate_evictions)	/* a source pushed another out of the rate table */ \
	X(tftp_reflection_capped) /* first packet sent twice, never answered: ended */ \
	X(icmp_unreachable)	/* ICMP unreachables quoting our UDP */	\
	X(icmp_unreachable_unmatched) /* ...for no live session */	\
	X(tftp_unreachable)	/* sessions ended by one */		\
	X(dhcp_rx)		/* datagrams to 67/4011 */		\
	X(dhcp_bad)		/* unparseable DHCP */			\
	X(dhcp_not_pxe)		/* not a PXE client's request: ignored */ \
	X(dhcp_to_control)	/* passed to the control thread */	\
	X(dhcp_ring_full)	/* control ring full: dropped */	\
	X(dhcp_replies_sent)						\
	X(dhcp_answered)	/* replies built here, from the snapshot */ \
	X(dhcp_silent)		/* snapshot said: nothing to send */	\
	X(dhcp_once_grace)	/* answered within a taken one-shot's grace */ \
	X(dhcp_delay_full)	/* delay queue full: sent without the delay */ \
	X(dhcp_held)		/* a fleet: another engine's client, left to it */ \
	X(dhcp_standby_answers)	/* ...answered because its owner was silent */ \
	X(dhcp_chosen_answers)	/* ...answered because it asked us by address */ \
	X(dhcp_standby_evicted)	/* standby table: live entries overwritten */ \
	X(dhcp6_rx)		/* UDP/IPv6 to 547 (or 4011) with dhcp.v6 */ \
	X(dhcp6_bad)		/* unparseable DHCPv6 (proto/dhcp6.h) */ \
	X(dhcp6_not_pxe)	/* not a PXE client's (option 16/15): ignored */ \
	X(dhcp6_relayed)	/* came in Relay-Forw */		\
	X(dhcp6_answered)	/* Advertise/Reply built from the snapshot */ \
	X(dhcp6_silent)		/* decided: nothing to send */		\
	X(dhcp6_once_taking)	/* an armed one-shot passed to control to take: silent */ \
	X(dhcp6_held)		/* a fleet: another engine's client, left to it */ \
	X(dhcp6_standby_answers) /* ...answered because its owner was silent */ \
	X(dhcp6_chosen_answers)	/* ...answered: its Request came to our 4011 */ \
	X(dhcp6_replies_sent)	/* every copy, repeats included */	\
	X(dhcp6_boot_repeats)	/* 4011 Replies sent a second time (EDK2's race) */ \
	X(dhcp6_repeat_full)	/* ...not repeated: the repeat queue was full */ \
	X(mcast_requests)	/* RRQs asking "multicast" (RFC 2090) */ \
	X(mcast_declined)	/* served unicast: blksize, full, off */ \
	X(mcast_groups_opened)						\
	X(mcast_groups_closed)						\
	X(mcast_joined)		/* receivers that joined a group */	\
	X(mcast_completed)	/* receivers that ACKed the last block */ \
	X(mcast_dropped)	/* silent masters and laggards */	\
	X(tftp_from_multicast)	/* receivers dropped from a group, served on by unicast */ \
	X(mcast_aborted)	/* receivers gone by ERROR or shutdown */ \
	X(mcast_handovers)	/* a new master after one left */	\
	X(mcast_oacks_sent)						\
	X(mcast_acks)							\
	X(mcast_acks_ignored)	/* listeners', repeated or stale */	\
	X(mcast_timeouts)	/* group timer fired without an ACK */	\
	X(mcast_paced)		/* a block waited for the pace */	\
	X(mcast_chunk_waits)						\
	X(mcast_data_packets)	/* DATA to group addresses */		\
	X(mcast_bytes_sent)	/* their payload: one copy per stream */ \
	X(mcast_bytes_delivered) /* file size x receivers completed */	\
	X(mtftp_requests)	/* RRQs to the PXE MTFTP port */	\
	X(mtftp_rrq_stream_port) /* MTFTP RRQs sent to a stream's port (atftp --mget) */ \
	X(mtftp_started)	/* transfers opened for a requester */	\
	X(mtftp_listening)	/* RRQ for a file already streaming: unanswered */ \
	X(mtftp_clash)		/* its group address busy with another file */ \
	X(mtftp_unicast_firsts)	/* block 1 also sent to the requester */ \
	X(ipv6_rx)		/* IPv6 frames received */		\
	X(ipv6_dropped)		/* malformed or not served (proto/frame6.h) */ \
	X(nd_invalid)		/* ND failing RFC 4861 checks: hop limit, options ... */ \
	X(nd_solicitations)	/* neighbour solicitations for our addresses */ \
	X(nd_na_sent)							\
	X(nd_dad_probes)	/* DAD solicitations sent */		\
	X(nd_dad_duplicates)	/* addresses found taken: not used */	\
	X(nd_conflicts)		/* NAs for a valid address of ours */	\
	X(nd_rs_received)	/* router solicitations */		\
	X(nd_ra_sent)		/* RAs sent (dhcp.quench_ra) */		\
	X(icmp6_echo_replies)						\
	X(ipv6_rx_fragments)	/* IPv6 fragments to us: never reassembled, dropped */ \
	X(udp6_rx)		/* UDP/IPv6 datagrams to a valid address of ours */ \
	X(udp6_csum_bad)	/* UDP/IPv6 with a bad or no checksum */ \
	X(icmp6_unreachable)	/* ICMPv6 unreachables quoting our UDP */ \
	X(tx_datagrams6)	/* UDP/IPv6 datagrams sent */		\
	X(tx_fragments6)	/* IPv6 fragments of them (RFC 8200 4.5) */ \
	X(tftp_sessions6)	/* sessions opened over IPv6 */		\
	X(tftp_bytes_sent6)	/* DATA payload bytes over IPv6 */	\
	X(log_dropped)		/* log ring full */

struct worker_stats {
#define STATS_FIELD(name) uint64_t name;
	STATS_COUNTERS(STATS_FIELD)
#undef STATS_FIELD
	uint64_t frame_err[FRAME_ERR__MAX];	/* drops by frame_classify reason */
	uint64_t tftp_err[TFTP_ERR__MAX];	/* unparseable TFTP by reason */
} __rte_cache_aligned;

#endif /* PXELINE_DATAPLANE_BASE_STATS_H */
