#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# stall_thread.py TID SECONDS: stops one thread of a process (not the
# others) for SECONDS, then lets it go: PTRACE_SEIZE + PTRACE_INTERRUPT put
# only that thread in a ptrace-stop, where a SIGSTOP would stop them all.
# Prints "stalled TID" once it is stopped and "resumed TID" after.
import ctypes
import os
import sys
import time

PTRACE_DETACH = 17
PTRACE_SEIZE = 0x4206
PTRACE_INTERRUPT = 0x4207
WALL = 0x40000000

libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]


def ptrace(req, tid):
    if libc.ptrace(req, tid, None, None) != 0:
        err = ctypes.get_errno()
        sys.exit(f"ptrace({req:#x}, {tid}): {os.strerror(err)}")


def main():
    tid, secs = int(sys.argv[1]), float(sys.argv[2])
    ptrace(PTRACE_SEIZE, tid)
    ptrace(PTRACE_INTERRUPT, tid)
    os.waitpid(tid, WALL)
    print(f"stalled {tid}", flush=True)
    time.sleep(secs)
    ptrace(PTRACE_DETACH, tid)
    print(f"resumed {tid}", flush=True)


if __name__ == "__main__":
    main()
