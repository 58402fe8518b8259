/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * asset-tag.c - the rules for a medium's asset tag (wipeseal/asset-tag.h), in one place for
 * every front end: what a tag may hold, and which drive holds it already.
 *
 * A station's technician scans ten labels in a row with a USB barcode scanner, which types
 * what it read and Enter. What goes wrong there is what these rules catch: a scanner set to
 * send a Tab or a prefix (a control byte in the tag), a label read twice or two read as one
 * (a line too long), a keyboard layout that turns a character into a non-ASCII byte, and
 * the same label scanned for two drives. The rules are ASCII's because a tag is printed on
 * labels and typed on other machines; the comparison ignores ASCII case because a tag typed
 * by hand in lower case is the label's tag.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <wipeseal/asset-tag.h>

#include "internal.h"

/* The reasons are short: the station shows them on one line of 80 columns. */
int ws_asset_tag_check(const char *tag, char **ret_why)
{
	size_t n = tag ? strlen(tag) : 0;

	if (n == 0)
		return ws_reason(ret_why, -EINVAL,
		                 "the asset tag is empty: scan the drive's label or type its tag");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tag[i];

		if (c < 0x20 || c > 0x7e)
			return ws_reason(ret_why, -EINVAL,
			                 "asset tag byte 0x%02X (character %zu) is not printable "
			                 "ASCII: scan again or type it",
			                 c, i + 1);
	}
	if (tag[0] == ' ' || tag[n - 1] == ' ')
		return ws_reason(ret_why, -EINVAL,
		                 "the asset tag begins or ends with a space: scan again or type it "
		                 "without");
	if (n > WS_ASSET_TAG_MAX)
		return ws_reason(
		    ret_why, -EINVAL,
		    "the asset tag is longer than %d characters: scan the one label again",
		    WS_ASSET_TAG_MAX);
	return 0;
}

/* ASCII's case only, whatever the locale (strcasecmp() follows LC_CTYPE). */
static char fold(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

bool ws_asset_tag_same(const char *a, const char *b)
{
	if (!a || !b || !a[0])
		return false;
	for (; *a && fold(*a) == fold(*b); a++, b++)
		;
	return *a == *b;
}

int ws_asset_tag_find(const char *tag, const char *const *tags, size_t n)
{
	if (!tag || !tag[0])
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (ws_asset_tag_same(tag, tags[i]))
			return i > (size_t)INT_MAX ? -ERANGE : (int)i;
	return -ENOENT;
}
