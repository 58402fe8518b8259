/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11wrap.c - a PKCS#11 module for tests that passes every call to a real one (SoftHSM2) and
 * makes its token say what SoftHSM2 never says: that the user PIN is locked, or that the next
 * try is the last. SoftHSM2 counts no tries, so a locked card cannot be made any other way.
 *
 * A test names it in the URI (module-path=.../libp11wrap.so) and sets:
 *   WS_P11WRAP_MODULE  the real module (default: SoftHSM2's)
 *   WS_P11WRAP         "locked": C_GetTokenInfo adds CKF_USER_PIN_LOCKED and C_Login
 *                      answers CKR_PIN_LOCKED; "final": C_GetTokenInfo adds
 *                      CKF_USER_PIN_FINAL_TRY; unset: nothing changes.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

#ifndef WS_SOFTHSM2
#define WS_SOFTHSM2 "/usr/lib/softhsm/libsofthsm2.so"
#endif

static CK_FUNCTION_LIST real, wrapped;
static CK_C_GetTokenInfo real_token_info;
static CK_C_Login real_login;

static const char *mode(void)
{
	const char *m = getenv("WS_P11WRAP");

	return m ? m : "";
}

static CK_RV token_info(CK_SLOT_ID slot, CK_TOKEN_INFO *info)
{
	CK_RV rv = real_token_info(slot, info);

	if (rv == CKR_OK && strcmp(mode(), "locked") == 0)
		info->flags |= CKF_USER_PIN_LOCKED;
	if (rv == CKR_OK && strcmp(mode(), "final") == 0)
		info->flags |= CKF_USER_PIN_FINAL_TRY;
	return rv;
}

static CK_RV login(CK_SESSION_HANDLE session, CK_USER_TYPE user, CK_UTF8CHAR *pin, CK_ULONG len)
{
	if (user == CKU_USER && strcmp(mode(), "locked") == 0)
		return CKR_PIN_LOCKED;
	return real_login(session, user, pin, len);
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
	real_token_info = real.C_GetTokenInfo;
	real_login = real.C_Login;
	wrapped.C_GetTokenInfo = token_info;
	wrapped.C_Login = login;
	*ret = &wrapped;
	return CKR_OK;
}
