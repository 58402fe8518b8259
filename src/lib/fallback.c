/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fallback.c - `purge-or-clear`, the policy for mixed fleets (wipeseal/technique.h): the
 * strongest Purge technique a drive offers, by the rank `purge` uses, else a verified Clear
 * by overwrite; and the sentence that says which it was and why, for the result and the
 * certificate (sanitization.fallback).
 *
 * Why a policy and not a silent retry: the choice is made before anything is sent, from the
 * facts the gate took (ws_technique_resolve()), and only on the drive's word that it offers
 * no Purge. A drive that offers Purge gets Purge or nothing: when its Purge fails, the wipe
 * is FAILED as with `purge`, never overwritten afterwards, since a firmware erase that failed
 * is a finding about that drive (a controller fault, a lie, a drive to destroy) and an
 * overwrite on top would bury it under a Clear certificate. A frozen drive is refused with
 * its remedy, for the same reason: it offers Purge, once unfrozen. The level stays honest:
 * Clear is certified as Clear (docs/methods.md, "purge-or-clear").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include <wipeseal/device.h>
#include <wipeseal/technique.h>

bool ws_technique_offers_purge(const struct ws_device *dev)
{
	enum ws_technique t = ws_technique_strongest(dev);

	return !dev->controller.logical_volume && t != WS_TECH_OVERWRITE &&
	       strcmp(ws_technique_nist(t), "Purge") == 0;
}

/* What keeps Purge from @dev, in a few words for the parenthesis. */
static void why_no_purge(const struct ws_device *dev, char *buf, size_t len)
{
	unsigned formats =
	    WS_TECH_BIT(WS_TECH_NVME_FORMAT_CRYPTO) | WS_TECH_BIT(WS_TECH_NVME_FORMAT_USER_DATA);

	if (dev->controller.logical_volume)
		snprintf(buf, len,
		         "a logical volume of %s: no firmware command reaches the drives behind "
		         "it",
		         dev->controller.driver[0] ? dev->controller.driver : "a RAID controller");
	else if (dev->nvme.present && (dev->methods & formats))
		snprintf(buf, len,
		         "an NVMe drive without Sanitize; its Format NVM with secure erase is "
		         "Clear, not Purge");
	else if (dev->nvme.present)
		snprintf(buf, len, "an NVMe drive without Sanitize or a Format with secure erase");
	else
		snprintf(buf, len,
		         "no NVMe, ATA, SCSI or eMMC sanitize and no security erase it advertises");
}

char *ws_technique_fallback(enum ws_technique plan_technique, const struct ws_device *dev,
                            enum ws_technique t)
{
	const struct ws_technique_info *i = ws_technique_info(t);
	char why[160], *s = NULL;
	int r;

	if (plan_technique != WS_TECH_PURGE_OR_CLEAR || !dev || !i)
		return NULL;
	if (t != WS_TECH_OVERWRITE) {
		r = asprintf(&s,
		             "purge-or-clear: the drive offers Purge; its strongest Purge "
		             "technique, %s (%s), was carried out, with no fallback to Clear",
		             i->name, i->command);
	} else {
		why_no_purge(dev, why, sizeof(why));
		r = asprintf(&s,
		             "purge-or-clear: the drive offers no Purge technique (%s): Clear by "
		             "overwrite, verified by reading back",
		             why);
	}
	return r < 0 ? NULL : s;
}
