/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/machine.h - the machine a drive was in, as its firmware names it (SMBIOS, read
 * through sysfs: /sys/class/dmi/id). A certificate records it ("machine"), so that a laptop's
 * drive is tied to the laptop: its manufacturer, product, serial number, UUID and chassis
 * asset tag. docs/certificate.md lists the placeholders boards ship with, which are never
 * recorded as if they named the machine.
 */
#ifndef WIPESEAL_MACHINE_H
#define WIPESEAL_MACHINE_H

#include <stdbool.h>

struct ws_ctx;

/* What SMBIOS says of the system. Each field is NULL when it is not set, is a placeholder,
 * or cannot be read (product_serial and product_uuid are readable by root only). */
struct ws_machine {
	char *manufacturer;      /* sys_vendor (SMBIOS type 1, Manufacturer) */
	char *product;           /* product_name (type 1, Product Name) */
	char *serial;            /* product_serial (type 1, Serial Number) */
	char *uuid;              /* product_uuid (type 1, UUID), lower case */
	char *chassis_asset_tag; /* chassis_asset_tag (type 3, Asset Tag Number) */
};

/*
 * ws_machine_read() - the machine's SMBIOS fields, from the context's sysfs root
 * ("<sys>/class/dmi/id/..."). A machine without SMBIOS (most virtual machines on ARM,
 * containers) gives a struct whose fields are all NULL: nothing is guessed.
 * Return: 0 with *@ret set (free with ws_machine_free()), or -ENOMEM.
 */
int ws_machine_read(struct ws_ctx *ctx, struct ws_machine **ret);

/* ws_machine_free() - NULL-safe. Return: NULL. */
struct ws_machine *ws_machine_free(struct ws_machine *m);

/*
 * ws_machine_placeholder() - whether @value is what a board carries where the maker left
 * the field unset ("Default string", "To Be Filled By O.E.M.", "0000000", ...): the list is
 * in docs/certificate.md. Leading and trailing blanks do not count; case does not matter.
 */
bool ws_machine_placeholder(const char *value);

#endif
