/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * verify-tsa-text.h - what `wipeseal verify` says of a certificate's trusted time
 * (verify-tsa-text.c).
 */
#ifndef WS_CLI_VERIFY_TSA_TEXT_H
#define WS_CLI_VERIFY_TSA_TEXT_H

#include <json-c/json.h>

#include <wipeseal/cert.h>

/* One line under the verdict: the TSA's time beside the station's, flagged when they
 * disagree, or that a token is awaited; nothing without a token. */
void verify_tsa_text(const struct ws_cert_check *c);

/* The same as "trusted_time" in --json: state, time, tsa, station_clock_offset_s,
 * clock_disagrees, awaited. */
struct json_object *verify_tsa_json(const struct ws_cert_check *c);

#endif
