/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * opalsim.h - what the simulated self-encrypting drive's two files share: its state, and the
 * Level 0 Discovery response it answers with (opalsim-level0.c).
 */
#ifndef WIPESEAL_TEST_OPALSIM_H
#define WIPESEAL_TEST_OPALSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* What kind of drive it is (WS_OPALSIM_PROFILE). */
enum opalsim_kind {
	OPALSIM_OPAL2,  /* Opal 2.01: media encryption, a revert re-keys */
	OPALSIM_PYRITE, /* Pyrite 2.00: no encryption, Data Removal Mechanism: overwrite */
	OPALSIM_NONE,   /* no TCG security subsystem */
	OPALSIM_LIAR,   /* Opal 2 that reports a revert done and changes nothing on the media */
};

/* The Level 0 Discovery response of a @kind drive, locking enabled or not and a range locked
 * or not, into @buf (@size bytes, at least 2048). Return: its length. */
size_t opalsim_level0(enum opalsim_kind kind, bool locking_enabled, bool locked, uint8_t *buf,
                      size_t size);

#pragma GCC visibility pop

#endif
