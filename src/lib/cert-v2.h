/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cert-v2.h - the sections of a "wipeseal-certificate/2" document (docs/certificate.md), one
 * builder per section, shared by cert.c (which puts the document together) and the files
 * that build them: cert-v2-media.c, cert-v2-sanitization.c, cert-v2-verification.c.
 * Every builder returns a new json-c object (NULL only when memory ran out).
 */
#ifndef WS_CERT_V2_H
#define WS_CERT_V2_H

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include <wipeseal/cert.h>

/* "not reported by the device": what a certificate says where NIST SP 800-88 Rev. 2 asks
 * for a fact (a key's strength, its copies) that the drive does not tell. */
#define WS_CERT_NOT_REPORTED "not reported by the device"

/* What sanitization.flash_media says of an overwrite on flash media (docs/certificate.md). */
#define WS_CERT_FLASH_NOTE                                                                      \
	"Overwrite on flash media is Clear (NIST SP 800-88), not Purge: the card's controller " \
	"keeps worn and spare blocks the host cannot address, which may still hold old data. "  \
	"Purge would need the device's own sanitize command (an eMMC's SANITIZE; SD cards and " \
	"USB sticks offer none the host can reach) or the destruction of the medium."

/* A string, or JSON null for NULL. */
struct json_object *ws_cert_str(const char *s);

/* "media": the drive as the wipe's snapshot @dev recorded it, with @info's fields.
 * cert-v2-media.c */
struct json_object *ws_cert2_media(struct json_object *dev, const struct ws_cert_info *info);

/* IEEE 2883's name of the interface of a device whose snapshot is @dev: "NVMe", "SATA",
 * "SAS", "SCSI", "USB", "eMMC/SD", "virtual", "file", or NULL. cert-v2-media.c */
const char *ws_cert2_interface(struct json_object *dev);

/* NIST SP 800-88 Rev. 2's technique for @t into @buf: "overwrite", "block erase",
 * "cryptographic erase" or "other: ..." (sanitization.technique). cert-v2-sanitization.c */
void ws_cert2_technique(enum ws_technique t, char *buf, size_t len);
/* The same from schema 1's method_used words ("crypto erase", "other (X)"). */
void ws_cert2_technique_words(const char *method_used, char *buf, size_t len);

/* "sanitization": method, technique (also in IEEE 2883's words), the commands sent, the
 * verification method and, for a crypto erase, its traceability. cert-v2-sanitization.c */
struct json_object *ws_cert2_sanitization(const struct ws_result *res,
                                          const struct ws_cert_info *info);

/* What sanitization.verification_method says of @res (schema 1 had it too). */
void ws_cert_verification_method(const struct ws_result *res, char *buf, size_t len);

/* "machine": the machine the drive was in, from SMBIOS (@m may be NULL: every field null).
 * machine.c */
#define WS_CERT_MACHINE_SOURCE "SMBIOS, as the kernel exports it (/sys/class/dmi/id)"
struct ws_machine;
struct json_object *ws_cert2_machine(const struct ws_machine *m);

/* verify: the optional "machine" section is an object of strings and nulls; false with
 * @c->reason set otherwise. machine.c */
bool ws_verify_machine(struct json_object *doc, struct ws_cert_check *c);

/* "verification": completion status, errors, anomalies, the drive's health either side, and
 * the read-back. cert-v2-verification.c */
struct json_object *ws_cert2_verification(const struct ws_result *res);

#endif
