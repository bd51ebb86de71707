/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bridge's hooks into the test builds' fault injection (faults.c);
 * empty in the product build, which has no faults.o.
 */
#ifndef _RFN_GLUE_FAULTS_H
#define _RFN_GLUE_FAULTS_H

struct rfn_net;

#ifdef RFN_TEST_LISTENERS
bool rfn_fault_bridge_busy(void);
void rfn_hold_rule(const struct rfn_net *rn, unsigned long event);
void rfn_fault_pinned(const struct rfn_net *rn);
int rfn_faults_register(void);
void rfn_faults_unregister(void);
#else
static inline bool rfn_fault_bridge_busy(void)
{
	return false;
}

static inline void rfn_hold_rule(const struct rfn_net *rn, unsigned long event)
{
}

static inline void rfn_fault_pinned(const struct rfn_net *rn)
{
}

static inline int rfn_faults_register(void)
{
	return 0;
}

static inline void rfn_faults_unregister(void)
{
}
#endif

#endif /* _RFN_GLUE_FAULTS_H */
