/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The native benchmark's second clock: in User-mode Linux the kernel is a
 * host process, linked with the host's C library, so its code can ask the
 * host how much CPU time the thread running it has had (as UML's own
 * arch/um/os-Linux/time.c asks the host for the time).  A registration's
 * CPU time leaves out the time the host gave other processes meanwhile,
 * which its wall-clock time (ktime) includes on a loaded machine.
 * Elsewhere (a real or emulated machine) there is no such clock: 0.
 */
#ifndef RFN_BENCH_HOST_CPUTIME_H
#define RFN_BENCH_HOST_CPUTIME_H

#include <linux/time64.h>
#include <linux/types.h>

#ifdef CONFIG_UML
/* The host's, struct timespec being struct __kernel_timespec on x86_64. */
int clock_gettime(int clockid, struct __kernel_timespec *tp);

#define RFN_HOST_CLOCK_THREAD_CPUTIME_ID	3

/* CPU time of the host thread running UML's kernel, in ns; 0 on error. */
static inline u64 rfn_host_cpu_ns(void)
{
	struct __kernel_timespec ts;

	if (clock_gettime(RFN_HOST_CLOCK_THREAD_CPUTIME_ID, &ts))
		return 0;
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}
#else
static inline u64 rfn_host_cpu_ns(void)
{
	return 0;
}
#endif

#endif
