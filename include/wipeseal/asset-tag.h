/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wipeseal/asset-tag.h - a medium's asset tag (the certificate's media.property_number), as a
 * technician gives it at a station: typed, or scanned by a USB barcode scanner (a keyboard
 * that types the tag and Enter). What a tag may be, and whether another drive holds it
 * already: two drives with one tag is a mistake a tired technician makes, and the station
 * refuses it rather than certify two drives as one asset.
 */
#ifndef WIPESEAL_ASSET_TAG_H
#define WIPESEAL_ASSET_TAG_H

#include <stdbool.h>
#include <stddef.h>

/* The longest asset tag, in characters: a barcode of an asset label holds far fewer (GS1's
 * GIAI at most 30); a longer line is a scanner that missed its Enter and read two labels. */
#define WS_ASSET_TAG_MAX 64

/*
 * ws_asset_tag_check() - whether @tag can be a medium's asset tag: 1 to WS_ASSET_TAG_MAX
 * characters of printable ASCII (space to tilde: what a barcode scanner types and every
 * label printer prints), not beginning or ending with a space.
 * @ret_why: when refused, one line saying what is wrong and what to do (malloc'd); may be
 * NULL.
 * Return: 0 when it can; -EINVAL when it cannot; -ENOMEM.
 */
int ws_asset_tag_check(const char *tag, char **ret_why);

/*
 * ws_asset_tag_same() - whether @a and @b name one asset: equal without regard to the case of
 * ASCII letters ("pc-0042" typed by hand is the label's "PC-0042"). An empty or NULL tag
 * names nothing and is never the same as another.
 */
bool ws_asset_tag_same(const char *a, const char *b);

/*
 * ws_asset_tag_find() - which of @tags[0..@n) holds @tag already (ws_asset_tag_same()),
 * for the caller to refuse @tag on another drive. NULL and empty entries are skipped.
 * Return: the index of the first that holds it; -ENOENT when none does; -EINVAL for an
 * empty @tag.
 */
int ws_asset_tag_find(const char *tag, const char *const *tags, size_t n);

#endif
