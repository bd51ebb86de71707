// SPDX-License-Identifier: GPL-2.0
/*
 * Multicast routing (RTNL_FAMILY_IPMR, RTNL_FAMILY_IP6MR): the kernel's
 * VIF and MFC entry notifier info turned into the fixed-layout structs of
 * glue.h, references on MFC entries (struct mr_mfc is refcounted), and
 * the MFC_OFFLOAD flag a listener reports back, as mlxsw's spectrum_mr.c
 * does.
 */
#include <linux/mroute.h>
#include <linux/mroute6.h>
#include <linux/mroute_base.h>
#include <linux/netdevice.h>
#include <linux/refcount.h>
#include <linux/string.h>
#include <net/fib_notifier.h>

#include "glue.h"

static_assert(sizeof(struct rfn_vif) == 16);
static_assert(sizeof(struct rfn_mfc) == 80);
static_assert(FIB_EVENT_VIF_ADD == 8 && FIB_EVENT_VIF_DEL == 9);
static_assert(RFN_MAXVIFS == MAXVIFS);

static bool rfn_is_mr_family(int family)
{
	return family == RTNL_FAMILY_IPMR || family == RTNL_FAMILY_IP6MR;
}

int rfn_info_vif(const struct fib_notifier_info *info, struct rfn_vif *out)
{
	const struct vif_entry_notifier_info *vif;

	if (!rfn_is_mr_family(info->family))
		return -EINVAL;
	vif = container_of(info, struct vif_entry_notifier_info, info);
	memset(out, 0, sizeof(*out));
	out->tb_id = vif->tb_id;
	out->ifindex = vif->dev ? vif->dev->ifindex : 0;
	out->vif_index = vif->vif_index;
	out->vif_flags = vif->vif_flags;
	out->family = info->family == RTNL_FAMILY_IPMR ? AF_INET : AF_INET6;
	return 0;
}

static struct mr_mfc *rfn_info_mfc_ptr(const struct fib_notifier_info *info)
{
	if (!rfn_is_mr_family(info->family))
		return NULL;
	return container_of(info, struct mfc_entry_notifier_info, info)->mfc;
}

/*
 * The entry as the event gives it.  The kernel changes an entry's parent
 * and TTLs in place under mrt_lock (a replace), then notifies: a reader
 * under RCU alone can see a mix, which the REPLACE that follows repairs
 * (and counts: a replay that read a mix is retried).
 */
int rfn_info_mfc(const struct fib_notifier_info *info, struct rfn_mfc *out)
{
	const struct mr_mfc *c = rfn_info_mfc_ptr(info);
	int minvif, maxvif, i;

	if (!c)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->tb_id = container_of(info, struct mfc_entry_notifier_info, info)->tb_id;
	out->parent = READ_ONCE(c->mfc_parent);
	out->mfc_flags = READ_ONCE(c->mfc_flags);
	if (info->family == RTNL_FAMILY_IPMR) {
		const struct mfc_cache *c4 = container_of(c, struct mfc_cache, _c);

		out->family = AF_INET;
		memcpy(out->origin, &c4->mfc_origin, 4);
		memcpy(out->group, &c4->mfc_mcastgrp, 4);
	} else {
		const struct mfc6_cache *c6 = container_of(c, struct mfc6_cache, _c);

		out->family = AF_INET6;
		memcpy(out->origin, &c6->mf6c_origin, 16);
		memcpy(out->group, &c6->mf6c_mcastgrp, 16);
	}
	/* Output VIFs: a TTL below 255 (mr_fill_mroute()'s rule). */
	memset(out->ttls, 255, sizeof(out->ttls));
	minvif = READ_ONCE(c->mfc_un.res.minvif);
	maxvif = min_t(int, READ_ONCE(c->mfc_un.res.maxvif), MAXVIFS);
	for (i = max(minvif, 0); i < maxvif; i++)
		out->ttls[i] = READ_ONCE(c->mfc_un.res.ttls[i]);
	return 0;
}

/*
 * A reference on the event's entry (mr_cache_hold()), or NULL.  A live
 * event's entry is referenced by the kernel for the call; a replayed one
 * is on its table's list under RCU, where a delete may have dropped the
 * last reference already (it unlinks, notifies, then puts): then it is
 * not taken, and that delete moves the namespace's counter, so the
 * replay is retried without it.
 */
void *rfn_info_mfc_hold(const struct fib_notifier_info *info)
{
	struct mr_mfc *c = rfn_info_mfc_ptr(info);

	if (!c || !refcount_inc_not_zero(&c->mfc_un.res.refcount))
		return NULL;
	return c;
}

/* Any context: the last reference frees the entry after RCU. */
void rfn_mfc_put(void *mfc)
{
	mr_cache_put(mfc);
}

/*
 * MFC_OFFLOAD, which `ip mroute` shows as "offload".  Written as mlxsw
 * writes it (mlxsw_sp_mr_mfc_offload_set()): the kernel sets mfc_flags
 * once, when it creates the entry, and only drivers change this bit.
 */
void rfn_mfc_set_offload(void *mfc, bool offload)
{
	struct mr_mfc *c = mfc;
	int flags = READ_ONCE(c->mfc_flags);

	if (offload)
		flags |= MFC_OFFLOAD;
	else
		flags &= ~MFC_OFFLOAD;
	WRITE_ONCE(c->mfc_flags, flags);
}
