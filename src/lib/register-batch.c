/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * register-batch.c - many files pushed at once: each certificate is verified on its own, as
 * ws_register_push_file() does, and up to WS_REGISTER_PUSH_BATCH of them are stored in one
 * transaction, their insert calls sent in libpq's pipeline mode without waiting for each
 * answer. What one statement per certificate cost was mostly the round trips and the
 * commits, not the storing (docs/performance.md, "The register").
 *
 * No outcome is told before the transaction committed. When the server refuses one
 * certificate of a batch the whole transaction is rolled back, so the batch is sent again
 * one statement at a time and each gets its own answer; a connection lost before the commit
 * was answered makes every certificate of the batch UNREACHABLE, as a single push would (the
 * next push finds those that did arrive DUPLICATE). Records and audit logs go one at a time,
 * in their place in the order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <wipeseal/register.h>

#include "internal.h"
#include "register-internal.h"

struct batch {
	struct ws_push_cert pc[WS_REGISTER_PUSH_BATCH];
	struct ws_push_outcome o[WS_REGISTER_PUSH_BATCH];
	const char *path[WS_REGISTER_PUSH_BATCH];
	size_t n;
};

/* Every certificate of @b UNREACHABLE for @why. Return: -EHOSTUNREACH. */
static int lost_all(struct batch *b, const char *why)
{
	for (size_t i = 0; i < b->n; i++) {
		free(b->o[i].reason);
		b->o[i].status = WS_PUSH_UNREACHABLE;
		b->o[i].reason = strdup(why ?: "the register cannot be reached");
	}
	return -EHOSTUNREACH;
}

/* Send @b's inserts in one pipeline; the answers into @b->o. Return: 1 when all were
 * answered and committed; 0 when the server refused one (nothing committed: send them one by
 * one); -EHOSTUNREACH with every outcome UNREACHABLE; -ENOMEM. */
static int send_pipelined(struct ws_register *r, struct batch *b)
{
	static const int fmts[WS_PUSH_CERT_PARAMS] = { 1, 1 };
	bool sent = PQenterPipelineMode(r->pg) == 1, refused = false, lost = !sent;
	PGresult *res;
	int err = 0;

	for (size_t i = 0; sent && i < b->n; i++) {
		const char *vals[WS_PUSH_CERT_PARAMS];
		int lens[WS_PUSH_CERT_PARAMS];

		ws_push_cert_params(&b->pc[i], vals, lens);
		sent = PQsendQueryParams(r->pg, WS_PUSH_CERT_SQL, WS_PUSH_CERT_PARAMS, NULL, vals,
		                         lens, fmts, 0) == 1;
	}
	sent = sent && PQpipelineSync(r->pg) == 1;
	for (size_t i = 0; sent && i < b->n; i++) {
		res = PQgetResult(r->pg);
		if (!res) {
			lost = true;
			break;
		}
		if (PQresultStatus(res) == PGRES_TUPLES_OK)
			err = err ?: ws_push_answer(r, res, &b->o[i]);
		else if (PQresultStatus(res) == PGRES_FATAL_ERROR &&
		         PQstatus(r->pg) == CONNECTION_OK)
			refused = true;
		else if (PQresultStatus(res) != PGRES_PIPELINE_ABORTED)
			lost = true;
		PQclear(res);
		PQclear(PQgetResult(r->pg)); /* the NULL that ends each statement's results */
	}
	/* the Sync's answer: the transaction is over, committed unless something failed */
	res = sent && !lost ? PQgetResult(r->pg) : NULL;
	if (!res || PQresultStatus(res) != PGRES_PIPELINE_SYNC)
		lost = true;
	PQclear(res);
	if (PQexitPipelineMode(r->pg) != 1 || !sent)
		lost = true;
	if (lost || PQstatus(r->pg) != CONNECTION_OK) {
		_cleanup_free_ char *why = NULL;

		if (asprintf(&why, "the register went away: %s",
		             ws_one_line(PQerrorMessage(r->pg)) ?: "") < 0)
			why = NULL;
		return lost_all(b, why);
	}
	return err < 0 ? err : !refused;
}

/* One statement for @b's certificate @i, answered into @b->o[i]. Return: 0 or -ENOMEM. */
static int send_one(struct ws_register *r, struct batch *b, size_t i)
{
	static const int fmts[WS_PUSH_CERT_PARAMS] = { 1, 1 };
	const char *vals[WS_PUSH_CERT_PARAMS];
	int lens[WS_PUSH_CERT_PARAMS];
	PGresult *res;
	int err;

	ws_push_cert_params(&b->pc[i], vals, lens);
	res = PQexecParams(r->pg, WS_PUSH_CERT_SQL, WS_PUSH_CERT_PARAMS, NULL, vals, lens, fmts, 0);
	err = ws_push_answer(r, res, &b->o[i]);
	PQclear(res);
	return err;
}

/* Send what @b holds and tell each outcome, in order, up to the first UNREACHABLE one (the
 * rest of a batch that was lost is told too: none of it is known to be stored). Return: 0;
 * 1 when one was UNREACHABLE (stop); -ENOMEM. */
static int flush(struct ws_register *r, struct batch *b, ws_push_fn fn, void *userdata,
                 size_t *ret_told)
{
	_cleanup_free_ char *why = NULL;
	int p = 0, ret = 0;
	size_t told = 0;

	if (ws_register_alive(r, &why) < 0)
		p = lost_all(b, why);
	else if (b->n > 1)
		p = send_pipelined(r, b);

	if (p == -EHOSTUNREACH || p == 1) {
		told = b->n;
		ret = p == 1 ? 0 : 1;
	} else if (p < 0) {
		ret = p;
	}
	for (size_t i = 0; p == 0 && i < b->n; i++) {
		ret = send_one(r, b, i);
		if (ret < 0)
			break;
		told = i + 1;
		if (b->o[i].status == WS_PUSH_UNREACHABLE) {
			ret = 1;
			break;
		}
	}
	for (size_t i = 0; i < told; i++)
		fn(userdata, b->path[i], &b->o[i]);
	*ret_told += told;
	for (size_t i = 0; i < b->n; i++) {
		ws_push_outcome_clear(&b->o[i]);
		ws_push_cert_clear(&b->pc[i]);
	}
	b->n = 0;
	return ret;
}

int ws_register_push_files(struct ws_register *r, const struct ws_trust *trust,
                           const struct ws_verify_opts *vo, char *const *paths, size_t n,
                           ws_push_fn fn, void *userdata, size_t *ret_told)
{
	struct batch *b = calloc(1, sizeof(*b));
	size_t told = 0;
	int err = 0;

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; err == 0 && i < n; i++) {
		struct ws_push_outcome o = { 0 };
		enum ws_push_kind kind = WS_PUSH_CERTIFICATE;
		int k = ws_push_kind_of(paths[i], &kind, &o);

		if (k == 0 && kind == WS_PUSH_CERTIFICATE) {
			k = ws_push_cert_prepare(trust, vo, paths[i], &b->pc[b->n], &o);
			o.kind = WS_PUSH_CERTIFICATE;
		}
		if (k == 0 && kind == WS_PUSH_CERTIFICATE) { /* to be sent with the batch */
			b->o[b->n] = o;
			b->path[b->n++] = paths[i];
			if (b->n == WS_REGISTER_PUSH_BATCH)
				err = flush(r, b, fn, userdata, &told);
			continue;
		}
		/* anything else keeps its place: the batch before it goes first */
		err = k < 0 ? k : 0;
		if (err == 0 && b->n)
			err = flush(r, b, fn, userdata, &told);
		if (err == 0 && k == 0)
			err = ws_register_push_file(r, trust, vo, paths[i], &o);
		if (err == 0) {
			fn(userdata, paths[i], &o);
			told++;
			err = o.status == WS_PUSH_UNREACHABLE;
		}
		ws_push_outcome_clear(&o);
	}
	if (err == 0 && b->n)
		err = flush(r, b, fn, userdata, &told);
	free(b);
	*ret_told = told;
	return err < 0 ? err : 0;
}
