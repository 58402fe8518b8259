/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * certify.h - the certificate options `wipe` (and the station) share, and turning results
 * into signed certificates plus audit log lines.
 */
#ifndef WS_FRONT_CERTIFY_H
#define WS_FRONT_CERTIFY_H

#include <getopt.h>

#include "front.h"

enum {
	OPT_OPERATOR = 512,
	OPT_TITLE,
	OPT_ORGANIZATION,
	OPT_LOCATION,
	OPT_PHONE,
	OPT_ASSET_TAG,
	OPT_MEDIA_SOURCE,
	OPT_CLASSIFICATION,
	OPT_DESTINATION,
	OPT_NOTES,
	OPT_SIGNER_KEY,
	OPT_SIGNER_CERT,
	OPT_SIGNER_CHAIN,
	OPT_CONFIG,
	OPT_AUDIT_LOG,
	OPT_UNSIGNED,
};

/* getopt_long entries for the options above. */
#define CERTIFY_OPTIONS                                                        \
	{ "operator", required_argument, NULL, OPT_OPERATOR },                 \
	    { "title", required_argument, NULL, OPT_TITLE },                   \
	    { "organization", required_argument, NULL, OPT_ORGANIZATION },     \
	    { "location", required_argument, NULL, OPT_LOCATION },             \
	    { "phone", required_argument, NULL, OPT_PHONE },                   \
	    { "asset-tag", required_argument, NULL, OPT_ASSET_TAG },           \
	    { "media-source", required_argument, NULL, OPT_MEDIA_SOURCE },     \
	    { "classification", required_argument, NULL, OPT_CLASSIFICATION }, \
	    { "destination", required_argument, NULL, OPT_DESTINATION },       \
	    { "notes", required_argument, NULL, OPT_NOTES },                   \
	    { "signer-key", required_argument, NULL, OPT_SIGNER_KEY },         \
	    { "signer-cert", required_argument, NULL, OPT_SIGNER_CERT },       \
	    { "signer-chain", required_argument, NULL, OPT_SIGNER_CHAIN },     \
	    { "config", required_argument, NULL, OPT_CONFIG },                 \
	    { "audit-log", required_argument, NULL, OPT_AUDIT_LOG },           \
	{                                                                      \
		"unsigned", no_argument, NULL, OPT_UNSIGNED                    \
	}

/* The usage lines for them. */
#define CERTIFY_USAGE                                                                            \
	"Certificate (flags override the config file):\n"                                        \
	"      --operator NAME     person performing the sanitization (also --title,\n"          \
	"                          --organization, --location, --phone)\n"                       \
	"      --asset-tag TAG     the medium's property number\n"                               \
	"      --media-source S    user name or PC property number the medium came from\n"       \
	"      --classification C  security classification of the data it held\n"                \
	"      --destination D     internal-reuse, external-reuse, recycling, manufacturer,\n"   \
	"                          other\n"                                                      \
	"      --notes TEXT        free text for the certificate\n"                              \
	"      --signer-key KEY    the station's private key: a PEM file (mode 600), or a\n"     \
	"                          pkcs11: URI of a key on a token (the PIN from [signer]\n"     \
	"                          pin_file, else asked on the terminal)\n"                      \
	"      --signer-cert FILE  its certificate (documentSigning); a token key's own by\n"    \
	"                          default\n"                                                    \
	"      --signer-chain FILE intermediate CA certificates to embed\n"                      \
	"      --config FILE       configuration (default /etc/wipeseal/wipeseal.conf)\n"        \
	"      --audit-log FILE    append-only audit log (default\n"                             \
	"                          /var/log/wipeseal/audit.log)\n"                               \
	"      --unsigned          no certificate, no audit line: unsigned results only (test\n" \
	"                          benches; not a certificate of sanitization)\n"

struct certify {
	struct ws_cert_info info;
	const char *key, *cert, *chain, *config_path, *audit_log;
	bool unsigned_results;
	struct ws_config *cfg;
	struct ws_signer *signer;
	/* the operator logged in with their card (operator-login.c), or NULL; and whether
	 * one is required ([operators] require_card) */
	struct ws_operator *operator;
	bool require_operator;
	/* the machine the drives are in (SMBIOS), read once: info.machine points here */
	struct ws_machine *machine;
};

/* Take one of the options above. Return: 1 when taken, 0 when it is not ours. */
int certify_option(struct certify *c, int opt, const char *arg);

/*
 * certify_pin_prompt() - a ws_pin_fn: the PIN read from the terminal with echo off
 * (pin-prompt.c); -ENOTTY when stdin is not a terminal.
 */
int certify_pin_prompt(void *userdata, const char *token, const char *note, char *buf, size_t size);

/*
 * certify_prepare() - everything that could stop a certificate from being made, checked
 * before anything is written: the config file, the operator's fields, the signer (key
 * policy, file mode, certificate), the audit log. Fills *cert_dir from the config when
 * @cert_dir_given is false. Return: an exit code.
 */
int certify_prepare(struct cli *cli, struct certify *c, const char **cert_dir, bool cert_dir_given);

/*
 * certify_flush_kept() - after the confirmation, before the job starts (ws_job_start()
 * writes the STARTED lines): records kept from an earlier unwritable log (in @dir) go into
 * the log first; one that cannot is said on stderr. Nothing with --unsigned, nor when the
 * log cannot be opened (ws_job_start() then fails and says why).
 */
void certify_flush_kept(struct cli *cli, struct certify *c, const char *dir);

/* ws_job_start() could not write the STARTED lines, so no target was written: one line on
 * stderr (ws_job_start_error()). */
void certify_start_error(struct cli *cli, const struct ws_job *job);

/*
 * certify_results() - for targets @idx[0..n) of @job, ended, in order: each filed by the
 * library (ws_job_file(): the certificate with the target's own fields, signed, written
 * as NAME.json and NAME.json.p7s into @dir, and its audit line closing its STARTED line),
 * or, with --unsigned, the result document alone. files[i] receives the path written
 * (malloc'd) or NULL. Whatever else fails, every certificate is written: when the audit
 * log cannot be opened or written, the lines are kept beside the certificates
 * (ws_audit_keep()) and the failure is said on stderr. What was written of a certificate
 * that could not be written whole is kept, and its path said. A target without a result
 * (the wipe could not start) that has a STARTED line gets a FAILED line saying so.
 * Return: 0, or an exit code when a certificate or an audit line could not be written.
 */
int certify_results(struct cli *cli, struct certify *c, const char *dir, struct ws_job *job,
                    const size_t *idx, size_t n, char **files);

/* Log an attempt that was refused before anything was written (the gate, the operator's
 * confirmation): the organization logs every attempt, successful or not. */
void certify_log_refusal(struct cli *cli, struct certify *c, const char *target,
                         const char *reason);

void certify_fini(struct certify *c);

#endif
