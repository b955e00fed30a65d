#!/usr/bin/env python3
"""measure.py CMD [ARGS...]: runs CMD once (stdout/stderr discarded) and
prints 'WALL_SECONDS PEAK_RSS_KB EXIT_STATUS CPU_SECONDS' (rusage of the
child: CPU is user + system)."""
import os
import subprocess
import sys
import time

start = time.monotonic()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
wall = time.monotonic() - start
print("%.3f %d %d %.3f" % (wall, usage.ru_maxrss,
                           os.waitstatus_to_exitcode(status),
                           usage.ru_utime + usage.ru_stime))
