/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11wrap.c - a PKCS#11 module for tests that passes every call to a real one (SoftHSM2) and
 * makes its token say what SoftHSM2 never says: that the user PIN is locked, that the next
 * try is the last, that few are left, or that the card was pulled from its reader. SoftHSM2
 * counts no tries and has no reader, so neither can be made any other way.
 *
 * A test names it in the URI (module-path=.../libp11wrap.so) and sets:
 *   WS_P11WRAP_MODULE  the real module (default: SoftHSM2's)
 *   WS_P11WRAP         "locked": C_GetTokenInfo adds CKF_USER_PIN_LOCKED and C_Login
 *                      answers CKR_PIN_LOCKED; "final": C_GetTokenInfo adds
 *                      CKF_USER_PIN_FINAL_TRY; "low": C_GetTokenInfo adds
 *                      CKF_USER_PIN_COUNT_LOW; "nochallenge": C_GenerateRandom answers
 *                      CKR_GENERAL_ERROR, as OpenSC does for a card that has no GET
 *                      CHALLENGE (QEMU's emulated CAC card answers it 6D00); unset:
 *                      nothing changes.
 *   WS_P11WRAP_PULLED  a path: once a file is there, the card is out of its reader: the
 *                      slot reports no token (C_GetSlotInfo without CKF_TOKEN_PRESENT,
 *                      C_GetTokenInfo and C_OpenSession CKR_TOKEN_NOT_PRESENT), and the
 *                      sessions opened before are gone (C_GetSessionInfo, C_Login,
 *                      C_SignInit, C_Sign, C_GenerateRandom... CKR_DEVICE_REMOVED), as OpenSC answers when a
 *                      card is pulled. Removing the file puts the card back (for new
 *                      sessions; a process that saw it pulled logs in again).
 */
#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <p11-kit/pkcs11.h>

#ifndef WS_SOFTHSM2
#define WS_SOFTHSM2 "/usr/lib/softhsm/libsofthsm2.so"
#endif

static CK_FUNCTION_LIST real, wrapped;

static const char *mode(void)
{
	const char *m = getenv("WS_P11WRAP");

	return m ? m : "";
}

/* The card is out of its reader: the control file is there. */
static bool pulled(void)
{
	const char *p = getenv("WS_P11WRAP_PULLED");

	return p && access(p, F_OK) == 0;
}

static CK_RV slot_info(CK_SLOT_ID slot, CK_SLOT_INFO *info)
{
	CK_RV rv = real.C_GetSlotInfo(slot, info);

	if (rv == CKR_OK && pulled())
		info->flags &= ~(CK_FLAGS)CKF_TOKEN_PRESENT;
	return rv;
}

static CK_RV token_info(CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	CK_RV rv = pulled() ? CKR_TOKEN_NOT_PRESENT : real.C_GetTokenInfo(slot, info);

	if (rv == CKR_OK && strcmp(mode(), "locked") == 0)
		info->flags |= CKF_USER_PIN_LOCKED;
	if (rv == CKR_OK && strcmp(mode(), "final") == 0)
		info->flags |= CKF_USER_PIN_FINAL_TRY;
	if (rv == CKR_OK && strcmp(mode(), "low") == 0)
		info->flags |= CKF_USER_PIN_COUNT_LOW;
	return rv;
}

static CK_RV open_session(CK_SLOT_ID slot, CK_FLAGS flags, void *app, CK_NOTIFY notify,
                          CK_SESSION_HANDLE *ret)
{
	return pulled() ? CKR_TOKEN_NOT_PRESENT : real.C_OpenSession(slot, flags, app, notify, ret);
}

static CK_RV session_info(CK_SESSION_HANDLE session, CK_SESSION_INFO *info)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_GetSessionInfo(session, info);
}

static CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR *pin, CK_ULONG len)
{
	if (pulled())
		return CKR_DEVICE_REMOVED;
	if (user == CKU_USER && strcmp(mode(), "locked") == 0)
		return CKR_PIN_LOCKED;
	return real.C_Login(session, user, pin, len);
}

static CK_RV sign_init(CK_SESSION_HANDLE session, CK_MECHANISM *mech, CK_OBJECT_HANDLE key)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_SignInit(session, mech, key);
}

static CK_RV sign(CK_SESSION_HANDLE session, CK_BYTE *data, CK_ULONG len, CK_BYTE *sig,
                  CK_ULONG *sig_len)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_Sign(session, data, len, sig, sig_len);
}

static CK_RV sign_update(CK_SESSION_HANDLE session, CK_BYTE *data, CK_ULONG len)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_SignUpdate(session, data, len);
}

static CK_RV sign_final(CK_SESSION_HANDLE session, CK_BYTE *sig, CK_ULONG *sig_len)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_SignFinal(session, sig, sig_len);
}

static CK_RV gen_random(CK_SESSION_HANDLE session, CK_BYTE *buf, CK_ULONG len)
{
	if (pulled())
		return CKR_DEVICE_REMOVED;
	if (strcmp(mode(), "nochallenge") == 0)
		return CKR_GENERAL_ERROR;
	return real.C_GenerateRandom(session, buf, len);
}

static CK_RV find_init(CK_SESSION_HANDLE session, CK_ATTRIBUTE *templ, CK_ULONG n)
{
	return pulled() ? CKR_DEVICE_REMOVED : real.C_FindObjectsInit(session, templ, n);
}

/* Each caller on its own, as p11-kit's proxy keeps them (a state per C_GetFunctionList):
 * every PKCS11_CTX of libp11 in a process (each signer, each scan of the cards) initializes
 * the module, and when freed closes all sessions of its slots and finalizes; the module's
 * state is one per process, so without this the first context freed would end the
 * sessions of every other. C_Initialize and C_Finalize are counted; C_CloseAllSessions
 * leaves the sessions (C_Finalize of the last caller closes them). */
static unsigned inits;

static CK_RV initialize(void *args)
{
	CK_RV rv = inits ? CKR_OK : real.C_Initialize(args);

	if (rv == CKR_OK || rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) {
		inits++;
		rv = CKR_OK;
	}
	return rv;
}

static CK_RV finalize(void *reserved)
{
	if (!inits)
		return CKR_CRYPTOKI_NOT_INITIALIZED;
	return --inits ? CKR_OK : real.C_Finalize(reserved);
}

static CK_RV close_all(CK_SLOT_ID slot)
{
	(void)slot;
	return CKR_OK;
}

CK_RV C_GetFunctionList(CK_FUNCTION_LIST **ret);

CK_RV C_GetFunctionList(CK_FUNCTION_LIST **ret)
{
	const char *path = getenv("WS_P11WRAP_MODULE");
	CK_C_GetFunctionList get;
	CK_FUNCTION_LIST *list;
	void *h = dlopen(path ? path : WS_SOFTHSM2, RTLD_NOW | RTLD_LOCAL);

	if (!h || !(get = (CK_C_GetFunctionList)dlsym(h, "C_GetFunctionList")) ||
	    get(&list) != CKR_OK)
		return CKR_GENERAL_ERROR;
	real = *list;
	wrapped = real;
	wrapped.C_Initialize = initialize;
	wrapped.C_Finalize = finalize;
	wrapped.C_CloseAllSessions = close_all;
	wrapped.C_GetSlotInfo = slot_info;
	wrapped.C_GetTokenInfo = token_info;
	wrapped.C_OpenSession = open_session;
	wrapped.C_GetSessionInfo = session_info;
	wrapped.C_Login = login;
	wrapped.C_SignInit = sign_init;
	wrapped.C_Sign = sign;
	wrapped.C_SignUpdate = sign_update;
	wrapped.C_SignFinal = sign_final;
	wrapped.C_FindObjectsInit = find_init;
	wrapped.C_GenerateRandom = gen_random;
	*ret = &wrapped;
	return CKR_OK;
}
